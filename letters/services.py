"""Writes to a letter that have side effects: recording the text signers agree to, as
revisions numbered one after the other."""

from django.db import transaction

from letters.models import Letter, LetterRevision


def _snapshot(letter: Letter) -> dict:
    return {field: getattr(letter, field) for field in LetterRevision.TEXT_FIELDS}


def _lock_current_revision(letter_id: int) -> LetterRevision:
    """The letter's newest revision, recording the stored text as revision 1 if there is
    none yet. Locks the letter's row so that concurrent callers number revisions one after
    the other (the unique constraint on (letter, number) would refuse a second revision 1).
    FOR NO KEY UPDATE, so that signing, which inserts rows referring to the letter, does not
    wait for a confirmation."""
    stored = Letter.objects.select_for_update(no_key=True).get(pk=letter_id)
    latest = stored.revisions.order_by("-number").first()
    if latest is None:
        latest = LetterRevision.objects.create(
            letter=stored, number=1, kind=LetterRevision.Kind.INITIAL, **_snapshot(stored)
        )
    return latest


def letter_current_revision(*, letter: Letter) -> LetterRevision:
    """The revision a contact confirming now agrees to. The first confirmation records the
    letter's text as revision 1: before anyone has agreed to it, staff edit freely."""
    with transaction.atomic():
        return _lock_current_revision(letter.pk)


def letter_record_revision(
    *, letter: Letter, changed_by, kind: str, note: str = ""
) -> LetterRevision:
    """Save staff's edit of an agreed letter's text as the next revision. `letter` carries the
    edited, not yet saved, text. Who is asked again about it is not the document's business:
    signatures.services.letter_revise, which staff's edits go through, calls this."""
    if kind not in (LetterRevision.Kind.TYPO, LetterRevision.Kind.MATERIAL):
        raise ValueError(f"A revision after the first is a typo fix or a material change: {kind}")
    with transaction.atomic():
        # Read (and if need be record as revision 1) the stored text before saving the edit,
        # so the first revision is what signers actually saw.
        previous = _lock_current_revision(letter.pk)
        # Saving bumps updated_at, which is part of the cached public page's key.
        letter.save()
        return LetterRevision.objects.create(
            letter=letter,
            number=previous.number + 1,
            kind=kind,
            note=note,
            created_by=changed_by,
            **_snapshot(letter),
        )
