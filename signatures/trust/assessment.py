"""The assessment: a batch of signatures judged against their letters and the organizations'
records, as flags and a score. It judges the batch with a constant number of queries, so an
admin page costs the same however many rows it shows; services store each signature's flags
and score (see `Signature.risk_score`) so that the admin can filter and order by them."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from signatures.models import Organization, Signature
from signatures.trust.domains import (
    domains_match,
    email_domain,
    identity_domain,
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


# An impostor using a known organization's name is the attack that discredits a letter, so it
# outweighs everything else; a look-alike is either an impostor or a double entry; a free-mail
# or mismatched address is common among small, genuine groups and only nudges the order.
WEIGHTS = {
    Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN: 8,
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
    )


_COMPARED_FIELDS = ("id", "letter_id", "organization_id", "name", "website", "contact_email",
                    "status", "submitted_at")  # fmt: skip


class _LetterIndex:
    """The signatures of one letter, with their names prepared for comparing."""

    def __init__(self, signatures):
        self.signatures = list(signatures)
        self.names = NameIndex(s.name for s in self.signatures)

    def similar_names(self, signature: Signature) -> set[int]:
        """The ids of the other signatures whose names look like this one's."""
        found = {self.signatures[i].pk for i in self.names.similar_to(signature.name)}
        found.discard(signature.pk)
        return found


def _look_alikes(signature: Signature, index: _LetterIndex) -> list[LookAlike]:
    similar = index.similar_names(signature)
    own_site = identity_domain(signature.website)
    own_email = signature.contact_email.strip().lower()
    found = []
    for other in index.signatures:
        if other.pk == signature.pk:
            continue
        reasons = []
        if other.pk in similar:
            reasons.append(Reason.NAME)
        if own_site and identity_domain(other.website) == own_site:
            reasons.append(Reason.WEBSITE)
        if own_email and other.contact_email.strip().lower() == own_email:
            reasons.append(Reason.EMAIL)
        if reasons:
            found.append(LookAlike(other, reasons))
    return found


def assess(signatures) -> dict[int, Assessment]:
    """Assess a batch of signatures against their letters and their organizations' records,
    in three queries whatever the batch size. Keyed by signature id."""
    signatures = list(signatures)
    if not signatures:
        return {}
    letter_ids = {s.letter_id for s in signatures}
    organization_ids = {s.organization_id for s in signatures if s.organization_id}

    by_letter = defaultdict(list)
    for sibling in Signature.objects.filter(letter_id__in=letter_ids).only(*_COMPARED_FIELDS):
        by_letter[sibling.letter_id].append(sibling)
    indexes = {letter_id: _LetterIndex(rows) for letter_id, rows in by_letter.items()}

    organizations = Organization.objects.in_bulk(organization_ids)
    by_organization = defaultdict(list)
    if organization_ids:
        records = (
            Signature.objects.filter(organization_id__in=organization_ids)
            .select_related("letter")
            .only(*_COMPARED_FIELDS, "letter__title", "letter__slug")
            .order_by("submitted_at")
        )
        for record in records:
            by_organization[record.organization_id].append(record)

    results = {}
    for signature in signatures:
        assessment = assess_one(signature)
        assessment.look_alikes = _look_alikes(signature, indexes[signature.letter_id])
        history = [
            record
            for record in by_organization.get(signature.organization_id, ())
            if record.letter_id != signature.letter_id
        ]
        assessment.history = history
        assessment.known_domains = _known_domains(
            history, organizations.get(signature.organization_id)
        )
        assessment.flags = _flags(assessment)
        results[signature.pk] = assessment
    return results


def _known_domains(history, organization) -> frozenset[str]:
    """Domains this organization is known to write from: those of its approved signatures on
    other letters (free-mail excluded, since anyone has those), and its website's."""
    approved = [record for record in history if record.status == Signature.Status.APPROVED]
    if not approved:
        return frozenset()
    domains = {email_domain(record.contact_email) for record in approved}
    if organization is not None and organization.website_domain:
        domains.add(organization.website_domain)
    return frozenset(domain for domain in domains if domain and not is_free_mail(domain))


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
    if assessment.email_matches_website is False and not assessment.free_mail:
        flags.append(Flag.DOMAIN_MISMATCH)
    if assessment.free_mail:
        flags.append(Flag.FREE_MAIL)
    return tuple(flags)
