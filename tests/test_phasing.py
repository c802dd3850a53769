"""Phases and budgets cut out of the one full plan (covplan.optimise.phases).

Hand-made wards whose answer is worked out in the comments (three groups of three
alleys, targets as intervals, poses seeing ranges of them), and one property test on
random small wards checking the invariants by brute force over pose subsets.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from covplan.optimise import BudgetSelection, PhasePlan, budget_selection, phase_plan
from covplan.optimise.phases import EXACT_POSES, _greedy_cover

M = 1_000_000  # VND


class Ward:
    """A tiny ward: routes of a few targets each, poses seeing lists of targets."""

    def __init__(self, routes, poses, *, k=None, selected=None, always=None):
        # routes: (route_id, group_id, kind, length_m, n_targets); poses: (cost, [(route, i)])
        self.routes = pd.DataFrame(
            [r[:4] for r in routes], columns=["route_id", "group_id", "kind", "length_m"]
        )
        self.target_route = np.array([r[0] for r in routes for _ in range(r[4])], dtype=object)
        pos, offset = {}, 0
        for r in routes:
            pos[r[0]] = offset
            offset += r[4]
        seen = np.zeros((offset, len(poses)), bool)
        for j, (_, sees) in enumerate(poses):
            for route, i in sees:
                seen[pos[route] + i, j] = True
        self.seen = sp.csr_matrix(seen)
        self.dense = seen.astype(np.int64)
        self.cost = np.array([c for c, _ in poses], dtype=np.int64)
        self.k = np.ones(offset, np.int64) if k is None else np.asarray(k, np.int64)
        self.selected = np.ones(len(poses), bool) if selected is None else np.asarray(selected)
        self.always = np.zeros(len(poses), bool) if always is None else np.asarray(always)

    def args(self):
        return self.seen, self.selected, self.cost, self.k, self.target_route, self.routes

    def phases(self, **kw) -> PhasePlan:
        return phase_plan(*self.args(), always=self.always, **kw)

    def budget(self, budget_vnd, **kw) -> BudgetSelection:
        return budget_selection(*self.args(), budget_vnd, always=self.always, **kw)


def whole(route, n):
    return [(route, i) for i in range(n)]


def three_by_three(**kw) -> Ward:
    """Three groups of three alleys (2 targets each); the plan's poses per alley.

    g1-a 0.9 M (1 pose), g1-b 1.8 M (2 poses, one target each), g1-c 1.5 M;
    g2-a 1.5 M, g2-b 1.55 M, g2-c 3 M (2 poses); g3-a 0.9 M (30 m), g3-b 0.9 M (20 m),
    g3-c 2 M. The last pose sees everything for 0.1 M but is not in the plan.
    """
    routes = [(f"g{g}-{a}", f"g{g}", "alley", 50.0, 2) for g in (1, 2, 3) for a in "abc"]
    routes[6] = ("g3-a", "g3", "alley", 30.0, 2)
    routes[7] = ("g3-b", "g3", "lane", 20.0, 2)
    poses = [
        (900_000, whole("g1-a", 2)),
        (900_000, [("g1-b", 0)]),
        (900_000, [("g1-b", 1)]),
        (1_500_000, whole("g1-c", 2)),
        (1_500_000, whole("g2-a", 2)),
        (1_550_000, whole("g2-b", 2)),
        (1_500_000, [("g2-c", 0)]),
        (1_500_000, [("g2-c", 1)]),
        (900_000, whole("g3-a", 2)),
        (900_000, whole("g3-b", 2)),
        (2_000_000, whole("g3-c", 2)),
        (100_000, [(r[0], i) for r in routes for i in range(2)]),
    ]
    selected = [True] * 11 + [False]
    return Ward(routes, poses, selected=selected, **kw)


# ----------------------------------------------------------------------------- phases


def test_phases_cut_the_plan_pilot_then_two_alleys_per_group():
    ward = three_by_three()
    plan = ward.phases()
    # pilot: 0.9 M ties g1-a (50 m), g3-a (30 m), g3-b (20 m): the shortest, g3-b
    assert plan.pilot_route == "g3-b"
    # phase 1, two per group, cheapest first: g1-a, g1-c; g2-a, g2-b; g3-a, g3-c
    # (the pilot is phase 0, so g3 still gets two); phase 2: g1-b, g2-c
    assert plan.route_phase.to_dict() == {
        "g1-a": 1, "g1-b": 2, "g1-c": 1, "g2-a": 1, "g2-b": 1, "g2-c": 2,
        "g3-a": 1, "g3-b": 0, "g3-c": 1,
    }  # fmt: skip
    assert plan.pose_phase.tolist() == [1, 2, 2, 1, 1, 1, 2, 2, 1, 0, 1, -1]
    assert plan.extra_cameras == 0
    assert ((plan.pose_phase >= 0) == ward.selected).all()  # the union is the plan
    expected = pd.DataFrame(
        {
            "group_id": ["g3", "g1", "g2", "g3", "g1", "g2"],
            "phase": [0, 1, 1, 1, 2, 2],
            "routes": [1, 2, 2, 2, 1, 1],
            "cameras": [1, 2, 2, 2, 2, 2],
            "cost_vnd": [900_000, 2_400_000, 3_050_000, 2_900_000, 1_800_000, 3_000_000],
        }
    ).astype({"phase": np.int64, "routes": np.int64, "cameras": np.int64, "cost_vnd": np.int64})
    pd.testing.assert_frame_equal(plan.by_group, expected)
    assert plan.by_group["cost_vnd"].sum() == ward.cost[ward.selected].sum() == 14_050_000


def test_one_alley_per_group_and_priority_first():
    ward = three_by_three()
    one = ward.phases(per_group=1)
    assert {r for r, p in one.route_phase.items() if p == 1} == {"g1-a", "g2-a", "g3-a"}
    # a priority alley comes first in its group, though dearer (1.8 M over 0.9 M)
    prio = ward.phases(per_group=1, priority_routes=["g1-b", "nowhere"])
    assert {r for r, p in prio.route_phase.items() if p == 1} == {"g1-b", "g2-a", "g3-a"}
    assert prio.pilot_route == "g3-b"  # the pilot is the cheapest alley, priority or not


def test_pilot_in_the_named_group_or_the_ward(caplog):
    ward = three_by_three()
    assert ward.phases(pilot_group="g2").pilot_route == "g2-a"  # 1.5 M, the group's cheapest
    assert ward.phases(pilot_group="g2", alley_kinds=("lane",)).pilot_route == "g3-b"
    with caplog.at_level(logging.WARNING, logger="covplan.optimise.phases"):
        plan = ward.phases(pilot_group="g9")
    assert plan.pilot_route == "g3-b"
    assert "'g9' has no alley left to finish" in caplog.text
    # no alley at all: no pilot, phase 1 is empty, phase 2 is the whole plan
    streets = three_by_three()
    streets.routes["kind"] = "street"
    none = streets.phases()
    assert none.pilot_route is None
    assert set(none.pose_phase[streets.selected]) == {2} and none.extra_cameras == 0


def test_shared_camera_counts_against_the_quota():
    # g: x and y are both seen by one 0.9 M pose, z by a 1 M pose; h-p is the pilot.
    # With one alley per group, finishing x (or y) finishes both: passed over for z.
    routes = [
        ("h-p", "h", "alley", 10.0, 1),
        ("x", "g", "alley", 40.0, 2),
        ("y", "g", "alley", 40.0, 2),
        ("z", "g", "alley", 80.0, 2),
        ("main", "g", "street", 300.0, 1),
    ]
    poses = [
        (100_000, whole("h-p", 1)),
        (900_000, whole("x", 2) + whole("y", 2)),
        (1_000_000, whole("z", 2) + whole("main", 1)),
    ]
    plan = Ward(routes, poses).phases(per_group=1)
    assert plan.pilot_route == "h-p"
    assert plan.route_phase.to_dict() == {"h-p": 0, "x": 2, "y": 2, "z": 1, "main": 1}
    assert plan.pose_phase.tolist() == [0, 2, 1]
    # a street finished on the way by an alley's camera is reported, not counted as an alley
    g1 = plan.by_group.query("group_id == 'g' and phase == 1").iloc[0]
    assert (g1["routes"], g1["cameras"], g1["cost_vnd"]) == (2, 1, 1_000_000)


def test_kept_cameras_are_there_from_the_start():
    # pose 0 is a kept camera that sees all of a1: a1 is complete before the pilot,
    # costs nothing and is not the pilot (there is nothing to install)
    routes = [("a1", "g", "alley", 10.0, 2), ("a2", "g", "alley", 50.0, 2)]
    poses = [(0, whole("a1", 2)), (900_000, whole("a2", 2)), (0, whole("a2", 2))]
    ward = Ward(routes, poses, selected=[True, True, False], always=[True, False, True])
    plan = ward.phases()
    assert plan.pilot_route == "a2"
    assert plan.pose_phase.tolist() == [-1, 0, -1]  # a kept camera off the plan counts not
    assert plan.route_phase.to_dict() == {"a1": 0, "a2": 0}
    assert plan.extra_cameras == 0
    assert plan.by_group.to_dict("records") == [
        {"group_id": "g", "phase": 0, "routes": 2, "cameras": 1, "cost_vnd": 900_000}
    ]


def test_unseeable_targets_never_complete_a_route_but_are_planned_around():
    # b's second target no plan pose sees; b is the cheapest alley but cannot be
    # completed, so the pilot is a. b is finished (as far as the plan goes) in phase 1.
    routes = [("a", "g", "alley", 50.0, 2), ("b", "g", "alley", 10.0, 2)]
    poses = [(1_500_000, whole("a", 2)), (900_000, [("b", 0)]), (100, [("b", 1)])]
    ward = Ward(routes, poses, selected=[True, True, False])
    plan = ward.phases()
    assert plan.pilot_route == "a"
    assert plan.route_phase.to_dict() == {"a": 0, "b": -1}
    assert plan.pose_phase.tolist() == [0, 1, -1]


def test_two_views_and_the_cheapest_subset():
    # t0 needs two views: of the three poses seeing it, the two cheapest finish the alley
    routes = [("a", "g", "alley", 10.0, 2)]
    poses = [(1_500_000, whole("a", 2)), (900_000, whole("a", 2)), (1_000_000, [("a", 0)])]
    ward = Ward(routes, poses, k=[2, 1])
    plan = ward.phases()
    assert plan.pose_phase.tolist() == [2, 0, 0]  # 1.9 M for the pilot; the rest, phase 2
    assert plan.by_group["cost_vnd"].tolist() == [1_900_000, 1_500_000]


def test_many_candidate_poses_use_the_greedy_cover():
    # more than EXACT_POSES poses on one alley: the greedy still finishes it, whole
    n = EXACT_POSES + 4
    routes = [("long", "g", "alley", 400.0, n)]
    poses = [(900_000, [("long", i), ("long", (i + 1) % n)]) for i in range(n)]
    plan = Ward(routes, poses).phases()
    assert plan.pilot_route == "long" and plan.route_phase["long"] == 0
    pilot = plan.pose_phase == 0
    views = np.asarray(Ward(routes, poses).seen[:, pilot].sum(axis=1)).ravel()
    assert (views >= 1).all() and pilot.sum() <= n // 2 + 1
    M_ = np.array([[1, 0, 1], [0, 1, 1]])
    assert _greedy_cover(M_, np.array([1, 1]), np.array([1, 1, 3])).tolist() == [0, 1]


def test_money_is_whole_vnd():
    ward = three_by_three()
    ward.cost = ward.cost.astype(float)  # whole-valued floats are accepted
    plan = ward.phases()
    assert plan.by_group["cost_vnd"].dtype == np.int64
    ward.cost[0] = 900_000.5
    with pytest.raises(ValueError, match="whole VND"):
        ward.phases()
    ward.cost[0] = -1
    with pytest.raises(ValueError, match="negative"):
        ward.phases()
    with pytest.raises(ValueError, match="one per target"):
        phase_plan(ward.seen, ward.selected, ward.cost.clip(0), ward.k[:3], ward.target_route,
                   ward.routes)  # fmt: skip
    with pytest.raises(ValueError, match="not in the routes table"):
        phase_plan(ward.seen, ward.selected, ward.cost.clip(0), ward.k, ward.target_route,
                   ward.routes.iloc[1:])  # fmt: skip


# ----------------------------------------------------------------------------- budgets


def test_budget_finishes_whole_alleys_priority_first():
    ward = three_by_three()
    sel = ward.budget(5_000_000, priority_routes=["g2-b"])
    # g2-b (priority, 1.55 M), then 0.9 M each: g3-b (20 m), g3-a (30 m), g1-a (50 m);
    # 0.75 M left buys no other alley whole
    assert sel.routes_done == ["g2-b", "g3-b", "g3-a", "g1-a"]
    assert (sel.spent_vnd, sel.left_vnd) == (4_250_000, 750_000)
    assert isinstance(sel.spent_vnd, int) and isinstance(sel.left_vnd, int)
    assert sel.skipped == ["g1-c", "g2-a", "g1-b", "g3-c", "g2-c"]
    assert np.flatnonzero(sel.selected).tolist() == [0, 5, 8, 9]


def test_budget_skips_what_does_not_fit_and_tries_the_next():
    ward = three_by_three()
    sel = ward.budget(2_000_000, priority_routes=["g2-c"])  # g2-c costs 3 M
    assert sel.routes_done == ["g3-b", "g3-a"] and sel.left_vnd == 200_000
    assert sel.skipped[0] == "g2-c"
    nothing = ward.budget(500_000)
    assert not nothing.selected.any() and nothing.routes_done == [] and nothing.spent_vnd == 0
    everything = ward.budget(100 * M)
    assert (everything.selected == ward.selected).all() and everything.skipped == []
    assert everything.spent_vnd == 14_050_000
    with pytest.raises(ValueError, match="budget_vnd"):
        ward.budget(-1)
    with pytest.raises(ValueError, match="budget_vnd"):
        ward.budget(1.5)


def test_budget_never_spreads_thinly():
    # one pose per target: a budget plan would see a bit of every alley; this one
    # finishes some alleys and leaves the others untouched
    routes = [(f"a{i}", "g", "alley", 50.0, 4) for i in range(4)]
    poses = [(1_000_000, [(f"a{i}", t)]) for i in range(4) for t in range(4)]
    ward = Ward(routes, poses)
    sel = ward.budget(10 * M)
    assert sel.routes_done == ["a0", "a1"] and sel.spent_vnd == 8 * M
    views = np.asarray(ward.seen[:, sel.selected].sum(axis=1)).ravel()
    by_route = pd.Series(views >= 1).groupby(ward.target_route).mean()
    assert by_route.to_dict() == {"a0": 1.0, "a1": 1.0, "a2": 0.0, "a3": 0.0}


# ----------------------------------------------------------------------------- property


def random_ward(seed: int) -> tuple[Ward, dict]:
    rng = np.random.default_rng(seed)
    routes = []
    for g in range(int(rng.integers(1, 4))):
        for a in range(int(rng.integers(1, 4))):
            kind = str(rng.choice(["alley", "lane", "street"], p=[0.5, 0.3, 0.2]))
            routes.append((f"r{g}{a}", f"g{g}", kind, float(rng.integers(1, 5) * 10),
                           int(rng.integers(1, 4))))  # fmt: skip
    flat = [(r[0], i) for r in routes for i in range(r[4])]
    poses = []
    for _ in range(int(rng.integers(3, EXACT_POSES + 1))):
        start = int(rng.integers(0, len(flat)))
        sees = flat[start : start + int(rng.integers(1, 5))]
        poses.append((int(rng.choice([300_000, 900_000, 1_500_000, 1_550_000])), sees))
    n_p = len(poses)
    selected = rng.random(n_p) < 0.85
    always = selected & (rng.random(n_p) < 0.15)
    k = rng.choice([1, 1, 1, 2], size=len(flat))
    ward = Ward(routes, poses, k=k, selected=selected, always=always)
    ward.cost[always] = 0
    ids = [r[0] for r in routes]
    kw = {
        "per_group": int(rng.integers(1, 3)),
        "priority_routes": [r for r in ids if rng.random() < 0.25],
        "pilot_group": None if rng.random() < 0.5 else f"g{int(rng.integers(0, 4))}",
    }
    return ward, kw


def views(ward: Ward, installed: np.ndarray) -> np.ndarray:
    return ward.dense[:, installed].sum(axis=1)


def finished(ward: Ward, installed: np.ndarray, need: np.ndarray, route: str) -> bool:
    rows = ward.target_route == route
    return bool((views(ward, installed)[rows] >= need[rows]).all())


def cheapest_to_finish(ward: Ward, installed: np.ndarray, need: np.ndarray, route: str) -> int:
    """Brute force over every subset of the plan's poses not yet installed."""
    pool = np.flatnonzero(ward.selected & ~installed)
    best = None
    for n in range(pool.size + 1):
        for subset in itertools.combinations(pool, n):
            with_ = installed.copy()
            with_[list(subset)] = True
            if finished(ward, with_, need, route):
                c = int(ward.cost[list(subset)].sum())
                best = c if best is None else min(best, c)
    assert best is not None
    return best


def check_phases(ward: Ward, plan: PhasePlan, kw: dict) -> None:
    base = ward.always & ward.selected
    need = np.minimum(ward.k, views(ward, ward.selected))
    # the union of the phases (and the kept cameras) is the plan: phasing adds nothing
    assert plan.extra_cameras == 0
    assert ((plan.pose_phase >= 0) | base).tolist() == ward.selected.tolist()
    assert (plan.pose_phase[base] == -1).all()
    upto = [base | ((plan.pose_phase >= 0) & (plan.pose_phase <= p)) for p in (0, 1, 2)]
    routes = ward.routes.set_index("route_id")
    for route, p in plan.route_phase.items():
        rows = ward.target_route == route
        if p < 0:  # never complete: some target the plan cannot see k times
            assert (views(ward, ward.selected)[rows] < ward.k[rows]).any()
            continue
        assert (views(ward, upto[p])[rows] >= ward.k[rows]).all(), (route, p)
        if p > 0:
            assert (views(ward, upto[p - 1])[rows] < ward.k[rows]).any(), (route, p)
    # the pilot: the cheapest alley to finish (brute force), ties shorter then id
    alley = routes["kind"].isin(["alley", "lane"])
    cands = [r for r in routes.index[alley] if not finished(ward, base, need, r)]
    in_group = [r for r in cands if routes.loc[r, "group_id"] == kw["pilot_group"]]
    cands = in_group or cands
    full = need == ward.k  # targets the plan can see k times
    seeable = [r for r in cands if full[ward.target_route == r].all()]
    cands = seeable or cands
    if not cands:
        assert plan.pilot_route is None
    else:
        key = {r: (cheapest_to_finish(ward, base, need, r), routes.loc[r, "length_m"], r)
               for r in cands}  # fmt: skip
        assert plan.pilot_route == min(cands, key=key.get)
        assert ward.cost[plan.pose_phase == 0].sum() == key[plan.pilot_route][0]
    # phase 1: at most per_group alleys of each group finished in it
    opened = [r for r in routes.index[alley] if not finished(ward, upto[0], need, r)]
    done1 = [r for r in opened if finished(ward, upto[1], need, r)]
    assert routes.loc[done1, "group_id"].value_counts().le(kw["per_group"]).all()
    # what the groups raise adds up to the plan
    assert plan.by_group["cost_vnd"].sum() == ward.cost[ward.selected & ~base].sum()
    assert plan.by_group["cameras"].sum() == (ward.selected & ~base).sum()
    assert plan.by_group["routes"].sum() == (plan.route_phase >= 0).sum()


def check_budget(ward: Ward, sel: BudgetSelection, budget: int, priority) -> None:
    base = ward.always & ward.selected
    need = np.minimum(ward.k, views(ward, ward.selected))
    assert (sel.selected <= ward.selected).all() and (sel.selected >= base).all()
    assert sel.spent_vnd == ward.cost[sel.selected & ~base].sum() <= budget
    assert sel.left_vnd == budget - sel.spent_vnd
    ids = list(ward.routes["route_id"])
    for r in sel.routes_done:
        assert finished(ward, sel.selected, need, r)
    for r in sel.skipped:  # what is left does not fit even now
        assert cheapest_to_finish(ward, sel.selected, need, r) > sel.left_vnd
    done_at_start = [r for r in ids if finished(ward, base, need, r)]
    assert sorted(sel.routes_done + sel.skipped + done_at_start) == sorted(ids)
    # whole routes only: every pose bought serves a route finished
    done_rows = np.isin(ward.target_route, sel.routes_done)
    for j in np.flatnonzero(sel.selected & ~base):
        assert ward.dense[done_rows, j].any()
    # priority first: skipped priority routes are the only ones ahead in the order
    prio = [r for r in sel.skipped if r in set(priority)]
    assert sel.skipped[: len(prio)] == prio


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.2))
def test_random_wards_keep_the_invariants(seed, share):
    ward, kw = random_ward(seed)
    check_phases(ward, ward.phases(**kw), kw)
    budget = int(share * ward.cost[ward.selected].sum())
    prio = kw["priority_routes"]
    check_budget(ward, ward.budget(budget, priority_routes=prio), budget, prio)
