r"""An exact method for covering programmes: Lagrangian bound, fixing, core heuristic, cutoff.

:class:`ExactCover` solves ``min c·x, A x ≥ k, x ∈ {0,1}`` (``A`` 0/1, ``c ≥ 0``) — the
"fewest cameras" stage of :class:`~covplan.optimise.cover.CameraCover` on parts without
side rows, and any set-cover instance. The method and the proof of every optimality
claim are in the class docstring.
"""

from __future__ import annotations

import heapq
import logging
import math
import time
from dataclasses import dataclass, field
from functools import reduce as _fold

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from covplan._errors import InfeasibleCoverError, SolverError
from covplan.optimise._branch import row_branch
from covplan.optimise._highs import highs_solve
from covplan.optimise._instance import _row_dominance
from covplan.optimise._rwls import rwls
from covplan.optimise._solve import SOLVERS, solve_mip

logger = logging.getLogger(__name__)

__all__ = ["ExactCover", "ExactResult", "lagrangian_bound", "lagrangian_greedy"]

#: Relative tolerance on a floating-point Lagrangian value before it is rounded up.
BOUND_TOL = 1e-7
#: Columns per row kept in the core of the core heuristic (smallest reduced costs).
CORE_PER_ROW = 6
#: Greedy covers per part (multipliers: the LP's, then perturbed by ±20 %).
GREEDY_ROUNDS = 6
#: Share of a part's time the local search may use (unicost parts).
RWLS_SHARE = 0.3
#: Parts whose incumbent has at most this many (cheapest) columns are searched by row
#: branching (:mod:`~covplan.optimise._branch`) instead of the cutoff MIP.
BRANCH_MAX_COLUMNS = 12
#: Relative gap at or below which the local search and the core MIP are skipped.
IMPROVE_GAP = 0.02
#: Share of a part's time for the first search, before the local search and the core.
QUICK_SHARE = 0.15


@dataclass
class ExactResult:
    """What :meth:`ExactCover.solve` found and proved.

    Attributes
    ----------
    x
        The plan (boolean over columns); it covers every row ``k`` times.
    objective
        ``c·x``.
    bound
        A lower bound on every feasible plan's cost (see :class:`ExactCover`).
    status
        ``"optimal"`` when ``bound`` meets ``objective`` (within the objective's step),
        else ``"time_limit"``.
    seconds
        Wall-clock seconds.
    log
        Figures of the method: LP bound, heuristic value, columns fixed, parts, parts
        proven by the bound alone, by the cutoff search, or left open.
    """

    x: NDArray[np.bool_]
    objective: float
    bound: float
    status: str
    seconds: float
    log: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``(objective - bound) / objective`` (0.0 when proven)."""
        if self.status == "optimal":
            return 0.0
        return (self.objective - self.bound) / max(abs(self.objective), 1e-9)


def lagrangian_bound(
    A: sp.csc_matrix, c: NDArray[np.float64], k: NDArray[np.float64], u: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64]]:
    r"""Lagrangian value and reduced costs of multipliers ``u ≥ 0``.

    :math:`L(u) = \sum_i u_i k_i + \sum_j \min(0, \bar c_j)`, :math:`\bar c = c - A^T u`:
    a lower bound on ``c·x`` for every 0/1 ``x`` with ``A x ≥ k`` (see
    :class:`ExactCover`, (1)).

    Parameters
    ----------
    A
        Rows × columns, 0/1.
    c
        Column costs.
    k
        Row demands.
    u
        Multipliers (negative entries are treated as 0).

    Returns
    -------
    tuple of (float, numpy.ndarray)
        ``L(u)`` and the reduced costs.
    """
    u = np.maximum(u, 0.0)
    cbar = c - np.asarray(A.T @ u).ravel()
    return float(u @ k + np.minimum(cbar, 0.0).sum()), cbar


def lagrangian_greedy(
    Ac: sp.csc_matrix,
    Ar: sp.csr_matrix,
    k: NDArray[np.int64],
    score_cost: NDArray[np.float64],
    cost: NDArray[np.float64],
    take: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    r"""Build a cover by the Caprara–Fischetti–Toth greedy score, then drop redundant columns.

    Column *j* with :math:`\mu_j` rows still short scores :math:`s_j/\mu_j` when
    :math:`s_j > 0` and :math:`s_j\mu_j` otherwise (``s`` = ``score_cost``, e.g.
    reduced costs); the smallest score is taken until every row has its ``k``. Scores
    only grow as rows are met, so a lazy heap is exact. Then chosen columns are
    dropped, dearest first, while every row keeps its ``k``.

    Parameters
    ----------
    Ac, Ar
        The same 0/1 matrix (rows × columns) as CSC and CSR.
    k
        Row demands (each must be reachable).
    score_cost
        The cost the score divides (``c`` for the classic greedy).
    cost
        The true costs (the redundancy pass drops the dearest first).
    take
        Columns taken before the greedy starts (kept unless redundant).

    Returns
    -------
    numpy.ndarray
        Boolean over columns: a cover.
    """
    n_rows, n = Ar.shape
    x = np.zeros(n, bool) if take is None else take.copy()
    have = np.asarray(Ac @ x.astype(np.int64)).ravel() if x.any() else np.zeros(n_rows, np.int64)
    need = np.maximum(k - have, 0)
    mu = np.asarray(Ac.T @ (need > 0).astype(np.int64)).ravel()
    mu[x] = 0

    def score(j: int) -> float:
        s = float(score_cost[j])
        return s / mu[j] if s > 0 else s * mu[j]

    heap = [(score(j), j) for j in np.flatnonzero(mu > 0).tolist()]
    heapq.heapify(heap)
    open_rows = int((need > 0).sum())
    while open_rows and heap:
        _, j = heapq.heappop(heap)
        if x[j] or mu[j] == 0:
            continue
        s_now = score(j)
        if heap and s_now > heap[0][0] + 1e-12:
            heapq.heappush(heap, (s_now, j))
            continue
        x[j] = True
        rows = Ac.indices[Ac.indptr[j] : Ac.indptr[j + 1]]
        rows = rows[need[rows] > 0]
        need[rows] -= 1
        done = rows[need[rows] == 0]
        open_rows -= int(done.size)
        if done.size:
            cols = np.concatenate([Ar.indices[Ar.indptr[i] : Ar.indptr[i + 1]] for i in done])
            np.subtract.at(mu, cols, 1)
    if open_rows:
        msg = "some rows cannot be covered k times by the columns given"
        raise InfeasibleCoverError(msg)
    return drop_redundant(Ac, k, x, cost, score_cost)


def drop_redundant(
    Ac: sp.csc_matrix,
    k: NDArray[np.int64],
    x: NDArray[np.bool_],
    cost: NDArray[np.float64],
    tie: NDArray[np.float64] | None = None,
) -> NDArray[np.bool_]:
    """Drop chosen columns, dearest first (then by ``tie``), while every row keeps its ``k``."""
    x = x.copy()
    have = np.asarray(Ac @ x.astype(np.int64)).ravel()
    chosen = np.flatnonzero(x)
    tie_v = np.zeros(x.size) if tie is None else tie
    for j in chosen[np.lexsort((-tie_v[chosen], -cost[chosen]))]:
        rows = Ac.indices[Ac.indptr[j] : Ac.indptr[j + 1]]
        if rows.size == 0 or np.all(have[rows] > k[rows]):
            x[j] = False
            have[rows] -= 1
    return x


def _objective_step(c: NDArray[np.float64]) -> float:
    """Return the largest δ dividing every ``c·x`` (x 0/1); 0.0 if costs are not whole."""
    pos = c[c > 0]
    if pos.size == 0:
        return 1.0
    if not np.all(pos == np.round(pos)) or pos.max() > 2**53:
        return 0.0
    return float(_fold(math.gcd, np.unique(pos.astype(np.int64)).tolist()))


def _round_up(value: float, step: float) -> float:
    """Round ``value`` (less a float tolerance) up to a multiple of ``step``."""
    if not math.isfinite(value):
        return value
    value -= BOUND_TOL * max(1.0, abs(value))
    if step <= 0:
        return value
    return step * math.ceil(value / step - 1e-9)


def _components(A: sp.csr_matrix) -> tuple[int, NDArray[np.int64], NDArray[np.int64]]:
    """Label the connected parts of the row–column graph: count, per row, per column."""
    m = A.shape[0]
    G = sp.bmat([[None, A], [A.T, None]]).tocsr()
    n_c, lab = sp.csgraph.connected_components(G, directed=False)
    return int(n_c), lab[:m].astype(np.int64), lab[m:].astype(np.int64)


class ExactCover:
    r"""Exact covering: ``min c·x`` s.t. :math:`A x \ge k`, :math:`x \in \{0,1\}^n`.

    Built for camera instances — targets strung along routes, so coverage is close to
    intervals along each route (whose LP is integral) and coupled only at junctions,
    many near-identical columns and many small independent parts — but valid for any
    0/1 ``A``, ``c ≥ 0`` and whole ``k ≥ 0``. Let δ be the objective's step: the gcd of
    the positive costs when they are whole (δ = 1 for unit costs: every plan's value is
    a multiple of δ), else 0.

    **Method.** (a) Dominated rows and columns go (5), and the columns split into
    independent parts (no shared row); each part is solved on its own and the
    optimum of the whole is the sum of the parts'. (b) One LP relaxation (HiGHS) over
    all parts gives multipliers :math:`u = \max(y, 0)` from its row duals *y*; a part
    whose greedy plan meets its own rounded bound (2) is done — on camera instances
    most are, since coverage along a route is nearly an interval matrix. (c) For the
    rest, per part: Caprara–Fischetti–Toth greedy covers scored by the reduced costs
    :math:`\bar c = c - A^T u` (also perturbed, and by ``c`` itself), redundant
    columns dropped; for unicost parts a row-weighting local search
    (:mod:`~covplan.optimise._rwls`); then a short MIP over the *core* (each row's
    :data:`CORE_PER_ROW` columns of least :math:`\bar c`, and the incumbent's).
    Every plan found is checked to cover every row. (d) Reduced-cost fixing and
    dominance against the incumbent value ``U``, the LP re-solved over what is left,
    repeated. (e) The search for a strictly better plan: with the fixings of (d), the
    MIP goes to HiGHS (or CBC) with the *cutoff row* :math:`c\cdot x \le U - \delta`;
    (e') when the incumbent has at most :data:`BRANCH_MAX_COLUMNS` columns, row
    branching with LP pruning (:func:`~covplan.optimise._branch.row_branch`) asks
    "is there a cover of cost ≤ U − δ?" instead, again after each one it finds.
    A part one step from its bound gets (d)–(e) at once, briefly (:data:`QUICK_SHARE`
    of its time), before (c)'s local search and core.

    **Proof.** (1) For :math:`u \ge 0` and any feasible ``x``,
    :math:`c\cdot x = \bar c\cdot x + u^T A x \ge \bar c \cdot x + u^T k`, and
    :math:`\bar c\cdot x = \sum_j \min(0,\bar c_j) + \sum_j d_j` with
    :math:`d_j = \bar c_j x_j \ge 0` when :math:`\bar c_j \ge 0` and
    :math:`d_j = -\bar c_j (1 - x_j) \ge 0` otherwise. So
    :math:`c\cdot x \ge L(u) + \sum_j d_j` with
    :math:`L(u) = u^T k + \sum_j \min(0, \bar c_j)` (computed by covplan from ``u``,
    not taken from the LP solver: any ``u ≥ 0`` gives a valid bound, however the LP
    ended). As every plan's value is a multiple of δ, the part's bound is
    :math:`B = \lceil L(u)/\delta\rceil\,\delta` (less a relative float tolerance
    :data:`BOUND_TOL` before rounding). (2) If the incumbent meets ``B`` the part is
    proven. (3) Else any strictly better plan has :math:`c \cdot x \le U - \delta`, so
    by (1) :math:`d_j \le U - \delta - L(u)` for every *j*: a column with
    :math:`\bar c_j > U - \delta - L(u)` is 0 and one with
    :math:`-\bar c_j > U - \delta - L(u)` is 1 in every strictly better plan (with
    δ = 0, "strictly better" reads "no worse": ``U`` is then kept as the fixing limit).
    The same holds for the LP of the restricted part, so (d) may repeat; its LP value
    bounds every plan left, so every plan costs at least :math:`\min(U, \lceil
    L'\rceil_\delta)`. (4) The cutoff MIP of (e) holds every strictly better plan. If
    the solver proves it infeasible, ``U`` is optimal; if it proves a plan optimal,
    that plan is optimal overall; if it stops at its time limit with dual bound ``d``
    (valid for the restricted MIP), every plan costs at least
    :math:`\min(U, \lceil d \rceil_\delta)`. (4') Row branching partitions the covers
    (each by the first of the branching row's columns it takes) and prunes a node only
    when no cover can lie below it (a row left without enough columns, a budget
    spent, or an LP value above the budget), so "none" proves ``U`` optimal.
    (5) Dominance: a row *l* with a row *i*, :math:`S_i \subseteq S_l`,
    :math:`k_i \ge k_l` is implied and dropped; a column *j* all of whose rows need
    one view, with :math:`S_j \subseteq S_m` and :math:`c_m \le c_j` (ties by size,
    then index: a strict order), is dropped — in any plan with *j*, swap *j* for *m*
    (or drop *j* if *m* is taken): still a cover, no dearer, so an optimal plan (and,
    in (d), a strictly better plan if one exists) survives. The part's bound is the
    largest of these, never above its incumbent, and the whole's bound is the sum over
    parts; a claim of optimality is that sum meeting the plan's value.

    Parameters
    ----------
    A
        Coverage matrix, rows × columns (non-zero = covers).
    cost
        Column costs (≥ 0); 1 each by default (unicost set cover).
    k
        Row demands; 1 each by default.

    Attributes
    ----------
    A : scipy.sparse.csr_matrix
        The 0/1 matrix.
    cost, k : numpy.ndarray
        Costs and demands.
    step : float
        δ, the objective's step (0.0 when costs are not whole).
    """

    def __init__(
        self, A: ArrayLike | sp.spmatrix, cost: ArrayLike | None = None, k: ArrayLike | None = None
    ) -> None:
        M = sp.csr_matrix(A)
        M.data = (M.data != 0).astype(np.int8)
        M.eliminate_zeros()
        self.A: sp.csr_matrix = M
        m, n = M.shape
        self.cost = np.ones(n) if cost is None else np.asarray(cost, np.float64).ravel()
        self.k = np.ones(m, np.int64) if k is None else np.asarray(k, np.int64).ravel()
        if self.cost.shape != (n,) or self.k.shape != (m,):
            msg = f"cost needs {n} entries and k {m}; got {self.cost.shape} and {self.k.shape}"
            raise ValueError(msg)
        if (self.cost < 0).any():
            raise ValueError("costs must not be negative")
        self.step = _objective_step(self.cost)

    @classmethod
    def from_beasley(cls, text: str, *, unit_cost: bool = False) -> ExactCover:
        """Read an OR-Library set-cover instance (``rows cols``, costs, rows' columns).

        Parameters
        ----------
        text
            The file's text (1-based column indices).
        unit_cost
            Every column costs 1 (the "fewest cameras" case).

        Returns
        -------
        ExactCover
            The instance.
        """
        tok = np.array(text.split(), dtype=np.int64)
        m, n = int(tok[0]), int(tok[1])
        cost = tok[2 : 2 + n].astype(np.float64)
        pos, rows, cols = 2 + n, [], []
        for i in range(m):
            cnt = int(tok[pos])
            cols.append(tok[pos + 1 : pos + 1 + cnt] - 1)
            rows.append(np.full(cnt, i))
            pos += 1 + cnt
        r, cidx = np.concatenate(rows), np.concatenate(cols)
        A = sp.csr_matrix((np.ones(r.size, np.int8), (r, cidx)), shape=(m, n))
        return cls(A, None if unit_cost else cost)

    @classmethod
    def from_element_lists(cls, text: str) -> ExactCover:
        """Read a unicost instance: ``elements sets``, then per element ``id count sets…``.

        Parameters
        ----------
        text
            The file's text (0-based set indices; the GECCO 2020 camera format).

        Returns
        -------
        ExactCover
            The instance, every set costing 1.
        """
        tok = np.array(text.split(), dtype=np.int64)
        m, n = int(tok[0]), int(tok[1])
        pos, rows, cols = 2, [], []
        for _ in range(m):  # the layout of lines does not matter, only the tokens
            i, cnt = int(tok[pos]), int(tok[pos + 1])
            cols.append(tok[pos + 2 : pos + 2 + cnt])
            rows.append(np.full(cnt, i))
            pos += 2 + cnt
        if n and max((int(s.max()) for s in cols if s.size), default=-1) >= n:
            raise ValueError("a set index is out of range (the format is 0-based)")
        r, cidx = np.concatenate(rows), np.concatenate(cols)
        return cls(sp.csr_matrix((np.ones(r.size, np.int8), (r, cidx)), shape=(m, n)))

    # ------------------------------------------------------------------ solving
    def solve(
        self,
        solver: str = "highs",
        *,
        time_limit_s: float = 60.0,
        start: ArrayLike | None = None,
        seed: int = 0,
        msg: bool = False,
    ) -> ExactResult:
        """Solve to proven optimality or the time limit (see the class docstring).

        Parameters
        ----------
        solver
            ``"highs"`` or ``"cbc"``: who searches the cutoff MIP (e); the LPs and the
            core heuristic use HiGHS.
        time_limit_s
            Wall-clock limit for everything.
        start
            A plan to start from (boolean over columns); kept if it covers every row.
        seed
            Seed of the multiplier perturbations.
        msg
            Show the solvers' logs.

        Returns
        -------
        ExactResult
            Plan, objective, bound, status and the method's figures.

        Raises
        ------
        InfeasibleCoverError
            Some row cannot be covered ``k`` times.
        SolverError
            ``solver`` is unknown.
        """
        if solver not in SOLVERS:
            msg_ = f"unknown solver {solver!r}; use one of {SOLVERS}"
            raise SolverError(msg_)
        t0 = time.perf_counter()
        deadline = t0 + float(time_limit_s)
        A, c, k = self.A, self.cost, self.k
        reach = np.diff(A.indptr)
        if (reach < k).any():
            short = np.flatnonzero(reach < k)
            msg_ = f"{short.size} row(s) cannot be covered k times (first: row {short[0]})"
            raise InfeasibleCoverError(msg_)
        x = c == 0  # free columns never hurt a cover
        log: dict[str, float] = dict.fromkeys(
            ("parts", "parts_by_bound", "parts_by_search", "parts_open", "fixed_zero"), 0.0
        )
        log["fixed_one"] = log["dominated"] = 0.0
        have = np.asarray(A @ x.astype(np.int64)).ravel()
        rows = np.flatnonzero(k > have)
        cols = np.flatnonzero(~x)
        sub = A[rows][:, cols].tocsr()
        keep = np.diff(sub.tocsc().indptr) > 0
        cols, sub = cols[keep], sub[:, keep].tocsr()
        k_res = (k - have)[rows]
        # (5) dominated rows and columns go first (one optimal plan is kept)
        for _ in range(4):
            drop_r = _row_dominance(sub, k_res) if sub.shape[0] else np.zeros(0, bool)
            sub, rows, k_res = sub[~drop_r].tocsr(), rows[~drop_r], k_res[~drop_r]
            drop_c = _column_dominance(sub, k_res, c[cols])
            sub, cols = sub[:, ~drop_c].tocsr(), cols[~drop_c]
            log["dominated"] += float(drop_c.sum())
            if not (drop_r.any() or drop_c.any()):
                break
        st = None if start is None else np.asarray(start, bool)
        if st is not None and not np.all(np.asarray(A @ st.astype(np.int64)).ravel() >= k):
            st = None
        bound = float(c[x].sum())
        if rows.size:
            n_p, lab_r, lab_c = _components(sub)
            log["parts"] = n_p
            order = np.argsort(np.bincount(lab_c, minlength=n_p), kind="stable")
            r_idx = _group_index(lab_r, n_p)
            c_idx = _group_index(lab_c, n_p)
            rng = np.random.default_rng(seed)
            # one LP and one greedy over all parts (the LP is block diagonal): parts
            # whose greedy plan meets their own rounded Lagrangian bound are done
            c_s, sub_c = c[cols], sub.tocsc()
            lp = highs_solve(
                c_s, sub, k_res.astype(np.float64), np.full(k_res.size, np.inf),
                integer=False, time_limit_s=max(deadline - time.perf_counter(), 0.05) * 0.5,
            )  # fmt: skip
            u_all = np.zeros(k_res.size) if lp.row_dual is None else np.maximum(lp.row_dual, 0.0)
            _, cbar_all = lagrangian_bound(sub_c, c_s, k_res.astype(np.float64), u_all)
            g_all = lagrangian_greedy(sub_c, sub, k_res, cbar_all, c_s)
            g_c = lagrangian_greedy(sub_c, sub, k_res, c_s, c_s)
            L_part = np.bincount(lab_r, weights=u_all * k_res, minlength=n_p) + np.bincount(
                lab_c, weights=np.minimum(cbar_all, 0.0), minlength=n_p
            )
            U_a = np.bincount(lab_c, weights=c_s * g_all, minlength=n_p)
            U_c = np.bincount(lab_c, weights=c_s * g_c, minlength=n_p)
            open_parts = []
            for g in order:
                pick = g_all if U_a[g] <= U_c[g] else g_c
                U_g, B_g = min(U_a[g], U_c[g]), _round_up(float(L_part[g]), self.step)
                if U_g <= B_g + 1e-9:
                    x[cols[c_idx[g][pick[c_idx[g]]]]] = True
                    bound += U_g
                    log["parts_by_bound"] += 1
                else:
                    open_parts.append(g)
            # small parts first; each gets a share of the time left by those before it
            for gi, g in enumerate(open_parts):
                rg, cg = r_idx[g], c_idx[g]
                A_g = sub[rg][:, cg].tocsr()
                st_g = None if st is None else st[cols[cg]]
                left = max(deadline - time.perf_counter(), 0.05)
                rest = sum(c_idx[h].size for h in open_parts[gi:])
                share = left * max(cg.size, 1) / max(rest, 1)
                part = self._solve_part(
                    A_g, c[cols[cg]], k_res[rg], solver, time.perf_counter() + share,
                    st_g, rng, log, msg,
                )  # fmt: skip
                x[cols[cg[part[0]]]] = True
                bound += part[1]
        objective = float(c[x].sum())
        bound = min(bound, objective)
        proven = objective - bound <= (self.step if self.step > 0 else 0.0) * 0.5 + 1e-9 * max(
            1.0, abs(objective)
        )
        if proven:
            bound = objective
        log["seconds"] = time.perf_counter() - t0
        return ExactResult(
            x, objective, bound, "optimal" if proven else "time_limit", log["seconds"], log
        )

    def _solve_part(
        self,
        A: sp.csr_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        solver: str,
        deadline: float,
        start: NDArray[np.bool_] | None,
        rng: np.random.Generator,
        log: dict[str, float],
        msg: bool,
    ) -> tuple[NDArray[np.bool_], float]:
        """One independent part: its plan and a proven lower bound on its optimum.

        After the LP and the greedy covers, a part one step from its bound gets a
        quick search (a share :data:`QUICK_SHARE` of its time), which closes the easy
        ones; the others get the local search and the core MIP before the final search.
        """
        Ac = A.tocsc()
        best, U, L, cbar, B = self._incumbent(A, Ac, c, k, deadline, start, rng, log)
        log["lp_bound"] = log.get("lp_bound", 0.0) + L
        if U <= B + 1e-9:
            log["parts_by_bound"] += 1
            return best, U
        proven = False
        if U <= B + max(self.step, 0.0) + 1e-9:  # one step open: try to prove it at once
            quick = time.perf_counter() + QUICK_SHARE * max(deadline - time.perf_counter(), 0.0)
            best, U, B, proven = self._search(
                A, Ac, c, k, best, U, L, cbar, B, solver, quick, log, msg
            )
        if not proven and time.perf_counter() < deadline:
            best, U = self._improve(A, Ac, c, k, cbar, best, U, B, deadline, rng, log, msg)
            if U > B + 1e-9:
                best, U, B, proven = self._search(
                    A, Ac, c, k, best, U, L, cbar, B, solver, deadline, log, msg
                )
        log["heuristic"] = log.get("heuristic", 0.0) + U
        if proven or U <= B + 1e-9:
            log["parts_by_search"] += 1
            return best, U
        log["parts_open"] += 1
        return best, min(B, U)

    def _search(
        self,
        A: sp.csr_matrix,
        Ac: sp.csc_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        best: NDArray[np.bool_],
        U: float,
        L: float,
        cbar: NDArray[np.float64],
        B: float,
        solver: str,
        deadline: float,
        log: dict[str, float],
        msg: bool,
    ) -> tuple[NDArray[np.bool_], float, float, bool]:
        """(d) then (e) or (e'): the plan, its value, the part's bound, and proven or not."""
        t_fix = time.perf_counter()
        tight = _tighten(A, c, k, U, self.step, L, cbar, deadline, log)
        log["fixing_s"] = log.get("fixing_s", 0.0) + time.perf_counter() - t_fix
        if tight is None:
            return best, U, U, True  # no strictly better plan can exist
        free, one, rows_open, need, L_r = tight
        B = max(B, min(U, _round_up(L_r, self.step)))
        A_f = A[rows_open][:, free].tocsr()
        cmin = float(c[c > 0].min()) if (c > 0).any() else 1.0
        if U <= BRANCH_MAX_COLUMNS * cmin:
            best, U, proven = self._branch(A_f, Ac, c, k, best, U, free, one, need, deadline, log)
            return best, U, (U if proven else B), proven
        best, U, b_cut = self._cutoff(
            A_f, Ac, c, k, best, U, B, free, one, need, solver, deadline, log, msg
        )
        B = max(B, b_cut)
        return best, U, min(B, U), B >= U - 1e-9

    def _incumbent(
        self,
        A: sp.csr_matrix,
        Ac: sp.csc_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        deadline: float,
        start: NDArray[np.bool_] | None,
        rng: np.random.Generator,
        log: dict[str, float],
    ) -> tuple[NDArray[np.bool_], float, float, NDArray[np.float64], float]:
        """(b), (c) greedy: the plan, its value, the Lagrangian value, reduced costs, bound."""
        step = self.step
        kf = k.astype(np.float64)
        best = lagrangian_greedy(Ac, A, k, c, c)
        if start is not None and c @ start < c @ best and _covers(Ac, start, k):
            best = drop_redundant(Ac, k, start, c)
        U = float(c @ best)
        lp = highs_solve(
            c, A, kf, np.full(k.size, np.inf), integer=False,
            time_limit_s=max(deadline - time.perf_counter(), 0.05) * 0.5,
        )  # fmt: skip
        u = np.zeros(k.size) if lp.row_dual is None else np.maximum(lp.row_dual, 0.0)
        L, cbar = lagrangian_bound(Ac, c, kf, u)
        B = _round_up(L, step)
        for t in range(GREEDY_ROUNDS):
            if U <= B + 1e-9 or time.perf_counter() > deadline:
                break
            u_t = u if t == 0 else u * rng.uniform(0.8, 1.2, u.size)
            cb_t = c - np.asarray(Ac.T @ u_t).ravel() if t else cbar
            cand = lagrangian_greedy(Ac, A, k, cb_t, c)
            if c @ cand < U - 1e-9:
                best, U = cand, float(c @ cand)
        if U > B + 1e-9 and _unicost(c, k):
            # a short local search first: a better U fixes more in the quick search
            t_ls = time.perf_counter()
            share = max(deadline - t_ls, 0.0)
            cand = rwls(
                A, best, t_ls + 0.1 * share, target=round(B / c[0]), stall_s=0.04 * share,
                seed=int(rng.integers(1 << 30)),
            )  # fmt: skip
            log["rwls_s"] = log.get("rwls_s", 0.0) + time.perf_counter() - t_ls
            if c @ cand < U - 1e-9:
                best, U = cand, float(c @ cand)
        return best, U, L, cbar, B

    def _improve(
        self,
        A: sp.csr_matrix,
        Ac: sp.csc_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        cbar: NDArray[np.float64],
        best: NDArray[np.bool_],
        U: float,
        B: float,
        deadline: float,
        rng: np.random.Generator,
        log: dict[str, float],
        msg: bool,
    ) -> tuple[NDArray[np.bool_], float]:
        """(c) local search (unicost) and the core MIP: the better plan and its value.

        Skipped when the gap is already within :data:`IMPROVE_GAP` of the incumbent:
        there the LP is tight (camera instances), and the cutoff search — which also
        finds better plans — is better served by all the time left.
        """
        step = self.step
        if U - B <= IMPROVE_GAP * U:
            return best, U
        if U > B + 1e-9 and _unicost(c, k) and time.perf_counter() < deadline:
            # row-weighting local search (unicost only): the incumbent's main source;
            # long when more than a step is open and too many columns to branch
            t_ls = time.perf_counter()
            wide = U - B > 1.5 * max(step, 1e-9) and U > BRANCH_MAX_COLUMNS * c[0]
            weak = U - B > 0.05 * U  # a weak LP: the incumbent matters most
            share = (2 * RWLS_SHARE if wide and weak else RWLS_SHARE) * max(deadline - t_ls, 0.0)
            stall = max(0.5, (0.25 if wide else 0.05) * share)
            seed_ls = int(rng.integers(1 << 30))
            cand = rwls(A, best, t_ls + share, target=round(B / c[0]), stall_s=stall, seed=seed_ls)
            log["rwls_s"] = log.get("rwls_s", 0.0) + time.perf_counter() - t_ls
            if c @ cand < U - 1e-9:
                best, U = cand, float(c @ cand)
        few = U <= BRANCH_MAX_COLUMNS * (float(c[c > 0].min()) if (c > 0).any() else 1.0)
        if U > B + 1e-9 and not few and time.perf_counter() < deadline:
            best, U = self._core(A, Ac, c, k, cbar, best, U, deadline, log, msg)
        return best, U

    def _branch(
        self,
        A_f: sp.csr_matrix,
        Ac: sp.csc_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        best: NDArray[np.bool_],
        U: float,
        free: NDArray[np.int64],
        one: NDArray[np.bool_],
        need: NDArray[np.int64],
        deadline: float,
        log: dict[str, float],
    ) -> tuple[NDArray[np.bool_], float, bool]:
        """(e') Row branching for a strictly better plan, again after each one found."""
        step = self.step if self.step > 0 else 0.0
        t_br = time.perf_counter()
        limit = U - step - float(c[one].sum())
        verdict = "none" if limit < -1e-9 else "time_limit"
        while limit >= -1e-9:
            verdict, xb = row_branch(A_f, c[free], need, limit, deadline, log)
            if verdict != "found" or xb is None:
                break
            cand = one.copy()
            cand[free[xb]] = True
            if not (_covers(Ac, cand, k) and c @ cand < U - 1e-9):
                verdict = "time_limit"
                break
            best, U = cand, float(c @ cand)
            limit = U - step - float(c[one].sum())
            verdict = "none" if limit < -1e-9 else verdict
        log["branch_s"] = log.get("branch_s", 0.0) + time.perf_counter() - t_br
        return best, U, verdict == "none"

    def _cutoff(
        self,
        A_f: sp.csr_matrix,
        Ac: sp.csc_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        best: NDArray[np.bool_],
        U: float,
        B: float,
        free: NDArray[np.int64],
        one: NDArray[np.bool_],
        need: NDArray[np.int64],
        solver: str,
        deadline: float,
        log: dict[str, float],
        msg: bool,
    ) -> tuple[NDArray[np.bool_], float, float]:
        """(e) The cutoff MIP: the better plan, its value and the bound it proves."""
        step = self.step
        c_one = float(c[one].sum())
        limit = U - (step if step > 0 else 0.0) - c_one
        M = sp.vstack([A_f.astype(np.float64), sp.csr_matrix(c[free][None, :])]).tocsr()
        lo = np.append(need.astype(np.float64), -np.inf)
        hi = np.append(np.full(need.size, np.inf), limit + 1e-6 * max(1.0, abs(limit)))
        tl = max(deadline - time.perf_counter(), 0.05)
        log["cutoff_columns"] = log.get("cutoff_columns", 0.0) + free.size
        t_mip = time.perf_counter()
        status, xf, d = _cutoff_mip(c[free], M, lo, hi, solver, tl, step, msg)
        log["cutoff_s"] = log.get("cutoff_s", 0.0) + time.perf_counter() - t_mip
        if status == "infeasible":
            return best, U, U
        U_old = U
        if xf is not None:
            cand = one.copy()
            cand[free[xf]] = True
            if _covers(Ac, cand, k) and c @ cand < U:
                best, U = cand, float(c @ cand)
            if status == "optimal":
                return best, U, U
        # every plan costs at least min(U_old, d): a better one lies in the cutoff MIP
        return best, U, max(B, min(U_old, _round_up(d + c_one, step)))

    def _core(
        self,
        A: sp.csr_matrix,
        Ac: sp.csc_matrix,
        c: NDArray[np.float64],
        k: NDArray[np.int64],
        cbar: NDArray[np.float64],
        best: NDArray[np.bool_],
        U: float,
        deadline: float,
        log: dict[str, float],
        msg: bool,
    ) -> tuple[NDArray[np.bool_], float]:
        """(c) A short MIP over the core columns; returns the better plan and its value."""
        core = best.copy()
        Ar = A.tocsr()
        for i in range(A.shape[0]):
            cols_i = Ar.indices[Ar.indptr[i] : Ar.indptr[i + 1]]
            if cols_i.size > CORE_PER_ROW:
                cols_i = cols_i[np.argpartition(cbar[cols_i], CORE_PER_ROW - 1)[:CORE_PER_ROW]]
            core[cols_i] = True
        idx = np.flatnonzero(core)
        log["core_columns"] = log.get("core_columns", 0.0) + idx.size
        tl = max(deadline - time.perf_counter(), 0.05) * 0.2
        Mc = Ac[:, idx]
        step = self.step
        limit = U - (step if step > 0 else 0.0)
        M = sp.vstack([Mc.astype(np.float64), sp.csr_matrix(c[idx][None, :])]).tocsr()
        lo = np.append(k.astype(np.float64), -np.inf)
        hi = np.append(np.full(k.size, np.inf), limit + 1e-6 * max(1.0, abs(limit)))
        out = highs_solve(
            c[idx], M, lo, hi, integer=True, time_limit_s=tl,
            gap_abs=max(step, 1e-6) * (1 - 1e-6), msg=msg,
        )  # fmt: skip
        if out.x is None:
            return best, U
        cand = np.zeros(c.size, bool)
        cand[idx[out.x > 0.5]] = True
        if np.all(np.asarray(Ac @ cand.astype(np.int64)).ravel() >= k) and c @ cand < U:
            cand = drop_redundant(Ac, k, cand, c)
            return cand, float(c @ cand)
        return best, U


def _tighten(
    A: sp.csr_matrix,
    c: NDArray[np.float64],
    k: NDArray[np.int64],
    U: float,
    step: float,
    L: float,
    cbar: NDArray[np.float64],
    deadline: float,
    log: dict[str, float],
    rounds: int = 8,
) -> (
    tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64], float] | None
):
    """(d) Fix columns by reduced cost against ``U``, drop dominated rows and columns, re-LP.

    ``(L, cbar)`` come from one multiplier vector. Each round keeps every plan strictly
    better than ``U`` (δ = 0: no worse) or, for column dominance, one of them at no
    higher cost (:class:`ExactCover`, (3) and (5)); the LP of what is left gives the next
    multipliers. Returns the free column positions, the columns fixed to 1, the open
    rows, their residual demands and a lower bound on every plan left; None when no
    strictly better plan can exist.
    """
    n = c.size
    delta = step if step > 0 else 0.0
    tol = 1e-9 * max(1.0, abs(U))
    free = np.ones(n, bool)
    one = np.zeros(n, bool)
    Ac = A.tocsc()
    lower = L
    rows_open = np.arange(A.shape[0])
    need_all = k.copy()
    for r in range(rounds):
        if step > 0 and _round_up(lower, step) > U - delta + tol:
            return None
        room = U - delta - L
        zero_new = free & (cbar > room + tol)
        one_new = free & (-cbar > room + tol)
        free &= ~zero_new & ~one_new
        one |= one_new
        log["fixed_zero"] += float(zero_new.sum())
        log["fixed_one"] += float(one_new.sum())
        if float(c[one].sum()) > U - delta + tol:
            return None
        have = np.asarray(Ac[:, one].sum(axis=1)).ravel().astype(np.int64)
        need_all = np.maximum(k - have, 0)
        rows_open = np.flatnonzero(need_all > 0)
        fidx = np.flatnonzero(free)
        sub = A[rows_open][:, fidx].tocsr()
        if (np.diff(sub.indptr) < need_all[rows_open]).any():
            return None
        # (5) dominance among what is left
        if sub.shape[0]:
            drop_r = _row_dominance(sub, need_all[rows_open])
            rows_open, sub = rows_open[~drop_r], sub[~drop_r].tocsr()
        drop_c = _column_dominance(sub, need_all[rows_open], c[fidx])
        free[fidx[drop_c]] = False
        log["dominated"] += float(drop_c.sum())
        fidx = fidx[~drop_c]
        sub = sub[:, ~drop_c].tocsr()
        changed = bool(zero_new.any() or one_new.any() or drop_c.any())
        if rows_open.size == 0:
            lower = max(lower, float(c[one].sum()))
            break
        if (r > 0 and not changed) or time.perf_counter() > deadline:
            break
        lp = highs_solve(
            c[fidx], sub, need_all[rows_open].astype(np.float64),
            np.full(rows_open.size, np.inf), integer=False,
            time_limit_s=max(deadline - time.perf_counter(), 0.05) * 0.3,
        )  # fmt: skip
        if lp.status == "infeasible":
            return None
        if lp.row_dual is None:
            break
        L_sub, cb_sub = lagrangian_bound(
            sub.tocsc(), c[fidx], need_all[rows_open].astype(np.float64), lp.row_dual
        )
        L = L_sub + float(c[one].sum())
        cbar = np.zeros(n)
        cbar[fidx] = cb_sub
        lower = max(lower, L)
    if step > 0 and _round_up(lower, step) > U - delta + tol:
        return None
    return np.flatnonzero(free), one, rows_open, need_all[rows_open], lower


def _column_dominance(
    A: sp.csr_matrix, k: NDArray[np.int64], c: NDArray[np.float64], chunk: int = 4000
) -> NDArray[np.bool_]:
    """Columns j with ``S_j ⊆ S_m``, ``c_m ≤ c_j`` (strict order), all of j's rows needing 1.

    Swapping j for m (or dropping j when m is taken) keeps a cover at no higher
    cost: some optimal (or strictly better) plan avoids j. Empty columns go too.
    """
    n = A.shape[1]
    if n == 0:
        return np.zeros(0, bool)
    Ac = A.astype(np.int32).tocsc()
    size = np.diff(Ac.indptr)
    one_rows = np.asarray(Ac.T @ (k <= 1).astype(np.int32)).ravel() == size
    remove = size == 0
    AcT = Ac.T.tocsr()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        G = (AcT[start:stop] @ Ac).tocoo()
        j = G.row + start
        m = G.col
        ok = (G.data == size[j]) & (j != m) & one_rows[j]
        j, m = j[ok], m[ok]
        better = (c[m] < c[j]) | ((c[m] == c[j]) & ((size[m] > size[j]) | (m < j)))
        remove[j[better]] = True
    return remove


def _unicost(c: NDArray[np.float64], k: NDArray[np.int64]) -> bool:
    """Tell whether every column costs the same (> 0) and every row needs one view."""
    return bool(c.size and np.all(k == 1) and np.ptp(c) == 0 and c[0] > 0)


def _covers(Ac: sp.csc_matrix, x: NDArray[np.bool_], k: NDArray[np.int64]) -> bool:
    """Tell whether ``x`` covers every row ``k`` times."""
    return bool(np.all(np.asarray(Ac @ x.astype(np.int64)).ravel() >= k))


def _group_index(labels: NDArray[np.int64], n: int) -> list[NDArray[np.int64]]:
    """Positions per label 0…n-1."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n)]


def _cutoff_mip(
    c: NDArray[np.float64],
    M: sp.csr_matrix,
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    solver: str,
    time_limit_s: float,
    step: float,
    msg: bool,
) -> tuple[str, NDArray[np.bool_] | None, float]:
    """(e) The cutoff MIP: status, its plan (if any) and the solver's dual bound."""
    gap_abs = max(step, 1e-6) * (1 - 1e-6) if step > 0 else 1e-6
    if solver == "highs":
        out = highs_solve(c, M, lo, hi, integer=True, time_limit_s=time_limit_s, gap_abs=gap_abs)
        xs = None if out.x is None else out.x > 0.5
        return out.status, xs, out.bound
    try:
        r = solve_mip(
            c, M, lo, hi, solver=solver, time_limit_s=time_limit_s,
            integral_objective=step >= 1.0, msg=msg,
        )  # fmt: skip
    except SolverError:  # stopped at its limit without a plan and without a bound
        return "time_limit", None, -math.inf
    if r.status == "infeasible":
        return "infeasible", None, math.inf
    return r.status, r.x > 0.5, r.bound
