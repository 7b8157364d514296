"""With Redis (broker and cache) stopped, every page still serves; when it is back, pages still serve."""

import pytest
from django.urls import reverse

from tests.kovablik.pages import crawl, page_urls, portal_data


def server_errors(statuses):
    return sorted(key for key, status in statuses.items() if status >= 500)


def test_every_page_serves_with_redis_stopped_and_restarted(client, db, broker_on, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids, users = portal_data()
    urls = page_urls(ids)
    assert len(urls) > 30

    broker_on.stop()
    without_redis = crawl(client, users, urls)
    broker_on.start()
    some = {role: users[role] for role in ("anonymous", "committee")}
    back = crawl(client, some, urls)

    assert server_errors(without_redis) == []
    assert server_errors(back) == []
    # The crawl reached real pages, not only refusals, and Redis coming back changes nothing.
    assert sum(status == 200 for status in without_redis.values()) > 40
    assert back == {key: status for key, status in without_redis.items() if key[0] in some}


@pytest.mark.parametrize("url_name", ["awards:start_certificates", "awards:start_leaderboard"])
def test_background_job_start_with_redis_stopped_no_server_error(client, db, broker_on, settings, tmp_path, url_name):
    settings.MEDIA_ROOT = tmp_path
    ids, users = portal_data()
    client.force_login(users["committee"])
    broker_on.stop()

    response = client.post(reverse(url_name, kwargs={"slug": ids["slug"]}), follow=True)

    assert response.status_code == 200
