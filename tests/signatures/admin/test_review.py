"""The review queue: it opens on the entries awaiting review, riskiest first; each row has its
Approve and Reject buttons (with a group to approve into); a signature's page has "Approve
and next" and "Reject and next", which go on through the list the moderator came from."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter, LetterGroup
from signatures import services, trust
from signatures.models import OutgoingMail, Signature
from tests.factories import make_known_organization, make_letter, make_signature, submit_signature
from tests.signatures.admin.pages import CHANGELIST, EVERY_STATUS, change_url, row_names

pytestmark = pytest.mark.django_db

PENDING = {"status__exact": "pending"}


def decide_url(signature) -> str:
    return reverse("admin:signatures_signature_decide", args=[signature.pk])


def decide_action(html, signature) -> str:
    """The action of the row's own decision form, as the page gives it."""
    found = re.search(rf'<form id="decide-{signature.pk}" method="post" action="([^"]+)"', html)
    assert found, f"no decision form for {signature.name}"
    return unescape(found.group(1))


def seen_at(html) -> str:
    return re.search(r'name="seen_at" value="([^"]+)"', html).group(1)


def message_texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_opened_plainly_is_the_review_queue_riskiest_first(staff_client, letter):
    make_signature(letter, name="Approved Org")
    calm = submit_signature(letter, name="Transit Justice Alliance")
    free = submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")
    make_known_organization()
    impostor = submit_signature(
        letter, name="ACLU of Washington", website="", contact_email="aclu.wa@gmail.com"
    )

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status__exact=pending"
    queue = staff_client.get(response["Location"])
    assert row_names(queue) == [impostor.name, free.name, calm.name]


def test_all_is_a_choice_of_the_status_filter_and_lists_every_status(staff_client, letter):
    make_signature(letter, name="Approved Org")
    make_signature(letter, name="Pending Org", status=Signature.Status.PENDING)

    queue = staff_client.get(CHANGELIST, PENDING)
    everything = staff_client.get(CHANGELIST, EVERY_STATUS)

    assert 'href="?status__exact=all"' in queue.text
    assert sorted(row_names(everything)) == ["Approved Org", "Pending Org"]


@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "status__exact=pending",
        "letter__id__exact={letter}&status__exact=pending",
        "letter__id__exact={letter}",
    ],
)
def test_links_the_kit_digest_and_tests_use_keep_working(staff_client, letter, query):
    make_signature(letter, name="Pending Org", status=Signature.Status.PENDING)
    make_signature(make_letter(), name="Elsewhere", status=Signature.Status.PENDING)

    response = staff_client.get(f"{CHANGELIST}?{query.format(letter=letter.pk)}")

    assert response.status_code == 200
    assert "Pending Org" in row_names(response)


def test_each_row_offers_the_decisions_its_status_allows(staff_client, letter):
    statuses = {
        "Unconfirmed Org": Signature.Status.UNCONFIRMED,
        "Pending Org": Signature.Status.PENDING,
        "Approved Org": Signature.Status.APPROVED,
        "Rejected Org": Signature.Status.REJECTED,
        "Withdrawn Org": Signature.Status.WITHDRAWN,
    }
    for name, status in statuses.items():
        make_signature(letter, name=name, status=status)

    html = staff_client.get(CHANGELIST, EVERY_STATUS).text

    approvable = set(re.findall(r'aria-label="Approve ([^"]+)">Approve</button>', html))
    rejectable = set(re.findall(r'aria-label="Reject ([^"]+)">Reject</button>', html))
    assert approvable == {"Pending Org", "Rejected Org"}
    assert rejectable == {"Unconfirmed Org", "Pending Org", "Approved Org"}
    forms = set(re.findall(r'<form id="decide-(\d+)"', html))
    assert len(forms) == 4  # none for the withdrawn entry


def test_row_approve_returns_to_the_same_filtered_list_with_a_message(
    staff_client, letter, mailoutbox
):
    signature = make_signature(letter, name="Riders for Privacy", status=Signature.Status.PENDING)
    query = {"letter__id__exact": letter.pk, "status__exact": "pending", "q": "riders"}
    html = staff_client.get(CHANGELIST, query).text

    response = staff_client.post(
        decide_action(html, signature), {"decision": "approve", "seen_at": seen_at(html)}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?{urlencode(query)}"
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    after = staff_client.get(response["Location"])
    assert message_texts(after) == ["“Riders for Privacy” approved."]
    assert row_names(after) == []


def test_row_reject_returns_to_the_same_filtered_list(staff_client, letter):
    signature = make_signature(letter, name="Riders for Privacy", status=Signature.Status.PENDING)
    query = {"status__exact": "pending", "o": "3"}
    html = staff_client.get(CHANGELIST, query).text

    response = staff_client.post(
        decide_action(html, signature), {"decision": "reject", "seen_at": seen_at(html)}
    )

    assert response["Location"] == f"{CHANGELIST}?{urlencode(query)}"
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert message_texts(staff_client.get(response["Location"])) == [
        "“Riders for Privacy” rejected."
    ]


def test_row_approve_can_list_the_signature_under_a_group_of_its_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    LetterGroup.objects.create(letter=letter, name="Local", order=2)
    LetterGroup.objects.create(letter=make_letter(grouping=Letter.Grouping.GROUP), name="Faraway")
    signature = make_signature(letter, name="Riders for Privacy", status=Signature.Status.PENDING)
    html = staff_client.get(CHANGELIST, PENDING).text
    select = re.search(r'<select form="decide-\d+" name="group"[^>]*>(.*?)</select>', html)
    assert 'aria-label="Group for Riders for Privacy"' in select.group(0)
    assert re.findall(r">([^<]+)</option>", select.group(1)) == ["No group", "National", "Local"]

    staff_client.post(
        decide_action(html, signature),
        {"decision": "approve", "group": national.pk, "seen_at": seen_at(html)},
    )

    signature.refresh_from_db()
    assert (signature.status, signature.group) == (Signature.Status.APPROVED, national)


def test_a_group_of_another_letter_is_refused_and_nothing_is_approved(staff_client, letter):
    faraway = LetterGroup.objects.create(
        letter=make_letter(grouping=Letter.Grouping.GROUP), name="Faraway"
    )
    signature = make_signature(letter, status=Signature.Status.PENDING)

    response = staff_client.post(
        decide_url(signature),
        {"decision": "approve", "group": faraway.pk},
        follow=True,
    )

    assert any("valid choice" in text for text in message_texts(response))
    signature.refresh_from_db()
    assert (signature.status, signature.group) == (Signature.Status.PENDING, None)


def test_row_approve_skips_an_entry_renamed_since_the_page_was_shown(staff_client, letter):
    signature = make_signature(letter, name="Tiny Group", status=Signature.Status.PENDING)
    html = staff_client.get(CHANGELIST, PENDING).text
    services.signature_update_details(signature=signature, data={"name": "Sierra Club"})

    response = staff_client.post(
        decide_action(html, signature),
        {"decision": "approve", "seen_at": seen_at(html)},
        follow=True,
    )

    assert message_texts(response) == [
        "“Sierra Club” skipped: not confirmed by their contact, withdrawn, or changed since "
        "you loaded the page."
    ]
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_deciding_needs_a_post_and_the_permission_to_change_signatures(client, letter):
    signature = make_signature(letter, status=Signature.Status.PENDING)
    reader = get_user_model().objects.create_user("reader", password="pw", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_signature"))
    client.force_login(reader)
    url = decide_url(signature)

    assert client.get(url).status_code == 405
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert "decide-" not in client.get(CHANGELIST, PENDING).text
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def _three_in_the_queue(letter):
    """Pending signatures of three risks, submitted so that risk and time disagree."""
    calm = submit_signature(letter, name="Transit Justice Alliance")
    free = submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")
    throwaway = submit_signature(letter, name="Quiet Circle", contact_email="q@mailinator.com")
    return throwaway, free, calm


def _open_from(staff_client, signature, filters):
    """The signature's page as the list's link opens it, and its "… and next" form."""
    page = staff_client.get(change_url(signature), {"_changelist_filters": urlencode(filters)})
    action = re.search(r'<form id="review-form" method="post" action="([^"]+)"', page.text)
    return page, unescape(action.group(1))


def test_approve_and_next_goes_through_the_queue_in_its_order(staff_client, letter):
    throwaway, free, calm = _three_in_the_queue(letter)
    filters = {"letter__id__exact": letter.pk, "status__exact": "pending"}

    visited = []
    current = throwaway
    while current is not None:
        visited.append(current.name)
        page, action = _open_from(staff_client, current, filters)
        response = staff_client.post(
            action, {"decision": "approve", "next": "on", "seen_at": seen_at(page.text)}
        )
        location = urlsplit(response["Location"])
        if location.path == CHANGELIST:
            assert parse_qs(location.query) == {k: [str(v)] for k, v in filters.items()}
            current = None
        else:
            assert parse_qs(location.query) == {"_changelist_filters": [urlencode(filters)]}
            current = Signature.objects.get(pk=location.path.split("/")[-3])

    assert visited == [throwaway.name, free.name, calm.name]
    assert set(Signature.objects.values_list("status", flat=True)) == {"approved"}
    last = staff_client.get(response["Location"])
    assert "That was the last signature of this list." in message_texts(last)


def test_reject_and_next_keeps_the_reason_and_goes_on(staff_client, letter):
    throwaway, free, _calm = _three_in_the_queue(letter)
    page, action = _open_from(staff_client, throwaway, PENDING)

    response = staff_client.post(
        action,
        {"decision": "reject", "reason": "Not an organization", "next": "on",
         "seen_at": seen_at(page.text)},
    )  # fmt: skip

    assert urlsplit(response["Location"]).path == change_url(free)
    throwaway.refresh_from_db()
    assert throwaway.status == Signature.Status.REJECTED
    assert throwaway.rejection_reason == "Not an organization"
    notice = OutgoingMail.objects.get(signature=throwaway, kind="rejected")
    assert "Not an organization" in notice.body


def test_and_next_in_a_list_of_every_status_moves_past_the_one_decided(staff_client, letter):
    now = timezone.now()
    names = ["Newest Org", "Middle Org", "Oldest Org"]
    signatures = [
        make_signature(letter, name=name, status=Signature.Status.PENDING) for name in names
    ]
    for age, signature in enumerate(signatures):
        Signature.objects.filter(pk=signature.pk).update(submitted_at=now - timedelta(hours=age))
    page, action = _open_from(staff_client, signatures[0], EVERY_STATUS)

    response = staff_client.post(action, {"decision": "approve", "next": "on"})

    assert urlsplit(response["Location"]).path == change_url(signatures[1])


def test_and_next_follows_a_list_sorted_by_letter(staff_client):
    first, second = make_letter(title="A letter"), make_letter(title="B letter")
    on_first = make_signature(first, name="On A", status=Signature.Status.PENDING)
    on_second = make_signature(second, name="On B", status=Signature.Status.PENDING)
    filters = {**PENDING, "o": "4"}  # the letter column, in the letters' own order
    listed = row_names(staff_client.get(CHANGELIST, filters))
    assert sorted(listed) == ["On A", "On B"]
    top, following = (on_first, on_second) if listed[0] == "On A" else (on_second, on_first)
    page, action = _open_from(staff_client, top, filters)

    response = staff_client.post(action, {"decision": "approve", "next": "on"})

    assert urlsplit(response["Location"]).path == change_url(following)


def test_signature_page_offers_approve_and_next_with_the_letters_groups(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=letter, name="National", order=1)
    pending = make_signature(letter, status=Signature.Status.PENDING)
    withdrawn = make_signature(letter, name="Gone Org", status=Signature.Status.WITHDRAWN)

    page = staff_client.get(change_url(pending)).text

    assert 'form="review-form" name="decision" value="approve"' in page
    assert 'form="review-form" name="decision" value="reject"' in page
    assert re.search(r'<select id="review-group" name="group" form="review-form">.*National', page)
    assert 'id="review-form"' not in staff_client.get(change_url(withdrawn)).text


def test_needs_attention_lists_only_entries_still_to_decide(staff_client, letter):
    free = {"contact_email": "small.group@gmail.com"}
    waiting = submit_signature(letter, name="Waiting Group", **free)
    unconfirmed = submit_signature(
        letter, name="Unconfirmed Group", status=Signature.Status.UNCONFIRMED, **free
    )
    submit_signature(letter, name="Approved Group", status=Signature.Status.APPROVED, **free)
    submit_signature(letter, name="Rejected Group", status=Signature.Status.REJECTED, **free)
    Signature.objects.filter(name__in=["Approved Group", "Waiting Group"]).update(
        risk_assessed_at=None
    )

    for choice in ("any", trust.Flag.FREE_MAIL.value):
        response = staff_client.get(CHANGELIST, {"attention": choice, **EVERY_STATUS})
        assert sorted(row_names(response)) == [unconfirmed.name, waiting.name], choice
    pending = staff_client.get(CHANGELIST, {"attention": "pending", **EVERY_STATUS})
    assert row_names(pending) == [waiting.name]


def test_throwaway_address_is_flagged_in_the_queue_and_filterable(staff_client, letter):
    throwaway = submit_signature(letter, name="Quiet Circle", contact_email="q@mailinator.com")
    submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")

    queue = staff_client.get(CHANGELIST, PENDING)
    flagged = staff_client.get(
        CHANGELIST, {"attention": trust.Flag.DISPOSABLE_MAIL.value, **PENDING}
    )

    assert row_names(queue)[0] == throwaway.name
    assert "<strong>6</strong>: Throwaway mail address" in queue.text
    assert row_names(flagged) == [throwaway.name]
    page = staff_client.get(change_url(throwaway)).text
    assert re.search(r"Throwaway mail service</th><td>yes", page)
