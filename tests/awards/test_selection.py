from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from awards.selection import computed_list, select


@dataclass(frozen=True)
class Entry:
    innovation_id: int
    score: Decimal | None


scores = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))
rankings = st.lists(scores, max_size=30).map(
    lambda values: [
        Entry(i + 1, v)
        for i, v in enumerate(
            sorted(values, key=lambda v: (v is None, -(v or 0)))  # ranked best first, unscored last
        )
    ]
)


@given(rankings, st.integers(min_value=1, max_value=40))
def test_top_n_lists_the_best_n_scored_entries(entries, n):
    listed, cutoff = computed_list(entries, rule="top_n", params={"n": n})

    scored = [e for e in entries if e.score is not None]
    assert listed == {e.innovation_id for e in scored[:n]}
    assert cutoff == (min(e.score for e in scored[:n]) if scored else None)


@given(rankings, st.decimals(min_value=0, max_value=100, places=2))
def test_pass_mark_lists_exactly_the_entries_at_or_above_it(entries, mark):
    listed, cutoff = computed_list(entries, rule="pass_mark", params={"pass_mark": str(mark)})

    assert listed == {e.innovation_id for e in entries if e.score is not None and e.score >= mark}
    assert cutoff == mark


@given(
    rankings,
    st.lists(st.sampled_from(["1", "2", "3"]), min_size=30, max_size=30),
    st.dictionaries(st.sampled_from(["1", "2", "3"]), st.integers(min_value=0, max_value=10)),
)
def test_quotas_are_respected_and_filled_by_the_best_of_each_bucket(entries, bucket_list, quotas):
    buckets = {e.innovation_id: bucket_list[i] for i, e in enumerate(entries)}

    listed, _cutoff = computed_list(entries, rule="quota", params={"by": "category", "quotas": quotas}, buckets=buckets)

    for bucket in ("1", "2", "3"):
        members = [e for e in entries if buckets[e.innovation_id] == bucket and e.score is not None]
        chosen = [e.innovation_id for e in members if e.innovation_id in listed]
        expected = min(quotas.get(bucket, 0), len(members))
        assert len(chosen) == expected
        assert chosen == [e.innovation_id for e in members[:expected]]  # the best of the bucket, in rank order


@given(rankings, st.integers(min_value=1, max_value=10), st.sets(st.integers(min_value=1, max_value=40)))
def test_manual_changes_flip_exactly_the_known_entries(entries, n, flips):
    result = select(entries, rule="top_n", params={"n": n}, flips=flips)

    known = {e.innovation_id for e in entries}
    assert result.listed == result.computed ^ (flips & known)
