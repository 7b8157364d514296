import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from judging.enums import SheetAction, SheetStatus
from judging.models import Assignment, CriterionLevel, PanelMember, SheetEvent
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score

PAGES = [
    "rubric",
    "panel",
    "assignment",
    "progress",
    "leaderboard",
    "audit",
    "export_ranking_csv",
    "export_scores_csv",
    "export_xlsx",
]


@pytest.fixture
def scored(proposal_stage):
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    a, b = make_entries(proposal_stage, 2)
    j1 = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(username="prof_ani")).judge
    j2 = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(username="prof_budi")).judge
    score(proposal_stage, j1, a, [80, 40])  # 50
    score(proposal_stage, j2, a, [60, 100])  # 90
    score(proposal_stage, j1, b, [20, 20])  # 20
    return proposal_stage, (a, b), (j1, j2)


def url(name, stage, *args):
    return reverse(f"judging:{name}", args=[stage.competition.slug, stage.order, *args])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["judge", "agency_member", "local_admin", "other_agency_member"])
def test_committee_pages_are_404_for_outsiders(client, scored, page, who, request):
    stage = scored[0]
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(page, stage)).status_code == 404


def test_committee_of_another_competition_gets_404(client, scored):
    stranger = f.CommitteeMemberFactory(user=f.UserFactory()).user
    client.force_login(stranger)
    assert client.get(url("leaderboard", scored[0])).status_code == 404
    assert client.get(reverse("judging:hub", args=[scored[0].competition.slug])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_committee_pages_render(client, committee, scored, page):
    client.force_login(committee)
    assert client.get(url(page, scored[0])).status_code == 200


def test_leaderboard_shows_raw_and_chosen_scores_flags_and_judge_totals(client, committee, scored):
    stage, (a, b), (j1, j2) = scored
    stage.aggregation = "median"
    stage.save()
    client.force_login(committee)
    html = client.get(url("leaderboard", stage)).content.decode()
    assert html.index(a.title) < html.index(b.title)
    assert "70,0000" in html  # median = mean of 50 and 90; raw mean the same
    assert f"{j1.get_full_name()}: 50,0000" in html and f"{j2.get_full_name()}: 90,0000" in html
    assert 'class="badge text-bg-warning"' in html  # b has one sheet, fewer than min_sheets (2)


def test_leaderboard_filters_by_category(client, committee, scored):
    stage, (a, b), _ = scored
    client.force_login(committee)
    html = client.get(url("leaderboard", stage) + f"?category={a.category_id}").content.decode()
    assert a.title in html and b.title not in html


def test_reopen_needs_reason_is_audited_and_tells_the_judge(
    client, committee, scored, django_capture_on_commit_callbacks
):
    stage, (a, _b), (j1, _j2) = scored
    sheet = Assignment.objects.get(stage=stage, judge=j1, innovation=a).sheet
    client.force_login(committee)
    client.post(url("committee_sheet", stage, sheet.pk), {"reason": ""})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("committee_sheet", stage, sheet.pk), {"reason": "Nilai tertukar"})
    sheet.refresh_from_db()
    (notice,) = mail.outbox
    assert notice.to == [j1.email] and "Nilai tertukar" in notice.body
    assert sheet.status == SheetStatus.REOPENED
    event = SheetEvent.objects.get(sheet=sheet, action=SheetAction.REOPEN)
    assert event.actor == committee and event.reason == "Nilai tertukar"
    html = client.get(url("audit", stage)).content.decode()
    assert "Nilai tertukar" in html


def test_rubric_preset_and_save(client, committee, proposal_stage):
    client.force_login(committee)
    client.post(url("rubric", proposal_stage), {"preset": ""})
    assert proposal_stage.criteria.count() == 7
    significance = proposal_stage.criteria.get(code="significance")
    assert significance.weight == Decimal(30)


def test_rubric_is_locked_once_scored(client, committee, scored):
    stage = scored[0]
    client.force_login(committee)
    client.post(url("rubric", stage), {"preset": ""})
    assert stage.criteria.count() == 2


def test_panel_add_invites_by_email(client, committee, proposal_stage, agency, django_capture_on_commit_callbacks):
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("panel", proposal_stage), {"email": "dosen@unair.ac.id", "name": "Dr Rina", "agency": agency.pk}
        )
    member = PanelMember.objects.get(stage=proposal_stage, judge__email="dosen@unair.ac.id")
    assert member.agency == agency
    assert mail.outbox[-1].to == ["dosen@unair.ac.id"]


def test_assignment_page_runs_automatic_assignment(client, committee, proposal_stage):
    proposal_stage.judges_per_innovation = 1
    proposal_stage.save()
    make_entries(proposal_stage, 3)
    f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory())
    client.force_login(committee)
    client.post(url("assignment", proposal_stage), {"auto": ""})
    assert Assignment.objects.filter(stage=proposal_stage).count() == 3


def test_progress_sends_reminders(client, committee, scored, django_capture_on_commit_callbacks):
    stage, (_a, b), (_j1, j2) = scored
    f.AssignmentFactory(stage=stage, judge=j2, innovation=b)
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("progress", stage))
    assert [m.to for m in mail.outbox] == [[j2.email]]


def test_csv_download_has_raw_scores_and_ranking(client, committee, scored):
    stage, (a, b), (_j1, _j2) = scored
    client.force_login(committee)
    scores = list(csv.reader(io.StringIO(client.get(url("export_scores_csv", stage)).content.decode())))
    assert len(scores) == 4
    assert {"c1", "c2"} <= set(scores[0])
    # Rows by entry, then judge: the first is prof_ani's sheet of a, with the values typed, as typed.
    first = dict(zip(scores[0], scores[1], strict=True))
    assert (first["c1"], first["c2"]) == ("80.00", "40.00")
    assert (first["c1 maks"], first["c1 bobot"]) == ("100.00", "10.00")  # headers in the default language
    ranking = list(csv.reader(io.StringIO(client.get(url("export_ranking_csv", stage)).content.decode())))
    assert [row[2] for row in ranking[1:]] == [str(a.pk), str(b.pk)]
    assert ranking[1][4] == "70.0000"


def test_xlsx_download_has_both_tables(client, committee, scored):
    client.force_login(committee)
    response = client.get(url("export_xlsx", scored[0]))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 2
    assert book.worksheets[0].max_row == 3 and book.worksheets[1].max_row == 4


def test_export_scores_command(scored, tmp_path):
    stage = scored[0]
    out = io.StringIO()
    call_command("export_scores", stage.competition.slug, "--stage", str(stage.order), "--part", "ranking", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(rows) == 3 and rows[1][0] == "1"
    target = tmp_path / "hasil.xlsx"
    call_command(
        "export_scores",
        stage.competition.slug,
        "--stage",
        str(stage.order),
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    assert load_workbook(target).worksheets[1].max_row == 4


def _grow(stage, judges, n):
    # Distinct totals, so that no tie-break query runs in one case and not in the other.
    start = stage.entries.count()
    for k, innovation in enumerate(make_entries(stage, n), start=start):
        for judge in judges:
            score(stage, judge, innovation, [k % 11, k // 11])


def test_leaderboard_query_count_is_constant(client, committee, proposal_stage, django_assert_num_queries):
    make_rubric(proposal_stage, [(1, 10), (11, 10)])
    judges = [f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge for _ in range(2)]
    client.force_login(committee)
    for n in (1, 19):
        _grow(proposal_stage, judges, n)
        with django_assert_num_queries(11):  # the ranking changed: computed and rendered
            client.get(url("leaderboard", proposal_stage))
        with django_assert_num_queries(6):  # unchanged: the rendered table comes from the cache
            client.get(url("leaderboard", proposal_stage))


def test_progress_matrix_query_count_is_constant(client, committee, proposal_stage, django_assert_num_queries):
    make_rubric(proposal_stage, [(1, 10), (2, 10)])
    judges = [f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge for _ in range(2)]
    client.force_login(committee)
    for n in (1, 19):
        _grow(proposal_stage, judges, n)
        with django_assert_num_queries(9):  # the stage with its competition in one lookup
            client.get(url("progress", proposal_stage))


def _one_criterion(**fields):
    """The rubric form's POST for one new criterion with the given fields."""
    management = {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
    return {
        **{f"criteria-{name}": value for name, value in management.items()},
        **{f"criteria-0-{name}": value for name, value in fields.items()},
        "save": "",
    }


def test_rubric_form_saves_criteria_with_level_descriptors(client, committee, proposal_stage):
    client.force_login(committee)
    data = _one_criterion(
        order="1", code="dampak", name="Dampak", guidance="Manfaat bagi warga", weight="30",
        min_score="0", max_score="5", step="0.5", levels_text="0: Tidak ada\n5: Sangat besar",
    )  # fmt: skip
    response = client.post(url("rubric", proposal_stage), data)
    assert response.status_code == 302
    criterion = proposal_stage.criteria.get()
    assert (criterion.weight, criterion.max_score, criterion.step) == (Decimal(30), Decimal(5), Decimal("0.5"))
    assert list(criterion.levels.values_list("score", "descriptor")) == [
        (Decimal(0), "Tidak ada"),
        (Decimal(5), "Sangat besar"),
    ]
    html = client.get(url("rubric", proposal_stage)).content.decode()
    assert "5: Sangat besar" in html


def test_rubric_page_query_count_is_the_same_with_1_and_7_criteria(client, committee, proposal_stage):
    client.force_login(committee)
    counts = []
    for n in (1, 7):
        proposal_stage.criteria.all().delete()
        for criterion in make_rubric(proposal_stage, [(10, 100)] * n):
            CriterionLevel.objects.create(criterion=criterion, score=100, descriptor="Penuh")
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url("rubric", proposal_stage)).content.decode()
        assert html.count("100: Penuh") == n  # every criterion's levels in its form
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_rubric_form_rejects_a_malformed_level(client, committee, proposal_stage):
    client.force_login(committee)
    data = _one_criterion(
        order="1", code="x", name="X", weight="1", min_score="0", max_score="5", step="1", levels_text="sangat baik"
    )
    response = client.post(url("rubric", proposal_stage), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors.keys() == {"levels_text"}
    assert not proposal_stage.criteria.exists()


def test_exports_never_turn_a_title_into_a_formula(client, committee, scored):
    stage, (a, _b), _judges = scored
    a.title = '=HYPERLINK("http://evil.example","klik")'
    a.save()
    client.force_login(committee)
    ranking = client.get(url("export_ranking_csv", stage)).content.decode()
    assert "'=HYPERLINK" in ranking
    book = load_workbook(io.BytesIO(client.get(url("export_xlsx", stage)).content))
    titles = [row[3].value for row in book.worksheets[0].iter_rows(min_row=2)]
    assert titles[0].startswith("'=") and book.worksheets[0].cell(row=2, column=4).data_type == "s"


def test_leaderboard_with_a_bad_category_is_404_not_500(client, committee, scored):
    client.force_login(committee)
    assert client.get(url("leaderboard", scored[0]) + "?category=abc").status_code == 404
    assert client.get(url("leaderboard", scored[0]) + "?category=999999").status_code == 404


def test_rubric_forged_form_count_is_capped(client, committee, proposal_stage):
    from django.urls import reverse

    client.force_login(committee)
    url = reverse("judging:rubric", args=[proposal_stage.competition.slug, proposal_stage.order])
    data = {"save": "1", "criteria-TOTAL_FORMS": "1000", "criteria-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()  # "submit at most N forms", shown above the form
    assert response.content.decode().count('name="criteria-999-name"') == 0
    assert not proposal_stage.criteria.exists()


def test_progress_counts_the_whole_stage_and_shows_each_page_its_own_cells(client, committee, proposal_stage):
    """Cells are loaded for the page's innovations only; the submitted / total line counts the whole stage."""
    make_rubric(proposal_stage, [(1, 10)])
    judge = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge
    innovations = make_entries(proposal_stage, 101)
    for innovation in innovations:
        f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    score(proposal_stage, judge, innovations[0], [5])
    score(proposal_stage, judge, innovations[100], [7])
    client.force_login(committee)
    first = client.get(url("progress", proposal_stage)).content.decode()
    second = client.get(url("progress", proposal_stage), {"page": 2}).content.decode()
    assert "2 dari 101 lembar terkirim." in first and "2 dari 101 lembar terkirim." in second
    assert (first.count('<tr><th scope="row">'), second.count('<tr><th scope="row">')) == (100, 1)
    # Each submitted sheet shows once, on the page of its innovation.
    cells = [page.count('<td class="cell-submitted">') for page in (first, second)]
    assert sum(cells) == 2
    assert ("50,0000" in first) + ("50,0000" in second) == 1 and ("70,0000" in first) + ("70,0000" in second) == 1
