r"""The camera-cover integer programme (:class:`CameraCover`).

Built from a sparse coverage matrix, reduced exactly, split into independent parts,
warm-started from the greedy plan and solved by HiGHS or CBC through PuLP. The stages
live in :mod:`~covplan.optimise._cameras` (1), :mod:`~covplan.optimise._stages` (2, 3)
and :mod:`~covplan.optimise._budget`; what a solve proves in
:mod:`~covplan.optimise.result`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from covplan import settings
from covplan._errors import InfeasibleCoverError, SolverError
from covplan.optimise._budget import solve_budget
from covplan.optimise._build import build_instance, geodataframe_arrays
from covplan.optimise._instance import (
    NEW,
    REAIM,
    Instance,
    achievable,
    fix_and_residual,
    with_,
)
from covplan.optimise._outcome import cover_result
from covplan.optimise._run import Run
from covplan.optimise._stages import solve_cover
from covplan.optimise.result import CoverResult

logger = logging.getLogger(__name__)

__all__ = ["CameraCover", "build_instance"]


class CameraCover:
    r"""The fewest new cameras, then re-aims, then VND, then most second views.

    Poses :math:`j \in J` (keep or re-aim an existing camera, or a new camera of a
    spec at a site and heading) and targets :math:`i \in I` (points on routes).

    ================================  =========================================
    :math:`a_{ij} \in \{0,1\}`        pose *j* sees target *i* at its level
    :math:`k_i`                       views target *i* needs (1, or 2 at ends)
    :math:`J_c`                       poses of existing camera *c*
    :math:`J_s`, :math:`u_s`          new poses at site *s*, its capacity
    :math:`N, R \subseteq J`          new poses, re-aim poses
    :math:`c_j`                       cost of pose *j* (VND)
    :math:`W = |\{c: J_c\cap R \neq \emptyset\}| + 1`
    ================================  =========================================

    .. math::

        \min_{x \in \{0,1\}^J} \; \Big(\sum_{j\in N} x_j,\;
            \sum_{j\in R} x_j,\; \sum_j c_j x_j,\; -\sum_i z_i\Big)_{\mathrm{lex}}

        \text{s.t.}\quad \sum_j a_{ij} x_j \ge k_i + z_i\,[k_i = 1] \quad \forall i,
        \qquad \sum_{j\in J_c} x_j = 1 \quad \forall c,
        \qquad \sum_{j\in J_s} x_j \le u_s \quad \forall s,
        \qquad \sum_{j\in J_s} x_j \ge 1 \quad \forall s \text{ forced}

    **Lexicographic objective.** Stage 1 minimises :math:`W\sum_N x + \sum_R x`.
    Every camera takes one pose, so :math:`\sum_R x \le W - 1`; for plans with
    :math:`N_1 < N_2` new cameras, :math:`W N_1 + R_1 \le W N_1 + W - 1 < W N_2 \le
    W N_2 + R_2`, so the weights never trade a new camera for re-aims. The objective
    is integral, so a gap below 1 proves optimality (the solver is stopped there).
    Stage 2 (only when prices differ within new or within re-aim poses) minimises
    :math:`\sum c_j x_j` with stage 1's value as a constraint; stage 3 (``second_views``)
    maximises :math:`\sum z_i`, :math:`z_i \in\{0,1\}`, with both as constraints.
    These are sequential solves, so no weights are needed there.

    **Reductions** (stages 1 and 2; stage 3 and the budget variant see every row).
    (i) fixings: a camera with one pose left takes it; demands drop by the views
    of fixed poses; satisfied rows go. (ii) rows: if :math:`S_i \subseteq S_l` and
    :math:`k_i \ge k_l` then :math:`\sum_{S_l} x \ge \sum_{S_i} x \ge k_i \ge k_l`:
    row *l* is implied and dropped (identical rows: the first stays). Valid with any
    side constraint, since it removes only implied inequalities. (iii) poses: *j* is
    dropped when some *m* with :math:`S_j \subseteq S_m` is no worse in
    (new, re-aim, cost) order and either *m* belongs to the same camera (only one of
    them is ever chosen, so swapping *j* for *m* keeps every constraint and every
    row's count), or *j* is a new pose all of whose rows need one more view and *m*
    is a new pose that is unit-free, on *j*'s site, or on a site whose capacity cannot
    bind (its poses ≤ its capacity): if *m* is unchosen, swap; if *m* is chosen, drop
    *j* — every row of *j* keeps a view from *m*. With :math:`k > 1`, or a binding
    capacity at another site, or a forced site, that argument fails and those poses
    stay. (iv) independent parts — no shared row, camera or site — are solved
    separately; the lexicographic optimum of a sum of independent parts is the sum of
    their optima. In (iii) a strict superset (:math:`S_j \subsetneq S_m`) at no higher
    (kind, cost) dominates whatever its index; identical columns keep the smallest
    index. The order (kind, cost, :math:`-|S|`, index) is strict, so every dropped pose
    has an undropped dominator and the swaps above compose.

    **Stage 1 by relaxation** (``reduce_model=True``). (v) Let :math:`P` be the model
    without the site capacities (forced sites, cameras and demands kept). Its optimum
    :math:`z_P \le z^*` bounds stage 1 from below, and in :math:`P` every site is slack,
    so (iii) may drop a new pose for a superset pose at *any* site. If :math:`P`'s plan
    keeps every capacity it is optimal for the full model. Otherwise its poses at the
    sites within capacity are fixed and the rest is re-solved with capacities; a
    repaired plan of value :math:`z_P` is feasible and meets the bound, so it is optimal.
    Failing that, the capacitated model is solved as well and the best plan is kept with
    bound :math:`\max(z_P, \text{its bound})`. (vi) Stage 1's objective
    :math:`W\sum_N x + \sum_R x` ignores prices, so its reductions compare poses by
    kind only: at one site, a spec whose seen set (at each target's level) lies inside
    another's is dominated whatever the prices. Prices come back in stage 2, which
    uses the price-aware reductions (iii) with the stage-1 value as a constraint:
    both reductions keep a plan of value :math:`z^*`, so the constraint is the same.
    (vii) Stage 2 runs over the price-reduced poses plus the stage-1 plan's own, split
    into independent parts; in part *g* the stage-1 value is the plan's count
    :math:`K_g` there: each part's minimum :math:`m_g \le K_g` and
    :math:`\sum_g m_g \ge z^* = \sum_g K_g`, so :math:`m_g = K_g`. Its start is the
    stage-1 plan with cheaper specs swapped in at the same site where every target
    keeps its views.

    (viii) **Exact method** (``exact=True``, the default). A stage-1 part with no
    camera, capacity or forced-site row is a pure covering programme: it goes to the
    solver for a brief look (a twentieth of its time, at most 3 s — easy parts close
    there); if not proven, a part whose incumbent is within 3 % of its rounded LP bound
    (a tight LP: camera instances) stays with the solver for its time, and the others
    go to :class:`~covplan.optimise.exact.ExactCover`
    (Lagrangian/LP bound rounded to the objective's step, reduced-cost fixing and
    dominance against the incumbent, a row-weighting local search and a core MIP for
    the incumbent, then a search for a strictly better plan — row branching with LP
    pruning for few-camera parts, else HiGHS or CBC with the cutoff row
    :math:`c\cdot x \le U - \delta`). Its bound is proven there, part by part; the
    larger of it and the brief solve's bound is kept.

    **What a solve proves** (:attr:`result`, a :class:`~covplan.optimise.result.CoverResult`).
    A claim of optimality is a bound that meets the incumbent; the solver's bounds are
    taken as it gives them (HiGHS's dual bound, CBC's "Lower bound" line), summed over
    the independent parts, and rounded up where the objective is integral.

    - ``new_cameras_bound`` (cover-all plans): stage 1 bounds :math:`W\sum_N x +
      \sum_R x \ge B` for every plan of this model (its fixings, capacities, forced and
      forbidden sites, and demands capped at what any pose can give). Since
      :math:`\sum_R x \le W - 1`, every plan has at least
      :math:`\lceil (B - W + 1)/W \rceil` new cameras: that number, never above the
      plan's. None for budget plans (they do not minimise new cameras) or with no bound.
    - ``proven``: cover-all — ``new_cameras_bound == new_cameras`` (no plan of this
      model has fewer new cameras; whether the re-aims are also least is
      ``stages[0].status``); budget — the coverage stage's bound meets its value.
    - ``gap``: the primary objective's relative gap, ``(new - bound)/new`` or
      ``(bound - covered)/covered``; 0.0 when proven.
    - ``cost_bound_vnd``: no plan with the plan's stage-1 value (new cameras and
      re-aims; budget: its coverage) costs less. When prices do not vary within new and
      within re-aim poses the cost follows from those counts, so it is ``cost_vnd``.
    - ``covered_weight`` / ``covered_weight_bound``: weight of targets whose demand
      (positive, capped at the views possible) is met; the bound (budget plans) is an
      upper bound on it over every plan within the budget.
    - ``status``: ``optimal`` when every stage that ran is proven; ``time_limit`` when
      one stopped at the limit or stage 3 was skipped for want of time; ``infeasible``
      when capacities or forced sites conflict (``allow_uncovered``): the plan then
      covers the most weight, then is cheapest, and ``new_cameras_bound`` is None.
    - ``stages``: each stage's own objective, bound, gap, status and seconds, in its
      own units (``cameras`` is :math:`W\cdot` new + re-aims).

    Parameters
    ----------
    instance
        The encoded instance (use :meth:`from_coverage_matrix`).
    allow_uncovered
        Plan around targets no pose can see instead of raising.
    budget_vnd
        When given, maximise weighted coverage with total cost ≤ this (then cost).
    second_views
        Run stage 3 (most targets seen twice).
    targets
        Target records (for error messages and results), aligned with the rows.

    Attributes
    ----------
    selected : numpy.ndarray
        Boolean over poses, after :meth:`solve`.
    cover_count : numpy.ndarray
        Views per target.
    result : CoverResult
        The plan's figures and what the solver proved (see above), after :meth:`solve`.
    reduction : dict
        What the reductions removed (rows, columns, parts, repairs).
    uncovered : numpy.ndarray
        Rows left short of their k (``allow_uncovered``).
    """

    def __init__(
        self,
        instance: Instance,
        *,
        allow_uncovered: bool = False,
        budget_vnd: float | None = None,
        second_views: bool = True,
        targets: pd.DataFrame | None = None,
        name: str = "camera-cover",
    ) -> None:
        self.instance = instance
        self.allow_uncovered = allow_uncovered
        self.budget_vnd = budget_vnd
        self.second_views = second_views
        self.targets = targets
        self.name = name
        self.selected: NDArray[np.bool_] = np.zeros(instance.n_poses, bool)
        self.cover_count: NDArray[np.int64] = np.zeros(instance.n_targets, np.int64)
        self.reduction: dict[str, int] = {}
        self.uncovered: NDArray[np.int64] = np.zeros(0, np.int64)
        self.greedy: NDArray[np.bool_] | None = None
        self.poses: pd.DataFrame | None = None
        self._result: CoverResult | None = None

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_coverage_matrix(
        cls,
        A: Any,
        *,
        cost: ArrayLike | None = None,
        k: ArrayLike | None = None,
        source: Sequence[str] | ArrayLike | None = None,
        camera: Sequence[object] | ArrayLike | None = None,
        site: Sequence[object] | ArrayLike | None = None,
        capacity: int | ArrayLike | dict[object, int] | None = None,
        weight: ArrayLike | None = None,
        forced_sites: Iterable[object] = (),
        forbidden_sites: Iterable[object] = (),
        fixed: ArrayLike | None = None,
        forbidden: ArrayLike | None = None,
        budget_vnd: float | None = None,
        allow_uncovered: bool = False,
        second_views: bool = True,
        targets: pd.DataFrame | None = None,
    ) -> CameraCover:
        """Build the model from a coverage matrix (targets × poses).

        With nothing but ``A`` it is the plain minimum set cover: every pose costs 1
        and every target needs one view.

        Parameters
        ----------
        A
            Coverage matrix (scipy.sparse or array-like; non-zero = pose sees target).
        cost
            Cost per pose (VND); 1 each by default.
        k
            Views each target needs; 1 each by default.
        source
            Per pose ``"keep"``, ``"reaim"`` or ``"new"`` (default all new).
        camera
            Per pose, the existing camera it aims (None for new poses): a camera's
            poses share one direction (exactly one is chosen).
        site
            Per pose, the candidate site of a new pose (None otherwise).
        capacity
            New cameras per site at most: an int, a dict site → int, or per pose.
        weight
            Target weights (budget variant).
        forced_sites, forbidden_sites
            Sites that must get a new camera / must not.
        fixed, forbidden
            Boolean masks over poses: taken for sure (earlier phases) / left out.
        budget_vnd
            Maximise weighted coverage with total cost at most this.
        allow_uncovered
            Plan around targets that no pose can see (or not k times).
        second_views
            Tie-break on most targets seen twice (stage 3).
        targets
            Target table aligned with the rows (for error messages).

        Returns
        -------
        CameraCover
            The model, not yet solved.
        """
        inst = build_instance(
            A,
            cost=cost,
            k=k,
            source=source,
            camera=camera,
            site=site,
            capacity=capacity,
            weight=weight,
            forced_sites=forced_sites,
            forbidden_sites=forbidden_sites,
            fixed=fixed,
            forbidden=forbidden,
        )
        return cls(
            inst,
            allow_uncovered=allow_uncovered,
            budget_vnd=budget_vnd,
            second_views=second_views,
            targets=targets,
        )

    @classmethod
    def from_geodataframes(
        cls,
        targets: pd.DataFrame,
        poses: pd.DataFrame,
        coverage: Any = None,
        *,
        buildings: pd.DataFrame | None = None,
        sites: pd.DataFrame | None = None,
        capacity: int = 2,
        forced_sites: Iterable[object] = (),
        forbidden_sites: Iterable[object] = (),
        fixed: ArrayLike | None = None,
        budget_vnd: float | None = None,
        allow_uncovered: bool = False,
        second_views: bool = True,
    ) -> CameraCover:
        """Build the model from targets and poses (docs/interfaces.md columns).

        Parameters
        ----------
        targets
            GeoDataFrame: target_id, route_id, k_required, weight, geometry.
        poses
            GeoDataFrame from :func:`covplan.optimise.options.poses_from` (source,
            camera_id, site_id, cost, ...).
        coverage
            A ``Coverage`` (``seen``, ``target_ids``, ``pose_ids``) or a sparse matrix
            in the rows/columns order of ``targets``/``poses``; built with
            :func:`covplan.geometry.coverage_matrix` when None (needs ``buildings``).
        buildings
            Buildings, when the coverage must be built here.
        sites
            Candidate sites with a ``capacity`` column (overrides ``capacity``).
        capacity
            New cameras per site when ``sites`` does not say (2: back to back).
        forced_sites, forbidden_sites, fixed, budget_vnd, allow_uncovered, second_views
            As in :meth:`from_coverage_matrix`.

        Returns
        -------
        CameraCover
            The model, not yet solved.
        """
        arrays = geodataframe_arrays(
            targets, poses, coverage, buildings=buildings, sites=sites, capacity=capacity
        )
        model = cls.from_coverage_matrix(
            arrays.pop("A"),
            **arrays,
            forced_sites=forced_sites,
            forbidden_sites=forbidden_sites,
            fixed=fixed,
            budget_vnd=budget_vnd,
            allow_uncovered=allow_uncovered,
            second_views=second_views,
            targets=targets,
        )
        model.poses = poses
        return model

    # ------------------------------------------------------------------ results
    @property
    def n_new(self) -> int:
        """New cameras in the plan."""
        return int((self.selected & (self.instance.kind == NEW)).sum())

    @property
    def n_reaim(self) -> int:
        """Existing cameras re-aimed in the plan."""
        return int((self.selected & (self.instance.kind == REAIM)).sum())

    @property
    def cost_vnd(self) -> float:
        """Total cost of the plan."""
        return float(self.instance.cost[self.selected].sum())

    @property
    def result(self) -> CoverResult:
        """The plan's figures and what the solver proved about them (after :meth:`solve`)."""
        if self._result is None:
            msg = "the model is not solved yet; call .solve() first"
            raise SolverError(msg)
        return self._result

    def summary(self) -> dict[str, Any]:
        """Return one row of figures: poses, cameras, cost, bounds, stages, seconds."""
        res = self.result
        out: dict[str, Any] = {
            "targets": self.instance.n_targets,
            "poses": self.instance.n_poses,
            "nnz": int(self.instance.A.nnz),
            "new": self.n_new,
            "reaim": self.n_reaim,
            "cost_vnd": self.cost_vnd,
            "uncovered": int(self.uncovered.size),
            "seen_twice": int((self.cover_count >= 2).sum()),
            "new_bound": res.new_cameras_bound,
            "cost_bound_vnd": res.cost_bound_vnd,
            "covered_weight": res.covered_weight,
            "covered_weight_bound": res.covered_weight_bound,
            "gap": res.gap,
            "proven": res.proven,
            "status": res.status,
        }
        for st in res.stages:
            out[f"objective_{st.name}"] = st.objective
            out[f"bound_{st.name}"] = st.bound
            out[f"gap_{st.name}"] = st.gap
            out[f"status_{st.name}"] = st.status
        out.update({f"s_{k}": v for k, v in res.seconds.items()})
        out.update({f"red_{k}": v for k, v in self.reduction.items()})
        return out

    # ------------------------------------------------------------------ solving
    def _raise_infeasible(self, rows: NDArray[np.int64], reach: NDArray[np.int64]) -> None:
        records: list[dict[str, Any]] = []
        t = self.targets
        for i in rows[:1000]:
            rec: dict[str, Any] = {
                "row": int(i),
                "k_required": int(self.instance.k[i]),
                "views_possible": int(reach[i]),
            }
            if t is not None:
                row = t.iloc[int(i)]
                for col in ("target_id", "route_id", "group_id", "kind"):
                    if col in t.columns:
                        rec[col] = row[col]
                geom = getattr(row, "geometry", None)
                if geom is not None and not geom.is_empty:
                    pt = geom
                    crs = getattr(t, "crs", None)
                    if crs is not None and not crs.is_geographic:
                        pt = gpd.GeoSeries([geom], crs=crs).to_crs(4326).iloc[0]
                    rec["lon"], rec["lat"] = float(pt.x), float(pt.y)
            records.append(rec)
        lines = [
            f"  target {r.get('target_id', r['row'])} on route {r.get('route_id', '?')} at "
            f"({r.get('lon', float('nan')):.6f}, {r.get('lat', float('nan')):.6f}): needs "
            f"{r['k_required']} view(s), at most {r['views_possible']} possible"
            for r in records[:20]
        ]
        more = f"\n  … and {len(rows) - 20} more" if len(rows) > 20 else ""
        msg = (
            f"{len(rows)} target(s) cannot be seen as often as required by any pose; add "
            "candidate sites near them, lower k_required, or plan with allow_uncovered=True:\n"
            + "\n".join(lines)
            + more
        )
        raise InfeasibleCoverError(msg, targets=records)

    def solve(
        self,
        solver: str | None = None,
        *,
        time_limit_s: float | None = None,
        warm_start: bool = True,
        reduce_model: bool = True,
        exact: bool = True,
        msg: bool = False,
    ) -> CameraCover:
        """Solve the model; returns ``self`` with the plan and its figures.

        Parameters
        ----------
        solver
            ``"highs"`` or ``"cbc"`` (default ``settings.solver``).
        time_limit_s
            Wall-clock limit for all stages together (default ``settings.time_limit_s``).
        warm_start
            Start each solve from the greedy plan (stage 1) or the previous stage.
        reduce_model
            Apply the exact reductions (off only to measure them).
        exact
            Solve stage 1's pure covering parts by
            :class:`~covplan.optimise.exact.ExactCover` (Lagrangian bound, fixing,
            core heuristic, cutoff search); False hands them to the solver as they are.
        msg
            Show the solver's log.

        Returns
        -------
        CameraCover
            ``self``.

        Raises
        ------
        InfeasibleCoverError
            Targets that no pose can see k times (unless ``allow_uncovered``).
        SolverError
            The solver is unknown or stopped without a plan.
        """
        solver = solver or settings.solver
        limit = float(settings.time_limit_s if time_limit_s is None else time_limit_s)
        t_start = time.perf_counter()
        run = Run(solver, t_start + limit, warm=warm_start, msg=msg, exact=exact and reduce_model)
        inst = self.instance
        # feasibility: views each row can get at all
        _, banned0, _, _, _ = fix_and_residual(inst)
        reach = achievable(inst, ~banned0)
        short = np.flatnonzero(reach < inst.k)
        if short.size and not self.allow_uncovered and self.budget_vnd is None:
            self._raise_infeasible(short, reach)
        work = with_(inst, k=np.minimum(inst.k, reach))
        run.seconds["check"] = time.perf_counter() - t_start
        conflict = False
        if self.budget_vnd is not None:
            x = solve_budget(run, work, self.budget_vnd)
        else:
            try:
                x = solve_cover(run, work, do_reduce=reduce_model, second_views=self.second_views)
            except InfeasibleCoverError:
                if not self.allow_uncovered:
                    raise
                # rows that cannot all be met together: cover the most, then cheapest
                logger.warning("targets conflict over site capacities; covering the most")
                conflict = True
                run.stages.clear()
                x = solve_budget(run, work, math.inf)
        self.selected = x
        self.cover_count = np.asarray(inst.A[:, x].sum(axis=1)).ravel().astype(np.int64)
        self.uncovered = np.flatnonzero(self.cover_count < inst.k).astype(np.int64)
        self.reduction = dict(run.reduction)
        run.seconds["total"] = time.perf_counter() - t_start
        self._result = cover_result(work, x, self.cover_count, run, conflict=conflict)
        logger.info(
            "CameraCover.solve(%s): %d new (bound %s), %d re-aimed, %.0f VND, %s, gap %s, %.1f s",
            solver,
            self.n_new,
            self._result.new_cameras_bound,
            self.n_reaim,
            self.cost_vnd,
            self._result.status,
            self._result.gap,
            run.seconds["total"],
        )
        return self
