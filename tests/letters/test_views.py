from datetime import UTC

import pytest
from django.urls import reverse

from signatures.models import Signature
from tests.factories import make_letter, make_signature

PUBLIC = Signature.Status


def names_in_order(html, names):
    positions = [html.index(name) for name in names]
    return positions == sorted(positions)


def test_index_lists_open_and_closed_letters_but_never_drafts(client, db):
    make_letter(title="Open letter A", status="open")
    make_letter(title="Closed letter B", status="closed")
    make_letter(title="Secret draft C", status="draft")
    html = client.get(reverse("letters:list")).content.decode()
    assert "Open letter A" in html and "Closed letter B" in html
    assert "Secret draft C" not in html


def test_draft_is_not_found_by_the_public(client, db):
    draft = make_letter(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft(staff_client, db):
    draft = make_letter(status="draft", title="Work in progress")
    response = staff_client.get(reverse("letters:preview", args=[draft.slug]))
    assert response.status_code == 200
    assert "Work in progress" in response.content.decode()
    assert "Only staff can see this page" in response.content.decode()


def test_preview_sends_the_public_to_the_login_page(client, db):
    draft = make_letter(status="draft")
    response = client.get(reverse("letters:preview", args=[draft.slug]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_letter_page_is_laid_out_like_a_letter(client, db):
    letter = make_letter(
        addressees="Jane Doe, Chief Executive Officer\nExample Corp",
        salutation="Dear Ms. Doe:",
        body="First paragraph.\n\nSecond paragraph.",
        closing="Signed,",
    )
    html = client.get(letter.get_absolute_url()).content.decode()
    assert names_in_order(
        html,
        [
            "Jane Doe, Chief Executive Officer<br>Example Corp",
            "Dear Ms. Doe:",
            "<p>First paragraph.</p>",
            "<p>Second paragraph.</p>",
            "Signed,",
            "Signatories",
        ],
    )


def test_only_approved_signatories_appear_lead_signers_first_then_alphabetical(client, letter):
    make_signature(letter, name="zebra Alliance")
    make_signature(letter, name="Apple Growers", city="Yakima", region="WA")
    make_signature(letter, name="Second Lead", is_lead=True, lead_order=2)
    make_signature(letter, name="First Lead", is_lead=True, lead_order=1)
    make_signature(letter, name="mango Collective")
    make_signature(letter, name="Pending Org", status=PUBLIC.PENDING)
    make_signature(letter, name="Unconfirmed Org", status=PUBLIC.UNCONFIRMED)
    make_signature(letter, name="Rejected Org", status=PUBLIC.REJECTED)
    html = client.get(letter.get_absolute_url()).content.decode()
    assert names_in_order(
        html, ["First Lead", "Second Lead", "Apple Growers", "mango Collective", "zebra Alliance"]
    )
    for hidden in ("Pending Org", "Unconfirmed Org", "Rejected Org"):
        assert hidden not in html
    assert 'Signatories <span class="count">(5)</span>' in html
    assert 'Apple Growers</span><span class="location">, Yakima, WA</span>' in html


def test_organization_names_holding_html_are_escaped(client, letter):
    make_signature(letter, name='<script>alert("x")</script> Evil Org')
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Evil Org" in html


def test_open_letter_invites_signatures_and_closed_letter_shows_final_count(client, db):
    open_letter = make_letter(status="open")
    html = client.get(open_letter.get_absolute_url()).content.decode()
    assert "Add your organization" in html
    assert reverse("signatures:sign", args=[open_letter.slug]) in html

    closed = make_letter(status="closed")
    make_signature(closed)
    make_signature(closed)
    html = client.get(closed.get_absolute_url()).content.decode()
    assert "Add your organization" not in html
    assert "Final count: 2 organizations" in html


def test_letter_past_its_deadline_no_longer_invites_signatures(client, db):
    from datetime import timedelta

    from django.utils import timezone

    letter = make_letter(signing_deadline=timezone.now() - timedelta(minutes=1))
    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Add your organization" not in html
    assert client.get(reverse("signatures:sign", args=[letter.slug])).status_code == 410


def test_letter_page_sets_no_cookie_and_carries_no_csrf_token(client, letter):
    make_signature(letter)
    response = client.get(letter.get_absolute_url())
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("count", [5, 50])
def test_letter_page_takes_the_same_queries_for_5_or_50_signatories(
    client, letter, count, django_assert_num_queries
):
    for _ in range(count):
        make_signature(letter)
    # One for the letter's head (its public version is the cache key), and, since the page
    # isn't cached yet, one for the letter itself, one for the signatories and one for the
    # revision history.
    with django_assert_num_queries(4):
        response = client.get(letter.get_absolute_url())
    assert response.content.decode().count("<li") >= count


def test_cached_letter_page_follows_a_new_approval(client, letter):
    from signatures import services
    from tests.factories import make_staff

    make_signature(letter, name="Early Org")
    assert "Early Org" in client.get(letter.get_absolute_url()).content.decode()
    late = make_signature(letter, name="Late Org", status=PUBLIC.PENDING)
    assert "Late Org" not in client.get(letter.get_absolute_url()).content.decode()
    services.signature_approve(signatures=[late], reviewer=make_staff())
    assert "Late Org" in client.get(letter.get_absolute_url()).content.decode()


def test_unchanged_letter_page_is_answered_not_modified(client, letter):
    make_signature(letter)
    first = client.get(letter.get_absolute_url())
    again = client.get(letter.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    make_signature(letter, name="Newly Approved")
    changed = client.get(letter.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert "Newly Approved" in changed.content.decode()


def test_preview_needs_the_second_factor_when_the_site_requires_it(staff_client, settings):
    settings.ADMIN_REQUIRE_OTP = True
    draft = make_letter(status="draft", title="Secret plans")
    response = staff_client.get(reverse("letters:preview", args=[draft.slug]))
    assert response.status_code == 302
    assert "Secret plans" not in response.content.decode()


def test_unknown_letter_gets_a_friendly_not_found_page(client, db):
    response = client.get("/letters/no-such-letter/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_open_letter_with_a_deadline_says_until_when_it_accepts_signatures(client, db):
    from datetime import datetime

    letter = make_letter(signing_deadline=datetime(2031, 3, 5, 17, 0, tzinfo=UTC))
    for url in (
        letter.get_absolute_url(),
        reverse("signatures:sign", args=[letter.slug]),
        reverse("letters:embed", args=[letter.slug]),
    ):
        html = client.get(url).content.decode()
        assert 'Signatures are accepted until <time datetime="2031-03-05T17:00:00+00:00">' in html
