"""Stage 1 of the cover: fewest new cameras, then fewest re-aims, part by part.

The objective is ``W·new + re-aims`` (:meth:`Instance.lex_weight`). With the
reductions, stage 1 solves the model without site capacities first (a lower bound),
repairs its plan where it breaks a capacity, and only if the repair misses the bound
solves the capacitated model (see :class:`~covplan.optimise.cover.CameraCover`, (v)).
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan._errors import InfeasibleCoverError, SolverError
from covplan.optimise._highs import highs_solve
from covplan.optimise._instance import (
    Instance,
    Reduced,
    components,
    fix_and_residual,
    reduce,
    with_,
)
from covplan.optimise._run import Run, feasible, side_rows
from covplan.optimise._solve import MipResult
from covplan.optimise.exact import ExactCover
from covplan.optimise.greedy import greedy_core
from covplan.optimise.result import StageReport, relative_gap

__all__ = ["solve_groups", "stage_cameras", "stage_cameras_flat"]

#: Share of a pure covering part's time (at most EXACT_QUICK_MAX_S) the solver gets
#: alone before the exact method takes over.
EXACT_QUICK = 0.05
EXACT_QUICK_MAX_S = 3.0
#: After that brief solve, a part whose incumbent is within this relative gap of the
#: rounded LP bound stays with the solver (tight LP: camera instances); the others go
#: to the exact method (weak LP: unicost instances like OR-Library's and AC_01).
SOLVER_GAP = 0.03
BIG_COMPONENT = 300  # columns: parts at least this big get a solve of their own
NO_CAP = int(np.iinfo(np.int32).max)  # a site capacity that never binds

_CONFLICT = (
    "every target can be seen, but not all at once: site capacities or "
    "forced sites conflict; raise capacity, or plan with allow_uncovered=True"
)


def _groups(comp: NDArray[np.int64], n_comp: int) -> list[NDArray[np.int64]]:
    """Column positions per solve: all small parts together, then each big one, smallest first."""
    sizes = np.bincount(comp, minlength=n_comp)
    groups: list[NDArray[np.int64]] = []
    small = np.flatnonzero(sizes < BIG_COMPONENT)
    if small.size:
        groups.append(np.flatnonzero(np.isin(comp, small)))
    for g in sorted(np.flatnonzero(sizes >= BIG_COMPONENT), key=lambda g: sizes[g]):
        groups.append(np.flatnonzero(comp == g))
    return groups


def _greedy_start(
    run: Run,
    inst: Instance,
    red: Reduced,
    cols: NDArray[np.int64],
    A_g: sp.csr_matrix,
    k_g: NDArray[np.int64],
    rows: tuple[sp.csr_matrix, NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64] | None:
    """The greedy plan of one group as a warm start, if it is feasible there."""
    tg = time.perf_counter()
    xg = greedy_core(
        A_g,
        k_g,
        inst.kind[cols],
        inst.cost[cols],
        inst.camera[cols],
        inst.site[cols],
        red.cap,
        red.forced_site,
    )
    run.add_seconds("greedy", time.perf_counter() - tg)
    return xg.astype(float) if feasible(*rows, xg) else None


def solve_groups(
    run: Run,
    inst: Instance,
    red: Reduced,
    comp: NDArray[np.int64],
    n_comp: int,
    c_all: NDArray[np.float64],
    deadline: float | None = None,
) -> tuple[NDArray[np.bool_], list[MipResult]]:
    """Minimise ``c_all·x`` over each independent part of ``red``; small parts first.

    Returns the plan over all poses (``red.fixed`` included) and the solver results.
    Each part gets an even share of the time left before ``deadline`` (the run's by
    default), so the biggest part, solved last, gets what the small ones did not use.
    """
    end = run.deadline if deadline is None else deadline
    A_red = inst.A[red.rows][:, red.cols].tocsr()
    groups = _groups(comp, n_comp)
    x = red.fixed.copy()
    results: list[MipResult] = []
    for gi, loc in enumerate(groups):
        cols = red.cols[loc]
        rows_loc = np.flatnonzero(np.asarray(A_red[:, loc].sum(axis=1)).ravel() > 0)
        A_g = A_red[rows_loc][:, loc].tocsr()
        k_g = red.k[rows_loc]
        blocks, lo, hi = side_rows(inst, cols, red.cap, red.forced_site)
        M = sp.vstack([A_g.astype(float), *blocks]).tocsr()
        lo_a = np.concatenate([k_g.astype(float), *lo])
        hi_a = np.concatenate([np.full(k_g.size, np.inf), *hi])
        start = _greedy_start(run, inst, red, cols, A_g, k_g, (M, lo_a, hi_a)) if run.warm else None
        left = max(end - time.perf_counter(), 0.5) / (len(groups) - gi)
        if run.exact and M.shape[0] == A_g.shape[0]:
            # a pure covering part (no camera, capacity or forced-site row): the solver
            # first, briefly (easy parts close at once); then the exact method
            t_q = min(max(EXACT_QUICK * left, 0.5), EXACT_QUICK_MAX_S)
            try:
                r = run.mip(c_all[cols], M, lo_a, hi_a, time_limit_s=t_q, start=start,
                            integral_objective=True)  # fmt: skip
            except SolverError:  # no plan yet in that brief time
                r = MipResult(np.zeros(cols.size), math.inf, -math.inf, math.inf, "none", 0.0)
            if r.status not in ("optimal", "infeasible"):
                left_now = max(end - time.perf_counter(), 0.5) / (len(groups) - gi)
                st = r.x if math.isfinite(r.objective) else start
                if _lp_gap(A_g, c_all[cols], k_g, r.objective) <= SOLVER_GAP:
                    # the LP is tight (camera instances): the solver's own search wins
                    r = run.mip(c_all[cols], M, lo_a, hi_a, time_limit_s=left_now, start=st,
                                integral_objective=True)  # fmt: skip
                else:
                    r = exact_mip(run, A_g, c_all[cols], k_g, left_now, st, r.bound)
            results.append(r)
            x[cols[r.x > 0.5]] = True
            continue
        r = run.mip(
            c_all[cols], M, lo_a, hi_a, time_limit_s=left, start=start, integral_objective=True
        )
        if r.status == "infeasible":
            raise InfeasibleCoverError(_CONFLICT)
        results.append(r)
        x[cols[r.x > 0.5]] = True
    return x, results


def exact_mip(
    run: Run,
    A: sp.csr_matrix,
    c: NDArray[np.float64],
    k: NDArray[np.int64],
    time_limit_s: float,
    start: NDArray[np.float64] | None,
    bound: float = -math.inf,
) -> MipResult:
    """A pure covering part by :class:`~covplan.optimise.exact.ExactCover`, as a MipResult.

    ``bound`` (the brief solve's dual bound, valid for this part) is kept when larger.
    """
    t0 = time.perf_counter()
    ec = ExactCover(A, c, k)
    res = ec.solve(
        run.solver,
        time_limit_s=time_limit_s,
        start=None if start is None else start > 0.5,
        msg=run.msg,
    )
    for key in ("fixed_zero", "dominated", "parts"):
        run.reduction[f"exact_{key}"] = run.reduction.get(f"exact_{key}", 0) + int(
            res.log.get(key, 0)
        )
    b = max(res.bound, math.ceil(bound - 1e-6) if math.isfinite(bound) else -math.inf)
    b = min(b, res.objective)
    proven = res.objective - b < 1.0 - 1e-6
    return MipResult(
        res.x.astype(float),
        res.objective,
        b,
        0.0 if proven else (relative_gap(res.objective, b) or math.inf),
        "optimal" if proven else res.status,
        time.perf_counter() - t0,
    )


def _lp_gap(A: sp.csr_matrix, c: NDArray[np.float64], k: NDArray[np.int64], value: float) -> float:
    """Relative gap between ``value`` and the rounded-up LP bound of ``min c·x, A x ≥ k``."""
    if not math.isfinite(value) or value <= 0:
        return math.inf
    lp = highs_solve(c, A, k.astype(float), np.full(k.size, np.inf), integer=False,
                     time_limit_s=10.0)  # fmt: skip
    if lp.status != "optimal":
        return math.inf
    return (value - math.ceil(lp.objective - 1e-6)) / value


def _over_capacity(inst: Instance, x: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Sites where plan ``x`` puts more new cameras than the site's capacity."""
    if not inst.n_sites:
        return np.zeros(0, bool)
    on = x & (inst.site >= 0)
    return np.bincount(inst.site[on], minlength=inst.n_sites) > inst.cap


def _int_bound(const: float, results: list[MipResult]) -> float:
    """``const`` plus the parts' bounds rounded up (the objective is integral); NaN if unknown."""
    if not all(math.isfinite(r.bound) for r in results):
        return math.nan
    return const + sum(math.ceil(r.bound - 1e-6) for r in results)


def _solve_all(
    run: Run, inst: Instance, c1_all: NDArray[np.float64], deadline: float | None = None
) -> tuple[NDArray[np.bool_], list[MipResult], float]:
    """Reduce ``inst``, split it and solve every part: plan, results and bound."""
    red = reduce(inst)
    n_c, comp = components(red)
    x, res = solve_groups(run, inst, red, comp, n_c, c1_all, deadline)
    return x, res, _int_bound(float(c1_all[red.fixed].sum()), res)


def _repair(
    run: Run,
    inst: Instance,
    x: NDArray[np.bool_],
    over: NDArray[np.bool_],
    c1_all: NDArray[np.float64],
) -> tuple[NDArray[np.bool_] | None, list[MipResult]]:
    """(b) Free the poses at over-full sites, keep the others, re-solve with capacities."""
    keep = x & ~np.isin(inst.site, np.flatnonzero(over))
    rep = with_(inst, fixed=inst.fixed | keep)
    try:
        x_b, res_b, _ = _solve_all(run, rep, c1_all)
    except InfeasibleCoverError:
        return None, []
    return x_b, res_b


def _report(
    inst: Instance, x: NDArray[np.bool_], bound: float, c1_all: NDArray[np.float64], seconds: float
) -> StageReport:
    obj = float(c1_all[x].sum())
    b: float | None = min(bound, obj) if math.isfinite(bound) else None
    proven = b is not None and obj - b < 1.0 - 1e-6
    return StageReport(
        name="cameras",
        status="optimal" if proven else "time_limit",
        objective=obj,
        bound=b,
        gap=0.0 if proven else relative_gap(obj, b),
        seconds=seconds,
        units=f"{inst.lex_weight()}·new + re-aims",
    )


def stage_cameras(run: Run, inst: Instance, c1_all: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Stage 1 (fewest new cameras, then re-aims) by relaxing, repairing and checking.

    (a) Solve the relaxation without site capacities, reduced with every site slack;
    its optimum is a lower bound. (b) If its plan breaks capacities, keep its poses
    at the other sites and re-solve the rest with capacities. (c) If the repaired plan
    misses the bound, solve the capacitated model itself; the best plan is kept and
    the bound is the larger of the two. See :class:`CameraCover`, reduction (v).
    """
    t0 = time.perf_counter()
    budget = max(run.deadline - t0, 0.5)
    # stage 1 counts new cameras and re-aims only: prices play no part in its
    # dominance, so a spec whose view is inside another's at one site goes (vi)
    inst = with_(inst, cost=np.zeros(inst.n_poses))
    relaxed = with_(inst, cap=np.where(inst.cap > 0, NO_CAP, inst.cap))
    red_r = reduce(relaxed)
    n_r, comp_r = components(red_r)
    run.reduction.update(red_r.log)
    run.reduction["components"] = n_r
    run.add_seconds("reduce", time.perf_counter() - t0)
    # the relaxation may use all but a tenth of the time: the rest is for the repair
    x, solves = solve_groups(run, relaxed, red_r, comp_r, n_r, c1_all, run.deadline - 0.1 * budget)
    bound = _int_bound(float(c1_all[red_r.fixed].sum()), solves)
    relax_proven = all(r.status == "optimal" for r in solves)
    over = _over_capacity(inst, x)
    run.reduction["relax_over_capacity"] = int(over.sum())
    if over.any():
        x_b, res_b = _repair(run, inst, x, over, c1_all)
        solves += res_b
        x = x_b if x_b is not None else np.zeros_like(x)
        repaired = x_b is not None and float(c1_all[x].sum()) < bound + 0.5
        run.reduction["repaired"] = int(repaired)
        if not repaired:
            # (c) the capacitated model itself
            x_c, res_c, bound_c = _solve_all(run, inst, c1_all)
            solves += res_c
            bound = max(bound, bound_c) if relax_proven and math.isfinite(bound) else bound_c
            if x_b is None or float(c1_all[x_c].sum()) <= float(c1_all[x].sum()):
                x = x_c
    run.stages.append(_report(inst, x, bound, c1_all, sum(r.seconds for r in solves)))
    return x


def stage_cameras_flat(run: Run, inst: Instance, c1_all: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Stage 1 on the whole model at once, with fixings only (to measure the reductions)."""
    t0 = time.perf_counter()
    fixed, banned, k_res, cap, forced = fix_and_residual(inst)
    rows = np.flatnonzero(k_res > 0)
    cols = np.flatnonzero(~fixed & ~banned)
    log = {"rows_in": inst.n_targets, "cols_in": inst.n_poses}
    red = Reduced(inst, rows, cols, k_res[rows], cap, forced, fixed, log)
    run.reduction.update(log, components=1)
    run.add_seconds("reduce", time.perf_counter() - t0)
    one = np.zeros(cols.size, np.int64)
    x, res = solve_groups(run, inst, red, one, 1, c1_all)
    bound = _int_bound(float(c1_all[red.fixed].sum()), res)
    run.stages.append(_report(inst, x, bound, c1_all, sum(r.seconds for r in res)))
    return x
