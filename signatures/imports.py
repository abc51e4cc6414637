"""Importing the signatures a coalition collected elsewhere: staff upload a spreadsheet
(signatures/spreadsheets.py reads it), see each row judged as the signing form would judge it
(new, a duplicate of a signature already on the letter, or invalid with the field's error), and
import the new rows in one transaction. Running an import again, or importing the same file
twice, adds nothing: every row it added is then a duplicate."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from letters.models import LetterGroup
from letters.services import letter_current_revision
from signatures import trust
from signatures.forms import ImportedSignatureForm, SignatureForm
from signatures.mail import queue_mail
from signatures.models import Signature, SignatureImport, normalize_organization_name
from signatures.services import organization_find_or_create
from signatures.spreadsheets import Sheet
from signatures.trust.names import NameIndex

# What each imported field is called in the files people bring: a Google Form's questions, a
# CRM's export, our own staff export (signatures/exports.py), in English and Spanish. The
# signing form's own labels count too (see _candidates).
HEADERS = {
    "name": ("organization", "organisation", "organization name", "organisation name", "org",
             "org name", "name of organization", "name of your organization", "organizacion",
             "nombre de la organizacion"),
    "website": ("website", "web site", "url", "web", "homepage", "organization website",
                "sitio web", "pagina web"),
    "city": ("city", "town", "city town", "ciudad"),
    "region": ("region", "state", "province", "state province", "state or region", "estado",
               "provincia"),
    "country": ("country", "pais"),
    "contact_name": ("contact name", "contact", "contact person", "your name", "full name",
                     "signer", "signer name", "nombre de contacto", "tu nombre"),
    "contact_title": ("contact title", "title", "your title", "position", "job title", "role",
                      "cargo"),
    "contact_email": ("contact email", "email", "e mail", "email address", "your email",
                      "contact email address", "correo", "correo electronico", "tu correo"),
    "is_lead": ("lead", "lead signer", "lead signatory", "lead organization", "principal"),
    "group": ("group", "section", "category", "grupo", "seccion"),
}  # fmt: skip
# A bare "Name" column is the organization's when nothing else names it, else the contact's.
AMBIGUOUS_HEADERS = {"name": ("name", "nombre"), "contact_name": ("name", "nombre")}
FIELDS = tuple(HEADERS)
REQUIRED_COLUMNS = ("name", "city", "country", "contact_name", "contact_email")
FIELD_LABELS = {
    "is_lead": gettext_lazy("Lead signer"),
    "group": gettext_lazy("Group"),
} | {name: label for name, label in SignatureForm.Meta.labels.items() if name in FIELDS}

YES = frozenset({"yes", "y", "true", "1", "x", "lead", "si", "sí", "verdadero"})
NO = frozenset({"", "no", "n", "false", "0", "falso"})


class Verdict:
    NEW = "new"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


class MissingColumns(Exception):
    def __init__(self, missing):
        self.missing = missing
        super().__init__(", ".join(missing))


def _normalize_header(text: str) -> str:
    text = re.sub(r"\(.*?\)", " ", text)  # "Website (optional)"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _candidates() -> dict[str, set[str]]:
    labels = {}
    for language in ("en", "es"):
        with translation.override(language):
            for name in FIELDS:
                labels.setdefault(name, set()).add(_normalize_header(str(FIELD_LABELS[name])))
    # Field names too (our staff export's headers), except a bare "name", which is ambiguous.
    return {
        name: {_normalize_header(h) for h in HEADERS[name]}
        | labels[name]
        | ({_normalize_header(name)} - set(AMBIGUOUS_HEADERS["name"]))
        for name in FIELDS
    }


def map_columns(headers: list[str]) -> dict[str, int]:
    """Which column each field is read from; the first column that names a field wins."""
    candidates = _candidates()
    found: dict[str, int] = {}
    normalized = [_normalize_header(header) for header in headers]
    for position, header in enumerate(normalized):
        for name in FIELDS:
            if name not in found and header in candidates[name]:
                found[name] = position
                break
    taken = set(found.values())
    for name, words in AMBIGUOUS_HEADERS.items():
        for position, header in enumerate(normalized):
            if name not in found and position not in taken and header in words:
                found[name] = position
                taken.add(position)
    return found


def missing_columns(headers: list[str]) -> list[str]:
    """The labels of the fields the signing form requires that no column names."""
    columns = map_columns(headers)
    return [str(FIELD_LABELS[name]) for name in REQUIRED_COLUMNS if name not in columns]


def signature_import_create(*, letter, file_name: str, content: bytes, sheet: Sheet, by):
    """Keep an uploaded spreadsheet, read into rows, until staff import or delete it. Raises
    MissingColumns when a column the signing form requires cannot be found."""
    if missing := missing_columns(sheet.headers):
        raise MissingColumns(missing)
    columns = map_columns(sheet.headers)
    rows = [
        [number, {name: cells[position] for name, position in columns.items()}]
        for number, cells in sheet.rows
    ]
    with transaction.atomic():
        return SignatureImport.objects.create(
            letter=letter,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            columns={name: sheet.headers[position] for name, position in columns.items()},
            rows=rows,
            created_by=by,
        )


@dataclass
class RowResult:
    number: int
    values: dict
    verdict: str = Verdict.NEW
    problems: list[str] = field(default_factory=list)
    data: dict | None = None
    group: LetterGroup | None = None
    is_lead: bool = False


@dataclass
class Preview:
    rows: list[RowResult]

    def count(self, verdict) -> int:
        return sum(row.verdict == verdict for row in self.rows)

    @property
    def new(self) -> list[RowResult]:
        return [row for row in self.rows if row.verdict == Verdict.NEW]


def preview(signature_import: SignatureImport) -> Preview:
    """Each row judged against the letter as it stands now."""
    letter = signature_import.letter
    groups = {g.name.casefold().strip(): g for g in LetterGroup.objects.filter(letter=letter)}
    rows = [_validated(number, values, groups) for number, values in signature_import.rows]
    standing = list(letter.signatures.standing().only("id", "name", "normalized_name", "status"))
    _mark_duplicates_on_letter(rows, standing)
    _mark_duplicates_in_file(rows)
    return Preview(rows)


def _validated(number, values, groups) -> RowResult:
    row = RowResult(number=number, values=values)
    form = ImportedSignatureForm(data={name: values.get(name, "") for name in FIELDS})
    if not form.is_valid():
        for name, errors in form.errors.items():
            row.problems += [f"{FIELD_LABELS.get(name, name)}: {error}" for error in errors]
    lead = values.get("is_lead", "").strip().casefold()
    if lead not in YES | NO:
        row.problems.append(_("%(field)s: Enter yes or no.") % {"field": FIELD_LABELS["is_lead"]})
    row.is_lead = lead in YES
    group_name = values.get("group", "").strip()
    if group_name:
        row.group = groups.get(group_name.casefold())
        if row.group is None:
            row.problems.append(
                _("%(field)s: The letter has no group “%(group)s”; add it on the letter’s page.")
                % {"field": FIELD_LABELS["group"], "group": group_name}
            )
    if row.problems:
        row.verdict = Verdict.INVALID
    else:
        row.data = form.cleaned_data
    return row


def _status_label(signature) -> str:
    return str(Signature.Status(signature.status).label)


def _mark_duplicates_on_letter(rows, standing):
    """By the form's rules: the same normalized name (the database refuses it) or a name that
    looks like one already on the letter (what the trust signals call a near duplicate)."""
    by_name = {signature.normalized_name: signature for signature in standing}
    names = NameIndex(signature.name for signature in standing)
    for row in rows:
        if row.verdict != Verdict.NEW:
            continue
        same = by_name.get(normalize_organization_name(row.data["name"]))
        if same is not None:
            row.problems.append(
                _("Already on the letter as “%(name)s” (%(status)s).")
                % {"name": same.name, "status": _status_label(same)}
            )
        elif similar := names.similar_to(row.data["name"]):
            alike = standing[min(similar)]
            row.problems.append(
                _("Looks like “%(name)s”, already on the letter (%(status)s).")
                % {"name": alike.name, "status": _status_label(alike)}
            )
        if row.problems:
            row.verdict = Verdict.DUPLICATE


def _mark_duplicates_in_file(rows):
    """A later row for an organization an earlier new row already brings."""
    candidates = [row for row in rows if row.verdict == Verdict.NEW]
    names = NameIndex(row.data["name"] for row in candidates)
    for position, row in enumerate(candidates):
        earlier = [other for other in names.similar_to(row.data["name"]) if other < position]
        earlier = [other for other in earlier if candidates[other].verdict == Verdict.NEW]
        if earlier:
            row.verdict = Verdict.DUPLICATE
            row.problems.append(
                _("The same organization as row %(number)d.")
                % {"number": candidates[earlier[0]].number}
            )


@dataclass(frozen=True)
class ImportOutcome:
    added: int
    skipped: int
    already_imported: bool = False


def signature_import_run(*, signature_import: SignatureImport, confirmation: str, by):
    """Add the import's new rows to its letter, in one transaction: as confirmed entries
    awaiting review, or unconfirmed with a confirmation link mailed to each contact. An import
    runs once; rows whose organization signed meanwhile are skipped, never doubled."""
    with transaction.atomic():
        locked = SignatureImport.objects.select_for_update().get(pk=signature_import.pk)
        if locked.status != SignatureImport.Status.PENDING:
            return ImportOutcome(added=0, skipped=0, already_imported=True)
        letter = locked.letter
        confirmed = confirmation == SignatureImport.Confirmation.CONFIRMED
        revision = letter_current_revision(letter=letter) if confirmed else None
        now = timezone.now()
        result = preview(locked)
        added = []
        for row in result.new:
            signature = _add(letter, row, confirmed=confirmed, revision=revision, now=now)
            if signature is not None:
                added.append(signature)
        trust.refresh_later(signatures=added)
        if not confirmed:
            for signature in added:
                queue_mail(signature=signature, kind="confirm", extra={"imported": True})
        locked.status = SignatureImport.Status.IMPORTED
        locked.confirmation = confirmation
        locked.imported_at = now
        locked.imported_by = by
        locked.imported_count = len(added)
        locked.save()
    return ImportOutcome(added=len(added), skipped=len(result.rows) - len(added))


def _add(letter, row, *, confirmed, revision, now) -> Signature | None:
    data = row.data
    try:
        # A signer who used the form meanwhile holds the name: the savepoint lets the unique
        # constraint skip this row without undoing the others.
        with transaction.atomic():
            return Signature.objects.create(
                letter=letter,
                organization=organization_find_or_create(
                    name=data["name"], website=data["website"]
                ),
                language=letter.language,
                # The coalition collected these from organizations that agreed to sign.
                authorized=True,
                status=Signature.Status.PENDING if confirmed else Signature.Status.UNCONFIRMED,
                confirmed_at=now if confirmed else None,
                confirmed_revision=revision,
                is_lead=row.is_lead,
                group=row.group,
                **{name: data[name] for name in Signature.CORRECTABLE_FIELDS},
            )
    except IntegrityError:
        return None
