"""The public order of signatories, shared by every form of the letter."""

from signatures.models import Signature


def public_signatories(letter) -> list[Signature]:
    """Lead signers first in the order staff set, then every other approved organization in
    case-insensitive alphabetical order. Sorted here rather than by the database so that
    SQLite and PostgreSQL (whose collations differ) give the same order. One query."""
    rows = list(Signature.objects.filter(letter=letter).for_public_listing())
    leads = sorted(
        (s for s in rows if s.is_lead), key=lambda s: (s.lead_order, s.name.casefold(), s.pk)
    )
    others = sorted((s for s in rows if not s.is_lead), key=lambda s: (s.name.casefold(), s.pk))
    return leads + others
