"""Deciding on one signature from the queue: each row's Approve and Reject buttons, and
"Approve and next" / "Reject and next" on its page. Both post a small form of their own (the
list's form holds the rows' checkboxes, and forms do not nest) to `decide`, which calls the
review services and goes back where the moderator came from: the list with its filters, or
the next signature of that list, in its order."""

import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, LetterGroup
from signatures import services
from signatures.admin.queue import allowed_decisions, next_in_queue, url_keeping_filters
from signatures.models import Signature

APPROVE, REJECT = "approve", "reject"

# Why a decision was skipped, as the bulk actions say it.
NOT_APPROVED = _("not confirmed by their contact, withdrawn, or changed since you loaded the page")
NOT_REJECTED = _("already rejected, withdrawn, or changed since you loaded the page")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=LetterGroup.objects.none(),
        required=False,
        empty_label=_("No group"),
    )
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)
    # When the page was rendered: an entry changed since is not decided unseen.
    seen_at = forms.DateTimeField(required=False)
    # Set by the change page's buttons: go on to the next signature of the list.
    next = forms.BooleanField(required=False)

    def __init__(self, *args, signature, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = approval_groups(signature)


def approval_groups(signature):
    """The groups a signature may be approved into: its letter's, if it lists by group."""
    if signature.letter.grouping != Letter.Grouping.GROUP:
        return LetterGroup.objects.none()
    return LetterGroup.objects.filter(letter_id=signature.letter_id).order_by("order", "name")


def review_context(model_admin, request, signature) -> dict:
    """What the change page's "… and next" box shows (templates/…/change_form.html)."""
    may_change = model_admin.has_change_permission(request, signature)
    can_approve, can_reject = allowed_decisions(signature, may_change=may_change)
    if not (can_approve or can_reject):
        return {}
    return {
        "url": url_keeping_filters(model_admin, request, "decide", signature),
        "can_approve": can_approve,
        "can_reject": can_reject,
        "groups": list(approval_groups(signature)) if can_approve else [],
        "seen_at": timezone.now().isoformat(),
    }


def decide(model_admin, request, object_id):
    """POST only (SignatureAdmin.get_urls): approve or reject one signature."""
    signature = model_admin.get_object(request, unquote(object_id))
    if signature is None:
        raise Http404
    if not model_admin.has_change_permission(request, signature):
        raise PermissionDenied
    filters = QueryDict(request.GET.get("_changelist_filters", ""))
    form = DecisionForm(request.POST, signature=signature)
    if not form.is_valid():
        for errors in form.errors.values():
            model_admin.message_user(request, " ".join(errors), messages.ERROR)
        return HttpResponseRedirect(_change_url(signature, filters))
    data = form.cleaned_data
    name = signature.name
    if data["decision"] == APPROVE:
        done = services.signature_approve(
            signatures=[signature],
            reviewer=request.user,
            seen_at=data["seen_at"],
            group=data["group"],
        )
        done_message, skipped = _("“%(name)s” approved."), NOT_APPROVED
    else:
        done = services.signature_reject(
            signatures=[signature],
            reviewer=request.user,
            reason=data["reason"],
            seen_at=data["seen_at"],
        )
        done_message, skipped = _("“%(name)s” rejected."), NOT_REJECTED
    if done:
        model_admin.message_user(request, done_message % {"name": name}, messages.SUCCESS)
    else:
        model_admin.message_user(
            request,
            _("“%(name)s” skipped: %(reason)s.") % {"name": name, "reason": skipped},
            messages.WARNING,
        )
    if not data["next"]:
        return HttpResponseRedirect(_changelist_url(filters))
    following = next_in_queue(_queue(model_admin, request, filters), signature)
    if following is None:
        model_admin.message_user(
            request, _("That was the last signature of this list."), messages.INFO
        )
        return HttpResponseRedirect(_changelist_url(filters))
    return HttpResponseRedirect(_change_url(following, filters))


def _queue(model_admin, request, filters):
    """The list the moderator came from, filtered and ordered, without reading its page."""
    listing = copy.copy(request)
    listing.method, listing.GET = "GET", filters
    listing.queue_order_only = True  # SignatureAdmin.get_changelist
    try:
        return model_admin.get_changelist_instance(listing).queryset
    except IncorrectLookupParameters:
        return Signature.objects.none()


def _changelist_url(filters) -> str:
    url = reverse("admin:signatures_signature_changelist")
    return f"{url}?{filters.urlencode()}" if filters else url


def _change_url(signature, filters) -> str:
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    preserved = QueryDict(mutable=True)
    if filters:
        preserved["_changelist_filters"] = filters.urlencode()
    return f"{url}?{preserved.urlencode()}" if preserved else url
