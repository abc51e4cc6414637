import pytest

from signatures.mail import queue_mail
from tests.factories import make_signature


@pytest.mark.parametrize("kind", ["confirm", "approved", "rejected", "withdrawn"])
def test_every_mail_carries_the_private_manage_link_and_plain_text(letter, kind):
    signature = make_signature(letter, name="Smith & Sons <Co>")
    mail = queue_mail(signature=signature, kind=kind)
    assert "/manage/" in mail.body
    assert "Smith & Sons <Co>" in mail.subject
    assert "&amp;" not in mail.subject + mail.body
    assert "&lt;" not in mail.subject + mail.body


def test_longest_name_and_title_still_make_a_storable_mail(db):
    from tests.factories import make_letter

    letter = make_letter(title="T" * 200)
    signature = make_signature(letter, name="N" * 200)
    mail = queue_mail(signature=signature, kind="confirm")
    mail.refresh_from_db()
    assert "N" * 200 in mail.subject and "T" * 200 in mail.subject
