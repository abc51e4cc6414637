from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from signatures.models import Signature, normalize_organization_name


class SignatureForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = (
            "name", "website", "city", "region", "country",
            "contact_name", "contact_title", "contact_email", "authorized", "note",
        )  # fmt: skip
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
        }
        help_texts = {
            "name": _("As it should appear on the letter."),
            "contact_email": _(
                "We send a confirmation link here. Your name and email are never published."
            ),
            "note": _("Only the organizers see this."),
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorized"].required = True
        self.fields["authorized"].error_messages["required"] = _(
            "Only someone authorized by the organization can add its name."
        )
        autocomplete = {
            "name": "organization", "website": "url", "city": "address-level2",
            "region": "address-level1", "country": "country-name", "contact_name": "name",
            "contact_title": "organization-title", "contact_email": "email",
        }  # fmt: skip
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    ORGANIZATION_FIELDS = ("name", "website", "city", "region", "country")

    def organization_fields(self):
        return [self[name] for name in self.ORGANIZATION_FIELDS]

    def contact_fields(self):
        return [self[name] for name in self.Meta.fields if name not in self.ORGANIZATION_FIELDS]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not normalize_organization_name(name):
            raise ValidationError(_("Enter the organization’s name."))
        return name

    def validate_unique(self):
        # Duplicates are not a form error: signature_submit answers them with a clear page
        # (and re-sends an unconfirmed entry's link), under the database's unique constraint.
        pass
