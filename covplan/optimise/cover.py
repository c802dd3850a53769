r"""The camera-cover integer programme (:class:`CameraCover`).

Built from a sparse coverage matrix, reduced exactly, split into independent parts,
warm-started from the greedy plan and solved by HiGHS or CBC through PuLP.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from covplan import settings
from covplan._errors import CRSError, InfeasibleCoverError, InputError, SolverError
from covplan.optimise._instance import (
    NEW,
    REAIM,
    SOURCES,
    Instance,
    Reduced,
    achievable,
    components,
    fix_and_residual,
    reduce,
    unit_codes,
    unit_matrix,
    with_,
)
from covplan.optimise._solve import MipResult, solve_mip
from covplan.optimise.greedy import greedy_core

logger = logging.getLogger(__name__)

__all__ = ["CameraCover", "build_instance"]

_BIG_COMPONENT = 300  # columns: parts at least this big get a solve of their own
_NO_CAP = int(np.iinfo(np.int32).max)  # a site capacity that never binds


def _as_csr(A: Any) -> sp.csr_matrix:
    if sp.issparse(A):
        M = sp.csr_matrix(A)
    else:
        M = sp.csr_matrix(np.asarray(A))
    M = M.astype(bool).astype(np.int8)
    M.eliminate_zeros()
    M.sort_indices()
    return M.tocsr()


def build_instance(
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
) -> Instance:
    """Check and encode the arrays of :meth:`CameraCover.from_coverage_matrix`."""
    M = _as_csr(A)
    n_t, n_p = M.shape
    cost_a = np.ones(n_p) if cost is None else np.asarray(cost, dtype=float).ravel()
    if cost_a.shape != (n_p,) or not np.all(np.isfinite(cost_a)) or (cost_a < 0).any():
        msg = f"cost must be {n_p} finite non-negative numbers (one per pose)"
        raise InputError(msg)
    k_a = np.ones(n_t, np.int64) if k is None else np.asarray(k).ravel().astype(np.int64)
    if k_a.shape != (n_t,) or (k_a < 0).any():
        msg = f"k must be {n_t} non-negative integers (one per target)"
        raise InputError(msg)
    w_a = np.ones(n_t) if weight is None else np.asarray(weight, dtype=float).ravel()
    if w_a.shape != (n_t,):
        msg = f"weight must have {n_t} values (one per target)"
        raise InputError(msg)
    if source is None:
        kind = np.full(n_p, NEW, np.int64)
    else:
        src = np.asarray(source, dtype=object).ravel()
        bad = [s for s in set(src.tolist()) if s not in SOURCES]
        if src.shape != (n_p,) or bad:
            msg = f"source must be {n_p} values of {sorted(SOURCES)}; got {bad[:3]}"
            raise InputError(msg)
        kind = np.array([SOURCES[s] for s in src], np.int64)
    cam, _ = unit_codes(camera, n_p)
    if ((kind != NEW) & (cam < 0)).any() and camera is not None:
        msg = "every keep/reaim pose needs its camera (camera=...)"
        raise InputError(msg)
    site_codes, site_names = unit_codes(site, n_p)
    site_codes[cam >= 0] = -1  # an existing camera's pose does not use a site's capacity
    n_sites = len(site_names)
    if capacity is None:
        cap = np.full(n_sites, np.iinfo(np.int32).max, np.int64)
    elif isinstance(capacity, dict):
        cap = np.array([int(capacity.get(s, np.iinfo(np.int32).max)) for s in site_names])
    elif np.ndim(capacity) == 0:
        cap = np.full(n_sites, int(capacity), np.int64)  # type: ignore[arg-type]
    else:
        cap_pose = np.asarray(capacity).ravel()
        if cap_pose.shape != (n_p,):
            msg = "capacity must be an int, a dict site → int, or one value per pose"
            raise InputError(msg)
        cap = np.full(n_sites, np.iinfo(np.int32).max, np.int64)
        ok = site_codes >= 0
        cap[site_codes[ok]] = cap_pose[ok].astype(np.int64)
    name_to_code = {s: i for i, s in enumerate(site_names)}
    forced = np.zeros(n_sites, bool)
    for s in forced_sites:
        if s not in name_to_code:
            msg = f"forced site {s!r} has no pose"
            raise InputError(msg)
        forced[name_to_code[s]] = True
    banned = np.zeros(n_p, bool) if forbidden is None else np.asarray(forbidden, bool).ravel()
    for s in forbidden_sites:
        if s in name_to_code:
            banned |= site_codes == name_to_code[s]
    fixed_a = np.zeros(n_p, bool) if fixed is None else np.asarray(fixed, bool).ravel()
    return Instance(M, cost_a, kind, k_a, w_a, cam, site_codes, cap, forced, fixed_a, banned)


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
    objective, bound, gap : dict
        Per stage (``cameras``, ``cost``, ``second_views``; ``coverage`` for budgets).
    seconds : dict
        Seconds per stage, reductions and greedy included.
    status : dict
        Solver status per stage (``optimal`` or ``time_limit``).
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
        self.objective: dict[str, float] = {}
        self.bound: dict[str, float] = {}
        self.gap: dict[str, float] = {}
        self.status: dict[str, str] = {}
        self.seconds: dict[str, float] = {}
        self.reduction: dict[str, int] = {}
        self.uncovered: NDArray[np.int64] = np.zeros(0, np.int64)
        self.greedy: NDArray[np.bool_] | None = None
        self.poses: pd.DataFrame | None = None

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
        for name, df in (("targets", targets), ("poses", poses)):
            crs = getattr(df, "crs", None)
            if crs is None:
                msg = f"{name} has no CRS; set it (e.g. .set_crs(4326)) before planning"
                raise CRSError(msg)
        need_t = {"target_id", "route_id"}
        need_p = {"source", "camera_id", "site_id", "cost"}
        for name, df, need in (("targets", targets, need_t), ("poses", poses, need_p)):
            missing = sorted(need - set(df.columns))
            if missing:
                msg = f"{name} lacks columns {missing}; build it with covplan's functions"
                raise InputError(msg)
        if coverage is None:
            try:
                from covplan.geometry import coverage_matrix
            except ImportError as err:  # pragma: no cover - until geometry lands
                msg = "covplan.geometry.coverage_matrix is unavailable; pass coverage="
                raise InputError(msg) from err
            coverage = coverage_matrix(targets, poses, buildings)
        seen = getattr(coverage, "seen", coverage)
        M = _as_csr(seen)
        t_ids = getattr(coverage, "target_ids", None)
        p_ids = getattr(coverage, "pose_ids", None)
        if t_ids is not None:
            order = pd.Index(list(t_ids)).get_indexer(targets["target_id"])
            if (order < 0).any():
                msg = "coverage lacks some targets; rebuild it from these targets"
                raise InputError(msg)
            M = M[order]
        if p_ids is not None:
            pid = poses["pose_id"] if "pose_id" in poses.columns else poses.index
            order = pd.Index(list(p_ids)).get_indexer(pid)
            if (order < 0).any():
                msg = "coverage lacks some poses; rebuild it from these poses"
                raise InputError(msg)
            M = M[:, order]
        if M.shape != (len(targets), len(poses)):
            msg = (
                f"coverage is {M.shape[0]}×{M.shape[1]} but there are {len(targets)} "
                f"targets and {len(poses)} poses"
            )
            raise InputError(msg)
        k = targets["k_required"].to_numpy() if "k_required" in targets.columns else None
        weight = targets["weight"].to_numpy() if "weight" in targets.columns else None
        cam = [None if pd.isna(c) else c for c in poses["camera_id"]]
        site = [
            None if pd.isna(s) or c is not None else s
            for s, c in zip(poses["site_id"], cam, strict=True)
        ]
        cap: int | dict[object, int] = capacity
        if sites is not None and "capacity" in sites.columns:
            sid = sites["site_id"] if "site_id" in sites.columns else sites.index
            cap = {s: int(c) for s, c in zip(sid, sites["capacity"], strict=True)}
            for s in set(site) - set(cap) - {None}:
                cap[s] = capacity
        model = cls.from_coverage_matrix(
            M,
            cost=poses["cost"].to_numpy(dtype=float),
            k=k,
            source=poses["source"].tolist(),
            camera=cam,
            site=site,
            capacity=cap,
            weight=weight,
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

    def summary(self) -> dict[str, Any]:
        """One row of figures: poses, cameras, cost, objective/bound/gap, seconds."""
        out: dict[str, Any] = {
            "targets": self.instance.n_targets,
            "poses": self.instance.n_poses,
            "nnz": int(self.instance.A.nnz),
            "new": self.n_new,
            "reaim": self.n_reaim,
            "cost_vnd": self.cost_vnd,
            "uncovered": int(self.uncovered.size),
            "seen_twice": int((self.cover_count >= 2).sum()),
        }
        for d, pre in (
            (self.objective, "objective"),
            (self.bound, "bound"),
            (self.gap, "gap"),
            (self.status, "status"),
            (self.seconds, "s"),
        ):
            for key, v in d.items():
                out[f"{pre}_{key}"] = v
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
                        import geopandas as gpd

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
        deadline = t_start + limit
        inst = self.instance
        self.seconds, self.objective, self.bound, self.gap, self.status = {}, {}, {}, {}, {}
        # feasibility: views each row can get at all
        t0 = time.perf_counter()
        _, banned0, _, _, _ = fix_and_residual(inst)
        reach = achievable(inst, ~banned0)
        short = np.flatnonzero(reach < inst.k)
        if short.size and not self.allow_uncovered and self.budget_vnd is None:
            self._raise_infeasible(short, reach)
        self.uncovered = short
        work = with_(inst, k=np.minimum(inst.k, reach))
        self.seconds["check"] = time.perf_counter() - t0
        if self.budget_vnd is not None:
            x = self._solve_budget(work, solver, deadline, warm_start, msg)
        else:
            try:
                x = self._solve_cover(work, solver, deadline, warm_start, reduce_model, msg)
            except InfeasibleCoverError:
                if not self.allow_uncovered:
                    raise
                # rows that cannot all be met together: cover the most, then cheapest
                logger.warning("targets conflict over site capacities; covering the most")
                self.budget_vnd = math.inf
                try:
                    x = self._solve_budget(work, solver, deadline, warm_start, msg)
                finally:
                    self.budget_vnd = None
        self.selected = x
        self.cover_count = np.asarray(inst.A[:, x].sum(axis=1)).ravel().astype(np.int64)
        self.uncovered = np.flatnonzero(self.cover_count < inst.k).astype(np.int64)
        self.seconds["total"] = time.perf_counter() - t_start
        logger.info(
            "CameraCover.solve(%s): %d new, %d re-aimed, %.0f VND, gap %s, %.1f s",
            solver,
            self.n_new,
            self.n_reaim,
            self.cost_vnd,
            {k: round(v, 6) for k, v in self.gap.items()},
            self.seconds["total"],
        )
        return self

    # one MIP over columns ``cols`` and cover rows ``rows`` with residual demand ``k``
    @staticmethod
    def _side_rows(
        inst: Instance,
        cols: NDArray[np.int64],
        cap: NDArray[np.int64],
        forced: NDArray[np.bool_],
    ) -> tuple[list[sp.csr_matrix], list[NDArray[np.float64]], list[NDArray[np.float64]]]:
        blocks, lo, hi = [], [], []
        cam = inst.camera[cols]
        if inst.n_cameras and (cam >= 0).any():
            U = unit_matrix(cam, inst.n_cameras).T.tocsr()
            present = np.flatnonzero(np.diff(U.indptr) > 0)
            blocks.append(U[present])
            lo.append(np.ones(present.size))
            hi.append(np.ones(present.size))
        site = inst.site[cols]
        if inst.n_sites and (site >= 0).any():
            S = unit_matrix(site, inst.n_sites).T.tocsr()
            n_at = np.diff(S.indptr)
            binding = np.flatnonzero((n_at > cap) & (n_at > 0))
            blocks.append(S[binding])
            lo.append(np.full(binding.size, -np.inf))
            hi.append(cap[binding].astype(float))
            f = np.flatnonzero(forced & (n_at > 0))
            blocks.append(S[f])
            lo.append(np.ones(f.size))
            hi.append(np.full(f.size, np.inf))
        return blocks, lo, hi

    def _record(self, stage: str, results: list[MipResult], const: float = 0.0) -> None:
        self.objective[stage] = const + sum(r.objective for r in results)
        self.bound[stage] = const + sum(r.bound for r in results)
        obj, bnd = self.objective[stage], self.bound[stage]
        self.gap[stage] = (
            0.0
            if all(r.status == "optimal" for r in results)
            else abs(obj - bnd) / max(abs(obj), 1e-9)
        )
        self.status[stage] = (
            "optimal" if all(r.status == "optimal" for r in results) else "time_limit"
        )
        self.seconds[stage] = self.seconds.get(stage, 0.0) + sum(r.seconds for r in results)

    def _solve_cover(
        self,
        inst: Instance,
        solver: str,
        deadline: float,
        warm: bool,
        do_reduce: bool,
        msg: bool,
    ) -> NDArray[np.bool_]:
        W = inst.lex_weight()
        c1_all = np.where(inst.kind == NEW, float(W), 0.0) + (inst.kind == REAIM)
        vary = any(
            np.ptp(inst.cost[inst.kind == kd]) > 0 if (inst.kind == kd).any() else False
            for kd in (NEW, REAIM)
        ) or bool((inst.cost[inst.kind == 0] > 0).any())
        if do_reduce:
            x = self._stage_cameras(inst, c1_all, solver, deadline, warm, msg)
        else:
            t0 = time.perf_counter()
            fixed, banned, k_res, cap, forced = fix_and_residual(inst)
            rows = np.flatnonzero(k_res > 0)
            cols = np.flatnonzero(~fixed & ~banned)
            log = {"rows_in": inst.n_targets, "cols_in": inst.n_poses}
            red = Reduced(inst, rows, cols, k_res[rows], cap, forced, fixed, log)
            self.reduction = dict(log, components=1)
            self.seconds["reduce"] = time.perf_counter() - t0
            one = np.zeros(cols.size, np.int64)
            x, res1, t_greedy = self._solve_groups(
                inst, red, one, 1, c1_all, solver, deadline, warm, msg
            )
            self.seconds["greedy"] = t_greedy
            self._record("cameras", res1, float(c1_all[red.fixed].sum()))
        if vary:
            x = self._stage_cost(inst, x, c1_all, solver, deadline, msg)
        if self.second_views and deadline - time.perf_counter() > 1.0:
            x = self._stage_second_views(inst, x, solver, deadline, msg, c1_all)
        return x

    def _solve_groups(
        self,
        inst: Instance,
        red: Reduced,
        comp: NDArray[np.int64],
        n_comp: int,
        c_all: NDArray[np.float64],
        solver: str,
        deadline: float,
        warm: bool,
        msg: bool,
    ) -> tuple[NDArray[np.bool_], list[MipResult], float]:
        """Minimise ``c_all·x`` over each independent part of ``red``; small parts first.

        Returns the plan over all poses (``red.fixed`` included), the solver results
        and the greedy seconds. Each part gets an even share of the time left, so the
        biggest part, solved last, gets what the small ones did not use.
        """
        A_red = inst.A[red.rows][:, red.cols].tocsr()
        sizes = np.bincount(comp, minlength=n_comp)
        groups: list[NDArray[np.int64]] = []
        small = np.flatnonzero(sizes < _BIG_COMPONENT)
        if small.size:
            groups.append(np.flatnonzero(np.isin(comp, small)))
        for g in sorted(np.flatnonzero(sizes >= _BIG_COMPONENT), key=lambda g: sizes[g]):
            groups.append(np.flatnonzero(comp == g))
        x = red.fixed.copy()
        results: list[MipResult] = []
        t_greedy = 0.0
        for gi, loc in enumerate(groups):
            cols = red.cols[loc]
            rows_loc = np.flatnonzero(np.asarray(A_red[:, loc].sum(axis=1)).ravel() > 0)
            A_g = A_red[rows_loc][:, loc].tocsr()
            k_g = red.k[rows_loc]
            blocks, lo, hi = self._side_rows(inst, cols, red.cap, red.forced_site)
            M = sp.vstack([A_g.astype(float), *blocks]).tocsr()
            lo_a = np.concatenate([k_g.astype(float), *lo])
            hi_a = np.concatenate([np.full(k_g.size, np.inf), *hi])
            start = None
            if warm:
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
                t_greedy += time.perf_counter() - tg
                if _feasible(M, lo_a, hi_a, xg):
                    start = xg.astype(float)
            left = max(deadline - time.perf_counter(), 0.5) / (len(groups) - gi)
            r = solve_mip(
                c_all[cols],
                M,
                lo_a,
                hi_a,
                solver=solver,
                time_limit_s=left,
                start=start,
                integral_objective=True,
                msg=msg,
            )
            if r.status == "infeasible":
                msg_ = (
                    "every target can be seen, but not all at once: site capacities or "
                    "forced sites conflict; raise capacity, or plan with allow_uncovered=True"
                )
                raise InfeasibleCoverError(msg_)
            results.append(r)
            x[cols[r.x > 0.5]] = True
        return x, results, t_greedy

    def _over_capacity(self, inst: Instance, x: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Sites where plan ``x`` puts more new cameras than the site's capacity."""
        if not inst.n_sites:
            return np.zeros(0, bool)
        on = x & (inst.site >= 0)
        return np.bincount(inst.site[on], minlength=inst.n_sites) > inst.cap

    def _stage_cameras(
        self,
        inst: Instance,
        c1_all: NDArray[np.float64],
        solver: str,
        deadline: float,
        warm: bool,
        msg: bool,
    ) -> NDArray[np.bool_]:
        """Stage 1 (fewest new cameras, then re-aims) by relaxing, repairing and checking.

        (a) Solve the relaxation without site capacities, reduced with every site slack;
        its optimum is a lower bound. (b) If its plan breaks capacities, keep its poses
        at the other sites and re-solve the rest with capacities. (c) If the repaired plan
        misses the bound, solve the capacitated model itself; the best plan is kept and
        the bound is the larger of the two. See :class:`CameraCover`, reduction (v).
        """
        t0 = time.perf_counter()
        budget = max(deadline - t0, 0.5)
        # stage 1 counts new cameras and re-aims only: prices play no part in its
        # dominance, so a spec whose view is inside another's at one site goes (vi)
        inst = with_(inst, cost=np.zeros(inst.n_poses))
        sites_cap = inst.cap.copy()
        relaxed = with_(inst, cap=np.where(sites_cap > 0, _NO_CAP, sites_cap))
        red_r = reduce(relaxed)
        n_r, comp_r = components(red_r)
        self.reduction = dict(red_r.log)
        self.reduction["components"] = n_r
        self.seconds["reduce"] = time.perf_counter() - t0
        # the relaxation may use all but a tenth of the time: the rest is for the repair
        x, res_r, tg = self._solve_groups(
            relaxed, red_r, comp_r, n_r, c1_all, solver, deadline - 0.1 * budget, warm, msg
        )
        t_greedy = tg
        const = float(c1_all[red_r.fixed].sum())
        bound = const + sum(math.ceil(r.bound - 1e-6) for r in res_r)
        relax_proven = all(r.status == "optimal" for r in res_r)
        over = self._over_capacity(inst, x)
        self.reduction["relax_over_capacity"] = int(over.sum())
        solves = list(res_r)
        if over.any():
            # (b) repair: free the poses at over-full sites, keep the others, re-solve
            keep = x & ~np.isin(inst.site, np.flatnonzero(over))
            rep = with_(inst, fixed=inst.fixed | keep)
            try:
                red_b = reduce(rep)
                n_b, comp_b = components(red_b)
                x_b, res_b, tg = self._solve_groups(
                    rep, red_b, comp_b, n_b, c1_all, solver, deadline, warm, msg
                )
                t_greedy += tg
                solves += res_b
            except InfeasibleCoverError:
                x_b = None
            x = x_b if x_b is not None else np.zeros_like(x)
            repaired = x_b is not None and float(c1_all[x].sum()) < bound + 0.5
            self.reduction["repaired"] = int(repaired)
            if not repaired:
                # (c) the capacitated model itself
                red_c = reduce(inst)
                n_c, comp_c = components(red_c)
                x_c, res_c, tg = self._solve_groups(
                    inst, red_c, comp_c, n_c, c1_all, solver, deadline, warm, msg
                )
                t_greedy += tg
                solves += res_c
                bound_c = float(c1_all[red_c.fixed].sum()) + sum(
                    math.ceil(r.bound - 1e-6) for r in res_c
                )
                bound = max(bound, bound_c) if relax_proven else bound_c
                if x_b is None or float(c1_all[x_c].sum()) <= float(c1_all[x].sum()):
                    x = x_c
        obj = float(c1_all[x].sum())
        bound = min(bound, obj)
        proven = obj - bound < 1.0 - 1e-6
        self.objective["cameras"] = obj
        self.bound["cameras"] = bound
        self.gap["cameras"] = 0.0 if proven else abs(obj - bound) / max(abs(obj), 1e-9)
        self.status["cameras"] = "optimal" if proven else "time_limit"
        self.seconds["cameras"] = sum(r.seconds for r in solves)
        self.seconds["greedy"] = t_greedy
        return x

    @staticmethod
    def _cheaper_specs(inst: Instance, x: NDArray[np.bool_]) -> NDArray[np.bool_]:
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

    def _stage_cost(
        self,
        inst: Instance,
        x1: NDArray[np.bool_],
        c1_all: NDArray[np.float64],
        solver: str,
        deadline: float,
        msg: bool,
    ) -> NDArray[np.bool_]:
        """Stage 2: the cheapest plan with stage 1's value, part by part.

        The columns are the cost-reduced poses and ``x1``'s own; in each independent
        part the stage-1 value is ``x1``'s count there (see :class:`CameraCover`, (vii)).
        Each part starts from ``x1`` with cheaper specs swapped in.
        """
        t0 = time.perf_counter()
        x1 = self._cheaper_specs(inst, x1)
        red0 = reduce(inst)
        fixed = red0.fixed
        _, _, k_res, cap, forced = fix_and_residual(inst)
        cols = np.union1d(red0.cols, np.flatnonzero(x1 & ~fixed))
        rows = np.flatnonzero(k_res > 0)
        A_c = inst.A[rows][:, cols].tocsr()
        seen = np.diff(A_c.indptr) > 0
        rows = rows[seen]
        red = Reduced(inst, rows, cols, k_res[rows], cap, forced, fixed, {})
        n_comp, comp = components(red)
        self.seconds["reduce"] = self.seconds.get("reduce", 0.0) + time.perf_counter() - t0
        A_red = inst.A[rows][:, cols].tocsr()
        sizes = np.bincount(comp, minlength=n_comp)
        order = np.argsort(sizes, kind="stable")
        x = fixed.copy()
        results: list[MipResult] = []
        for gi, g in enumerate(order):
            loc = np.flatnonzero(comp == g)
            cols_g = cols[loc]
            rows_loc = np.flatnonzero(np.asarray(A_red[:, loc].sum(axis=1)).ravel() > 0)
            A_g = A_red[rows_loc][:, loc].tocsr()
            blocks, lo, hi = self._side_rows(inst, cols_g, cap, forced)
            count_g = float(c1_all[cols_g][x1[cols_g]].sum())
            M = sp.vstack([A_g.astype(float), *blocks, sp.csr_matrix(c1_all[cols_g])]).tocsr()
            lo_a = np.concatenate([red.k[rows_loc].astype(float), *lo, [-np.inf]])
            hi_a = np.concatenate([np.full(rows_loc.size, np.inf), *hi, [count_g + 0.5]])
            r = solve_mip(
                inst.cost[cols_g],
                M,
                lo_a,
                hi_a,
                solver=solver,
                time_limit_s=max(deadline - time.perf_counter(), 0.5) / (n_comp - gi),
                start=x1[cols_g].astype(float),
                msg=msg,
            )
            results.append(r)
            x[cols_g[r.x > 0.5]] = True
        self._record("cost", results, float(inst.cost[fixed].sum()))
        return x

    def _stage_second_views(
        self,
        inst: Instance,
        x: NDArray[np.bool_],
        solver: str,
        deadline: float,
        msg: bool,
        c1_all: NDArray[np.float64],
    ) -> NDArray[np.bool_]:
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
        blocks, lo, hi = self._side_rows(inst, cols, cap, forced)
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
        r = solve_mip(
            c,
            M,
            lo_a,
            hi_a,
            solver=solver,
            time_limit_s=max(deadline - time.perf_counter(), 0.5),
            start=start,
            integral_objective=True,
            msg=msg,
        )
        self._record("second_views", [r])
        # report as "targets seen at least twice among those needing one" (positive)
        already = int(((inst.k == 1) & (have >= 2)).sum())
        for d in (self.objective, self.bound):
            d["second_views"] = -d["second_views"] + already
        x_new = fixed.copy()
        x_new[cols[r.x[:n_c] > 0.5]] = True
        return x_new

    def _solve_budget(
        self, inst: Instance, solver: str, deadline: float, warm: bool, msg: bool
    ) -> NDArray[np.bool_]:
        budget = float(self.budget_vnd or 0.0)
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
        blocks, lo, hi = self._side_rows(inst, cols, cap, forced)
        blocks = [sp.hstack([b, sp.csr_matrix((b.shape[0], n_y))]) for b in blocks]
        bud = sp.csr_matrix(np.append(inst.cost[cols], np.zeros(n_y))[None, :])
        M = sp.vstack([cov_rows, *blocks, bud]).tocsr()
        lo_a = np.concatenate([np.zeros(n_y), *lo, [-np.inf]])
        room = budget - spent + 1e-6 if math.isfinite(budget) else np.inf
        hi_a = np.concatenate([np.full(n_y, np.inf), *hi, [room]])
        w = inst.weight[rows]
        c = np.append(np.zeros(n_c), -w)
        integral = bool(np.all(w == np.round(w)))
        r1 = solve_mip(
            c,
            M,
            lo_a,
            hi_a,
            solver=solver,
            time_limit_s=max(deadline - time.perf_counter(), 0.5),
            integral_objective=integral,
            msg=msg,
        )
        if r1.status == "infeasible":
            msg_ = "no plan fits: every existing camera needs a pose and forced sites a camera"
            raise SolverError(msg_)
        done = float(inst.weight[k_res <= 0].sum())
        self._record("coverage", [r1])
        for d in (self.objective, self.bound):
            d["coverage"] = -d["coverage"] + done
        # then the cheapest plan with that coverage
        M2 = sp.vstack([M, sp.csr_matrix(c[None, :])]).tocsr()
        lo2 = np.append(lo_a, -np.inf)
        hi2 = np.append(
            hi_a, r1.objective + (0.5 if integral else 1e-6 * max(1, abs(r1.objective)))
        )
        c2 = np.append(inst.cost[cols], np.zeros(n_y))
        r2 = solve_mip(
            c2,
            M2,
            lo2,
            hi2,
            solver=solver,
            time_limit_s=max(deadline - time.perf_counter(), 0.5),
            start=r1.x,
            msg=msg,
        )
        self._record("cost", [r2], spent)
        x = fixed.copy()
        x[cols[r2.x[:n_c] > 0.5]] = True
        return x


def _feasible(
    M: sp.csr_matrix, lo: NDArray[np.float64], hi: NDArray[np.float64], x: NDArray[np.bool_]
) -> bool:
    v = M @ x.astype(float)
    return bool(np.all(v >= lo - 1e-9) and np.all(v <= hi + 1e-9))
