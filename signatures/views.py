from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from letters.models import Letter
from letters.revision_changes import text_changes
from signatures import services, tokens
from signatures.forms import SignatureForm
from signatures.models import Signature
from signatures.services import SubmitOutcome


def _client_ip(request):
    return request.META.get("REMOTE_ADDR")


@require_http_methods(["GET", "POST"])
def sign(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.accepts_signatures:
        return render(request, "signatures/closed.html", {"letter": letter}, status=410)
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.signature_submit(
                letter=letter, data=form.cleaned_data, ip=_client_ip(request)
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


def _signature_from_token(token, purpose):
    try:
        signature_id = tokens.read_token(token, purpose)
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    signature = Signature.objects.select_related("letter").filter(pk=signature_id).first()
    return signature, None if signature else "invalid"


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET only shows a button: mail systems fetch links to scan them, and that must not sign
    anyone up. The POST confirms."""
    signature, problem = _signature_from_token(token, tokens.CONFIRM)
    if problem:
        return render(request, "signatures/link_problem.html", {"problem": problem}, status=400)
    if _reconfirmation_due(signature):
        return _reconfirm(request, signature)
    if request.method == "POST":
        services.signature_confirm(signature=signature)
        return render(request, "signatures/confirmed.html", {"signature": signature})
    return render(request, "signatures/confirm.html", {"signature": signature})


def _reconfirmation_due(signature):
    return signature.status in services.RECONFIRMABLE and (
        signature.letter.material_changes_since(signature.confirmed_revision).exists()
    )


def _reconfirm(request, signature):
    """A signer asked again after a material change: the page shows what changed since the
    text they confirmed; the POST names the revision shown, so a revision made while the page
    was open is shown before it can be agreed to."""
    letter = signature.letter
    stale = False
    if request.method == "POST":
        number = request.POST.get("revision", "")
        shown = (
            letter.revisions.filter(number=number).first()
            if number.isascii() and number.isdigit()
            else None
        )
        if shown and services.signature_reconfirm(signature=signature, revision=shown):
            return render(
                request, "signatures/confirmed.html", {"signature": signature, "reconfirmed": True}
            )
        if not _reconfirmation_due(signature):
            return render(request, "signatures/confirm.html", {"signature": signature})
        stale = True
    current = letter.revisions.latest()
    # A signature confirmed before revisions were recorded is compared with the first one.
    agreed = signature.confirmed_revision or letter.revisions.earliest()
    context = {
        "signature": signature,
        "reconfirm": True,
        "stale": stale,
        "revision": current,
        "notes": letter.material_changes_since(signature.confirmed_revision).exclude(note=""),
        "changes": text_changes(agreed, current),
    }
    return render(request, "signatures/confirm.html", context)
