"""Contact names, emails and IPs are for staff only: no public page ever shows them."""

import re
from urllib.parse import urlsplit

from django.urls import reverse

from letters.services import letter_current_revision
from signatures.models import Signature
from tests.factories import make_letter, make_signature

SECRETS = ("Pat Private", "pat.private@riders.example.org", "192.0.2.44", "Executive Director")


def test_no_public_page_shows_contact_details(client, db):
    letter = make_letter()
    closed = make_letter(status="closed")
    for target in (letter, closed):
        for status in Signature.Status:
            make_signature(
                target,
                status=status,
                contact_name="Pat Private",
                contact_email="pat.private@riders.example.org",
                contact_title="Executive Director",
                submitted_ip="192.0.2.44",
                note="private note for organizers",
            )
    letter_current_revision(letter=letter)
    pages = [
        reverse("letters:list"),
        reverse("robots"),
        "/sitemap.xml",
        "/letters/no-such-letter/",
        *(
            reverse(name, args=[target.slug])
            for target in (letter, closed)
            for name in (
                "letters:detail",
                "letters:text",
                "letters:signatories_csv",
                "letters:signatories_json",
                "letters:embed",
            )
        ),  # fmt: skip
        reverse("letters:revision", args=[letter.slug, 1]),
        reverse("signatures:sign", args=[letter.slug]),
        reverse("signatures:check_email", args=[letter.slug]),
        reverse("signatures:resend", args=[letter.slug]),
        reverse("signatures:resend_done", args=[letter.slug]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        html = response.content.decode()
        for secret in (*SECRETS, "private note for organizers"):
            assert secret not in html, (url, secret)


def test_staff_reading_the_outbox_see_no_usable_private_link(
    client, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    from signatures.models import OutgoingMail
    from tests.conftest import LINK
    from tests.factories import sign_form_data

    letter = make_letter()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signatures:sign", args=[letter.slug]), sign_form_data())
    mail = OutgoingMail.objects.get()

    page = staff_client.get(reverse("admin:signatures_outgoingmail_change", args=[mail.pk]))
    shown = [
        urlsplit(link).path
        for link in re.findall(r'https?://[^\s<"]+', page.text)
        if "/confirm/" in link or "/manage/" in link
    ]
    assert len(shown) == 2
    for path in shown:
        assert "-link-hidden)" in path
        assert client.get(path).status_code == 400
    # The mail itself carried links that work.
    [message] = mailoutbox
    [sent] = [link for link in LINK.findall(message.body) if "/confirm/" in link]
    assert client.get(urlsplit(sent).path).status_code == 200


def test_mail_stored_before_keeps_no_usable_link(db):
    import importlib

    from signatures import tokens
    from signatures.models import OutgoingMail

    signature = make_signature(make_letter())
    token = tokens.make_token(signature, tokens.MANAGE)
    mail = OutgoingMail.objects.create(
        signature=signature, kind="confirm", to="a@b.org", subject="s",
        body=f"Manage: http://127.0.0.1:8000/manage/{token}/?lang=es\n",
    )  # fmt: skip
    migration = importlib.import_module("signatures.migrations.0007_faults_hidden_mail_links")

    from django.apps import apps

    migration.hide_links(apps, None)

    mail.refresh_from_db()
    assert token not in mail.body
    assert "/manage/(manage-link-hidden)/?lang=es" in mail.body
