"""A coalition letter the size real ones reach, for the tests that compare its forms."""

import random

from letters.models import Letter, LetterGroup
from tests.factories import make_letter, make_signature

_WORDS = (
    "Alliance", "bridges", "Clean", "Ñandú", "Delta", "Écoles", "federation", "Green",
    "Harbor", "Inland", "justice", "Keystone", "Lakeside", "Mothers", "north", "Open",
    "Prairie", "Quaker", "River", "Sunrise", "Tenants", "Union", "Valley", "Water", "Youth",
)  # fmt: skip
_KINDS = ("Network", "Coalition", "Council", "Project", "Fund", "League", "Action", "Center")


def make_coalition_letter(*, organizations=300, leads=5, seed=4) -> Letter:
    """A letter grouped national/local, with `organizations` approved signatures of varied
    spelling (accents, lower case) of which `leads` are lead signers, plus some that the public
    must not see (unconfirmed, pending, rejected)."""
    rng = random.Random(seed)
    letter = make_letter(
        grouping=Letter.Grouping.GROUP,
        body="We, the undersigned, ask you to **act**:\n\n1. Stop.\n2. Listen.\n\nThank you.",
    )
    national = LetterGroup.objects.create(letter=letter, name="National organizations", order=1)
    local = LetterGroup.objects.create(letter=letter, name="State and local organizations", order=2)
    names = set()
    while len(names) < organizations:
        names.add(f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_KINDS)} {len(names)}")
    for i, name in enumerate(sorted(names, key=lambda _: rng.random())):
        make_signature(
            letter,
            name=name,
            group=national if i % 3 == 0 else local,
            is_lead=i < leads,
            lead_order=leads - i if i < leads else 0,
            region=rng.choice(["IL", "NY", "CA", ""]),
        )
    for status in ("unconfirmed", "pending", "rejected"):
        make_signature(letter, status=status, name=f"Hidden {status} organization")
    return letter
