"""The environment every bench process shares: the orchestrator, gunicorn and the Celery worker.

Sessions are signed with SECRET_KEY and sheets are read through DATABASE_URL, so all of them must see the same values.
The bench runs the portal as in production (DEBUG off, manifest static files) but over plain HTTP on loopback.
"""

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kovablik_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/5"
LOOPBACK = "127.0.0.1"


def database_url() -> str:
    """BENCH_DATABASE_URL, else DATABASE_URL if it names a kovablik_bench* database, else the default.

    The bench drops and recreates its database, so a DATABASE_URL naming any other database is never used.
    """
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    shell = os.environ.get("DATABASE_URL", "")
    if shell.startswith("postgres") and shell.rsplit("/", 1)[-1].startswith("kovablik_bench"):
        return shell
    return DEFAULT_DATABASE_URL


def prepare_environment() -> dict[str, str]:
    """Set the bench's variables in os.environ (before Django is imported) and return them."""
    work = Path(os.environ.get("KOVABLIK_BENCH_DIR") or tempfile.mkdtemp(prefix="kovablik-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    values = {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL") or DEFAULT_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "kovablik.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-" + "x" * 24,
        "DJANGO_ALLOWED_HOSTS": f"{LOOPBACK},localhost",
        # Plain HTTP on loopback: no redirect to https, no HSTS; cookies are sent by the load tool itself.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_LOG_LEVEL": "ERROR",
        "KOVABLIK_BENCH_DIR": str(work),
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL") or DEFAULT_BROKER_URL,  # Redis cache, as in production
    }
    values["CELERY_RESULT_BACKEND"] = values["CELERY_BROKER_URL"]
    for url in (values["DATABASE_URL"], values["CELERY_BROKER_URL"]):
        host = url.split("@")[-1].split("//")[-1].split("/")[0].split(":")[0]
        if host not in (LOOPBACK, "localhost"):
            raise SystemExit(f"bench refuses to touch anything but {LOOPBACK}: {url}")
    os.environ.update(values)
    return values
