"""A dropped database connection (a PostgreSQL restart, a failover) is survived by the very next request."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests import factories as f
from tests.services import database_url_of_test_db, require_postgres

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def _backends_of_others() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def web_server(transactional_db):
    """gunicorn with one sync worker, so every request reuses the worker's one persistent connection."""
    require_postgres()
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DATABASE_URL": database_url_of_test_db(),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_DEBUG": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kovablik.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(f"{base}/healthz/")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"gunicorn did not start: {proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.postgres
def test_request_after_database_connection_dropped_served(web_server):
    f.CompetitionFactory(name="Kolabik Tahan Banting", is_public=True)
    status, body = _get(f"{web_server}/")
    assert status == 200 and "Kolabik Tahan Banting" in body
    before = _backends_of_others()
    assert before, "the web worker should hold a persistent connection"

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    status, body = _get(f"{web_server}/")
    assert status == 200
    assert "Kolabik Tahan Banting" in body
    after = _backends_of_others()
    assert after and not (after & before), "the worker should have reconnected on a new backend"
