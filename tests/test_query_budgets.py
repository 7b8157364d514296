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
    # The stage's window is still open (factory default): the committee confirms it checked the list.
    publish_shortlist(stage=stage, rule="top_n", params={"n": rows}, actor=committee, confirm_incomplete=True)
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


def _judged_stage(entries: int, *, criteria: int = 3, sections: int = 2):
    """A proposal stage with a rubric, `entries` eligible entries with answers, one judge who submitted every sheet."""
    from tests.judging.builders import make_entries, make_rubric, score

    competition = f.CompetitionFactory()
    committee = f.CommitteeMemberFactory(competition=competition).user
    stage = f.StageFactory(competition=competition, order=3, kind="proposal", name="Evaluasi Proposal")
    make_rubric(stage, [(10 + i % 3, 100) for i in range(criteria)])
    group = f.EntryGroupFactory(competition=competition)
    questions = [f.QuestionFactory(group=group, order=i + 1, title=f"Bagian {i + 1}") for i in range(sections)]
    judge = f.UserFactory()
    f.PanelMemberFactory(stage=stage, judge=judge)
    innovations = make_entries(stage, entries)
    for i, innovation in enumerate(innovations):
        innovation.group = group
        innovation.title = f"Inovasi Dinilai {entries}-{i}"
        innovation.save(update_fields=["group", "title"])
        for question in questions:
            f.AnswerFactory(innovation=innovation, question=question, text=f"Uraian bagian {question.order}.")
        score(stage, judge, innovation, [50 + (i * 7 + c) % 50 for c in range(criteria)])
    return competition, stage, committee, judge, innovations


def test_judge_queue_query_budget_same_with_1_and_50_assignments(client, django_assert_max_num_queries):
    counts = []
    for rows in (1, 50):
        _competition, _stage, _committee, judge, _innovations = _judged_stage(rows)
        client.force_login(judge)
        count, text = _queries(client, reverse("judging:dashboard"), django_assert_max_num_queries)
        # The queue shows 25 rows a page (judging.views.QUEUE_PAGE_SIZE): 50 assignments fill the first page.
        assert text.count('href="/judging/sheet/') == min(rows, 25)
        assert f"Inovasi Dinilai {rows}-" in text
        counts.append(count)
    assert counts[0] == counts[1]


def test_scoring_page_query_budget_same_with_1_and_50_criteria_and_sections(client, django_assert_max_num_queries):
    from judging.models import Assignment

    counts = []
    for rows in (1, 50):
        _competition, stage, _committee, judge, innovations = _judged_stage(1, criteria=rows, sections=rows)
        assignment = Assignment.objects.get(stage=stage, judge=judge, innovation=innovations[0])
        client.force_login(judge)
        count, text = _queries(
            client, reverse("judging:sheet", kwargs={"pk": assignment.pk}), django_assert_max_num_queries
        )
        assert f"Kriteria {rows}" in text
        assert f"Uraian bagian {rows}." in text
        counts.append(count)
    assert counts[0] == counts[1]


def test_committee_leaderboard_query_budget_same_with_1_and_50_rows(client, django_assert_max_num_queries):
    counts = []
    for rows in (1, 50):
        competition, stage, committee, _judge, _innovations = _judged_stage(rows)
        client.force_login(committee)
        url = reverse("judging:leaderboard", kwargs={"slug": competition.slug, "order": stage.order})
        count, text = _queries(client, url, django_assert_max_num_queries)
        assert f"Inovasi Dinilai {rows}-{rows - 1}" in text
        counts.append(count)
    assert counts[0] == counts[1]
