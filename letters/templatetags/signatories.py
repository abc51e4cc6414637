"""The list items of a letter's signatories, written out in Python: a letter lists thousands,
and a template loop over them (or format_html for each) took most of the time of rendering its
page. The markup is the template's; every value is escaped as Django's escape() does."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def signatory_items(signatures):
    return mark_safe("\n".join(_item(signatory) for signatory in signatures))  # noqa: S308


def _item(signatory):
    lead = ' class="lead"' if signatory.is_lead else ""
    location = signatory.location
    place = f'<span class="location">, {escape(location)}</span>' if location else ""
    return f'<li{lead}><span class="org">{escape(signatory.name)}</span>{place}</li>'
