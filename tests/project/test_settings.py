import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kovablik.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def settings_under(env: dict) -> dict:
    """Import the settings module in a fresh interpreter with exactly this environment."""
    code = (
        "import json, kovablik.settings as s;"
        "print(json.dumps({'db': s.DATABASES['default'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'email': s.EMAIL_BACKEND, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ,"
        "'debug': s.DEBUG, 'media': str(s.MEDIA_ROOT), 'languages': [c for c, _ in s.LANGUAGES]}, default=str))"
    )
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_settings_defaults_are_a_laptop_setup():
    s = settings_under({})
    assert s["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["db"]["NAME"].endswith("db.sqlite3")
    assert s["eager"] is True
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["debug"] is True
    assert s["media"] == str(ROOT / "media")
    assert (s["lang"], s["tz"], s["use_tz"]) == ("id", "Asia/Jakarta", True)
    assert s["languages"] == ["id", "en"]


def test_settings_database_url_switches_to_postgres():
    s = settings_under({"DATABASE_URL": "postgres://kvb:s3cret@db.example:6543/kovablik"})
    db = s["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "kovablik",
        "kvb",
        "s3cret",
        "db.example",
        6543,
    )


def test_settings_broker_turns_off_eager_celery():
    assert settings_under({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})["eager"] is False


def test_settings_production_without_secret_key_refuses_to_start():
    code = "import kovablik.settings"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY" in out.stderr


@pytest.mark.parametrize("raw,expected", [("1", True), ("yes", True), ("0", False), ("off", False), ("", False)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_bool_bad_value_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_bad_value_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.go.id, b.go.id ,,")
    assert env_list("X_HOSTS") == ["a.go.id", "b.go.id"]


def test_static_bootstrap_comes_from_the_installed_package():
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/bootstrap/css/bootstrap.min.css")
    assert found and "site-packages" in found
    assert settings.STATIC_URL == "/static/"
