from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letters.models import Letter
from letters.revision_changes import text_changes
from signatures import services, tokens
from signatures.forms import ManageSignatureForm, SignatureForm, WithdrawSignatureForm
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


# The manage views answer only to the private link from the signer's mail. They are never
# cached (the page shows contact details) and every change is a POST. The abuse-protection
# work puts its rate limiter first on each of these three views, above @never_cache.


def _manage_page(request, token, signature, *, details_form=None, withdraw_form=None):
    if signature.status == Signature.Status.WITHDRAWN:
        details_form = withdraw_form = None
    else:
        details_form = details_form or ManageSignatureForm(instance=signature)
        withdraw_form = withdraw_form or WithdrawSignatureForm()
    context = {
        "signature": signature,
        "letter": signature.letter,
        "token": token,
        "details_form": details_form,
        "withdraw_form": withdraw_form,
    }
    return render(request, "signatures/manage.html", context)


def _manage_link_problem(request, problem):
    return render(request, "signatures/manage_link_problem.html", {"problem": problem}, status=400)


@never_cache
@require_GET
def manage(request, token):
    signature, problem = _signature_from_token(token, tokens.MANAGE)
    if problem:
        return _manage_link_problem(request, problem)
    return _manage_page(request, token, signature)


@never_cache
@require_POST
def manage_details(request, token):
    signature, problem = _signature_from_token(token, tokens.MANAGE)
    if problem:
        return _manage_link_problem(request, problem)
    if signature.status == Signature.Status.WITHDRAWN:
        return redirect("signatures:manage", token=token)
    # The form edits its own copy, so the page keeps showing the stored entry on errors.
    form = ManageSignatureForm(request.POST, instance=Signature.objects.get(pk=signature.pk))
    if form.is_valid():
        try:
            updated = services.signature_update_details(signature=signature, data=form.cleaned_data)
        except services.NameTaken:
            form.add_error(
                "name", _("Another organization with this name has already signed this letter.")
            )
        except services.SignatureWithdrawn:
            return redirect("signatures:manage", token=token)
        else:
            sent_back = (
                signature.status == Signature.Status.APPROVED
                and updated.status == Signature.Status.PENDING
            )
            if sent_back:
                messages.success(
                    request,
                    _(
                        "Your changes are saved. Because the name changed, the organizers "
                        "review the signature again before it appears on the letter."
                    ),
                )
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect("signatures:manage", token=token)
    return _manage_page(request, token, signature, details_form=form)


@never_cache
@require_POST
def manage_withdraw(request, token):
    signature, problem = _signature_from_token(token, tokens.MANAGE)
    if problem:
        return _manage_link_problem(request, problem)
    form = WithdrawSignatureForm(request.POST, instance=Signature.objects.get(pk=signature.pk))
    if form.is_valid():
        if services.signature_withdraw(
            signature=signature, reason=form.cleaned_data["withdrawal_reason"]
        ):
            messages.success(
                request, _("Your signature is withdrawn and no longer appears on the letter.")
            )
        return redirect("signatures:manage", token=token)
    return _manage_page(request, token, signature, withdraw_form=form)


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
