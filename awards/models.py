from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.enums import CertificateKind, ItemStatus, JobKind, JobStatus, Place
from competitions.enums import ShortlistRule
from competitions.models import Category, Competition, Stage
from submissions.models import Innovation


class ShortlistSnapshot(models.Model):
    """A published shortlist of a stage, frozen: never edited; a correction is a new snapshot superseding it."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="snapshots")
    rule = models.CharField(_("rule"), max_length=16, choices=ShortlistRule.choices)
    rule_params = models.JSONField(_("rule parameters"), default=dict)
    cutoff_score = models.DecimalField(_("cut-off score"), max_digits=9, decimal_places=4, null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    objections_until = models.DateTimeField(_("objections accepted until"), null=True, blank=True)
    # When the listed innovations were moved into the next stage (at once, or after the objection window).
    advanced_at = models.DateTimeField(_("moved to the next stage"), null=True, blank=True)

    class Meta:
        ordering = ["stage", "-published_at"]
        verbose_name = _("shortlist snapshot")
        verbose_name_plural = _("shortlist snapshots")
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="snapshot_correction_reason",
            )
        ]

    def __str__(self):
        return f"{self.stage} @ {self.published_at:%Y-%m-%d %H:%M}"

    @property
    def is_current(self):
        return not hasattr(self, "superseded_by")

    def objections_open(self, at=None):
        return bool(self.objections_until and (at or timezone.now()) < self.objections_until)


class ShortlistRow(models.Model):
    snapshot = models.ForeignKey(ShortlistSnapshot, on_delete=models.CASCADE, related_name="rows")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="shortlist_rows")
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=4, null=True)
    raw_mean = models.DecimalField(_("raw mean"), max_digits=9, decimal_places=4, null=True)
    sheets = models.PositiveSmallIntegerField(_("sheets"), default=0)
    tie_break = models.CharField(_("what broke the tie"), max_length=200, blank=True)
    listed = models.BooleanField(_("on the list"))
    override_reason = models.TextField(_("reason for a manual change"), blank=True)
    few_sheets = models.BooleanField(_("too few sheets"), default=False)

    class Meta:
        ordering = ["snapshot", "rank"]
        verbose_name = _("shortlist row")
        verbose_name_plural = _("shortlist rows")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "innovation"], name="snapshot_row_unique_innovation"),
            models.UniqueConstraint(fields=["snapshot", "rank"], name="snapshot_row_unique_rank"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.innovation}"


class Award(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="awards")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="awards")
    place = models.CharField(_("place"), max_length=16, choices=Place.choices)
    title = models.CharField(_("award title"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        ordering = ["competition", "category", "place"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            # One holder of each ranked place per category, and one of each overall place (no category).
            models.UniqueConstraint(
                fields=["competition", "category", "place"],
                condition=~Q(place=Place.SPECIAL) & Q(category__isnull=False),
                name="award_unique_place_per_category",
            ),
            models.UniqueConstraint(
                fields=["competition", "place"],
                condition=~Q(place=Place.SPECIAL) & Q(category__isnull=True),
                name="award_unique_overall_place",
            ),
            models.UniqueConstraint(
                fields=["competition", "innovation"],
                condition=~Q(place=Place.SPECIAL),
                name="award_one_place",
            ),
            models.CheckConstraint(condition=~Q(place=Place.SPECIAL) | ~Q(title=""), name="award_special_titled"),
        ]

    def __str__(self):
        return f"{self.get_place_display()}: {self.innovation}"


class Certificate(models.Model):
    """A certificate with a unique serial and a public verification code; made once, revocable."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    innovation = models.ForeignKey(
        Innovation, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates")
    holder = models.CharField(_("holder"), max_length=250)
    serial = models.CharField(_("serial"), max_length=40, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    file = models.FileField(_("PDF"), upload_to="private/certificates/", blank=True, max_length=300)
    content_hash = models.CharField(_("hash of the rendered content"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    # Who revoked it by hand (the committee member); empty when the system revoked it because the entitlement went.
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["competition", "kind", "serial"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=CertificateKind.JUDGE) & Q(judge__isnull=False) & Q(innovation__isnull=True))
                | (~Q(kind=CertificateKind.JUDGE) & Q(innovation__isnull=False) & Q(judge__isnull=True)),
                name="certificate_holder_matches_kind",
            ),
            # One certificate per holder and kind (per stage for finalists): re-running a batch makes no second.
            models.UniqueConstraint(
                fields=["competition", "kind", "innovation", "stage"],
                condition=Q(innovation__isnull=False) & Q(stage__isnull=False),
                name="certificate_unique_innovation_stage",
            ),
            models.UniqueConstraint(
                fields=["competition", "kind", "innovation"],
                condition=Q(innovation__isnull=False) & Q(stage__isnull=True),
                name="certificate_unique_innovation",
            ),
            models.UniqueConstraint(
                fields=["competition", "kind", "judge"],
                condition=Q(judge__isnull=False),
                name="certificate_unique_judge",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revocation_reason",
            ),
        ]

    def __str__(self):
        return f"{self.serial} {self.holder}"


class GenerationJob(models.Model):
    """A batch of background work (certificates, leaderboard PDFs) whose progress a page shows."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=16, choices=JobKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("items"), default=0)
    done = models.PositiveIntegerField(_("items done"), default=0)
    failed = models.PositiveIntegerField(_("items failed"), default=0)
    error = models.TextField(_("error"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.FileField(_("result file"), upload_to="private/jobs/", blank=True, max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("generation job")
        verbose_name_plural = _("generation jobs")
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="job_done_within_total"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self):
        return 100 if not self.total else round(100 * self.done / self.total)


class Objection(models.Model):
    """A public objection (sanggahan) to a published shortlist, filed during its objection window."""

    snapshot = models.ForeignKey(ShortlistSnapshot, on_delete=models.PROTECT, related_name="objections")
    innovation = models.ForeignKey(
        Innovation, verbose_name=_("innovation"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("your name"), max_length=150)
    email = models.EmailField(_("your e-mail"))
    reason = models.TextField(_("reason for the objection"))
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    answer = models.TextField(_("committee's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="objection_has_reason"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""), name="objection_answer_has_text"
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.innovation}"


class WinnersRelease(models.Model):
    """The moment the committee made a competition's winners public; before it, awards stay private."""

    competition = models.OneToOneField(Competition, on_delete=models.CASCADE, related_name="winners_release")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("winners publication")
        verbose_name_plural = _("winners publications")

    def __str__(self):
        return f"{self.competition} @ {self.published_at:%Y-%m-%d %H:%M}"


class SerialCounter(models.Model):
    """The last serial number given per competition and certificate kind; locked while allocating."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=CertificateKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "kind"], name="serial_counter_unique")]

    def __str__(self):
        return f"{self.competition_id}/{self.kind}: {self.last}"


class JobItem(models.Model):
    """One file of a batch job; its own row so a retried or redelivered task knows what is left to do."""

    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="items")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="job_items")
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["job", "pk"]
        verbose_name = _("job item")
        verbose_name_plural = _("job items")
        constraints = [models.UniqueConstraint(fields=["job", "certificate"], name="job_item_unique")]

    def __str__(self):
        return f"{self.job_id}/{self.certificate_id}: {self.status}"
