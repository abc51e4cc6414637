"""The staff side in the Django admin: letters with their counts, the signature queue,
organizations, the mail outbox and the review digest."""

from signatures.admin import digest, letters, organizations, outgoing_mail, signatures

__all__ = ["digest", "letters", "organizations", "outgoing_mail", "signatures"]
