"""Row branching with LP pruning: is there a cover of cost at most ``limit``?

For few-camera parts (AC_01's seven, a single alley's handful) the question "is there
a cover of at most ``limit``?" is settled by a depth-first search that branches on a
row rather than on a column: pick the open row with fewest allowed columns
:math:`j_1, \\dots, j_r`; branch *t* takes :math:`j_t` and forbids
:math:`j_1, \\dots, j_{t-1}`. Every cover contains some column of the row, and its
first such column (in this order) puts it in exactly one branch, so the branches
partition the covers. A node is pruned when some open row has no allowed column, when
the LP relaxation of what is left (one HiGHS model, its column bounds changed from
node to node and re-solved warm) costs more than the budget left, or — unicost, one
column left — when no single column covers every open row. So "no cover" is a proof.
"""

from __future__ import annotations

import sys
import time

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan.optimise._solve import _c_stdout_silenced

__all__ = ["row_branch"]


class _NodeLP:
    """The covering LP of a part, kept in one HiGHS object; nodes change column bounds."""

    def __init__(self, A: sp.csr_matrix, c: NDArray[np.float64], k: NDArray[np.int64]) -> None:
        Mc = sp.csc_matrix(A, dtype=np.float64)
        Mc.sort_indices()
        n, m = Mc.shape[1], Mc.shape[0]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = np.asarray(c, np.float64)
        lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
        lp.row_lower_ = k.astype(np.float64)
        lp.row_upper_ = np.full(m, highspy.kHighsInf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = Mc.indptr.astype(np.int32)
        lp.a_matrix_.index_ = Mc.indices.astype(np.int32)
        lp.a_matrix_.value_ = Mc.data
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
        with _c_stdout_silenced():
            self.h = highspy.Highs()
            self.h.setOptionValue("output_flag", False)
        self.h.passModel(lp)
        self.idx = np.arange(n, dtype=np.int32)

    def value(
        self, one: NDArray[np.bool_], zero: NDArray[np.bool_], time_limit_s: float
    ) -> float | None:
        """LP optimum with ``one`` columns at 1 and ``zero`` at 0; inf if infeasible."""
        lo = one.astype(np.float64)
        hi = (~zero).astype(np.float64)
        self.h.changeColsBounds(self.idx.size, self.idx, lo, hi)
        self.h.setOptionValue("time_limit", max(time_limit_s, 0.01))
        self.h.run()
        st = self.h.getModelStatus()
        if st == highspy.HighsModelStatus.kInfeasible:
            return float("inf")
        if st != highspy.HighsModelStatus.kOptimal:
            return None
        return float(self.h.getInfo().objective_function_value)


def row_branch(
    A: sp.csr_matrix,
    c: NDArray[np.float64],
    k: NDArray[np.int64],
    limit: float,
    deadline: float,
    stats: dict[str, float] | None = None,
) -> tuple[str, NDArray[np.bool_] | None]:
    """Search for a cover (``A x ≥ k``) of cost at most ``limit``, by row branching.

    Parameters
    ----------
    A
        Rows × columns, 0/1.
    c
        Column costs (> 0).
    k
        Row demands (≥ 1).
    limit
        The cost allowed.
    deadline
        ``time.perf_counter()`` value to give up at.
    stats
        Filled with ``nodes`` and ``lps``.

    Returns
    -------
    tuple of (str, numpy.ndarray or None)
        ``("none", None)``: proven that no such cover exists; ``("found", x)``: a cover
        of cost ≤ ``limit``; ``("time_limit", None)``: undecided.
    """
    A = sp.csr_matrix(A)
    Ac = A.tocsc()
    m, n = A.shape
    tol = 1e-6 * max(1.0, abs(limit))
    unicost = bool(np.ptp(c) == 0) if n else True
    node_lp = _NodeLP(A, c, k)
    st = stats if stats is not None else {}
    st.setdefault("nodes", 0.0)
    st.setdefault("lps", 0.0)
    out: list[NDArray[np.bool_]] = []
    limit_depth = sys.getrecursionlimit()

    class _OutOfTimeError(Exception):
        pass

    def visit(one: NDArray[np.bool_], zero: NDArray[np.bool_], have: NDArray[np.int64]) -> bool:
        st["nodes"] += 1
        spent = float(c[one].sum())
        if spent > limit + tol:
            return False
        short = have < k
        if not short.any():
            out.append(one.copy())
            return True
        if time.perf_counter() > deadline:
            raise _OutOfTimeError
        allowed = ~zero & ~one
        open_rows = np.flatnonzero(short)
        sub = A[open_rows][:, np.flatnonzero(allowed)]
        deg = np.diff(sub.indptr)
        if (deg < (k - have)[open_rows]).any():
            return False
        budget = limit - spent
        cmin = float(c[allowed].min())
        if budget < cmin - tol:
            return False
        if unicost and budget < 2 * cmin - tol:
            need1 = bool(np.all(k[open_rows] - have[open_rows] == 1))
            counts = np.asarray(sub.sum(axis=0)).ravel()
            if need1 and not (counts == open_rows.size).any():
                return False
        st["lps"] += 1
        v = node_lp.value(one, zero, deadline - time.perf_counter())
        if v is not None and v > limit + tol:
            return False
        r = open_rows[int(np.argmin(deg))]
        cols = A.indices[A.indptr[r] : A.indptr[r + 1]]
        cols = cols[allowed[cols]]
        z = zero.copy()
        for j in cols:
            o = one.copy()
            o[j] = True
            h = have.copy()
            h[Ac.indices[Ac.indptr[j] : Ac.indptr[j + 1]]] += 1
            if visit(o, z, h):
                return True
            z[j] = True  # later branches: j is not the row's first chosen column
        return False

    if limit_depth < 10_000:
        sys.setrecursionlimit(10_000)
    try:
        found = visit(np.zeros(n, bool), np.zeros(n, bool), np.zeros(m, np.int64))
    except _OutOfTimeError:
        return "time_limit", None
    finally:
        sys.setrecursionlimit(limit_depth)
    if found:
        return "found", out[0]
    return "none", None
