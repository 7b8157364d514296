"""The response headers every page carries, read from real responses."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from kovablik.security import embeddable_by_own_pages

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split()[0]: p.split()[1:] for p in parts}


@pytest.mark.parametrize("url_name", ["home", "login", "password_reset", "awards:results"])
def test_csp_header_strict_on_public_pages(client, db, url_name):
    response = client.get(reverse(url_name))

    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    every_source = [source for sources in policy.values() for source in sources]
    assert "'unsafe-inline'" not in every_source
    assert "'unsafe-eval'" not in every_source
    assert not [s for s in every_source if re.match(r"^(https?:|\*|//)", s)], "a third-party origin crept in"


def test_csp_header_present_on_signed_in_dashboard(client, committee):
    client.force_login(committee)

    response = client.get(reverse("committee_dashboard"))

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_frame_and_sniffing_headers_on_page(client, db):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_embeddable_view_frameable_by_own_pages_only(client, db):
    @embeddable_by_own_pages
    def viewer(request):
        return HttpResponse("%PDF-1.4", content_type="application/pdf")

    from django.middleware.clickjacking import XFrameOptionsMiddleware

    from kovablik.security import CSPMiddleware

    request = RequestFactory().get("/attachment/1/view/")
    handler = CSPMiddleware(XFrameOptionsMiddleware(viewer))

    response = handler(request)

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]


def test_judge_attachment_viewer_frameable_by_own_pages_only(client, db, settings, tmp_path):
    from judging.models import Assignment
    from submissions.models import Attachment
    from tests.kovablik.pages import portal_data

    settings.MEDIA_ROOT = tmp_path
    _ids, users = portal_data()
    assignment = Assignment.objects.get(judge=users["judge"])
    attachment = Attachment.objects.get()
    client.force_login(users["judge"])

    response = client.get(reverse("judging:attachment", args=[assignment.pk, attachment.pk]))

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]
    # Its embedding page itself stays unframeable.
    page = client.get(reverse("judging:sheet", args=[assignment.pk]))
    assert page["X-Frame-Options"] == "DENY"
    assert directives(page["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_hsts_header_on_secure_request_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def _production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "PYTEST", "KOVABLIK_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="kovablik.example.go.id",
        **extra,
    )
    return env


def test_check_deploy_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_secure_cookies_and_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, "
        "s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "kovablik.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 8 + ["DENY", "True"]


def test_language_and_csrf_cookies_httponly(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    login_page = client.get(reverse("login"))

    assert response.cookies["django_language"]["httponly"] is True
    assert response.cookies["django_language"]["samesite"] == "Lax"
    assert login_page.cookies["csrftoken"]["httponly"] is True


def test_session_cookie_httponly_on_login(client, agency_member):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": agency_member.username, "password": PASSWORD})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
