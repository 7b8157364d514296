"""The committee's judging pages pass axe in Chromium; a reopened sheet shows in the audit trail."""

from judging import services
from judging.enums import SheetStatus
from judging.models import ScoreSheet
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score


def test_committee_judging_pages_are_accessible(page, login, assert_accessible, proposal_stage, committee, agency):
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    innovations = make_entries(proposal_stage, 2, agency=agency)
    judges = [f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge for _ in range(3)]
    services.auto_assign(stage=proposal_stage, actor=committee)
    first = proposal_stage.assignments.order_by("pk").first()
    sheet = score(proposal_stage, first.judge, first.innovation, [70, 60])
    assert judges and innovations

    login("panitia")
    base = f"/judging/c/{proposal_stage.competition.slug}/{proposal_stage.order}"
    page.goto(f"/judging/c/{proposal_stage.competition.slug}/")
    assert_accessible()
    for name in ["rubric", "panel", "assignment", "progress", "leaderboard", "audit"]:
        page.goto(f"{base}/{name}/")
        assert_accessible()

    page.goto(f"{base}/sheet/{sheet.pk}/")
    assert_accessible()
    page.get_by_label("Alasan").fill("Nilai kriteria tertukar")
    page.get_by_role("button", name="Buka kembali").click()
    page.wait_for_load_state("networkidle")
    assert ScoreSheet.objects.get(pk=sheet.pk).status == SheetStatus.REOPENED
    page.goto(f"{base}/audit/")
    assert "Nilai kriteria tertukar" in page.inner_text("main")
