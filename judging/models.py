from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from competitions.models import Competition, Region, Stage
from judging.enums import SheetAction, SheetStatus
from submissions.models import Agency, Innovation


class Criterion(models.Model):
    """One line of a stage's rubric."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    min_score = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=Decimal(0))
    max_score = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=Decimal(100))
    step = models.DecimalField(_("step"), max_digits=6, decimal_places=2, default=Decimal(1))

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["stage", "code"], name="criterion_unique_code"),
            models.UniqueConstraint(fields=["stage", "order"], name="criterion_unique_order"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_nonnegative"),
            models.CheckConstraint(condition=Q(max_score__gt=F("min_score")), name="criterion_scale_ordered"),
            models.CheckConstraint(condition=Q(min_score__gte=0), name="criterion_min_nonnegative"),
            models.CheckConstraint(condition=Q(step__gt=0), name="criterion_step_positive"),
        ]

    def __str__(self):
        return self.name


class CriterionLevel(models.Model):
    """An optional descriptor of what a score on a criterion means."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    descriptor = models.CharField(_("descriptor"), max_length=300)

    class Meta:
        ordering = ["criterion", "score"]
        verbose_name = _("score level")
        verbose_name_plural = _("score levels")
        constraints = [models.UniqueConstraint(fields=["criterion", "score"], name="level_unique_score")]

    def __str__(self):
        return f"{self.score}: {self.descriptor}"


class PanelMember(models.Model):
    """A judge on a stage's panel, with the agency and region that define their conflicts."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="panel")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_seats")
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("own agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["stage", "judge"], name="panel_unique_judge")]

    def __str__(self):
        return f"{self.judge} @ {self.stage}"


class Conflict(models.Model):
    """A judge's declared conflict of interest with an agency or one innovation, for a whole competition."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="conflicts")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    innovation = models.ForeignKey(Innovation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(innovation__isnull=True))
                | (Q(agency__isnull=True) & Q(innovation__isnull=False)),
                name="conflict_one_target",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
            models.UniqueConstraint(
                fields=["competition", "judge", "agency"],
                condition=Q(agency__isnull=False),
                name="conflict_unique_agency",
            ),
            models.UniqueConstraint(
                fields=["competition", "judge", "innovation"],
                condition=Q(innovation__isnull=False),
                name="conflict_unique_innovation",
            ),
        ]

    def __str__(self):
        return f"{self.judge}: {self.agency or self.innovation}"


class Assignment(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    # Made by hand by the committee: an automatic re-run keeps it even before the judge starts.
    is_manual = models.BooleanField(_("assigned by hand"), default=False)
    # A released assignment (conflict declared, judge withdrawn, manual removal) stays for the audit trail but no
    # longer shows in the judge's queue nor counts in the ranking.
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_reason = models.CharField(_("reason for release"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["stage", "judge", "innovation"], name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.judge} -> {self.innovation}"


class ScoreSheet(models.Model):
    """A judge's scores for one assigned innovation; exactly one per assignment."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="sheet")
    status = models.CharField(
        _("status"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT, db_index=True
    )
    comment = models.TextField(_("comment"), blank=True)
    # Bumped on every save so that two tabs saving the same sheet cannot overwrite each other unseen.
    version = models.PositiveIntegerField(default=0)
    total = models.DecimalField(_("sheet total (0-100)"), max_digits=9, decimal_places=4, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SheetStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="sheet_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                name="sheet_total_range",
            ),
        ]

    def __str__(self):
        return f"{self.assignment}: {self.get_status_display()}"


class CriterionScore(models.Model):
    """One score on one criterion; the scale in force when it was given is kept beside it."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    scale_min = models.DecimalField(max_digits=6, decimal_places=2)
    scale_max = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__gte=F("scale_min")) & Q(value__lte=F("scale_max")),
                name="score_within_scale",
            ),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="score_scale_ordered"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class SheetEvent(models.Model):
    """Audit trail of a sheet: every save, submit and reopen, with the values before and after."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=SheetAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("sheet event")
        verbose_name_plural = _("sheet events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=SheetAction.REOPEN) | ~Q(reason=""), name="sheet_reopen_has_reason"
            )
        ]

    def __str__(self):
        return f"{self.sheet}: {self.action}"


class EntryTally(models.Model):
    """What the ranking needs of one innovation's counted sheets in one stage, kept current at every change.

    A sheet counts when it is submitted, has a total and its assignment is not released. judging.tallies refreshes
    the row, under a row lock, in the same transaction as each change to what counts (submit, reopen, release,
    restore), so the ranking reads one row per entry instead of every sheet and criterion score. tie_key is the
    declared criterion tie-break as a string that sorts ascending in the tie-break order (see judging.tallies).
    """

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="tallies")
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="tallies")
    sheets = models.PositiveIntegerField(_("counted sheets"), default=0)
    total_sum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    total_min = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    total_max = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    mid_sum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    mid_n = models.PositiveSmallIntegerField(default=0)
    trim_percent = models.PositiveSmallIntegerField(default=0)
    trim_sum = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    trim_n = models.PositiveIntegerField(default=0)
    tie_key = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entry tally")
        verbose_name_plural = _("entry tallies")
        constraints = [models.UniqueConstraint(fields=["stage", "innovation"], name="tally_unique_entry")]

    def __str__(self):
        return f"{self.stage_id}/{self.innovation_id}: {self.sheets}"
