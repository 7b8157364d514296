"""The ranking engine: sheet totals, stage scores, final scores, tie-breaks and flags.

Stated exactly as computed (the committee pages and docs quote this):

- A sheet total is sum(weight_c * score_c / max_c) / sum(weight_c) * 100 over the stage's criteria, rounded half-up to
  4 decimals when the sheet is submitted and stored on ScoreSheet.total. Every sheet is on 0-100.
- An innovation's stage score aggregates its submitted sheet totals: mean (default), median (mean of the middle one
  or two), trimmed mean (drop floor(n * trim share) totals at each end, then the mean), or per-judge z-score
  normalisation (each judge's totals standardised over all innovations that judge scored in the stage, rescaled to
  the mean and standard deviation of all submitted totals of the stage, clamped to 0-100, then averaged). The raw
  mean is always given beside it.
- Mean, median and trimmed mean are compared as exact fractions (sum / count of exact decimals), so equal scores tie
  exactly; only the shown value is rounded to 4 decimals. The z-score method involves square roots: it is computed with
  40 significant digits in a fixed order, so the same input always gives the same ranking.
- Ties (exactly equal scores) are broken in the declared order: higher mean score on the heaviest criterion (normalised
  to its maximum), then the next heaviest, ..., then the earlier submission of the innovation, then the lower entry
  number. What broke each tie is recorded on the lower entry.
- A final score across stages is sum(stage weight * stage score) / sum(stage weights); an innovation missing a stage
  score has no final score. Ties there are broken by the heaviest stage's score, then the next, then as above.
- Flags: "few_sheets" when fewer submitted sheets than Stage.min_sheets; "disagreement" when the spread (highest
  minus lowest sheet total) exceeds Stage.disagreement_threshold.

The aggregation per innovation (count, sum, spread, middle rows, trimmed rows) runs in one SQL query with window
functions, portable between SQLite and PostgreSQL; Python only orders the resulting rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from math import lcm

from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import gettext

from competitions.enums import Aggregation

Q4 = Decimal("0.0001")
FLAG_FEW_SHEETS = "few_sheets"
FLAG_DISAGREEMENT = "disagreement"
TIE_BREAK_ORDER = ("heaviest_criteria", "earlier_submission", "entry_number")


@dataclass(frozen=True)
class RankedEntry:
    innovation_id: int
    rank: int  # 1..n, unique, ties broken by the declared order
    score: Decimal | None  # by the chosen aggregation, 0-100, 4 decimals
    raw_mean: Decimal | None  # mean of submitted sheet totals, always
    sheets: int  # submitted sheets counted
    judge_totals: dict[int, Decimal]  # judge user id -> sheet total
    flags: frozenset[str]  # {"few_sheets", "disagreement"}
    tie_break: str  # what broke a tie with the entry above, or ""
    spread: Decimal | None = None  # highest minus lowest sheet total
    method: str = Aggregation.MEAN
    stage_scores: dict[int, Decimal | None] = field(default_factory=dict)  # rank_final: stage id -> stage score
    exact_score: Fraction | Decimal | None = field(default=None, compare=False, repr=False)
    exact_raw_mean: Fraction | None = field(default=None, compare=False, repr=False)


def quantize(value) -> Decimal | None:
    """Round an exact value (Fraction or Decimal) half-up to 4 decimals, the shown precision."""
    if value is None:
        return None
    if isinstance(value, Fraction) and value >= 0:
        # Integer arithmetic: floor(x * 10^4 + 1/2) is half-up rounding for non-negative x.
        return Decimal((2 * value.numerator * 10000 + value.denominator) // (2 * value.denominator)).scaleb(-4)
    with localcontext() as ctx:
        ctx.prec = 60
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def sheet_total(items) -> Decimal | None:
    """The 0-100 total of one sheet from (weight, score, scale_max) triples, rounded half-up to 4 decimals.

    None when no criterion carries weight (the total would be undefined).
    """
    num = Fraction(0)
    den = Fraction(0)
    for weight, score, scale_max in items:
        w = Fraction(Decimal(weight))
        num += w * Fraction(Decimal(score)) / Fraction(Decimal(scale_max))
        den += w
    if den == 0:
        return None
    return quantize(num / den * 100)


def _dec(value) -> Decimal | None:
    """A database number as an exact Decimal with 4 decimals (SQLite hands back floats for sums of decimals)."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value.as_tuple().exponent == -4:
        return value  # PostgreSQL NUMERIC sums of 4-decimal totals are already exact
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Q4, rounding=ROUND_HALF_UP)
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _stage_aggregates(stage, innovation_ids, trim_percent):
    """One row per innovation with submitted sheets: count, sum, min, max, middle (sum, n), trimmed (sum, n)."""
    from judging.enums import SheetStatus
    from judging.models import Assignment, ScoreSheet

    params = [stage.pk, SheetStatus.SUBMITTED]
    extra = ""
    if innovation_ids is not None:
        ids = [int(i) for i in innovation_ids]
        if not ids:
            return {}
        extra = f" AND a.innovation_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    # trim_percent is an integer (trim share * 100): integer division keeps floor(n * share) exact on both databases.
    sql = f"""
        WITH s AS (
            SELECT a.innovation_id AS inn, sh.total AS total,
                   ROW_NUMBER() OVER (PARTITION BY a.innovation_id ORDER BY sh.total, a.judge_id) AS rn,
                   COUNT(*) OVER (PARTITION BY a.innovation_id) AS n
            FROM {_table(ScoreSheet)} sh
            JOIN {_table(Assignment)} a ON a.id = sh.assignment_id
            WHERE a.stage_id = %s AND sh.status = %s AND sh.total IS NOT NULL
                  AND a.released_at IS NULL{extra}
        )
        SELECT inn, COUNT(*), SUM(total), MIN(total), MAX(total),
               SUM(CASE WHEN rn = (n + 1) / 2 OR rn = (n + 2) / 2 THEN total END),
               SUM(CASE WHEN rn = (n + 1) / 2 OR rn = (n + 2) / 2 THEN 1 ELSE 0 END),
               SUM(CASE WHEN rn > (n * {int(trim_percent)}) / 100
                         AND rn <= n - (n * {int(trim_percent)}) / 100 THEN total END),
               SUM(CASE WHEN rn > (n * {int(trim_percent)}) / 100
                         AND rn <= n - (n * {int(trim_percent)}) / 100 THEN 1 ELSE 0 END)
        FROM s GROUP BY inn
    """  # noqa: S608 - only integers and quoted table names are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        row[0]: {
            "n": int(row[1]),
            "sum": _dec(row[2]),
            "min": _dec(row[3]),
            "max": _dec(row[4]),
            "mid_sum": _dec(row[5]),
            "mid_n": int(row[6] or 0),
            "trim_sum": _dec(row[7]),
            "trim_n": int(row[8] or 0),
        }
        for row in rows
    }


def _judge_rows(stage):
    """(innovation id, judge id, total) of every counted submitted sheet of the stage."""
    from judging.enums import SheetStatus
    from judging.models import ScoreSheet

    return list(
        ScoreSheet.objects.filter(
            assignment__stage=stage,
            assignment__released_at__isnull=True,
            status=SheetStatus.SUBMITTED,
            total__isnull=False,
        )
        .order_by()
        .values_list("assignment__innovation_id", "assignment__judge_id", "total")
    )


def _sqrt(value: Decimal) -> Decimal:
    return value.sqrt() if value > 0 else Decimal(0)


def _zscores(rows) -> dict[int, Decimal]:
    """Per-judge z-score normalisation of the stage's sheet totals; innovation id -> score (40 digits)."""
    if not rows:
        return {}
    with localcontext() as ctx:
        ctx.prec = 40
        by_judge = defaultdict(list)
        for _inn, judge, total in rows:
            by_judge[judge].append(Decimal(total))
        totals = sorted(Decimal(t) for _, _, t in rows)
        n = Decimal(len(totals))
        pooled_mean = sum(totals, Decimal(0)) / n
        pooled_sd = _sqrt(sum(((t - pooled_mean) ** 2 for t in totals), Decimal(0)) / n)
        stats = {}
        for judge, values in by_judge.items():
            values = sorted(values)
            m = sum(values, Decimal(0)) / Decimal(len(values))
            sd = _sqrt(sum(((v - m) ** 2 for v in values), Decimal(0)) / Decimal(len(values)))
            stats[judge] = (m, sd)
        per_innovation = defaultdict(list)
        for inn, judge, total in rows:
            m, sd = stats[judge]
            z = (Decimal(total) - m) / sd if sd > 0 else Decimal(0)
            rescaled = min(Decimal(100), max(Decimal(0), pooled_mean + pooled_sd * z))
            per_innovation[inn].append(rescaled)
        return {inn: sum(sorted(values), Decimal(0)) / Decimal(len(values)) for inn, values in per_innovation.items()}


def _entries(stage, category, innovation_ids):
    """(innovation id, submitted_at, entry_number) of the stage's entries."""
    from submissions.models import StageEntry

    qs = StageEntry.objects.filter(stage=stage)
    if category is not None:
        qs = qs.filter(innovation__category=category)
    if innovation_ids is not None:
        qs = qs.filter(innovation_id__in=list(innovation_ids))
    return list(qs.order_by().values_list("innovation_id", "innovation__submitted_at", "innovation__entry_number"))


def _criterion_means(stage, innovation_ids) -> tuple[list, dict]:
    """For tie-breaking: weighted criteria heaviest first; (innovation, criterion) -> exact mean of score / max."""
    from judging.enums import SheetStatus
    from judging.models import Criterion, CriterionScore

    criteria = list(
        Criterion.objects.filter(stage=stage, weight__gt=0).order_by("-weight", "order").values_list("pk", "name")
    )
    if not innovation_ids:
        return criteria, {}
    # Summed in SQL per (innovation, criterion, scale): a handful of rows per tied innovation, exact decimals.
    rows = (
        CriterionScore.objects.filter(
            sheet__assignment__stage=stage,
            sheet__assignment__released_at__isnull=True,
            sheet__status=SheetStatus.SUBMITTED,
            sheet__assignment__innovation_id__in=list(innovation_ids),
        )
        .order_by()
        .values_list("sheet__assignment__innovation_id", "criterion_id", "scale_max")
        .annotate(total=Sum("value"), n=Count("pk"))
    )
    sums = defaultdict(Fraction)
    counts = defaultdict(int)
    for inn, crit, scale_max, total, n in rows:
        sums[inn, crit] += Fraction(_dec2(total)) / Fraction(Decimal(scale_max))
        counts[inn, crit] += n
    return criteria, {key: sums[key] / counts[key] for key in sums}


def _dec2(value) -> Decimal:
    """A sum of 2-decimal scores as an exact Decimal (SQLite may hand back a float)."""
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Decimal(value)


def _exact(total_sum: Decimal | None, n: int) -> tuple[int, int] | None:
    """An exact mean as (sum in 1/10000 units, count); turned into a Fraction and an integer sort key later."""
    if total_sum is None or not n:
        return None
    return int(total_sum.scaleb(4)), n


def _round_pair(pair) -> Decimal | None:
    """(sum in 1/10000 units, count) -> the mean rounded half-up to 4 decimals, in integer arithmetic."""
    if pair is None:
        return None
    total, n = pair
    return Decimal((2 * total + n) // (2 * n)).scaleb(-4)


def _fmt(value) -> str:
    return "-" if value is None else str(quantize(value * 100 if isinstance(value, Fraction) else value))


def _order(items, keys_for, describe):
    """Sort items by (score desc, tie keys) and attach what broke each tie with the entry above.

    items: list of dicts with "id", "exact", "submitted_at", "entry_number" and optionally "key" (an exact value
    that orders like "exact" but compares faster).
    keys_for(ids) -> {id: [(label, exact value or None), ...]} heaviest first, computed only for tied items.
    """
    for item in items:
        item.setdefault("key", item["exact"])
    groups = defaultdict(list)
    for item in items:
        groups[item["key"]].append(item)
    tied_ids = [i["id"] for g in groups.values() if len(g) > 1 for i in g if i["key"] is not None]
    tie_keys = keys_for(tied_ids) if tied_ids else {}

    def sort_key(item):
        # Scores descending (None last), then each criterion descending (None last), earlier submission, entry number.
        scored = item["key"] is not None
        key = [0 if scored else 1, -(item["key"] or 0)]
        for _label, value in tie_keys.get(item["id"], []):
            key += [0 if value is not None else 1, -(value or 0)]
        sub = item["submitted_at"]
        key += [0 if sub is not None else 1, sub.timestamp() if sub is not None else 0]
        number = item["entry_number"]
        key += [0 if number is not None else 1, _natural(number), item["id"]]
        return key

    ordered = sorted(items, key=sort_key)
    notes = {}
    for above, this in pairwise(ordered):
        if this["key"] is None or above["key"] != this["key"]:
            continue
        notes[this["id"]] = describe(above, this, tie_keys)
    return ordered, notes


def _natural(number):
    """Entry numbers compare by their digits where they have them ("KVB-9" before "KVB-10")."""
    if number is None:
        return (0, "")
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits) if digits else 0, number)


def _describe(above, this, tie_keys) -> str:
    for (label, a), (_label, b) in zip(tie_keys.get(above["id"], []), tie_keys.get(this["id"], []), strict=False):
        if a != b:
            return gettext(
                "Same score as the entry above; placed below it on “%(criterion)s” (%(this)s against %(above)s)."
            ) % {"criterion": label, "this": _fmt(b), "above": _fmt(a)}
    if above["submitted_at"] != this["submitted_at"]:
        return gettext("Same score and criterion scores as the entry above; submitted later.")
    if above["entry_number"] != this["entry_number"]:
        return gettext("Same score, criterion scores and submission time as the entry above; higher entry number.")
    return gettext("Identical to the entry above in every declared tie-break; ordered by record number.")


def rank_stage(stage, *, category=None, method=None, innovation_ids=None) -> list[RankedEntry]:
    """Rank the entries of one stage (see the module docstring for the exact rules)."""
    method = method or stage.aggregation or Aggregation.MEAN
    entries = _entries(stage, category, innovation_ids)
    ids = [e[0] for e in entries]
    trim_percent = int((Decimal(stage.trim_fraction) * 100).to_integral_value())
    # The whole stage is aggregated in one pass (at most a few thousand rows); the entries pick theirs.
    aggregates = _stage_aggregates(stage, None, trim_percent)
    wanted = set(ids)
    rows = _judge_rows(stage)
    judge_totals = defaultdict(dict)
    for inn, judge, total in rows:
        if inn in wanted:
            judge_totals[inn][judge] = total
    zscores = _zscores(rows) if method == Aggregation.ZSCORE else {}

    items = []
    pairs = {}
    for inn, _submitted_at, _entry_number in entries:
        agg = aggregates.get(inn)
        if method == Aggregation.MEDIAN and agg:
            pairs[inn] = _exact(agg["mid_sum"], agg["mid_n"])
        elif method == Aggregation.TRIMMED_MEAN and agg:
            pairs[inn] = _exact(agg["trim_sum"], agg["trim_n"])
        elif agg:
            pairs[inn] = _exact(agg["sum"], agg["n"])
    # Exact comparison without Fractions in the sort: every mean scaled to the common denominator of the counts.
    common = lcm(*(p[1] for p in pairs.values() if p)) if any(pairs.values()) else 1
    for inn, submitted_at, entry_number in entries:
        agg = aggregates.get(inn)
        n = agg["n"] if agg else 0
        raw_pair = _exact(agg["sum"], n) if agg else None
        raw = Fraction(raw_pair[0], 10000 * raw_pair[1]) if raw_pair else None
        if method == Aggregation.ZSCORE:
            exact = key = zscores.get(inn)
            shown = quantize(exact)
        else:
            pair = pairs.get(inn)
            exact = Fraction(pair[0], 10000 * pair[1]) if pair else None
            key = pair[0] * (common // pair[1]) if pair else None
            shown = _round_pair(pair)
        spread = (agg["max"] - agg["min"]) if agg else None
        flags = set()
        if n < stage.min_sheets:
            flags.add(FLAG_FEW_SHEETS)
        if spread is not None and spread > stage.disagreement_threshold:
            flags.add(FLAG_DISAGREEMENT)
        items.append(
            {
                "id": inn,
                "exact": exact,
                "key": key,
                "shown": shown,
                "raw": raw,
                "raw_shown": _round_pair(raw_pair),
                "n": n,
                "spread": spread,
                "flags": frozenset(flags),
                "submitted_at": submitted_at,
                "entry_number": entry_number,
            }
        )

    def keys_for(tied):
        criteria, means = _criterion_means(stage, tied)
        return {inn: [(name, means.get((inn, pk))) for pk, name in criteria] for inn in tied}

    ordered, notes = _order(items, keys_for, _describe)
    return [
        RankedEntry(
            innovation_id=item["id"],
            rank=position,
            score=item["shown"],
            raw_mean=item["raw_shown"],
            sheets=item["n"],
            judge_totals=judge_totals.get(item["id"], {}),
            flags=item["flags"],
            tie_break=notes.get(item["id"], ""),
            spread=item["spread"],
            method=method,
            exact_score=item["exact"],
            exact_raw_mean=item["raw"],
        )
        for position, item in enumerate(ordered, start=1)
    ]


def rank_final(competition, *, stages=None, category=None) -> list[RankedEntry]:
    """Rank across stages by stage weight: sum(weight * stage score) / sum(weights).

    stages defaults to the competition's scored stages with a weight above 0; the entries are those of the last of
    them (the innovations that reached it). Stage scores use each stage's own aggregation.
    """
    from competitions.models import Stage

    if stages is None:
        stages = [
            s for s in Stage.objects.filter(competition=competition, weight__gt=0).order_by("order") if s.is_scored
        ]
    stages = sorted(stages, key=lambda s: s.order)
    if not stages:
        return []
    last = stages[-1]
    entries = _entries(last, category, None)
    ids = [e[0] for e in entries]
    per_stage = {s.pk: {e.innovation_id: e for e in rank_stage(s, innovation_ids=ids)} for s in stages}
    weight_sum = sum(s.weight for s in stages)
    items = []
    for inn, submitted_at, entry_number in entries:
        scores = {s.pk: per_stage[s.pk].get(inn) for s in stages}
        exact = raw = None
        if weight_sum and all(e is not None and e.exact_score is not None for e in scores.values()):
            exact = sum((Fraction(s.weight) * Fraction(scores[s.pk].exact_score) for s in stages), Fraction(0))
            exact /= weight_sum
            raw = (
                sum((Fraction(s.weight) * (scores[s.pk].exact_raw_mean or 0) for s in stages), Fraction(0)) / weight_sum
            )
        sheets = sum(e.sheets for e in scores.values() if e is not None)
        flags = frozenset().union(*(e.flags for e in scores.values() if e is not None))
        items.append(
            {
                "id": inn,
                "exact": exact,
                "raw": raw,
                "n": sheets,
                "flags": flags,
                "submitted_at": submitted_at,
                "entry_number": entry_number,
                "stage_scores": {pk: (e.score if e else None) for pk, e in scores.items()},
                "last_totals": scores[last.pk].judge_totals if scores[last.pk] else {},
            }
        )
    heaviest = sorted(stages, key=lambda s: (-s.weight, s.order))

    def keys_for(tied):
        by_id = {i["id"]: i for i in items}
        return {
            inn: [
                (
                    s.name,
                    Fraction(per_stage[s.pk][inn].exact_score) / 100
                    if per_stage[s.pk].get(inn) and per_stage[s.pk][inn].exact_score is not None
                    else None,
                )
                for s in heaviest
            ]
            for inn in tied
            if inn in by_id
        }

    ordered, notes = _order(items, keys_for, _describe)
    return [
        RankedEntry(
            innovation_id=item["id"],
            rank=position,
            score=quantize(item["exact"]),
            raw_mean=quantize(item["raw"]),
            sheets=item["n"],
            judge_totals=dict(item["last_totals"]),
            flags=item["flags"],
            tie_break=notes.get(item["id"], ""),
            stage_scores=item["stage_scores"],
            exact_score=item["exact"],
            exact_raw_mean=item["raw"],
        )
        for position, item in enumerate(ordered, start=1)
    ]
