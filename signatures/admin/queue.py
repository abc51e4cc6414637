"""The moderation queue's list of signatures, built to cost the same whether the table holds a
hundred signatures or a hundred thousand: its filters offer choices from small tables (never a
DISTINCT over the signatures), its date links come from index probes, its trust columns from
what the worker stored, and it counts only the filtered rows (show_full_result_count is off).
Its editable columns are rendered without a template per input (QueueFormSet)."""

import copy
import datetime
from functools import cached_property

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Exists, Max, Min
from django.forms.models import BaseModelFormSet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from letters.models import LetterRevision
from signatures import trust
from signatures.trust.stored import attach_look_alikes


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Signatures with impostor signals; choosing it also orders the list riskiest first."""

    title = _("needs attention")
    parameter_name = "attention"
    ANY = "any"
    PENDING = "pending"

    def lookups(self, request, model_admin):
        return [
            (self.ANY, _("Any impostor signal")),
            *trust.Flag.choices,
            (self.PENDING, _("Signals not yet computed")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ANY:
            return queryset.filter(risk_score__gt=0)
        if value == self.PENDING:
            return queryset.filter(risk_assessed_at__isnull=True)
        if value in trust.Flag.values:
            return queryset.filter(risk_flags__contains=value)
        return queryset


class ConfirmedRevisionFilter(admin.SimpleListFilter):
    """The revisions of the letter the list is filtered to (of every letter otherwise), read
    from the revisions table: Django's RelatedOnlyFieldListFilter would find them with a
    DISTINCT over every signature."""

    title = _("confirmed revision")
    # The parameter of Django's own related-field filter, so existing links keep working.
    parameter_name = "confirmed_revision__id__exact"

    def lookups(self, request, model_admin):
        revisions = LetterRevision.objects.order_by("letter", "number")
        letter_id = request.GET.get("letter__id__exact", "")
        if letter_id.isdigit():
            revisions = revisions.filter(letter_id=letter_id)
        return [(str(revision.pk), str(revision)) for revision in revisions]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(confirmed_revision_id=value)
        return queryset


class _ProbedDates:
    """The list's queryset as the date hierarchy sees it. Which years, months or days hold a
    signature is answered by one EXISTS probe per period, each an index range lookup, in one
    query, where `QuerySet.datetimes` would truncate and sort every row's date."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._aggregated = None

    def aggregate(self, **aggregates):
        # The hierarchy asks for the first and last dates; datetimes() needs them again.
        if self._aggregated is None or self._aggregated[0] != aggregates:
            self._aggregated = (aggregates, self.queryset.aggregate(**aggregates))
        return self._aggregated[1]

    def datetimes(self, field_name, kind):
        span = self.aggregate(first=Min(field_name), last=Max(field_name))
        if span["first"] is None:
            return []
        first, last = timezone.localtime(span["first"]), timezone.localtime(span["last"])
        periods = list(_periods(first, last, kind))
        probes = {
            f"in_{index}": Exists(
                self.queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            )
            for index, (start, end) in enumerate(periods)
        }
        found = self.queryset.annotate(**probes).values(*probes)[:1].get()
        return [start for index, (start, _end) in enumerate(periods) if found[f"in_{index}"]]


def _periods(first, last, kind):
    """The (start, end) of each year, month or day from first's to last's, in local time."""
    zone = timezone.get_current_timezone()

    def at(year, month=1, day=1):
        return timezone.make_aware(datetime.datetime(year, month, day), zone)

    if kind == "year":
        for year in range(first.year, last.year + 1):
            yield at(year), at(year + 1)
    elif kind == "month":
        # The hierarchy asks for months within one year.
        for month in range(first.month, last.month + 1):
            end = at(first.year + 1) if month == 12 else at(first.year, month + 1)
            yield at(first.year, month), end
    else:
        day = first.date()
        while day <= last.date():
            following = day + datetime.timedelta(days=1)
            yield at(day.year, day.month, day.day), at(*following.timetuple()[:3])
            day = following


class QueueChangeList(ChangeList):
    """Reads the page's stored look-alikes in one query; gives the template a date hierarchy
    built from index probes (templates/admin/signatures/signature/change_list.html)."""

    def get_results(self, request):
        super().get_results(request)
        attach_look_alikes(list(self.result_list))  # evaluates and caches the page's rows

    @cached_property
    def probed_date_hierarchy(self):
        probed = copy.copy(self)
        probed.queryset = _ProbedDates(self.queryset)
        return date_hierarchy(probed)


# A page of 100 rows has three inputs a row (the row's id, its lead order, its group select
# with an option per group). Django renders each input, and each option, from a template:
# that took longer than the rest of the page. These render the same markup directly.


class _QuickInput(forms.Widget):
    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            self.input_type,
            name,
            format_html(' value="{}"', value) if value is not None else "",
            flatatt(self.build_attrs(self.attrs, attrs)),
        )


class QuickHiddenInput(_QuickInput, forms.HiddenInput):
    pass


class QuickNumberInput(_QuickInput, forms.NumberInput):
    pass


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


def _quick(widget):
    if isinstance(widget, RelatedFieldWidgetWrapper):
        # No links to add or change a group: groups are edited with their letter.
        widget = widget.widget
    if isinstance(widget, forms.Select):
        quick = QuickSelect(attrs=widget.attrs)
        quick.choices = widget.choices
        return quick
    if isinstance(widget, forms.NumberInput):
        return QuickNumberInput(attrs=widget.attrs)
    return widget


class QueueFormSet(BaseModelFormSet):
    """The change list's editable rows, with the quick widgets."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            field.widget = (
                QuickHiddenInput(attrs=field.widget.attrs)
                if isinstance(field.widget, forms.HiddenInput)
                else _quick(field.widget)
            )
