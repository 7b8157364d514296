"""The language switch: links to kovablik.views.switch_language, so pages need no per-visitor CSRF token."""

import pytest
from django.urls import reverse


def test_switch_language_sets_the_cookie_and_returns_to_the_page(client, db):
    response = client.get(reverse("switch_language", args=["en"]), {"next": "/results/?q=lomba"})

    assert response.status_code == 302
    assert response["Location"] == "/results/?q=lomba"
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/results/")["Content-Language"] == "en"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_switch_language_never_redirects_off_site(client, db, next_url):
    response = client.get(reverse("switch_language", args=["id"]), {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert response.cookies["django_language"].value == "id"


def test_switch_language_refuses_an_unknown_language(client, db):
    response = client.get(reverse("switch_language", args=["fr"]), {"next": "/"})

    assert response.status_code == 404
    assert "django_language" not in response.cookies


def test_switch_language_is_a_get_only_view(client, db):
    assert client.post(reverse("switch_language", args=["en"]), {"next": "/"}).status_code == 405


def test_public_pages_carry_language_links_and_no_csrf_token(client, db):
    response = client.get(reverse("awards:results"), {"q": "x y"})
    text = response.content.decode()

    assert 'href="/language/en/?next=/results/%3Fq%3Dx%2By"' in text
    assert 'hreflang="en"' in text and 'aria-current="true"' in text
    assert "csrfmiddlewaretoken" not in text
    assert "csrftoken" not in response.cookies
