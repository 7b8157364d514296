"""A user's roles (kovablik.roles): the same answers as the apps' rules, asked once per request."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from kovablik.roles import AGENCY, COMMITTEE, JUDGE, LOCAL_ADMIN, request_roles, roles_of
from tests import factories as f


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("committee", [COMMITTEE]),
        ("local_admin", [LOCAL_ADMIN]),
        ("judge", [JUDGE]),
        ("agency_member", [AGENCY]),
    ],
)
def test_roles_of_each_role(request, who, expected):
    assert roles_of(request.getfixturevalue(who)) == expected


def test_roles_of_a_judge_who_is_also_an_agency_member_most_powerful_first(judge, agency):
    f.AgencyMembershipFactory(agency=agency, user=judge)

    assert roles_of(judge) == [JUDGE, AGENCY]


def test_withdrawn_judge_inactive_and_anonymous_users_have_no_role(judge, proposal_stage, agency_member):
    judge.panel_seats.update(withdrawn_at=datetime.datetime.now(tz=datetime.UTC))
    agency_member.is_active = False

    assert roles_of(judge) == []
    assert roles_of(agency_member) == []
    assert roles_of(AnonymousUser()) == []


def test_superuser_is_committee(db):
    assert roles_of(f.UserFactory(is_superuser=True)) == [COMMITTEE]


def test_request_roles_asks_once_per_request(judge, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = judge

    with django_assert_num_queries(1):
        assert request_roles(request) == [JUDGE]
        assert request_roles(request) == [JUDGE]


def test_request_roles_asks_again_when_the_user_changes(judge, agency_member):
    request = RequestFactory().get("/")
    request.user = judge
    assert request_roles(request) == [JUDGE]

    request.user = agency_member  # a login or logout within the request

    assert request_roles(request) == [AGENCY]
