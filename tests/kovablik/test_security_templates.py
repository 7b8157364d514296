"""No template carries code that the strict Content-Security-Policy would block (and an attacker could imitate)."""

import re
from pathlib import Path

import pytest

from tests.kovablik.pages import crawl, page_urls, portal_data

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# PDFs are rendered by WeasyPrint on the server, never shown by a browser under the CSP; e-mails likewise.
EXEMPT_FOLDERS = {"emails", "pdf"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
RULES = {
    "inline <script>": INLINE_SCRIPT,
    "<style> element": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "on*= event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def browser_templates():
    return sorted(
        path for path in TEMPLATES.rglob("*.html") if not EXEMPT_FOLDERS & set(path.relative_to(TEMPLATES).parts[:-1])
    )


@pytest.mark.parametrize("rule", RULES)
def test_templates_no_inline_code(rule):
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in browser_templates()
        for text in [path.read_text()]
        for match in RULES[rule].finditer(text)
    ]

    assert offenders == [], f"{rule} in {offenders}"


def test_rendered_pages_no_inline_code_and_strict_csp(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids, users = portal_data()
    offenders = []
    pages = []

    def inspect(role, url, response):
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return
        pages.append(url)
        html = response.content.decode()
        offenders.extend(f"{role} {url}: {rule}" for rule, pattern in RULES.items() if pattern.search(html))
        if "'unsafe-inline'" in response["Content-Security-Policy"]:
            offenders.append(f"{role} {url}: unsafe-inline")

    crawl(client, {role: users[role] for role in ("anonymous", "agency_member", "committee")}, page_urls(ids), inspect)

    assert len(pages) > 20
    assert offenders == []
