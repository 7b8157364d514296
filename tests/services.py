"""Real services for tests: a Celery worker process and a Chromium browser.

Locally a missing service skips the tests that need it; with KOVABLIK_REQUIRE_SERVICES=1 (set by .ci/run) it fails
them instead, so CI can never pass by skipping.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KOVABLIK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def services_required() -> bool:
    return os.environ.get("KOVABLIK_REQUIRE_SERVICES") == "1"


def missing(reason: str):
    if services_required():
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def require_postgres():
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL")


def require_broker() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        missing("needs Redis: set CELERY_BROKER_URL")
    return url


def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


class WorkerProcess:
    """A real `celery worker` talking to the test database through DATABASE_URL."""

    def __init__(self, database_url: str, concurrency: int = 2, extra_env: dict | None = None):
        self.database_url = database_url
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.proc = None
        self.log = ROOT / ".pytest-worker.log"

    def start(self):
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            **self.extra_env,
        }
        self._log_handle = open(self.log, "ab")  # noqa: SIM115 - kept open for the worker's lifetime
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kovablik",
                "worker",
                "--loglevel=warning",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self):
        """Kill the worker and its pool processes at once, as a crash would."""
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)

    def stop(self):
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_handle.close()


def database_url_of_test_db() -> str:
    """The URL of the database pytest-django created, for processes outside the test (worker, gunicorn)."""
    from django.db import connection

    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def wait_for(predicate, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    """Poll until predicate() is truthy; a deadline, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def reset_broker_connections(app):
    """Drop every cached broker connection and producer, so the next send connects to app.conf.broker_url afresh.

    kombu keeps process-wide pools keyed by URL: closing only app.pool leaves a closed pool in that registry, and
    every later send in the process fails with "Acquire on closed pool".
    """
    from kombu import pools

    pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
