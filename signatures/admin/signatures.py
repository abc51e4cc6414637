from functools import cached_property, partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from letters.models import Letter, LetterGroup
from signatures import services, trust
from signatures.admin.queue import (
    ConfirmedRevisionFilter,
    NeedsAttentionFilter,
    QueueChangeList,
    QueueFormSet,
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
    # The trust columns come right after the name, so they stay in view on a narrow screen.
    list_display = (
        "name", "status", "risk_display", "email_matches_website", "free_mail",
        "look_alikes_display", "contact_email", "contact_name", "location_display",
        "is_lead", "lead_order", "submitted_at", "confirmed_at", "letter", "group",
        "confirmed_revision", "source",
    )  # fmt: skip
    list_display_links = ("name",)
    list_editable = ("lead_order", "group")
    list_filter = (
        NeedsAttentionFilter, "letter", "status", "is_lead", ConfirmedRevisionFilter, "source",
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "group":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["queryset"] = LetterGroup.objects.select_related("letter")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # The change list has one group select per row: read the groups once per request,
        # not once per row (iterated, as list() would count them first).
        if not hasattr(request, "_signature_group_choices"):
            request._signature_group_choices = [*iter(field.choices)]
        field.choices = request._signature_group_choices
        return field

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
        return QueueChangeList

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=QueueFormSet, **kwargs)

    def get_ordering(self, request):
        # With "needs attention" chosen the moderator wants the riskiest first.
        if NeedsAttentionFilter.parameter_name in request.GET:
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

    @admin.display(description=_("email matches website"), boolean=True)
    def email_matches_website(self, obj):
        return self._own_signals(obj).email_matches_website

    @admin.display(description=_("free-mail"))
    def free_mail(self, obj):
        # Words, not the boolean icons: a green tick for a free-mail address would read as "fine".
        return _("free-mail") if self._own_signals(obj).free_mail else "—"

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

    @admin.display(description=_("risk"), ordering="-risk_score")
    def risk_display(self, obj):
        # The score, and the one signal that has no column of its own.
        if obj.risk_assessed_at is None:
            return _("flags pending")
        flags = stored_flags(obj)
        if not flags:
            return "—"
        if trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN in flags:
            return f"{obj.risk_score}: {trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN.label}"
        return str(obj.risk_score)

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

    @admin.display(description=_("location"), ordering="city")
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
