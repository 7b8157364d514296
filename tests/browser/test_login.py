"""Each demo role logs in through the real form in Chromium, lands on its dashboard, and the page passes axe."""

import io

import pytest
from django.core.management import call_command

from kovablik.management.commands.seed_demo import PASSWORD

pytestmark = pytest.mark.browser

DEMO_ROLES = [
    ("panitia", "Dasbor panitia", "Kolabik"),
    ("dinkes", "Dasbor instansi", "DOMPET SEHAT"),
    ("juri1", "Dasbor juri", "Evaluasi proposal"),
    ("koordinator", "Dasbor admin lokal", "Dinas Kesehatan"),
]


def test_each_demo_role_logs_in_and_sees_its_dashboard(
    transactional_db, page, login, assert_accessible, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # One seeding for all four roles: seeding the demo is the slow part of this test.
    call_command("seed_demo", stdout=io.StringIO())
    for username, heading, expected_text in DEMO_ROLES:
        login(username, PASSWORD)
        assert page.get_by_role("heading", level=1).inner_text() == heading, username
        assert expected_text in page.inner_text("main"), username
        assert_accessible()
        page.get_by_role("button", name="Keluar").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("link", name="Masuk").is_visible()


def test_wrong_password_is_refused_with_a_message(page, committee, assert_accessible):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(committee.username)
    page.locator("#id_password").fill("salah-sekali")
    page.get_by_role("button", name="Masuk").click()
    assert "Nama pengguna atau kata sandi salah" in page.inner_text("main")
    assert_accessible()


def test_public_home_passes_axe_and_switches_language(page, competition, assert_accessible):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kompetisi inovasi pelayanan publik"
    assert competition.name in page.inner_text("main")
    assert_accessible()
    page.get_by_role("link", name="EN English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Public-service innovation competitions"
    assert page.locator("html").get_attribute("lang") == "en"
