import pytest
from django.urls import reverse

from signatures.models import Signature
from tests.factories import make_letter, make_signature


def test_letter_changelist_counts_signatures_per_status(staff_client, letter):
    make_signature(letter, status=Signature.Status.PENDING)
    make_signature(letter, status=Signature.Status.PENDING)
    make_signature(letter)
    make_signature(letter, status=Signature.Status.UNCONFIRMED)
    make_signature(letter, status=Signature.Status.WITHDRAWN)
    response = staff_client.get(reverse("admin:letters_letter_changelist"))
    [row] = response.context["cl"].result_list
    counts = (row.unconfirmed, row.pending, row.approved, row.rejected, row.withdrawn)
    assert counts == (1, 2, 1, 0, 1)


@pytest.mark.parametrize("letters", [3, 30])
def test_letter_changelist_queries_do_not_grow(
    staff_client, db, letters, django_assert_max_num_queries
):
    for _ in range(letters):
        make_signature(make_letter())
    with django_assert_max_num_queries(10):
        assert staff_client.get(reverse("admin:letters_letter_changelist")).status_code == 200


def test_view_on_site_is_the_public_page_or_the_draft_preview(staff_client, db):
    draft = make_letter(status="draft")
    public = make_letter(status="open")
    draft_html = staff_client.get(
        reverse("admin:letters_letter_change", args=[draft.pk])
    ).content.decode()
    public_html = staff_client.get(
        reverse("admin:letters_letter_change", args=[public.pk])
    ).content.decode()
    assert reverse("letters:preview", args=[draft.slug]) in draft_html
    assert public.get_absolute_url() in public_html
