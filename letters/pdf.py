"""The letter as delivered, as a PDF to attach to an email or print: rendered on the server with
WeasyPrint from its own template, so it is the same file for every reader and needs no browser.
WeasyPrint rather than a headless browser: it is a Python library with no process to keep
alive, it lays out paged media (page numbers, breaks that keep a heading with its names) from
CSS, and it embeds and subsets the fonts so the file reads the same everywhere.

Laying it out is slow, though: a second or two per thousand signatories, so a letter of 20,000
would hold a request (and a web process) for most of a minute, and a press spike after each
approval would hold them all. So each PDF made is kept (LetterPdf), a request renders one
itself only for a letter of up to LETTER_PDF_INLINE_MAX signatories, and for a larger letter
the worker makes the new one while readers get the newest made (its own version as ETag:
always a true snapshot of the letter, with its count, if a few approvals behind)."""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from letters.models import Letter, LetterPdf
from letters.pages import form_version, letter_context, recent_forms

FORM = "pdf"

STYLESHEET = Path(__file__).resolve().parent / "static" / "css" / "letter-pdf.css"


class _FetchNothing(URLFetcher):
    """Names and letter text come from the public and from staff: nothing in them may make
    the server fetch a URL (or read a file) while it renders. The stylesheet is read here."""

    def fetch(self, url, headers=None):
        raise ValueError(f"The letter's PDF loads no resources: {url}")


def letter_pdf(letter, context: dict) -> bytes:
    """`context` is the pages' letter_context; the PDF is in the letter's own language."""
    with translation.override(letter.language):
        html = render_to_string("letters/letter_pdf.html", context)
    fetcher = _FetchNothing()
    stylesheet = CSS(string=STYLESHEET.read_text(), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def pdf_of(letter) -> tuple[bytes, str] | None:
    """The letter's PDF and its version (its ETag), made now or kept from before; None while
    the first one of a large letter is being made."""
    version = form_version(letter, FORM)
    key = f"letter-{FORM}:{version}"
    if (content := recent_forms.get(key)) is not None:
        return content, version
    kept = LetterPdf.objects.filter(letter=letter).first()
    if kept is not None and kept.version == version:
        content = bytes(kept.content)
        recent_forms.put(key, content)
        return content, version
    if letter.signatures.approved().count() <= settings.LETTER_PDF_INLINE_MAX:
        content = _make(letter, version)
        recent_forms.put(key, content)
        return content, version
    # One request for each version asks the worker; the rest are given what is kept.
    if cache.add(f"letter-pdf-asked:{version}", True, timeout=600):
        make_letter_pdf.enqueue(letter.pk)
    if kept is not None:
        return bytes(kept.content), kept.version
    return None


@task
def make_letter_pdf(letter_id: int) -> str:
    """The worker's side of pdf_of: make the PDF of the letter as it stands now."""
    letter = Letter.objects.public().filter(pk=letter_id).first()
    if letter is None:
        return "no public letter"
    # The version as the PDF's view computes it: that view is language-neutral.
    with translation.override(settings.LANGUAGE_CODE):
        version = form_version(letter, FORM)
        if LetterPdf.objects.filter(letter=letter, version=version).exists():
            return "up to date"
        _make(letter, version)
    return "made"


def _make(letter, version: str) -> bytes:
    """Render the PDF and keep it, unless a rendering of a newer state was kept meanwhile.
    The letter's row was read before its signatories, so what is shown is at least as new as
    `letter.public_version` says."""
    content = letter_pdf(letter, letter_context(letter))
    with transaction.atomic():
        kept = LetterPdf.objects.select_for_update().filter(letter=letter).first()
        if kept is None:
            LetterPdf.objects.create(
                letter=letter,
                version=version,
                public_version=letter.public_version,
                content=content,
                rendered_at=timezone.now(),
            )
        elif kept.public_version <= letter.public_version:
            kept.version, kept.public_version = version, letter.public_version
            kept.content, kept.rendered_at = content, timezone.now()
            kept.save()
    return content
