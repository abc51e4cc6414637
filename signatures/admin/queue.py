"""The moderation queue's list of signatures, built to cost the same whether the table holds a
hundred signatures or a hundred thousand: its filters offer choices from small tables (never a
DISTINCT over the signatures), its date links come from index probes, its trust columns from
what the worker stored, and it counts only the filtered rows (show_full_result_count is off).
Each row's decision buttons (and the group to approve into) read one query for the page."""

import copy
import datetime
from collections import defaultdict
from functools import cached_property

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.db.models import Exists, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, LetterGroup, LetterRevision
from signatures import trust
from signatures.models import Signature
from signatures.trust.stored import attach_look_alikes


class StatusFilter(admin.SimpleListFilter):
    """The queue opens on the entries awaiting review (SignatureAdmin.changelist_view sends a
    list without a status here); "All" is a choice of its own, since a missing parameter
    means the default."""

    title = _("status")
    # The parameter of Django's own field filter: the publishing kit's, the digest's and the
    # import page's links name it.
    parameter_name = "status__exact"
    ALL = "all"
    DEFAULT = Signature.Status.PENDING

    def lookups(self, request, model_admin):
        return Signature.Status.choices

    def choices(self, changelist):
        yield {
            "selected": self.value() == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("All"),
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() in Signature.Status.values:
            return queryset.filter(status=self.value())
        return queryset

    @classmethod
    def chosen(cls, query) -> bool:
        """Whether a list's query names a status, this filter's way or as a plain lookup
        (`?status=pending`, which older links use)."""
        return any(key == "status" or key.startswith("status__") for key in query)

    @classmethod
    def is_pending_queue(cls, query) -> bool:
        return cls.DEFAULT in (query.get(cls.parameter_name), query.get("status"))


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Signatures still to decide that have impostor signals (a decided entry needs nobody's
    attention); choosing it also orders the list riskiest first."""

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
            return queryset.undecided().filter(risk_score__gt=0)
        if value == self.PENDING:
            return queryset.undecided().filter(risk_assessed_at__isnull=True)
        if value in trust.Flag.values:
            return queryset.undecided().filter(risk_flags__contains=value)
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
    """Reads the page's stored look-alikes in one query, and what each row's decision
    buttons need in one more; gives the template a date hierarchy built from index probes
    (templates/admin/signatures/signature/change_list.html)."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)  # evaluates and caches the page's rows
        attach_look_alikes(rows)
        attach_review(rows, self.model_admin, request)

    @cached_property
    def probed_date_hierarchy(self):
        probed = copy.copy(self)
        probed.queryset = _ProbedDates(self.queryset)
        return date_hierarchy(probed)


class QueueOrder(QueueChangeList):
    """A list's filters and order without its page: where "… and next" looks for the next."""

    def get_results(self, request):
        pass


def attach_review(rows, model_admin, request) -> None:
    """Give each row what its cells show: `change_url` and `decide_url` (keeping the list's
    filters, as the admin's own links do), `can_approve`, `can_reject`, and `approval_groups`, the
    groups of its letter to approve it into, read for the whole page in one query."""
    may_change = model_admin.has_change_permission(request)
    grouped = {row.letter_id for row in rows if row.letter.grouping == Letter.Grouping.GROUP}
    groups = defaultdict(list)
    if grouped and may_change:
        for group in LetterGroup.objects.filter(letter__in=grouped).order_by("order", "name"):
            groups[group.letter_id].append(group)
    for row in rows:
        row.change_url = url_keeping_filters(model_admin, request, "change", row)
        row.decide_url = url_keeping_filters(model_admin, request, "decide", row)
        row.can_approve, row.can_reject = allowed_decisions(row, may_change=may_change)
        row.approval_groups = groups[row.letter_id] if row.can_approve else []


def allowed_decisions(signature, *, may_change: bool) -> tuple[bool, bool]:
    """Whether a moderator may approve it, and whether reject it, as its status allows."""
    return (
        may_change and signature.status in Signature.APPROVABLE_STATUSES,
        may_change and signature.status in Signature.REJECTABLE_STATUSES,
    )


def url_keeping_filters(model_admin, request, view: str, signature) -> str:
    """A signature's admin page (`change`, `decide`) with the list's filters, as the admin's
    own links carry them."""
    url = reverse(f"admin:signatures_signature_{view}", args=[signature.pk])
    context = {"preserved_filters": model_admin.get_preserved_filters(request)}
    return add_preserved_filters({**context, "opts": Signature._meta}, url)


def next_in_queue(queue, current):
    """The signature after `current` in `queue` (a list's filtered, ordered queryset), whether
    or not `current` is still in it: found by its position in the order (the rows whose sort
    values come after its own), so it costs an index lookup, not a walk of the queue."""
    terms = queue.query.order_by
    local = {field.attname: field for field in Signature._meta.concrete_fields}
    fields = [term.removeprefix("-") if isinstance(term, str) else None for term in terms]
    fields = ["id" if field == "pk" else field for field in fields]
    if fields and all(field in local and not local[field].is_relation for field in fields):
        values = Signature.objects.filter(pk=current.pk).values(*fields).get()
        if None not in values.values():
            after, equal = Q(pk__in=[]), Q()
            for term, field in zip(terms, fields, strict=True):
                lookup = "lt" if term.startswith("-") else "gt"
                after |= equal & Q(**{f"{field}__{lookup}": values[field]})
                equal &= Q(**{field: values[field]})
            return queue.filter(after).first()
    # Sorted by a related column or one with blanks (how NULLs sort differs between
    # databases): find the position by walking the ids, a rare and slower path.
    ids = iter(queue.values_list("pk", flat=True))
    for pk in ids:
        if pk == current.pk:
            return queue.filter(pk=next(ids, None)).first()
    return queue.first()
