from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from signatures.forms import clean_organization_name
from signatures.models import Organization, Signature, normalize_organization_name


class OrganizationForm(forms.ModelForm):
    """One record per organization: the unique normalized name makes it true, this says so
    on the form instead of failing on save."""

    class Meta:
        model = Organization
        fields = ("name", "website_domain")

    def clean_name(self):
        name = clean_organization_name(self.cleaned_data["name"])
        taken = (
            Organization.objects.filter(normalized_name=normalize_organization_name(name))
            .exclude(pk=self.instance.pk)
            .first()
        )
        if taken is not None:
            raise forms.ValidationError(
                _("The organization record “%(name)s” already has this name."),
                params={"name": taken.name},
                code="name_taken",
            )
        return name


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
    form = OrganizationForm
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
