"""Signals that help a moderator tell a real organization's signature from an impostor's,
computed from what the signer typed and from our own records; nothing is looked up on the
internet. Three rooms:

- `domains`: data about domains (free-mail providers, shared hosts) and the functions that
  read an address or a website with it;
- `names`: whether two organization names mean the same organization;
- `assessment`: signatures judged against their letters and their organizations' records,
  as the flags and score that services store.

The rest of the app asks for an assessment through this package (`trust.assess`)."""

from signatures.trust.assessment import Assessment, Flag, LookAlike, Reason, assess

__all__ = ["Assessment", "Flag", "LookAlike", "Reason", "assess"]
