from decimal import Decimal

import pytest

from judging.ranking import rank_final, rank_stage, sheet_total
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score


def test_sheet_total_weights_scores_by_scale():
    # (10*5/10 + 30*50/100) / 40 * 100 = (5 + 15) / 40 * 100 = 50
    assert sheet_total([(10, 5, 10), (30, 50, 100)]) == Decimal("50.0000")


def test_sheet_total_rounds_half_up_to_four_decimals():
    assert sheet_total([(1, 1, 3)]) == Decimal("33.3333")
    assert sheet_total([(1, 2, 3)]) == Decimal("66.6667")


def test_rank_stage_mean_orders_and_unscored_last(proposal_stage):
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    a, b, c = make_entries(proposal_stage, 3)
    j1, j2 = f.UserFactory(), f.UserFactory()
    score(proposal_stage, j1, a, [50, 50])
    score(proposal_stage, j2, a, [70, 70])
    score(proposal_stage, j1, b, [90, 90])
    ranked = rank_stage(proposal_stage, with_judge_totals=True)
    assert [e.innovation_id for e in ranked] == [b.pk, a.pk, c.pk]
    assert [e.rank for e in ranked] == [1, 2, 3]
    assert ranked[1].score == Decimal("60.0000")
    assert ranked[1].judge_totals == {j1.pk: Decimal("50.0000"), j2.pk: Decimal("70.0000")}
    assert ranked[0].flags == frozenset({"few_sheets"})
    assert ranked[2].score is None and ranked[2].sheets == 0


def test_rank_stage_tie_broken_by_heaviest_criterion(proposal_stage):
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    a, b = make_entries(proposal_stage, 2)
    judge = f.UserFactory()
    # Both total (10*x + 30*y)/40: a = (10*80 + 30*40)/40 = 50, b = (10*20 + 30*60)/40 = 50.
    score(proposal_stage, judge, a, [80, 40])
    score(proposal_stage, judge, b, [20, 60])
    ranked = rank_stage(proposal_stage)
    assert ranked[0].score == ranked[1].score == Decimal("50.0000")
    assert [e.innovation_id for e in ranked] == [b.pk, a.pk]
    assert "Kriteria 2" in ranked[1].tie_break
    assert ranked[0].tie_break == ""


def test_rank_stage_full_tie_broken_by_earlier_submission(proposal_stage):
    make_rubric(proposal_stage, [(1, 10)])
    a, b = make_entries(proposal_stage, 2)
    judge = f.UserFactory()
    score(proposal_stage, judge, b, [7])
    score(proposal_stage, judge, a, [7])
    ranked = rank_stage(proposal_stage)
    assert [e.innovation_id for e in ranked] == [a.pk, b.pk]
    assert ranked[1].tie_break != ""


@pytest.mark.parametrize(
    ("method", "expected"),
    [("mean", "50.0000"), ("median", "40.0000"), ("trimmed", "40.0000"), ("zscore", None)],
)
def test_rank_stage_methods(proposal_stage, method, expected):
    proposal_stage.trim_fraction = Decimal("0.34")  # floor(3 * 0.34) = 1 sheet dropped at each end
    proposal_stage.save()
    make_rubric(proposal_stage, [(1, 100)])
    (a,) = make_entries(proposal_stage, 1)
    for value in (10, 40, 100):
        score(proposal_stage, f.UserFactory(), a, [value])
    (entry,) = rank_stage(proposal_stage, method=method)
    assert entry.raw_mean == Decimal("50.0000")
    if expected:
        assert entry.score == Decimal(expected)
    assert "disagreement" in entry.flags


def test_rank_final_weights_stages(competition):
    s1 = f.StageFactory(competition=competition, order=3, kind="proposal", weight=40)
    s2 = f.StageFactory(competition=competition, order=4, kind="presentation", weight=60)
    make_rubric(s1, [(1, 100)])
    make_rubric(s2, [(1, 100)])
    a, b = make_entries(s1, 2)
    for inn in (a, b):
        f.StageEntryFactory(innovation=inn, stage=s2)
    judge = f.UserFactory()
    score(s1, judge, a, [100])
    score(s2, judge, a, [50])  # 40*100 + 60*50 = 7000 / 100 = 70
    score(s1, judge, b, [40])
    score(s2, judge, b, [90])  # 40*40 + 60*90 = 7000 / 100 = 70 -> tie, b wins on the heavier presentation stage
    ranked = rank_final(competition)
    assert [e.score for e in ranked] == [Decimal("70.0000"), Decimal("70.0000")]
    assert [e.innovation_id for e in ranked] == [b.pk, a.pk]
    assert ranked[0].stage_scores == {s1.pk: Decimal("40.0000"), s2.pk: Decimal("90.0000")}
