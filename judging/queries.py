"""Reusable querysets and heavier reads of judging: eligibility, queues, progress."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, CharField, Count, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from competitions.models import Stage
from judging.enums import SheetStatus
from judging.models import Assignment, Conflict, Criterion, CriterionLevel, CriterionScore, PanelMember
from kovablik.compiled import bind
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


# Within one stage, the queue's order: by entry number; pk last so that pages never overlap or skip a row.
_STAGE_ORDER = ("innovation__entry_number", "innovation__pk", "pk")

# Where a sheet stands for its judge, one bucket each: nothing typed yet, typed but not submitted, submitted.
TO_SCORE, DRAFT, SUBMITTED = "to_score", "draft", "submitted"
QUEUE_STATES = (TO_SCORE, DRAFT, SUBMITTED)

# The queue's two queries take the judge's stages as a list of ids, joined to no stage, competition or panel table:
# PostgreSQL spent ~1.5 ms planning each such join (5.5 ms for the page's rows, make bench data), more than it
# spent running the query. The stages come first, in one small query, with what the rows would have joined for.


# Ids no row has: they mark where the judge's and the stages' ids go in the queries compiled once per process
# below (as kovablik.roles does). Compiling them through the ORM on every load cost more CPU than running them:
# 0.75 ms for the stages and 1.0 ms for the counts, against 0.1 ms each to run (national bench data).
_JUDGE_ID = -7_230_419
_STAGE_ID = -7_230_500


def _bind(params, judge, stage_ids=()) -> list:
    values = {_JUDGE_ID: judge.pk, **{_STAGE_ID - i: pk for i, pk in enumerate(stage_ids)}}
    return bind(params, values)


@functools.cache
def _judge_stages_sql(vendor: str) -> tuple[str, tuple]:
    return (
        Stage.objects.filter(panel__judge=_JUDGE_ID, panel__withdrawn_at__isnull=True)
        .only("name", "anonymised", "order", "competition_id")
        .annotate(criteria_count=Count("criteria"))
        .order_by("competition__name", "order", "pk")
        .query.sql_with_params()
    )


def judge_stages(judge) -> list[Stage]:
    """The stages where the judge holds an active seat, in queue order (competition name, stage order).

    Each carries `criteria_count`; only the fields the queue prints are loaded.
    """
    sql, params = _judge_stages_sql(connection.vendor)
    return list(Stage.objects.raw(sql, _bind(params, judge)))


def _active(judge, stage_ids):
    """The judge's active assignments on the given stages (their seats checked by the caller), not withdrawn."""
    return Assignment.objects.filter(judge=judge, released_at__isnull=True, stage_id__in=stage_ids).exclude(
        innovation__status=InnovationStatus.WITHDRAWN
    )


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


@functools.cache
def _queue_state_sql(vendor: str, stage_count: int) -> tuple[str, tuple]:
    stage_ids = [_STAGE_ID - i for i in range(stage_count)]
    judge = get_user_model()(pk=_JUDGE_ID)
    return (
        _with_state(_active(judge, stage_ids))
        .order_by()
        .values("state")
        .annotate(
            n=Count("pk"),
            ids=Sum("pk"),
            # With the sum of squares, two different sets of ids of the same size (one released, another given in
            # one re-run) practically never add up the same on both.
            squares=Sum(F("pk") * F("pk")),
            versions=Sum("sheet__version"),
            edited=Max("innovation__updated_at"),
        )
        .values_list("state", "n", "ids", "squares", "versions", "edited")
        .query.sql_with_params()
    )


def queue_state(judge, stages) -> tuple[dict[str, int], tuple]:
    """(counts, version) of the judge's assignments on `stages` (judge_stages), from one grouped query.

    counts: how many are in each state, zeros included. version: per state, the sum of the assignments' ids and of
    their squares, the sum of their sheets' versions and the latest edit of their entries. Every change of a sheet
    bumps its version (save, submit, reopen), and an assignment given or released changes the ids: the version then
    differs, so the page's rendered rows can be kept under it (views.dashboard). Not in it: an agency renamed
    meanwhile.
    """
    counts = dict.fromkeys(QUEUE_STATES, 0)
    version = ()
    if stages:
        sql, params = _queue_state_sql(connection.vendor, len(stages))
        with connection.cursor() as cursor:
            cursor.execute(sql, _bind(params, judge, [s.pk for s in stages]))
            version = tuple(sorted(tuple(row) for row in cursor.fetchall()))
        counts.update((state, n) for state, n, *_rest in version)
    return counts, version


def queue_counts(judge, stages) -> dict[str, int]:
    """How many of the judge's assignments on `stages` (judge_stages) are in each state, zeros included."""
    return queue_state(judge, stages)[0]


def queue_rows(judge, stages, state=None):
    """The queue's rows on `stages` (judge_stages), in its order, as dicts of what the page prints.

    Keys: pk, stage_id, title, entry_number, agency_name, sheet_status (None before the sheet exists), state and
    scored. Dicts, not models: building four model instances a row was a third of the CPU of a page of 25 rows.
    Slice it for a page: the correlated count then runs for the page's rows only. attach_stages() adds `stage`.
    """
    stage_ids = [s.pk for s in stages]
    if len(stage_ids) > 1:
        stage_rank = Case(*(When(stage_id=pk, then=Value(i)) for i, pk in enumerate(stage_ids)))
        order = (stage_rank, *_STAGE_ORDER)
    else:
        order = _STAGE_ORDER
    qs = _with_state(_active(judge, stage_ids))
    if state is not None:
        qs = qs.filter(state=state)
    # A correlated count, not COUNT(DISTINCT) over assignments x scores: that join grew to 17,500 rows for one
    # national judge and took half a second (make bench).
    return qs.order_by(*order).values(
        "pk",
        "stage_id",
        "state",
        title=F("innovation__title"),
        entry_number=F("innovation__entry_number"),
        agency_name=F("innovation__agency__name"),
        sheet_status=F("sheet__status"),
        scored=_count_of(CriterionScore.objects.filter(sheet__assignment=OuterRef("pk")), "sheet"),
    )


def attach_stages(rows, stages) -> list[dict]:
    """The rows as a list, each with its `stage` from `stages` (no query)."""
    by_id = {s.pk: s for s in stages}
    rows = list(rows)
    for row in rows:
        row["stage"] = by_id[row["stage_id"]]
    return rows


@functools.cache
def _queue_ids_sql(vendor: str) -> tuple[str, tuple]:
    judge = get_user_model()(pk=_JUDGE_ID)
    return _active(judge, [_STAGE_ID]).order_by(*_STAGE_ORDER).values_list("pk", flat=True).query.sql_with_params()


def queue_neighbours(judge, assignment) -> tuple[int | None, int | None, int, int]:
    """(previous id, next id, position from 1, count) of an assignment in the judge's queue of its stage.

    The assignment must come from rules.get_assignment_for_judge, which checked the judge's seat on its stage.
    The ids of the stage's queue in one query: on the national bench data (175 assignments) 0.9 ms of CPU a
    call, against 1.7 ms for a LAG/LEAD/ROW_NUMBER window query that returns only the two neighbours (the ORM
    compiles it as a nested subquery and the database still numbers every row). Compiled once per process, like
    the queue's own queries: 0.1 ms of CPU a call instead of 0.6.
    """
    sql, params = _queue_ids_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, _bind(params, judge, [assignment.stage_id]))
        ids = [pk for (pk,) in cursor.fetchall()]
    position = ids.index(assignment.pk)
    previous_id = ids[position - 1] if position > 0 else None
    next_id = ids[position + 1] if position + 1 < len(ids) else None
    return previous_id, next_id, position + 1, len(ids)


def rubric(stage) -> list[Criterion]:
    """The stage's criteria in order, each with `level_list`, its level descriptors by score (two queries).

    A plain query grouped here, not prefetch_related("levels"): the prefetch machinery and the ordering join of
    CriterionLevel's default order cost 0.5 ms of CPU more on every scoring page (national bench data).
    """
    criteria = list(stage.criteria.order_by("order"))
    levels = defaultdict(list)
    for level in CriterionLevel.objects.filter(criterion_id__in=[c.pk for c in criteria]).order_by(
        "criterion_id", "score"
    ):
        levels[level.criterion_id].append(level)
    for criterion in criteria:
        criterion.level_list = levels[criterion.pk]
    return criteria


def progress_cells(stage, innovation_ids) -> dict:
    """{(judge id, innovation id): active assignment with its sheet and `scored` criteria} for some innovations.

    Only the innovations a page shows: a national stage has 17,500 assignments, and loading them all with their
    score counts took most of a second to show 100 rows.
    """
    assignments = (
        active_assignments(stage)
        .filter(innovation_id__in=list(innovation_ids))
        .select_related("sheet")
        .annotate(scored=Count("sheet__scores"))
    )
    return {(a.judge_id, a.innovation_id): a for a in assignments}


def progress_totals(stage) -> tuple[int, int]:
    """(submitted sheets, active assignments) of the whole stage, in one aggregate query."""
    totals = active_assignments(stage).aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(sheet__status=SheetStatus.SUBMITTED))
    )
    return totals["submitted"], totals["total"]


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
