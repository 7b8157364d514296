"""Drop and recreate the bench's own Postgres database, then migrate it."""

import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def recreate(database_url: str) -> float:
    """Drop the database named in the URL (it must start with kovablik_bench) and create it empty; seconds spent."""
    started = time.perf_counter()
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("kovablik_bench"):
        raise SystemExit(f"bench only drops its own databases (kovablik_bench*), not {name!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return time.perf_counter() - started


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return time.perf_counter() - started


def collectstatic() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def analyze() -> None:
    """Fresh planner statistics after bulk loading, as autovacuum would give a live database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
