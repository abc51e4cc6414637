"""Signed, expiring links for signers. The token carries only the signature's id and purpose
(and, for a new contact address, the old and the new address); the signature is looked up
fresh, so a link for a deleted entry simply stops working.

Stored mail never holds a token: it holds `hidden(purpose)` in its place, and the worker puts
a fresh token in as it sends (signatures/outbox.py). Nobody who reads the outbox, staff in
the admin or anyone with a database backup, holds a link that works."""

from django.conf import settings
from django.core import signing

CONFIRM = "confirm"
MANAGE = "manage"
# Confirming a new contact address, asked for from the manage page.
EMAIL = "email"

# Each purpose has its own lifetime: a confirmation is a now-or-never step, while the manage
# link must still work when an organization decides to withdraw months later.
_MAX_AGE_SETTINGS = {
    CONFIRM: "CONFIRMATION_LINK_MAX_AGE",
    MANAGE: "MANAGE_LINK_MAX_AGE",
    EMAIL: "CONFIRMATION_LINK_MAX_AGE",
}


def make_token(signature, purpose: str) -> str:
    return signing.dumps(signature.pk, salt=f"signatures.{purpose}", compress=False)


def read_token(token: str, purpose: str) -> int:
    """The signature id in a token, or signing.BadSignature (SignatureExpired included)."""
    return signing.loads(
        token,
        salt=f"signatures.{purpose}",
        max_age=getattr(settings, _MAX_AGE_SETTINGS[purpose]),
    )


def read_expired_token(token: str, purpose: str) -> int:
    """The signature id in a genuine but expired token, so the page saying so can offer a
    new link for the right letter. Never use it to act on the signature."""
    return signing.loads(token, salt=f"signatures.{purpose}")


def make_email_token(signature, new_email: str) -> str:
    """A link that makes `new_email` the contact address, as long as the address is still the
    one it replaces: a second request, or an earlier change, makes the first link stale."""
    payload = [signature.pk, signature.contact_email, new_email]
    return signing.dumps(payload, salt=f"signatures.{EMAIL}", compress=False)


def read_email_token(token: str) -> tuple[int, str, str]:
    """(signature id, the address it replaces, the new address), or signing.BadSignature."""
    signature_id, old_email, new_email = read_token(token, EMAIL)
    return signature_id, old_email, new_email


def hidden(purpose: str) -> str:
    """What a stored mail holds in place of a token: readable as a hidden link, and made only
    of characters a URL path keeps as they are."""
    return f"({purpose}-link-hidden)"


# The mail asking a new contact address to confirm itself goes to an address nobody has shown
# to be the signer's, so it carries that one link and not the manage link.
EMAIL_CHANGE_MAIL = "email_change"


def links_in(kind: str) -> tuple[str, ...]:
    """The purposes whose links a mail of this kind carries."""
    return (EMAIL,) if kind == EMAIL_CHANGE_MAIL else (CONFIRM, MANAGE)


def reveal(text: str, *, signature, to: str, kind: str) -> str:
    """`text` with its hidden tokens replaced by fresh ones for `signature`, as the mail of
    `kind` to `to` is sent. Only the links that kind carries are revealed, so a name that
    spells out another placeholder stays plain text."""
    makers = {
        CONFIRM: lambda: make_token(signature, CONFIRM),
        MANAGE: lambda: make_token(signature, MANAGE),
        EMAIL: lambda: make_email_token(signature, to),
    }
    for purpose in links_in(kind):
        if hidden(purpose) in text:
            text = text.replace(hidden(purpose), makers[purpose]())
    return text
