"""The staff side in the Django admin: letters with their counts, the signature queue,
organizations, and the mail outbox."""

from signatures.admin import letters, organizations, outgoing_mail, signatures

__all__ = ["letters", "organizations", "outgoing_mail", "signatures"]
