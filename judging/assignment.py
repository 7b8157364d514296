"""Automatic assignment of judges to innovations: a pure, deterministic algorithm (no database access).

The plan gives every innovation k judges where its eligible judges allow it, never an ineligible pair, and keeps the
judges' loads within one of each other whenever the eligibility allows it. It is a capacitated bipartite b-matching:
judge capacities start at floor(total / judges) and rise one step at a time; each innovation's missing judges are
placed by augmenting paths (an innovation already given to a full judge may move to another eligible judge to make
room), so the number of placed pairs is the maximum possible; a last pass then moves new assignments from a judge
to an eligible one with at least two fewer until no such move is left, so the loads stay as even as the
constraints allow.
Every ordering is by load, then id: the same input always gives the same plan.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Plan:
    new: dict[int, list[int]] = field(default_factory=dict)  # innovation id -> judge ids to add
    loads: dict[int, int] = field(default_factory=dict)  # judge id -> load including kept assignments
    short: dict[int, int] = field(default_factory=dict)  # innovation id -> how many judges it still lacks


def plan_assignment(
    innovations: list[int],
    judges: list[int],
    k: int,
    eligible: dict[int, set[int]],
    kept: dict[int, set[int]] | None = None,
) -> Plan:
    """Plan new assignments so every innovation has k judges.

    eligible: innovation id -> judge ids that may score it. kept: innovation id -> judges already assigned (fixed).
    """
    kept = kept or {}
    judges = sorted(set(judges))
    judge_set = set(judges)
    load = dict.fromkeys(judges, 0)
    for i in innovations:
        for j in kept.get(i, ()):
            if j in load:
                load[j] += 1
    candidates = {
        i: sorted((set(eligible.get(i, ())) & judge_set) - set(kept.get(i, ()))) for i in sorted(set(innovations))
    }
    need = {i: max(0, k - len(set(kept.get(i, ())) & judge_set)) for i in candidates}
    demand = {i: min(need[i], len(candidates[i])) for i in candidates}
    placed_total = sum(demand.values())
    assigned: dict[int, set[int]] = {i: set() for i in candidates}
    holds: dict[int, set[int]] = {j: set() for j in judges}  # judge -> innovations newly given to them
    if not judges or not placed_total:
        return Plan(new={}, loads=dict(load), short={i: need[i] for i in candidates if need[i]})

    grand = sum(load.values()) + placed_total
    cap = grand // len(judges)
    # Most constrained innovations first; ties by id.
    order = sorted(candidates, key=lambda i: (len(candidates[i]), i))
    remaining = dict(demand)
    while True:
        spare = sum(max(0, cap - load[j]) for j in judges)
        for i in order:
            while remaining[i] and spare > 0 and _augment(i, cap, candidates, assigned, holds, load):
                remaining[i] -= 1
                spare -= 1
        if not any(remaining.values()):
            break
        cap += 1
    _even_out(candidates, assigned, holds, load)
    new = {i: sorted(js) for i, js in assigned.items() if js}
    short = {i: need[i] - len(assigned[i]) for i in candidates if need[i] - len(assigned[i]) > 0}
    return Plan(new=new, loads=dict(load), short=short)


def _even_out(candidates, assigned, holds, load) -> None:
    """Move new assignments from a judge to one with at least two fewer who may take them, until none can move.

    The capacity search bounds the highest load, not the lowest: a judge filled early (ties broken by id) can end
    two or more above another who was eligible for one of its innovations. Each move keeps every innovation's
    count and lowers the sum of squared loads, so this ends; judges and innovations are visited in a fixed order,
    so the plan stays deterministic.
    """
    while True:
        move = None
        for a in sorted(load, key=lambda j: (-load[j], j)):
            for v in sorted(holds[a]):
                takers = [b for b in candidates[v] if b not in assigned[v] and load[b] <= load[a] - 2]
                if takers:
                    move = (a, v, min(takers, key=lambda j: (load[j], j)))
                    break
            if move:
                break
        if move is None:
            return
        a, v, b = move
        assigned[v].discard(a)
        holds[a].discard(v)
        assigned[v].add(b)
        holds[b].add(v)
        load[a] -= 1
        load[b] += 1


def _augment(start, cap, candidates, assigned, holds, load) -> bool:
    """Give `start` one more judge, shifting other new assignments along a path if needed (BFS, deterministic)."""
    parent_of_judge: dict[int, int] = {}
    parent_of_innovation: dict[int, int] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for j in sorted(candidates[u], key=lambda j: (load[j], j)):
            if j in parent_of_judge or j in assigned[u]:
                continue
            parent_of_judge[j] = u
            if load[j] < cap:
                # Walk back: u takes j; if u came from judge j_prev, u leaves j_prev, and so on up to start.
                load[j] += 1
                while True:
                    u = parent_of_judge[j]
                    assigned[u].add(j)
                    holds[j].add(u)
                    if u == start:
                        return True
                    j_prev = parent_of_innovation[u]
                    assigned[u].discard(j_prev)
                    holds[j_prev].discard(u)
                    j = j_prev
            for v in sorted(holds[j]):
                if v in seen:
                    continue
                seen.add(v)
                parent_of_innovation[v] = j
                queue.append(v)
    return False
