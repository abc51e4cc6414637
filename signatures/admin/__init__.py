"""The staff side in the Django admin: letters with their counts, the signature queue,
organizations, the mail outbox, the review digest and imports of signatures."""

from signatures.admin import digest, imports, letters, organizations, outgoing_mail, signatures

__all__ = ["digest", "imports", "letters", "organizations", "outgoing_mail", "signatures"]
