"""Contact names, emails and IPs are for staff only: no public page ever shows them."""

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
