"""Signed, expiring links for signers. The token carries only the signature's id and purpose;
the signature is looked up fresh, so a link for a deleted entry simply stops working."""

from django.conf import settings
from django.core import signing

CONFIRM = "confirm"
MANAGE = "manage"

# Each purpose has its own lifetime: a confirmation is a now-or-never step, while the manage
# link must still work when an organization decides to withdraw months later.
_MAX_AGE_SETTINGS = {
    CONFIRM: "CONFIRMATION_LINK_MAX_AGE",
    MANAGE: "MANAGE_LINK_MAX_AGE",
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
