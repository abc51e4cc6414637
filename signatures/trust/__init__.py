"""Signals that help a moderator tell a real organization's signature from an impostor's,
computed from what the signer typed and from our own records; nothing is looked up on the
internet. Its rooms:

- `domains`: data about domains (free-mail providers, shared hosts) and the functions that
  read an address or a website with it;
- `names`: whether two organization names mean the same organization;
- `assessment`: signatures judged against their letters and their organizations' records,
  as flags and a score, with look-alikes judged among the candidates that `candidates` finds
  through the comparison keys of `keys`;
- `refresh`: the worker's task that stores flags, look-alikes and keys after each change.

The rest of the app asks through this package: `trust.refresh_later` from the services,
`trust.assess` for a fresh judgement, the stored results from the admin (`trust.stored`)."""

from signatures.trust.assessment import Assessment, Flag, LookAlike, Reason, assess
from signatures.trust.refresh import refresh_later, refresh_now

__all__ = ["Assessment", "Flag", "LookAlike", "Reason", "assess", "refresh_later", "refresh_now"]
