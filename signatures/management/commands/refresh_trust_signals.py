"""Link signatures stored before organization records existed (or loaded without the signing
service) to their organizations, and recompute every signature's stored trust signals: its
comparison keys, look-alikes and flags. Safe to run again; `--pending` does only those whose
flags the worker has yet to compute (a refresh lost with a task backend outside the database,
or skipped while a moderator held the row)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from signatures import services, trust
from signatures.models import Signature


class Command(BaseCommand):
    help = "Link signatures to organization records and recompute their trust signals."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pending", action="store_true", help="Only signatures whose flags are pending."
        )

    def handle(self, *args, pending=False, **options):
        with transaction.atomic():
            unlinked = Signature.objects.filter(organization__isnull=True).order_by("submitted_at")
            linked = 0
            for signature in unlinked:
                signature.organization = services.organization_find_or_create(
                    name=signature.name, website=signature.website
                )
                signature.save(update_fields=["organization"])
                linked += 1
        signatures = Signature.objects.only("id", "letter_id").order_by("letter", "pk")
        if pending:
            signatures = signatures.filter(risk_assessed_at__isnull=True)
        refreshed = 0
        # A letter at a time: each is one transaction, taking its turn with the worker.
        for letter_id in set(signatures.values_list("letter_id", flat=True)):
            refreshed += trust.refresh_now(signatures.filter(letter_id=letter_id))
        self.stdout.write(f"Linked {linked} signatures; refreshed {refreshed}.")
