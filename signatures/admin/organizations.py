from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from signatures.models import Organization, Signature


class SignatureInline(admin.TabularInline):
    """An organization's signatures on every letter, for the moderator's eyes only."""

    model = Signature
    fields = ("signature_link", "letter", "status", "contact_email", "submitted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ("-submitted_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("signature"))
    def signature_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:signatures_signature_change", args=[obj.pk]),
            obj.name,
        )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "website_domain", "signature_count", "created_at")
    search_fields = ("name", "normalized_name", "website_domain")
    readonly_fields = ("created_at",)
    fields = ("name", "website_domain", "created_at")
    inlines = (SignatureInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(signature_count=Count("signatures"))

    @admin.display(description=_("signatures"), ordering="signature_count")
    def signature_count(self, obj):
        return obj.signature_count
