"""`python -m bench.surge_only`: the deadline surge alone, against a database of its own (development runs).

Recreates the database (BENCH_DATABASE_URL, by default kovablik_bench_surge: never the national bench database),
migrates it, collects static files, starts gunicorn as the full bench does (5 sync workers) and runs surge.run.
With --monitor FILE it also samples, every half second, what the database sessions wait on (pg_stat_activity,
ungranted pg_locks) and the state of the server's TCP connections (ss), one JSON line per sample, and prints a
summary of the stalls seen. Use BENCH_BROKER_URL / BENCH_CACHE_URL to pick a Redis database of your own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import config

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kovablik_bench_surge"

ACTIVITY = """
SELECT pid, state, wait_event_type, wait_event, round(extract(epoch FROM now() - query_start)::numeric, 2),
       left(regexp_replace(query, '\\s+', ' ', 'g'), 120)
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
"""
WAITING_LOCKS = """
SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text, pg_blocking_pids(l.pid)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()
"""


class Monitor(threading.Thread):
    """Samples the database's busy sessions and the server's connections until stopped."""

    def __init__(self, database_url: str, port: int, path: Path, interval: float = 0.5):
        super().__init__(daemon=True)
        self.database_url, self.port, self.path, self.interval = database_url, port, path, interval
        self.halt = threading.Event()

    def run(self):
        import psycopg

        began = time.monotonic()
        with psycopg.connect(self.database_url, autocommit=True) as conn, self.path.open("w") as out:
            while not self.halt.wait(self.interval):
                sample = {"t": round(time.monotonic() - began, 2)}
                sample["active"] = [list(map(_plain, row)) for row in conn.execute(ACTIVITY).fetchall()]
                sample["lock_waits"] = [list(map(_plain, row)) for row in conn.execute(WAITING_LOCKS).fetchall()]
                sample["connections"] = self._connections()
                out.write(json.dumps(sample) + "\n")
                out.flush()

    def _connections(self) -> list[list]:
        """[state, bytes not yet read by the server] of each TCP connection to gunicorn's port."""
        done = subprocess.run(
            ["ss", "-Htn", "state", "all", f"( sport = :{self.port} )"], capture_output=True, text=True, check=False
        )
        rows = []
        for line in done.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 2:
                rows.append([fields[0], int(fields[1])])  # for LISTEN: connections waiting to be accepted
        return rows


def _plain(value):
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def summarise(path: Path) -> dict:
    """The longest database wait, the most lock waits at once, and the seconds with connections idle in gunicorn."""
    longest = (0.0, None)
    most_lock_waits = 0
    idle_accepted = 0
    samples = 0
    for line in path.read_text().splitlines():
        sample = json.loads(line)
        samples += 1
        for row in sample["active"]:
            if row[4] is not None and float(row[4]) > longest[0]:
                longest = (float(row[4]), row)
        most_lock_waits = max(most_lock_waits, len(sample["lock_waits"]))
        established = sum(1 for state, _queued in sample["connections"] if state == "ESTAB")
        idle_accepted = max(idle_accepted, established)
    return {
        "samples": samples,
        "longest_running_statement_s": longest[0],
        "longest_statement": longest[1],
        "most_lock_waits_at_once": most_lock_waits,
        "most_established_connections": idle_accepted,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.surge_only", description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="submissions (default 500)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--time-limit", type=int, default=300, help="seconds wrk may run (default 300)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers (default 5)")
    parser.add_argument("--monitor", help="file for the database and connection samples (JSON lines)")
    parser.add_argument("--output", help="file for the result (JSON); printed in any case")
    args = parser.parse_args(argv)

    os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_URL)
    env = config.prepare_environment()
    from bench import database

    database.recreate(env["DATABASE_URL"])
    import django

    django.setup()
    database.migrate()
    database.collectstatic()

    from bench import load, surge

    workdir = Path(env["KOVABLIK_BENCH_DIR"])
    gunicorn = load.Gunicorn(workers=args.workers, log_path=workdir / "gunicorn-surge.log").start()
    monitor = None
    if args.monitor:
        monitor = Monitor(env["DATABASE_URL"], gunicorn.port, Path(args.monitor))
        monitor.start()
    try:
        result = surge.run(gunicorn.base, workdir, n=args.n, clients=args.clients, time_limit=args.time_limit)
    finally:
        if monitor:
            monitor.halt.set()
            monitor.join(timeout=10)
        gunicorn.stop()
    result["gunicorn_log"] = str(gunicorn.log_path)
    if monitor:
        result["monitor"] = summarise(Path(args.monitor))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
