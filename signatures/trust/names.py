"""Whether two organization names probably mean the same organization: pure functions of the
names, and an index that compares one name with many at once. Typos, word order, "&" and
acronyms ("ACLU of Washington" for its long form) are forgiven; a different number is not."""

import re

from rapidfuzz import fuzz, process

from signatures.models import normalize_organization_name

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


class NameIndex:
    """Many names prepared for comparing one name with all of them quickly."""

    def __init__(self, names):
        self.names = list(names)
        self.words = [_words(name) for name in self.names]
        self.keys = [_key(words) for words in self.words]
        self.with_acronyms = [i for i, name in enumerate(self.names) if _acronyms(name)]

    def similar_to(self, name: str) -> set[int]:
        """The positions of the names that look like `name` (its own included, if present)."""
        own_words = _words(name)
        matches = process.extract(
            _key(own_words),
            self.keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_SIMILARITY_THRESHOLD,
            limit=None,
        )
        numbers = _numbers(own_words)
        found = {
            index for _choice, _score, index in matches if _numbers(self.words[index]) == numbers
        }
        if _acronyms(name):
            for index, words in enumerate(self.words):
                if index in found or _numbers(words) != numbers:
                    continue
                if _expanded_alike(name, words):
                    found.add(index)
        for index in self.with_acronyms:
            if index in found or _numbers(self.words[index]) != numbers:
                continue
            if _expanded_alike(self.names[index], own_words):
                found.add(index)
        return found


# The comparison keys: what a name is looked up by, so that a name is compared only with those
# that may look like it (signatures/trust/keys.py stores them, candidates.py looks them up).
# Each is a necessary condition of `names_look_alike`, never a judgement of its own.

# Acronyms are 2 to 10 characters (_ACRONYM); a spelling longer than that can match none.
_LONGEST_ACRONYM = 10
# A name of dozens of small words could spell a great many acronyms; past this many a name's
# rarer spellings go unindexed (a real organization's name spells a few dozen at most).
MAX_SPELLINGS = 500


def comparison_key(name: str) -> str:
    """The words compared by `names_look_alike`, sorted: typos and word order are found by
    the similarity of these keys."""
    return " ".join(sorted(_key(_words(name)).split()))


def numbers_key(name: str) -> str:
    """Names whose numbers differ never look alike."""
    return " ".join(sorted(_numbers(_words(name))))


def acronyms_used(name: str) -> set[str]:
    """The acronyms `_expanded_alike` reads in this name, lower case."""
    return {acronym.lower() for acronym in _acronyms(name)}


def acronyms_spelled(name: str) -> set[str]:
    """Every acronym that some run of this name's words spells the way `_abbreviate` reads
    them: from a word that is not a stopword, each next word spelled by its initial, a stopword
    spelled or skipped. A name that uses one of these acronyms may be this name's short form."""
    words = _words(name)
    spelled = set()
    for start, first in enumerate(words):
        if first in STOPWORDS or not ("a" <= first[0] <= "z"):
            continue
        # The spellings that may go on past the word reached so far.
        open_ = {first[0]}
        for word in words[start + 1 :]:
            initial = word[0]
            if not ("a" <= initial <= "z" or "0" <= initial <= "9"):
                grown = set()
            else:
                grown = {prefix + initial for prefix in open_ if len(prefix) < _LONGEST_ACRONYM}
            spelled |= grown - {first}
            open_ = open_ | grown if word in STOPWORDS else grown
            if not open_ or len(spelled) >= MAX_SPELLINGS:
                break
        if len(spelled) >= MAX_SPELLINGS:
            break
    return spelled
