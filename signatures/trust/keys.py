"""A signature's comparison keys: what the worker stores on it with its flags (the `*_key`,
`name_*` fields of Signature), so that look-alikes are sought by comparing keys already made
rather than by parsing every name and website of a letter again (candidates.py). Each key is a
necessary condition of one way two signatures look alike."""

from signatures.trust.domains import identity_domain
from signatures.trust.names import (
    acronyms_spelled,
    acronyms_used,
    comparison_key,
    numbers_key,
)

KEY_FIELDS = (
    "name_key", "name_numbers", "name_acronyms", "name_spellings", "website_key", "email_key",
)  # fmt: skip


def email_key(email: str) -> str:
    return email.strip().lower()


def comparison_keys(*, name: str, website: str, email: str) -> dict[str, str]:
    """The keys of KEY_FIELDS; acronym lists space-separated."""
    return {
        "name_key": comparison_key(name),
        "name_numbers": numbers_key(name),
        "name_acronyms": " ".join(sorted(acronyms_used(name))),
        "name_spellings": " ".join(sorted(acronyms_spelled(name))),
        "website_key": identity_domain(website),
        "email_key": email_key(email),
    }


def set_keys(signature) -> None:
    """Put the signature's keys on it, for its caller to save."""
    keys = comparison_keys(
        name=signature.name, website=signature.website, email=signature.contact_email
    )
    for name, value in keys.items():
        setattr(signature, name, value)
