"""Ranking time: the engine (judging.ranking.rank_stage, aggregation in SQL) against plain Python loops.

The Python side fetches the raw criterion scores of the stage and recomputes everything in loops: each sheet's total
(sum(weight * score / max) / sum(weight) * 100, half-up to 4 places), the exact mean per innovation, and the declared
tie-break (heaviest criterion's mean score / max first, then the next, then the earlier submission, then the entry
number). Its order is compared with the engine's, so the ratio compares two computations of the same ranking.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Q4 = Decimal("0.0001")


def _timed(fn, runs: int, warmup: bool = True):
    """Run fn `runs` times, after one warm-up run if asked; (median seconds, min seconds, last result)."""
    result = fn() if warmup else None
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def engine_order(stage_id: int) -> list[int]:
    from competitions.models import Stage
    from judging.ranking import rank_stage

    stage = Stage.objects.get(pk=stage_id)
    return [entry.innovation_id for entry in rank_stage(stage)]


def python_order(stage_id: int) -> tuple[list[int], float, float]:
    """(order, seconds fetching rows, seconds computing in Python loops)."""
    from judging.models import Criterion, CriterionScore
    from submissions.models import StageEntry

    started = time.perf_counter()
    criteria = list(Criterion.objects.filter(stage_id=stage_id).values_list("pk", "weight", "order"))
    rows = list(
        CriterionScore.objects.filter(sheet__assignment__stage_id=stage_id, sheet__status="submitted")
        .order_by()
        .values_list("sheet__assignment__innovation_id", "sheet_id", "criterion_id", "value", "scale_max")
    )
    entries = list(
        StageEntry.objects.filter(stage_id=stage_id)
        .order_by()
        .values_list("innovation_id", "innovation__submitted_at", "innovation__entry_number")
    )
    fetched = time.perf_counter()

    weight = {pk: Fraction(w) for pk, w, _ in criteria}
    heaviest_first = [pk for pk, w, order in sorted(criteria, key=lambda c: (-c[1], c[2])) if w > 0]
    sheet_num = defaultdict(Fraction)
    sheet_den = defaultdict(Fraction)
    sheet_innovation = {}
    crit_sum = defaultdict(Fraction)
    crit_n = defaultdict(int)
    for innovation_id, sheet_id, criterion_id, value, scale_max in rows:
        share = Fraction(value) / Fraction(scale_max)
        sheet_num[sheet_id] += weight[criterion_id] * share
        sheet_den[sheet_id] += weight[criterion_id]
        sheet_innovation[sheet_id] = innovation_id
        crit_sum[innovation_id, criterion_id] += share
        crit_n[innovation_id, criterion_id] += 1
    total_sum = defaultdict(Fraction)
    total_n = defaultdict(int)
    for sheet_id, num in sheet_num.items():
        exact = num / sheet_den[sheet_id] * 100
        total = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Q4, rounding=ROUND_HALF_UP)
        innovation_id = sheet_innovation[sheet_id]
        total_sum[innovation_id] += Fraction(total)
        total_n[innovation_id] += 1

    def natural(number):
        digits = "".join(ch for ch in number or "" if ch.isdigit())
        return (int(digits) if digits else 0, number or "")

    keyed = []
    for innovation_id, submitted_at, entry_number in entries:
        n = total_n.get(innovation_id, 0)
        mean = total_sum[innovation_id] / n if n else None
        key = [0 if mean is not None else 1, -(mean or 0)]
        for criterion_id in heaviest_first:
            c = crit_n.get((innovation_id, criterion_id), 0)
            value = crit_sum[innovation_id, criterion_id] / c if c else None
            key += [0 if value is not None else 1, -(value or 0)]
        key += [0 if submitted_at else 1, submitted_at.timestamp() if submitted_at else 0]
        key += [0 if entry_number is not None else 1, natural(entry_number), innovation_id]
        keyed.append((key, innovation_id))
    keyed.sort()
    order = [innovation_id for _, innovation_id in keyed]
    return order, fetched - started, time.perf_counter() - fetched


def measure(stage_id: int, *, engine_runs: int = 3, python_runs: int = 1, warmup: bool = True) -> dict:
    """Median engine time against the Python loops over the same stage, with the orders compared."""
    try:
        import judging.ranking  # noqa: F401
    except ImportError:
        engine = None
    else:
        engine = True
    out: dict = {}
    if engine:
        median, best, order = _timed(lambda: engine_order(stage_id), engine_runs, warmup)
        out["engine"] = {
            "function": "judging.ranking.rank_stage(stage)",
            "seconds_median": round(median, 4),
            "seconds_min": round(best, 4),
            "runs": engine_runs,
            "warm_up_run": warmup,
            "entries": len(order),
        }
    else:
        out["engine"] = {"missing": "judging.ranking.rank_stage not built"}
        order = None

    fetch_times, compute_times = [], []
    for _ in range(python_runs):
        py_order, fetch_s, compute_s = python_order(stage_id)
        fetch_times.append(fetch_s)
        compute_times.append(compute_s)
    fetch_s, compute_s = statistics.median(fetch_times), statistics.median(compute_times)
    out["python_loops"] = {
        "seconds": round(fetch_s + compute_s, 4),
        "fetch_seconds": round(fetch_s, 4),
        "compute_seconds": round(compute_s, 4),
        "runs": python_runs,
    }
    if order is not None:
        out["same_order_as_engine"] = order == py_order
        out["python_over_engine_ratio"] = round((fetch_s + compute_s) / out["engine"]["seconds_median"], 2)
    return out
