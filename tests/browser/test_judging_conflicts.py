"""In real Chromium: a judge declares a conflict with an agency on the conflicts page and sees it listed, and an
address that does not exist shows the friendly 404 page. Both pages pass axe."""

import re

from judging.models import Conflict
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric


def test_judge_declares_an_agency_conflict_and_sees_it_listed(page, login, assert_accessible, proposal_stage, judge):
    make_rubric(proposal_stage, [(1, 10)])
    (innovation,) = make_entries(proposal_stage, 1)
    f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    agency = innovation.agency

    login("juri")
    page.goto("/judging/conflicts/")
    assert page.get_by_role("heading", level=1).inner_text() == "Konflik kepentingan"
    assert_accessible()
    page.get_by_label("Kompetisi").select_option(str(proposal_stage.competition.pk))
    page.get_by_label("Instansi").select_option(str(agency.pk))
    page.get_by_label("Alasan").fill("Saya penasihat instansi ini")
    page.get_by_role("button", name="Nyatakan konflik").click()

    page.wait_for_url(re.compile(r"/judging/conflicts/$"))
    assert Conflict.objects.filter(judge=judge, agency=agency, competition=proposal_stage.competition).exists()
    assert f"{agency.name} — Saya penasihat instansi ini" in page.inner_text("main")
    assert_accessible()


def test_unknown_address_shows_the_friendly_404_page(page, assert_accessible, db):
    response = page.goto("/tidak-ada-halaman-ini/")

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Halaman tidak ditemukan"
    assert page.get_by_role("link", name="Kembali ke halaman awal").is_visible()
    assert_accessible()
