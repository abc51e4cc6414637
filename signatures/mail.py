"""Messages to signers: what each says, rendered from templates in the contact's language, and
put in the outbox (signatures/outbox.py), which delivers it. The private links in a stored
message are hidden (signatures/tokens.py); the outbox reveals them as it sends."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from letters.language import language_query
from letters.sharing import sharing
from signatures import outbox, tokens
from signatures.models import OutgoingMail


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def signer_links(signature) -> dict:
    """Links every mail template may use, with their tokens hidden. Each mail carries
    manage_url (templates include signatures/mail/_manage_footer.txt), so the contact can
    always correct or withdraw. A contact who signed in another language than the site's gets
    its pages in it too."""
    foreign = signature.language != settings.LANGUAGE_CODE
    query = language_query(signature.language) if foreign else ""

    def link(name, purpose):
        return absolute_url(reverse(name, args=[tokens.hidden(purpose)]) + query)

    return {
        "confirm_url": link("signatures:confirm", tokens.CONFIRM),
        "manage_url": link("signatures:manage", tokens.MANAGE),
        "email_change_url": link("signatures:confirm_email", tokens.EMAIL),
        "letter_url": absolute_url(signature.letter.get_absolute_url() + query),
    }


def share_links_for(signature):
    """What the approval mail offers to pass the letter on, in the contact's language: the
    networks, and an invitation whose signing link names this organization (?source=)."""
    with translation.override(signature.language):
        return sharing(signature.letter, source=signature.invite_code, signed=True)


def queue_mail(
    *, signature, kind: str, extra: dict | None = None, to: str | None = None
) -> OutgoingMail | None:
    """`to` is the contact address unless given (a new address being confirmed)."""
    to = to or signature.contact_email
    if not to:
        # Contact details were purged: there is nobody left to write to.
        return None
    context = {"signature": signature, "letter": signature.letter, **signer_links(signature)}
    context |= extra or {}
    # In the language the contact signed in, whoever triggers the mail (a moderator, a worker).
    with translation.override(signature.language):
        subject = render_to_string(f"signatures/mail/{kind}_subject.txt", context).strip()
        body = render_to_string(f"signatures/mail/{kind}.txt", context)
    return outbox.store(
        signature=signature,
        kind=kind,
        to=to,
        subject=subject,
        body=body,
        reply_to=signature.letter.contact_email,
    )
