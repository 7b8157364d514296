import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from judging.enums import SheetStatus
from judging.models import ScoreSheet
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score


@pytest.fixture
def setup(proposal_stage, agency, judge):
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    (innovation,) = make_entries(proposal_stage, 1, agency=agency)
    assignment = f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    return proposal_stage, innovation, assignment


def login(client, user):
    client.force_login(user)
    return client


def test_dashboard_lists_only_own_assignments(client, setup, judge):
    stage, innovation, _assignment = setup
    other = make_entries(stage, 1)[0]
    f.AssignmentFactory(stage=stage, judge=f.UserFactory(), innovation=other)
    html = login(client, judge).get(reverse("judging:dashboard")).content.decode()
    assert innovation.title in html
    assert other.title not in html


def test_sheet_of_another_judge_is_404(client, setup):
    _stage, _innovation, assignment = setup
    outsider = f.PanelMemberFactory(stage=assignment.stage, judge=f.UserFactory()).judge
    assert login(client, outsider).get(reverse("judging:sheet", args=[assignment.pk])).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "agency_member", "committee", "other_agency_member"])
def test_sheet_for_non_judges_is_404_or_login(client, setup, who, request):
    _stage, _innovation, assignment = setup
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("judging:sheet", args=[assignment.pk]))
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404


def test_released_assignment_is_404(client, setup, judge):
    _stage, _innovation, assignment = setup
    assignment.released_at = datetime.datetime.now(tz=datetime.UTC)
    assignment.save()
    assert login(client, judge).get(reverse("judging:sheet", args=[assignment.pk])).status_code == 404


def test_scoring_page_saves_draft_and_submits(client, setup, judge):
    stage, _innovation, assignment = setup
    c1, c2 = stage.criteria.order_by("order")
    login(client, judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    client.get(url)
    response = client.post(url, {f"c{c1.pk}": "80", f"c{c2.pk}": "", "comment": "Bagus", "version": "0", "save": ""})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.status == SheetStatus.DRAFT and sheet.comment == "Bagus" and sheet.version == 1
    response = client.post(
        url, {f"c{c1.pk}": "80", f"c{c2.pk}": "40", "comment": "Bagus", "version": "1", "submit": ""}
    )
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.total == Decimal("50.0000")  # (10*0.8 + 30*0.4) / 40 * 100
    # Locked: another post changes nothing.
    client.post(url, {f"c{c1.pk}": "10", f"c{c2.pk}": "10", "comment": "x", "version": "2", "save": ""})
    sheet.refresh_from_db()
    assert sheet.total == Decimal("50.0000") and sheet.comment == "Bagus"


def test_autosave_returns_new_version_and_409_when_stale(client, setup, judge):
    stage, _innovation, assignment = setup
    c1 = stage.criteria.order_by("order").first()
    login(client, judge)
    url = reverse("judging:autosave", args=[assignment.pk])
    response = client.post(url, {f"c{c1.pk}": "70", "comment": "", "version": "0"})
    assert response.status_code == 200 and response.json()["version"] == 1
    stale = client.post(url, {f"c{c1.pk}": "20", "comment": "", "version": "0"})
    assert stale.status_code == 409
    assert ScoreSheet.objects.get(assignment=assignment).scores.get().value == Decimal(70)


def test_judge_never_sees_other_judges_scores_until_allowed(client, setup, judge):
    stage, innovation, assignment = setup
    other = f.UserFactory()
    score(stage, other, innovation, [13, 17])  # total 16.0000, a value that appears nowhere else
    login(client, judge)
    url = reverse("judging:sheet", args=[assignment.pk])

    def shows_other_total():
        html = client.get(url).content.decode()
        return "16.0000" in html or "16,0000" in html

    assert not shows_other_total()
    stage.judges_see_others_after_submit = True
    stage.save()
    assert not shows_other_total()  # not before their own submission
    score(stage, judge, innovation, [50, 50])
    assert shows_other_total()


def test_anonymised_stage_hides_the_agency_everywhere(client, setup, judge, agency):
    stage, innovation, assignment = setup
    stage.anonymised = True
    stage.save()
    innovation.contact_email = "kepala@dinkes.go.id"
    innovation.innovator = "Tim Dinas Kesehatan"
    innovation.save()
    requirement = f.AttachmentRequirementFactory(competition=stage.competition, name="SK Tim")
    attachment = f.AttachmentFactory(
        innovation=innovation, requirement=requirement, original_name="SK Dinas Kesehatan.pdf", content=b"%PDF-1.4\n"
    )
    login(client, judge)
    pages = [
        client.get(reverse("judging:dashboard")),
        client.get(reverse("judging:sheet", args=[assignment.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        assert agency.name not in html
        assert agency.email not in html and "kepala@dinkes.go.id" not in html
        assert "SK Dinas Kesehatan" not in html
    download = client.get(reverse("judging:attachment", args=[assignment.pk, attachment.pk]))
    assert download.status_code == 200
    assert "Dinas" not in download["Content-Disposition"]
    # Shown in a frame of the scoring page, and only of our own pages.
    assert download["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in download.get("Content-Security-Policy", "frame-ancestors 'self'")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_attachment_of_unassigned_innovation_is_404(client, setup, judge):
    stage, _innovation, assignment = setup
    other = make_entries(stage, 1)[0]
    attachment = f.AttachmentFactory(innovation=other)
    login(client, judge)
    assert client.get(reverse("judging:attachment", args=[assignment.pk, attachment.pk])).status_code == 404


def test_declaring_a_conflict_moves_the_innovation(client, setup, judge):
    stage, innovation, assignment = setup
    substitute = f.PanelMemberFactory(stage=stage, judge=f.UserFactory()).judge
    stage.judges_per_innovation = 1
    stage.save()
    login(client, judge)
    client.post(reverse("judging:declare_conflict", args=[assignment.pk]), {"scope": "innovation", "reason": "Kerabat"})
    assignment.refresh_from_db()
    assert assignment.released_at is not None
    assert stage.assignments.filter(judge=substitute, innovation=innovation, released_at__isnull=True).exists()


def test_queue_query_count_is_constant(client, proposal_stage, judge, django_assert_num_queries):
    make_rubric(proposal_stage, [(1, 10)])
    login(client, judge)
    url = reverse("judging:dashboard")
    for n in (1, 19):
        for innovation in make_entries(proposal_stage, n):
            f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
        # session, user, roles, the judge's stages, the state counts, the page's rows
        with django_assert_num_queries(6):
            client.get(url)


def test_judge_declares_an_agency_conflict_from_the_conflicts_page(client, setup, judge, agency):
    stage, innovation, assignment = setup
    substitute = f.PanelMemberFactory(stage=stage, judge=f.UserFactory()).judge
    stage.judges_per_innovation = 1
    stage.save()
    login(client, judge)
    response = client.post(
        reverse("judging:conflicts"),
        {"competition": stage.competition_id, "agency": agency.pk, "reason": "Mantan kepala dinas"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.released_at is not None
    assert stage.assignments.filter(judge=substitute, innovation=innovation, released_at__isnull=True).exists()
    assert "Mantan kepala dinas" in client.get(reverse("judging:conflicts")).content.decode()


def test_conflicts_page_is_404_for_non_judges(client, agency_member):
    login(client, agency_member)
    assert client.get(reverse("judging:conflicts")).status_code == 404


def test_refused_submit_keeps_the_draft_and_the_current_version(client, setup, judge):
    stage, _innovation, assignment = setup
    c1, c2 = stage.criteria.order_by("order")
    login(client, judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    response = client.post(url, {f"c{c1.pk}": "60", f"c{c2.pk}": "", "comment": "", "version": "0", "submit": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kriteria 2" in html and 'role="alert"' in html
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.status == SheetStatus.DRAFT and sheet.scores.get().value == Decimal(60)
    assert f'name="version" value="{sheet.version}"' in html


def test_withdrawn_innovation_leaves_the_queue(client, setup, judge):
    _stage, innovation, assignment = setup
    innovation.status = "withdrawn"
    innovation.save()
    login(client, judge)
    assert innovation.title not in client.get(reverse("judging:dashboard")).content.decode()
    assert client.get(reverse("judging:sheet", args=[assignment.pk])).status_code == 404


def test_conflicts_page_names_no_agency_where_judging_is_anonymised(client, setup, judge, agency):
    stage, _innovation, assignment = setup
    stage.anonymised = True
    stage.save()
    login(client, judge)
    client.post(reverse("judging:declare_conflict", args=[assignment.pk]), {"scope": "agency", "reason": "Kerabat"})
    html = client.get(reverse("judging:conflicts")).content.decode()
    assert "Kerabat" in html
    assert agency.name not in html


def test_dashboard_shows_how_many_criteria_each_sheet_has_scored(client, setup, judge):
    from judging import services

    stage, _innovation, assignment = setup
    first = stage.criteria.order_by("order").first()
    sheet = services.sheet_for(assignment)
    services.save_sheet(sheet=sheet, scores={first.pk: "70"}, comment="", version=None, actor=judge)
    html = login(client, judge).get(reverse("judging:dashboard")).content.decode()
    assert "1 dari 2 kriteria" in html
