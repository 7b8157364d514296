"""On a 390 px phone, list pages scroll their tables, never the whole page sideways."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.browser


def test_judge_dashboard_fits_a_phone(page, login, judge, proposal_stage, agency):
    for n in range(3):
        f.AssignmentFactory(
            stage=proposal_stage,
            judge=judge,
            innovation=f.InnovationFactory(
                competition=proposal_stage.competition, agency=agency, status="eligible",
                title=f"Inovasi Dengan Judul Yang Cukup Panjang Untuk Layar Ponsel {n}",
            ),
        )  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    login("juri")
    assert page.get_by_role("heading", level=1).is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
