"""The public letter page is rendered once per change and served from the cache after that.
The key carries a fingerprint of everything the page shows, so no code path needs to remember
to invalidate it: any change to the letter or to any of its signatures makes a new key."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation

from letters.listing import public_signatories
from signatures.models import Signature


def _fingerprint(letter) -> str:
    stats = Signature.objects.filter(letter=letter).aggregate(
        changed=Max("updated_at"), n=Count("id")
    )
    changed = stats["changed"].timestamp() if stats["changed"] else 0
    return (
        f"{letter.pk}:{letter.updated_at.timestamp()}:{changed}:{stats['n']}:"
        f"{letter.accepts_signatures}:{translation.get_language()}"
    )


def letter_context(letter) -> dict:
    signatories = public_signatories(letter)
    return {
        "letter": letter,
        "signatories": signatories,
        "signatory_count": len(signatories),
        "revisions": list(letter.revisions.all()),
    }


def render_letter_page(letter) -> tuple[str, str]:
    """The page's HTML and a version tag for it (an ETag: it changes exactly when the HTML may)."""
    version = hashlib.sha256(_fingerprint(letter).encode()).hexdigest()[:32]
    key = f"letter-page:{version}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("letters/letter_detail.html", letter_context(letter))
        cache.set(key, html, settings.LETTER_PAGE_CACHE_SECONDS)
    return html, version
