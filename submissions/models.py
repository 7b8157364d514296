from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from competitions.models import (
    AttachmentRequirement,
    Category,
    Competition,
    EntryGroup,
    Question,
    Region,
    Stage,
)
from submissions.enums import AgencyKind, EndorsementOutcome, InnovationStatus, ScreeningOutcome


class LocalAdmin(models.Model):
    """The coordinator of a region's agencies in a multi-level competition."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="local_admin")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_admins")
    office = models.CharField(_("office"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("local admin")
        verbose_name_plural = _("local admins")

    def __str__(self):
        return f"{self.user} ({self.region})"


class Agency(models.Model):
    """A public-service unit that submits innovations."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agencies")
    local_admin = models.ForeignKey(
        LocalAdmin,
        verbose_name=_("coordinating local admin"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agencies",
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="agency_unique_name_region")]

    def __str__(self):
        return self.name


class AgencyMembership(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships")
    is_contact = models.BooleanField(_("main contact"), default=False)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency member")
        verbose_name_plural = _("agency members")
        constraints = [models.UniqueConstraint(fields=["agency", "user"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.agency}"


class Innovation(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="innovations")
    group = models.ForeignKey(EntryGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="innovations")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="innovations"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="innovations")
    title = models.CharField(_("title"), max_length=250)
    start_date = models.DateField(_("running since"), null=True, blank=True)
    innovator = models.CharField(_("innovator or team"), max_length=250, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    replicates = models.CharField(
        _("replicated innovation"),
        max_length=250,
        blank=True,
        help_text=_("For replication entries: the earlier finalist's innovation and its region."),
    )
    declaration = models.BooleanField(_("truthfulness declaration accepted"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InnovationStatus.choices,
        default=InnovationStatus.DRAFT,
        db_index=True,
    )
    entry_number = models.CharField(_("entry number"), max_length=32, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    stage_reached = models.ForeignKey(
        Stage,
        verbose_name=_("stage reached"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovations_reached",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["competition", "title"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "entry_number"],
                condition=Q(entry_number__isnull=False),
                name="innovation_unique_entry_number",
            ),
            # Anything beyond a draft has been submitted at a known time.
            models.CheckConstraint(
                condition=Q(status=InnovationStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="innovation_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["competition", "status"], name="innovation_comp_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("submissions:innovation", kwargs={"pk": self.pk})


class Answer(models.Model):
    """The text of one proposal section."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["innovation", "question"], name="answer_unique")]

    def __str__(self):
        return f"{self.innovation}: {self.question}"


def attachment_path(instance, filename):
    # The stored name never carries the uploader's file name: it may name the agency (anonymised judging).
    return f"private/attachments/{instance.innovation.competition_id}/{instance.innovation_id}/{instance.sha256}"


class Attachment(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(AttachmentRequirement, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["requirement__order", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.UniqueConstraint(fields=["innovation", "sha256"], name="attachment_unique_content"),
        ]

    def __str__(self):
        return self.original_name


class StageEntry(models.Model):
    """An innovation taking part in a stage; created when it enters the stage (submission, or a shortlist)."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="stage_entries")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="entries")
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage entry")
        verbose_name_plural = _("stage entries")
        constraints = [models.UniqueConstraint(fields=["innovation", "stage"], name="stage_entry_unique")]

    def __str__(self):
        return f"{self.innovation} in {self.stage}"


class EndorsementDecision(models.Model):
    """A local admin's decision on a submitted innovation in the two-level chain."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="endorsements")
    outcome = models.CharField(_("decision"), max_length=16, choices=EndorsementOutcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("endorsement decision")
        verbose_name_plural = _("endorsement decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=EndorsementOutcome.RETURNED) | ~Q(comment=""),
                name="endorsement_return_has_comment",
            )
        ]

    def __str__(self):
        return f"{self.innovation}: {self.get_outcome_display()}"


class ScreeningDecision(models.Model):
    """The committee's administrative screening decision; the newest one is in force."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="screenings")
    outcome = models.CharField(_("decision"), max_length=16, choices=ScreeningOutcome.choices)
    reason = models.TextField(_("reason"))
    checklist = models.JSONField(_("completeness checklist"), default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="screening_has_reason")]

    def __str__(self):
        return f"{self.innovation}: {self.get_outcome_display()}"
