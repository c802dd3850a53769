"""One 0/1 programme handed to HiGHS or CBC through PuLP, built from sparse rows.

``minimise c·x  s.t.  lo ≤ M x ≤ hi,  x ∈ {0, 1}``: the caller gives M as CSR; rows
become PuLP constraints from their non-zeros only (never a dense loop). CBC gets the warm
start through PuLP's MIP start file; for HiGHS it is the fallback incumbent (see
``_HiGHSWarm``).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pulp
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan._errors import SolverError

logger = logging.getLogger(__name__)

SOLVERS = ("highs", "cbc")


@dataclass
class MipResult:
    """One solve: 0/1 values, objective, bound, gap, status, seconds (and of building)."""

    x: NDArray[np.float64]
    objective: float
    bound: float
    gap: float
    status: str
    seconds: float
    build_seconds: float = 0.0


class _HiGHSWarm(pulp.HiGHS):
    """PuLP's HiGHS (highspy) interface; keeps ``start`` for the caller."""

    def __init__(self, *args: Any, start: NDArray[np.float64] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.start = start

    def createAndConfigureSolver(self, lp: Any) -> None:  # noqa: N802 (PuLP's name)
        # highspy prints its banner to the C-level stdout when a Highs object is built,
        # before output_flag can be turned off: keep it out of the CLI's and logs' output
        if self.msg:
            super().createAndConfigureSolver(lp)
            return
        with _c_stdout_silenced():
            super().createAndConfigureSolver(lp)

    def callSolver(self, lp: Any) -> None:  # noqa: N802 (PuLP's name)
        # HiGHS 1.16 can return a wrong point and objective after setSolution with
        # presolve on (seen on covplan's stage-2 models), so the start is not handed
        # over: solve_mip keeps it as the fallback incumbent instead.
        lp.solverModel.run()


@contextlib.contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null for the block (C libraries' prints)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _fits(
    M: sp.csr_matrix, lo: NDArray[np.float64], hi: NDArray[np.float64], x: NDArray[np.float64]
) -> bool:
    v = M @ x
    return bool(np.all(v >= lo - 1e-6) and np.all(v <= hi + 1e-6))


def _rel_gap(obj: float, bound: float) -> float:
    if not (math.isfinite(obj) and math.isfinite(bound)):
        return math.inf
    return abs(obj - bound) / max(abs(obj), 1e-9)


def solve_mip(
    c: NDArray[np.float64],
    M: sp.csr_matrix,
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    *,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    start: NDArray[np.float64] | None = None,
    integral_objective: bool = False,
    msg: bool = False,
) -> MipResult:
    """Solve ``min c·x, lo ≤ M x ≤ hi, x binary`` and report bound and gap.

    Parameters
    ----------
    c
        Objective coefficients (minimised).
    M
        Constraint rows, CSR.
    lo, hi
        Row bounds (``-inf``/``inf`` for none).
    solver
        ``"highs"`` or ``"cbc"``.
    time_limit_s
        Wall-clock limit handed to the solver.
    start
        A feasible 0/1 vector to warm start from, or None.
    integral_objective
        When every feasible objective value is an integer, stop as soon as the gap
        is below 1 (the incumbent is then proven optimal).
    msg
        Show the solver's log.

    Returns
    -------
    MipResult
        Values, objective, bound (the solver's dual bound), relative gap, status
        (``optimal``, ``time_limit``) and seconds.
    """
    if solver not in SOLVERS:
        msg_ = f"unknown solver {solver!r}; use one of {SOLVERS}"
        raise SolverError(msg_)
    n = c.size
    t0 = time.perf_counter()
    if n == 0:
        return MipResult(np.zeros(0), 0.0, 0.0, 0.0, "optimal", 0.0)
    M = M.tocsr()
    prob, xs = _problem(c, M, lo, hi)
    t_build = time.perf_counter() - t0
    opts = _Options(
        tlim=max(float(time_limit_s), 0.5),
        gap_abs=1.0 - 1e-6 if integral_objective else 1e-6,
        integral=integral_objective,
        msg=msg,
    )
    if solver == "highs":
        status, bound = _run_highs(prob, opts, start)
    else:
        status, bound = _run_cbc(prob, xs, opts, start)
    if status == "infeasible":
        return MipResult(
            np.zeros(n), math.inf, math.inf, math.inf, status, time.perf_counter() - t0, t_build
        )
    x = _plan(xs, c, M, lo, hi, start, status)
    if x is None or status not in ("optimal", "time_limit"):
        msg_ = f"{solver} stopped without a plan (status {status}); raise time_limit_s"
        raise SolverError(msg_)
    objective = float(c @ x)
    bound = _settled_bound(objective, bound, status, integral_objective)
    gap = _rel_gap(objective, bound)
    if integral_objective and objective - bound < 1.0 - 1e-6:
        status, gap = "optimal", 0.0
    seconds = time.perf_counter() - t0
    logger.debug(
        "%s: %d vars, %d rows, build %.2f s, total %.2f s, obj %g bound %g (%s)",
        solver, n, M.shape[0], t_build, seconds, objective, bound, status,
    )  # fmt: skip
    return MipResult(x, objective, bound, gap, status, seconds, t_build)


@dataclass(frozen=True)
class _Options:
    tlim: float
    gap_abs: float
    integral: bool
    msg: bool


def _problem(
    c: NDArray[np.float64], M: sp.csr_matrix, lo: NDArray[np.float64], hi: NDArray[np.float64]
) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The PuLP problem, its rows built from the non-zeros of ``M`` only."""
    prob = pulp.LpProblem("covplan", pulp.LpMinimize)
    n = c.size
    xs = [prob.add_variable(f"x{j}", lowBound=0, upBound=1, cat=pulp.LpBinary) for j in range(n)]
    nz = np.flatnonzero(c)
    prob += pulp.LpAffineExpression([(xs[j], float(c[j])) for j in nz])
    for i in range(M.shape[0]):
        a, b = M.indptr[i], M.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [(xs[j], float(v)) for j, v in zip(M.indices[a:b], M.data[a:b], strict=True)]
        )
        lo_i, hi_i = float(lo[i]), float(hi[i])
        if lo_i == hi_i:
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintEQ, rhs=lo_i), f"r{i}")
            continue
        if math.isfinite(lo_i):
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=lo_i), f"g{i}")
        if math.isfinite(hi_i):
            prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=hi_i), f"l{i}")
    return prob, xs


_HIGHS_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
}


def _run_highs(
    prob: pulp.LpProblem, opts: _Options, start: NDArray[np.float64] | None
) -> tuple[str, float]:
    """Solve with HiGHS; return its status and dual bound."""
    s = _HiGHSWarm(
        msg=opts.msg,
        timeLimit=opts.tlim,
        gapRel=0.0 if opts.integral else 1e-9,
        gapAbs=opts.gap_abs,
        start=start,
    )
    prob.solve(s)
    info = prob.solverModel.getInfo()
    logger.debug(
        "highs info: obj %s bound %s gap %s",
        info.objective_function_value, info.mip_dual_bound, info.mip_gap,
    )  # fmt: skip
    model_status = prob.solverModel.getModelStatus()
    return _HIGHS_STATUS.get(model_status, str(model_status)), float(info.mip_dual_bound)


def _run_cbc(
    prob: pulp.LpProblem,
    xs: list[pulp.LpVariable],
    opts: _Options,
    start: NDArray[np.float64] | None,
) -> tuple[str, float]:
    """Solve with CBC (warm start through PuLP's MIP start); return status and bound."""
    if start is not None:
        for j, v in enumerate(start):
            xs[j].setInitialValue(float(round(v)))
    fd, log_path = tempfile.mkstemp(suffix=".log", prefix="covplan-cbc-")
    os.close(fd)
    try:
        s = pulp.COIN_CMD(
            path=_cbc_path(),
            msg=False,
            timeLimit=opts.tlim,
            gapRel=0.0,
            gapAbs=opts.gap_abs,
            warmStart=start is not None,
            logPath=log_path,
        )
        prob.solve(s)
        with open(log_path, encoding="utf-8", errors="replace") as fh:
            log_text = fh.read()
    finally:
        os.unlink(log_path)
    if opts.msg:
        logger.info("CBC log:\n%s", log_text)
    if "Result - Optimal solution found" in log_text:
        return "optimal", float(pulp.value(prob.objective) or 0.0)
    st = pulp.LpStatus[prob.status]
    if st == "Infeasible" or "infeasible" in log_text.lower().split("result -")[-1][:80]:
        return "infeasible", math.nan
    m = re.search(r"Lower bound:\s*([-0-9.eE+]+)", log_text)
    return "time_limit", float(m.group(1)) if m else math.nan


def _plan(
    xs: list[pulp.LpVariable],
    c: NDArray[np.float64],
    M: sp.csr_matrix,
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    start: NDArray[np.float64] | None,
    status: str,
) -> NDArray[np.float64] | None:
    """The solver's 0/1 plan, or the warm start where that is the better plan; None if neither."""
    # a variable in no bounded row and not in the objective is not sent to the solver
    # (PuLP drops it), so it has no value: any value is feasible, and 0 is the plan's
    used = c != 0
    bounded = np.flatnonzero(np.isfinite(lo) | np.isfinite(hi))
    rows_used = M[bounded]
    used[rows_used.indices[rows_used.data != 0]] = True
    x = np.round(
        np.array(
            [
                (np.nan if used[j] else 0.0) if v.varValue is None else v.varValue
                for j, v in enumerate(xs)
            ]
        )
    )
    usable = not np.isnan(x).any() and _fits(M, lo, hi, x)
    if start is not None and status != "optimal" and _fits(M, lo, hi, start):
        if not usable or float(c @ start) < float(c @ x):
            return np.round(start)  # the warm start is still the better plan
    return x if usable else None


def _settled_bound(objective: float, bound: float, status: str, integral: bool) -> float:
    """The bound made consistent with the plan: rounded up if integral, never above it."""
    if status == "optimal" and not math.isfinite(bound):
        bound = objective
    if integral and math.isfinite(bound):
        bound = float(math.ceil(bound - 1e-6))
    if status == "optimal":
        return objective if not integral else min(bound, objective)
    return min(bound, objective) if math.isfinite(bound) else bound


def _cbc_path() -> str:
    """Return the CBC executable: the one ``pulp[cbc]`` (cbcbox) installs next to Python.

    PuLP 3.3 deprecates its bundled ``PULP_CBC_CMD`` in favour of a CBC from the
    ``cbcbox`` wheel, which puts ``cbc`` in the environment's ``bin`` folder.
    """
    here = Path(sys.executable).parent / "cbc"
    found = str(here) if here.exists() else shutil.which("cbc")
    if found is None:
        msg = (
            "CBC is not installed; install it with: pip install 'pulp[cbc]' (or use solver='highs')"
        )
        raise SolverError(msg)
    return found
