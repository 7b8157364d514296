"""Reusable querysets and heavier reads of judging: eligibility, queues, progress."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from judging.enums import SheetStatus
from judging.models import Assignment, Conflict, Criterion, CriterionScore, PanelMember
from submissions.enums import InnovationStatus
from submissions.models import AgencyMembership, Innovation, StageEntry


def active_panel(stage):
    return PanelMember.objects.filter(stage=stage, withdrawn_at__isnull=True).select_related(
        "judge", "agency", "region"
    )


def stage_innovations(stage):
    """Innovations taking part in the stage (withdrawn ones excluded)."""
    return Innovation.objects.filter(pk__in=StageEntry.objects.filter(stage=stage).values("innovation_id")).exclude(
        status=InnovationStatus.WITHDRAWN
    )


def active_assignments(stage):
    return Assignment.objects.filter(stage=stage, released_at__isnull=True)


def exclusion_reasons(stage, judge_id, judge_agency_id, judge_region_id, innovation, conflicts, memberships):
    """Why a judge may not score an innovation: a list of reason codes (empty when eligible)."""
    reasons = []
    if innovation.agency_id == judge_agency_id or innovation.agency_id in memberships.get(judge_id, ()):
        reasons.append("own_agency")
    agencies, innovations = conflicts.get(judge_id, (set(), set()))
    if innovation.agency_id in agencies or innovation.pk in innovations:
        reasons.append("conflict")
    if stage.exclude_same_region and judge_region_id and judge_region_id == innovation.agency.region_id:
        reasons.append("same_region")
    return reasons


def eligibility(stage):
    """(innovations, panel members, eligible map innovation id -> judge ids, exclusion counters per innovation)."""
    innovations = list(stage_innovations(stage).select_related("agency").order_by("pk"))
    panel = list(active_panel(stage).order_by("judge_id"))
    judge_ids = [m.judge_id for m in panel]
    conflicts = defaultdict(lambda: (set(), set()))
    for judge_id, agency_id, innovation_id in Conflict.objects.filter(
        competition=stage.competition_id, judge_id__in=judge_ids
    ).values_list("judge_id", "agency_id", "innovation_id"):
        if agency_id:
            conflicts[judge_id][0].add(agency_id)
        if innovation_id:
            conflicts[judge_id][1].add(innovation_id)
    memberships = defaultdict(set)
    for user_id, agency_id in AgencyMembership.objects.filter(user_id__in=judge_ids).values_list(
        "user_id", "agency_id"
    ):
        memberships[user_id].add(agency_id)
    eligible = {}
    excluded = {}
    for innovation in innovations:
        eligible[innovation.pk] = set()
        counter = Counter()
        for m in panel:
            reasons = exclusion_reasons(stage, m.judge_id, m.agency_id, m.region_id, innovation, conflicts, memberships)
            if reasons:
                counter.update(reasons)
            else:
                eligible[innovation.pk].add(m.judge_id)
        excluded[innovation.pk] = counter
    return innovations, panel, eligible, excluded


def _count_of(queryset, group):
    """COUNT(*) of a correlated queryset as a subquery expression, 0 when it has no row."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


# The judge's queue: by competition, stage and entry number; pk last so that pages never overlap or skip a row.
QUEUE_ORDER = ("stage__competition__name", "stage__order", "innovation__entry_number", "innovation__pk", "pk")
# Within one stage (the scoring page's previous / next): the same order as the queue shows that stage's rows in.
_STAGE_ORDER = ("innovation__entry_number", "innovation__pk", "pk")

# Where a sheet stands for its judge, one bucket each: nothing typed yet, typed but not submitted, submitted.
TO_SCORE, DRAFT, SUBMITTED = "to_score", "draft", "submitted"
QUEUE_STATES = (TO_SCORE, DRAFT, SUBMITTED)


def judge_queue(judge, stage=None):
    """The judge's active assignments (active seat, innovation not withdrawn) in queue order, without annotations."""
    seats = PanelMember.objects.filter(judge=judge, withdrawn_at__isnull=True).values("stage_id")
    qs = (
        Assignment.objects.filter(judge=judge, released_at__isnull=True, stage_id__in=seats)
        .exclude(innovation__status=InnovationStatus.WITHDRAWN)
        .order_by(*QUEUE_ORDER)
    )
    if stage is not None:
        qs = qs.filter(stage=stage)
    return qs


def _with_state(queryset):
    """Annotate `state`: SUBMITTED, DRAFT (saved at least once: every save bumps the version) or TO_SCORE.

    From the sheet's own columns, so that counting states needs no per-row subquery.
    """
    state = Case(
        When(sheet__status=SheetStatus.SUBMITTED, then=Value(SUBMITTED)),
        When(sheet__version__gt=0, then=Value(DRAFT)),
        default=Value(TO_SCORE),
        output_field=CharField(),
    )
    return queryset.annotate(state=state)


def queue_counts(judge) -> dict[str, int]:
    """How many of the judge's assignments are in each state, zeros included (one aggregate query)."""
    counts = dict.fromkeys(QUEUE_STATES, 0)
    rows = _with_state(judge_queue(judge)).order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    counts.update(rows)
    return counts


def queue_rows(judge, state=None):
    """The rows the queue page shows, with `state`, `scored` and `criteria_count`; only the fields it prints.

    Slice it for a page: the correlated counts then run for the page's rows only.
    """
    # Correlated counts, not COUNT(DISTINCT) over assignments x scores x criteria: that join grew to 17,500 rows
    # for one national judge and took half a second (make bench).
    qs = (
        _with_state(judge_queue(judge))
        .select_related("stage", "innovation__agency", "sheet")
        .only(
            "stage__name",
            "stage__anonymised",
            "innovation__title",
            "innovation__entry_number",
            "innovation__agency__name",
            "sheet__status",
        )
        .annotate(
            scored=_count_of(CriterionScore.objects.filter(sheet__assignment=OuterRef("pk")), "sheet"),
            criteria_count=_count_of(Criterion.objects.filter(stage=OuterRef("stage")), "stage"),
        )
    )
    if state is not None:
        qs = qs.filter(state=state)
    return qs


def queue_neighbours(judge, assignment) -> tuple[int | None, int | None, int, int]:
    """(previous id, next id, position from 1, count) of an assignment in the judge's queue of its stage.

    The ids of the stage's queue in one query, ordered within the stage only (no join for the competition's
    name). Measured on the national bench data (175 assignments): 0.9 ms of CPU a call, against 1.7 ms for a
    LAG/LEAD/ROW_NUMBER window query that returns only the two neighbours (the ORM compiles it as a subquery
    and the database still numbers every row). The assignment must be in the queue
    (rules.get_assignment_for_judge checks the same conditions).
    """
    ids = list(judge_queue(judge, stage=assignment.stage_id).order_by(*_STAGE_ORDER).values_list("pk", flat=True))
    position = ids.index(assignment.pk)
    previous_id = ids[position - 1] if position > 0 else None
    next_id = ids[position + 1] if position + 1 < len(ids) else None
    return previous_id, next_id, position + 1, len(ids)


def progress_matrix(stage):
    """Judges x innovations: {(judge id, innovation id): assignment with sheet}, judges, innovations."""
    assignments = list(
        active_assignments(stage)
        .select_related("sheet")
        .annotate(scored=Count("sheet__scores"))
        .order_by("innovation_id", "judge_id")
    )
    cells = {(a.judge_id, a.innovation_id): a for a in assignments}
    panel = list(active_panel(stage).order_by("judge__last_name", "judge__first_name", "judge__username"))
    innovations = list(stage_innovations(stage).select_related("agency").order_by("entry_number", "pk"))
    return cells, panel, innovations


def open_sheet_judges_qs():
    """Active panel members annotated with how many of their stage's assignments are not submitted yet."""
    open_assignments = Assignment.objects.filter(
        stage=OuterRef("stage"), judge=OuterRef("judge"), released_at__isnull=True
    ).exclude(sheet__status=SheetStatus.SUBMITTED)
    count = open_assignments.order_by().values("judge").annotate(n=Count("pk")).values("n")
    return (
        PanelMember.objects.filter(withdrawn_at__isnull=True)
        .select_related("judge")
        .annotate(open_count=Coalesce(Subquery(count), 0))
    )


def open_sheet_judges(stage):
    """Active judges of the stage with at least one assignment whose sheet is not submitted."""
    return open_sheet_judges_qs().filter(stage=stage, open_count__gt=0).order_by("judge_id")


def started(assignment_qs):
    """Assignments whose sheet has at least one score or is submitted/reopened (to be kept on a re-run)."""
    has_scores = CriterionScore.objects.filter(sheet__assignment=OuterRef("pk"))
    return assignment_qs.filter(
        Exists(has_scores)
        | Q(sheet__status__in=[SheetStatus.SUBMITTED, SheetStatus.REOPENED])
        | (Q(sheet__isnull=False) & ~Q(sheet__comment=""))
    )
