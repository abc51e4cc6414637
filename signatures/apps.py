from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = "Signatures"

    def ready(self):
        from signatures import checks  # noqa: F401 — registers the deploy checks
