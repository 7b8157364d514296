"""Login throttling (django-axes), the staff unlock page, and a password reset that tells nothing."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from tests import factories as f


def _fail(client, username, times=1, ip="10.0.0.7"):
    response = None
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "salah-sekali"}, REMOTE_ADDR=ip)
    return response


def _login(client, username, ip="10.0.0.7"):
    return client.post(reverse("login"), {"username": username, "password": f.PASSWORD}, REMOTE_ADDR=ip)


def test_login_wrong_password_below_limit_shows_form_again(client, agency_member, settings):
    response = _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200
    assert AccessAttempt.objects.get(username=agency_member.username).failures_since_start == (
        settings.AXES_FAILURE_LIMIT - 1
    )
    assert _login(client, agency_member.username).status_code == 302


def test_login_locked_after_configured_failures(client, agency_member, settings):
    response = _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)

    assert response.status_code == 429
    assert "Login diblokir sementara" in response.content.decode()
    # The right password is refused too while the lock lasts.
    locked = _login(client, agency_member.username)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_lockout_message_in_english(client, agency_member, settings):
    client.cookies["django_language"] = "en"

    response = _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)

    text = response.content.decode()
    assert "Login temporarily blocked" in text
    assert f"after {settings.AXES_FAILURE_LIMIT} wrong passwords in a row" in text
    assert "blocked for 15 minutes" in text


def test_login_lockout_lifts_after_cooloff(client, agency_member, settings):
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)
    assert _login(client, agency_member.username).status_code == 429
    # Age the recorded failures past the cool-off, as the clock would.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )

    response = _login(client, agency_member.username)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(agency_member.pk)


def test_login_lockout_other_address_not_blocked(client, agency_member, settings):
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT, ip="10.0.0.7")

    response = _login(client, agency_member.username, ip="10.0.0.8")

    assert response.status_code == 302


def test_login_success_resets_failure_count(client, agency_member, settings):
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT - 1)
    _login(client, agency_member.username)
    client.logout()

    response = _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT - 1)

    assert response.status_code == 200


def test_login_behind_proxy_uses_forwarded_address(client, agency_member, settings):
    settings.KOVABLIK_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": agency_member.username, "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 36.80.1.1",
        )

    assert AccessAttempt.objects.get().ip_address == "36.80.1.1"


def test_client_login_still_works_in_tests(client, agency_member):
    assert client.login(username=agency_member.username, password=f.PASSWORD) is True
    assert client.login(username=agency_member.username, password="salah") is False


def test_lockouts_page_lists_blocked_login_for_staff(client, agency_member, settings):
    staff = f.UserFactory(username="staf", is_staff=True)
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)
    client.force_login(staff)

    response = client.get(reverse("security_lockouts"))

    assert response.status_code == 200
    assert agency_member.username in response.content.decode()
    assert "10.0.0.7" in response.content.decode()


def test_lockouts_unlock_lets_owner_log_in(client, agency_member, settings):
    staff = f.UserFactory(username="staf", is_staff=True)
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get()
    staff_client = client.__class__()
    staff_client.force_login(staff)

    response = staff_client.post(reverse("security_unlock", args=[attempt.pk]))

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login(client, agency_member.username).status_code == 302


@pytest.mark.parametrize("who", ["agency_member", "judge", "local_admin"])
def test_lockouts_page_outsider_404(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("security_lockouts")).status_code == 404


def test_lockouts_unlock_outsider_404_and_lock_kept(client, agency_member, judge, settings):
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get()
    client.force_login(judge)

    response = client.post(reverse("security_unlock", args=[attempt.pk]))

    assert response.status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_lockouts_page_anonymous_redirected_to_login(client, db):
    response = client.get(reverse("security_lockouts"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("rows", [1, 20])
def test_lockouts_page_query_count_constant(client, db, settings, django_assert_num_queries, rows):
    staff = f.UserFactory(username="staf", is_staff=True)
    for n in range(rows):
        AccessAttempt.objects.create(
            username=f"pengguna{n}",
            ip_address=f"10.0.1.{n}",
            user_agent="test",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/accounts/login/",
        )
    client.force_login(staff)

    with django_assert_num_queries(4):
        response = client.get(reverse("security_lockouts"))

    html = response.content.decode()
    assert all(f"pengguna{n}" in html for n in range(rows))


def test_password_reset_same_answer_for_unknown_email(client, agency_member):
    known = client.post(reverse("password_reset"), {"email": agency_member.email})
    unknown = client.post(reverse("password_reset"), {"email": "tidak-ada@example.go.id"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [agency_member.email]
    done = client.get(unknown["Location"])
    assert "Jika ada akun" in done.content.decode() or "If an account" in done.content.decode()


def test_login_overlong_username_counted_not_crashing(client, db, settings):
    username = "u" * 5000

    response = _fail(client, username, times=settings.AXES_FAILURE_LIMIT)

    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == "u" * 255


def test_login_forged_forwarded_address_ignored(client, agency_member, settings):
    settings.KOVABLIK_PROXY_COUNT = 1

    client.post(
        reverse("login"),
        {"username": agency_member.username, "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="bukan-alamat-ip",
    )

    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_lockouts_committee_member_can_unlock(client, agency_member, committee, settings):
    _fail(client, agency_member.username, times=settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get()
    client.force_login(committee)
    assert agency_member.username in client.get(reverse("security_lockouts")).content.decode()

    client.post(reverse("security_unlock", args=[attempt.pk]))

    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
