"""The staff admin site: password plus, for staff who have set one up, a TOTP code.

django-otp's own OTPAdminSite demands a code from everyone; here it is asked only of staff with
an authenticator (so a team can adopt it one person at a time), unless ADMIN_REQUIRE_OTP is on,
in which case staff without one can sign in only to set one up at /admin/two-factor/.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models.base import ModelBase
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


# Apps whose models are the machinery under the product (login lock-outs, authenticator
# devices, the task queue): a superuser may need them to mend something, a moderator never.
PLUMBING_APP_LABELS = frozenset({"axes", "otp_totp", "django_tasks_database"})


class SuperuserOnlyAdmin:
    """Mixed into the plumbing apps' own admin classes: other staff neither see them on the
    index nor reach them by URL, whatever permissions their group grants."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"
    site_header = _("Undersigned")
    site_title = _("Undersigned")
    index_title = _("Organizers’ desk")

    def register(self, model_or_iterable, admin_class=None, **options):
        # Third-party apps register their models themselves (at autodiscover), so the
        # restriction is added here rather than by re-registering each of them.
        single = isinstance(model_or_iterable, ModelBase)
        for model in [model_or_iterable] if single else model_or_iterable:
            model_admin = admin_class or admin.ModelAdmin
            if model._meta.app_label in PLUMBING_APP_LABELS:
                model_admin = type(model_admin.__name__, (SuperuserOnlyAdmin, model_admin), {})
            super().register(model, model_admin, **options)

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
