from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from letters import services
from letters.models import Letter, LetterGroup, LetterRevision
from signatures.models import Signature


def _count_by_status(status):
    return Count("signatures", filter=Q(signatures__status=status))


class LetterGroupInline(admin.TabularInline):
    model = LetterGroup
    fields = ("name", "order")
    extra = 0
    verbose_name_plural = _("signatory groups (used when signatories are listed by group)")


class LetterTextField(forms.CharField):
    """Browsers post a text area with CRLF line ends, while stored text (written by load_demo,
    an import or the shell) may have LF: normalized, so that an untouched field is not taken
    for an edit of the agreed text, and diffs show only real changes."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class LetterAdminForm(forms.ModelForm):
    """Once a contact has confirmed the letter, an edit of its text must say what kind of
    edit it is: signers agreed to the words, so they are asked again after a material change."""

    revision_kind = forms.ChoiceField(
        label=_("This edit is…"),
        label_suffix="",
        choices=[
            (LetterRevision.Kind.TYPO, _("a typo fix (signers are not asked again)")),
            (
                LetterRevision.Kind.MATERIAL,
                _("a material change (every signer is emailed to re-confirm or withdraw)"),
            ),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Needed when you change the title, addressees, salutation, body or closing of a "
            "letter that organizations have confirmed. The edit is kept as a new revision."
        ),
    )
    revision_note = forms.CharField(
        label=_("Note on this edit"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_(
            "Optional. Public: shown in the letter’s revision history and, for a material "
            "change, in the mail to signers."
        ),
    )

    class Meta:
        model = Letter
        fields = (
            "title", "slug", "language", "status", "signing_deadline", "letter_date", "addressees",
            "salutation", "body", "closing", "description", "grouping",
        )  # fmt: skip
        field_classes = {"addressees": LetterTextField, "body": LetterTextField}

    @property
    def text_changed(self):
        return any(field in self.changed_data for field in LetterRevision.TEXT_FIELDS)

    @cached_property
    def makes_revision(self):
        return self.instance.pk is not None and self.text_changed and self.instance.text_is_agreed

    def clean(self):
        cleaned_data = super().clean()
        if self.makes_revision and not cleaned_data.get("revision_kind"):
            self.add_error(
                "revision_kind",
                _(
                    "Organizations have confirmed this letter. Say whether this edit is a typo "
                    "fix or a material change."
                ),
            )
        return cleaned_data


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
            {"fields": ("title", "slug", "language", "status", "signing_deadline", "page_link")},
        ),
        (
            _("The letter"),
            {"fields": ("letter_date", "addressees", "salutation", "body", "closing")},
        ),
        (_("Publishing"), {"fields": ("description", "grouping")}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    date_hierarchy = "letter_date"
    revision_fieldset = (
        _("Revision"),
        {"fields": ("revision_kind", "revision_note")},
    )

    def get_fieldsets(self, request, obj=None):
        # Asked only of letters whose text someone has agreed to.
        if obj is not None and obj.text_is_agreed:
            return (*self.fieldsets[:2], self.revision_fieldset, *self.fieldsets[2:])
        return self.fieldsets

    def save_model(self, request, obj, form, change):
        if change and form.makes_revision:
            services.letter_revise(
                letter=obj,
                changed_by=request.user,
                kind=form.cleaned_data["revision_kind"],
                note=form.cleaned_data["revision_note"],
            )
        else:
            super().save_model(request, obj, form, change)

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
