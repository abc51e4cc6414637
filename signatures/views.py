import logging
import math

from django.contrib import messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config import outage
from config.clientip import client_ip
from config.outage import DATABASE_ERRORS
from letters.models import Letter, LetterRevision
from letters.revision_changes import text_changes
from letters.sharing import sharing
from signatures import services, tokens
from signatures.forms import (
    ManageSignatureForm,
    RecoverLinkForm,
    ResendConfirmationForm,
    SignatureForm,
    WithdrawSignatureForm,
)
from signatures.models import Signature, clean_source_code
from signatures.ratelimits import rate_limit
from signatures.services import SubmitOutcome

logger = logging.getLogger(__name__)


def _redirect(request, to, **kwargs):
    """A redirect that keeps an explicit choice of language (letters/language.py)."""
    return redirect(reverse(to, kwargs=kwargs) + request.language_query)


def _closed(request, letter):
    """The answer to any attempt to sign a letter that no longer takes signatures."""
    return render(request, "signatures/closed.html", {"letter": letter}, status=410)


@require_http_methods(["GET", "POST"])
@rate_limit("sign", email_field="contact_email")
def sign(request, slug):
    try:
        return _sign(request, slug)
    except DATABASE_ERRORS:
        if request.method != "POST":
            raise  # the site's 503 page (config/outage.py)
        # Nothing was stored (the transaction did not commit) or, if the commit itself was
        # cut off, sending again finds the stored entry: either way the form comes back with
        # what they typed, to send again in a minute.
        logger.warning("Signing form for %s shown again: database unavailable", slug, exc_info=True)
        form = SignatureForm(request.POST)
        return outage.unavailable(request, "signatures/sign_unavailable.html", {"form": form})


def _sign(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.accepts_signatures:
        return _closed(request, letter)
    # A partner's signing link carries ?source=; the form keeps it through corrections.
    source = clean_source_code(request.GET.get("source"))
    form = SignatureForm(request.POST or None, initial={"source": source})
    if request.method == "POST":
        valid = form.is_valid()
        if form.automated:
            # The same page a person sees, so a robot can't tell it was caught.
            logger.info("Signing form for %s dropped: %s", letter.slug, form.automated)
            return _redirect(request, "signatures:check_email", slug=letter.slug)
        if valid:
            try:
                result = services.signature_submit(
                    letter=letter,
                    data=form.cleaned_data,
                    ip=client_ip(request),
                    language=request.LANGUAGE_CODE,
                )
            except services.LetterClosed:
                return _closed(request, letter)
            if result.outcome is SubmitOutcome.CREATED:
                return _redirect(request, "signatures:check_email", slug=letter.slug)
            # The same page whatever state the entry is in, so it reveals nothing about it.
            return render(request, "signatures/duplicate.html", {"letter": letter})
        if form.has_error(NON_FIELD_ERRORS, "too_fast"):
            logger.info("Signing form for %s shown again: sent too soon", letter.slug)
    return render(request, "signatures/sign.html", {"letter": letter, "form": form})


def check_email(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return render(request, "signatures/check_email.html", {"letter": letter})


def _link_again(request, letter, form, *, send, done, template):
    """The pages that mail a link again ("didn't get the email?", "lost your link?"), asked
    for by organization name and contact email. Every outcome, a robot's included, ends on the
    same page, so the form can't be used to learn who has signed."""
    if request.method == "POST":
        valid = form.is_valid()
        if form.automated:
            logger.info("%s for %s dropped: %s", template, letter.slug, form.automated)
            return _redirect(request, done, slug=letter.slug)
        if valid:
            send(
                letter=letter,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["contact_email"],
            )
            return _redirect(request, done, slug=letter.slug)
    return render(request, template, {"letter": letter, "form": form})


@require_http_methods(["GET", "POST"])
@rate_limit("resend", email_field="contact_email")
def resend(request, slug):
    """The confirmation link again, for a matching unconfirmed signature."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    if not letter.accepts_signatures:
        return _closed(request, letter)
    return _link_again(
        request,
        letter,
        ResendConfirmationForm(request.POST or None),
        send=services.signature_resend_confirmation,
        done="signatures:resend_done",
        template="signatures/resend.html",
    )


def resend_done(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return render(request, "signatures/resend_done.html", {"letter": letter})


@require_http_methods(["GET", "POST"])
@rate_limit("recover", email_field="contact_email")
def recover(request, slug):
    """ "Lost your link?": the manage link again, mailed to the contact address of a matching
    signature that stands on the letter; open after signing ends, as corrections and
    withdrawals are."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return _link_again(
        request,
        letter,
        RecoverLinkForm(request.POST or None),
        send=services.signature_send_manage_link,
        done="signatures:recover_done",
        template="signatures/recover.html",
    )


def recover_done(request, slug):
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return render(request, "signatures/recover_done.html", {"letter": letter})


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


def _email_of_token(purpose):
    """For the per-email limits of the private links: the contact address of the signature a
    token names (None for a bad token, which the view then refuses)."""

    def email_of(token, **kwargs):
        try:
            signature_id = tokens.read_token(token, purpose)
        except signing.BadSignature:
            return None
        return (
            Signature.objects.filter(pk=signature_id)
            .values_list("contact_email", flat=True)
            .first()
        )

    return email_of


@require_http_methods(["GET", "POST"])
@rate_limit("confirm", email_of=_email_of_token(tokens.CONFIRM))
@never_cache
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
    if _reconfirmation_due(signature):
        return _reconfirm(request, signature)
    if signature.status == Signature.Status.UNCONFIRMED and not signature.letter.accepts_signatures:
        # Signing ended before this contact confirmed (re-confirmations above still work).
        return _closed(request, signature.letter)
    if request.method == "POST":
        services.signature_confirm(signature=signature)
        # Confirming twice is harmless; a withdrawn or rejected entry is not revived by it.
        if signature.status in (Signature.Status.PENDING, Signature.Status.APPROVED):
            return _confirmed(request, signature)
    context = {
        "signature": signature,
        # Material changes after the form was filled in: the contact confirms the letter as it
        # reads now, so the page says so before they press the button.
        "changed_since_signing": signature.letter.revisions.filter(
            kind=LetterRevision.Kind.MATERIAL, created_at__gt=signature.submitted_at
        ),
    }
    return render(request, "signatures/confirm.html", context)


def _confirmed(request, signature, *, reconfirmed=False):
    """Thanks, then the moment to recruit: the letter's link to share, and an invitation to
    another organization whose signing link names this one (?source=)."""
    context = {
        "signature": signature,
        "reconfirmed": reconfirmed,
        "share": sharing(signature.letter, source=signature.invite_code, signed=True),
    }
    return render(request, "signatures/confirmed.html", context)


# The manage views answer only to the private link from the signer's mail. They are never
# cached (the page shows contact details), every change is a POST, and the POSTs are counted
# against the "manage" rate limits.


def _details_editable(signature):
    """A withdrawn or rejected entry is final, and one whose contact details were purged with
    the letter's retention period gets no new ones (the purge would never see them again)."""
    return signature.status in Signature.STANDING_STATUSES and signature.contacts_purged_at is None


def _manage_page(request, token, signature, *, details_form=None):
    if not _details_editable(signature):
        details_form = None
    else:
        details_form = details_form or ManageSignatureForm(instance=signature)
    context = {
        "signature": signature,
        "letter": signature.letter,
        "token": token,
        "details_form": details_form,
    }
    return render(request, "signatures/manage.html", context)


def _manage_link_problem(request, problem, token=None):
    # An expired link still names its letter, whose "Lost your link?" page sends a fresh one.
    letter = _letter_of_expired_token(token, tokens.MANAGE) if problem == "expired" else None
    context = {"problem": problem, "letter": letter}
    return render(request, "signatures/manage_link_problem.html", context, status=400)


@never_cache
@require_GET
def manage(request, token):
    signature, problem = _signature_from_token(token, tokens.MANAGE)
    if problem:
        return _manage_link_problem(request, problem, token)
    return _manage_page(request, token, signature)


@rate_limit("manage", email_of=_email_of_token(tokens.MANAGE))
@never_cache
@require_POST
def manage_details(request, token):
    signature, problem = _signature_from_token(token, tokens.MANAGE)
    if problem:
        return _manage_link_problem(request, problem, token)
    if not _details_editable(signature):
        return _redirect(request, "signatures:manage", token=token)
    # The form edits its own copy, so the page keeps showing the stored entry on errors.
    form = ManageSignatureForm(request.POST, instance=Signature.objects.get(pk=signature.pk))
    if form.is_valid():
        try:
            updated = services.signature_update_details(signature=signature, data=form.cleaned_data)
        except services.NameTaken:
            form.add_error(
                "name", _("Another organization with this name has already signed this letter.")
            )
        except services.DetailsClosed:
            return _redirect(request, "signatures:manage", token=token)
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
            new_email = form.cleaned_data["contact_email"]
            if new_email != updated.contact_email:
                messages.info(
                    request,
                    _(
                        "We have sent a link to %(email)s. The contact address changes when "
                        "that link is opened; until then mail still goes to %(current)s."
                    )
                    % {"email": new_email, "current": updated.contact_email},
                )
            return _redirect(request, "signatures:manage", token=token)
    return _manage_page(request, token, signature, details_form=form)


@rate_limit("manage", email_of=_email_of_token(tokens.MANAGE))
@never_cache
@require_http_methods(["GET", "POST"])
def manage_withdraw(request, token):
    """GET asks "Are you sure?" on a page of its own, with room for a reason; the POST
    withdraws. An entry that no longer stands on the letter has nothing to withdraw."""
    signature, problem = _signature_from_token(token, tokens.MANAGE)
    if problem:
        return _manage_link_problem(request, problem, token)
    if signature.status not in Signature.STANDING_STATUSES:
        return _redirect(request, "signatures:manage", token=token)
    form = WithdrawSignatureForm(
        request.POST or None, instance=Signature.objects.get(pk=signature.pk)
    )
    if request.method == "POST" and form.is_valid():
        # The manage page then says it is withdrawn, when, and that it left the letter.
        services.signature_withdraw(
            signature=signature, reason=form.cleaned_data["withdrawal_reason"]
        )
        return _redirect(request, "signatures:manage", token=token)
    context = {"signature": signature, "letter": signature.letter, "token": token, "form": form}
    return render(request, "signatures/withdraw.html", context)


def _new_email_of(token, **kwargs):
    try:
        return tokens.read_email_token(token)[2]
    except signing.BadSignature:
        return None


@require_http_methods(["GET", "POST"])
@rate_limit("confirm", email_of=_new_email_of)
@never_cache
def confirm_email(request, token):
    """The link mailed to a new contact address. As with confirm, GET only shows a button."""
    try:
        signature_id, old_email, new_email = tokens.read_email_token(token)
    except signing.BadSignature:
        return _manage_link_problem(request, "invalid")
    signature = Signature.objects.select_related("letter").filter(pk=signature_id).first()
    if signature is None:
        return _manage_link_problem(request, "invalid")
    context = {"signature": signature, "new_email": new_email}
    if signature.contact_email == new_email:
        return render(request, "signatures/email_confirmed.html", context)
    if request.method == "POST":
        if services.signature_change_contact_email(
            signature=signature, old_email=old_email, new_email=new_email
        ):
            return render(request, "signatures/email_confirmed.html", context)
        return _manage_link_problem(request, "invalid")
    return render(request, "signatures/confirm_email.html", context)


def _reconfirmation_due(signature):
    return signature.status in Signature.CONFIRMED_STATUSES and (
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
            return _confirmed(request, signature, reconfirmed=True)
        if not _reconfirmation_due(signature):
            return render(request, "signatures/confirm.html", {"signature": signature})
        stale = True
    current = letter.revisions.latest()
    # A signature confirmed before revisions were recorded is compared with the first one.
    agreed = signature.confirmed_revision or letter.revisions.earliest()
    context = {
        "signature": signature,
        "reconfirm": True,
        "revision": current,
        "notes": letter.material_changes_since(signature.confirmed_revision).exclude(note=""),
        "changes": text_changes(agreed, current),
        # Shown as the error summary, the way the signing form shows its problems.
        "problems": [
            _(
                "The letter was revised again while this page was open. Below are all the "
                "changes, the latest included; please read them and confirm again."
            )
        ]
        if stale
        else [],
    }
    return render(request, "signatures/confirm.html", context)


def too_many_requests(request, exception):
    """RATELIMIT_VIEW: what someone over a rate limit sees, with HTTP 429."""
    retry_after = getattr(exception, "retry_after", None)
    context = {"retry_minutes": math.ceil(retry_after / 60) if retry_after else None}
    response = render(request, "429.html", context, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
