"""Staff's form for a letter's text: once organizations have confirmed it, an edit of the words
they agreed to must say whether it is a typo fix or a material change. Steps with consequences
outside the admin (opening the letter, mailing its signers) are confirmed before they happen."""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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

    open_without_deadline = forms.BooleanField(
        label=_("Open it without a signing deadline"),
        required=False,
        help_text=_(
            "A letter without a deadline takes signatures until you close it. Tick this to "
            "confirm, when you open one."
        ),
    )
    confirm_mailing = forms.BooleanField(
        label=_("Yes, email them now"),
        required=False,
        help_text=_("Needed for a material change, which emails the signers who confirmed."),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.signers_to_ask_again:
            count = self.signers_to_ask_again
            self.fields["revision_kind"].choices = [
                self.fields["revision_kind"].choices[0],
                (
                    LetterRevision.Kind.MATERIAL,
                    ngettext(
                        "a material change: this will email %(count)d signer, asking them to "
                        "re-confirm or withdraw",
                        "a material change: this will email %(count)d signers, asking them to "
                        "re-confirm or withdraw",
                        count,
                    )
                    % {"count": count},
                ),
            ]
            self.fields["confirm_mailing"].help_text = ngettext(
                "Needed for a material change: confirms that %(count)d signer is emailed.",
                "Needed for a material change: confirms that %(count)d signers are emailed.",
                count,
            ) % {"count": count}

    @cached_property
    def signers_to_ask_again(self) -> int:
        """How many signers a material change would mail (signatures.services.letter_revise
        mails the same entries, found through the relation)."""
        if self.instance.pk is None:
            return 0
        return self.instance.signatures.to_ask_again().count()

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

    @property
    def opens_letter(self):
        """Whether saving makes the letter open for signing (a new letter, or a status change)."""
        status = self.cleaned_data.get("status")
        return status == Letter.Status.OPEN and (
            self.instance.pk is None or "status" in self.changed_data
        )

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
        if (
            self.makes_revision
            and cleaned_data.get("revision_kind") == LetterRevision.Kind.MATERIAL
            and self.signers_to_ask_again
            and not cleaned_data.get("confirm_mailing")
        ):
            count = self.signers_to_ask_again
            self.add_error(
                "confirm_mailing",
                ngettext(
                    "Saving this material change will email %(count)d signer, asking them to "
                    "re-confirm or withdraw. Tick the box to send it, or call the edit a typo fix.",
                    "Saving this material change will email %(count)d signers, asking them to "
                    "re-confirm or withdraw. Tick the box to send it, or call the edit a typo fix.",
                    count,
                )
                % {"count": count},
            )
        self._clean_opening(cleaned_data)
        delivered = cleaned_data.get("delivered_on")
        reopened = cleaned_data.get("status") in (Letter.Status.DRAFT, Letter.Status.OPEN)
        if delivered and reopened and "status" in self.changed_data:
            self.add_error(
                "status",
                _("A delivered letter takes no more signatures. Clear the delivery to reopen it."),
            )
        return cleaned_data

    def _clean_opening(self, cleaned_data):
        status = cleaned_data.get("status")
        if (
            self.opens_letter
            and not cleaned_data.get("signing_deadline")
            and not cleaned_data.get("open_without_deadline")
        ):
            self.add_error(
                "open_without_deadline",
                _(
                    "This letter has no signing deadline, so it will take signatures until you "
                    "close it. Set a deadline, or tick the box to open it without one."
                ),
            )
        contact_changed = self.instance.pk is None or "contact_email" in self.changed_data
        if (
            status == Letter.Status.OPEN
            and not cleaned_data.get("contact_email")
            and "contact_email" not in self.errors
            and (self.opens_letter or contact_changed)
        ):
            self.add_error(
                "contact_email",
                _(
                    "An open letter needs the organizers’ contact address: its pages and mail "
                    "tell signers to write to it."
                ),
            )
