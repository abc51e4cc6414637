from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letters.markdown import render_markdown
from letters.plaintext import markdown_to_text, summarize
from letters.response_pdf import response_pdf_path, validate_response_pdf


class LetterQuerySet(models.QuerySet):
    def public(self):
        """Letters anyone may read: open or closed, never drafts."""
        return self.exclude(status=Letter.Status.DRAFT)

    def with_signatory_counts(self):
        """Each letter with `signatory_count`, its approved signatures, in the same query:
        a list of letters costs one query however many letters and signatures there are.
        Counted through the relation, since the signatures app builds on this one."""
        approved = (
            self.model._meta.get_field("signatures")
            .related_model.objects.approved()
            .filter(letter=models.OuterRef("pk"))
            .order_by()
            .values("letter")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            signatory_count=models.functions.Coalesce(models.Subquery(approved), 0)
        )

    def public_head(self, slug):
        """What a request for a public form of a letter needs first, or None: which letter,
        its public version, and whether it takes signatures (a LetterHead; the whole row,
        with its long text, is read only when a form must be rendered). Written out as SQL
        and read as a plain row, because building and running the ORM's query cost more than
        the query itself (a warm page's whole budget is that of a static file)."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        columns = ", ".join(map(quote, ("id", "public_version", "status", "signing_deadline")))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {quote(self.model._meta.db_table)}"  # noqa: S608
                f" WHERE {quote('slug')} = %s AND {quote('status')} <> %s",
                [slug, Letter.Status.DRAFT],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        pk, version, status, deadline = row
        if isinstance(deadline, str):  # SQLite hands a plain row's timestamps back as text
            deadline = datetime.fromisoformat(deadline)
        if deadline is not None and timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline, UTC)  # stored in UTC, as Django does
        return LetterHead(pk=pk, public_version=version, status=status, signing_deadline=deadline)

    def open_for_signing(self):
        now = timezone.now()
        return self.filter(status=Letter.Status.OPEN).filter(
            models.Q(signing_deadline__isnull=True) | models.Q(signing_deadline__gt=now)
        )

    def bump_public_version(self) -> int:
        """Mark what the public sees of these letters as changed, in the caller's transaction:
        their cached public forms are rendered again once it commits (letters/pages.py). The
        update locks each letter's row until then, so concurrent changes to one letter commit
        one after the other, each with a version of its own."""
        return self.update(public_version=F("public_version") + 1)


def _accepts_signatures(status, deadline) -> bool:
    return status == Letter.Status.OPEN and (deadline is None or deadline > timezone.now())


@dataclass(frozen=True, slots=True)
class LetterHead:
    """A public letter as a warm request for one of its forms needs it (public_head): enough
    to name the form's version; `load()` reads the whole letter when it must be rendered."""

    pk: int
    public_version: int
    status: str
    signing_deadline: datetime | None

    @property
    def accepts_signatures(self) -> bool:
        return _accepts_signatures(self.status, self.signing_deadline)

    def load(self) -> "Letter":
        return Letter.objects.get(pk=self.pk)


class LetterTextMixin:
    """How a letter's text (the letter itself or one of its revisions) is laid out."""

    @property
    def addressee_lines(self):
        return [line.strip() for line in self.addressees.splitlines() if line.strip()]

    @property
    def body_html(self):
        return render_markdown(self.body)


class Letter(LetterTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for signatures")
        CLOSED = "closed", _("Closed")
        DELIVERED = "delivered", _("Delivered")
        ANSWERED = "answered", _("Answered")

    class Grouping(models.TextChoices):
        NONE = "none", _("One alphabetical list")
        GROUP = "group", _("By the groups staff assign")
        REGION = "region", _("By state or region")

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language of the letter"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The letter’s own text is shown as written, marked with this language."),
    )
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
    description = models.CharField(
        _("short description"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown when the letter is shared on social media and in search results. "
            "Leave blank to use the start of the body."
        ),
    )
    grouping = models.CharField(
        _("signatories listed"),
        max_length=10,
        choices=Grouping,
        default=Grouping.NONE,
        help_text=_(
            "Each group is alphabetical with lead signers first. Assigned groups are listed "
            "in the order set below; regions alphabetically."
        ),
    )
    organizers = models.TextField(
        _("organizers"),
        max_length=2000,
        blank=True,
        help_text=_(
            "The organizations running this letter, one per line, as the public reads them."
        ),
    )
    contact_email = models.EmailField(
        _("organizers’ contact address"),
        max_length=254,
        blank=True,
        help_text=_(
            "Where signers, the press and the addressees can write to the organizers. Shown on "
            "the letter’s page; mail about the letter carries it as the address to reply to."
        ),
    )
    signing_deadline = models.DateTimeField(
        _("signing deadline"),
        null=True,
        blank=True,
        help_text=_("After this moment the letter accepts no more signatures."),
    )
    # The letter's life after signing: staff record when it reached its addressees, then
    # publish their answer. Recording either moves the status on (Letter.clean).
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_to = models.CharField(
        _("delivered to"),
        max_length=300,
        blank=True,
        help_text=_("Who received it, as the public reads it: “Dana Whitfield, CEO”."),
    )
    delivered_how = models.CharField(
        _("how it was delivered"),
        max_length=300,
        blank=True,
        help_text=_("Optional, for example “by email and by hand at the board meeting”."),
    )
    response_on = models.DateField(_("date of the response"), null=True, blank=True)
    response_text = models.TextField(
        _("the response"),
        max_length=50000,
        blank=True,
        help_text=_("The addressees’ answer as they wrote it. Markdown, shown on the page."),
    )
    response_pdf = models.FileField(
        _("the response as PDF"),
        upload_to=response_pdf_path,
        max_length=200,
        blank=True,
        validators=[validate_response_pdf],
        help_text=_("Optional: the answer as received, as a PDF file."),
    )
    # Contact details of signers are purged a retention period after this moment.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # Counts the changes the public can see (this row, its groups, its approved signatories),
    # each committed with the change itself; the cached public forms are keyed on it. A
    # counter rather than the newest `updated_at`, which is stamped when a statement runs,
    # not when its transaction commits, so a change committed late could hide behind it.
    public_version = models.PositiveBigIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-letter_date", "-created_at"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            # The lifecycle reads draft → open → closed → delivered → answered: a letter is
            # marked delivered only with its delivery on record, answered only with its answer.
            models.CheckConstraint(
                condition=~models.Q(status__in=["delivered", "answered"])
                | (models.Q(delivered_on__isnull=False) & ~models.Q(delivered_to="")),
                name="delivered_letter_records_its_delivery",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(response_on__isnull=False),
                name="answered_letter_records_its_response",
            ),
        ]

    # Statuses in which signing is over; contact details are purged counting from the first.
    ENDED_STATUSES = (Status.CLOSED, Status.DELIVERED, Status.ANSWERED)

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Stamped on the save that ends signing (closing it, or recording its delivery), kept
        # through delivery and response, cleared if it is reopened.
        if self.status in self.ENDED_STATUSES and self.closed_at is None:
            self.closed_at = timezone.now()
        elif self.status not in self.ENDED_STATUSES:
            self.closed_at = None
        if kwargs.get("update_fields") is not None and "status" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "closed_at"}
        # Every field of a letter is public, so every save of one is a new public version.
        bumped = not self._state.adding
        if bumped:
            self.public_version = F("public_version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "public_version"}
        super().save(*args, **kwargs)
        if bumped:
            self.refresh_from_db(fields=["public_version"])

    def get_absolute_url(self):
        return reverse("letters:detail", kwargs={"slug": self.slug})

    def clean(self):
        """Staff record the delivery and the response on the letter's form; the status follows
        them, so the page never says "delivered" without saying to whom and when."""
        super().clean()
        errors = {}
        delivery = (self.delivered_on, self.delivered_to.strip(), self.delivered_how.strip())
        response = (self.response_on, self.response_text.strip(), self.response_pdf)
        if any(delivery):
            if self.delivered_on is None:
                errors["delivered_on"] = _("Enter the date the letter was delivered.")
            if not self.delivered_to.strip():
                errors["delivered_to"] = _("Enter who the letter was delivered to.")
        if any(response):
            if not any(delivery):
                errors["response_on"] = _("Record the delivery before the response.")
            elif self.response_on is None:
                errors["response_on"] = _("Enter the date of the response.")
            if not (self.response_text.strip() or self.response_pdf):
                errors["response_text"] = _("Enter the response, or upload it as a PDF.")
        if errors:
            raise ValidationError(errors)
        if self.response_on:
            self.status = self.Status.ANSWERED
        elif self.delivered_on:
            self.status = self.Status.DELIVERED
        elif self.status in (self.Status.DELIVERED, self.Status.ANSWERED):
            raise ValidationError(
                {"status": _("Record the delivery below to mark the letter delivered.")}
            )

    @property
    def organizer_names(self):
        return [line.strip() for line in self.organizers.splitlines() if line.strip()]

    @property
    def lifecycle_display(self):
        """The status as a reader should take it: an open letter past its deadline is closed."""
        if self.status == self.Status.OPEN and not self.accepts_signatures:
            return self.Status.CLOSED.label
        return self.get_status_display()

    @property
    def is_delivered(self):
        return self.status in (self.Status.DELIVERED, self.Status.ANSWERED)

    @property
    def is_answered(self):
        return self.status == self.Status.ANSWERED

    @property
    def is_public(self):
        return self.status != self.Status.DRAFT

    @property
    def accepts_signatures(self):
        return _accepts_signatures(self.status, self.signing_deadline)

    @property
    def text_is_agreed(self):
        """Whether any contact has confirmed this letter's text: from then on an edit to the
        text is recorded as a revision (and may call for re-confirmation) instead of silently
        changing what people signed."""
        return self.signatures.filter(confirmed_at__isnull=False).exists()

    def material_changes_since(self, revision):
        """The material revisions made after `revision` (all of them for None: a signature
        confirmed before revisions were recorded)."""
        changes = self.revisions.filter(kind=LetterRevision.Kind.MATERIAL)
        return changes if revision is None else changes.filter(number__gt=revision.number)

    @property
    def summary(self):
        """The short description for link previews and search results."""
        return self.description or summarize(markdown_to_text(self.body))

    def get_canonical_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def response_pdf_url(self):
        """Served through a view (letters.views.response_pdf), never as raw media."""
        return settings.SITE_URL + reverse("letters:response_pdf", kwargs={"slug": self.slug})

    @property
    def response_html(self):
        return render_markdown(self.response_text)


class LetterGroup(models.Model):
    """A heading under which staff list some of a letter's signatories, e.g. "National
    organizations"; used when the letter's grouping is by assigned group."""

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="groups", verbose_name=_("letter")
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Groups are listed lowest number first.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["letter", "order", "id"]
        verbose_name = _("signatory group")
        verbose_name_plural = _("signatory groups")
        constraints = [
            models.UniqueConstraint(fields=["letter", "name"], name="one_group_name_per_letter")
        ]

    def __str__(self):
        return f"{self.name} ({self.letter})"

    # The headings and their order are part of the letter's public forms.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Letter.objects.filter(pk=self.letter_id).bump_public_version()

    def delete(self, *args, **kwargs):
        Letter.objects.filter(pk=self.letter_id).bump_public_version()
        return super().delete(*args, **kwargs)


class LetterRevision(LetterTextMixin, models.Model):
    """A snapshot of the text signers agree to. Revision 1 is the text as it stood when the
    first contact confirmed; every later edit of that text by staff adds the next number."""

    # The fields whose wording signers agree to; the letter's date and status are not.
    TEXT_FIELDS = ("title", "addressees", "salutation", "body", "closing")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Text first agreed")
        TYPO = "typo", _("Typo fix")
        MATERIAL = "material", _("Material change")

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("letter")
    )
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    note = models.TextField(
        _("note"),
        max_length=2000,
        blank=True,
        help_text=_("Public: shown in the revision history and in the mail to signers."),
    )
    title = models.CharField(_("title"), max_length=200)
    addressees = models.TextField(_("addressees"), max_length=2000)
    salutation = models.CharField(_("salutation"), max_length=200, blank=True)
    body = models.TextField(_("body"), max_length=50000)
    closing = models.CharField(_("closing line"), max_length=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["letter", "number"]
        get_latest_by = "number"
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="one_revision_per_number"),
            # Revision 1 is the first agreed text and only it is; every later one is an edit.
            models.CheckConstraint(
                condition=models.Q(number=1, kind="initial")
                | (models.Q(number__gt=1) & ~models.Q(kind="initial")),
                name="revision_one_is_the_initial_text",
            ),
        ]

    def __str__(self):
        # The snapshot's own title, so listing revisions (admin filters) needs no join.
        return _("%(title)s — revision %(number)d") % {"title": self.title, "number": self.number}

    def get_absolute_url(self):
        return reverse("letters:revision", kwargs={"slug": self.letter.slug, "number": self.number})

    @property
    def is_material(self):
        return self.kind == self.Kind.MATERIAL


class LetterPdf(models.Model):
    """The letter as a PDF (letters/pdf.py), kept once made. Laying out a PDF takes a second or
    two per thousand signatories, so a large letter's is made by the worker, not in a request,
    and readers get the newest one made until the next is ready."""

    letter = models.OneToOneField(
        Letter, on_delete=models.CASCADE, primary_key=True, related_name="pdf"
    )
    # What it shows: the form version (its ETag, letters.pages.form_version) and the letter's
    # public version it was made from, so a slower, older rendering never replaces a newer one.
    version = models.CharField(max_length=32)
    public_version = models.PositiveBigIntegerField()
    content = models.BinaryField()
    rendered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("letter PDF")
        verbose_name_plural = _("letter PDFs")

    def __str__(self):
        return f"{self.letter_id} @ {self.public_version}"
