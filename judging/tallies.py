"""Entry tallies: what the ranking needs of each innovation's counted sheets, kept current as sheets change.

Ranking a national stage from its raw rows means reading every submitted sheet (17,500) and, because equal scores
are common, the criterion scores of most entries (175,000) for the tie-break: far too slow for a page. Instead each
(stage, innovation) has one EntryTally row holding the count, sum, minimum and maximum of its counted sheet totals,
the middle one or two (median), the trimmed sum, and the criterion tie-break as a sortable key. judging.ranking reads
those rows; nothing is lost, because the tally is a function of the sheets and is rebuilt from them:

- ScoreSheet and Assignment saves and deletions refresh the innovation's tally in the same transaction (signal
  receivers below, so the services, the admin and test factories all keep it current), under a row lock on the
  tally so two judges submitting at once cannot lose one another's sheet;
- bulk writes that bypass model saves (QuerySet.update, COPY in the bench's seeding, a restore of an older backup)
  must call rebuild(stage) afterwards, and `manage.py rebuild_tallies` does it for every stage.

A sheet counts when it is submitted, has a total and its assignment is not released (as in judging.ranking).

The tie key: for each weighted criterion, heaviest first (weight descending, then rubric order), the exact mean of
score / scale maximum over the counted sheets, written as floor(mean * 10^30) in 33 digits, complemented so that a
higher mean sorts first, behind a "0" ("1" and zeros when the criterion has no score, which sorts last). Two
different means of up to a few hundred sheets on scales with 2 decimals differ by far more than 10^-30, so comparing
the keys as strings orders the entries exactly as comparing the means would; rubrics cannot change once scored
(judging.services.rubrics), so the criterion order of stored keys stays the stage's.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

DIGITS = 30  # fractional digits of each criterion mean kept in the key
WIDTH = 33  # digits per criterion: the mean is at most 1 (scores never exceed the scale maximum), with room to spare
SCALE = 10**DIGITS
MISSING = "1" + "0" * WIDTH


def trim_percent(stage) -> int:
    return int((Decimal(stage.trim_fraction) * 100).to_integral_value())


def _models(apps=None):
    """(Criterion, CriterionScore, ScoreSheet, EntryTally): the current ones, or a migration's historical ones."""
    if apps is not None:
        names = ("Criterion", "CriterionScore", "ScoreSheet", "EntryTally")
        return tuple(apps.get_model("judging", name) for name in names)
    from judging.models import Criterion, CriterionScore, EntryTally, ScoreSheet

    return Criterion, CriterionScore, ScoreSheet, EntryTally


def weighted_criteria(stage_id, apps=None) -> list[tuple[int, str]]:
    """(pk, name) of the stage's criteria that carry weight, in the declared tie-break order."""
    Criterion = _models(apps)[0]

    return list(
        Criterion.objects.filter(stage_id=stage_id, weight__gt=0).order_by("-weight", "order").values_list("pk", "name")
    )


def key_part(mean: Fraction | None) -> str:
    if mean is None:
        return MISSING
    scaled = mean.numerator * SCALE // mean.denominator
    if not 0 <= scaled < 10**WIDTH:
        raise ValueError(f"criterion mean {mean} outside the tie key's range")
    return "0" + str(10**WIDTH - 1 - scaled).zfill(WIDTH)


def decode(key: str) -> list[Fraction | None]:
    """The criterion means of a tie key (each exact to 30 decimals), heaviest criterion first."""
    parts = [key[i : i + WIDTH + 1] for i in range(0, len(key), WIDTH + 1)]
    return [None if p[0] == "1" else Fraction(10**WIDTH - 1 - int(p[1:]), SCALE) for p in parts]


def _dec(value) -> Decimal:
    """A database number as an exact Decimal (SQLite hands sums of decimals back as floats)."""
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return Decimal(value)


def compute(stage, innovation_ids=None, apps=None) -> dict[int, dict]:
    """Tally fields per innovation with counted sheets (all of the stage's, or those of innovation_ids)."""
    from judging.enums import SheetStatus

    _criterion, CriterionScore, ScoreSheet, _tally = _models(apps)

    counted = {
        "assignment__stage_id": stage.pk,
        "assignment__released_at__isnull": True,
        "status": SheetStatus.SUBMITTED,
        "total__isnull": False,
    }
    if innovation_ids is not None:
        counted["assignment__innovation_id__in"] = list(innovation_ids)
    totals = defaultdict(list)
    for inn, judge, total in (
        ScoreSheet.objects.filter(**counted)
        .order_by()
        .values_list("assignment__innovation_id", "assignment__judge_id", "total")
    ):
        totals[inn].append((Decimal(total), judge))
    criteria = [pk for pk, _name in weighted_criteria(stage.pk, apps)]
    sums = defaultdict(Fraction)
    counts = defaultdict(int)
    if criteria and totals:
        rows = (
            CriterionScore.objects.filter(
                **{f"sheet__{k}": v for k, v in counted.items()},
                criterion_id__in=criteria,
            )
            .order_by()
            .values_list("sheet__assignment__innovation_id", "criterion_id", "scale_max")
            .annotate(total=Sum("value"), n=Count("pk"))
        )
        for inn, crit, scale_max, total, n in rows:
            sums[inn, crit] += Fraction(_dec(total)) / Fraction(Decimal(scale_max))
            counts[inn, crit] += n
    percent = trim_percent(stage)
    result = {}
    for inn, values in totals.items():
        values.sort()
        n = len(values)
        ordered = [v for v, _judge in values]
        middle = ordered[(n + 1) // 2 - 1 : (n + 2) // 2]
        cut = n * percent // 100
        trimmed = ordered[cut : n - cut]
        result[inn] = {
            "sheets": n,
            "total_sum": sum(ordered, Decimal(0)),
            "total_min": ordered[0],
            "total_max": ordered[-1],
            "mid_sum": sum(middle, Decimal(0)),
            "mid_n": len(middle),
            "trim_percent": percent,
            "trim_sum": sum(trimmed, Decimal(0)) if trimmed else None,
            "trim_n": len(trimmed),
            "tie_key": "".join(
                key_part(sums[inn, c] / counts[inn, c] if counts.get((inn, c)) else None) for c in criteria
            ),
        }
    return result


EMPTY = {
    "sheets": 0,
    "total_sum": None,
    "total_min": None,
    "total_max": None,
    "mid_sum": None,
    "mid_n": 0,
    "trim_sum": None,
    "trim_n": 0,
    "tie_key": "",
}
FIELDS = [*EMPTY, "trim_percent"]


def refresh(stage, innovation_ids, *, create: bool = True) -> None:
    """Recompute the tallies of some innovations of a stage from their sheets, under a lock on the tally rows.

    create=False only updates rows that exist (used while rows are being deleted, so no row is inserted that points
    at a stage or innovation on its way out).
    """
    from judging.models import EntryTally

    ids = sorted({int(i) for i in innovation_ids})
    if not ids:
        return
    with transaction.atomic():
        if create:
            # ON CONFLICT DO NOTHING: a concurrent first insert of the same row waits here for the other transaction.
            EntryTally.objects.bulk_create(
                [EntryTally(stage_id=stage.pk, innovation_id=i, trim_percent=trim_percent(stage)) for i in ids],
                ignore_conflicts=True,
            )
        rows = list(EntryTally.objects.select_for_update().filter(stage_id=stage.pk, innovation_id__in=ids))
        if not rows:
            return
        fresh = compute(stage, [row.innovation_id for row in rows])
        for row in rows:
            values = fresh.get(row.innovation_id, {**EMPTY, "trim_percent": trim_percent(stage)})
            for name in FIELDS:
                setattr(row, name, values[name])
        now = timezone.now()
        for row in rows:
            row.updated_at = now
        EntryTally.objects.bulk_update(rows, [*FIELDS, "updated_at"], batch_size=500)


def rebuild(stage, apps=None) -> int:
    """Recompute every tally of the stage from its sheets (after bulk writes that bypass model saves).

    Effects: replaces the stage's EntryTally rows; returns how many innovations have counted sheets.
    apps: a migration's app registry, to run on its historical models.
    """
    EntryTally = _models(apps)[3]

    with transaction.atomic():
        EntryTally.objects.filter(stage_id=stage.pk).delete()
        fresh = compute(stage, apps=apps)
        EntryTally.objects.bulk_create(
            [EntryTally(stage_id=stage.pk, innovation_id=inn, **values) for inn, values in fresh.items()],
            batch_size=2000,
        )
    return len(fresh)


# Signal receivers: every model save of a sheet or an assignment keeps the tally of its innovation current.
def _counts(status, total) -> bool:
    from judging.enums import SheetStatus

    return status == SheetStatus.SUBMITTED and total is not None


def _remember(sender, instance, **kwargs):
    """Note, as loaded, what decides whether the row counts, so saves that change none of it skip the refresh.

    Read from __dict__: a field left out by only()/defer() must not cost a query here (unknown means refresh).
    """
    from judging.models import Assignment

    values = instance.__dict__
    if isinstance(instance, Assignment):
        instance._tally_loaded = (values["released_at"],) if "released_at" in values else None
    elif "status" in values and "total" in values:
        instance._tally_loaded = (values["status"], values["total"])
    else:
        instance._tally_loaded = None


def _stage_of(stage_id):
    from competitions.models import Stage

    return Stage.objects.filter(pk=stage_id).first()


def _sheet_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return  # loaddata: the dump brings its own tally rows
    loaded = getattr(instance, "_tally_loaded", None)
    now = (instance.status, instance.total)
    unchanged = loaded == now and not created
    never_counted = loaded is not None and not _counts(*loaded) and not _counts(*now)
    if not unchanged and not never_counted:
        assignment = instance.assignment
        stage = _stage_of(assignment.stage_id)
        if stage is not None:
            refresh(stage, [assignment.innovation_id])
    instance._tally_loaded = now


def _sheet_deleted(sender, instance, **kwargs):
    if not _counts(instance.__dict__.get("status"), instance.__dict__.get("total", 0)):
        return
    from judging.models import Assignment

    row = Assignment.objects.filter(pk=instance.assignment_id).values_list("stage_id", "innovation_id").first()
    stage = _stage_of(row[0]) if row else None
    if stage is not None:
        refresh(stage, [row[1]], create=False)


def _assignment_saved(sender, instance, created, raw=False, **kwargs):
    now = (instance.released_at,)
    if raw or created or getattr(instance, "_tally_loaded", None) == now:
        instance._tally_loaded = now
        return
    instance._tally_loaded = now
    from judging.models import ScoreSheet

    if ScoreSheet.objects.filter(assignment=instance, total__isnull=False).exists():
        stage = _stage_of(instance.stage_id)
        if stage is not None:
            refresh(stage, [instance.innovation_id])


def connect() -> None:
    """Called from JudgingConfig.ready()."""
    from judging.models import Assignment, ScoreSheet

    post_init.connect(_remember, sender=ScoreSheet, dispatch_uid="tally_sheet_init")
    post_init.connect(_remember, sender=Assignment, dispatch_uid="tally_assignment_init")
    post_save.connect(_sheet_saved, sender=ScoreSheet, dispatch_uid="tally_sheet_saved")
    post_delete.connect(_sheet_deleted, sender=ScoreSheet, dispatch_uid="tally_sheet_deleted")
    post_save.connect(_assignment_saved, sender=Assignment, dispatch_uid="tally_assignment_saved")
