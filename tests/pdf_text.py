"""Reading a PDF back as a reader of the paper would: its text, and whether names come in order."""

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The text of every page with whitespace collapsed, since lines and columns wrap long
    names."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def assert_in_order(haystack: str, needles: list[str]):
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        assert found >= 0, f"{needle!r} missing or out of order after position {position}"
        position = found + len(needle)
