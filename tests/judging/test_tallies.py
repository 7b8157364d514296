"""Entry tallies stay equal to a computation from the sheets, whatever path changes the sheets."""

import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging import services, tallies
from judging.models import Assignment, EntryTally, ScoreSheet
from judging.ranking import rank_stage
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score
from tests.judging.test_concurrency import while_first_holds_lock
from tests.services import require_postgres

FIELDS = list(tallies.FIELDS)


def stored(stage):
    """innovation id -> tally fields, for rows with counted sheets (rows emptied by a change count as absent)."""
    return {
        row["innovation_id"]: {name: row[name] for name in FIELDS}
        for row in EntryTally.objects.filter(stage=stage, sheets__gt=0).values("innovation_id", *FIELDS)
    }


def recomputed(stage):
    return {inn: {name: values[name] for name in FIELDS} for inn, values in tallies.compute(stage).items()}


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "reopen", "release", "restore", "admin_total", "admin_draft", "delete"]),
        st.integers(0, 2),  # innovation
        st.integers(0, 2),  # judge
        st.tuples(st.integers(0, 10), st.integers(0, 10)),  # scores
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_tallies_follow_every_kind_of_change(operations):
    with transaction.atomic():
        stage = f.StageFactory(kind="proposal", trim_fraction=Decimal("0.34"))
        make_rubric(stage, [(2, 10), (3, 10)])
        innovations = make_entries(stage, 3)
        judges = [f.UserFactory() for _ in range(3)]
        committee = f.UserFactory()
        for action, i, j, values in operations:
            innovation, judge = innovations[i], judges[j]
            assignment = Assignment.objects.filter(stage=stage, judge=judge, innovation=innovation).first()
            sheet = ScoreSheet.objects.filter(assignment=assignment).first() if assignment else None
            if action == "submit" and (sheet is None or sheet.status != "submitted"):
                if assignment is None or assignment.released_at is None:
                    score(stage, judge, innovation, list(values))
            elif action == "reopen" and sheet is not None and sheet.status == "submitted":
                services.reopen_sheet(sheet=sheet, reason="Periksa lagi", actor=committee)
            elif action == "release" and assignment is not None and assignment.released_at is None:
                services.release_assignment(assignment=assignment, reason="Konflik", actor=committee)
            elif action == "restore" and assignment is not None and assignment.released_at is not None:
                assignment.released_at = None  # as the admin or an automatic re-run brings it back
                assignment.save()
            elif action == "admin_total" and sheet is not None and sheet.status == "submitted":
                sheet.total = Decimal(values[0] * 10)  # an edit in the admin
                sheet.save()
            elif action == "admin_draft" and sheet is not None:
                sheet.status = "draft"
                sheet.save()
            elif action == "delete" and sheet is not None:
                sheet.delete()
            assert stored(stage) == recomputed(stage)
        transaction.set_rollback(True)


def test_key_parts_sort_like_the_means_they_encode():
    means = sorted({Fraction(a, b) for b in range(1, 40) for a in range(0, b + 1)}, reverse=True)
    keys = [tallies.key_part(m) for m in means]
    assert keys == sorted(keys)  # higher mean first
    assert len(set(keys)) == len(means)  # distinct means, distinct keys
    assert tallies.key_part(None) > keys[-1]  # a criterion without a score sorts last
    for mean in means:
        (back,) = tallies.decode(tallies.key_part(mean))
        assert 0 <= mean - back < Fraction(1, 10**30)
    assert tallies.decode(tallies.key_part(None)) == [None]


@pytest.mark.django_db
def test_a_changed_trim_share_is_picked_up_by_the_ranking(proposal_stage):
    make_rubric(proposal_stage, [(1, 100)])
    (a, b) = make_entries(proposal_stage, 2)
    judges = [f.UserFactory() for _ in range(3)]
    for judge, value in zip(judges, [0, 60, 60], strict=True):
        score(proposal_stage, judge, a, [value])
    for judge, value in zip(judges, [50, 50, 50], strict=True):
        score(proposal_stage, judge, b, [value])
    proposal_stage.aggregation = "trimmed"
    proposal_stage.trim_fraction = Decimal("0")
    proposal_stage.save()
    assert [e.innovation_id for e in rank_stage(proposal_stage)] == [b.pk, a.pk]  # 50 against 40
    proposal_stage.trim_fraction = Decimal("0.34")  # drop one sheet at each end: 60 against 50
    proposal_stage.save()
    ranked = rank_stage(proposal_stage)
    assert [(e.innovation_id, e.score) for e in ranked] == [(a.pk, Decimal("60.0000")), (b.pk, Decimal("50.0000"))]


@pytest.mark.django_db
def test_bulk_writes_are_repaired_by_rebuild(proposal_stage):
    make_rubric(proposal_stage, [(1, 100)])
    (a, b) = make_entries(proposal_stage, 2)
    judge = f.UserFactory()
    score(proposal_stage, judge, a, [40])
    score(proposal_stage, judge, b, [60])
    ScoreSheet.objects.filter(assignment__innovation=a).update(total=Decimal("90"))  # bypasses model saves
    assert [e.innovation_id for e in rank_stage(proposal_stage)] == [b.pk, a.pk]
    assert tallies.rebuild(proposal_stage) == 2
    assert [e.innovation_id for e in rank_stage(proposal_stage)] == [a.pk, b.pk]


@pytest.mark.django_db
def test_ranking_reads_a_constant_number_of_queries(proposal_stage, django_assert_max_num_queries):
    make_rubric(proposal_stage, [(1, 100), (2, 10)])
    judges = [f.UserFactory() for _ in range(2)]
    counts = []
    for batch in (2, 20):
        for innovation in make_entries(proposal_stage, batch):
            for judge in judges:
                score(proposal_stage, judge, innovation, [50, 5])  # all tied: the tie-break runs for every row
        with django_assert_max_num_queries(3) as captured:
            rank_stage(proposal_stage)
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_judges_submitting_at_once_both_count():
    """The tally row lock: the second submission waits and then sees the first sheet, so none is lost."""
    require_postgres()
    stage = f.StageFactory(kind="proposal")
    make_rubric(stage, [(1, 10)])
    (innovation,) = make_entries(stage, 1)
    judges = [f.UserFactory(), f.UserFactory()]
    sheets = []
    for judge in judges:
        assignment = f.AssignmentFactory(stage=stage, judge=judge, innovation=innovation)
        sheet = services.sheet_for(assignment)
        (criterion,) = stage.criteria.all()
        sheets.append(
            services.save_sheet(sheet=sheet, scores={criterion.pk: "4"}, comment="", version=None, actor=judge)
        )
    tallies.refresh(stage, [innovation.pk])  # the row exists, so both transactions lock the same row
    results = while_first_holds_lock(
        lambda: services.submit_sheet(sheet=sheets[0], actor=judges[0]),
        lambda: services.submit_sheet(sheet=sheets[1], actor=judges[1]),
        waiting_for="the second submission to wait for the tally's row lock",
    )
    assert isinstance(results["first"], ScoreSheet) and isinstance(results["second"], ScoreSheet)
    tally = EntryTally.objects.get(stage=stage, innovation=innovation)
    assert tally.sheets == 2 and tally.total_sum == Decimal("80.0000")


@pytest.mark.django_db
def test_rebuild_command_repairs_every_stage(proposal_stage):
    from django.core.management import call_command

    make_rubric(proposal_stage, [(1, 100)])
    (a,) = make_entries(proposal_stage, 1)
    score(proposal_stage, f.UserFactory(), a, [40])
    EntryTally.objects.all().delete()
    call_command("rebuild_tallies", stdout=io.StringIO())
    assert stored(proposal_stage) == recomputed(proposal_stage) != {}
