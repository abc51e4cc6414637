"""Moderators hear about new work: staff who opt in are mailed "N signatures await review on
<letter>" with a link to its queue, at most once an hour, only when something new arrived, and
never counting entries already decided. Sent by `manage.py send_review_digests` through the
outbox; the last test delivers it with the real worker."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from signatures import services
from signatures.digest import review_digest_subscribe
from signatures.models import OutgoingMail, ReviewDigestSubscription, Signature
from tests.factories import make_letter, make_staff, submit_signature

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:signatures_signature_changelist")


@pytest.fixture
def moderator():
    user = make_staff(username="dana")
    review_digest_subscribe(user=user, subscribe=True)
    return user


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def send_digests() -> str:
    out = StringIO()
    call_command("send_review_digests", stdout=out)
    return out.getvalue()


def digests():
    return list(OutgoingMail.objects.filter(kind="review_digest").order_by("created_at", "pk"))


def test_digest_tells_how_many_await_review_per_letter_and_links_its_queue(
    moderator, clock, settings
):
    settings.SITE_URL = "https://letters.example.org"
    riders = make_letter(title="Stop tracking riders")
    parks = make_letter(title="Save the parks")
    for _ in range(3):
        submit_signature(riders)
    submit_signature(parks)
    submit_signature(parks, status=Signature.Status.UNCONFIRMED)  # not awaiting review yet

    assert send_digests() == "Queued 1 review digest(s).\n"

    [mail] = digests()
    assert mail.to == "dana@example.org"
    assert mail.signature is None
    assert mail.subject == "4 signatures await review"
    body = " ".join(mail.body.split())
    assert "1 signature awaits review on “Save the parks” (1 new):" in body
    assert "3 signatures await review on “Stop tracking riders” (3 new):" in body
    assert (
        f"https://letters.example.org{QUEUE}?letter__id__exact={riders.pk}&status__exact=pending"
        in mail.body
    )
    assert f"https://letters.example.org{reverse('admin:review_digest')}" in mail.body


def test_digest_comes_at_most_once_an_hour_and_only_with_new_work(moderator, clock):
    letter = make_letter(title="Stop tracking riders")
    submit_signature(letter)
    send_digests()

    clock.shift(timedelta(minutes=30))
    submit_signature(letter)
    assert send_digests() == "Queued 0 review digest(s).\n"  # within the hour

    clock.shift(timedelta(minutes=31))
    send_digests()
    first, second = digests()
    assert second.subject == "2 signatures await review on “Stop tracking riders”"
    assert "(1 new)" in second.body

    clock.shift(timedelta(hours=2))
    assert send_digests() == "Queued 0 review digest(s).\n"  # nothing new since
    assert len(digests()) == 2


def test_digest_never_counts_entries_already_decided(moderator, clock):
    letter = make_letter(title="Stop tracking riders")
    decided = [submit_signature(letter) for _ in range(3)]
    waiting = submit_signature(letter)
    services.signature_approve(signatures=decided[:2], reviewer=moderator)
    services.signature_reject(signatures=decided[2:], reviewer=moderator)

    send_digests()

    [mail] = digests()
    assert mail.subject == "1 signature awaits review on “Stop tracking riders”"
    services.signature_approve(signatures=[waiting], reviewer=moderator)
    clock.shift(timedelta(hours=2))
    assert send_digests() == "Queued 0 review digest(s).\n"


def test_nothing_is_sent_to_staff_who_did_not_opt_in_or_opted_out(moderator, clock):
    make_staff(username="quiet")
    submit_signature(make_letter())
    review_digest_subscribe(user=moderator, subscribe=False)

    assert send_digests() == "Queued 0 review digest(s).\n"


def test_staff_opt_in_and_out_on_their_own_page(client):
    user = get_user_model().objects.create_user("sam", "sam@example.org", "pw", is_staff=True)
    client.force_login(user)
    page = reverse("admin:review_digest")
    index = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{page}">Review digest</a>' in index

    response = client.post(page, {"subscribe": "on"}, follow=True)

    assert "You will get the review digest." in response.text
    assert "It is sent to sam@example.org." in response.text
    assert ReviewDigestSubscription.objects.filter(user=user).exists()
    client.post(page, {})
    assert not ReviewDigestSubscription.objects.filter(user=user).exists()


def test_staff_without_an_email_address_are_told_they_need_one(client):
    user = get_user_model().objects.create_user("noaddress", "", "pw", is_staff=True)
    client.force_login(user)

    response = client.post(reverse("admin:review_digest"), {"subscribe": "on"})

    assert "Your account has no email address; add one to get it." in response.text
    assert not ReviewDigestSubscription.objects.filter(user=user).exists()


@pytest.mark.django_db(transaction=True)
def test_digest_is_delivered_by_the_worker(
    database_task_queue, run_worker, mailoutbox, clock, settings
):
    settings.SITE_URL = "https://letters.example.org"
    moderator = make_staff(username="dana")
    review_digest_subscribe(user=moderator, subscribe=True)
    letter = make_letter(title="Stop tracking riders")
    signature = submit_signature(letter, status=Signature.Status.UNCONFIRMED)
    services.signature_confirm(signature=signature)
    run_worker()  # the signer's confirmation mail
    mailoutbox.clear()

    send_digests()
    assert mailoutbox == []  # queued, not sent by the scheduler itself
    run_worker()

    [message] = mailoutbox
    assert message.to == ["dana@example.org"]
    assert message.subject == "1 signature awaits review on “Stop tracking riders”"
    assert f"{QUEUE}?letter__id__exact={letter.pk}&status__exact=pending" in message.body
    [mail] = digests()
    assert mail.status == OutgoingMail.Status.SENT
