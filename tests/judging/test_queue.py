"""The judge's queue a page at a time with its filters, the scoring page's previous / next, its cached proposal."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from judging import queries, services
from judging.views import QUEUE_PAGE_SIZE
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score

SHEET_LINK = re.compile(r'href="/judging/sheet/(\d+)/"')
TAB = re.compile(r'href="\?(?:show=(\w+))?"[^>]*>[^<]*<span class="badge text-bg-light">(\d+)</span>')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def assign(stage, judge, innovations):
    return [f.AssignmentFactory(stage=stage, judge=judge, innovation=i) for i in innovations]


def queue_page(client, **params):
    html = client.get(reverse("judging:dashboard"), params).content.decode()
    return html, [int(pk) for pk in SHEET_LINK.findall(html)]


@pytest.fixture
def four_states(proposal_stage, judge):
    """One assignment in each state: never opened, opened only (an empty draft), saved as a draft, submitted."""
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    untouched, opened, drafted, submitted = assign(proposal_stage, judge, make_entries(proposal_stage, 4))
    services.sheet_for(opened)
    score(proposal_stage, judge, drafted.innovation, [70, 60], submit=False)
    score(proposal_stage, judge, submitted.innovation, [80, 90])
    return untouched, opened, drafted, submitted


def test_queue_shows_a_page_of_rows_and_the_rest_on_the_next(client, proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10)])
    assignments = assign(proposal_stage, judge, make_entries(proposal_stage, QUEUE_PAGE_SIZE + 5))
    client.force_login(judge)

    first_html, first = queue_page(client)
    second_html, second = queue_page(client, page=2)

    assert len(first) == QUEUE_PAGE_SIZE
    assert len(second) == 5
    assert sorted(first + second) == sorted(a.pk for a in assignments)
    # The progress counts the whole queue on every page.
    for html in (first_html, second_html):
        assert f'max="{QUEUE_PAGE_SIZE + 5}" value="0"' in html


def test_queue_page_past_the_end_shows_the_last_page(client, proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10)])
    assign(proposal_stage, judge, make_entries(proposal_stage, QUEUE_PAGE_SIZE + 2))
    client.force_login(judge)

    _html, rows = queue_page(client, page=99)

    assert len(rows) == 2


def test_queue_filters_by_where_each_sheet_stands(client, judge, four_states):
    untouched, opened, drafted, submitted = four_states
    client.force_login(judge)

    html, everything = queue_page(client)

    assert sorted(everything) == sorted(a.pk for a in four_states)
    assert dict(TAB.findall(html)) == {"": "4", "to_score": "2", "draft": "1", "submitted": "1"}
    assert sorted(queue_page(client, show="to_score")[1]) == sorted([untouched.pk, opened.pk])
    assert queue_page(client, show="draft")[1] == [drafted.pk]
    assert "<td>Draf</td>" in queue_page(client, show="draft")[0]
    assert queue_page(client, show="to_score")[0].count("<td>Belum dimulai</td>") == 2
    assert "<td>Diajukan</td>" in queue_page(client, show="submitted")[0]
    assert queue_page(client, show="submitted")[1] == [submitted.pk]
    assert 'max="4" value="1"' in html


def test_queue_ignores_an_unknown_filter(client, judge, four_states):
    client.force_login(judge)

    _html, rows = queue_page(client, show="everything'--")

    assert len(rows) == 4


def test_queue_counts_only_active_assignments_of_active_seats(client, proposal_stage, judge, four_states):
    import datetime

    untouched, *_rest = four_states
    untouched.released_at = datetime.datetime.now(tz=datetime.UTC)
    untouched.save()
    assign(proposal_stage, f.UserFactory(), make_entries(proposal_stage, 1))  # another judge's

    assert queries.queue_counts(judge, queries.judge_stages(judge)) == {"to_score": 1, "draft": 1, "submitted": 1}


def test_filtered_queue_query_count_is_constant(client, proposal_stage, judge, django_assert_num_queries):
    make_rubric(proposal_stage, [(1, 10)])
    client.force_login(judge)
    url = reverse("judging:dashboard")
    counts = []
    for n in (1, QUEUE_PAGE_SIZE + 5):
        for innovation in make_entries(proposal_stage, n):
            score(proposal_stage, judge, innovation, [5], submit=False)
        # session, user, roles, the judge's stages, the state counts, the page's rows
        with django_assert_num_queries(6) as captured:
            client.get(url, {"show": "draft", "page": 1})
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_filtered_queue_of_an_anonymised_stage_names_no_agency(client, proposal_stage, judge, agency):
    proposal_stage.anonymised = True
    proposal_stage.save()
    make_rubric(proposal_stage, [(1, 10)])
    assign(proposal_stage, judge, make_entries(proposal_stage, 2, agency=agency))
    client.force_login(judge)

    for show in (None, "to_score"):
        html = client.get(reverse("judging:dashboard"), {"show": show} if show else {}).content.decode()
        assert agency.name not in html


@pytest.fixture
def three_in_queue(proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10)])
    return assign(proposal_stage, judge, make_entries(proposal_stage, 3))


def test_neighbours_in_queue_order(judge, three_in_queue):
    first, middle, last = three_in_queue

    assert queries.queue_neighbours(judge, first) == (None, middle.pk, 1, 3)
    assert queries.queue_neighbours(judge, middle) == (first.pk, last.pk, 2, 3)
    assert queries.queue_neighbours(judge, last) == (middle.pk, None, 3, 3)


def test_neighbours_skip_released_other_judges_and_withdrawn(proposal_stage, judge, three_in_queue):
    import datetime

    first, middle, last = three_in_queue
    middle.released_at = datetime.datetime.now(tz=datetime.UTC)
    middle.save()
    assign(proposal_stage, f.UserFactory(), [middle.innovation])
    last.innovation.status = "withdrawn"
    last.innovation.save()

    assert queries.queue_neighbours(judge, first) == (None, None, 1, 1)


def test_neighbours_stay_in_the_assignment_s_stage(competition, judge, three_in_queue):
    other_stage = f.StageFactory(competition=competition, order=4, kind="proposal", name="Presentasi")
    f.PanelMemberFactory(stage=other_stage, judge=judge)
    assign(other_stage, judge, make_entries(other_stage, 2))
    _first, middle, last = three_in_queue

    assert queries.queue_neighbours(judge, last) == (middle.pk, None, 3, 3)


def test_scoring_page_links_previous_and_next(client, judge, three_in_queue):
    first, middle, last = three_in_queue
    client.force_login(judge)

    html = client.get(reverse("judging:sheet", args=[middle.pk])).content.decode()

    assert f'href="/judging/sheet/{first.pk}/" rel="prev"' in html
    assert f'href="/judging/sheet/{last.pk}/" rel="next"' in html


def test_submitting_goes_on_to_the_next_in_the_queue(client, proposal_stage, judge, three_in_queue):
    first, middle, _last = three_in_queue
    criterion = proposal_stage.criteria.get()
    client.force_login(judge)
    client.get(reverse("judging:sheet", args=[first.pk]))

    response = client.post(
        reverse("judging:sheet", args=[first.pk]), {f"c{criterion.pk}": "7", "version": 0, "submit": "1"}
    )

    assert response["Location"] == reverse("judging:sheet", args=[middle.pk])


@pytest.fixture
def judged_entry(proposal_stage, judge, agency):
    make_rubric(proposal_stage, [(1, 10)])
    (innovation,) = make_entries(proposal_stage, 1, agency=agency)
    innovation.innovator = "Tim Puskesmas Sehat"
    innovation.save()
    question = f.QuestionFactory(group=innovation.group, title="Latar belakang")
    answer = f.AnswerFactory(innovation=innovation, question=question, text="Antrean panjang di loket.")
    (assignment,) = assign(proposal_stage, judge, [innovation])
    return assignment, answer


def test_scoring_page_reads_the_proposal_from_the_cache_the_second_time(
    client, judge, judged_entry, django_assert_num_queries
):
    assignment, _answer = judged_entry
    client.force_login(judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    client.get(url)  # creates the sheet
    cache.clear()

    with django_assert_num_queries(11) as cold:
        first = client.get(url).content.decode()
    with django_assert_num_queries(9) as warm:  # neither the sections nor the files are fetched
        second = client.get(url).content.decode()

    assert not any("submissions_answer" in q["sql"] for q in warm.captured_queries)
    assert any("submissions_answer" in q["sql"] for q in cold.captured_queries)
    assert "Antrean panjang di loket." in first
    assert "Antrean panjang di loket." in second


def test_scoring_page_shows_the_proposal_as_changed(client, judge, judged_entry):
    assignment, answer = judged_entry
    client.force_login(judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    client.get(url)

    answer.text = "Antrean kini lewat aplikasi."
    answer.save()
    answer.innovation.save()  # every change of an entry goes through a service that saves it (updated_at)

    assert "Antrean kini lewat aplikasi." in client.get(url).content.decode()


def test_cached_proposal_never_shows_the_innovator_once_the_stage_is_anonymised(
    client, proposal_stage, judge, judged_entry
):
    assignment, _answer = judged_entry
    client.force_login(judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    assert "Tim Puskesmas Sehat" in client.get(url).content.decode()

    proposal_stage.anonymised = True
    proposal_stage.save()

    assert "Tim Puskesmas Sehat" not in client.get(url).content.decode()


def test_editable_entry_proposal_is_not_cached(client, judge, judged_entry):
    assignment, answer = judged_entry
    innovation = answer.innovation
    innovation.status = "returned"
    innovation.save()
    client.force_login(judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    client.get(url)

    # Files change without touching updated_at while an entry is editable.
    answer.text = "Diubah tanpa menyimpan inovasinya."
    answer.save()

    assert "Diubah tanpa menyimpan inovasinya." in client.get(url).content.decode()


def test_queue_lists_stages_by_competition_name_then_stage_order(client, competition, proposal_stage, judge):
    # competition is "Kolabik Uji"; "Anugerah" sorts before it, and within it stage 3 before stage 4.
    earlier = f.StageFactory(competition=f.CompetitionFactory(name="Anugerah Inovasi"), order=2, kind="proposal")
    later = f.StageFactory(competition=competition, order=4, kind="proposal", name="Presentasi")
    for stage in (earlier, later):
        f.PanelMemberFactory(stage=stage, judge=judge)  # the judge fixture sits on proposal_stage already
    for stage, criteria in ((earlier, 1), (proposal_stage, 2), (later, 3)):
        make_rubric(stage, [(1, 10)] * criteria)
    rows = {stage.pk: assign(stage, judge, make_entries(stage, 2)) for stage in (later, proposal_stage, earlier)}
    client.force_login(judge)

    html, listed = queue_page(client)

    assert listed == [a.pk for stage in (earlier, proposal_stage, later) for a in rows[stage.pk]]
    assert html.count("0 dari 1 kriteria") == 2
    assert html.count("0 dari 2 kriteria") == 2
    assert html.count("0 dari 3 kriteria") == 2


def test_scoring_page_shows_each_criterion_s_levels_in_score_order(client, proposal_stage, judge, three_in_queue):
    from judging.models import CriterionLevel

    criterion = proposal_stage.criteria.get()
    second = f.CriterionFactory(stage=proposal_stage, order=2, code="c2", name="Kriteria 2")
    CriterionLevel.objects.create(criterion=criterion, score=10, descriptor="Direplikasi di daerah lain")
    CriterionLevel.objects.create(criterion=criterion, score=1, descriptor="Belum direplikasi")
    CriterionLevel.objects.create(criterion=second, score=5, descriptor="Berkelanjutan")
    client.force_login(judge)

    html = client.get(reverse("judging:sheet", args=[three_in_queue[0].pk])).content.decode()

    first_levels = html[html.index("Kriteria 1") : html.index("Kriteria 2")]
    assert first_levels.index("Belum direplikasi") < first_levels.index("Direplikasi di daerah lain")
    assert "Berkelanjutan" not in first_levels
    assert "Berkelanjutan" in html[html.index("Kriteria 2") :]
