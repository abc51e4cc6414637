from letters.models import Letter
from tests.factories import make_letter


def test_closing_a_letter_stamps_when(db):
    letter = make_letter()
    assert letter.closed_at is None

    letter.status = Letter.Status.CLOSED
    letter.save(update_fields=["status"])

    letter.refresh_from_db()
    assert letter.closed_at is not None


def test_saving_a_closed_letter_again_keeps_its_closing_time(db):
    letter = make_letter(status=Letter.Status.CLOSED)
    closed_at = letter.closed_at

    letter.title = "Corrected title"
    letter.save()

    letter.refresh_from_db()
    assert letter.closed_at == closed_at


def test_reopening_a_letter_clears_its_closing_time(db):
    letter = make_letter(status=Letter.Status.CLOSED)

    letter.status = Letter.Status.OPEN
    letter.save()

    letter.refresh_from_db()
    assert letter.closed_at is None
