"""The addressees' response as staff upload it: a PDF, checked as one before it is stored,
because it is then served from the site's own address to everyone who reads the letter."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_MAGIC = b"%PDF-"
# Names under /Root and on pages that make a viewer run something when the file is opened.
_ACTIVE_CONTENT = ("/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles")


def response_pdf_path(letter, filename: str) -> str:
    """Where the file is stored: named for the letter, with a random part so that neither a
    new upload nor a guessed name can reach a file by another name. The uploader's own file
    name is not kept; it may say more than they meant to publish."""
    return f"responses/{slugify(letter.slug)[:60]}-{secrets.token_hex(8)}.pdf"


def validate_response_pdf(file) -> None:
    if getattr(file, "_committed", False):
        # Already stored, so checked when it was uploaded; saving the letter again must not
        # depend on reading it back.
        return
    if file.size > settings.RESPONSE_PDF_MAX_BYTES:
        raise ValidationError(
            _("Upload a PDF of at most %(size)d MB.")
            % {"size": settings.RESPONSE_PDF_MAX_BYTES // 2**20},
            code="too_large",
        )
    file.seek(0)
    if file.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError(_("Upload the response as a PDF file."), code="not_pdf")
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise ValidationError(
                _("Upload a PDF that is not protected by a password."), code="encrypted"
            )
        pages = list(reader.pages)
        active = _has_active_content(reader, pages)
    except ValidationError:
        raise
    # pypdf reports a damaged file through several exception types, not only its own.
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ValidationError(
            _("This PDF could not be read. Upload the response as a valid PDF file."),
            code="unreadable",
        ) from None
    finally:
        file.seek(0)
    if not pages:
        raise ValidationError(_("This PDF has no pages."), code="empty")
    if active:
        raise ValidationError(
            _("This PDF contains scripts or actions. Print it to a new PDF and upload that."),
            code="active_content",
        )


def _has_active_content(reader, pages) -> bool:
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if any(key in root for key in _ACTIVE_CONTENT) or (
        names is not None and any(key in names.get_object() for key in _ACTIVE_CONTENT)
    ):
        return True
    for page in pages:
        if "/AA" in page:
            return True
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") in ("/JavaScript", "/Launch"):
                return True
    return False
