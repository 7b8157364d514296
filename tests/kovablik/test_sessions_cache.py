"""Sessions read from the cache (kovablik.sessions): no session query, logout ends them, a dead cache is no outage."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kovablik import sessions
from kovablik.security import LAST_SEEN_KEY

# Nothing listens on port 1: every call to this cache fails at once, as with Redis stopped.
DEAD_REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "kovablik.sessions"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions-test"}
    }
    caches["default"].clear()


def _session_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


def test_signed_in_page_reads_the_session_from_the_cache(client, judge, cached_sessions):
    client.force_login(judge)

    response, queries = _session_queries(client, reverse("judging:dashboard"))

    assert response.status_code == 200
    assert queries == []


def test_session_missing_from_the_cache_is_read_from_the_database_once(client, judge, cached_sessions):
    client.force_login(judge)
    caches["default"].clear()

    first, first_queries = _session_queries(client, reverse("judging:dashboard"))
    second, second_queries = _session_queries(client, reverse("judging:dashboard"))

    assert (first.status_code, second.status_code) == (200, 200)
    assert len(first_queries) == 1
    assert second_queries == []


def test_cached_copy_expires_within_the_bound(client, judge, cached_sessions, monkeypatch):
    client.force_login(judge)
    key = sessions.SessionStore.cache_key_prefix + client.session.session_key
    cache = caches["default"]
    # LocMemCache keeps each key's expiry time beside it: the copy must not outlive CACHE_SECONDS.
    expires_at = cache._expire_info[cache.make_and_validate_key(key)]

    assert expires_at - time.time() <= sessions.CACHE_SECONDS


def test_logout_ends_the_cached_session(client, judge, cached_sessions):
    client.force_login(judge)
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("judging:dashboard")).status_code == 200

    client.post(reverse("logout"))
    client.cookies["sessionid"] = cookie  # replay the old cookie
    response = client.get(reverse("judging:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=cookie).exists()


def test_idle_timeout_is_seen_through_the_cache(client, judge, cached_sessions, settings):
    client.force_login(judge)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES * 60 - 5
    session.save()

    response = client.get(reverse("judging:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_serve_from_the_database_when_the_cache_is_down(client, judge, settings, cached_sessions):
    client.force_login(judge)  # saved while the cache works
    settings.CACHES = {"default": DEAD_REDIS}

    response = client.get(reverse("judging:dashboard"))
    client.post(reverse("logout"))
    after_logout = client.get(reverse("judging:dashboard"))
    client.force_login(judge)  # a new session saved with the cache down
    again = client.get(reverse("judging:dashboard"))

    assert response.status_code == 200
    assert after_logout.status_code == 302
    assert again.status_code == 200
