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

from django.db.models import Case, F, Value, When
from rapidfuzz import fuzz, process

from signatures.models import Signature
from signatures.trust.keys import KEY_FIELDS, comparison_keys
from signatures.trust.names import NAME_SIMILARITY_THRESHOLD

# Everything the assessment reads of a candidate.
COMPARED_FIELDS = ("id", "letter_id", "organization_id", "name", "website", "contact_email",
                   "status", "submitted_at")  # fmt: skip


class _LetterKeys:
    """The comparison keys of every signature on one letter, arranged for lookups."""

    def __init__(self):
        self.ids, self.names, self.numbers, self.spellings = [], [], [], []
        self.by_website, self.by_email = defaultdict(list), defaultdict(list)
        self.by_acronym = defaultdict(list)
        self._by_spelling = None

    def add(self, signature_id: int, keys: dict) -> None:
        position = len(self.ids)
        self.ids.append(signature_id)
        self.names.append(keys["name_key"])
        self.numbers.append(keys["name_numbers"])
        self.spellings.append(keys["name_spellings"])
        for field, index in (("website_key", self.by_website), ("email_key", self.by_email)):
            if keys[field]:
                index[keys[field]].append(position)
        for acronym in keys["name_acronyms"].split():
            self.by_acronym[acronym].append(position)

    def by_spelling(self):
        # Made only for a batch that has a name using an acronym.
        if self._by_spelling is None:
            self._by_spelling = defaultdict(list)
            for position, spellings in enumerate(self.spellings):
                for spelling in spellings.split():
                    self._by_spelling[spelling].append(position)
        return self._by_spelling

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
            found.update(self.by_spelling().get(acronym, ()))
        found = {p for p in found if self.numbers[p] == keys["name_numbers"]}
        found.update(self.by_website.get(keys["website_key"], ()) if keys["website_key"] else ())
        found.update(self.by_email.get(keys["email_key"], ()) if keys["email_key"] else ())
        return {self.ids[position] for position in found}


def _unassessed(field):
    # A signature's own fields where its stored keys cannot be trusted yet.
    return Case(When(risk_assessed_at__isnull=True, then=F(field)), default=Value(""))


def letter_keys(letter_ids) -> dict[int, _LetterKeys]:
    """The comparison keys of every signature on these letters: one query."""
    rows = (
        Signature.objects.filter(letter_id__in=letter_ids)
        .annotate(
            fresh_name=_unassessed("name"),
            fresh_website=_unassessed("website"),
            fresh_email=_unassessed("contact_email"),
        )
        .values_list(
            "id", "letter_id", "risk_assessed_at", *KEY_FIELDS,
            "fresh_name", "fresh_website", "fresh_email",
        )
        .order_by()
    )  # fmt: skip
    letters = defaultdict(_LetterKeys)
    for signature_id, letter_id, assessed_at, *stored, name, website, email in rows:
        if assessed_at is None:
            keys = comparison_keys(name=name, website=website, email=email)
        else:
            keys = dict(zip(KEY_FIELDS, stored, strict=True))
        letters[letter_id].add(signature_id, keys)
    return letters


def candidates(signatures) -> tuple[dict[int, set[int]], dict[int, Signature]]:
    """For each signature of the batch (by id), the ids of its candidates (itself possibly
    among them); and the candidates' rows. Two queries, whatever the batch or the letters."""
    letters = letter_keys({signature.letter_id for signature in signatures})
    found = {}
    for signature in signatures:
        keys = comparison_keys(
            name=signature.name, website=signature.website, email=signature.contact_email
        )
        letter = letters.get(signature.letter_id)
        found[signature.pk] = letter.resembling(keys) if letter else set()
    wanted = set().union(*found.values()) if found else set()
    rows = Signature.objects.filter(pk__in=wanted).only(*COMPARED_FIELDS).in_bulk()
    return found, rows
