"""Letters that list their signatories by group: moving signatures between groups with the
change list's actions, and the change page refusing another letter's
group."""

import pytest
from django.urls import reverse

from letters.models import Letter, LetterGroup
from tests.factories import make_letter, make_signature
from tests.signatures.admin.pages import CHANGELIST, EVERY_STATUS, change_form_data, post_action

pytestmark = pytest.mark.django_db


def test_move_to_group_action_moves_only_signatures_of_that_groups_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    mine = make_signature(letter)
    other = make_signature(make_letter())

    response = post_action(
        staff_client,
        f"move_to_group_{national.pk}",
        [mine, other],
        query=f"?letter__id__exact={letter.pk}",
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.group == national
    assert other.group is None


def test_moving_to_a_group_changes_the_public_order(staff_client, client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    signature = make_signature(letter, name="Zed Org")
    make_signature(letter, name="Alpha Org")
    text_url = reverse("letters:text", args=[letter.slug])
    before = client.get(text_url).content.decode()

    post_action(
        staff_client,
        f"move_to_group_{national.pk}",
        [signature],
        query=f"?letter__id__exact={letter.pk}",
    )

    after = client.get(text_url).content.decode()
    assert before.endswith(
        "Other organizations\nAlpha Org, Springfield, IL\nZed Org, Springfield, IL\n"
    )
    assert after.endswith(
        "National\nZed Org, Springfield, IL\n\nOther organizations\nAlpha Org, Springfield, IL\n"
    )


def test_remove_from_group_action(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    signature = make_signature(letter, group=group)

    post_action(staff_client, "remove_from_group", [signature])

    signature.refresh_from_db()
    assert signature.group is None


def test_changelist_offers_the_groups_of_the_filtered_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=letter, name="National", order=1)
    elsewhere = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=elsewhere, name="Faraway", order=1)
    make_signature(letter)

    html = staff_client.get(CHANGELIST + f"?letter__id__exact={letter.pk}").content.decode()

    assert "Move selected to group “National" in html
    assert "Faraway" not in html.split('name="action"')[1].split("</select>")[0]


def test_move_to_group_actions_are_offered_only_for_the_filtered_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=letter, name="National", order=1)
    make_signature(letter)

    html = staff_client.get(CHANGELIST, EVERY_STATUS).content.decode()

    assert 'name="action"' in html
    assert "Move selected to group" not in html


def test_group_of_another_letter_is_refused_on_the_change_form(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    signature = make_signature(letter)
    foreign = LetterGroup.objects.create(letter=make_letter(), name="Faraway", order=1)
    url, data = change_form_data(staff_client, signature, group=foreign.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Choose a group of this signature" in response.content.decode()
    signature.refresh_from_db()
    assert signature.group is None
