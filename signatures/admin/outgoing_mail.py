from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from signatures import outbox
from signatures.models import OutgoingMail


class MailNeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Failed, gave up or stuck in the queue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            cutoff = timezone.now() - timedelta(seconds=settings.MAIL_REQUEUE_AFTER_SECONDS)
            return queryset.needs_attention(cutoff=cutoff)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "to",
        "kind",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = (MailNeedsAttentionFilter, "status", "kind")
    search_fields = ("to", "subject")
    list_select_related = ("signature",)
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ("retry_now",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The outbox is a record; staff never edit a message, they only ask for a retry.
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("signatures.change_outgoingmail")

    @admin.action(description=_("Retry sending selected mail now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        selected = list(queryset)
        done = outbox.retry_now(mails=selected)
        self.message_user(
            request,
            ngettext("%d mail queued for sending.", "%d mails queued for sending.", done) % done,
            messages.SUCCESS,
        )
        if skipped := len(selected) - done:
            self.message_user(
                request,
                _("%(count)d skipped: already sent.") % {"count": skipped},
                messages.WARNING,
            )
