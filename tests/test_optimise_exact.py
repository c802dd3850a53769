"""The exact covering method: every proof is a proof (brute force, property tests)."""

from __future__ import annotations

import bz2
import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from covplan import CameraCover
from covplan.optimise._rwls import rwls
from covplan.optimise.exact import ExactCover, lagrangian_bound, lagrangian_greedy
from covplan.optimise.family import KINDS, camera_family

SETCOVER = Path(__file__).resolve().parents[2] / "shared" / "data" / "setcover"

_POP = np.array([bin(v).count("1") for v in range(1 << 16)], np.int64)


def brute_force(A: sp.csr_matrix, c: np.ndarray, k: np.ndarray) -> tuple[float, np.ndarray | None]:
    """The optimum by enumerating every subset of the (≤ 16) columns; inf when none covers."""
    A = sp.csr_matrix(A)
    n = A.shape[1]
    assert n <= 16
    masks = np.arange(1 << n, dtype=np.int64)
    ok = np.ones(masks.size, bool)
    for i in range(A.shape[0]):
        row = 0
        for j in A.indices[A.indptr[i] : A.indptr[i + 1]]:
            row |= 1 << int(j)
        ok &= _POP[masks & row] >= k[i]
    if not ok.any():
        return float("inf"), None
    bits = (masks[:, None] >> np.arange(n)[None, :]) & 1
    costs = bits @ c
    costs[~ok] = np.inf
    best = int(np.argmin(costs))
    return float(costs[best]), bits[best].astype(bool)


def small_camera_instance(seed: int, n_cols: int, weighted: bool, two_views: bool):
    """A slice of a generated camera instance small enough to enumerate."""
    rng = np.random.default_rng(seed)
    fam = camera_family(seed, size=2, block_m=30.0)
    A = fam.A.tocsc()
    cols = rng.choice(A.shape[1], size=min(n_cols, A.shape[1]), replace=False)
    sub = A[:, cols].tocsr()
    reach = np.diff(sub.indptr)
    rows = np.flatnonzero(reach > 0)
    sub = sub[rows].tocsr()
    reach = reach[rows]
    k = np.ones(rows.size, np.int64)
    if two_views:
        k = np.minimum(rng.integers(1, 3, rows.size), reach)
    c = rng.integers(1, 5, cols.size).astype(float) if weighted else np.ones(cols.size)
    return sub, c, k


def _covers(A: sp.csr_matrix, x: np.ndarray, k: np.ndarray) -> bool:
    return bool(np.all(np.asarray(A @ x.astype(np.int64)).ravel() >= k))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_cols=st.integers(4, 16),
    weighted=st.booleans(),
    two_views=st.booleans(),
)
def test_claimed_optimum_equals_brute_force(seed, n_cols, weighted, two_views):
    A, c, k = small_camera_instance(seed, n_cols, weighted, two_views)
    opt, _ = brute_force(A, c, k)
    res = ExactCover(A, c, k).solve(time_limit_s=20)
    assert _covers(A, res.x, k)
    assert res.objective == pytest.approx(float(c @ res.x))
    assert res.bound <= opt + 1e-9  # a bound is never above the true optimum
    assert res.status == "optimal"  # tiny instances always close
    assert res.objective == pytest.approx(opt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_cols=st.integers(6, 16), weighted=st.booleans())
def test_bound_never_above_optimum_when_stopped_early(seed, n_cols, weighted):
    """Stopped before it can finish, the method still reports a valid bound and a cover."""
    A, c, k = small_camera_instance(seed, n_cols, weighted, two_views=False)
    opt, _ = brute_force(A, c, k)
    res = ExactCover(A, c, k).solve(time_limit_s=1e-3)
    assert _covers(A, res.x, k)
    assert res.bound <= opt + 1e-9 <= res.objective + 2e-9
    if res.status == "optimal":
        assert res.objective == pytest.approx(opt)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_cols=st.integers(4, 16))
def test_lagrangian_bound_is_a_bound_for_any_multipliers(seed, n_cols):
    """(1) of ExactCover's proof: L(u) ≤ c·x for every u ≥ 0 and every cover x."""
    A, c, k = small_camera_instance(seed, n_cols, weighted=True, two_views=True)
    opt, _ = brute_force(A, c, k)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        u = rng.exponential(rng.uniform(0.1, 3.0), A.shape[0])
        L, cbar = lagrangian_bound(A.tocsc(), c, k.astype(float), u)
        assert L <= opt + 1e-9
        assert cbar.shape == c.shape


def test_camera_cover_exact_matches_brute_force_through_the_model():
    """CameraCover's stage 1 (exact path) against enumeration, on generated slices."""
    for seed in range(12):
        A, _, _ = small_camera_instance(seed, 14, weighted=False, two_views=False)
        opt, _ = brute_force(A, np.ones(A.shape[1]), np.ones(A.shape[0], np.int64))
        m = CameraCover.from_coverage_matrix(A, second_views=False).solve(time_limit_s=20)
        assert m.result.proven and m.n_new == opt
        assert m.result.new_cameras_bound == opt


def test_generator_draws_harder_camera_instances():
    fam = camera_family(5, size=4)
    p = fam.params
    assert 3.0 <= p["spacing_m"] <= 5.0 and 5.0 <= p["site_spacing_m"] <= 10.0
    assert p["headings"] in (8, 12, 16) and 1 <= p["specs"] <= 3
    assert set(np.unique(fam.target_kind)) <= set(KINDS)
    assert len(set(np.unique(fam.target_kind))) >= 3  # streets, lanes or alleys, paths
    assert np.all(np.diff(fam.A.indptr) > 0)  # every target kept is seen
    assert fam.A.shape[1] == fam.cost.size == fam.spec.size == fam.site.size
    again = camera_family(5, size=4)
    assert (fam.A != again.A).nnz == 0  # the seed decides everything
    fixed = camera_family(5, size=3, spacing_m=4, site_spacing_m=8, headings=16, n_specs=2)
    assert fixed.params["headings"] == 16 and set(np.unique(fixed.spec)) == {0, 1}


def test_generated_family_exact_agrees_with_plain_solve():
    """Same proven optimum with and without the exact method (medium generated ward)."""
    fam = camera_family(2, size=5)
    t0 = time.perf_counter()
    a = CameraCover.from_coverage_matrix(fam.A, second_views=False).solve(time_limit_s=40)
    t_exact = time.perf_counter() - t0
    b = CameraCover.from_coverage_matrix(fam.A, second_views=False).solve(
        time_limit_s=40, exact=False
    )
    assert a.result.proven and b.result.proven
    assert a.n_new == b.n_new
    assert t_exact < 40


def test_greedy_and_local_search_return_covers():
    fam = camera_family(3, size=3)
    A = fam.A
    Ac = A.tocsc()
    k = np.ones(A.shape[0], np.int64)
    c = np.ones(A.shape[1])
    g = lagrangian_greedy(Ac, A, k, c, c)
    assert _covers(A, g, k)
    x = rwls(A, g, time.perf_counter() + 1.0)
    assert _covers(A, x, k) and x.sum() <= g.sum()


def test_weighted_costs_use_the_objective_step():
    A = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]]))
    ec = ExactCover(A, [4, 6, 8])
    assert ec.step == 2.0
    res = ec.solve(time_limit_s=5)
    assert res.status == "optimal" and res.objective == 10.0 and res.bound == 10.0
    assert ExactCover(A, [0.5, 1.0, 1.5]).step == 0.0


def test_uncoverable_row_raises():
    from covplan import InfeasibleCoverError

    A = sp.csr_matrix(np.array([[1, 0], [0, 0]]))
    with pytest.raises(InfeasibleCoverError):
        ExactCover(A).solve(time_limit_s=1)


@pytest.mark.skipif(not SETCOVER.exists(), reason=f"{SETCOVER} absent (a fresh clone)")
def test_public_instances_read_and_bound():
    """scp42 (unit costs) and AC_01 read right; a short solve gives a cover and a valid bound."""
    path = SETCOVER / "scp42.txt.bz2"
    if not path.exists():
        pytest.skip(f"{path} absent")
    ec = ExactCover.from_beasley(bz2.open(path, "rt").read(), unit_cost=True)
    assert ec.A.shape == (200, 1000)
    res = ec.solve(time_limit_s=8)
    assert _covers(ec.A, res.x, ec.k)
    assert res.bound <= 37 <= res.objective  # 37 is the best known (and optimal) value
    ac = SETCOVER / "AC_01_cover.txt.bz2"
    if ac.exists():
        ec2 = ExactCover.from_element_lists(bz2.open(ac, "rt").read())
        assert ec2.A.shape == (605, 2904)
        weighted = ExactCover.from_beasley(bz2.open(path, "rt").read())
        assert weighted.cost.max() > 1


def test_demo_plan_keeps_its_optimum():
    """The default demo plan's model: the same proven stage-1 optimum with and without."""
    from covplan import datasets
    from covplan.area import area_from_xml
    from covplan.camera.spec import load_catalogue
    from covplan.plan import PlanOptions, build_layers
    from covplan.survey import read_survey

    area = area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    survey = read_survey(datasets.get_path("demo-survey.csv"), area=area)
    opts = PlanOptions(specs=("bullet-2mp-3.6", "bullet-4mp-6"), time_limit_s=20)
    layers = build_layers(area, cameras=survey.cameras, catalogue=load_catalogue(), options=opts)
    out = {}
    for exact in (True, False):
        m = CameraCover.from_geodataframes(
            layers.targets, layers.poses, layers.coverage, sites=layers.sites,
            allow_uncovered=True, second_views=False,
        ).solve("highs", time_limit_s=20, exact=exact)  # fmt: skip
        assert m.result.stages[0].proven
        out[exact] = (m.n_new, m.n_reaim, m.result.new_cameras_bound)
    assert out[True] == out[False]


def test_a_start_that_no_longer_covers_is_ignored():
    """A start covering only with a dominated column is dropped for a real cover."""
    A = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]]))
    start = np.array([True, False, True])  # column 0 ⊆ column 1: 0 is dominated
    res = ExactCover(A).solve(time_limit_s=5, start=start)
    assert _covers(A, res.x, np.ones(3, np.int64))
    assert res.status == "optimal" and res.objective == 2.0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_cols=st.integers(5, 16), weighted=st.booleans())
def test_row_branching_decides_exactly(seed, n_cols, weighted):
    """(4'): no cover below the optimum is ever claimed found, none at it is ever missed."""
    from covplan.optimise._branch import row_branch

    A, c, k = small_camera_instance(seed, n_cols, weighted, two_views=False)
    opt, _ = brute_force(A, c, k)
    far = time.perf_counter() + 30
    verdict, x = row_branch(A, c, k, opt - 1e-3, far)
    assert verdict == "none" and x is None
    verdict, x = row_branch(A, c, k, opt, far)
    assert verdict == "found" and _covers(A, x, k) and c @ x <= opt + 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_cols=st.integers(5, 16), weighted=st.booleans())
def test_fixing_keeps_a_strictly_better_plan(seed, n_cols, weighted):
    """(3), (5): against U = optimum + δ, what fixing and dominance leave holds the optimum."""
    from covplan.optimise._highs import highs_solve
    from covplan.optimise.exact import _tighten

    A, c, k = small_camera_instance(seed, n_cols, weighted, two_views=True)
    opt, _ = brute_force(A, c, k)
    ec = ExactCover(A, c, k)
    step = ec.step
    U = opt + step
    lp = highs_solve(c, A, k.astype(float), np.full(k.size, np.inf), integer=False, time_limit_s=10)
    L, cbar = lagrangian_bound(A.tocsc(), c, k.astype(float), lp.row_dual)
    log = dict.fromkeys(("fixed_zero", "fixed_one", "dominated"), 0.0)
    out = _tighten(A, c, k, U, step, L, cbar, time.perf_counter() + 30, log)
    assert out is not None  # a strictly better plan (the optimum) exists
    free, one, rows, need, lower = out
    assert lower <= opt + 1e-9
    rest, _ = brute_force(A[rows][:, free], c[free], need)
    assert rest + c[one].sum() == pytest.approx(opt)
