"""Staff's form for a letter's text: once organizations have confirmed it, an edit of the words
they agreed to must say whether it is a typo fix or a material change."""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, LetterRevision


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
            "salutation", "body", "closing", "description", "grouping", "organizers",
            "contact_email", "delivered_on", "delivered_to", "delivered_how", "response_on",
            "response_text", "response_pdf",
        )  # fmt: skip
        field_classes = {"addressees": LetterTextField, "body": LetterTextField}

    # Recorded on this save for the first time: signers who asked are then mailed.
    @property
    def delivery_recorded(self):
        return self.initial.get("delivered_on") is None and bool(self.instance.delivered_on)

    @property
    def response_published(self):
        return self.initial.get("response_on") is None and bool(self.instance.response_on)

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
        delivered = cleaned_data.get("delivered_on")
        reopened = cleaned_data.get("status") in (Letter.Status.DRAFT, Letter.Status.OPEN)
        if delivered and reopened and "status" in self.changed_data:
            self.add_error(
                "status",
                _("A delivered letter takes no more signatures. Clear the delivery to reopen it."),
            )
        return cleaned_data
