import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, LetterGroup, LetterRevision
from signatures.spoofing import displayable, skeleton

_NON_WORD = re.compile(r"[\W_]+")

# A ?source= code: short, lower case, letters, digits and dashes, so that whatever a link
# carries can neither bloat the row nor read as anything but a code in the admin.
SOURCE_MAX_LENGTH = 40
_SOURCE = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{SOURCE_MAX_LENGTH - 1}}}")


def clean_source_code(value) -> str:
    """The code a signing link carries, lower-cased, or "" if it is not one: a malformed code
    never stops anyone from signing."""
    code = str(value or "").strip().lower()
    return code if _SOURCE.fullmatch(code) else ""


def normalize_organization_name(name: str) -> str:
    """The form of a name under which two spellings of one organization compare equal:
    case, compatibility forms, invisible characters, look-alike letters of other scripts and
    accents (signatures/spoofing.py), spacing, punctuation, "&"/"and" and a leading "The"."""
    text = skeleton(displayable(name).casefold()).replace("&", " and ")
    text = _NON_WORD.sub(" ", text).strip()
    text = re.sub(r"^the\s+", "", text)
    return text


class NormalizedNameMixin:
    """Keeps `normalized_name` in step with `name`, so unique constraints on it hold."""

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_organization_name(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalized_name"}
        super().save(*args, **kwargs)


class Organization(NormalizedNameMixin, models.Model):
    """One organization across letters, so that a moderator sees what it signed before and
    notices a newcomer using its name. Signatures are linked by `signature_submit`."""

    name = models.CharField(_("name"), max_length=200)
    normalized_name = models.CharField(max_length=200, unique=True, editable=False)
    website_domain = models.CharField(
        _("website domain"),
        max_length=253,
        blank=True,
        help_text=_("Without “www.”, for example “aclu-wa.org”. Empty for shared hosts."),
    )
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["website_domain"],
                condition=~models.Q(website_domain=""),
                name="one_organization_per_website_domain",
            ),
            models.CheckConstraint(
                condition=~models.Q(normalized_name=""), name="organization_record_name_not_blank"
            ),
        ]

    def __str__(self):
        return self.name


class SignatureStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Awaiting email confirmation")
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Entries that hold their organization's place on a letter. Rejected and withdrawn ones don't:
# an impostor's rejected entry must not lock the real organization out, and an organization
# that withdrew may sign again. Look-alikes count against a newcomer only in these states.
STANDING_STATUSES = (SignatureStatus.UNCONFIRMED, SignatureStatus.PENDING, SignatureStatus.APPROVED)
# Standing entries whose contact has confirmed: they stand behind the letter's text, so they
# carry a confirmation date and are asked again after a material change.
CONFIRMED_STATUSES = (SignatureStatus.PENDING, SignatureStatus.APPROVED)
# Entries a moderator still has to decide on (the queue's "needs attention" covers only these).
UNDECIDED_STATUSES = (SignatureStatus.UNCONFIRMED, SignatureStatus.PENDING)
# What a review may move: approval needs a confirmed contact (an earlier rejection can be
# undone); anything not yet rejected or withdrawn may be rejected.
APPROVABLE_STATUSES = (SignatureStatus.PENDING, SignatureStatus.REJECTED)
REJECTABLE_STATUSES = STANDING_STATUSES


class SignatureQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Signature.Status.APPROVED)

    def standing(self):
        """Entries that hold their organization's place on a letter (see the constraint)."""
        return self.filter(status__in=STANDING_STATUSES)

    def confirmed(self):
        """Standing entries whose contact has agreed to the letter's text."""
        return self.filter(status__in=CONFIRMED_STATUSES)

    def undecided(self):
        """Entries a moderator has yet to approve or reject."""
        return self.filter(status__in=UNDECIDED_STATUSES)

    def to_ask_again(self):
        """Whom a material change of the text mails: confirmed entries whose contact details
        are still kept."""
        return self.confirmed().filter(contacts_purged_at__isnull=True).exclude(contact_email="")

    def contacts_due_for_purge(self, *, cutoff):
        """Signatures still holding contact details on letters whose signing ended before
        cutoff: closed by staff, or past their signing deadline."""
        return self.filter(contacts_purged_at__isnull=True).filter(signing_ended_before(cutoff))


def signing_ended_before(cutoff) -> models.Q:
    """Rows of letters closed by staff, or past their signing deadline, before cutoff."""
    return models.Q(letter__closed_at__lte=cutoff) | models.Q(letter__signing_deadline__lte=cutoff)


class Signature(NormalizedNameMixin, models.Model):
    Status = SignatureStatus
    STANDING_STATUSES = STANDING_STATUSES
    APPROVABLE_STATUSES = APPROVABLE_STATUSES
    REJECTABLE_STATUSES = REJECTABLE_STATUSES
    CONFIRMED_STATUSES = CONFIRMED_STATUSES

    # What an organization tells the public about itself, and what its contact tells only
    # the organizers; a signer gives both on the signing form and may correct them later.
    ORGANIZATION_FIELDS = ("name", "website", "city", "region", "country")
    CONTACT_FIELDS = ("contact_name", "contact_title", "contact_email")
    CORRECTABLE_FIELDS = ORGANIZATION_FIELDS + CONTACT_FIELDS
    SIGNER_FIELDS = CORRECTABLE_FIELDS + ("authorized", "note", "notify_outcome", "source")

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("letter")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("organization record"),
        help_text=_("The same organization across letters."),
    )
    name = models.CharField(_("organization name"), max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False)
    website = models.URLField(_("website"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100)

    # Contact details may be blank only after purge_contacts has removed them (see the
    # constraint below); the signing and manage forms require them.
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_title = models.CharField(_("contact title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), max_length=254, blank=True)
    authorized = models.BooleanField(_("authorized to sign"), default=False)
    note = models.TextField(_("note to the organizers"), max_length=2000, blank=True)
    notify_outcome = models.BooleanField(
        _("wants news of the delivery"),
        default=False,
        help_text=_("Asked when signing to be mailed when the letter is delivered and answered."),
    )
    # Which partner's link brought this signer: the ?source= code on the signing link.
    source = models.CharField(
        _("source"),
        max_length=SOURCE_MAX_LENGTH,
        blank=True,
        db_index=True,
        help_text=_("The code on the signing link the organization came by (?source=…)."),
    )
    submitted_ip = models.GenericIPAddressField(_("submitted from IP"), null=True, blank=True)
    # The worker that writes to the contact has no request to take a language from.
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("The language the contact signed in; mail to them is written in it."),
    )

    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.UNCONFIRMED, db_index=True
    )
    is_lead = models.BooleanField(_("lead signer"), default=False)
    lead_order = models.PositiveSmallIntegerField(
        _("lead order"),
        default=0,
        help_text=_("Lead signers are listed first, lowest number first."),
    )
    group = models.ForeignKey(
        LetterGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("group"),
        help_text=_("Where the organization is listed when the letter is grouped."),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # RESTRICT rather than PROTECT: a revision can't be deleted while signatures point to
    # it, yet deleting the whole letter (which cascades to both) still works.
    confirmed_revision = models.ForeignKey(
        LetterRevision,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed revision"),
        help_text=_("The text of the letter its contact last confirmed."),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=2000, blank=True)
    contacts_purged_at = models.DateTimeField(
        _("contact details purged"),
        null=True,
        blank=True,
        help_text=_("Contact details are removed a while after the letter closes."),
    )
    rejection_reason = models.TextField(
        _("rejection reason"),
        max_length=2000,
        blank=True,
        help_text=_("Sent to the contact with the rejection."),
    )
    # Impostor signals from signatures/trust/, stored so that the admin can filter and order
    # by them in the database. The worker computes them after each change that may alter them
    # (signatures/trust/refresh.py); until it has, `risk_assessed_at` is empty and the queue
    # says the flags are pending.
    risk_score = models.PositiveSmallIntegerField(_("risk score"), default=0)
    risk_flags = models.CharField(_("risk flags"), max_length=200, blank=True)
    risk_assessed_at = models.DateTimeField(_("flags computed"), null=True, blank=True)
    # What the worker compares a signature by when it seeks look-alikes, stored with its flags
    # (signatures/trust/keys.py) so that a letter's signatures are compared without parsing
    # them again. Only meaningful once the flags are computed; blank until then.
    name_key = models.TextField(blank=True, editable=False)
    name_numbers = models.TextField(blank=True, editable=False)
    name_acronyms = models.TextField(blank=True, editable=False)
    name_spellings = models.TextField(blank=True, editable=False)
    website_key = models.CharField(max_length=253, blank=True, editable=False)
    # A copy of the contact address: purge_contacts blanks it too.
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "normalized_name"],
                condition=models.Q(status__in=list(STANDING_STATUSES)),
                name="one_signature_per_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=list(CONFIRMED_STATUSES))
                | models.Q(confirmed_at__isnull=False),
                name="reviewable_signatures_are_confirmed",
            ),
            models.CheckConstraint(
                condition=~models.Q(normalized_name=""), name="organization_name_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(contacts_purged_at__isnull=False)
                | (~models.Q(contact_name="") & ~models.Q(contact_email="")),
                name="contact_known_until_purged",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=SignatureStatus.WITHDRAWN)
                | models.Q(withdrawn_at__isnull=False),
                name="withdrawal_has_a_date",
            ),
        ]
        # The moderation queue pages through the newest first, filtered by letter, status or
        # risk: each of those reads one page of an index rather than sorting the table.
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="signature_newest"),
            models.Index(
                fields=["letter", "status", "submitted_at"], name="signature_letter_status"
            ),
            models.Index(fields=["letter", "submitted_at"], name="signature_letter_newest"),
            models.Index(fields=["status", "submitted_at"], name="signature_status_newest"),
            models.Index(fields=["risk_score", "submitted_at"], name="signature_riskiest"),
            # The few whose flags the worker has yet to compute (signatures/trust/refresh.py).
            models.Index(
                fields=["letter"],
                condition=models.Q(risk_assessed_at__isnull=True),
                name="signature_flags_pending",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.group_id and self.group.letter_id != self.letter_id:
            raise ValidationError({"group": _("Choose a group of this signature's letter.")})

    @property
    def location(self):
        return ", ".join(part for part in (self.city, self.region) if part)

    @property
    def invite_code(self):
        """The ?source= code on the signing link this organization invites others with, so
        that organizers see whom it brought: its name as a slug, or its number if the name
        has no letters a slug keeps."""
        code = slugify(self.name)[:SOURCE_MAX_LENGTH].strip("-_")
        return clean_source_code(code) or f"signer-{self.pk}"


class OutgoingMailQuerySet(models.QuerySet):
    def undelivered(self):
        return self.filter(status__in=OutgoingMail.UNDELIVERED)

    def overdue(self, *, cutoff):
        """Undelivered mail whose attempt was due before cutoff: its task was lost (or the
        worker is far behind, which a second copy of the task does not harm)."""
        return self.undelivered().filter(
            models.Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
            | models.Q(next_attempt_at__lte=cutoff)
        )

    def needs_attention(self, *, cutoff):
        """What a moderator should look at: failing or abandoned mail, and mail stuck in the
        queue (no worker running?)."""
        return self.filter(
            models.Q(status__in=[OutgoingMail.Status.FAILED, OutgoingMail.Status.GAVE_UP])
            | models.Q(status=OutgoingMail.Status.QUEUED, created_at__lte=cutoff)
        )


class OutgoingMail(models.Model):
    """Every message to a signer is written here in the same transaction as the change that
    caused it, then delivered by the worker, so a dead mail server delays mail but loses none."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Gave up")

    # A "sending" row whose lease ran out (its worker died mid-send) is taken up again.
    UNDELIVERED = (Status.QUEUED, Status.FAILED, Status.SENDING)

    signature = models.ForeignKey(
        Signature,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("signature"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"), max_length=254)
    # The letter's organizers, so that a signer's reply reaches people rather than the
    # sending address; empty for mail with nobody particular to answer to.
    reply_to = models.EmailField(_("reply to"), max_length=254, blank=True)
    # Names and titles of up to 200 characters each go into it; a mail must never fail to be
    # stored (and take the signature with it) over a long subject.
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")

    def __str__(self):
        return f"{self.subject} → {self.to}"


class ReviewDigestSubscription(models.Model):
    """A staff member who asked to be mailed when signatures await review
    (signatures/digest.py sends it, at most once an hour)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_digest",
        verbose_name=_("staff member"),
    )
    # Also the moment up to which work was reported: the next digest waits for newer work.
    last_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("review digest subscription")
        verbose_name_plural = _("review digest subscriptions")

    def __str__(self):
        return str(self.user)


class SignatureImport(models.Model):
    """A spreadsheet of organizations that signed elsewhere (a form the coalition ran before,
    say), uploaded by staff and kept, read into rows, until they import it or delete it. Its
    rows hold contact details: staff-only, and purged with the letter's contacts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be imported")
        IMPORTED = "imported", _("Imported")

    class Confirmation(models.TextChoices):
        CONFIRMED = (
            "confirmed",
            _("They have agreed already: count them as confirmed (they await review)"),
        )
        EMAIL = "email", _("Email each contact a link to confirm, as the signing form does")

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="imports", verbose_name=_("letter")
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, editable=False)
    # The header each imported field was read from, and the rows as [number, {field: text}].
    columns = models.JSONField(_("columns"), default=dict, editable=False)
    rows = models.JSONField(default=list, editable=False)
    confirmation = models.CharField(
        _("the imported signatures"),
        max_length=10,
        choices=Confirmation,
        default=Confirmation.EMAIL,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, editable=False
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("imported by"),
    )
    imported_count = models.PositiveIntegerField(_("signatures added"), default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signature import")
        verbose_name_plural = _("signature imports")

    def __str__(self):
        return self.file_name

    @property
    def row_count(self):
        return len(self.rows)


class LookAlikeLink(models.Model):
    """A signature that looks like another on the same letter, and why: found by the worker,
    stored in both directions, and read by the admin, which never searches for look-alikes.

    No foreign-key constraints in the database: checking one locks the signature's row, so
    the worker would wait for a moderator holding it, who may be waiting for the worker. The
    links are derived data, deleted with their signatures by Django's cascade."""

    signature = models.ForeignKey(
        Signature,
        on_delete=models.CASCADE,
        related_name="look_alike_links",
        db_constraint=False,
    )
    other = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # signatures.trust.Reason values, comma-separated.
    reasons = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signature", "other"], name="one_link_per_look_alike")
        ]

    def __str__(self):
        return f"{self.signature_id} ~ {self.other_id} ({self.reasons})"
