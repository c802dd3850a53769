"""The budget variant: most weighted coverage for at most B VND, then the cheapest such plan.

``max Σ w_i y_i`` over targets that still need views, with ``Σ_j a_ij x_j ≥ k_i y_i``,
the cameras' and sites' rows, and ``Σ c_j x_j ≤ B``; then ``min Σ c_j x_j`` with the
coverage kept. Also the fallback of a cover-all plan whose capacities conflict
(``B = ∞``: cover the most, then cheapest).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan._errors import InputError, SolverError
from covplan.optimise._instance import Instance, fix_and_residual
from covplan.optimise._run import Run, side_rows, stage_report

__all__ = ["solve_budget"]


def solve_budget(run: Run, inst: Instance, budget_vnd: float) -> NDArray[np.bool_]:
    """Maximise weighted coverage with cost ≤ ``budget_vnd``, then minimise cost.

    A target counts when its demand ``k`` (as given in ``inst``) is met and positive;
    targets of demand 0 count nothing. Appends the stages ``coverage`` and ``cost``.
    """
    budget = float(budget_vnd)
    fixed, banned, k_res, cap, forced = fix_and_residual(inst)
    cols = np.flatnonzero(~fixed & ~banned)
    rows = np.flatnonzero(k_res > 0)
    spent = float(inst.cost[fixed].sum())
    if spent > budget + 1e-9:
        msg_ = f"the fixed poses already cost {spent:.0f} VND, over the budget {budget:.0f}"
        raise InputError(msg_)
    A_c = inst.A[rows][:, cols].tocsr().astype(float)
    n_c, n_y = cols.size, rows.size
    Y = sp.csr_matrix(
        (-k_res[rows].astype(float), (np.arange(n_y), np.arange(n_y))), shape=(n_y, n_y)
    )
    cov_rows = sp.hstack([A_c, Y]).tocsr()
    blocks, lo, hi = side_rows(inst, cols, cap, forced)
    blocks = [sp.hstack([b, sp.csr_matrix((b.shape[0], n_y))]) for b in blocks]
    bud = sp.csr_matrix(np.append(inst.cost[cols], np.zeros(n_y))[None, :])
    M = sp.vstack([cov_rows, *blocks, bud]).tocsr()
    lo_a = np.concatenate([np.zeros(n_y), *lo, [-np.inf]])
    room = budget - spent + 1e-6 if math.isfinite(budget) else np.inf
    hi_a = np.concatenate([np.full(n_y, np.inf), *hi, [room]])
    w = inst.weight[rows]
    c = np.append(np.zeros(n_c), -w)
    integral = bool(np.all(w == np.round(w)))
    r1 = run.mip(c, M, lo_a, hi_a, time_limit_s=run.left(), integral_objective=integral)
    if r1.status == "infeasible":
        msg_ = "no plan fits: every existing camera needs a pose and forced sites a camera"
        raise SolverError(msg_)
    # targets the fixed poses already serve (demand 0: not asked, counts nothing)
    done = float(inst.weight[(k_res <= 0) & (inst.k > 0)].sum())
    run.stages.append(
        stage_report("coverage", [r1], done, units="weight of targets seen", sense="max", sign=-1.0)
    )
    # then the cheapest plan with that coverage
    M2 = sp.vstack([M, sp.csr_matrix(c[None, :])]).tocsr()
    lo2 = np.append(lo_a, -np.inf)
    hi2 = np.append(hi_a, r1.objective + (0.5 if integral else 1e-6 * max(1, abs(r1.objective))))
    c2 = np.append(inst.cost[cols], np.zeros(n_y))
    r2 = run.mip(c2, M2, lo2, hi2, time_limit_s=run.left(), start=r1.x)
    run.stages.append(stage_report("cost", [r2], spent, units="VND"))
    x = fixed.copy()
    x[cols[r2.x[:n_c] > 0.5]] = True
    return x
