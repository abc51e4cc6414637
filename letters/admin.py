from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, LetterGroup
from signatures.models import Signature


def _count_by_status(status):
    return Count("signatures", filter=Q(signatures__status=status))


class LetterGroupInline(admin.TabularInline):
    model = LetterGroup
    fields = ("name", "order")
    extra = 0
    verbose_name_plural = _("signatory groups (used when signatories are listed by group)")


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = (
        "title", "status", "letter_date", "signing_deadline",
        "unconfirmed_count", "pending_count", "approved_count", "rejected_count", "page_link",
    )  # fmt: skip
    list_filter = ("status",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "page_link")
    inlines = (LetterGroupInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug", "status", "signing_deadline", "page_link")}),
        (
            _("The letter"),
            {"fields": ("letter_date", "addressees", "salutation", "body", "closing")},
        ),
        (_("Publishing"), {"fields": ("description", "grouping")}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    date_hierarchy = "letter_date"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                unconfirmed=_count_by_status(Signature.Status.UNCONFIRMED),
                pending=_count_by_status(Signature.Status.PENDING),
                approved=_count_by_status(Signature.Status.APPROVED),
                rejected=_count_by_status(Signature.Status.REJECTED),
            )
        )

    def view_on_site(self, obj):
        # Drafts have no public page; staff read them at the preview URL instead.
        return (
            obj.get_absolute_url() if obj.is_public else reverse("letters:preview", args=[obj.slug])
        )

    @admin.display(description=_("unconfirmed"), ordering="unconfirmed")
    def unconfirmed_count(self, obj):
        return self._signatures_link(obj, Signature.Status.UNCONFIRMED, obj.unconfirmed)

    @admin.display(description=_("awaiting review"), ordering="pending")
    def pending_count(self, obj):
        return self._signatures_link(obj, Signature.Status.PENDING, obj.pending)

    @admin.display(description=_("approved"), ordering="approved")
    def approved_count(self, obj):
        return self._signatures_link(obj, Signature.Status.APPROVED, obj.approved)

    @admin.display(description=_("rejected"), ordering="rejected")
    def rejected_count(self, obj):
        return self._signatures_link(obj, Signature.Status.REJECTED, obj.rejected)

    def _signatures_link(self, obj, status, count):
        url = reverse("admin:signatures_signature_changelist")
        return format_html(
            '<a href="{}?letter__id__exact={}&status__exact={}">{}</a>', url, obj.pk, status, count
        )

    @admin.display(description=_("page"))
    def page_link(self, obj):
        if obj.pk is None:
            return "—"
        if obj.is_public:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Public page"))
        return format_html(
            '<a href="{}">{}</a>', reverse("letters:preview", args=[obj.slug]), _("Preview")
        )
