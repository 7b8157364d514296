"""Which ranked entries a shortlist rule lists: pure functions, so the rules can be tested on any input."""

from dataclasses import dataclass
from decimal import Decimal

from competitions.enums import ShortlistRule


@dataclass(frozen=True)
class Selection:
    listed: frozenset[int]  # innovation ids on the list after the committee's changes
    computed: frozenset[int]  # innovation ids the rule alone lists
    cutoff: Decimal | None  # lowest score the rule let in (the pass mark for a pass-mark rule)


def computed_list(entries, *, rule, params, buckets=None) -> tuple[frozenset[int], Decimal | None]:
    """The ids the rule lists from `entries` (ranked best first, objects with innovation_id and score).

    Entries without a score are never listed by a rule (only by a recorded manual change).
    Top N: the first N scored entries. Pass mark: every entry scoring at least the mark. Quotas: per bucket
    (category, group or region id as a string, from `buckets`), the first `quota` scored entries of that bucket.
    """
    scored = [e for e in entries if e.score is not None]
    if rule == ShortlistRule.TOP_N:
        chosen = scored[: int(params["n"])]
    elif rule == ShortlistRule.PASS_MARK:
        mark = Decimal(str(params["pass_mark"]))
        chosen = [e for e in scored if e.score >= mark]
        return frozenset(e.innovation_id for e in chosen), mark
    elif rule == ShortlistRule.QUOTA:
        quotas = {str(k): int(v) for k, v in params["quotas"].items()}
        taken = {}
        chosen = []
        for entry in scored:
            bucket = str((buckets or {}).get(entry.innovation_id))
            if taken.get(bucket, 0) < quotas.get(bucket, 0):
                taken[bucket] = taken.get(bucket, 0) + 1
                chosen.append(entry)
    else:
        raise ValueError(f"unknown shortlist rule {rule!r}")
    cutoff = min((e.score for e in chosen), default=None)
    return frozenset(e.innovation_id for e in chosen), cutoff


def select(entries, *, rule, params, buckets=None, flips=frozenset()) -> Selection:
    """The computed list with the committee's manual changes (`flips`: ids to add or remove) applied."""
    computed, cutoff = computed_list(entries, rule=rule, params=params, buckets=buckets)
    known = {e.innovation_id for e in entries}
    flips = frozenset(flips) & known
    return Selection(listed=computed ^ flips, computed=computed, cutoff=cutoff)
