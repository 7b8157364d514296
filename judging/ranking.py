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

Where it is computed: each (stage, innovation) keeps an EntryTally row (judging.tallies) with the count, sum,
minimum and maximum of its counted sheet totals, the middle one or two, the trimmed sum and the criterion tie-break
as a sortable key, refreshed under a row lock in the transaction of every change to a sheet or an assignment. So a
ranking reads one row per entry in one query and orders them with exact integer keys; the earlier submission and
the entry number are read only for the few entries that score and criteria cannot separate. The z-score method
still reads every counted sheet of the stage (each judge's totals are standardised over the whole stage).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from math import lcm

from django.utils.translation import gettext

from competitions.enums import Aggregation

Q4 = Decimal("0.0001")
FLAG_FEW_SHEETS = "few_sheets"
FLAG_DISAGREEMENT = "disagreement"
TIE_BREAK_ORDER = ("heaviest_criteria", "earlier_submission", "entry_number")


def _as_exact(value):
    """An exact value kept as (sum in 1/10000 units, count) until someone asks for it as a Fraction."""
    if isinstance(value, tuple):
        return Fraction(value[0], 10000 * value[1])
    return value


def _shown(value) -> Decimal | None:
    """The 4-decimal value shown for an exact one (a (units, count) pair, a Fraction or a z-score Decimal)."""
    return _round_pair(value) if isinstance(value, tuple) else quantize(value)


@dataclass(slots=True)
class RankedEntry:
    """One ranked entry. The shown values and the tie note are computed from the exact values when read, so a
    ranking of 35,000 entries costs no formatting for the rows nobody looks at."""

    innovation_id: int
    rank: int  # 1..n, unique, ties broken by the declared order
    sheets: int  # submitted sheets counted
    judge_totals: dict[int, Decimal]  # judge user id -> sheet total (when asked for)
    flags: frozenset[str]  # {"few_sheets", "disagreement"}
    spread: Decimal | None = None  # highest minus lowest sheet total
    method: str = Aggregation.MEAN
    stage_scores: dict[int, Decimal | None] = field(default_factory=dict)  # rank_final: stage id -> stage score
    # Exact values behind score and raw_mean (Fraction, a z-score Decimal, or a (units, count) pair).
    exact: object = field(default=None, compare=False, repr=False)
    exact_raw: object = field(default=None, compare=False, repr=False)
    # What broke a tie with the entry above: a text, or what _tie_note needs to write it; "" when not tied.
    tie: object = field(default="", compare=False, repr=False)

    @property
    def score(self) -> Decimal | None:
        """By the chosen aggregation, 0-100, 4 decimals (half up)."""
        return _shown(self.exact)

    @property
    def raw_mean(self) -> Decimal | None:
        """Mean of the counted sheet totals, always."""
        return _shown(self.exact_raw)

    @property
    def tie_break(self) -> str:
        return _tie_note(*self.tie) if isinstance(self.tie, tuple) else self.tie

    @property
    def exact_score(self) -> Fraction | Decimal | None:
        return _as_exact(self.exact)

    @property
    def exact_raw_mean(self) -> Fraction | None:
        return _as_exact(self.exact_raw)


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


def _judge_rows(stage, innovation_ids=None):
    """(innovation id, judge id, total) of every counted submitted sheet of the stage (or of some innovations)."""
    from judging.enums import SheetStatus
    from judging.models import ScoreSheet

    qs = ScoreSheet.objects.filter(
        assignment__stage=stage,
        assignment__released_at__isnull=True,
        status=SheetStatus.SUBMITTED,
        total__isnull=False,
    )
    if innovation_ids is not None:
        qs = qs.filter(assignment__innovation_id__in=list(innovation_ids))
    return list(qs.order_by().values_list("assignment__innovation_id", "assignment__judge_id", "total"))


def judge_totals(stage, innovation_ids) -> dict[int, dict[int, Decimal]]:
    """innovation id -> {judge user id: sheet total} of the counted sheets, for the rows a page shows."""
    totals = defaultdict(dict)
    for inn, judge, total in _judge_rows(stage, innovation_ids):
        totals[inn][judge] = total
    return totals


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


TALLY_FIELDS = ("sheets", "total_sum", "total_min", "total_max", "mid_sum", "mid_n", "trim_percent", "trim_sum")
TALLY_FIELDS += ("trim_n", "tie_key")


def _tallies_current(stage, rows, criteria, method) -> bool:
    """False when stored tallies were made under other settings (a changed trim share) or another rubric."""
    from judging import tallies

    width = len(tallies.key_part(None)) * len(criteria)
    percent = tallies.trim_percent(stage)
    for row in rows:
        sheets, row_percent, tie_key = row[1], row[7], row[10]
        if not sheets:
            continue
        if len(tie_key) != width or (method == Aggregation.TRIMMED_MEAN and row_percent != percent):
            return False
    return True


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


def _tally_rows(stage, category, innovation_ids):
    """(innovation id, units, count, raw units, raw count, min, max, tie key) per entry: one query, LEFT JOIN.

    units/count is the exact score of the stage's method over 10000 (mean, median, trimmed mean); None without a
    counted sheet.
    """
    from django.db.models import FilteredRelation, Q

    from submissions.models import StageEntry

    qs = StageEntry.objects.filter(stage=stage).annotate(
        t=FilteredRelation("innovation__tallies", condition=Q(innovation__tallies__stage=stage))
    )
    if category is not None:
        qs = qs.filter(innovation__category=category)
    if innovation_ids is not None:
        qs = qs.filter(innovation_id__in=list(innovation_ids))
    return list(qs.order_by().values_list("innovation_id", *(f"t__{name}" for name in TALLY_FIELDS)))


def _units(value) -> int:
    """A 4-decimal database number in units of 0.0001, exactly (SQLite hands sums back as floats)."""
    if isinstance(value, float):
        return int(Decimal(repr(value)).quantize(Q4, rounding=ROUND_HALF_UP).scaleb(4))
    return int(value.scaleb(4)) if isinstance(value, Decimal) else int(value) * 10000


def _tie_order_details(ids):
    """innovation id -> (submitted_at, entry_number), for entries the score and criteria cannot separate."""
    from submissions.models import Innovation

    return {
        pk: (sub, number)
        for pk, sub, number in Innovation.objects.filter(pk__in=ids).values_list("pk", "submitted_at", "entry_number")
    }


def _later_key(details):
    def key(item):
        submitted_at, number = details[item[0]]
        return (
            0 if submitted_at is not None else 1,
            submitted_at.timestamp() if submitted_at is not None else 0,
            0 if number is not None else 1,
            _natural(number),
            item[0],
        )

    return key


_FLAG_SETS = {
    (False, False): frozenset(),
    (True, False): frozenset({FLAG_FEW_SHEETS}),
    (False, True): frozenset({FLAG_DISAGREEMENT}),
    (True, True): frozenset({FLAG_FEW_SHEETS, FLAG_DISAGREEMENT}),
}


def rank_stage(stage, *, category=None, method=None, innovation_ids=None, with_judge_totals=False) -> list[RankedEntry]:
    """Rank the entries of one stage (see the module docstring for the exact rules).

    Reads one EntryTally row per entry (judging.tallies keeps them current) in one query and orders them by exact
    integer keys and the fixed-width criterion tie key; submission times and entry numbers are read only for entries
    that those cannot separate. with_judge_totals fills RankedEntry.judge_totals (one more query over the sheets of
    the ranked entries); pages that show a slice call judge_totals() for that slice instead.
    """
    from judging import tallies

    method = method or stage.aggregation or Aggregation.MEAN
    criteria = tallies.weighted_criteria(stage.pk)
    rows = _tally_rows(stage, category, innovation_ids)
    if not _tallies_current(stage, rows, criteria, method):
        tallies.rebuild(stage)
        rows = _tally_rows(stage, category, innovation_ids)
    zscores = _zscores(_judge_rows(stage)) if method == Aggregation.ZSCORE else {}
    pick = {Aggregation.MEDIAN: (5, 6), Aggregation.TRIMMED_MEAN: (8, 9)}.get(method, (2, 1))

    # item: (id, exact, sort key (higher first), raw pair, sheets, spread, tie key)
    scored, unscored = [], []
    for row in rows:
        inn, n = row[0], row[1] or 0
        if not n:
            unscored.append((inn, None, None, None, 0, None, ""))
            continue
        raw = (_units(row[2]), n)
        low, high = row[3], row[4]
        spread = (_dec(high) - _dec(low)) if isinstance(low, float) or isinstance(high, float) else high - low
        if method == Aggregation.ZSCORE:
            exact = zscores.get(inn)
            key = exact
        else:
            units, count = row[pick[0]], row[pick[1]]
            exact = (_units(units), count) if count else None
            key = exact
        target = scored if key is not None else unscored
        target.append((inn, exact, key, raw, n, spread, row[10]))
    if method != Aggregation.ZSCORE and scored:
        common = lcm(*{item[2][1] for item in scored})
        scored = [(*item[:2], item[2][0] * (common // item[2][1]), *item[3:]) for item in scored]
    # Higher score first, then the criterion tie key ascending (it is complemented: a higher mean sorts first).
    scored.sort(key=lambda item: item[6])
    scored.sort(key=lambda item: item[2], reverse=True)
    # Entries equal on both are ordered by the earlier submission, then the lower entry number (read for them only).
    groups, start = [], 0
    for end in range(1, len(scored) + 1):
        if end == len(scored) or scored[end][2] != scored[start][2] or scored[end][6] != scored[start][6]:
            if end - start > 1:
                groups.append((start, end))
            start = end
    need = [item[0] for a, b in groups for item in scored[a:b]] + [item[0] for item in unscored]
    details = _tie_order_details(need) if need else {}
    for a, b in groups:
        scored[a:b] = sorted(scored[a:b], key=_later_key(details))
    unscored.sort(key=_later_key(details))
    ordered = scored + unscored

    labels = [name for _pk, name in criteria]
    notes = {}
    for above, this in pairwise(scored):
        if above[2] == this[2]:
            notes[this[0]] = (above, this, labels, details)
    totals = judge_totals(stage, [item[0] for item in ordered]) if with_judge_totals else {}
    min_sheets, threshold = stage.min_sheets, stage.disagreement_threshold
    # Positional arguments, in RankedEntry's field order: 35,000 keyword calls cost a fifth of the stress ranking.
    return [
        RankedEntry(
            inn,
            position,
            n,
            totals.get(inn) or {},
            _FLAG_SETS[n < min_sheets, spread is not None and spread > threshold],
            spread,
            method,
            {},
            exact,
            raw,
            notes.get(inn, ""),
        )
        for position, (inn, exact, _key, raw, n, spread, _tie) in enumerate(ordered, start=1)
    ]


def _tie_note(above, this, labels, details) -> str:
    """What placed `this` below the entry above it with the same score (the declared tie-break order)."""
    from judging import tallies

    width = len(tallies.key_part(None))
    for index, label in enumerate(labels):
        part_above = above[6][index * width : (index + 1) * width]
        part_this = this[6][index * width : (index + 1) * width]
        if part_above != part_this:
            (a,) = tallies.decode(part_above)
            (b,) = tallies.decode(part_this)
            return gettext(
                "Same score as the entry above; placed below it on “%(criterion)s” (%(this)s against %(above)s)."
            ) % {"criterion": label, "this": _fmt(b), "above": _fmt(a)}
    (sub_above, number_above), (sub_this, number_this) = details[above[0]], details[this[0]]
    if sub_above != sub_this:
        return gettext("Same score and criterion scores as the entry above; submitted later.")
    if number_above != number_this:
        return gettext("Same score, criterion scores and submission time as the entry above; higher entry number.")
    return gettext("Identical to the entry above in every declared tie-break; ordered by record number.")


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
    per_stage = {
        s.pk: {e.innovation_id: e for e in rank_stage(s, innovation_ids=ids, with_judge_totals=s == last)}
        for s in stages
    }
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
            sheets=item["n"],
            judge_totals=dict(item["last_totals"]),
            flags=item["flags"],
            tie=notes.get(item["id"], ""),
            stage_scores=item["stage_scores"],
            exact=item["exact"],
            exact_raw=item["raw"],
        )
        for position, item in enumerate(ordered, start=1)
    ]
