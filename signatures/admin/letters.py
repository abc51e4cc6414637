"""The letter's admin page. It is registered here rather than in letters/ because it shows
who signed (counts by status, linked to the queue) and because saving a material change asks
those signers again, which the document itself knows nothing of. Its form is the letter's own
(letters/forms.py)."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from letters.forms import LetterAdminForm
from letters.models import Letter, LetterGroup, LetterRevision
from signatures import services
from signatures.admin.publishing import publishing_kit
from signatures.models import Signature


def _count_by_status(status):
    return Count("signatures", filter=Q(signatures__status=status))


class LetterGroupInline(admin.TabularInline):
    model = LetterGroup
    fields = ("name", "order")
    extra = 0
    verbose_name_plural = _("signatory groups (used when signatories are listed by group)")


class LetterRevisionInline(admin.TabularInline):
    """The record of what signers agreed to: read-only, written only by the services."""

    model = LetterRevision
    fields = ("number", "kind", "note", "title", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("revisions of the agreed text")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("letter", "created_by")


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    form = LetterAdminForm
    inlines = (LetterGroupInline, LetterRevisionInline)
    list_display = (
        "title", "status", "letter_date", "signing_deadline",
        "unconfirmed_count", "pending_count", "approved_count", "rejected_count",
        "withdrawn_count", "page_link",
    )  # fmt: skip
    list_filter = ("status",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "page_link")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "language",
                    "status",
                    "signing_deadline",
                    "open_without_deadline",
                    "page_link",
                )  # fmt: skip
            },
        ),
        (
            _("The letter"),
            {"fields": ("letter_date", "addressees", "salutation", "body", "closing")},
        ),
        (_("Publishing"), {"fields": ("organizers", "contact_email", "description", "grouping")}),
        (
            _("Delivery and response"),
            {
                "fields": (
                    "delivered_on",
                    "delivered_to",
                    "delivered_how",
                    "response_on",
                    "response_text",
                    "response_pdf",
                ),  # fmt: skip
                "description": _(
                    "Recording the delivery closes the letter and marks it delivered; "
                    "publishing the response marks it answered. Both appear on the public "
                    "page, and signers who asked are emailed the first time each is saved."
                ),
            },
        ),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    date_hierarchy = "letter_date"

    class Media:
        css = {"all": ("signatures/admin/desk.css",)}
        js = ("signatures/admin/desk.js",)

    revision_fieldset = (
        _("Revision"),
        {"fields": ("revision_kind", "revision_note", "confirm_mailing")},
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.fieldsets
        if obj is not None and obj.status == Letter.Status.OPEN:
            # Confirmed when the letter is opened; an open letter has nothing to confirm.
            first, options = fieldsets[0]
            fields = tuple(name for name in options["fields"] if name != "open_without_deadline")
            fieldsets = ((first, options | {"fields": fields}), *fieldsets[1:])
        # Asked only of letters whose text someone has agreed to.
        if obj is not None and obj.text_is_agreed:
            return (*fieldsets[:2], self.revision_fieldset, *fieldsets[2:])
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["publishing_kit"] = publishing_kit(obj)
            context["import_url"] = (
                f"{reverse('admin:signatures_signatureimport_add')}?letter={obj.pk}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change and form.makes_revision:
            revised = services.letter_revise(
                letter=obj,
                changed_by=request.user,
                kind=form.cleaned_data["revision_kind"],
                note=form.cleaned_data["revision_note"],
            )
            if revised.revision.is_material:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d signer was emailed to re-confirm or withdraw.",
                        "%(count)d signers were emailed to re-confirm or withdraw.",
                        revised.mailed,
                    )
                    % {"count": revised.mailed},
                    messages.SUCCESS,
                )
        else:
            super().save_model(request, obj, form, change)
        # Inside the admin's transaction for this save, like the save itself.
        services.letter_announce_outcome(
            letter=obj, delivered=form.delivery_recorded, answered=form.response_published
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                unconfirmed=_count_by_status(Signature.Status.UNCONFIRMED),
                pending=_count_by_status(Signature.Status.PENDING),
                approved=_count_by_status(Signature.Status.APPROVED),
                rejected=_count_by_status(Signature.Status.REJECTED),
                withdrawn=_count_by_status(Signature.Status.WITHDRAWN),
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

    @admin.display(description=_("withdrawn"), ordering="withdrawn")
    def withdrawn_count(self, obj):
        return self._signatures_link(obj, Signature.Status.WITHDRAWN, obj.withdrawn)

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
