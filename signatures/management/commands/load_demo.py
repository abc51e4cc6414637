"""`make run`'s set-up: a demo letter with its organizers, signatures in every state and a
spreadsheet of earlier signers waiting to be imported, and an admin account.
Safe to run again: it only adds what is missing, and prints the password only when it creates
the account."""

import csv
import io
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from letters.models import Letter, LetterGroup
from letters.services import letter_current_revision
from signatures import imports, services, trust
from signatures.models import Signature
from signatures.spreadsheets import read_sheet

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

NATIONAL, LOCAL = "National organizations", "State and local organizations"

SIGNERS = [
    # name, city, region, status, lead order (0: not a lead signer), group
    ("Riders for Privacy", "Oakland", "CA", "approved", 1, NATIONAL),
    ("Digital Rights Coalition", "Washington", "DC", "approved", 2, NATIONAL),
    ("Transit Justice Alliance", "Chicago", "IL", "approved", 0, NATIONAL),
    ("Library Freedom Network", "Boston", "MA", "approved", 0, NATIONAL),
    ("Bay Area Tenants Union", "San Francisco", "CA", "approved", 0, LOCAL),
    ("The Open Streets Project", "Portland", "OR", "approved", 0, LOCAL),
    ("Commuters United", "Seattle", "WA", "pending", 0, LOCAL),
    ("Neighborhood Legal Aid", "Detroit", "MI", "pending", 0, LOCAL),
    ("Fare Free Future", "Denver", "CO", "unconfirmed", 0, LOCAL),
    ("Westside Bike Co-op", "Austin", "TX", "withdrawn", 0, LOCAL),
    ("Definitely Real Org <b>lol</b>", "Nowhere", "", "rejected", 0, None),
]

# An impostor for the moderation queue: a look-alike name with a free-mail address.
IMPOSTOR = ("Digital Rights Coalition Inc.", "Washington", "DC", "drc.official@gmail.com")

# The responses of the form the coalition ran before, as Google Forms exports them: new
# organizations, one already on the letter, a look-alike, a row with a mistake.
EARLIER_FORM = [
    ("Timestamp", "Organization name", "Organization website", "City", "State", "Country",
     "Your name", "Email Address", "Group"),
    ("2026-09-02 10:14", "Prairie Privacy Project", "https://prairieprivacy.example.org",
     "Lincoln", "NE", "United States", "Jo Ames", "jo@prairieprivacy.example.org", LOCAL),
    ("2026-09-02 11:40", "Coalition for Fair Fares", "fairfares.example.org", "Baltimore", "MD",
     "United States", "Lee Park", "lee@fairfares.example.org", NATIONAL),
    ("2026-09-03 09:05", "Riders for Privacy", "https://ridersforprivacy.example.org", "Oakland",
     "CA", "United States", "Contact 1", "contact1@ridersforprivacy.example.org", NATIONAL),
    ("2026-09-03 15:22", "Library Freedom Network Inc", "", "Boston", "MA", "United States",
     "Sam Roe", "sam@lfn.example.org", NATIONAL),
    ("2026-09-04 08:30", "Southside Transit Riders", "", "Chicago", "IL", "United States",
     "Ari Cole", "ari at southside", LOCAL),
]  # fmt: skip


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
            description="Civil society groups ask Brightline Transit to stop tracking riders.",
            organizers="Riders for Privacy\nDigital Rights Coalition",
            contact_email="organizers@ridersforprivacy.example.org",
            grouping=Letter.Grouping.GROUP,
            signing_deadline=timezone.now() + timedelta(days=30),
        )
        groups = {
            name: LetterGroup.objects.create(letter=letter, name=name, order=order)
            for order, name in enumerate((NATIONAL, LOCAL), start=1)
        }
        revision = letter_current_revision(letter=letter)
        now = timezone.now()
        signatures = []
        for index, (name, city, region, status, lead, group) in enumerate(SIGNERS):
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            website = f"https://{slug}.example.org"
            confirmed = status != "unconfirmed"
            signatures.append(Signature.objects.create(
                letter=letter, name=name, city=city, region=region, country="United States",
                website=website, contact_name=f"Contact {index + 1}",
                contact_email=f"contact{index + 1}@{slug}.example.org", authorized=True,
                status=status, is_lead=bool(lead), lead_order=lead, group=groups.get(group),
                confirmed_at=now if confirmed else None,
                confirmed_revision=revision if confirmed else None,
                withdrawn_at=now if status == "withdrawn" else None,
                organization=services.organization_find_or_create(name=name, website=website),
            ))  # fmt: skip
        name, city, region, email = IMPOSTOR
        signatures.append(Signature.objects.create(
            letter=letter, name=name, city=city, region=region, country="United States",
            contact_name="Someone", contact_email=email, authorized=True, status="pending",
            confirmed_at=now, confirmed_revision=revision,
            organization=services.organization_find_or_create(name=name, website=""),
        ))  # fmt: skip
        trust.refresh_now(signatures)
        out = io.StringIO()
        csv.writer(out).writerows(EARLIER_FORM)
        content = out.getvalue().encode()
        imports.signature_import_create(
            letter=letter,
            file_name="Earlier form responses.csv",
            content=content,
            sheet=read_sheet("Earlier form responses.csv", content),
            by=None,
        )
        self.stdout.write(self.style.SUCCESS(f"Demo letter loaded: {letter.get_absolute_url()}"))
