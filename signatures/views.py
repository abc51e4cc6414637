import logging
import math

from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from config.clientip import client_ip
from letters.models import Letter
from signatures import services, tokens
from signatures.forms import ResendConfirmationForm, SignatureForm
from signatures.models import Signature
from signatures.ratelimits import rate_limit
from signatures.services import SubmitOutcome

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
@rate_limit("sign", email_field="contact_email")
def sign(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.accepts_signatures:
        return render(request, "signatures/closed.html", {"letter": letter}, status=410)
    form = SignatureForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        if form.automated:
            # The same page a person sees, so a robot can't tell it was caught.
            logger.info("Signing form for %s dropped: %s", letter.slug, form.automated)
            return redirect("signatures:check_email", slug=letter.slug)
        if valid:
            try:
                result = services.signature_submit(
                    letter=letter, data=form.cleaned_data, ip=client_ip(request)
                )
            except services.LetterClosed:
                return render(request, "signatures/closed.html", {"letter": letter}, status=410)
            if result.outcome is SubmitOutcome.CREATED:
                return redirect("signatures:check_email", slug=letter.slug)
            return render(
                request,
                "signatures/duplicate.html",
                {"letter": letter, "resent": result.outcome is SubmitOutcome.CONFIRMATION_RESENT},
            )
    return render(request, "signatures/sign.html", {"letter": letter, "form": form})


def check_email(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return render(request, "signatures/check_email.html", {"letter": letter})


@require_http_methods(["GET", "POST"])
@rate_limit("resend", email_field="contact_email")
def resend(request, slug):
    """The "didn't get the email?" page: the link again, for a matching unconfirmed signature. Every
    outcome ends on the same page, so the form can't be used to learn who has signed."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.accepts_signatures:
        return render(request, "signatures/closed.html", {"letter": letter}, status=410)
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        if form.automated:
            logger.info("Resend form for %s dropped: %s", letter.slug, form.automated)
            return redirect("signatures:resend_done", slug=letter.slug)
        if valid:
            services.signature_resend_confirmation(
                letter=letter,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["contact_email"],
            )
            return redirect("signatures:resend_done", slug=letter.slug)
    return render(request, "signatures/resend.html", {"letter": letter, "form": form})


def resend_done(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return render(request, "signatures/resend_done.html", {"letter": letter})


def _signature_from_token(token, purpose):
    try:
        signature_id = tokens.read_token(token, purpose)
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    signature = Signature.objects.select_related("letter").filter(pk=signature_id).first()
    return signature, None if signature else "invalid"


def _letter_of_expired_token(token, purpose):
    signature_id = tokens.read_expired_token(token, purpose)
    return Letter.objects.public().filter(signatures__pk=signature_id).first()


@require_http_methods(["GET", "POST"])
@rate_limit("confirm")
def confirm(request, token):
    """GET only shows a button: mail systems fetch links to scan them, and that must not sign
    anyone up. The POST confirms."""
    signature, problem = _signature_from_token(token, tokens.CONFIRM)
    if problem:
        letter = _letter_of_expired_token(token, tokens.CONFIRM) if problem == "expired" else None
        return render(
            request,
            "signatures/link_problem.html",
            {"problem": problem, "letter": letter},
            status=400,
        )
    if request.method == "POST":
        services.signature_confirm(signature=signature)
        return render(request, "signatures/confirmed.html", {"signature": signature})
    return render(request, "signatures/confirm.html", {"signature": signature})


def too_many_requests(request, exception):
    """RATELIMIT_VIEW: what someone over a rate limit sees, with HTTP 429."""
    retry_after = getattr(exception, "retry_after", None)
    context = {"retry_minutes": math.ceil(retry_after / 60) if retry_after else None}
    response = render(request, "429.html", context, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
