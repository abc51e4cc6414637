"""Moderation in the Django admin: the signature queue, organizations, and the mail outbox."""

from signatures.admin import organizations, outgoing_mail, signatures

__all__ = ["organizations", "outgoing_mail", "signatures"]
