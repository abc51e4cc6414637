"""The letter as plain text in the classic sign-on format, ready to paste into an email or a
document: date, addressees, salutation, body, closing, then the signatories one per line, each
with its place. What became of the letter (delivery, response) follows after a rule."""

from django.template.defaultfilters import date as format_date
from django.utils import translation
from django.utils.translation import gettext as _

from letters.listing import lead_mark, public_signatories
from letters.plaintext import markdown_to_text

# Between the letter as delivered and the record of what became of it.
RULE = "* * *"


def letter_as_text(letter) -> str:
    listing = public_signatories(letter)
    head = [format_date(letter.letter_date, "F j, Y"), "\n".join(letter.addressee_lines)]
    if letter.salutation:
        head.append(letter.salutation)
    blocks = [*head, markdown_to_text(letter.body), letter.closing]
    mark = lead_mark(letter)
    # A grouped letter keeps its headings, as it would on paper: without them the second
    # alphabetical run would read as a mistake and a reader could not tell the groups apart.
    for section in listing.sections:
        lines = "\n".join(signatory_line(listing, s, mark) for s in section.signatures)
        blocks.append(f"{section.title}\n{lines}" if listing.is_grouped else lines)
    blocks += outcome_blocks(letter)
    return "\n\n".join(block for block in blocks if block) + "\n"


def signatory_line(listing, signature, mark: str) -> str:
    line = ", ".join(part for part in (signature.name, listing.place_of(signature)) if part)
    return f"{line} ({mark})" if signature.is_lead else line


def outcome_blocks(letter) -> list[str]:
    """The delivery and the response, in the letter's language like the rest of the text."""
    if not letter.is_delivered:
        return []
    with translation.override(letter.language):
        facts = {
            "to": letter.delivered_to,
            "date": format_date(letter.delivered_on, "DATE_FORMAT"),
            "how": letter.delivered_how,
        }
        if letter.delivered_how:
            delivered = _("Delivered to %(to)s on %(date)s (%(how)s).") % facts
        else:
            delivered = _("Delivered to %(to)s on %(date)s.") % facts
        blocks = [RULE, delivered]
        if letter.is_answered:
            blocks.append(
                _("Response of %(date)s:")
                % {"date": format_date(letter.response_on, "DATE_FORMAT")}
            )
            if letter.response_text:
                blocks.append(markdown_to_text(letter.response_text))
            if letter.response_pdf:
                blocks.append(_("The response as PDF: %(url)s") % {"url": letter.response_pdf_url})
    return blocks
