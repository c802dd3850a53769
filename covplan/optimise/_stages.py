"""The lexicographic stages after stage 1: cheapest plan (2), most second views (3).

:func:`solve_cover` runs them in order on a cover-all instance; see
:class:`~covplan.optimise.cover.CameraCover` for what each stage proves.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan.optimise._cameras import stage_cameras, stage_cameras_flat
from covplan.optimise._instance import (
    NEW,
    REAIM,
    Instance,
    Reduced,
    components,
    fix_and_residual,
    reduce,
    unit_matrix,
)
from covplan.optimise._run import Run, side_rows, stage_report
from covplan.optimise._solve import MipResult

__all__ = ["prices_vary", "solve_cover", "stage1_costs"]


def stage1_costs(inst: Instance) -> NDArray[np.float64]:
    """Stage 1's objective per pose: ``W`` for a new pose, 1 for a re-aim, 0 to keep."""
    W = inst.lex_weight()
    return np.where(inst.kind == NEW, float(W), 0.0) + (inst.kind == REAIM)


def prices_vary(inst: Instance) -> bool:
    """True when prices differ within new or within re-aim poses, or a keep costs money.

    Otherwise a plan's cost follows from its new cameras and re-aims, and stage 2 has
    nothing to choose.
    """
    return any(
        np.ptp(inst.cost[inst.kind == kd]) > 0 if (inst.kind == kd).any() else False
        for kd in (NEW, REAIM)
    ) or bool((inst.cost[inst.kind == 0] > 0).any())


def solve_cover(
    run: Run, inst: Instance, *, do_reduce: bool = True, second_views: bool = True
) -> NDArray[np.bool_]:
    """Stages 1, 2 (when prices vary) and 3 (``second_views``, when time is left)."""
    c1_all = stage1_costs(inst)
    if do_reduce:
        x = stage_cameras(run, inst, c1_all)
    else:
        x = stage_cameras_flat(run, inst, c1_all)
    if prices_vary(inst):
        x = stage_cost(run, inst, x, c1_all)
    if second_views:
        if run.deadline - time.perf_counter() > 1.0:
            x = stage_second_views(run, inst, x, c1_all)
        else:
            run.skipped.append("second_views")
    return x


def cheaper_specs(inst: Instance, x: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Swap chosen new poses for cheaper ones at their site that still do their job.

    A local search for stage 2's start: the count of new cameras, the sites and
    every target's views at their k stay as they are, only the price falls.
    """
    x = x.copy()
    Ac = inst.A.tocsc()
    views = np.asarray(inst.A[:, x].sum(axis=1)).ravel()
    if not inst.n_sites:
        return x
    at_site = unit_matrix(inst.site, inst.n_sites).T.tocsr()  # sites × poses
    chosen = np.flatnonzero(x & (inst.kind == NEW) & (inst.site >= 0) & ~inst.fixed)
    for j in chosen[np.argsort(-inst.cost[chosen], kind="stable")]:
        rows_j = Ac.indices[Ac.indptr[j] : Ac.indptr[j + 1]]
        need = rows_j[views[rows_j] <= inst.k[rows_j]]
        s = inst.site[j]
        cand = at_site.indices[at_site.indptr[s] : at_site.indptr[s + 1]]
        cand = cand[~x[cand] & ~inst.banned[cand] & (inst.cost[cand] < inst.cost[j])]
        cand = cand[inst.kind[cand] == NEW]
        if cand.size == 0:
            continue
        ok = np.asarray(inst.A[need][:, cand].sum(axis=0)).ravel() == need.size
        if not ok.any():
            continue
        good = cand[ok]
        m = good[np.argmin(inst.cost[good])]
        x[j], x[m] = False, True
        views[rows_j] -= 1
        views[Ac.indices[Ac.indptr[m] : Ac.indptr[m + 1]]] += 1
    return x


def _cost_model(
    run: Run, inst: Instance, x1: NDArray[np.bool_]
) -> tuple[Reduced, NDArray[np.int64], int]:
    """Stage 2's columns (cost-reduced poses plus ``x1``'s own), rows and parts."""
    t0 = time.perf_counter()
    red0 = reduce(inst)
    fixed = red0.fixed
    _, _, k_res, cap, forced = fix_and_residual(inst)
    cols = np.union1d(red0.cols, np.flatnonzero(x1 & ~fixed))
    rows = np.flatnonzero(k_res > 0)
    A_c = inst.A[rows][:, cols].tocsr()
    rows = rows[np.diff(A_c.indptr) > 0]
    red = Reduced(inst, rows, cols, k_res[rows], cap, forced, fixed, {})
    n_comp, comp = components(red)
    run.add_seconds("reduce", time.perf_counter() - t0)
    return red, comp, n_comp


def stage_cost(
    run: Run, inst: Instance, x1: NDArray[np.bool_], c1_all: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Stage 2: the cheapest plan with stage 1's value, part by part.

    The columns are the cost-reduced poses and ``x1``'s own; in each independent
    part the stage-1 value is ``x1``'s count there (see :class:`CameraCover`, (vii)).
    Each part starts from ``x1`` with cheaper specs swapped in.
    """
    x1 = cheaper_specs(inst, x1)
    red, comp, n_comp = _cost_model(run, inst, x1)
    cols = red.cols
    A_red = inst.A[red.rows][:, cols].tocsr()
    order = np.argsort(np.bincount(comp, minlength=n_comp), kind="stable")
    x = red.fixed.copy()
    results: list[MipResult] = []
    for gi, g in enumerate(order):
        loc = np.flatnonzero(comp == g)
        cols_g = cols[loc]
        rows_loc = np.flatnonzero(np.asarray(A_red[:, loc].sum(axis=1)).ravel() > 0)
        A_g = A_red[rows_loc][:, loc].tocsr()
        blocks, lo, hi = side_rows(inst, cols_g, red.cap, red.forced_site)
        count_g = float(c1_all[cols_g][x1[cols_g]].sum())
        M = sp.vstack([A_g.astype(float), *blocks, sp.csr_matrix(c1_all[cols_g])]).tocsr()
        lo_a = np.concatenate([red.k[rows_loc].astype(float), *lo, [-np.inf]])
        hi_a = np.concatenate([np.full(rows_loc.size, np.inf), *hi, [count_g + 0.5]])
        r = run.mip(
            inst.cost[cols_g],
            M,
            lo_a,
            hi_a,
            time_limit_s=run.left(n_comp - gi),
            start=x1[cols_g].astype(float),
        )
        results.append(r)
        x[cols_g[r.x > 0.5]] = True
    run.stages.append(stage_report("cost", results, float(inst.cost[red.fixed].sum()), units="VND"))
    return x


def stage_second_views(
    run: Run, inst: Instance, x: NDArray[np.bool_], c1_all: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Stage 3: most targets seen twice, keeping stage 1's value and stage 2's cost.

    ``z_i`` (one per target that needs one view and can get a second) is 1 only when
    the target is seen twice; the plan maximises ``Σ z``.
    """
    fixed, banned, k_res, cap, forced = fix_and_residual(inst)
    cols = np.flatnonzero(~fixed & ~banned)
    have = inst.k - k_res
    # rows that want a second view and can still get one from a free pose
    A_c = inst.A[:, cols].tocsr()
    can = np.diff(A_c.indptr) > 0
    zrows = np.flatnonzero((inst.k == 1) & (have < 2) & can)
    plain = np.flatnonzero((k_res > 0) & ~np.isin(np.arange(inst.n_targets), zrows))
    if zrows.size == 0:
        return x
    n_c, n_z = cols.size, zrows.size
    Z = sp.csr_matrix((-np.ones(n_z), (np.arange(n_z), np.arange(n_z))), shape=(n_z, n_z))
    rows_z = sp.hstack([A_c[zrows].astype(float), Z]).tocsr()
    rows_p = sp.hstack([A_c[plain].astype(float), sp.csr_matrix((plain.size, n_z))])
    blocks, lo, hi = side_rows(inst, cols, cap, forced)
    blocks = [sp.hstack([b, sp.csr_matrix((b.shape[0], n_z))]) for b in blocks]
    lex = sp.csr_matrix(
        np.vstack(
            [
                np.append(c1_all[cols], np.zeros(n_z)),
                np.append(inst.cost[cols], np.zeros(n_z)),
            ]
        )
    )
    obj1 = float(c1_all[x].sum() - c1_all[fixed].sum())
    cost1 = float(inst.cost[x].sum() - inst.cost[fixed].sum())
    M = sp.vstack([rows_z, rows_p, *blocks, lex]).tocsr()
    lo_a = np.concatenate(
        [
            np.maximum(1 - have[zrows], 0).astype(float),
            k_res[plain].astype(float),
            *lo,
            [-np.inf, -np.inf],
        ]
    )
    hi_a = np.concatenate(
        [
            np.full(n_z + plain.size, np.inf),
            *hi,
            [obj1 + 0.5, cost1 + 1e-6 * max(cost1, 1.0) + 0.5],
        ]
    )
    c = np.append(np.zeros(n_c), -np.ones(n_z))
    xs = x[cols].astype(float)
    views = np.asarray(A_c[zrows] @ xs).ravel() + have[zrows]
    start = np.append(xs, (views >= 2).astype(float))
    r = run.mip(c, M, lo_a, hi_a, time_limit_s=run.left(), start=start, integral_objective=True)
    # report as "targets seen at least twice among those needing one" (positive)
    already = float(((inst.k == 1) & (have >= 2)).sum())
    run.stages.append(
        stage_report(
            "second_views",
            [r],
            already,
            units="targets seen twice (of those needing one view)",
            sense="max",
            sign=-1.0,
        )
    )
    x_new = fixed.copy()
    x_new[cols[r.x[:n_c] > 0.5]] = True
    return x_new
