"""HiGHS through highspy directly: a covering LP or MIP passed as one sparse model.

PuLP builds a model row by row in Python; for the exact method's many LPs and
restricted MIPs that costs more than solving them, so :mod:`~covplan.optimise.exact`
passes column-wise arrays straight to HiGHS here.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan.optimise._solve import _c_stdout_silenced

__all__ = ["HighsOutcome", "highs_solve"]


@dataclass
class HighsOutcome:
    """One HiGHS run: status, primal values, row duals (LP), objective, dual bound, seconds."""

    status: str
    x: NDArray[np.float64] | None
    row_dual: NDArray[np.float64] | None
    objective: float
    bound: float
    seconds: float


_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
}


def highs_solve(
    c: NDArray[np.float64],
    M: sp.csr_matrix | sp.csc_matrix,
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    *,
    integer: bool,
    time_limit_s: float,
    gap_abs: float = 1e-6,
    threads: int | None = None,
    msg: bool = False,
) -> HighsOutcome:
    """Solve ``min c·x, lo ≤ M x ≤ hi, 0 ≤ x ≤ 1`` (``integer``: x binary) with HiGHS.

    Parameters
    ----------
    c
        Objective coefficients.
    M
        Constraint matrix (rows × columns).
    lo, hi
        Row bounds (``±inf`` for none).
    integer
        Solve the 0/1 programme (else its LP relaxation, with row duals).
    time_limit_s
        Wall-clock limit.
    gap_abs
        Absolute MIP gap at which HiGHS stops (``1 - 1e-6`` for an integral objective).
    threads
        HiGHS threads (None: its default).
    msg
        Show HiGHS's log.

    Returns
    -------
    HighsOutcome
        Status (``optimal``, ``infeasible``, ``time_limit`` or HiGHS's own name), the
        values (None when HiGHS has no feasible point), the row duals of an LP, the
        objective and the dual bound (``-inf`` when HiGHS gives none).
    """
    t0 = time.perf_counter()
    n = int(c.size)
    Mc = sp.csc_matrix(M, dtype=np.float64)
    Mc.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = int(Mc.shape[0])
    lp.col_cost_ = np.asarray(c, np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.where(np.isfinite(lo), lo, -inf).astype(np.float64)
    lp.row_upper_ = np.where(np.isfinite(hi), hi, inf).astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = Mc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = Mc.indices.astype(np.int32)
    lp.a_matrix_.value_ = Mc.data
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = int(Mc.shape[0])
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    with _c_stdout_silenced():
        h = highspy.Highs()
        h.setOptionValue("output_flag", bool(msg))
    h.setOptionValue("time_limit", max(float(time_limit_s), 0.05))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    if integer:
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", float(gap_abs))
    h.passModel(lp)
    h.run()
    status = _STATUS.get(h.getModelStatus(), str(h.getModelStatus()))
    info = h.getInfo()
    sol = h.getSolution()
    has_x = bool(info.primal_solution_status == 2) or (status == "optimal")
    x = np.asarray(sol.col_value, np.float64) if has_x and n else None
    duals = np.asarray(sol.row_dual, np.float64) if not integer and status == "optimal" else None
    obj = float(info.objective_function_value) if x is not None else math.inf
    if integer:
        bound = float(info.mip_dual_bound)
        if not math.isfinite(bound) and status == "optimal":
            bound = obj
    else:
        bound = obj if status == "optimal" else -math.inf
    return HighsOutcome(status, x, duals, obj, bound, time.perf_counter() - t0)
