"""The list items of a letter's signatories, written out in Python: a letter lists thousands,
and a template loop over them (or format_html for each) took most of the time of rendering its
page. The markup is the template's; every value is escaped as Django's escape() does."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def signatory_items(signatures, *, countries=False, lead_label=""):
    """`countries`: each place names its country (the list spans several); `lead_label`: the
    words that mark a lead signer, in the letter's language."""
    mark = f' <span class="lead-mark">({escape(lead_label)})</span>' if lead_label else ""
    return mark_safe(  # noqa: S308 — every value below is escaped
        "\n".join(_item(signatory, countries, mark) for signatory in signatures)
    )


def _item(signatory, countries, mark):
    lead = ' class="lead"' if signatory.is_lead else ""
    location = signatory.location_with_country if countries else signatory.location
    place = f'<span class="location">, {escape(location)}</span>' if location else ""
    after = mark if signatory.is_lead else ""
    return f'<li{lead}><span class="org">{escape(signatory.name)}</span>{place}{after}</li>'
