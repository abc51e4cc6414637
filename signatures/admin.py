from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from letters.exports import staff_csv
from letters.models import Letter, LetterGroup
from signatures import services
from signatures.models import OutgoingMail, Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = (
        "name", "location_display", "contact_name", "contact_email", "status",
        "is_lead", "lead_order", "submitted_at", "confirmed_at", "letter",
    )  # fmt: skip
    list_display += ("group",)
    list_display += ("confirmed_revision",)
    list_display_links = ("name",)
    list_editable = ("lead_order",)
    list_editable += ("group",)
    list_filter = ("letter", "status", "is_lead")
    list_filter += (("confirmed_revision", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("letter",)
    list_select_related += ("confirmed_revision",)
    list_per_page = 100
    search_fields = ("name", "contact_name", "contact_email", "website")
    date_hierarchy = "submitted_at"
    actions = ("approve", "reject", "mark_lead", "unmark_lead")
    actions += ("export_csv", "remove_from_group")
    readonly_fields = (
        "letter", "status", "submitted_at", "submitted_ip", "confirmed_at", "reviewed_at",
        "reviewed_by", "updated_at", "withdrawn_at", "withdrawal_reason", "contacts_purged_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("letter", "status", "is_lead", "lead_order", "group")}),
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
                    "submitted_ip",
                    "confirmed_at",
                    "reviewed_at",
                    "reviewed_by",
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
        # not once per row.
        if not hasattr(request, "_signature_group_choices"):
            request._signature_group_choices = list(field.choices)
        field.choices = request._signature_group_choices
        return field

    def has_add_permission(self, request):
        # Signatures come from their organizations through the signing form, never from staff.
        return False

    @admin.display(description=_("location"), ordering="city")
    def location_display(self, obj):
        return ", ".join(part for part in (obj.city, obj.region, obj.country) if part)

    @admin.action(description=_("Approve selected signatures"), permissions=["change"])
    def approve(self, request, queryset):
        selected = list(queryset)
        done = services.signature_approve(signatures=selected, reviewer=request.user)
        self._report(
            request,
            done,
            len(selected),
            ngettext("%d signature approved.", "%d signatures approved.", done),
            _("not yet confirmed by their contact, or withdrawn"),
        )

    @admin.action(description=_("Reject selected signatures"), permissions=["change"])
    def reject(self, request, queryset):
        selected = list(queryset)
        done = services.signature_reject(signatures=selected, reviewer=request.user)
        self._report(
            request,
            done,
            len(selected),
            ngettext("%d signature rejected.", "%d signatures rejected.", done),
            _("already rejected or withdrawn"),
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
        groups = LetterGroup.objects.select_related("letter").filter(
            letter__grouping=Letter.Grouping.GROUP
        )
        if letter_id := request.GET.get("letter__id__exact"):
            groups = groups.filter(letter_id=letter_id) if letter_id.isdigit() else groups.none()
        for group in groups:
            name = f"move_to_group_{group.pk}"
            description = _("Move selected to group “%(group)s”") % {"group": group}
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


class MailNeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Failed, gave up or stuck in the queue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            cutoff = timezone.now() - timedelta(seconds=settings.MAIL_REQUEUE_AFTER_SECONDS)
            return queryset.needs_attention(cutoff=cutoff)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "to",
        "kind",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = (MailNeedsAttentionFilter, "status", "kind")
    search_fields = ("to", "subject")
    list_select_related = ("signature",)
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ("retry_now",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The outbox is a record; staff never edit a message, they only ask for a retry.
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("signatures.change_outgoingmail")

    @admin.action(description=_("Retry sending selected mail now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        selected = list(queryset)
        done = services.outgoing_mail_retry_now(mails=selected)
        self.message_user(
            request,
            ngettext("%d mail queued for sending.", "%d mails queued for sending.", done) % done,
            messages.SUCCESS,
        )
        if skipped := len(selected) - done:
            self.message_user(
                request,
                _("%(count)d skipped: already sent.") % {"count": skipped},
                messages.WARNING,
            )
