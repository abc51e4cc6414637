"""The .txt letter, the signatories CSV/JSON, the embed and the sharing tags: what they hold,
what they never hold, and what they cost."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from letters.models import Letter, LetterGroup
from signatures import services
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db

PUBLIC_FORMS = ("letters:detail", "letters:text", "letters:signatories_csv",
                "letters:signatories_json", "letters:embed")  # fmt: skip


def url(name, letter):
    return reverse(name, args=[letter.slug])


def test_text_is_the_classic_sign_on_format_and_nothing_else(client):
    letter = make_letter(
        letter_date=date(2026, 3, 5),
        addressees="Gov. Ana Ruiz\nOffice of the Governor",
        salutation="Dear Governor Ruiz:",
        body="We *ask* you to:\n\n1. Veto [HB 1](https://example.org/hb1).\n2. Meet us.\n\nThanks.",
        closing="Sincerely,",
    )
    make_signature(letter, name="Zeta Fund")
    make_signature(letter, name="Alpha Network", is_lead=True)
    make_signature(letter, name="Pending Org", status="pending")

    response = client.get(url("letters:text", letter))

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "March 5, 2026\n\n"
        "Gov. Ana Ruiz\nOffice of the Governor\n\n"
        "Dear Governor Ruiz:\n\n"
        "We ask you to:\n\n"
        "1. Veto HB 1 (https://example.org/hb1).\n2. Meet us.\n\n"
        "Thanks.\n\n"
        "Sincerely,\n\n"
        "Alpha Network, Springfield, IL (lead signer)\nZeta Fund, Springfield, IL\n"
    )


def test_text_of_a_grouped_letter_heads_each_group(client):
    letter = make_letter(grouping=Letter.Grouping.GROUP, body="Body.")
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    make_signature(letter, name="Big Org", group=national)
    make_signature(letter, name="Small Org")

    text = client.get(url("letters:text", letter)).content.decode()

    assert text.endswith(
        "Signed,\n\nNational\nBig Org, Springfield, IL\n\n"
        "Other organizations\nSmall Org, Springfield, IL\n"
    )


def test_csv_and_json_list_the_public_columns_only(client):
    letter = make_letter()
    make_signature(letter, name="Alpha", city="Quito", region="", country="Ecuador", is_lead=True)

    table = client.get(url("letters:signatories_csv", letter))
    data = client.get(url("letters:signatories_json", letter)).json()

    rows = list(csv.DictReader(io.StringIO(table.content.decode())))
    assert table["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [
        {
            "name": "Alpha", "city": "Quito", "region": "", "country": "Ecuador",
            "lead_signer": "yes", "signed_date": date.today().isoformat(),
        }
    ]  # fmt: skip
    assert data["url"] == f"http://127.0.0.1:8000/letters/{letter.slug}/"
    assert data["signatories"] == [
        {
            "name": "Alpha", "city": "Quito", "region": "", "country": "Ecuador",
            "lead_signer": True, "signed_date": date.today().isoformat(),
        }
    ]  # fmt: skip


def test_csv_neutralizes_names_a_spreadsheet_would_run_as_formulas(client):
    letter = make_letter()
    make_signature(letter, name='=HYPERLINK("http://evil.example","x")')

    table = client.get(url("letters:signatories_csv", letter)).content.decode()

    rows = list(csv.DictReader(io.StringIO(table)))

    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example","x")'


def test_grouped_exports_say_which_group_each_organization_is_in(client):
    letter = make_letter(grouping=Letter.Grouping.REGION)
    make_signature(letter, name="Chicago Org", region="IL")
    make_signature(letter, name="World Org", region="")

    data = client.get(url("letters:signatories_json", letter)).json()

    assert [(row["name"], row["group"]) for row in data["signatories"]] == [
        ("Chicago Org", "IL"),
        ("World Org", ""),
    ]


@pytest.mark.parametrize("name", PUBLIC_FORMS)
def test_public_forms_hold_no_contact_data_and_are_cacheable(client, name):
    letter = make_letter()
    make_signature(
        letter, contact_name="Secret Person", contact_email="secret@example.org", note="private"
    )

    response = client.get(url(name, letter))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Secret Person" not in body and "secret@example.org" not in body
    assert "private" not in body
    assert "public" in response["Cache-Control"]
    assert response.has_header("ETag")
    assert not response.cookies


@pytest.mark.parametrize("name", PUBLIC_FORMS)
def test_drafts_have_no_public_forms(client, name):
    letter = make_letter(status=Letter.Status.DRAFT)

    assert client.get(url(name, letter)).status_code == 404


@pytest.mark.parametrize("name", PUBLIC_FORMS)
@pytest.mark.parametrize(
    ("grouping", "queries"),
    # The letter's head (all a warm request reads), then the letter itself and the
    # signatures (and on the page its revisions); assigned groups add their names.
    [(Letter.Grouping.NONE, 3), (Letter.Grouping.REGION, 3), (Letter.Grouping.GROUP, 4)],
)
@pytest.mark.parametrize("signatories", [5, 50])
def test_public_forms_take_the_same_number_of_queries_for_5_or_50_signatories(
    client, django_assert_num_queries, name, grouping, queries, signatories
):
    letter = make_letter(grouping=grouping)
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    for i in range(signatories):
        make_signature(letter, group=group if i % 2 else None, is_lead=i < 2)

    with django_assert_num_queries(queries + (name == "letters:detail")):
        assert client.get(url(name, letter)).status_code == 200


@pytest.mark.parametrize("name", PUBLIC_FORMS)
def test_a_cached_form_is_served_without_reading_the_signatures_again(
    client, django_assert_num_queries, name
):
    letter = make_letter()
    make_signature(letter)
    client.get(url(name, letter))

    # The letter, nothing else: its public version is the cache key.
    with django_assert_num_queries(1):
        client.get(url(name, letter))


def test_forms_change_as_soon_as_a_signature_is_approved(client):
    letter = make_letter()
    pending = make_signature(letter, name="Late Org", status="pending")
    before = client.get(url("letters:text", letter)).content.decode()

    services.signature_approve(signatures=[pending], reviewer=None)

    assert "Late Org" not in before
    assert "Late Org" in client.get(url("letters:text", letter)).content.decode()


def test_renaming_a_group_changes_the_cached_forms(client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    make_signature(letter, group=group)
    client.get(url("letters:text", letter))

    group.name = "Nationwide"
    group.save()

    assert "Nationwide" in client.get(url("letters:text", letter)).content.decode()


def test_only_the_embed_may_be_framed(client):
    letter = make_letter()

    embed = client.get(url("letters:embed", letter))
    page = client.get(url("letters:detail", letter))

    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert not embed.has_header("X-Frame-Options")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    # The override widens framing only: the rest of the policy is the site's.
    assert "script-src 'self'" in embed["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["letters:text", "letters:list", "signatures:sign"])
def test_other_pages_still_refuse_framing(client, name):
    letter = make_letter()
    target = reverse(name) if name == "letters:list" else url(name, letter)

    response = client.get(target)

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_embed_shows_title_live_count_and_a_button_that_leaves_the_frame(client):
    letter = make_letter(title="Stop the pipeline")
    for _ in range(3):
        make_signature(letter)
    make_signature(letter, status="pending")

    html = client.get(url("letters:embed", letter)).content.decode()

    assert "Stop the pipeline" in html
    assert "<strong>3</strong> organizations have signed" in html
    sign = reverse("signatures:sign", args=[letter.slug])
    assert f'href="{sign}" target="_blank" rel="noopener">Add your organization' in html


def test_embed_of_a_closed_letter_has_no_sign_button(client):
    letter = make_letter(status=Letter.Status.CLOSED)

    html = client.get(url("letters:embed", letter)).content.decode()

    assert "Add your organization" not in html
    assert "closed to new signatures" in html


def test_letter_page_has_sharing_tags_with_an_absolute_canonical_url(client, settings):
    settings.SITE_URL = "https://letters.example.org"
    letter = make_letter(title="Save the river", description="Ninety groups ask the council.")

    html = client.get(url("letters:detail", letter)).content.decode()

    canonical = f"https://letters.example.org/letters/{letter.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:title" content="Save the river">' in html
    assert '<meta property="og:description" content="Ninety groups ask the council.">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    card = f"https://letters.example.org/letters/{letter.slug}/card.png?n=0"
    assert f'<meta property="og:image" content="{card}">' in html


def test_description_falls_back_to_the_start_of_the_body_as_text(client):
    letter = make_letter(body="We **urge** you " + "to act " * 60)

    html = client.get(url("letters:detail", letter)).content.decode()

    summary = letter.summary
    assert summary.startswith("We urge you to act")
    assert summary.endswith("…") and len(summary) <= 200
    assert f'<meta name="description" content="{summary}">' in html


def test_sitemap_lists_public_letters_at_the_site_address(client, settings):
    settings.SITE_URL = "https://letters.example.org"
    public = make_letter()
    closed = make_letter(status=Letter.Status.CLOSED)
    draft = make_letter(status=Letter.Status.DRAFT)

    xml = client.get("/sitemap.xml").content.decode()

    assert f"<loc>https://letters.example.org/letters/{public.slug}/</loc>" in xml
    assert f"<loc>https://letters.example.org/letters/{closed.slug}/</loc>" in xml
    assert f"/letters/{draft.slug}/" not in xml


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.SITE_URL = "https://letters.example.org"

    text = client.get("/robots.txt").content.decode()

    assert "Sitemap: https://letters.example.org/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_lead_signers_are_marked_and_places_name_their_country_when_several(client):
    letter = make_letter()
    make_signature(letter, name="Alpha", city="Quito", region="", country="Ecuador", is_lead=True)
    make_signature(letter, name="Beta", city="Lima", region="", country="Peru")

    page = client.get(url("letters:detail", letter)).content.decode()
    text = client.get(url("letters:text", letter)).content.decode()

    assert (
        '<li class="lead"><span class="org">Alpha</span><span class="location">, Quito, '
        'Ecuador</span> <span class="lead-mark">(lead signer)</span></li>'
    ) in page
    assert '<span class="org">Beta</span><span class="location">, Lima, Peru</span>' in page
    assert text.endswith("Alpha, Quito, Ecuador (lead signer)\nBeta, Lima, Peru\n")


def test_a_letter_signed_from_one_country_does_not_repeat_it(client):
    letter = make_letter()
    make_signature(letter, name="Alpha", city="Austin", region="TX", country="United States")
    make_signature(letter, name="Beta", city="Boston", region="MA", country=" united states")

    text = client.get(url("letters:text", letter)).content.decode()

    assert text.endswith("Alpha, Austin, TX\nBeta, Boston, MA\n")
