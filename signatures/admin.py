from django.contrib import admin, messages
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
    list_display += ("confirmed_revision",)
    list_display_links = ("name",)
    list_editable = ("lead_order",)
    list_filter = ("letter", "status", "is_lead")
    list_filter += (("confirmed_revision", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("letter",)
    list_select_related += ("confirmed_revision",)
    list_per_page = 100
    search_fields = ("name", "contact_name", "contact_email", "website")
    date_hierarchy = "submitted_at"
    actions = ("approve", "reject", "mark_lead", "unmark_lead")
    readonly_fields = (
        "letter", "status", "submitted_at", "submitted_ip", "confirmed_at", "reviewed_at",
        "reviewed_by", "updated_at",
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
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    list_select_related = ("signature",)
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
