"""The staff admin site: password plus, for staff who have set one up, a TOTP code.

django-otp's own OTPAdminSite demands a code from everyone; here it is asked only of staff with
an authenticator (so a team can adopt it one person at a time), unless ADMIN_REQUIRE_OTP is on,
in which case staff without one can sign in only to set one up at /admin/two-factor/.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from config import two_factor


class StaffLoginForm(OTPAdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        help_text=_("The six digits from your authenticator app, if you have set one up."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        device = next(devices_for_user(user), None) if user is not None else None
        if device is not None:
            # Staff have one authenticator each, so the form asks for no choice of device.
            self.cleaned_data["otp_device"] = device.persistent_id
            self.clean_otp(user)
        return self.cleaned_data


def lacks_required_second_factor(request) -> bool:
    """Signed in with a password only, while the site requires a second factor."""
    user = request.user
    return bool(
        settings.ADMIN_REQUIRE_OTP and user.is_active and user.is_staff and not user.is_verified()
    )


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def has_permission(self, request):
        # A staff member who has a device proved it at login (StaffLoginForm), so only the
        # site-wide requirement needs checking here; that keeps admin pages free of a query.
        return super().has_permission(request) and not lacks_required_second_factor(request)

    def each_context(self, request):
        # Every admin page warns a staff member signed in with a password alone, in production:
        # their account guards every contact's details. (From the session, so no query.)
        user = request.user
        context = super().each_context(request)
        context["second_factor_missing"] = bool(
            not settings.DEBUG
            and user.is_active
            and user.is_staff
            and not (hasattr(user, "is_verified") and user.is_verified())
        )
        return context

    def login(self, request, extra_context=None):
        # Staff with no authenticator yet are sent to set one up; staff who have one but signed
        # in without it (before it was added) sign in again with its code.
        if (
            request.method == "GET"
            and lacks_required_second_factor(request)
            and not user_has_device(request.user)
        ):
            return redirect("admin:two_factor")
        return super().login(request, extra_context)

    def get_urls(self):
        # Outside admin_view on purpose: it must stay reachable to staff who still have to
        # enrol; the view checks for a signed-in staff member itself.
        return [
            path("two-factor/", two_factor.setup, name="two_factor"),
            *super().get_urls(),
        ]


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out response (AXES_LOCKOUT_CALLABLE): our page, in minutes."""
    return render(
        request,
        "admin/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
