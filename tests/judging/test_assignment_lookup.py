"""rules.get_assignment_for_judge runs SQL compiled once per process and builds the objects from its row."""

import datetime

import pytest
from django.http import Http404

from judging import rules
from judging.models import PanelMember
from tests import factories as f
from tests.judging.builders import make_entries


@pytest.fixture
def assignment(proposal_stage, judge, agency):
    (innovation,) = make_entries(proposal_stage, 1, agency=agency)
    return f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)


def test_the_objects_are_those_select_related_would_give(judge, assignment, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = rules.get_assignment_for_judge(judge, str(assignment.pk))
        innovation = found.innovation
        assert (found.pk, found.stage.name, found.stage.anonymised) == (
            assignment.pk,
            assignment.stage.name,
            assignment.stage.anonymised,
        )
        assert (innovation.title, innovation.agency.name, innovation.category.name) == (
            assignment.innovation.title,
            assignment.innovation.agency.name,
            assignment.innovation.category.name,
        )
        assert isinstance(innovation.updated_at, datetime.datetime)
        assert found.released_at is None

    assert innovation.updated_at == assignment.innovation.updated_at


def test_each_call_binds_its_own_judge_and_assignment(proposal_stage, judge, assignment):
    other_judge = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge
    (innovation,) = make_entries(proposal_stage, 1)
    theirs = f.AssignmentFactory(stage=proposal_stage, judge=other_judge, innovation=innovation)

    assert rules.get_assignment_for_judge(other_judge, theirs.pk).innovation.pk == innovation.pk
    assert rules.get_assignment_for_judge(judge, assignment.pk).pk == assignment.pk
    for who, pk in ((judge, theirs.pk), (other_judge, assignment.pk), (judge, -7_230_424), (judge, "x")):
        with pytest.raises(Http404):
            rules.get_assignment_for_judge(who, pk)


def test_a_withdrawn_seat_or_entry_is_404(proposal_stage, judge, assignment):
    innovation = assignment.innovation
    innovation.status = "withdrawn"
    innovation.save()
    with pytest.raises(Http404):
        rules.get_assignment_for_judge(judge, assignment.pk)

    innovation.status = "eligible"
    innovation.save()
    PanelMember.objects.filter(judge=judge).update(withdrawn_at=datetime.datetime.now(tz=datetime.UTC))
    with pytest.raises(Http404):
        rules.get_assignment_for_judge(judge, assignment.pk)
