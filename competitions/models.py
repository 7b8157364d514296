from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.enums import Aggregation, AttachmentType, GroupKind, Level, RegionKind, StageKind


class Region(models.Model):
    """A province, regency, city or district; agencies and judges belong to one."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_remote = models.BooleanField(
        _("remote (3T) region"),
        default=False,
        help_text=_("Frontier, outermost or underdeveloped (3T) region."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="region_unique_name_kind")]

    def __str__(self):
        return self.name


class Competition(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.CITY)
    organiser = models.CharField(_("organiser"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uses_endorsement = models.BooleanField(
        _("two-level chain"),
        default=False,
        help_text=_("Submissions go to the agency's local admin, who endorses them to the committee."),
    )
    is_public = models.BooleanField(_("listed on public pages"), default=True)
    logo = models.ImageField(_("organiser's logo"), upload_to="public/logos/", blank=True)
    signatory_name = models.CharField(_("signatory name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    signature = models.ImageField(_("signature image"), upload_to="private/signatures/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="competition_unique_name_year")]

    def __str__(self):
        return f"{self.name} {self.year}"

    def get_absolute_url(self):
        return reverse("competitions:detail", kwargs={"slug": self.slug})

    @property
    def submission_stage(self):
        return self.stages.filter(kind=StageKind.SUBMISSION).order_by("order").first()


class CommitteeMember(models.Model):
    """A member of the organiser's staff who runs one competition."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_roles")
    position = models.CharField(_("position"), max_length=120, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="committee_unique_member")]

    def __str__(self):
        return f"{self.user} @ {self.competition}"


class Category(models.Model):
    """A theme of the competition (health, education, ...)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["competition", "order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="category_unique_name")]

    def __str__(self):
        return self.name


class EntryGroup(models.Model):
    """Umum, replikasi or khusus, each with its eligibility rules."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=16, choices=GroupKind.choices)
    min_implementation_months = models.PositiveSmallIntegerField(
        _("minimum months running"),
        default=24,
        help_text=_("How long the innovation must have run before registration closes."),
    )
    entry_cap_per_agency = models.PositiveSmallIntegerField(
        _("entries per agency"), null=True, blank=True, help_text=_("Empty means no limit.")
    )

    class Meta:
        ordering = ["competition", "kind"]
        verbose_name = _("entry group")
        verbose_name_plural = _("entry groups")
        constraints = [
            models.UniqueConstraint(fields=["competition", "kind"], name="group_unique_kind"),
            models.CheckConstraint(
                condition=Q(entry_cap_per_agency__isnull=True) | Q(entry_cap_per_agency__gte=1),
                name="group_cap_positive",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class Stage(models.Model):
    """One round of the pipeline, with its window, rubric (judging.Criterion) and shortlist rule."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=StageKind.choices)
    name = models.CharField(_("name"), max_length=120)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    shortlist_size = models.PositiveIntegerField(
        _("shortlist size (Top N)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    pass_mark = models.DecimalField(
        _("pass mark (0-100)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    weight = models.PositiveSmallIntegerField(
        _("weight in the final score"), default=0, validators=[MaxValueValidator(100)]
    )
    judges_per_innovation = models.PositiveSmallIntegerField(
        _("judges per innovation"), default=3, validators=[MinValueValidator(1)]
    )
    aggregation = models.CharField(
        _("score aggregation"), max_length=16, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    trim_fraction = models.DecimalField(
        _("trimmed share at each end"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.45"))],
    )
    min_sheets = models.PositiveSmallIntegerField(_("minimum submitted sheets"), default=2)
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points)"), max_digits=5, decimal_places=2, default=Decimal("25.00")
    )
    anonymised = models.BooleanField(_("hide agencies from judges"), default=False)
    judges_see_others_after_submit = models.BooleanField(
        _("judges see other judges' scores after submitting"), default=False
    )
    exclude_same_region = models.BooleanField(_("no judge scores an entry from their own region"), default=False)
    objection_days = models.PositiveSmallIntegerField(_("objection window (days)"), default=0)

    class Meta:
        ordering = ["competition", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["competition", "order"], name="stage_unique_order"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="stage_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | (Q(pass_mark__gte=0) & Q(pass_mark__lte=100)),
                name="stage_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=Q(shortlist_size__isnull=True) | Q(shortlist_size__gte=1),
                name="stage_shortlist_positive",
            ),
            models.CheckConstraint(condition=Q(weight__lte=100), name="stage_weight_range"),
            models.CheckConstraint(condition=Q(judges_per_innovation__gte=1), name="stage_k_positive"),
            models.CheckConstraint(
                condition=Q(trim_fraction__gte=0) & Q(trim_fraction__lt=Decimal("0.5")),
                name="stage_trim_range",
            ),
        ]

    def __str__(self):
        return f"{self.competition}: {self.name}"

    @property
    def is_scored(self):
        return self.kind in StageKind.scored()

    def is_open(self, at=None):
        at = at or timezone.now()
        if self.opens_at and at < self.opens_at:
            return False
        return not (self.closes_at and at >= self.closes_at)


class Question(models.Model):
    """A section of the proposal form for one entry group."""

    group = models.ForeignKey(EntryGroup, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    word_limit = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["group", "order"]
        verbose_name = _("proposal section")
        verbose_name_plural = _("proposal sections")
        constraints = [
            models.UniqueConstraint(fields=["group", "order"], name="question_unique_order"),
            models.CheckConstraint(
                condition=Q(word_limit__isnull=True) | Q(word_limit__gte=1),
                name="question_word_limit_positive",
            ),
        ]

    def __str__(self):
        return self.title


class AttachmentRequirement(models.Model):
    """A kind of attachment the competition asks for, with its size limit and allowed types."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="attachment_kinds")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    allowed = models.CharField(
        _("allowed types"), max_length=16, choices=AttachmentType.choices, default=AttachmentType.PDF
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("size limit (MB)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    required = models.BooleanField(_("required"), default=True)
    max_files = models.PositiveSmallIntegerField(_("files at most"), default=1, validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["competition", "order"]
        verbose_name = _("attachment kind")
        verbose_name_plural = _("attachment kinds")
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="attachment_kind_unique_code"),
            models.CheckConstraint(
                condition=Q(max_size_mb__gte=1) & Q(max_size_mb__lte=50), name="attachment_kind_size_range"
            ),
            models.CheckConstraint(condition=Q(max_files__gte=1), name="attachment_kind_files_positive"),
        ]

    def __str__(self):
        return self.name
