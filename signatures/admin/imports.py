"""Importing signatures in the admin: staff upload a spreadsheet for a letter (the add page),
check the preview of every row on the import's own page, choose how the rows count, and import
them with one button. The work is signatures/imports.py's."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from signatures import imports
from signatures.models import Signature, SignatureImport
from signatures.spreadsheets import UnreadableFile, read_sheet

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
VERDICT_LABELS = {
    imports.Verdict.NEW: _("New"),
    imports.Verdict.DUPLICATE: _("Duplicate"),
    imports.Verdict.INVALID: _("Invalid"),
}


class SignatureImportUploadForm(forms.ModelForm):
    spreadsheet = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "CSV or Excel (.xlsx), one organization per row under a header row, for instance "
            "a Google Form’s responses. Columns: organization name, website, city, state or "
            "region, country, contact name and email (and title), lead signer (yes or no), "
            "group. Nothing is added until you check the rows and press Import."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    class Meta:
        model = SignatureImport
        fields = ("letter",)

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB. Split it, please."))
        self.content = upload.read()
        try:
            self.sheet = read_sheet(upload.name, self.content)
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from error
        if missing := imports.missing_columns(self.sheet.headers):
            raise forms.ValidationError(
                _("No column for: %(missing)s. The file’s columns are: %(columns)s.")
                % {"missing": ", ".join(missing), "columns": ", ".join(self.sheet.headers)}
            )
        return upload


@admin.register(SignatureImport)
class SignatureImportAdmin(admin.ModelAdmin):
    list_display = (
        "file_name", "letter", "status", "row_count", "imported_count", "created_by", "created_at",
    )  # fmt: skip
    list_filter = ("status", "letter")
    list_select_related = ("letter", "created_by")
    radio_fields = {"confirmation": admin.VERTICAL}

    class Media:
        css = {"all": ("signatures/admin/desk.css",)}

    readonly_fields = (
        "letter", "file_name", "created_by", "created_at", "imported_by", "imported_at",
        "imported_count",
    )  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SignatureImportUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("letter", "spreadsheet")
        if obj.status == SignatureImport.Status.PENDING:
            return ("letter", "file_name", "created_by", "created_at", "confirmation")
        return (*self.readonly_fields, "confirmation")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # An import that ran is a record: viewed, never edited.
        imported = obj is not None and obj.status == SignatureImport.Status.IMPORTED
        return not imported and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            created = imports.signature_import_create(
                letter=form.cleaned_data["letter"],
                file_name=form.cleaned_data["spreadsheet"].name,
                content=form.content,
                sheet=form.sheet,
                by=request.user,
            )
            obj.pk = created.pk  # the admin logs it and goes on to its page
            obj.refresh_from_db()
        elif "_import" in request.POST:
            request._import_outcome = imports.signature_import_run(
                signature_import=obj,
                confirmation=form.cleaned_data["confirmation"],
                by=request.user,
            )
        else:
            obj.save(update_fields=["confirmation"])

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(request, _("Check the rows below, then import the new ones."))
        return redirect("admin:signatures_signatureimport_change", obj.pk)

    def response_change(self, request, obj):
        outcome = getattr(request, "_import_outcome", None)
        if outcome is None:
            return super().response_change(request, obj)
        if outcome.already_imported:
            messages.warning(request, _("This file was imported already; nothing was added."))
            return redirect("admin:signatures_signatureimport_change", obj.pk)
        messages.success(
            request,
            ngettext(
                "%(added)d signature imported into “%(letter)s”.",
                "%(added)d signatures imported into “%(letter)s”.",
                outcome.added,
            )
            % {"added": outcome.added, "letter": obj.letter},
        )
        if outcome.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d row skipped: a duplicate or invalid.",
                    "%(count)d rows skipped: duplicates or invalid.",
                    outcome.skipped,
                )
                % {"count": outcome.skipped},
            )
        status = (
            Signature.Status.PENDING
            if obj.confirmation == SignatureImport.Confirmation.CONFIRMED
            else Signature.Status.UNCONFIRMED
        )
        return redirect(
            f"{reverse('admin:signatures_signature_changelist')}"
            f"?letter__id__exact={obj.letter_id}&status__exact={status}"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        signature_import = self.get_object(request, object_id)
        if signature_import is not None:
            extra_context = (extra_context or {}) | self._preview_context(request, signature_import)
        return super().change_view(request, object_id, form_url, extra_context)

    def _preview_context(self, request, signature_import) -> dict:
        result = imports.preview(signature_import)
        shown = request.GET.get("verdict", "")
        rows = [row for row in result.rows if not shown or row.verdict == shown]
        earlier = (
            SignatureImport.objects.filter(
                letter_id=signature_import.letter_id,
                file_sha256=signature_import.file_sha256,
                status=SignatureImport.Status.IMPORTED,
            )
            .exclude(pk=signature_import.pk)
            .order_by("imported_at")
            .first()
        )
        return {
            "preview_rows": rows,
            "preview_shown": shown,
            "preview_counts": [
                (verdict, label, result.count(verdict)) for verdict, label in VERDICT_LABELS.items()
            ],
            "preview_total": len(result.rows),
            "new_count": result.count(imports.Verdict.NEW),
            "verdict_labels": VERDICT_LABELS,
            "imported_before": earlier,
            "pending": signature_import.status == SignatureImport.Status.PENDING,
        }
