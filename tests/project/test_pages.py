"""Error pages and the login message, as a user meets them."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f


def test_unknown_page_is_a_friendly_404_in_indonesian(client, db):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html and 'href="/"' in html


def test_server_error_page_renders_without_a_request_context(db):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Terjadi kesalahan" in html


def test_wrong_password_message_names_the_problem_once(client, db):
    user = f.UserFactory(username="panitia_uji")
    response = client.post(reverse("login"), {"username": user.username, "password": "salah"})
    html = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in html
    assert "nama pengguna nama pengguna" not in html.lower()


@pytest.mark.parametrize("role,shown", [("agency_member", True), ("judge", True), ("committee", False)])
def test_certificates_link_for_those_who_receive_certificates(request, role, shown):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert (reverse("awards:my_certificates") in html) is shown
    assert html.count(reverse("awards:my_certificates")) <= 1
