"""Letters of many signatures made in bulk, the way they would stand after signing and the
worker's pass: organization records, confirmed signatures, their comparison keys and flags.
bulk_create skips save(), so the normalized names are set here."""

import random

from django.utils import timezone

from letters.models import Letter
from signatures.models import Organization, Signature, normalize_organization_name
from signatures.trust.assessment import WEIGHTS, Flag
from signatures.trust.keys import set_keys

# Names as a large coalition's read: a distinctive word (made of syllables, like the place
# and proper names real ones carry) with common words of the field, so that many names share
# words and a few look alike, as real ones do.
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
_TOPICS = (
    "Tenants", "Riders", "Workers", "Youth", "Women", "Climate", "Water", "Health", "Housing",
    "Immigrant", "Disability", "Justice", "Privacy", "Transit", "Farmworkers", "Parents",
    "Students", "Veterans", "Seniors", "Artists", "Library", "Legal Aid", "Food", "Faith",
)  # fmt: skip
_KINDS = ("Union", "Coalition", "Network", "Alliance", "Council", "Project", "Fund", "League",
          "Action", "Center", "Association", "Collective")  # fmt: skip
_PLACES = (("Springfield", "IL"), ("Oakland", "CA"), ("Austin", "TX"), ("Albany", "NY"),
           ("Tacoma", "WA"), ("Dayton", "OH"), ("Fresno", "CA"), ("Duluth", "MN"))  # fmt: skip


def seeded_names(count: int, *, seed: int = 8):
    """`count` organization names, distinct once normalized."""
    rng = random.Random(seed)
    names, seen = [], set()
    while len(names) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))).title()
        topic, kind, (place, _region) = (
            rng.choice(_TOPICS), rng.choice(_KINDS), rng.choice(_PLACES)
        )  # fmt: skip
        name = rng.choice((
            f"{word} {topic} {kind}", f"{topic} {kind} of {word}", f"{word} {kind}",
            f"{place} {word} {topic} {kind}", f"{word} {topic} {kind} of {place}",
        ))  # fmt: skip
        if (normalized := normalize_organization_name(name)) not in seen:
            seen.add(normalized)
            names.append(name)
    return names


# One in FREE_MAIL_EVERY writes from a free-mail address, the only signal seeded signatures
# carry: the moderators' "needs attention" list then has something to show.
FREE_MAIL_EVERY = 50


def seed_signatures(letter: Letter, count: int, *, status=Signature.Status.APPROVED, seed=8):
    """Add `count` signatures to the letter, each with an organization record, as the worker
    leaves them (keys stored, flags computed). Returns the signatures."""
    now = timezone.now()
    names = seeded_names(count, seed=seed)
    domains = [f"{letter.slug}-{number}.example.org" for number in range(count)]
    Organization.objects.bulk_create(
        (
            Organization(name=name, normalized_name=normalize_organization_name(name),
                         website_domain=domain)
            for name, domain in zip(names, domains, strict=True)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )  # fmt: skip
    organizations = dict(Organization.objects.filter(website_domain__in=domains).values_list(
        "website_domain", "pk"
    ))  # fmt: skip
    signatures = [
        Signature(
            letter=letter, organization_id=organizations.get(domain), name=name,
            normalized_name=normalize_organization_name(name), website=f"https://{domain}/",
            city=_PLACES[number % 8][0], region=_PLACES[number % 8][1], country="United States",
            contact_name=f"Contact {number}", contact_email=f"contact@{domain}",
            authorized=True, status=status, confirmed_at=now, risk_assessed_at=now,
        )
        for number, (name, domain) in enumerate(zip(names, domains, strict=True))
    ]  # fmt: skip
    for number, signature in enumerate(signatures):
        if number % FREE_MAIL_EVERY == FREE_MAIL_EVERY - 1:
            signature.contact_email = f"contact.{number}@gmail.com"
            signature.risk_flags, signature.risk_score = Flag.FREE_MAIL, WEIGHTS[Flag.FREE_MAIL]
        set_keys(signature)
    Signature.objects.bulk_create(signatures, batch_size=2000)
    if status == Signature.Status.APPROVED:
        Letter.objects.filter(pk=letter.pk).bump_public_version()
    return signatures
