"""The letter admin's change page as staff use it: its URL, and what its form posts back."""

from django import forms
from django.urls import reverse


def change_url(letter):
    return reverse("admin:letters_letter_change", args=[letter.pk])


def change_form_data(client, letter, **changes) -> dict:
    """What the admin's change form posts back when staff alter only `changes`: every field
    as the page rendered it, the split date-time and the inline's management form included."""
    response = client.get(change_url(letter))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue  # a browser posts no file for an untouched file input
        if isinstance(field.widget, forms.MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part or ""
        else:
            data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data | changes
