from functools import cached_property, partial
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from letters.models import Letter, LetterGroup
from signatures import services
from signatures.admin import review
from signatures.admin.queue import (
    ConfirmedRevisionFilter,
    NeedsAttentionFilter,
    QueueChangeList,
    QueueOrder,
    StatusFilter,
)
from signatures.exports import staff_csv
from signatures.forms import clean_new_name_of
from signatures.models import Signature
from signatures.trust.assessment import assess_one
from signatures.trust.domains import email_domain
from signatures.trust.stored import attach_look_alikes, organization_view, stored_flags


class SignatureAdminForm(forms.ModelForm):
    def clean_name(self):
        return clean_new_name_of(self.instance, self.cleaned_data["name"])


class ReviewActionForm(helpers.ActionForm):
    """The admin's action form, plus the moment the page was rendered: approving or rejecting
    skips entries changed since (a signer renamed theirs while the moderator was reading)."""

    seen_at = forms.CharField(widget=forms.HiddenInput, required=False, label="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_at"].initial = timezone.now().isoformat()


def seen_at(request):
    """The render time the action form posted (on the list or the change page), if valid."""
    for name in ("seen_at", f"{admin.ActionLocation.CHANGE_FORM.value}-seen_at"):
        if value := parse_datetime(request.POST.get(name, "")):
            return value
    return None


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent to each contact who confirmed their address, with the rejection."),
    )


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    form = SignatureAdminForm
    action_form = ReviewActionForm
    # Few columns, so the queue fits a 1280-pixel screen beside its filters: the name carries
    # where the organization is and who wrote, the risk its flags and look-alikes, and the
    # last one the status and the decision. The rest is on the signature's page and in the
    # filters.
    list_display = ("name_display", "risk_display", "submitted_at", "letter", "decision_display")
    # The name cell links to the signature itself, after the organization's details.
    list_display_links = None
    list_filter = (
        NeedsAttentionFilter, "letter", StatusFilter, "is_lead", ConfirmedRevisionFilter, "source",
    )  # fmt: skip
    list_select_related = ("letter", "confirmed_revision")
    autocomplete_fields = ("organization",)
    list_per_page = 100
    # "N of 20,000": counting the whole table on every page costs as much as the rest of it.
    show_full_result_count = False
    search_fields = ("name", "contact_name", "contact_email", "website")
    date_hierarchy = "submitted_at"
    actions = ("approve", "reject", "mark_lead", "unmark_lead", "export_csv", "remove_from_group")
    readonly_fields = (
        "letter", "status", "submitted_at", "submitted_ip", "confirmed_at", "reviewed_at",
        "reviewed_by", "rejection_reason", "updated_at", "withdrawn_at", "withdrawal_reason",
        "contacts_purged_at", "trust_signals", "organization_history", "source", "notify_outcome",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("letter", "status", "is_lead", "lead_order", "group")}),
        (_("Trust signals"), {"fields": ("trust_signals", "organization", "organization_history")}),
        (_("Organization (public)"), {"fields": ("name", "website", "city", "region", "country")}),
        (
            _("Contact (staff only)"),
            {"fields": ("contact_name", "contact_title", "contact_email", "authorized", "note")},
        ),
        (
            _("History"),
            {
                "fields": (
                    "submitted_at",
                    "source",
                    "notify_outcome",
                    "submitted_ip",
                    "confirmed_at",
                    "reviewed_at",
                    "reviewed_by",
                    "rejection_reason",
                    "withdrawn_at",
                    "withdrawal_reason",
                    "contacts_purged_at",
                    "updated_at",
                )
            },
        ),
    )

    class Media:
        css = {"all": ("signatures/admin/desk.css",)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            kwargs["queryset"] = LetterGroup.objects.select_related("letter")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        decide = self.admin_site.admin_view(require_POST(partial(review.decide, self)))
        # Before the admin's own: its catch-all would take "<id>/decide/" for a change page.
        return [
            path("<path:object_id>/decide/", decide, name="signatures_signature_decide"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # Opened plainly (the menu, "Clear all filters"), the list is the review queue.
        if request.method == "GET" and not request.GET:
            default = {StatusFilter.parameter_name: StatusFilter.DEFAULT}
            return HttpResponseRedirect(f"{request.path}?{urlencode(default)}")
        extra_context = {
            # When the rows were read, for their decision forms (see `seen_at`).
            "seen_at": timezone.now().isoformat(),
            # The queue is a work surface: its width goes to the rows, not to the menu of
            # every model (the breadcrumbs and the header still lead everywhere).
            "is_nav_sidebar_enabled": False,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The signature the change view has read already: the "… and next" box's decisions.
        if obj is not None:
            context["review"] = review.review_context(self, request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The database allows blank contact details only once they are purged; say so in the
        # form instead of failing on the constraint.
        if obj is not None and obj.contacts_purged_at is None:
            for name in ("contact_name", "contact_email"):
                form.base_fields[name].required = True
        if "organization" in form.base_fields:
            # The record is shared by the organization's signatures on every letter.
            form.base_fields["organization"].widget.can_delete_related = False
        return form

    def has_add_permission(self, request):
        # Signatures come from their organizations through the signing form, never from staff.
        return False

    def get_changelist(self, request, **kwargs):
        # "… and next" reads the list's order without its page (review._queue).
        return QueueOrder if getattr(request, "queue_order_only", False) else QueueChangeList

    def get_ordering(self, request):
        # Reviewing, or with "needs attention" chosen, the moderator wants the riskiest first.
        if NeedsAttentionFilter.parameter_name in request.GET or StatusFilter.is_pending_queue(
            request.GET
        ):
            return ("-risk_score", "-submitted_at")
        return super().get_ordering(request)

    def save_model(self, request, obj, form, change):
        changed = [name for name in form.changed_data if name in self.editable_model_fields]
        services.signature_staff_edit(signature=obj, changed_fields=changed)

    def delete_model(self, request, obj):
        services.signature_delete(signatures=[obj])

    def delete_queryset(self, request, queryset):
        services.signature_delete(signatures=list(queryset))

    @cached_property
    def editable_model_fields(self):
        return {field.name for field in Signature._meta.concrete_fields if field.editable}

    def _own_signals(self, obj):
        """What the signature's own fields say (its domains): no other row is read."""
        if not hasattr(obj, "own_signals"):
            obj.own_signals = assess_one(obj)
        return obj.own_signals

    @admin.display(description=_("looks like"))
    def look_alikes_display(self, obj):
        # Names only, at most two, to keep rows short; each links to that signature's page.
        if not hasattr(obj, "look_alikes_shown"):
            attach_look_alikes([obj])
        more = obj.look_alike_count - len(obj.look_alikes_shown)
        return render_to_string(
            "admin/signatures/signature/_look_alikes.html",
            {
                "shown": obj.look_alikes_shown,
                "more": _("+%(count)d more") % {"count": more} if more > 0 else "",
            },
        )

    @admin.display(description=_("organization"), ordering="name")
    def name_display(self, obj):
        """The name, linked to the signature's page (keeping the list's filters), then where
        it is, its website and who wrote, small, so a row says who this is at a glance."""
        contact = (
            format_html("{} &lt;{}&gt;", obj.contact_name, obj.contact_email)
            if obj.contact_name
            else obj.contact_email
        )
        details = [part for part in (self.location_display(obj), obj.website, contact) if part]
        return format_html(
            '<a href="{}">{}</a><small class="queue-details">{}</small>',
            obj.change_url,
            obj.name,
            format_html_join(" · ", "<span>{}</span>", ((part,) for part in details)),
        )

    @admin.display(description=_("risk"), ordering="-risk_score")
    def risk_display(self, obj):
        # The stored score and flags, and the look-alikes the worker found.
        if obj.risk_assessed_at is None:
            return _("flags pending")
        flags = stored_flags(obj)
        if not hasattr(obj, "look_alikes_shown"):
            attach_look_alikes([obj])
        if not flags and not obj.look_alike_count:
            return "—"
        parts = []
        if flags:
            labels = "; ".join(str(flag.label) for flag in flags)
            parts.append(format_html("<strong>{}</strong>: {}", obj.risk_score, labels))
        if obj.look_alike_count:
            parts.append(format_html("{}: {}", _("Looks like"), self.look_alikes_display(obj)))
        return format_html_join("", '<span class="queue-flag">{}</span>', ((p,) for p in parts))

    @admin.display(description=_("status"), ordering="status")
    def decision_display(self, obj):
        """The status, then buttons of the row's own form (rendered after the list's form,
        change_list.html), each named for the organization; a group to approve into where the
        letter has them. Written here rather than from a template: a page has a hundred."""
        status = format_html('<span class="queue-status">{}</span>', obj.get_status_display())
        if not (obj.can_approve or obj.can_reject):
            return status
        form = f"decide-{obj.pk}"
        controls = []
        if obj.approval_groups:
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (group.pk, " selected" if group.pk == obj.group_id else "", group.name)
                    for group in obj.approval_groups
                ),
            )
            controls.append(
                format_html(
                    '<select form="{}" name="group" aria-label="{}"><option value="">{}</option>'
                    "{}</select>",
                    form,
                    _("Group for %(name)s") % {"name": obj.name},
                    _("No group"),
                    options,
                )
            )
        for applies, value, label, named, css in (
            (obj.can_approve, review.APPROVE, _("Approve"), _("Approve %(name)s"), "default"),
            (obj.can_reject, review.REJECT, _("Reject"), _("Reject %(name)s"), "reject"),
        ):
            if applies:
                controls.append(
                    format_html(
                        '<button type="submit" form="{}" name="decision" value="{}" '
                        'class="button {}" aria-label="{}">{}</button>',
                        form,
                        value,
                        css,
                        named % {"name": obj.name},
                        label,
                    )
                )
        return format_html(
            '{}<span class="queue-decision">{}</span>',
            status,
            format_html_join("", "{}", ((control,) for control in controls)),
        )

    @admin.display(description=_("signals"))
    def trust_signals(self, obj):
        own = self._own_signals(obj)
        own.flags = stored_flags(obj)
        _history, known_domains = self._organization_view(obj)
        return render_to_string(
            "admin/signatures/signature/_trust_signals.html",
            {
                "assessment": own,
                "pending": obj.risk_assessed_at is None,
                "known_domains": sorted(known_domains),
                "look_alikes": self.look_alikes_display(obj),
            },
        )

    def _organization_view(self, obj):
        if not hasattr(obj, "organization_view"):
            obj.organization_view = organization_view(obj)
        return obj.organization_view

    @admin.display(description=_("signed other letters"))
    def organization_history(self, obj):
        history, _known_domains = self._organization_view(obj)
        return render_to_string(
            "admin/signatures/signature/_organization_history.html",
            {"history": [(record, email_domain(record.contact_email)) for record in history]},
        )

    def location_display(self, obj):
        return ", ".join(part for part in (obj.city, obj.region, obj.country) if part)

    # Also on the change page, where the trust signals are: the moderator can act there.
    @admin.action(
        description=_("Approve this signature"),
        description_plural=_("Approve selected signatures"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def approve(self, request, queryset):
        selected = list(queryset)
        done = services.signature_approve(
            signatures=selected, reviewer=request.user, seen_at=seen_at(request)
        )
        self._report(
            request,
            done,
            len(selected),
            ngettext("%d signature approved.", "%d signatures approved.", done),
            _("not confirmed by their contact, withdrawn, or changed since you loaded the page"),
        )

    @admin.action(
        description=_("Reject this signature…"),
        description_plural=_("Reject selected signatures…"),
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def reject(self, request, queryset):
        """Ask for an optional reason on a confirmation page, like "delete selected", then
        reject and mail each contact."""
        form = RejectionForm(request.POST if "post" in request.POST else None)
        if form.is_bound and form.is_valid():
            selected = list(queryset)
            done = services.signature_reject(
                signatures=selected,
                reviewer=request.user,
                reason=form.cleaned_data["reason"],
                seen_at=seen_at(request),
            )
            self._report(
                request,
                done,
                len(selected),
                ngettext("%d signature rejected.", "%d signatures rejected.", done),
                _("already rejected, withdrawn, or changed since you loaded the page"),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject signatures"),
            "subtitle": None,
            "queryset": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "seen_at": request.POST.get("seen_at")
            or request.POST.get(f"{admin.ActionLocation.CHANGE_FORM.value}-seen_at", ""),
            # The change page's action form has a prefix (see ModelAdmin.changeform_view).
            "action_field_name": (
                f"{admin.ActionLocation.CHANGE_FORM.value}-action"
                if request.resolver_match.url_name.endswith("_change")
                else "action"
            ),
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/signatures/signature/reject_selected_confirmation.html", context
        )

    @admin.action(description=_("Mark selected as lead signers"), permissions=["change"])
    def mark_lead(self, request, queryset):
        done = services.signature_set_lead(signatures=list(queryset), lead=True)
        self.message_user(
            request, ngettext("%d lead signer marked.", "%d lead signers marked.", done) % done
        )

    @admin.action(description=_("Unmark selected as lead signers"), permissions=["change"])
    def unmark_lead(self, request, queryset):
        done = services.signature_set_lead(signatures=list(queryset), lead=False)
        self.message_user(
            request, ngettext("%d lead signer unmarked.", "%d lead signers unmarked.", done) % done
        )

    @admin.action(description=_("Export selected as CSV (contacts included)"))
    def export_csv(self, request, queryset):
        signatures = queryset.select_related("letter", "group").order_by("letter", "name", "pk")
        response = HttpResponse(staff_csv(signatures), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="signatures.csv"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Remove selected from their group"), permissions=["change"])
    def remove_from_group(self, request, queryset):
        done = services.signature_set_group(signatures=list(queryset), group=None)
        self.message_user(
            request, ngettext("%d signature ungrouped.", "%d signatures ungrouped.", done) % done
        )

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        """One "move to group" action per group: of the letter the list is filtered to, or of
        every letter that lists signatories by group."""
        actions = super().get_actions(request, action_location=action_location)
        if action_location != admin.ActionLocation.CHANGE_LIST:
            return actions
        if not self.has_change_permission(request):
            return actions
        # Only for the letter the list is filtered to: groups belong to one letter, and a menu
        # of every group of every letter would be long and ambiguous.
        letter_id = request.GET.get("letter__id__exact", "")
        if not letter_id.isdigit():
            return actions
        # The admin asks for the actions several times a page: read the groups once.
        if not hasattr(request, "_signature_move_groups"):
            request._signature_move_groups = list(
                LetterGroup.objects.filter(
                    letter_id=letter_id, letter__grouping=Letter.Grouping.GROUP
                )
            )
        for group in request._signature_move_groups:
            name = f"move_to_group_{group.pk}"
            description = _("Move selected to group “%(group)s”") % {"group": group.name}
            # The admin formats descriptions with %-placeholders of its own.
            description = description.replace("%", "%%")
            actions[name] = admin.Action(
                func=partial(self._move_to_group, group=group),
                name=name,
                description=description,
                plural_description=description,
                locations=[admin.ActionLocation.CHANGE_LIST],
            )
        return actions

    def _move_to_group(self, modeladmin, request, queryset, *, group):
        selected = list(queryset)
        done = services.signature_set_group(signatures=selected, group=group)
        self._report(
            request,
            done,
            len(selected),
            ngettext("%d signature moved.", "%d signatures moved.", done),
            _("they belong to another letter"),
        )

    def _report(self, request, done, selected, done_message, skipped_reason):
        self.message_user(request, done_message % done, messages.SUCCESS)
        if skipped := selected - done:
            self.message_user(
                request,
                _("%(count)d skipped: %(reason)s.") % {"count": skipped, "reason": skipped_reason},
                messages.WARNING,
            )
