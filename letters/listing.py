"""The public order of signatories, shared by every form of the letter: the page, the printed
page, the .txt, the CSV/JSON and the embed all take their list from `public_signatories`."""

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, LetterGroup

# Organizations left out of every group are listed last, under this heading.
UNGROUPED_TITLE = _("Other organizations")
# Beside each lead signer's name, in every form of the letter that lists names.
LEAD_MARK = _("lead signer")


@dataclass(frozen=True, slots=True)
class Signatory:
    """One approved signature as the public sees it. Its fields are the only columns loaded
    (PUBLIC_COLUMNS), so contact details are not even read; plain rows rather than model
    instances, because a letter with thousands of signatories renders a good deal faster."""

    id: int
    name: str
    city: str
    region: str
    country: str
    is_lead: bool
    lead_order: int
    confirmed_at: datetime
    group_id: int | None

    @property
    def location(self):
        return ", ".join(part for part in (self.city, self.region) if part)

    @property
    def location_with_country(self):
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


# What the public may know of a signature, in the order Signatory takes it.
PUBLIC_COLUMNS = tuple(column.name for column in dataclasses.fields(Signatory))


@dataclass
class Section:
    """One heading's worth of signatories. `title` is empty when the letter is not grouped;
    `group_name` is what the exports list as the group, empty for the ungrouped rest."""

    title: str
    signatures: list[Signatory]
    group_name: str = ""


@dataclass
class Listing:
    """The approved signatories of a letter in public order, flat and by section. Iterating it
    or taking its length works on the flat list."""

    sections: list[Section] = field(default_factory=list)

    @property
    def signatures(self) -> list[Signatory]:
        return [s for section in self.sections for s in section.signatures]

    @cached_property
    def spans_countries(self) -> bool:
        """Whether the signatories come from more than one country: only then does each
        place name its country (a letter signed in one country needs no "United States" on
        every line)."""
        countries = {s.country.strip().casefold() for s in self.signatures if s.country.strip()}
        return len(countries) > 1

    def place_of(self, signature: Signatory) -> str:
        return signature.location_with_country if self.spans_countries else signature.location

    @property
    def is_grouped(self) -> bool:
        return any(section.title for section in self.sections)

    def __iter__(self):
        return iter(self.signatures)

    def __len__(self):
        return sum(len(section.signatures) for section in self.sections)

    def __bool__(self):
        return len(self) > 0


def public_signatories(letter) -> Listing:
    """Within each section, lead signers first in the order staff set, then every other
    approved organization in alphabetical order, ignoring case and accents. Sorted here rather
    than by the database so that SQLite and PostgreSQL (whose collations differ) agree.
    One query for the signatures, and one for the groups when staff assign them."""
    approved = letter.signatures.approved().values_list(*PUBLIC_COLUMNS)
    rows = [Signatory(*row) for row in approved]
    if letter.grouping == Letter.Grouping.GROUP:
        sections = _by_assigned_group(letter, rows)
    elif letter.grouping == Letter.Grouping.REGION:
        sections = _by_region(letter, rows)
    else:
        sections = [Section("", rows)]
    for section in sections:
        section.signatures = _in_order(section.signatures)
    return Listing([section for section in sections if section.signatures])


def _in_order(rows):
    leads = sorted((s for s in rows if s.is_lead), key=lambda s: (s.lead_order, *_by_name(s)))
    others = sorted((s for s in rows if not s.is_lead), key=_by_name)
    return leads + others


def _by_name(signature):
    """As a reader expects an alphabetical list: "École" among the E's, "acme" beside "Acme"."""
    folded = signature.name.casefold()
    if folded.isascii():
        # Nothing to decompose: most names, and this is a sort key of thousands.
        return folded, folded, signature.id
    base = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return base, folded, signature.id


def ungrouped_title(letter) -> str:
    """A heading inside the letter, so in the letter's language whatever the page's."""
    with translation.override(letter.language):
        return str(UNGROUPED_TITLE)


def lead_mark(letter) -> str:
    """Part of the list, so like the headings in the letter's language."""
    with translation.override(letter.language):
        return str(LEAD_MARK)


def _by_assigned_group(letter, rows):
    groups = list(LetterGroup.objects.filter(letter=letter).order_by("order", "pk"))
    members = {group.pk: [] for group in groups}
    ungrouped = []
    for signature in rows:
        members.get(signature.group_id, ungrouped).append(signature)
    sections = [Section(group.name, members[group.pk], group_name=group.name) for group in groups]
    return [*sections, Section(ungrouped_title(letter), ungrouped)]


def _by_region(letter, rows):
    """Regions compare without case or surrounding space, titled by the spelling most of their
    signatories used; organizations without a region come last."""
    regions: dict[str, list[Signatory]] = {}
    for signature in rows:
        regions.setdefault(signature.region.strip().casefold(), []).append(signature)
    ungrouped = regions.pop("", [])
    sections = []
    for key in sorted(regions):
        spellings = [s.region.strip() for s in regions[key]]
        title = max(sorted(set(spellings)), key=spellings.count)
        sections.append(Section(title, regions[key], group_name=title))
    return [*sections, Section(ungrouped_title(letter), ungrouped)]
