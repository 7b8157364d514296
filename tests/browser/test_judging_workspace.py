"""A judge scores with the keyboard alone, finds the autosaved draft after a reload, submits; the committee's
leaderboard shows the new score. Every page passes axe."""

import re

from judging.enums import SheetStatus
from judging.models import ScoreSheet
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric
from tests.services import wait_for


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches selector (proves it is reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{selector} not reachable with Tab")


def test_judge_scores_with_keyboard_and_committee_sees_it(
    page, login, assert_accessible, proposal_stage, judge, committee
):
    c1, c2 = make_rubric(proposal_stage, [(10, 100), (30, 100)])
    (innovation,) = make_entries(proposal_stage, 1)
    f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)

    login("juri")
    assert "/judging/" in page.url
    assert_accessible()
    tab_to(page, "a[href*='/judging/sheet/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/judging/sheet/\d+/$"))
    assert_accessible()

    tab_to(page, f"#id_c{c1.pk}")
    page.keyboard.type("80")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_c{c2.pk}"
    page.keyboard.type("40")
    tab_to(page, "#id_comment")
    page.keyboard.type("Dampak nyata bagi warga")

    def draft_saved():
        sheet = ScoreSheet.objects.filter(assignment__innovation=innovation).first()
        return sheet and sheet.comment == "Dampak nyata bagi warga" and sheet.scores.count() == 2

    wait_for(draft_saved, timeout=30, message="the autosave of the draft")
    page.wait_for_function("() => !document.querySelector('#autosave-status').textContent.endsWith('…')")

    page.reload()
    assert page.locator(f"#id_c{c1.pk}").input_value() == "80"
    assert page.locator(f"#id_c{c2.pk}").input_value() == "40"
    assert page.locator("#id_comment").input_value() == "Dampak nyata bagi warga"

    tab_to(page, "button[name='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/judging/$"))
    sheet = ScoreSheet.objects.get(assignment__innovation=innovation)
    assert sheet.status == SheetStatus.SUBMITTED
    assert str(sheet.total) == "50.0000"  # (10 * 0.8 + 30 * 0.4) / 40 * 100

    page.context.clear_cookies()
    login("panitia")
    page.goto(f"/judging/c/{proposal_stage.competition.slug}/{proposal_stage.order}/leaderboard/")
    row = page.locator(f"tr[data-innovation='{innovation.pk}']")
    assert row.locator("td.score").inner_text().strip() == "50,0000"
    assert_accessible()


def test_judge_moves_between_innovations_with_alt_arrows(page, login, proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10)])
    first, second = make_entries(proposal_stage, 2)
    a1 = f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=first)
    a2 = f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=second)

    login("juri")
    page.goto(f"/judging/sheet/{a1.pk}/")
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_url(f"**/judging/sheet/{a2.pk}/")
    page.keyboard.press("Alt+ArrowLeft")
    page.wait_for_url(f"**/judging/sheet/{a1.pk}/")
