"""The agency dashboard lists the competitions open for entries now, from SQL compiled once with a placeholder time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.views.agency import _open_competitions_now, open_competitions
from tests import factories as f

pytestmark = pytest.mark.django_db


def competition_with_submission(name, opens, closes):
    competition = f.CompetitionFactory(name=name)
    f.StageFactory(competition=competition, order=1, kind="submission", opens_at=opens, closes_at=closes)
    return competition


@pytest.fixture
def competitions():
    now, minute, day = timezone.now(), datetime.timedelta(minutes=1), datetime.timedelta(days=1)
    return {
        "open": competition_with_submission("Kompetisi Terbuka", now - day, now + day),
        "no dates": competition_with_submission("Kompetisi Tanpa Tanggal", None, None),
        "closed a minute ago": competition_with_submission("Kompetisi Tertutup", now - day, now - minute),
        "opens in a minute": competition_with_submission("Kompetisi Belum Buka", now + minute, now + day),
    }


def test_only_the_competitions_open_now_are_listed(competitions):
    listed = _open_competitions_now()
    assert {c.name for c in listed} == {"Kompetisi Terbuka", "Kompetisi Tanpa Tanggal"}
    assert listed == list(open_competitions())  # the same rows in the same order as the ORM's query


def test_the_dashboard_offers_to_start_an_entry_only_where_open(client, agency_member, competitions):
    client.force_login(agency_member)
    html = client.get(reverse("submissions:dashboard")).content.decode()
    assert reverse("submissions:start", args=[competitions["open"].slug]) in html
    assert reverse("submissions:start", args=[competitions["closed a minute ago"].slug]) not in html
    assert reverse("submissions:start", args=[competitions["opens in a minute"].slug]) not in html
