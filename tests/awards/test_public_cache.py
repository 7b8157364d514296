"""The public results page cached whole for anonymous visitors (awards.public_cache)."""

import time
from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from awards import public_cache
from awards.models import Award, ShortlistSnapshot, WinnersRelease
from awards.services import shortlists, winners

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def url(competition):
    return reverse("awards:competition_results", kwargs={"slug": competition.slug})


def test_results_page_hit_runs_no_query_and_serves_the_same_page(client, url, published, django_assert_num_queries):
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert "Antrean Online" in second.content.decode()


def test_results_page_hit_keeps_security_headers_and_sets_no_cookie(client, url, published):
    client.get(url)

    hit = client.get(url)

    assert hit["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert hit["Content-Type"] == "text/html; charset=utf-8"
    assert hit["Content-Language"] == "id"
    assert {"Accept-Language", "Cookie"} <= {part.strip() for part in hit["Vary"].split(",")}
    assert not hit.cookies  # neither a session nor a CSRF cookie
    assert "csrfmiddlewaretoken" not in hit.content.decode()


def test_results_page_cached_per_language(client, url, published):
    indonesian = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url)
    english_again = client.get(url)

    assert "Hasil" in indonesian and 'lang="id"' in indonesian
    assert english["Content-Language"] == "en"
    assert "Results of" in english.content.decode() and '<html lang="en">' in english.content.decode()
    assert english_again.content == english.content


def test_results_page_ignores_other_parameters_and_links_languages_to_the_path(client, url, published):
    plain = client.get(url)

    tagged = client.get(url, {"utm_source": "whatsapp"})

    assert tagged.content == plain.content
    assert f'href="/language/en/?next={url}"' in tagged.content.decode()
    assert "utm_source" not in tagged.content.decode()


def test_results_search_is_rendered_not_cached(client, url, published):
    client.get(url)

    found = client.get(url, {"q": "antrean"}).content.decode()

    assert "Antrean Online" in found and "Data Sekolah" not in found
    assert 'value="antrean"' in found


def test_results_page_changes_when_a_correction_supersedes_the_list(client, url, published, proposal_stage, committee):
    before = client.get(url).content.decode()

    shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 3}, actor=committee, correction_reason="B was missed"
    )
    after = client.get(url).content.decode()

    assert "Bidan Siaga" not in before
    assert "Bidan Siaga" in after and "B was missed" in after


def test_results_page_changes_when_a_list_is_published(client, url, proposal_stage, committee, ranked):
    before = client.get(url).content.decode()

    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    after = client.get(url).content.decode()

    assert "Antrean Online" not in before
    assert "Antrean Online" in after


def test_results_page_shows_winners_once_released_and_hides_them_once_withdrawn(
    client, url, competition, committee, published, ranked
):
    Award.objects.create(
        competition=competition, category=ranked["c"].category, innovation=ranked["c"], place="juara_1",
        assigned_by=committee,
    )  # fmt: skip
    before = client.get(url).content.decode()

    winners.publish_winners(competition=competition, actor=committee)
    released = client.get(url).content.decode()
    WinnersRelease.objects.filter(competition=competition).get().delete()  # withdrawn in the admin
    withdrawn = client.get(url).content.decode()

    assert "Cek Gizi" not in before
    assert "Cek Gizi" in released
    assert "Cek Gizi" not in withdrawn


def test_results_page_gone_once_the_competition_is_hidden(client, url, competition, published):
    assert client.get(url).status_code == 200

    competition.is_public = False
    competition.save()

    assert client.get(url).status_code == 404


def test_results_page_drops_the_objection_link_when_the_window_closes(client, url, proposal_stage, committee, ranked):
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=1
    )
    # The window ends in two seconds; a queryset update tells no receiver, so only the entry's lifetime can help.
    closes = timezone.now() + timedelta(seconds=2)
    ShortlistSnapshot.objects.filter(pk=snapshot.pk).update(objections_until=closes)
    during = client.get(url).content.decode()

    time.sleep(max(0.0, (closes - timezone.now()).total_seconds()) + 0.2)
    after = client.get(url).content.decode()

    assert "objection/" in during
    assert "objection/" not in after


def test_cache_timeout_ends_at_the_next_objection_window(published):
    now = timezone.now()
    published.objections_until = now + timedelta(seconds=90)
    closed = ShortlistSnapshot(objections_until=now - timedelta(seconds=5))

    assert public_cache.timeout([published, closed], now=now) == 90
    assert public_cache.timeout([closed], now=now) == public_cache.MAX_AGE_SECONDS
    published.objections_until = now + timedelta(days=3)
    assert public_cache.timeout([published], now=now) == public_cache.MAX_AGE_SECONDS


def test_render_that_raced_with_a_change_is_never_served(published, competition):
    # A request reads the version, then the data; the list changes and commits; the request stores its page.
    hit, version = public_cache.lookup(competition.slug, "id")
    public_cache.invalidate()
    public_cache.store(competition.slug, "id", version, HttpResponse(b"stale"), 60)

    hit_after, _version = public_cache.lookup(competition.slug, "id")

    assert hit is None and hit_after is None


def test_results_page_for_signed_in_visitor_is_their_own(client, url, published, agency_member):
    client.get(url)  # cached for anonymous visitors
    client.force_login(agency_member)

    mine = client.get(url).content.decode()
    client.logout()
    anonymous = client.get(url).content.decode()

    assert agency_member.username in mine or agency_member.get_full_name() in mine
    assert agency_member.username not in anonymous
    assert "Masuk" in anonymous


def test_results_page_with_a_message_waiting_shows_it_and_is_not_stored(client, url, published):
    client.get(url)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Pesan khusus untuk Anda")])

    with_message = client.get(url).content.decode()
    client.cookies.pop("messages", None)
    without = client.get(url).content.decode()

    assert "Pesan khusus untuk Anda" in with_message
    assert "Pesan khusus untuk Anda" not in without


def test_results_page_shows_nothing_unpublished(client, url, competition, committee, ranked):
    Award.objects.create(
        competition=competition, category=ranked["a"].category, innovation=ranked["a"], place="juara_1",
        assigned_by=committee,
    )  # fmt: skip
    client.get(url)

    text = client.get(url).content.decode()

    assert "Antrean Online" not in text and "Bidan Siaga" not in text


@pytest.fixture
def redis_cache(settings):
    """The default cache on a throwaway redis-server, as in production (the direct-client path of public_cache)."""
    import shutil

    from tests.kovablik.conftest import RedisServer

    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (apt-get install redis-server)")
    server = RedisServer().start()
    saved = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"{server.url}/0"}
    }
    yield server
    settings.CACHES = saved  # before the server goes, so that no later teardown talks to it
    server.stop()


def test_on_redis_a_hit_runs_no_query_and_a_correction_replaces_it(
    client, url, published, proposal_stage, committee, redis_cache, django_assert_num_queries
):
    first = client.get(url)
    with django_assert_num_queries(0):
        hit = client.get(url)
    shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 3}, actor=committee, correction_reason="B was missed"
    )
    corrected = client.get(url).content.decode()

    assert hit.content == first.content and "Bidan Siaga" not in first.content.decode()
    assert "Bidan Siaga" in corrected


def test_on_redis_the_entry_expires_when_the_objection_window_closes(
    client, url, competition, proposal_stage, committee, ranked, redis_cache
):
    import redis

    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=1
    )
    ShortlistSnapshot.objects.filter(pk=snapshot.pk).update(objections_until=timezone.now() + timedelta(minutes=5))

    client.get(url)

    ttl = redis.Redis.from_url(f"{redis_cache.url}/0").ttl(
        cache.make_key(public_cache.page_key(competition.slug, "id"))
    )
    assert 0 < ttl <= 5 * 60


def test_with_redis_stopped_the_page_serves_and_publishing_works(
    client, url, proposal_stage, committee, ranked, redis_cache
):
    client.get(url)
    redis_cache.stop()

    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    response = client.get(url)

    assert response.status_code == 200
    assert "Antrean Online" in response.content.decode()


def test_on_redis_a_hit_reads_only_the_version(client, url, published, redis_cache):
    import redis

    server = redis.Redis.from_url(f"{redis_cache.url}/0")
    client.get(url)
    server.config_resetstat()

    hit = client.get(url)

    stats = server.info("commandstats")
    assert "Antrean Online" in hit.content.decode()
    assert stats["cmdstat_get"]["calls"] == 1  # the 16-byte version; the page is in this process's memory
    assert "cmdstat_mget" not in stats and "cmdstat_set" not in stats
