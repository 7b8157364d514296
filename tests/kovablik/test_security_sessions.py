"""The idle timeout of committee, judge and staff sessions (kovablik.security.PrivilegedSessionTimeoutMiddleware)."""

import time

import pytest
from django.urls import reverse

from kovablik.security import LAST_SEEN_KEY, PRIVILEGED_KEY
from tests import factories as f


def _idle(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize("who", ["committee", "judge"])
def test_privileged_session_ends_after_idle_timeout(client, request, settings, who):
    client.force_login(request.getfixturevalue(who))
    _idle(client, settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES * 60 + 5)

    response = client.get(reverse("committee_dashboard"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "menit tanpa aktivitas" in response.content.decode()


def test_privileged_session_kept_within_timeout(client, committee, settings):
    client.force_login(committee)
    _idle(client, settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES * 60 - 60)

    response = client.get(reverse("committee_dashboard"))

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(committee.pk)
    # The request counted as activity: the clock starts again.
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


def test_agency_session_not_subject_to_idle_timeout(client, agency_member, settings):
    client.force_login(agency_member)
    _idle(client, settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES * 60 * 4)

    client.get(reverse("home"))

    assert client.session["_auth_user_id"] == str(agency_member.pk)
    assert client.session[PRIVILEGED_KEY] is False


def test_staff_session_marked_privileged_on_login(client, db):
    staff = f.UserFactory(username="staf", is_staff=True)

    client.post(reverse("login"), {"username": staff.username, "password": f.PASSWORD})

    assert client.session[PRIVILEGED_KEY] is True


def test_session_from_before_middleware_classified_once(client, judge, settings):
    client.force_login(judge)
    session = client.session
    del session[PRIVILEGED_KEY]
    session[LAST_SEEN_KEY] = int(time.time()) - settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES * 60 - 5
    session.save()

    client.get(reverse("home"))

    assert "_auth_user_id" not in client.session
