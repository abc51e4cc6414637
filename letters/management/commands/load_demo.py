"""`make run`'s set-up: a demo letter with signatures in every state and an admin account.
Safe to run again: it only adds what is missing, and prints the password only when it creates
the account."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from letters.models import Letter
from signatures.models import Signature

ADDRESSEES = """\
Dana Whitfield, Chief Executive Officer
Marcus Oyelaran, Chief Privacy Officer
Brightline Transit Authority"""

BODY = """\
We, the undersigned civil society organizations, write to urge Brightline Transit to stop
collecting and retaining the travel histories of riders who pay with its contactless fare cards.

Every tap of a Brightline card is stored, linked to the card's registration, and kept for
seven years. Taken together, these records reveal where riders live, work, worship and seek
medical care. They are available to any agency that asks, often without a warrant. Riders
who depend on public transit — disproportionately low-income riders — have no practical way
to opt out.

We ask Brightline to:

1. Delete trip records older than 30 days that are not needed to resolve a fare dispute;
2. Require a warrant before disclosing any rider's travel history to law enforcement;
3. Offer a fully anonymous fare card, sold for cash, at every station.

Public transit should move people, not track them. We would welcome the opportunity to meet
with you to discuss these steps.
"""

SIGNERS = [
    # name, city, region, status, lead
    ("Riders for Privacy", "Oakland", "CA", "approved", 1),
    ("Digital Rights Coalition", "Washington", "DC", "approved", 2),
    ("Transit Justice Alliance", "Chicago", "IL", "approved", 0),
    ("Bay Area Tenants Union", "San Francisco", "CA", "approved", 0),
    ("The Open Streets Project", "Portland", "OR", "approved", 0),
    ("Library Freedom Network", "Boston", "MA", "approved", 0),
    ("Commuters United", "Seattle", "WA", "pending", 0),
    ("Neighborhood Legal Aid", "Detroit", "MI", "pending", 0),
    ("Fare Free Future", "Denver", "CO", "unconfirmed", 0),
    ("Definitely Real Org <b>lol</b>", "Nowhere", "", "rejected", 0),
]


class Command(BaseCommand):
    help = "Load a demo letter with signatures in every state and create an admin account."

    def handle(self, *args, **options):
        self._ensure_admin()
        with transaction.atomic():
            self._ensure_letter()

    def _ensure_admin(self):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "Admin account already exists (user “admin”, password printed on first run)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.org", password)
        self.stdout.write(
            self.style.SUCCESS(f"Admin login: user “admin”, password “{password}” (shown once).")
        )

    def _ensure_letter(self):
        if Letter.objects.filter(slug="brightline-rider-privacy").exists():
            return
        letter = Letter.objects.create(
            title="Letter to Brightline Transit on rider location tracking",
            slug="brightline-rider-privacy",
            status=Letter.Status.OPEN,
            addressees=ADDRESSEES,
            salutation="Dear Ms. Whitfield and Mr. Oyelaran:",
            body=BODY,
            signing_deadline=timezone.now() + timedelta(days=30),
        )
        now = timezone.now()
        for index, (name, city, region, status, lead) in enumerate(SIGNERS):
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            Signature.objects.create(
                letter=letter, name=name, city=city, region=region, country="United States",
                website=f"https://{slug}.example.org", contact_name=f"Contact {index + 1}",
                contact_email=f"contact{index + 1}@{slug}.example.org", authorized=True,
                status=status, is_lead=bool(lead), lead_order=lead,
                confirmed_at=None if status == "unconfirmed" else now,
            )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"Demo letter loaded: {letter.get_absolute_url()}"))
