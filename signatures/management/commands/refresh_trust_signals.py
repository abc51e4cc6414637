"""Link signatures stored before organization records existed (or loaded without the signing
service, like the demo) to their organizations, and recompute every signature's stored trust
flags. Safe to run again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from signatures import services
from signatures.models import Signature


class Command(BaseCommand):
    help = "Link signatures to organization records and recompute their trust flags."

    def handle(self, *args, **options):
        with transaction.atomic():
            unlinked = Signature.objects.filter(organization__isnull=True).order_by("submitted_at")
            linked = 0
            for signature in unlinked:
                signature.organization = services.organization_find_or_create(
                    name=signature.name, website=signature.website
                )
                signature.save(update_fields=["organization"])
                linked += 1
            signatures = list(Signature.objects.all())
            services.signature_refresh_risk(signatures=signatures)
        self.stdout.write(f"Linked {linked} signatures; refreshed {len(signatures)}.")
