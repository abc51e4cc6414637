"""Every public form of a letter (page, .txt, CSV, JSON, embed) is rendered once per change and
served from the cache after that. The key carries a fingerprint of everything those forms show,
so no code path needs to remember to invalidate it: any change to the letter, its groups or any
of its signatures makes a new key."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation

from letters.listing import public_signatories
from letters.models import Letter, LetterGroup
from signatures.models import Signature


def _timestamp(value) -> float:
    return value.timestamp() if value else 0


def _fingerprint(letter) -> str:
    stats = Signature.objects.filter(letter=letter).aggregate(
        changed=Max("updated_at"), n=Count("id")
    )
    groups = ""
    if letter.grouping == Letter.Grouping.GROUP:
        # Renaming, reordering or deleting a group changes the headings without touching a
        # signature.
        group_stats = LetterGroup.objects.filter(letter=letter).aggregate(
            changed=Max("updated_at"), n=Count("id")
        )
        groups = f"{_timestamp(group_stats['changed'])}:{group_stats['n']}"
    return (
        f"{letter.pk}:{letter.updated_at.timestamp()}:{_timestamp(stats['changed'])}:"
        f"{stats['n']}:{groups}:{letter.accepts_signatures}:{translation.get_language()}"
    )


def letter_context(letter) -> dict:
    signatories = public_signatories(letter)
    return {
        "letter": letter,
        "signatories": signatories,
        "signatory_count": len(signatories),
    }


def cached_form(letter, form: str, render) -> tuple[str, str]:
    """`render(letter)` once per change of the letter's public data, then from the cache; with
    a version tag for it (an ETag: it changes exactly when the content may)."""
    version = hashlib.sha256(_fingerprint(letter).encode()).hexdigest()[:32]
    key = f"letter-{form}:{version}"
    content = cache.get(key)
    if content is None:
        content = render(letter)
        cache.set(key, content, settings.LETTER_PAGE_CACHE_SECONDS)
    return content, version


def render_letter_page(letter) -> tuple[str, str]:
    return cached_form(
        letter,
        "page",
        lambda letter: render_to_string(
            "letters/letter_detail.html",
            letter_context(letter) | {"revisions": list(letter.revisions.all())},
        ),
    )


def render_embed(letter) -> tuple[str, str]:
    return cached_form(
        letter,
        "embed",
        lambda letter: render_to_string("letters/embed.html", letter_context(letter)),
    )
