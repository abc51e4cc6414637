"""The review digest in the admin: each staff member turns it on or off for themselves on a
page linked beside "Two-factor sign-in"; superusers see who gets it."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from signatures.digest import review_digest_subscribe
from signatures.models import ReviewDigestSubscription


class DigestChoiceForm(forms.Form):
    subscribe = forms.BooleanField(
        label=_("Email me when signatures await review"),
        required=False,
        help_text=_(
            "At most once an hour, and only when new signatures have arrived: how many await "
            "review on each letter, with a link to its queue."
        ),
    )


@admin.register(ReviewDigestSubscription)
class ReviewDigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_sent_at")
    readonly_fields = ("created_at", "last_sent_at")

    def has_module_permission(self, request):
        # Everyone reaches their own choice from the link in the header; only superusers
        # need the list of who receives it.
        return request.user.is_superuser

    def get_urls(self):
        own = self.admin_site.admin_view(self.own_choice_view)
        return [path("mine/", own, name="review_digest"), *super().get_urls()]

    @method_decorator(require_http_methods(["GET", "POST"]))
    def own_choice_view(self, request):
        subscribed = ReviewDigestSubscription.objects.filter(user=request.user).exists()
        data = request.POST if request.method == "POST" else None
        form = DigestChoiceForm(data, initial={"subscribe": subscribed})
        if request.method == "POST" and form.is_valid():
            wanted = form.cleaned_data["subscribe"]
            if wanted and not request.user.email:
                form.add_error(
                    "subscribe", _("Your account has no email address; add one to get it.")
                )
            else:
                review_digest_subscribe(user=request.user, subscribe=wanted)
                messages.success(
                    request,
                    _("You will get the review digest.")
                    if wanted
                    else _("You will no longer get the review digest."),
                )
                return redirect("admin:review_digest")
        context = self.admin_site.each_context(request) | {
            "title": _("Review digest"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/signatures/review_digest.html", context)
