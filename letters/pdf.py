"""The letter as delivered, as a PDF to attach to an email or print: rendered on the server with
WeasyPrint from its own template, so it is the same file for every reader and needs no browser.
WeasyPrint rather than a headless browser: it is a Python library with no process to keep
alive, it lays out paged media (page numbers, breaks that keep a heading with its names) from
CSS, and it embeds and subsets the fonts so the file reads the same everywhere."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

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
