from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from signatures.services import signature_purge_contacts


class Command(BaseCommand):
    help = (
        "Blank the contact details (name, title, email, note, IP, withdrawal reason) of "
        "signatures on letters whose signing ended more than CONTACT_RETENTION_DAYS ago, and "
        "delete the mails stored for them. Organization names stay on the letter. Safe to run "
        "daily: already purged signatures are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: the CONTACT_RETENTION_DAYS setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be purged."
        )

    def handle(self, *, days, dry_run, **options):
        days = settings.CONTACT_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - timedelta(days=days)
        counts = signature_purge_contacts(cutoff=cutoff, dry_run=dry_run)
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{verb} contact details of {counts['signatures']} signature(s) on "
            f"{counts['letters']} letter(s) closed before {cutoff:%Y-%m-%d}; "
            f"{'would delete' if dry_run else 'deleted'} {counts['mails']} stored mail(s) "
            f"and {counts['imports']} imported spreadsheet(s)."
        )
