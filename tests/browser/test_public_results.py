"""An anonymous visitor on the cached public results page: switches language, sees a correction. Real Chromium."""

import pytest
from django.core.cache import cache

from awards.services import shortlists
from tests.browser.test_awards_flow import ranked_stage

pytestmark = pytest.mark.browser


def test_anonymous_visitor_switches_language_on_the_cached_results_page(
    page, assert_accessible, competition, committee
):
    cache.clear()
    stage = ranked_stage(competition)
    shortlists.publish_shortlist(stage=stage, rule="top_n", params={"n": 1}, actor=committee, confirm_incomplete=True)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    url = f"/results/{competition.slug}/"

    page.goto(url)
    page.goto(url)  # served from the cache
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hasil")
    assert_accessible()
    page.get_by_role("link", name="EN English").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(url)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Results of")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible()

    shortlists.publish_shortlist(
        stage=stage, rule="top_n", params={"n": 2}, actor=committee, correction_reason="Dua besar",
        confirm_incomplete=True,
    )  # fmt: skip
    page.reload()
    assert "Bidan Siaga" in page.inner_text("main")
    page.get_by_role("link", name="ID Bahasa Indonesia").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hasil")
    assert violations == []
