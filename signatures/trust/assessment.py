"""The assessment: a batch of signatures judged against their letters and the organizations'
records, as flags and a score, in a constant number of queries however large the batch or the
letters (look-alikes are judged among candidates found through indexes, candidates.py). The
worker stores each signature's flags, score and look-alikes (refresh.py); the admin reads
those and judges nothing."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from signatures.models import LookAlikeLink, Signature
from signatures.trust.candidates import COMPARED_FIELDS, candidates
from signatures.trust.domains import (
    domains_match,
    email_domain,
    identity_domain,
    is_disposable_mail,
    is_free_mail,
    website_domain,
)
from signatures.trust.names import NameIndex


class Flag(models.TextChoices):
    """Stored in `Signature.risk_flags`; no code is a substring of another, so the admin can
    filter with `contains`."""

    KNOWN_ORGANIZATION_OTHER_DOMAIN = (
        "known_org_other_domain",
        _("Known organization, email from another domain"),
    )
    NEAR_DUPLICATE = "near_duplicate", _("Looks like another signature on this letter")
    DOMAIN_MISMATCH = "domain_mismatch", _("Email domain differs from the website")
    FREE_MAIL = "free_mail", _("Free-mail address")
    DISPOSABLE_MAIL = "disposable_mail", _("Throwaway mail address")


# An impostor using a known organization's name is the attack that discredits a letter, so it
# outweighs everything else; a look-alike is either an impostor or a double entry; a free-mail
# or mismatched address is common among small, genuine groups and only nudges the order. A
# throwaway inbox is not: no organization runs its mail there, and the confirmation link it
# clicked proves only that someone held the inbox for a minute.
WEIGHTS = {
    Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN: 8,
    Flag.DISPOSABLE_MAIL: 6,
    Flag.NEAR_DUPLICATE: 4,
    Flag.DOMAIN_MISMATCH: 3,
    Flag.FREE_MAIL: 2,
}


class Reason(models.TextChoices):
    NAME = "name", _("similar name")
    WEBSITE = "website", _("same website")
    EMAIL = "email", _("same contact email")


@dataclass
class LookAlike:
    signature: Signature
    reasons: list[Reason]


@dataclass
class Assessment:
    email_domain: str
    website_domain: str
    email_matches_website: bool | None
    free_mail: bool
    disposable_mail: bool
    look_alikes: list[LookAlike] = field(default_factory=list)
    # This organization's signatures on other letters, any status, oldest first.
    history: list[Signature] = field(default_factory=list)
    known_domains: frozenset[str] = frozenset()
    flags: tuple[Flag, ...] = ()

    @property
    def score(self) -> int:
        return sum(WEIGHTS[flag] for flag in self.flags)

    @property
    def flags_text(self) -> str:
        return ",".join(self.flags)


def assess_one(signature: Signature) -> Assessment:
    """What can be said of a signature from its own fields, without looking at others."""
    mail_domain = email_domain(signature.contact_email)
    site_domain = website_domain(signature.website)
    return Assessment(
        email_domain=mail_domain,
        website_domain=site_domain,
        email_matches_website=domains_match(mail_domain, site_domain) if site_domain else None,
        free_mail=is_free_mail(mail_domain),
        disposable_mail=is_disposable_mail(mail_domain),
    )


class _Index:
    """Candidate signatures with what they are compared by prepared once: their names for
    comparing (NameIndex), their websites' identity domains and their addresses."""

    def __init__(self, signatures):
        self.signatures = list(signatures)
        self.names = NameIndex(s.name for s in self.signatures)
        self.sites = [identity_domain(s.website) for s in self.signatures]
        self.emails = [s.contact_email.strip().lower() for s in self.signatures]

    def look_alikes(self, signature: Signature, found: dict[int, LookAlike]) -> None:
        """Add to `found` (by id) the signatures here that look like this one, and why."""
        similar = self.names.similar_to(signature.name)
        own_site = identity_domain(signature.website)
        own_email = signature.contact_email.strip().lower()
        for position, other in enumerate(self.signatures):
            if other.pk == signature.pk or other.pk in found:
                continue
            reasons = []
            if position in similar:
                reasons.append(Reason.NAME)
            if own_site and self.sites[position] == own_site:
                reasons.append(Reason.WEBSITE)
            if own_email and self.emails[position] == own_email:
                reasons.append(Reason.EMAIL)
            if reasons:
                found[other.pk] = LookAlike(other, reasons)


def find_look_alikes(signatures) -> dict[int, list[LookAlike]]:
    """Each signature's look-alikes on its letter, judged among its candidates (two queries,
    candidates.py), oldest first. Keyed by signature id."""
    found, rows = candidates(signatures)
    results = {}
    for signature in signatures:
        alike = {}
        _Index(rows[pk] for pk in sorted(found[signature.pk])).look_alikes(signature, alike)
        results[signature.pk] = sorted(
            alike.values(), key=lambda a: (a.signature.submitted_at, a.signature.pk)
        )
    return results


def stored_look_alikes(signatures) -> dict[int, list[LookAlike]]:
    """The look-alikes the worker found and stored for these signatures, in one query."""
    found = {signature.pk: [] for signature in signatures}
    links = (
        LookAlikeLink.objects.filter(signature__in=list(found))
        .select_related("other")
        .only("signature_id", "reasons", *(f"other__{name}" for name in COMPARED_FIELDS))
        .order_by("other__submitted_at", "other_id")
    )
    for link in links:
        reasons = [Reason(reason) for reason in link.reasons.split(",")]
        found[link.signature_id].append(LookAlike(link.other, reasons))
    return found


def assess(signatures) -> dict[int, Assessment]:
    """Assess a batch of signatures against their letters and their organizations' records,
    in three queries whatever the batch size or the letters' sizes. Keyed by signature id."""
    signatures = list(signatures)
    if not signatures:
        return {}
    return _assessed(signatures, find_look_alikes(signatures))


def assess_stored(signatures) -> dict[int, Assessment]:
    """As `assess`, with the look-alikes stored rather than sought again: how a signature's
    flags are brought up to date when only a look-alike's status or its organization's record
    changed."""
    signatures = list(signatures)
    if not signatures:
        return {}
    return _assessed(signatures, stored_look_alikes(signatures))


def organization_records(signatures):
    """The organizations of these signatures, and each one's signatures on every letter (any
    status, oldest first), in one query: each organization has one of these among them."""
    organization_ids = {s.organization_id for s in signatures if s.organization_id}
    organizations, by_organization = {}, defaultdict(list)
    if organization_ids:
        records = (
            Signature.objects.filter(organization_id__in=organization_ids)
            .select_related("letter", "organization")
            .only(*COMPARED_FIELDS, "letter__title", "letter__slug", "organization__website_domain")
            .order_by("submitted_at")
        )
        for record in records:
            by_organization[record.organization_id].append(record)
            organizations[record.organization_id] = record.organization
    return organizations, by_organization


def history_of(signature, by_organization) -> list[Signature]:
    """This organization's signatures on other letters."""
    return [
        record
        for record in by_organization.get(signature.organization_id, ())
        if record.letter_id != signature.letter_id
    ]


def _assessed(signatures, look_alikes) -> dict[int, Assessment]:
    organizations, by_organization = organization_records(signatures)
    results = {}
    for signature in signatures:
        assessment = assess_one(signature)
        assessment.look_alikes = look_alikes[signature.pk]
        assessment.history = history_of(signature, by_organization)
        assessment.known_domains = known_domains(
            assessment.history, organizations.get(signature.organization_id)
        )
        assessment.flags = _flags(assessment)
        results[signature.pk] = assessment
    return results


def known_domains(history, organization) -> frozenset[str]:
    """Domains this organization is known to write from: those of its approved signatures on
    other letters (free and throwaway mail excluded, since anyone has those), and its
    website's."""
    approved = [record for record in history if record.status == Signature.Status.APPROVED]
    if not approved:
        return frozenset()
    domains = {email_domain(record.contact_email) for record in approved}
    if organization is not None and organization.website_domain:
        domains.add(organization.website_domain)
    return frozenset(
        domain
        for domain in domains
        if domain and not is_free_mail(domain) and not is_disposable_mail(domain)
    )


def _flags(assessment: Assessment) -> tuple[Flag, ...]:
    flags = []
    if assessment.known_domains and not any(
        domains_match(assessment.email_domain, known) for known in assessment.known_domains
    ):
        flags.append(Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN)
    # Rejected or withdrawn look-alikes are still shown to the moderator but no longer count.
    if any(
        alike.signature.status in Signature.STANDING_STATUSES for alike in assessment.look_alikes
    ):
        flags.append(Flag.NEAR_DUPLICATE)
    # A free or throwaway address never matches a website: its own flag says so once.
    anyones = assessment.free_mail or assessment.disposable_mail
    if assessment.email_matches_website is False and not anyones:
        flags.append(Flag.DOMAIN_MISMATCH)
    if assessment.disposable_mail:
        flags.append(Flag.DISPOSABLE_MAIL)
    elif assessment.free_mail:
        flags.append(Flag.FREE_MAIL)
    return tuple(flags)
