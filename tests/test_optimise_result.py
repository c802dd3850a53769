"""CoverResult: what a solve proves, decoded from the lexicographic stages."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import scipy.sparse as sp

from covplan import CameraCover, SolverError
from covplan.optimise import CoverResult, StageReport
from covplan.optimise._synthetic import synthetic_ward
from covplan.optimise.result import decode_new_bound


def test_decode_new_bound_from_the_weighted_stage1_bound():
    # W = 2: a plan has at most one re-aim, so W·N + R ≥ B means N ≥ (B - 1) / 2
    assert decode_new_bound(5.0, 2) == 2  # N = 2, R = 1 meets it
    assert decode_new_bound(4.0, 2) == 2  # N = 1 gives at most 3
    assert decode_new_bound(3.0, 2) == 1
    assert decode_new_bound(0.0, 52) == 0
    assert decode_new_bound(52 * 51.0, 52) == 51
    assert decode_new_bound(52 * 51.0 - 1, 52) == 50  # 50 new and 51 re-aims is 2651
    assert decode_new_bound(None, 3) is None and decode_new_bound(math.nan, 3) is None


def test_cover_all_with_a_known_optimum_is_proven():
    # camera c: keep sees t0, its re-aim t0 and t1; t2 and t3 need one new camera each.
    # The optimum is 2 new cameras and 1 re-aim (W = 2: stage-1 value 5)
    A = np.array([[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    model = CameraCover.from_coverage_matrix(
        A,
        cost=[0, 2e5, 1.5e6, 1.5e6],
        source=["keep", "reaim", "new", "new"],
        camera=["c", "c", None, None],
        site=[None, None, "s1", "s2"],
    ).solve()
    res = model.result
    assert isinstance(res, CoverResult)
    assert (res.new_cameras, res.reaimed_cameras, res.kept_cameras) == (2, 1, 0)
    assert res.new_cameras_bound == res.new_cameras == model.n_new
    assert res.proven and res.gap == 0.0 and res.status == "optimal"
    assert res.cost_vnd == 3_200_000 and isinstance(res.cost_vnd, int)
    assert res.cost_bound_vnd == res.cost_vnd  # prices do not vary: cost follows the counts
    assert res.covered_weight == 4.0 and res.covered_weight_bound is None
    cams = res.stages[0]
    assert isinstance(cams, StageReport) and cams.name == "cameras"
    assert cams.objective == 5.0 and cams.bound == 5.0 and cams.units.startswith("2·new")
    assert set(res.seconds) >= {"check", "reduce", "cameras", "total"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.proven = False  # type: ignore[misc]


def test_cover_all_cost_bound_on_a_ward():
    s = synthetic_ward(4, 4, n_cameras=10, prices=(1.5e6, 2e6), k_at_crossings=2, seed=3)
    kw = dict(cost=s.cost, k=s.k, source=s.source, camera=s.camera, site=s.site, capacity=2)
    res = CameraCover.from_coverage_matrix(s.A, **kw).solve().result
    assert res.proven and res.new_cameras_bound == res.new_cameras
    assert [st.name for st in res.stages] == ["cameras", "cost", "second_views"]
    cost = res.stage("cost")
    assert cost is not None and cost.status == "optimal"
    assert res.cost_bound_vnd is not None and res.cost_bound_vnd <= res.cost_vnd
    assert res.cost_bound_vnd == pytest.approx(res.cost_vnd, abs=1)
    assert res.stage("second_views").sense == "max"


def test_budget_run_reports_coverage_not_a_camera_bound():
    A = np.array([[1, 0, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]])
    model = CameraCover.from_coverage_matrix(A, weight=[1, 1, 5, 1], budget_vnd=2).solve()
    res = model.result
    assert res.new_cameras == 2
    assert res.new_cameras_bound is None  # new cameras are not minimised here
    assert res.covered_weight == 7.0 and res.covered_weight_bound == 7.0
    assert res.proven and res.gap == 0.0 and res.status == "optimal"
    assert [st.name for st in res.stages] == ["coverage", "cost"]
    assert res.cost_bound_vnd == res.cost_vnd == 2


def test_targets_no_pose_sees_count_nothing_in_a_budget():
    A = np.array([[1, 0], [0, 0], [0, 1]])
    res = (
        CameraCover.from_coverage_matrix(A, weight=[1, 10, 1], budget_vnd=1, allow_uncovered=True)
        .solve()
        .result
    )
    assert res.covered_weight == 1.0 and res.covered_weight_bound == 1.0


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_time_limited_hard_instance_bounds_are_consistent(solver):
    # random unicost set cover: 1 s is too little to prove it; whatever the solver got
    # to, the decoded bound is a lower bound and the gap is the one between the two
    rng = np.random.default_rng(7)
    n_t, n_p = 400, 900
    A = sp.random(n_t, n_p, density=0.02, random_state=rng, format="csr")
    A = (A + sp.csr_matrix((np.ones(n_t), (np.arange(n_t), rng.integers(0, n_p, n_t))))).tocsr()
    model = CameraCover.from_coverage_matrix(A, allow_uncovered=True)
    res = model.solve(solver, time_limit_s=1.0).result
    assert np.all(model.cover_count >= 1)
    assert res.new_cameras == model.n_new > 0
    cams = res.stage("cameras")
    assert cams is not None and cams.objective >= res.new_cameras
    if res.new_cameras_bound is None:
        assert cams.bound is None and res.gap is None and not res.proven
        return
    assert 0 <= res.new_cameras_bound <= res.new_cameras
    assert res.new_cameras_bound == decode_new_bound(cams.bound, 1)
    assert res.proven == (res.new_cameras_bound == res.new_cameras)
    expect = (res.new_cameras - res.new_cameras_bound) / res.new_cameras
    assert res.gap == pytest.approx(expect)
    assert res.status in {"optimal", "time_limit"}
    if not res.proven:
        assert res.status == "time_limit" and cams.status == "time_limit"


def test_conflicting_capacities_fall_back_to_the_most_coverage():
    # two targets seen only from site a (capacity 1): not both at once
    A = np.array([[1, 0], [0, 1]])
    model = CameraCover.from_coverage_matrix(
        A, site=["a", "a"], capacity=1, allow_uncovered=True
    ).solve()
    res = model.result
    assert res.status == "infeasible" and res.new_cameras_bound is None
    assert res.covered_weight == 1.0 and res.covered_weight_bound == 1.0
    assert res.gap == 0.0


def test_result_before_solve_and_summary_after():
    model = CameraCover.from_coverage_matrix(np.array([[1, 1]]))
    with pytest.raises(SolverError):
        model.result  # noqa: B018
    row = model.solve().summary()
    assert row["new"] == row["new_bound"] == 1 and row["proven"] is True
    assert row["status_cameras"] == "optimal" and row["objective_cameras"] == 1.0
    assert "s_total" in row and "red_cols_out" in row
