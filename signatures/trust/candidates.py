"""Which signatures on a letter may look like the ones being assessed: a superset of their
look-alikes, for the assessment to judge one by one.

The letter's stored comparison keys (keys.py) are read in one narrow query for the whole batch,
and compared in memory: names with rapidfuzz (C++), whose plain ratio of two sorted keys is the
token_sort_ratio that `names_look_alike` applies first; acronyms, websites and addresses by
lookup. Signatures the worker has yet to assess have no keys stored (or stale ones after a
rename), so theirs are made from their fields in the same query.

Why not a trigram index (pg_trgm)? Measured on a letter of 20,000 coalition names, which share
words ("Tenants Union", "Coalition of …"), a GIN trigram lookup reads long posting lists and
rechecks thousands of rows: about 85 ms for each new signature, against about 1 ms here (and
20 ms for the query, once per batch). This reads each signature of the letter once per batch as
a tuple of short strings, never as a model instance, and parses nothing again; it is the same
on SQLite and PostgreSQL, so both give the same answers."""

from collections import defaultdict

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from rapidfuzz import fuzz, process

from signatures.models import Signature
from signatures.trust.keys import comparison_keys
from signatures.trust.names import NAME_SIMILARITY_THRESHOLD

# Everything the assessment reads of a candidate.
COMPARED_FIELDS = ("id", "letter_id", "organization_id", "name", "website", "contact_email",
                   "status", "submitted_at")  # fmt: skip


class _LetterKeys:
    """The comparison keys of every signature on one letter, arranged for lookups."""

    def __init__(self):
        self.ids, self.names, self.numbers = [], [], []
        self.by_website, self.by_email = defaultdict(list), defaultdict(list)
        self.by_acronym, self.by_spelling = defaultdict(list), defaultdict(list)

    def add(self, signature_id, name, numbers, acronyms, spellings, website, email) -> None:
        """One signature's keys, in the order of SCANNED."""
        position = len(self.ids)
        self.ids.append(signature_id)
        self.names.append(name)
        self.numbers.append(numbers)
        # Mostly empty: the query returns these only where they may match (letter_keys).
        if website:
            self.by_website[website].append(position)
        if email:
            self.by_email[email].append(position)
        if acronyms:
            for acronym in acronyms.split():
                self.by_acronym[acronym].append(position)
        if spellings:
            for spelling in spellings.split():
                self.by_spelling[spelling].append(position)

    def resembling(self, keys: dict) -> set[int]:
        """The ids of the signatures whose keys meet one of the necessary conditions."""
        found = {
            position
            for _name, _score, position in process.extract(
                keys["name_key"],
                self.names,
                scorer=fuzz.ratio,
                score_cutoff=NAME_SIMILARITY_THRESHOLD,
                limit=None,
            )
        }
        for acronym in keys["name_spellings"].split():
            found.update(self.by_acronym.get(acronym, ()))
        for acronym in keys["name_acronyms"].split():
            found.update(self.by_spelling.get(acronym, ()))
        found = {p for p in found if self.numbers[p] == keys["name_numbers"]}
        found.update(self.by_website.get(keys["website_key"], ()) if keys["website_key"] else ())
        found.update(self.by_email.get(keys["email_key"], ()) if keys["email_key"] else ())
        return {self.ids[position] for position in found}


def _unassessed(field):
    # A signature's own fields where its stored keys cannot be trusted yet.
    return _where(Q(risk_assessed_at__isnull=True), field)


def _where(condition, field):
    if condition is None:
        return Value("", output_field=TextField())
    return Case(When(condition, then=F(field)), default=Value(""), output_field=TextField())


def letter_keys(letter_ids, batch_keys) -> dict[int, _LetterKeys]:
    """The comparison keys of every signature on these letters, as far as they can match one
    of `batch_keys`: every name, but a website, address or list of spelled acronyms only
    where it equals (or holds) one of the batch's. One query."""
    sites = {keys["website_key"] for keys in batch_keys} - {""}
    emails = {keys["email_key"] for keys in batch_keys} - {""}
    acronyms = set().union(*(keys["name_acronyms"].split() for keys in batch_keys))
    spelled = Q(pk__in=[])
    for acronym in acronyms:
        spelled |= Q(padded_spellings__contains=f" {acronym} ")
    rows = (
        Signature.objects.filter(letter_id__in=letter_ids)
        .alias(
            padded_spellings=Concat(
                Value(" "), F("name_spellings"), Value(" "), output_field=TextField()
            )
        )
        .annotate(
            matching_site=_where(Q(website_key__in=sites) if sites else None, "website_key"),
            matching_email=_where(Q(email_key__in=emails) if emails else None, "email_key"),
            matching_spellings=_where(spelled if acronyms else None, "name_spellings"),
            pending=ExpressionWrapper(
                Q(risk_assessed_at__isnull=True), output_field=BooleanField()
            ),
            fresh_name=_unassessed("name"),
            fresh_website=_unassessed("website"),
            fresh_email=_unassessed("contact_email"),
        )
        .values_list(
            "id", "letter_id", "pending", "name_key", "name_numbers", "name_acronyms",
            "matching_spellings", "matching_site", "matching_email",
            "fresh_name", "fresh_website", "fresh_email",
        )
        .order_by()
    )  # fmt: skip
    letters = defaultdict(_LetterKeys)
    for signature_id, letter_id, pending, *stored, name, website, email in rows:
        if pending:
            keys = comparison_keys(name=name, website=website, email=email)
            stored = [keys[field] for field in SCANNED]
        letters[letter_id].add(signature_id, *stored)
    return letters


# The keys the scan reads, in the order of _LetterKeys.add.
SCANNED = ("name_key", "name_numbers", "name_acronyms", "name_spellings", "website_key",
           "email_key")  # fmt: skip


def candidates(signatures) -> tuple[dict[int, set[int]], dict[int, Signature]]:
    """For each signature of the batch (by id), the ids of its candidates (itself possibly
    among them); and the candidates' rows. Two queries, whatever the batch or the letters."""
    batch = {
        signature.pk: comparison_keys(
            name=signature.name, website=signature.website, email=signature.contact_email
        )
        for signature in signatures
    }
    letters = letter_keys({signature.letter_id for signature in signatures}, batch.values())
    found = {}
    for signature in signatures:
        letter = letters.get(signature.letter_id)
        found[signature.pk] = letter.resembling(batch[signature.pk]) if letter else set()
    wanted = set().union(*found.values()) if found else set()
    rows = Signature.objects.filter(pk__in=wanted).only(*COMPARED_FIELDS).in_bulk()
    return found, rows
