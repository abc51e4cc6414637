"""The signature admin's pages as staff use them: the change list and what its action menu
posts, and the change page with what its form posts back."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

CHANGELIST = reverse("admin:signatures_signature_changelist")
# The list opens on the review queue (pending only); this shows every status.
EVERY_STATUS = {"status__exact": "all"}


def change_url(signature) -> str:
    return reverse("admin:signatures_signature_change", args=[signature.pk])


def row_names(response) -> list[str]:
    """The names in the change list's rows, in their order."""
    return [row.name for row in response.context["cl"].result_list]


def post_action(client, action, signatures, *, query="", follow=False, **data):
    """What the change list posts when staff choose `action` for `signatures`; `data` adds
    the rest of the form, as the reject confirmation page does."""
    return client.post(
        CHANGELIST + query,
        {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in signatures], **data},
        follow=follow,
    )


def change_form_data(client, signature, **changes):
    """The change page's URL, and what its form posts back when staff alter only `changes`."""
    url = change_url(signature)
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            value = "on" if value else ""
        data[name] = "" if value is None else value
    return url, data | changes
