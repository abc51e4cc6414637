from django.core.management.base import BaseCommand

from signatures.digest import review_digest_send


class Command(BaseCommand):
    help = (
        "Mail the staff who opted in a digest of the signatures awaiting review, at most once "
        "an hour each and only when there is new work. Run it every few minutes (the "
        "scheduler service does)."
    )

    def handle(self, **options):
        count = review_digest_send()
        self.stdout.write(f"Queued {count} review digest(s).")
