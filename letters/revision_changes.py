"""What changed between two revisions of a letter's text, in units a reader can compare:
paragraphs of the body, lines of the addressees, whole values of the short fields."""

import difflib
import re
from dataclasses import dataclass

from letters.models import Letter, LetterRevision

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Hunk:
    removed: list[str]
    added: list[str]


@dataclass(frozen=True)
class FieldChange:
    label: str
    hunks: list[Hunk]


def _units(field: str, text: str) -> list[str]:
    if field == "body":
        return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    if field == "addressees":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return [text.strip()] if text.strip() else []


def _hunks(old: list[str], new: list[str]) -> list[Hunk]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        Hunk(removed=old[i1:i2], added=new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def text_changes(old: LetterRevision, new: LetterRevision) -> list[FieldChange]:
    """The fields that differ from `old` to `new`, each with its changed passages."""
    changes = []
    for field in LetterRevision.TEXT_FIELDS:
        before, after = getattr(old, field), getattr(new, field)
        hunks = _hunks(_units(field, before), _units(field, after))
        if hunks:  # a change of spacing alone is not one a reader can see
            label = Letter._meta.get_field(field).verbose_name
            changes.append(FieldChange(label=str(label).capitalize(), hunks=hunks))
    return changes
