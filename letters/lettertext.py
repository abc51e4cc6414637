"""The letter as plain text in the classic sign-on format, ready to paste into an email or a
document: date, addressees, salutation, body, closing, then the signatories one per line."""

from django.template.defaultfilters import date as format_date

from letters.listing import public_signatories
from letters.plaintext import markdown_to_text


def letter_as_text(letter) -> str:
    listing = public_signatories(letter)
    head = [format_date(letter.letter_date, "F j, Y"), "\n".join(letter.addressee_lines)]
    if letter.salutation:
        head.append(letter.salutation)
    blocks = [*head, markdown_to_text(letter.body), letter.closing]
    # A grouped letter keeps its headings, as it would on paper: without them the second
    # alphabetical run would read as a mistake and a reader could not tell the groups apart.
    for section in listing.sections:
        names = "\n".join(signature.name for signature in section.signatures)
        blocks.append(f"{section.title}\n{names}" if listing.is_grouped else names)
    return "\n\n".join(block for block in blocks if block) + "\n"
