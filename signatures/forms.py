import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from signatures.models import Signature, clean_source_code, normalize_organization_name
from signatures.spoofing import displayable, mixed_script_word

# Named and labelled so that no browser or password manager takes it for a field it fills in
# (autofill matches names, ids and labels such as "code", "company" or "email"): a person's
# autofill must never spring the trap (tests/signatures/test_bot_traps.py).
TRAP_FIELD = "leave_blank"
STAMP_FIELD = "rendered_at"
_STAMP_SALT = "signatures.form-rendered"


def render_stamp(at: float | None = None) -> str:
    """The signed moment a form was shown; tests sign a moment in the past."""
    return signing.dumps(time.time() if at is None else at, salt=_STAMP_SALT)


def _stamp_age(stamp: str) -> float | None:
    """Seconds since the stamp was made, or None if it is missing or not ours."""
    try:
        rendered = signing.loads(stamp, salt=_STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(rendered, int | float):
        return None
    return time.time() - rendered


class HumanCheckMixin:
    """Two quiet checks against form-filling robots, for the public forms. A field hidden by
    the stylesheet (templates/includes/_human_check.html) that people leave empty, and the
    signed moment the form was shown: people take seconds to fill a form, robots don't.

    Only the hidden field is silent: a filled one sets `automated`, and the view answers with
    the page a person would see and stores nothing, so the robot learns nothing. A person
    cannot fill a field they cannot see, and autofill skips it.

    The clock is not silent, because a person can beat it: autofill fills the whole form in a
    second, and a page kept from before a new deploy carries a stamp we can no longer read.
    A form sent too soon, or without a readable stamp, is shown again with what was typed and
    a plain request to check it and send it again; nothing is stored, and nobody is told it
    worked. (Accepting it and flagging it for the moderators instead would mail a
    confirmation link to whatever address a robot typed.) A form left open longer than
    FORM_MAX_AGE_SECONDS is shown again the same way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.automated: str | None = None
        self.fields[TRAP_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(
                attrs={
                    "tabindex": "-1",
                    "autocomplete": "off",
                    # Password managers' own opt-outs (1Password, LastPass, Bitwarden, Dashlane).
                    "data-1p-ignore": "",
                    "data-lpignore": "true",
                    "data-bwignore": "",
                    "data-form-type": "other",
                }
            ),
        )

    def trap_field(self):
        return self[TRAP_FIELD]

    def rendered_at_stamp(self) -> str:
        """The stamp to render: the one the form was first shown with, so correcting a
        mistake (or sending too soon) doesn't restart the clock, or a fresh one if that is
        unusable."""
        if self.is_bound:
            stamp = self.data.get(STAMP_FIELD, "")
            age = _stamp_age(stamp)
            if age is not None and age <= settings.FORM_MAX_AGE_SECONDS:
                return stamp
        return render_stamp()

    def clean(self):
        cleaned_data = super().clean()
        age = _stamp_age(self.data.get(STAMP_FIELD, ""))
        if self.data.get(TRAP_FIELD, "").strip():
            self.automated = "honeypot"
        elif age is None or age < settings.FORM_MIN_FILL_SECONDS:
            raise ValidationError(
                _("We could not take this form yet. Please check your details and send it again."),
                code="too_fast" if age is not None else "no_stamp",
            )
        elif age > settings.FORM_MAX_AGE_SECONDS:
            raise ValidationError(
                _(
                    "This form was open for a long time, so we ask you to check it and send "
                    "it again."
                ),
                code="stale",
            )
        return cleaned_data


def clean_organization_name(name: str) -> str:
    """The name as it will be shown: NFKC, without invisible characters (signatures/spoofing.py).
    A word that mixes scripts to look like another name is refused."""
    name = displayable(name)
    normalized = normalize_organization_name(name)
    if not normalized:
        raise ValidationError(_("Enter the organization’s name."))
    if word := mixed_script_word(name):
        raise ValidationError(
            _(
                "Please write each word of the name in one alphabet: “%(word)s” mixes letters "
                "from different alphabets."
            ),
            params={"word": word},
            code="mixed_scripts",
        )
    # NFKC, and spelling out "&", can lengthen a name past what the columns hold.
    max_length = Signature._meta.get_field("normalized_name").max_length
    if max(len(name), len(normalized)) > max_length:
        raise ValidationError(_("Shorten the organization’s name, please."), code="max_length")
    return name


def clean_new_name_of(signature: Signature, name: str) -> str:
    """A rename onto another organization already on the letter is refused here, with a
    message; the unique constraint backs it up."""
    name = clean_organization_name(name)
    others = (
        Signature.objects.standing()
        .filter(letter_id=signature.letter_id, normalized_name=normalize_organization_name(name))
        .exclude(pk=signature.pk)
    )
    if others.exists():
        raise ValidationError(
            _("Another organization with this name has already signed this letter."),
            code="name_taken",
        )
    return name


# Each message names its field and says what to do, in the manner of the GOV.UK design
# system: "Enter your organization’s name", not "This field is required".
EMAIL_MESSAGES = {
    "required": _("Enter your email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.org"),
    "max_length": _("Your email address must be 254 characters or fewer"),
}
ERROR_MESSAGES = {
    "name": {
        "required": _("Enter your organization’s name"),
        "max_length": _("Organization name must be 200 characters or fewer"),
    },
    "website": {
        "invalid": _("Enter the website’s address, for example https://example.org."),
        "max_length": _("Website address must be 300 characters or fewer"),
    },
    "city": {
        "required": _("Enter your organization’s city"),
        "max_length": _("City must be 100 characters or fewer"),
    },
    "region": {"max_length": _("State or region must be 100 characters or fewer")},
    "country": {
        "required": _("Enter your organization’s country"),
        "max_length": _("Country must be 100 characters or fewer"),
    },
    "contact_name": {
        "required": _("Enter your name"),
        "max_length": _("Your name must be 200 characters or fewer"),
    },
    "contact_title": {"max_length": _("Your title must be 200 characters or fewer")},
    "contact_email": EMAIL_MESSAGES,
    "authorized": {
        "required": _("Confirm that you are authorized to sign on behalf of this organization")
    },
    "note": {"max_length": _("Your note must be 2000 characters or fewer")},
    "withdrawal_reason": {"max_length": _("Your reason must be 2000 characters or fewer")},
}


class DisplayedTextMixin:
    """The other text a signer gives that is shown (publicly, or to the organizers and in
    mail) is kept free of invisible characters too: a right-to-left override in a city would
    turn the rest of its line on the letter around."""

    DISPLAYED_TEXT_FIELDS = ("city", "region", "country", "contact_name", "contact_title")

    def clean(self):
        cleaned_data = super().clean()
        for name in self.DISPLAYED_TEXT_FIELDS:
            if name in self.fields and cleaned_data.get(name):
                cleaned_data[name] = displayable(cleaned_data[name])
                if not cleaned_data[name] and self.fields[name].required:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned_data


class FieldGroupsMixin:
    """The signer forms show the organization's (public) fields and the contact's (private)
    fields in two fieldsets."""

    def organization_fields(self):
        return [self[name] for name in Signature.ORGANIZATION_FIELDS]

    def contact_fields(self):
        return [
            self[name]
            for name in self.Meta.fields
            if name not in Signature.ORGANIZATION_FIELDS and not self[name].is_hidden
        ]


class SignatureForm(HumanCheckMixin, DisplayedTextMixin, FieldGroupsMixin, forms.ModelForm):
    # Not the model's field: a code that is too long or malformed is dropped in clean_source,
    # never shown to the signer as an error they could not see to correct.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Signature
        fields = Signature.SIGNER_FIELDS
        labels = {
            "name": _("Organization name"),
            "website": _("Organization website (optional)"),
            "city": _("City"),
            "region": _("State or region (optional)"),
            "country": _("Country"),
            "contact_name": _("Your name"),
            "contact_title": _("Your title (optional)"),
            "contact_email": _("Your email"),
            "authorized": _("I am authorized to sign on behalf of this organization"),
            "note": _("Note to the organizers (optional)"),
            "notify_outcome": _("Email me when the letter is delivered and when it is answered"),
        }
        error_messages = ERROR_MESSAGES
        help_texts = {
            "name": _("As it should appear on the letter."),
            "contact_email": _(
                "We send a confirmation link here. Your name and email are never published."
            ),
            "note": _("Only the organizers see this."),
            "notify_outcome": _("Two emails at most, to the address above."),
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorized"].required = True
        self.fields["authorized"].label_suffix = ""  # a statement, not a question
        self.fields["notify_outcome"].label_suffix = ""
        # The model lets purge_contacts blank these; a signer must still give them.
        self.fields["contact_name"].required = True
        self.fields["contact_email"].required = True
        autocomplete = {
            "name": "organization", "website": "url", "city": "address-level2",
            "region": "address-level1", "country": "country-name", "contact_name": "name",
            "contact_title": "organization-title", "contact_email": "email",
        }  # fmt: skip
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def clean_name(self):
        return clean_organization_name(self.cleaned_data["name"])

    def clean_source(self):
        return clean_source_code(self.cleaned_data["source"])

    def validate_unique(self):
        # Duplicates are not a form error: signature_submit answers them with a clear page
        # (and re-sends an unconfirmed entry's link), under the database's unique constraint.
        pass


class ManageSignatureForm(DisplayedTextMixin, FieldGroupsMixin, forms.ModelForm):
    """What a signer may correct from the private link in their mail. A rename onto another
    organization already on the letter is refused here; the unique constraint backs it up."""

    class Meta:
        model = Signature
        fields = Signature.CORRECTABLE_FIELDS
        labels = {name: SignatureForm.Meta.labels[name] for name in fields}
        error_messages = ERROR_MESSAGES
        help_texts = {
            "name": _(
                "As it should appear on the letter. If you change it, the organizers review "
                "the signature again before it is shown."
            ),
            "contact_email": _("Mail about this signature goes here. Never published."),
        }
        widgets = {"website": forms.URLInput(attrs={"placeholder": "https://"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True
        self.fields["contact_email"].required = True

    def clean_name(self):
        return clean_new_name_of(self.instance, self.cleaned_data["name"])


class WithdrawSignatureForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = ("withdrawal_reason",)
        labels = {"withdrawal_reason": _("Why are you withdrawing? (optional)")}
        error_messages = ERROR_MESSAGES
        help_texts = {"withdrawal_reason": _("Only the organizers see this.")}
        widgets = {"withdrawal_reason": forms.Textarea(attrs={"rows": 3})}


class ResendConfirmationForm(HumanCheckMixin, forms.Form):
    name = forms.CharField(
        label=_("Organization name"),
        max_length=200,
        help_text=_("As you entered it on the signing form."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=ERROR_MESSAGES["name"],
    )
    contact_email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("The address you gave when signing."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=EMAIL_MESSAGES,
    )


class ImportedSignatureForm(DisplayedTextMixin, forms.ModelForm):
    """One row of a spreadsheet staff import (signatures/imports.py), validated as the signing
    form validates a signer's entry: the same fields, rules and messages."""

    class Meta:
        model = Signature
        fields = Signature.CORRECTABLE_FIELDS
        labels = {name: SignatureForm.Meta.labels[name] for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].error_messages["invalid"] = _(
            "Enter the website’s address, for example https://example.org."
        )
        self.fields["contact_name"].required = True
        self.fields["contact_email"].required = True

    def clean_name(self):
        return clean_organization_name(self.cleaned_data["name"])

    def validate_unique(self):
        # Duplicates are the import's to judge (signatures/imports.py), against the letter.
        pass


class RecoverLinkForm(ResendConfirmationForm):
    """ "Lost your link?": the same two questions as resending the confirmation, for any
    entry that stands on the letter."""
