"""Signals that help a moderator tell a real organization's signature from an impostor's.

Everything here is computed from what the signer typed and from our own records; nothing looks
anything up on the internet. The pure functions judge one value or one pair; `assess` judges a
batch of signatures with a constant number of queries, so an admin page costs the same however
many rows it shows. Services store each signature's flags and score (see `Signature.risk_score`)
so that the admin can filter and order by them in the database.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from signatures.models import Organization, Signature, normalize_organization_name

# Addresses anyone can open in a minute: they say nothing about who the sender works for.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com",
        "outlook.com", "hotmail.com", "live.com", "msn.com", "aol.com", "aim.com",
        "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "protonmail.ch",
        "pm.me", "tutanota.com", "tutanota.de", "tuta.io", "mail.com", "email.com",
        "usa.com", "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "hushmail.com",
        "hey.com", "mailfence.com", "posteo.de", "disroot.org", "riseup.net", "web.de",
        "t-online.de", "freenet.de", "laposte.net", "orange.fr", "free.fr", "libero.it",
        "virgilio.it", "qq.com", "163.com", "126.com", "sina.com", "naver.com", "daum.net",
        "rediffmail.com", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "rambler.ru",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net",
        "cox.net", "charter.net", "earthlink.net", "btinternet.com", "sky.com",
        "terra.com.br", "bol.com.br", "uol.com.br", "prodigy.net.mx",
    }
)  # fmt: skip
# Providers that run the same service under many country domains (gmx.de, yahoo.co.uk, …).
FREE_MAIL_FAMILIES = frozenset(
    {"gmx", "yandex", "yahoo", "hotmail", "outlook", "live", "aol", "gmail", "protonmail"}
)

# Hosts on which many unrelated organizations have a page: the domain identifies the host,
# not the organization, so it neither links organizations nor makes two signatures look alike.
SHARED_WEBSITE_HOSTS = frozenset(
    {
        "facebook.com", "fb.com", "instagram.com", "twitter.com", "x.com", "linkedin.com",
        "youtube.com", "tiktok.com", "threads.net", "bsky.app", "mastodon.social",
        "linktr.ee", "sites.google.com", "docs.google.com", "medium.com", "substack.com",
        "github.com", "gitlab.com", "wordpress.com", "blogspot.com", "wixsite.com",
        "squarespace.com", "weebly.com", "tumblr.com", "patreon.com", "meetup.com",
        "eventbrite.com", "gofundme.com", "actionnetwork.org", "change.org",
    }
)  # fmt: skip

# Words skipped when comparing names and inside acronyms ("NAACP": National Association *for
# the* Advancement *of* Colored People). English and Spanish, the languages of the interface.
STOPWORDS = frozenset(
    {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to",
     "de", "del", "el", "en", "la", "las", "los", "por", "y"}
)  # fmt: skip

# token_sort_ratio at or above this calls two names the same: it forgives a typo, a missing
# space or a swapped word order, not a different word ("Friends of the River" vs "… Earth").
NAME_SIMILARITY_THRESHOLD = 90

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,9}\b")


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


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().rstrip(".").lower()


def website_domain(url: str) -> str:
    """The host of a website address, lower case, without `www.` or a port."""
    url = url.strip()
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host.removeprefix("www.")


def identity_domain(url: str) -> str:
    """The website's domain if it can stand for one organization, else ""."""
    domain = website_domain(url)
    return "" if is_shared_host(domain) else domain


def is_shared_host(domain: str) -> bool:
    # Only the host itself: myorg.wordpress.com does belong to one organization.
    return domain.removeprefix("m.") in SHARED_WEBSITE_HOSTS


def domains_match(first: str, second: str) -> bool:
    """Equal, or one is a subdomain of the other (mail.example.org and example.org)."""
    if not first or not second:
        return False
    return first == second or first.endswith("." + second) or second.endswith("." + first)


def is_free_mail(domain: str) -> bool:
    if domain in FREE_MAIL_DOMAINS:
        return True
    family, _dot, suffix = domain.partition(".")
    # gmx.de, yandex.ru, yahoo.co.uk: a family name followed by a country's suffix only.
    return family in FREE_MAIL_FAMILIES and bool(re.fullmatch(r"[a-z]{2,3}(\.[a-z]{2})?", suffix))


def _words(name: str) -> list[str]:
    return normalize_organization_name(name).split()


def _key(words: list[str]) -> str:
    return " ".join(word for word in words if word not in STOPWORDS) or " ".join(words)


def _spell(letters: str, words: list[str], index: int) -> int | None:
    """The index after a run of words, from `index`, whose initials spell `letters`; stopwords
    may be skipped or spelled."""
    if not letters:
        return index
    if index >= len(words):
        return None
    word = words[index]
    if word[0] == letters[0]:
        end = _spell(letters[1:], words, index + 1)
        if end is not None:
            return end
    if word in STOPWORDS:
        return _spell(letters, words, index + 1)
    return None


def _abbreviate(acronym: str, words: list[str]) -> list[str] | None:
    """`words` with the run that the acronym stands for replaced by the acronym, or None."""
    letters = acronym.lower()
    for start, word in enumerate(words):
        if word == letters or word in STOPWORDS or word[0] != letters[0]:
            continue
        end = _spell(letters, words, start)
        if end is not None and end - start > 1:
            return words[:start] + [letters] + words[end:]
    return None


def _acronyms(name: str) -> list[str]:
    return _ACRONYM.findall(name)


def _expanded_alike(short: str, long_words: list[str]) -> bool:
    """Whether `short`, read with its acronyms standing for words of the long form, is the same
    name: "ACLU of Washington" and "American Civil Liberties Union of Washington"."""
    short_key = _key(_words(short))
    for acronym in _acronyms(short):
        abbreviated = _abbreviate(acronym, long_words)
        if abbreviated is not None:
            score = fuzz.token_sort_ratio(short_key, _key(abbreviated))
            if score >= NAME_SIMILARITY_THRESHOLD:
                return True
    return False


def _numbers(words: list[str]) -> set[str]:
    return {word for word in words if word.isdigit()}


def names_look_alike(first: str, second: str) -> bool:
    """Whether two organization names probably mean the same organization."""
    first_words, second_words = _words(first), _words(second)
    if not first_words or not second_words:
        return False
    if _numbers(first_words) != _numbers(second_words):
        return False  # "SEIU Local 1199" and "SEIU Local 1107" are different unions
    score = fuzz.token_sort_ratio(_key(first_words), _key(second_words))
    if score >= NAME_SIMILARITY_THRESHOLD:
        return True
    return _expanded_alike(first, second_words) or _expanded_alike(second, first_words)


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
    """The signatures of one letter, prepared for comparing names quickly."""

    def __init__(self, signatures):
        self.signatures = list(signatures)
        self.words = [_words(s.name) for s in self.signatures]
        self.keys = [_key(words) for words in self.words]
        self.with_acronyms = [i for i, s in enumerate(self.signatures) if _acronyms(s.name)]

    def similar_names(self, signature: Signature) -> set[int]:
        key = _key(_words(signature.name))
        matches = process.extract(
            key,
            self.keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_SIMILARITY_THRESHOLD,
            limit=None,
        )
        own_words = _words(signature.name)
        numbers = _numbers(own_words)
        found = {
            self.signatures[index].pk
            for _choice, _score, index in matches
            if _numbers(self.words[index]) == numbers
        }
        if _acronyms(signature.name):
            for index, other in enumerate(self.signatures):
                if other.pk in found or _numbers(self.words[index]) != numbers:
                    continue
                if _expanded_alike(signature.name, self.words[index]):
                    found.add(other.pk)
        for index in self.with_acronyms:
            other = self.signatures[index]
            if other.pk in found or _numbers(self.words[index]) != numbers:
                continue
            if _expanded_alike(other.name, own_words):
                found.add(other.pk)
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
