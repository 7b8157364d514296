"""`python -m bench`: seed, measure, print one JSON document and write it to bench/results/latest.json.

Bounded: every phase has a time or count limit, so the whole run ends by itself (10-12 minutes on 2 cores).
Options exist for quicker development runs; `make bench` uses the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback

from bench import config


def _phase(report: dict, key: str, fn, *args, **kwargs):
    started = time.perf_counter()
    print(f"[bench] {key} ...", file=sys.stderr, flush=True)
    try:
        report[key] = fn(*args, **kwargs)
    except Exception as exc:  # a broken phase is reported, the others still run
        traceback.print_exc()
        report[key] = {"error": f"{type(exc).__name__}: {exc}"}
    print(f"[bench] {key} done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return report[key]


def _pages_and_surge(report, national, published, args, env, deadline) -> dict:
    """gunicorn up, the six pages under wrk, then the deadline surge against the same server; gunicorn down."""
    from pathlib import Path

    from bench import load, pages, surge
    from bench import report as reporting

    results: dict = {}
    gunicorn = load.Gunicorn(workers=5).start()
    report["machine"]["gunicorn"] = {"workers": gunicorn.workers, "worker_class": "sync", "bind": gunicorn.base}
    report["machine"]["load_tool"] = (
        f"wrk (20 connections, 2 threads, {args.page_seconds} s per page after a 2 s warm-up)"
    )
    try:
        for page in pages.pages(national, published=bool(published and published.get("published"))):
            if page.missing:
                results[page.name] = {"missing": page.missing}
                continue
            cookie = load.login_cookie(page.user_id) if page.user_id else None
            _phase(
                results,
                page.name,
                load.measure_page,
                gunicorn.base,
                page.path,
                cookie=cookie,
                expect=page.expect,
                seconds=args.page_seconds,
            )
            if page.note:
                results[page.name]["what"] = page.note
        reporting.add_ratios(results)
        # The surge and the certificate batch are bounded by time as well as by count, and get what is left of the
        # run's budget (less a reserve for the phases after them), so the whole bench ends within 15 minutes.
        surge_bound = int(max(90, min(300, deadline - time.perf_counter() - 150)))
        workdir = Path(env["KOVABLIK_BENCH_DIR"])
        _phase(results, "surge", surge.run, gunicorn.base, workdir, n=args.surge, time_limit=surge_bound)
    finally:
        gunicorn.stop()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--no-stress", action="store_true", help="skip the stress size (development only)")
    parser.add_argument("--page-seconds", type=int, default=10, help="wrk duration per page (default 10)")
    parser.add_argument("--surge", type=int, default=500, help="submissions in the deadline surge (default 500)")
    parser.add_argument("--certificates", type=int, default=200, help="certificates in the worker batch (default 200)")
    parser.add_argument("--output", default=str(config.RESULTS / "latest.json"))
    parser.add_argument("--budget", type=int, default=14 * 60, help="seconds the whole run may take (default 840)")
    args = parser.parse_args(argv)

    begun = time.perf_counter()
    deadline = begun + args.budget
    env = config.prepare_environment()
    config.RESULTS.mkdir(parents=True, exist_ok=True)
    from bench import database

    report: dict = {"generated_at": None, "machine": {}, "seed": {}}
    # The machine's load (1-minute average) at each phase: other work on the same cores makes every figure worse.
    loads = {"start": os.getloadavg()[0]}
    database.recreate(env["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench import certificates, ranking, seed
    from bench import report as reporting

    report["generated_at"] = timezone.now().isoformat(timespec="seconds")
    report["seed"]["migrate_seconds"] = round(database.migrate(), 1)
    database.collectstatic()

    national = seed.seed(seed.NATIONAL)
    report["seed"]["national"] = reporting.seed_summary(national)
    stress = None
    if not args.no_stress:
        stress = seed.seed(seed.STRESS, seed_value=2027)
        report["seed"]["stress"] = reporting.seed_summary(stress)
    database.analyze()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    report["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgres": pg_version,
        "platform": platform.platform(),
    }

    report["ranking"] = {}
    _phase(report["ranking"], "national", ranking.measure, national.proposal_stage_id, engine_runs=3)
    if stress is not None:
        # One timed engine run at the stress size, in a process stopped after 120 s, so the whole bench stays
        # inside its 15 minutes whatever the engine does with 1.75 million scores.
        _phase(report["ranking"], "stress", ranking.measure_bounded, stress.proposal_stage_id, time_limit=120)
    else:
        report["ranking"]["stress"] = {"skipped": "--no-stress"}

    loads["after_ranking"] = os.getloadavg()[0]
    published = _phase(report, "shortlist", reporting.publish_shortlist, national)
    _phase(report, "pages", _pages_and_surge, report, national, published, args, env, deadline)
    report["surge"] = report["pages"].pop("surge", None) or report.get("surge") or {"error": "not run"}
    loads["after_pages_and_surge"] = os.getloadavg()[0]
    certificate_bound = int(max(45, min(120, deadline - time.perf_counter() - 40)))
    _phase(report, "certificates", certificates.run, n=args.certificates, time_limit=certificate_bound)
    _phase(report, "leaderboard_pdf", reporting.leaderboard_pdf, rows=300)
    loads["end"] = os.getloadavg()[0]
    report["machine"]["load_average_1min"] = {k: round(v, 2) for k, v in loads.items()}
    report["targets"] = reporting.targets(report)
    report["total_seconds"] = round(time.perf_counter() - begun, 1)

    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    config.Path(args.output).write_text(text + "\n")
    print(f"[bench] written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
