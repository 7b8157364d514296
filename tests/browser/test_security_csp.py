"""In a real Chromium the strict Content-Security-Policy blocks nothing of ours, and the lockout page is usable."""

import pytest

from tests import factories as f
from tests.kovablik.pages import page_urls, portal_data

pytestmark = pytest.mark.browser


def _collect_csp_violations(page):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_pages_load_without_csp_violation(page, login, client, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids, users = portal_data()
    violations = _collect_csp_violations(page)
    client.force_login(users["committee"])
    urls = []
    for url in page_urls(ids):
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            urls.append(url)
    assert len(urls) > 10

    login(users["committee"].username)
    for url in urls:
        page.goto(url)
    # The menu button and the language switch use Bootstrap's script and CSS icons (data: images).
    page.set_viewport_size({"width": 500, "height": 900})
    page.goto("/")
    page.get_by_role("button", name="Tampilkan atau sembunyikan menu").click()

    assert violations == []


def test_judge_attachment_frameable_but_pages_not(page, login, transactional_db, settings, tmp_path):
    """Chromium shows the attachment inside our page, and refuses to frame an ordinary page (frame-ancestors)."""
    from judging.models import Assignment

    settings.MEDIA_ROOT = tmp_path
    _ids, users = portal_data()
    assignment = Assignment.objects.get(judge=users["judge"])
    violations = _collect_csp_violations(page)
    login(users["judge"].username)
    sheet_url = f"/judging/sheet/{assignment.pk}/"
    page.goto(sheet_url)
    attachment_url = page.locator("iframe.attachment-frame").get_attribute("src")

    # Frames added by the test harness (not page script, which the CSP would forbid) load without lazy loading.
    for name, src in (("attachment", attachment_url), ("page", sheet_url)):
        page.evaluate(
            "([name, src]) => { const f = document.createElement('iframe'); f.name = name; f.src = src;"
            " document.body.appendChild(f); }",
            [name, src],
        )
    page.wait_for_load_state("networkidle")

    frames = {frame.name: frame.url for frame in page.frames if frame.name}
    assert frames["attachment"].endswith(attachment_url)
    assert frames["page"].startswith("chrome-error://")
    # The one violation is the refused page frame; the attachment frame caused none.
    assert len(violations) == 1 and "frame-ancestors 'none'" in violations[0]


def test_lockout_page_after_wrong_passwords(page, settings, assert_accessible, transactional_db):
    user = f.UserFactory(username="juri_lupa")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill("salah-sekali")
        page.get_by_role("button", name="Masuk").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Login diblokir sementara"
    assert "15 menit" in page.inner_text("main")
    assert_accessible()
