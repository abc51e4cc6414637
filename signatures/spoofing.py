"""Names that pretend to be other names: invisible characters, compatibility forms and
look-alike letters from other scripts (Unicode Technical Standard #39).

- `displayable` is what a signer's name is stored and shown as: NFKC (so 𝐀𝐂𝐋𝐔 in "bold" math
  letters or full-width ＡＣＬＵ become plain ACLU) without control, format and other invisible
  characters: no right-to-left override can make "ACLU‮" read backwards, no zero-width space
  can make two equal-looking names differ.
- `mixed_script_word` finds a word that mixes scripts the way no real name does (Latin "Amnesty"
  with a Cyrillic "А"): such a name is refused, since it can only be meant to deceive.
- `skeleton` is the part of the comparison key that folds look-alikes: a letter of another
  script that is confusable with a Latin letter (Cyrillic "а", Greek "ο") becomes that letter,
  and accents on Latin letters are dropped, so "Аmnesty" and "Amnésty" compare equal to
  "Amnesty" and cannot sign a letter it already signed.

Unicode's data comes from confusable-homoglyphs (its confusables.txt and Scripts.txt)."""

import unicodedata
from functools import cache

from confusable_homoglyphs import categories, confusables

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt) outside the categories
# removed below: fillers and selectors that draw nothing.
_IGNORABLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x3164, 0xFFA0]
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
    # A blank Braille cell shows as a space that does not count as one.
    + [0x2800]
)
# Control, format (bidirectional overrides and isolates, zero-width characters, the byte
# order mark), surrogate, private-use and unassigned code points.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def _invisible(char: str) -> bool:
    return ord(char) in _IGNORABLE or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def displayable(text: str) -> str:
    """NFKC, without invisible characters, with runs of spaces of any kind made one space."""
    text = "".join(char for char in unicodedata.normalize("NFKC", text) if not _invisible(char))
    # NFKC again: removing a character can bring two that compose together.
    return " ".join(unicodedata.normalize("NFKC", text).split())


# UTS #39's "highly restrictive" level, word by word: one script, or Latin with the scripts
# Chinese, Japanese and Korean are written in together.
_ALLOWED_SCRIPT_MIXES = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
)
_ANY_SCRIPT = {"COMMON", "INHERITED"}


def _scripts(word: str) -> set[str]:
    return {categories.alias(char) for char in word if char.isalpha()} - _ANY_SCRIPT


def mixed_script_word(text: str) -> str | None:
    """The first word of `text` that mixes scripts beyond what UTS #39 allows, or None."""
    for word in text.split():
        scripts = _scripts(word)
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_SCRIPT_MIXES):
            return word
    return None


@cache
def _latin_look_alikes() -> dict[str, str]:
    """Each non-ASCII character confusable with ASCII letters or digits, and those."""
    mapping = {}
    for char, homoglyphs in confusables.confusables_data.items():
        # The data wraps right-to-left characters in left-to-right marks.
        char = char.strip("\u200e\u200f")
        if len(char) != 1 or char.isascii():
            continue
        for homoglyph in homoglyphs:
            look_alike = homoglyph["c"].strip("\u200e\u200f")
            if look_alike.isascii() and look_alike.isalnum():
                mapping[char] = look_alike
                break
    return mapping


def skeleton(text: str) -> str:
    """`text` (already case-folded) with look-alikes folded into ASCII and the accents of
    Latin letters dropped. Only a comparison key: never shown."""
    look_alikes = _latin_look_alikes()
    folded = "".join(
        look_alikes.get(char, char) for char in unicodedata.normalize("NFD", text)
    ).casefold()
    kept = []
    for char in folded:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))
