"""competitions.rules.get_stage_for_committee: the committee's stage with its competition in one query, else 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from competitions.rules import get_stage_for_committee
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_stage_and_its_competition_in_one_query(committee, proposal_stage, django_assert_num_queries):
    with django_assert_num_queries(1):
        stage = get_stage_for_committee(committee, proposal_stage.competition.slug, 3)
        assert stage.competition.slug == proposal_stage.competition.slug
    assert stage == proposal_stage


def test_a_superuser_runs_every_competition(proposal_stage):
    boss = f.UserFactory(is_superuser=True)
    assert get_stage_for_committee(boss, proposal_stage.competition.slug, 3) == proposal_stage


@pytest.mark.parametrize("who", ["stranger", "other_committee", "anonymous"])
def test_anyone_else_gets_404(proposal_stage, who):
    user = {
        "stranger": lambda: f.UserFactory(),
        "other_committee": lambda: f.CommitteeMemberFactory(user=f.UserFactory()).user,
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(Http404):
        get_stage_for_committee(user, proposal_stage.competition.slug, 3)


def test_a_missing_stage_is_404(committee, proposal_stage):
    with pytest.raises(Http404):
        get_stage_for_committee(committee, proposal_stage.competition.slug, 9)


@pytest.mark.parametrize("order", [0, 32_719, 99_999])
def test_any_other_order_is_404_even_the_placeholders(committee, proposal_stage, order):
    with pytest.raises(Http404):
        get_stage_for_committee(committee, proposal_stage.competition.slug, order)


def test_the_placeholder_slug_finds_nothing(committee, proposal_stage):
    with pytest.raises(Http404):
        get_stage_for_committee(committee, "-placeholder-slug-", 3)
