"""Query budgets of the pages `make bench` loads: at most 12 queries each, and the same number with 1 and with 50 rows.

Each test builds the page's data twice (1 row, then 50 rows, each in a fresh competition or agency), loads the page
cold (cache cleared) and compares the two counts; django_assert_max_num_queries holds both to the budget.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

BUDGET = 12
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _queries(client, url, django_assert_max_num_queries) -> tuple[int, str]:
    cache.clear()
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_agency_dashboard_query_budget_same_with_1_and_50_innovations(client, django_assert_max_num_queries):
    counts = []
    for rows in (1, 50):
        agency = f.AgencyFactory()
        member = f.AgencyMembershipFactory(agency=agency).user
        competition = f.CompetitionFactory()
        f.StageFactory(competition=competition, order=1, kind="submission", name="Pendaftaran")
        statuses = ["draft", "submitted", "eligible", "ineligible", "returned"]
        for i in range(rows):
            f.InnovationFactory(
                competition=competition, agency=agency, title=f"Inovasi Budget {rows}-{i}", status=statuses[i % 5]
            )
        client.force_login(member)
        count, text = _queries(client, reverse("submissions:dashboard"), django_assert_max_num_queries)
        assert f"Inovasi Budget {rows}-{rows - 1}" in text
        counts.append(count)
    assert counts[0] == counts[1]


def _published_competition(rows: int):
    """A public competition whose proposal stage has a published Top-N listing `rows` entries."""
    from awards.services.shortlists import publish_shortlist

    competition = f.CompetitionFactory()
    committee = f.CommitteeMemberFactory(competition=competition).user
    stage = f.StageFactory(competition=competition, order=3, kind="proposal", name="Evaluasi Proposal")
    categories = [f.CategoryFactory(competition=competition, name=f"Kategori {i}", order=i) for i in (1, 2)]
    judge = f.UserFactory()
    for i in range(rows):
        innovation = f.InnovationFactory(
            competition=competition,
            category=categories[i % 2],
            status="eligible",
            title=f"Inovasi Terbit {rows}-{i}",
            submitted_at=timezone.now() - datetime.timedelta(days=10, minutes=i),
            entry_number=f"B-{i + 1}",
        )
        f.StageEntryFactory(innovation=innovation, stage=stage)
        assignment = f.AssignmentFactory(stage=stage, judge=judge, innovation=innovation)
        f.ScoreSheetFactory(
            assignment=assignment, status="submitted", total=Decimal(60 + i % 37), submitted_at=timezone.now()
        )
    publish_shortlist(stage=stage, rule="top_n", params={"n": rows}, actor=committee)
    return competition


def test_public_results_query_budget_same_with_1_and_50_rows(client, django_assert_max_num_queries):
    counts = []
    for rows in (1, 50):
        competition = _published_competition(rows)
        url = reverse("awards:competition_results", kwargs={"slug": competition.slug})
        count, text = _queries(client, url, django_assert_max_num_queries)
        assert f"Inovasi Terbit {rows}-{rows - 1}" in text
        counts.append(count)
    assert counts[0] == counts[1]
