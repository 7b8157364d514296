"""Ranking time: the engine (judging.ranking.rank_stage, aggregation in SQL) against plain Python loops.

The Python side fetches the raw criterion scores of the stage and recomputes everything in loops: each sheet's total
(sum(weight * score / max) / sum(weight) * 100, half-up to 4 places), the exact mean per innovation, and the declared
tie-break (heaviest criterion's mean score / max first, then the next, then the earlier submission, then the entry
number). Its order is compared with the engine's, so the ratio compares two computations of the same ranking.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import defaultdict
from fractions import Fraction


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
    """(order, seconds fetching rows, seconds computing in Python loops).

    Exact like the engine, but with integers rather than Fractions where it can: every score / max is put over the
    common denominator of the criteria's maxima, so a sheet total is an integer ratio rounded half-up in integers.
    """
    from django.db import connection

    from judging.models import Assignment, Criterion, CriterionScore, ScoreSheet
    from submissions.models import Innovation, StageEntry

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    started = time.perf_counter()
    criteria = list(Criterion.objects.filter(stage_id=stage_id).values_list("pk", "weight", "order"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT a.innovation_id, sc.sheet_id, sc.criterion_id, sc.value, sc.scale_max
                FROM {table(CriterionScore)} sc
                JOIN {table(ScoreSheet)} sh ON sh.id = sc.sheet_id
                JOIN {table(Assignment)} a ON a.id = sh.assignment_id
                WHERE a.stage_id = %s AND sh.status = 'submitted'""",  # noqa: S608 - quoted table names only
            [stage_id],
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"""SELECT e.innovation_id, i.submitted_at, i.entry_number
                FROM {table(StageEntry)} e JOIN {table(Innovation)} i ON i.id = e.innovation_id
                WHERE e.stage_id = %s""",  # noqa: S608 - quoted table names only
            [stage_id],
        )
        entries = cursor.fetchall()
    fetched = time.perf_counter()

    # Decimals with at most 2 places: x100 makes them integers; L is the common denominator of every scale max.
    weight = {pk: int(w * 100) for pk, w, _ in criteria}
    maxima = {int(m * 100) for *_, m in rows} or {1}
    common = 1
    for m in maxima:
        common = common * m // math.gcd(common, m)
    factor = {m: common // m for m in maxima}
    heaviest_first = [pk for pk, w, order in sorted(criteria, key=lambda c: (-c[1], c[2])) if w > 0]
    sheet_num = defaultdict(int)  # sum(weight * value * L / max)
    sheet_den = defaultdict(int)  # sum(weight) * L
    sheet_innovation = {}
    crit_sum = defaultdict(int)  # sum(value * L / max), per innovation and criterion
    crit_n = defaultdict(int)
    for innovation_id, sheet_id, criterion_id, value, scale_max in rows:
        share = int(value * 100) * factor[int(scale_max * 100)]
        w = weight[criterion_id]
        sheet_num[sheet_id] += w * share
        sheet_den[sheet_id] += w * common
        sheet_innovation[sheet_id] = innovation_id
        crit_sum[innovation_id, criterion_id] += share
        crit_n[innovation_id, criterion_id] += 1
    total_sum = defaultdict(int)  # in units of 0.0001
    total_n = defaultdict(int)
    for sheet_id, num in sheet_num.items():
        den = sheet_den[sheet_id]
        if not den:
            continue
        total = (2 * num * 100 * 10_000 + den) // (2 * den)  # half-up to 4 places, as an integer of 0.0001
        innovation_id = sheet_innovation[sheet_id]
        total_sum[innovation_id] += total
        total_n[innovation_id] += 1

    def natural(number):
        digits = "".join(ch for ch in number or "" if ch.isdigit())
        return (int(digits) if digits else 0, number or "")

    keyed = []
    for innovation_id, submitted_at, entry_number in entries:
        n = total_n.get(innovation_id, 0)
        mean = Fraction(total_sum[innovation_id], n) if n else None
        key = [0 if mean is not None else 1, -(mean or 0)]
        for criterion_id in heaviest_first:
            c = crit_n.get((innovation_id, criterion_id), 0)
            value = Fraction(crit_sum[innovation_id, criterion_id], c) if c else None
            key += [0 if value is not None else 1, -(value or 0)]
        key += [0 if submitted_at else 1, submitted_at.timestamp() if submitted_at else 0]
        key += [0 if entry_number is not None else 1, natural(entry_number), innovation_id]
        keyed.append((key, innovation_id))
    keyed.sort()
    order = [innovation_id for _, innovation_id in keyed]
    return order, fetched - started, time.perf_counter() - fetched


def engine_in_subprocess(stage_id: int, time_limit: int) -> tuple[dict, str | None]:
    """One engine run in its own process, stopped after time_limit seconds: (engine figures, order digest)."""
    import json
    import os
    import subprocess
    import sys

    from bench.config import ROOT

    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.rank_once", str(stage_id)],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=time_limit,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within the bench's bound of {time_limit} s", "seconds_min": None}, None
    data = json.loads(done.stdout.strip().splitlines()[-1])
    figures = {
        "function": "judging.ranking.rank_stage(stage)",
        "seconds_median": round(data["seconds"], 4),
        "seconds_min": round(data["seconds"], 4),
        "runs": 1,
        "warm_up_run": False,
        "entries": data["entries"],
        "process": "its own (time-bounded)",
    }
    return figures, data["order_sha256"]


def measure_bounded(stage_id: int, *, time_limit: int = 150) -> dict:
    """The stress size: one engine run in a time-bounded process, then the Python loops; orders compared by digest."""
    import hashlib

    try:
        import judging.ranking  # noqa: F401
    except ImportError:
        engine, digest = {"missing": "judging.ranking.rank_stage not built"}, None
    else:
        engine, digest = engine_in_subprocess(stage_id, time_limit)
    py_order, fetch_s, compute_s = python_order(stage_id)
    out = {
        "engine": engine,
        "python_loops": {
            "seconds": round(fetch_s + compute_s, 4),
            "fetch_seconds": round(fetch_s, 4),
            "compute_seconds": round(compute_s, 4),
            "runs": 1,
        },
    }
    if digest is not None:
        out["same_order_as_engine"] = hashlib.sha256(",".join(map(str, py_order)).encode()).hexdigest() == digest
        out["python_over_engine_ratio"] = round((fetch_s + compute_s) / engine["seconds_median"], 2)
    return out


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
