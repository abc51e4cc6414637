"""Every public form of a letter (page, .txt, CSV, JSON, embed) is rendered once per change and
served from the cache after that. Nothing deletes a cached page: the key carries a fingerprint
of what those forms show (the newest `updated_at` and the count of the letter, its groups and
its signatures), so a change makes a new key. That holds only while every write stamps
`updated_at`: `auto_now` does on save(), but a queryset's update() must set it itself, as the
services do."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation

from letters.card import letter_card
from letters.listing import public_signatories
from letters.models import Letter, LetterGroup
from letters.pdf import letter_pdf
from letters.sharing import sharing


def _release() -> str:
    """What the rendering code looks like in this deploy: the templates, translations and
    stylesheets by name, size and modification time. A deploy that changes any of them makes
    new cache keys, so cached pages never outlive the code that rendered them."""
    digest = hashlib.sha256()
    for folder in ("templates", "locale", "letters/static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                name = path.relative_to(settings.BASE_DIR)
                digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


RELEASE = _release()


def _timestamp(value) -> float:
    return value.timestamp() if value else 0


def _fingerprint(letter, language_query: str) -> str:
    stats = letter.signatures.aggregate(changed=Max("updated_at"), n=Count("id"))
    groups = ""
    if letter.grouping == Letter.Grouping.GROUP:
        # Renaming, reordering or deleting a group changes the headings without touching a
        # signature.
        group_stats = LetterGroup.objects.filter(letter=letter).aggregate(
            changed=Max("updated_at"), n=Count("id")
        )
        groups = f"{_timestamp(group_stats['changed'])}:{group_stats['n']}"
    return (
        f"{RELEASE}:{letter.pk}:{letter.updated_at.timestamp()}:{_timestamp(stats['changed'])}:"
        f"{stats['n']}:{groups}:{letter.accepts_signatures}:{translation.get_language()}:"
        # Chosen by ?lang= or by the browser: the page's links differ, not only its words.
        f"{language_query}"
    )


def letter_context(letter, *, language_query: str = "") -> dict:
    """`language_query` is the request's (letters/language.py): these pages are rendered
    without the request, so its context processor does not run."""
    signatories = public_signatories(letter)
    return {
        "letter": letter,
        "signatories": signatories,
        "signatory_count": len(signatories),
        "language_query": language_query,
        # What the letter itself is written in; its date line follows it, not the reader.
        "letter_language": letter.language,
        "share": sharing(letter),
        "site_url": settings.SITE_URL,
    }


def cached_form(letter, form: str, render, *, language_query: str = "") -> tuple[str, str]:
    """`render(letter)` once per change of the letter's public data (and per language and way
    of choosing it), then from the cache; with a version tag for it (an ETag: it changes
    exactly when the content may)."""
    fingerprint = _fingerprint(letter, language_query)
    version = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    key = f"letter-{form}:{version}"
    content = cache.get(key)
    if content is None:
        content = render(letter)
        cache.set(key, content, settings.LETTER_PAGE_CACHE_SECONDS)
    return content, version


def render_letter_page(letter, *, language_query: str = "") -> tuple[str, str]:
    return cached_form(
        letter,
        "page",
        lambda letter: render_to_string(
            "letters/letter_detail.html",
            letter_context(letter, language_query=language_query)
            | {"revisions": list(letter.revisions.all())},
        ),
        language_query=language_query,
    )


def render_embed(letter, *, language_query: str = "") -> tuple[str, str]:
    return cached_form(
        letter,
        "embed",
        lambda letter: render_to_string(
            "letters/embed.html", letter_context(letter, language_query=language_query)
        ),
        language_query=language_query,
    )


def render_pdf(letter) -> tuple[bytes, str]:
    """The letter as delivered (letters/pdf.py). Bytes cache like text."""
    return cached_form(letter, "pdf", lambda letter: letter_pdf(letter, letter_context(letter)))


def render_card(letter) -> tuple[bytes, str]:
    """The preview image (letters/card.py), drawn anew when the count (or anything else the
    public sees of the letter) changes: the count is part of the cache key's fingerprint."""
    return cached_form(
        letter, "card", lambda letter: letter_card(letter, letter.signatures.approved().count())
    )
