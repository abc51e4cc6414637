from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.markdown import render_markdown


class LetterQuerySet(models.QuerySet):
    def public(self):
        """Letters anyone may read: open or closed, never drafts."""
        return self.exclude(status=Letter.Status.DRAFT)

    def open_for_signing(self):
        now = timezone.now()
        return self.filter(status=Letter.Status.OPEN).filter(
            models.Q(signing_deadline__isnull=True) | models.Q(signing_deadline__gt=now)
        )


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for signatures")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    letter_date = models.DateField(_("date on the letter"), default=timezone.localdate)
    addressees = models.TextField(
        _("addressees"),
        max_length=2000,
        help_text=_("One line each, as printed: names and titles, then the organization."),
    )
    salutation = models.CharField(
        _("salutation"), max_length=200, blank=True, help_text=_("For example “Dear Ms. Rivera:”")
    )
    body = models.TextField(
        _("body"),
        max_length=50000,
        help_text=_("Markdown. Paragraphs are separated by a blank line."),
    )
    closing = models.CharField(_("closing line"), max_length=100, default="Signed,")
    signing_deadline = models.DateTimeField(
        _("signing deadline"),
        null=True,
        blank=True,
        help_text=_("After this moment the letter accepts no more signatures."),
    )
    # Contact details of signers are purged a retention period after this moment.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # Bumped whenever the public list of signatories changes, so the cached page is rebuilt.
    signatories_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-letter_date", "-created_at"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Stamped on the save that closes the letter, cleared if it is reopened.
        if self.status == self.Status.CLOSED and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status != self.Status.CLOSED:
            self.closed_at = None
        if kwargs.get("update_fields") is not None and "status" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "closed_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("letters:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.status != self.Status.DRAFT

    @property
    def accepts_signatures(self):
        if self.status != self.Status.OPEN:
            return False
        return self.signing_deadline is None or self.signing_deadline > timezone.now()

    @property
    def addressee_lines(self):
        return [line.strip() for line in self.addressees.splitlines() if line.strip()]

    @property
    def body_html(self):
        return render_markdown(self.body)
