from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from signatures import services
from signatures.models import OutgoingMail, Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = (
        "name", "location_display", "contact_name", "contact_email", "status",
        "is_lead", "lead_order", "submitted_at", "confirmed_at", "letter",
    )  # fmt: skip
    list_display_links = ("name",)
    list_editable = ("lead_order",)
    list_filter = ("letter", "status", "is_lead")
    list_select_related = ("letter",)
    list_per_page = 100
    search_fields = ("name", "contact_name", "contact_email", "website")
    date_hierarchy = "submitted_at"
    actions = ("approve", "reject", "mark_lead", "unmark_lead")
    readonly_fields = (
        "letter", "status", "submitted_at", "submitted_ip", "confirmed_at", "reviewed_at",
        "reviewed_by", "updated_at", "withdrawn_at", "withdrawal_reason", "contacts_purged_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("letter", "status", "is_lead", "lead_order")}),
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
