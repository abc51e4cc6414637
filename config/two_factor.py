"""Where a staff member sets up their own TOTP authenticator: scan a QR code, type the code it
shows. The secret waits in the session until a correct code proves the app has it, so an
abandoned set-up leaves no half-made device that would lock its owner out of the admin."""

import time
from base64 import b32encode

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

PENDING_KEY = "two_factor_pending_key"


class TOTPSetupForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your app"),
        max_length=8,
        help_text=_("Six digits. They change every 30 seconds."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.matched_t = None

    def clean_token(self):
        totp = TOTP(bytes.fromhex(self.key))
        totp.time = time.time()
        token = self.cleaned_data["token"].replace(" ", "")
        # One step either way: a phone clock a few seconds off should not fail the set-up.
        if not token.isdigit() or not totp.verify(int(token), tolerance=1):
            raise ValidationError(
                _("That code is not right. Type the newest code your app shows."), code="invalid"
            )
        self.matched_t = totp.t()
        return token


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    context = admin.site.each_context(request) | {"title": _("Two-factor sign-in")}
    if user_has_device(user):
        return render(request, "admin/two_factor_setup.html", context | {"enrolled": True})

    key = request.session.get(PENDING_KEY) or random_hex(20)
    request.session[PENDING_KEY] = key
    form = TOTPSetupForm(request.POST or None, key=key)
    if request.method == "POST" and form.is_valid():
        # last_t stops the code just used from being accepted again at the next login.
        device = TOTPDevice.objects.create(
            user=user, name=str(_("Authenticator app")), key=key, last_t=form.matched_t
        )
        otp_login(request, device)
        del request.session[PENDING_KEY]
        messages.success(request, _("Two-factor sign-in is on. Next time, enter a code too."))
        return redirect("admin:index")

    device = TOTPDevice(user=user, key=key)  # unsaved: only for the provisioning URL
    return render(
        request,
        "admin/two_factor_setup.html",
        context
        | {
            "form": form,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            "secret": b32encode(device.bin_key).decode(),
        },
    )
