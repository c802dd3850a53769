r"""Phases and budgets cut out of the one optimal plan: pilot, phase 1, phase 2.

A ward runs its plan in phases: a pilot alley, then one or two whole alleys in each
residential group, then the rest, every earlier camera kept. A ward with less money
than the plan costs finishes whole alleys, highest priority first, instead of
spreading cameras thinly. Both are cut out of **one** full plan (the optimal
:class:`~covplan.optimise.cover.CameraCover`), so phasing adds no camera: the union of
the phases is the plan, and :attr:`PhasePlan.extra_cameras` counts the difference
(0 by construction, computed, not assumed).

Definitions used throughout (``seen`` is the targets × poses coverage matrix):

- **demand** of target *i*: :math:`\min(k_i, v_i)`, where :math:`v_i` is the number of
  the full plan's poses that see it. A target the plan cannot bring to :math:`k_i`
  (:math:`v_i < k_i`) asks only what the plan gives it; it is *short*.
- a route is **finished** when each of its targets has its demand from installed
  poses. Installed poses are the ``always`` poses of the plan (kept cameras, there
  from the start, cost 0) plus those of earlier steps.
- a route is **complete** when each of its targets has :math:`k_i` views; a route with
  a short target is never complete (its :attr:`PhasePlan.route_phase` is -1) but can
  be finished.
- the **cost to finish** a route given what is installed is the cost of a cheapest
  subset of the plan's not-yet-installed poses that meets the route's residual demand:
  exact (every subset tried) when at most :data:`EXACT_POSES` poses are candidates,
  otherwise a greedy weighted set multicover (most still-needed views per VND, free
  poses first) followed by a reverse pass dropping poses no longer needed, dearest
  first. Ties: fewer poses, then lower pose positions.

Money is whole VND (``numpy.int64`` / Python ``int``), never float.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

logger = logging.getLogger(__name__)

__all__ = ["EXACT_POSES", "BudgetSelection", "PhasePlan", "budget_selection", "phase_plan"]

#: Up to this many candidate poses, the cost to finish a route is found exactly.
EXACT_POSES = 10

#: Route kinds a pilot and phase 1 pick from by default (kiệt / hẻm and their branches).
ALLEY_KINDS: tuple[str, ...] = ("alley", "lane")


@dataclass(frozen=True)
class PhasePlan:
    """The full plan cut into a pilot, phase 1 and phase 2.

    Attributes
    ----------
    pose_phase : numpy.ndarray
        Per pose (int64): 0 pilot, 1 phase 1, 2 phase 2; -1 for poses not in the plan
        and for ``always`` poses (kept cameras, there from the start).
    route_phase : pandas.Series
        Indexed by route_id (routes that have targets, in the order of ``routes``):
        the phase at whose end the route is first complete (every target seen at its
        k); 0 also for routes the kept cameras alone complete; -1 for routes never
        complete (a target no pose of the plan can see k times).
    pilot_route : str or None
        The pilot alley (None when no alley-kind route is left to finish).
    by_group : pandas.DataFrame
        What each group must raise per phase: group_id ("" for routes in no group),
        phase, routes (routes first complete in that phase), cameras (poses
        installed in that phase and charged to the group: a pose is charged to the
        group whose route first needed it) and cost_vnd (int64). Only rows with a
        route or a camera. ``cost_vnd`` sums to the cost of the plan's poses (its
        ``always`` poses cost nothing).
    extra_cameras : int
        Poses installed over all phases (kept cameras included) minus the full plan's.
    """

    pose_phase: NDArray[np.int64]
    route_phase: pd.Series
    pilot_route: str | None
    by_group: pd.DataFrame
    extra_cameras: int


@dataclass(frozen=True)
class BudgetSelection:
    """The part of the full plan a budget buys: whole routes, priority first.

    Attributes
    ----------
    selected : numpy.ndarray
        Bool per pose, a subset of the full plan's: its ``always`` poses and the poses
        of the routes bought (a plan pose no route needs is never bought).
    routes_done : list of str
        Routes finished, in the order they were finished (a route finished on the
        way by another's cameras follows it).
    spent_vnd : int
        Cost of the poses bought (``always`` poses cost nothing).
    left_vnd : int
        ``budget_vnd - spent_vnd``.
    skipped : list of str
        Routes left unfinished (their cost to finish is above what is left), in the
        order they would come next.
    """

    selected: NDArray[np.bool_]
    routes_done: list[str]
    spent_vnd: int
    left_vnd: int
    skipped: list[str]


class _Step(NamedTuple):
    """Finishing one route: its position, the pose positions to install, their cost."""

    route: int
    poses: NDArray[np.int64]
    cost: int


# --------------------------------------------------------------------------- covers


def _exact_cover(M: NDArray[np.int64], d: NDArray[np.int64], cost: NDArray[np.int64]) -> NDArray:
    """Return the columns of a cheapest subset of ``M`` giving each row ``d`` views."""
    m = M.shape[1]
    subsets = (np.arange(1 << m)[:, None] >> np.arange(m)) & 1
    ok = np.all(subsets @ M.T >= d, axis=1)
    cand = np.flatnonzero(ok)
    price = subsets[cand] @ cost
    size = subsets[cand].sum(axis=1)
    best = cand[np.lexsort((cand, size, price))[0]]
    return np.flatnonzero(subsets[best])


def _greedy_cover(M: NDArray[np.int64], d: NDArray[np.int64], cost: NDArray[np.int64]) -> NDArray:
    """Greedy multicover (free poses first, then most needed views per VND), reverse pass."""
    left = d.copy()
    free = np.ones(M.shape[1], bool)
    chosen: list[int] = []
    while np.any(left > 0):
        gain = np.where(free, M[left > 0].sum(axis=0), 0)
        if gain.max(initial=0) <= 0:
            break  # cannot happen: the plan's poses meet every demand
        ratio = gain / np.maximum(cost, 1)
        j = int(np.lexsort((np.arange(gain.size), -ratio, cost > 0, gain <= 0))[0])
        chosen.append(j)
        free[j] = False
        left = left - M[:, j]
    have = M[:, chosen].sum(axis=1)
    for j in sorted(chosen, key=lambda c: (-cost[c], -c)):
        if np.all(have - M[:, j] >= d):
            have = have - M[:, j]
            chosen.remove(j)
    return np.array(sorted(chosen), dtype=np.int64)


def _cheapest_cover(
    M: NDArray[np.int64], d: NDArray[np.int64], cost: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Columns of a cheapest subset of ``M`` meeting ``d`` (exact when small, else greedy)."""
    if M.shape[1] <= EXACT_POSES:
        return _exact_cover(M, d, cost).astype(np.int64)
    return _greedy_cover(M, d, cost)


# --------------------------------------------------------------------------- inputs


def _whole_vnd(cost_vnd: ArrayLike) -> NDArray[np.int64]:
    """Return costs as int64 VND; whole-valued floats are accepted, fractions are not."""
    cost = np.asarray(cost_vnd)
    if cost.dtype.kind == "f":
        if not np.all(np.isfinite(cost)) or np.any(cost != np.round(cost)):
            msg = "cost_vnd: costs must be whole VND (integers)"
            raise ValueError(msg)
    elif cost.dtype.kind not in "iub":
        msg = f"cost_vnd: expected whole VND, got dtype {cost.dtype}"
        raise ValueError(msg)
    cost = cost.astype(np.int64)
    if np.any(cost < 0):
        msg = "cost_vnd: costs must not be negative"
        raise ValueError(msg)
    return cost


def _check_lengths(n_targets: int, n_poses: int, **arrays: Any) -> None:
    """Raise ValueError when an array does not have one entry per target / pose."""
    per = {"k": n_targets, "target_route": n_targets}
    for name, arr in arrays.items():
        want = per.get(name, n_poses)
        if len(arr) != want:
            msg = f"{name}: expected {want} entries (one per {'target' if name in per else 'pose'})"
            msg += f", got {len(arr)}"
            raise ValueError(msg)


def _route_table(
    routes: pd.DataFrame, target_route: Sequence[str], priority: set[str]
) -> pd.DataFrame:
    """Return route_id, group_id ("" for none), kind, length_m, priority for routes with targets."""
    if "route_id" not in routes.columns and routes.index.name == "route_id":
        routes = routes.reset_index()
    for col in ("route_id", "kind"):
        if col not in routes.columns:
            msg = f"routes: column {col!r} is missing"
            raise ValueError(msg)
    n = len(routes)
    group = routes["group_id"] if "group_id" in routes.columns else pd.Series([""] * n)
    length = routes["length_m"] if "length_m" in routes.columns else pd.Series([0.0] * n)
    table = pd.DataFrame(
        {
            "route_id": routes["route_id"].astype(str).to_numpy(),
            "group_id": group.where(group.notna(), "").astype(str).to_numpy(),
            "kind": routes["kind"].astype(str).to_numpy(),
            "length_m": pd.to_numeric(length).fillna(0.0).to_numpy(dtype=float),
        }
    ).drop_duplicates("route_id")
    present = set(target_route)
    unknown = sorted(present - set(table["route_id"]))
    if unknown:
        msg = f"target_route: routes not in the routes table: {unknown[:5]}"
        raise ValueError(msg)
    missing = sorted(priority - set(table["route_id"]))
    if missing:
        logger.warning("priority routes without targets in the plan: %s", ", ".join(missing))
    table = table[table["route_id"].isin(present)].reset_index(drop=True)
    table["priority"] = table["route_id"].isin(priority)
    return table


# --------------------------------------------------------------------------- the ward


class _Ward:
    """The full plan's poses, the routes, and what is installed so far.

    Poses are addressed by their position among the plan's poses (``cols``).
    """

    def __init__(
        self,
        seen: Any,
        selected: ArrayLike,
        cost_vnd: ArrayLike,
        k: ArrayLike,
        target_route: ArrayLike,
        routes: pd.DataFrame,
        always: ArrayLike | None,
        priority_routes: Iterable[str],
    ) -> None:
        A = sp.csr_matrix(seen)
        n_t, n_p = A.shape
        sel = np.asarray(selected, dtype=bool)
        cost = _whole_vnd(cost_vnd)
        k_arr = np.asarray(k, dtype=np.int64)
        tr = [str(r) for r in np.asarray(target_route, dtype=object)]
        base = np.zeros(n_p, bool) if always is None else np.asarray(always, dtype=bool)
        _check_lengths(n_t, n_p, selected=sel, cost_vnd=cost, k=k_arr, target_route=tr, always=base)
        self.n_poses = n_p
        self.cols = np.flatnonzero(sel)
        self.A = A[:, self.cols].astype(bool).astype(np.int64).tocsr()
        self.Ac = self.A.tocsc()
        self.cost = cost[self.cols]
        self.k = k_arr
        plan_views = np.asarray(self.A.sum(axis=1)).ravel()
        self.need = np.minimum(k_arr, plan_views)
        self.short = plan_views < k_arr
        table = _route_table(routes, tr, {str(r) for r in priority_routes})
        self.route_ids: list[str] = table["route_id"].tolist()
        self.n_routes = len(self.route_ids)
        self.kind = table["kind"].to_numpy()
        self.length = table["length_m"].to_numpy(dtype=float)
        self.priority = table["priority"].to_numpy(dtype=bool)
        self.groups: list[str] = sorted({*table["group_id"], ""})
        self.route_group = np.array([self.groups.index(g) for g in table["group_id"]], np.int64)
        pos = {r: i for i, r in enumerate(self.route_ids)}
        self.code = np.array([pos[r] for r in tr], dtype=np.int64)
        order = np.argsort(self.code, kind="stable")
        bounds = np.searchsorted(self.code[order], np.arange(self.n_routes + 1))
        self.rows_of = [order[bounds[r] : bounds[r + 1]] for r in range(self.n_routes)]
        self.installed = base[self.cols].copy()
        self.views = self._views_of(np.flatnonzero(self.installed))
        self.phase = np.full(self.cols.size, -1, np.int64)
        self.charge = np.full(self.cols.size, -1, np.int64)
        self._steps: dict[int, _Step] = {}  # finish(r), until a pose seeing r is installed

    def _views_of(self, poses: NDArray[np.int64]) -> NDArray[np.int64]:
        """Return the views per target from the given pose positions."""
        return np.asarray(self.Ac[:, poses].sum(axis=1)).ravel().astype(np.int64)

    def _per_route_any(self, flag: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Return, per route, whether any of its targets has ``flag``."""
        hits = np.bincount(self.code, weights=flag.astype(float), minlength=self.n_routes)
        return hits > 0

    def unfinished(self, add: NDArray[np.int64] | None = None) -> NDArray[np.bool_]:
        """Per route: some target below its demand (after installing ``add`` too)."""
        views = self.views if add is None else self.views + self._views_of(add)
        return self._per_route_any(views < self.need)

    def complete(self) -> NDArray[np.bool_]:
        """Per route: every target seen at its k by what is installed."""
        return ~self._per_route_any(self.views < self.k)

    def finish(self, r: int) -> _Step:
        """Return the cheapest plan poses (not installed) that finish route ``r``."""
        if r not in self._steps:
            self._steps[r] = self._finish(r)
        return self._steps[r]

    def _finish(self, r: int) -> _Step:
        rows = self.rows_of[r]
        d = self.need[rows] - self.views[rows]
        rows, d = rows[d > 0], d[d > 0]
        if rows.size == 0:
            return _Step(r, np.zeros(0, np.int64), 0)
        sub = self.A[rows]
        pool = np.unique(sub.indices)
        pool = pool[~self.installed[pool]]
        pick = pool[_cheapest_cover(sub[:, pool].toarray(), d, self.cost[pool])]
        return _Step(r, pick.astype(np.int64), int(self.cost[pick].sum()))

    def ranked(self, routes: Iterable[int], *, by_priority: bool = True) -> list[_Step]:
        """Return the steps finishing each unfinished route given, best first.

        Priority routes first (``by_priority``), then cheapest to finish, shorter, route_id.
        """
        steps = [s for s in (self.finish(r) for r in routes) if s.poses.size]
        return sorted(
            steps,
            key=lambda s: (
                by_priority and not self.priority[s.route],
                s.cost,
                self.length[s.route],
                self.route_ids[s.route],
            ),
        )

    def install(self, poses: NDArray[np.int64], phase: int, group: int) -> None:
        """Install pose positions in ``phase``, charged to ``group``."""
        poses = poses[~self.installed[poses]]
        self.installed[poses] = True
        self.views += self._views_of(poses)
        # a route's step depends only on the poses that see it
        touched = np.unique(self.code[self.Ac[:, poses].indices])
        for r in touched.tolist():
            self._steps.pop(r, None)
        self.phase[poses] = phase
        self.charge[poses] = group

    def open_routes(self, mask: NDArray[np.bool_] | None = None) -> list[int]:
        """Unfinished routes (within ``mask``), by position."""
        todo = self.unfinished() if mask is None else self.unfinished() & mask
        return np.flatnonzero(todo).tolist()

    def main_group(self, j: int) -> int:
        """Return the group of the route pose ``j`` sees most targets of ("" if none)."""
        rows = self.Ac.indices[self.Ac.indptr[j] : self.Ac.indptr[j + 1]]
        if rows.size == 0:
            return self.groups.index("")
        counts = np.bincount(self.code[rows], minlength=self.n_routes)
        return int(self.route_group[int(np.argmax(counts))])


# --------------------------------------------------------------------------- phases


def _pilot(ward: _Ward, alley: NDArray[np.bool_], pilot_group: str | None) -> int | None:
    """Choose and install the pilot alley; return its position (None when there is none)."""
    cands = ward.open_routes(alley)
    if pilot_group is not None:
        in_group = [r for r in cands if ward.groups[ward.route_group[r]] == str(pilot_group)]
        if in_group:
            cands = in_group
        else:
            logger.warning(
                "pilot group %r has no alley left to finish; the pilot is the ward's "
                "cheapest alley to finish instead",
                pilot_group,
            )
    seeable = [r for r in cands if not ward.short[ward.rows_of[r]].any()]
    cands = seeable or cands
    steps = ward.ranked(cands, by_priority=False)
    if not steps:
        logger.warning("no alley-kind route to pilot: the plan has no pilot")
        return None
    step = steps[0]
    ward.install(step.poses, 0, int(ward.route_group[step.route]))
    return step.route


def _within_quota(
    ward: _Ward,
    add: NDArray[np.int64],
    open_before: NDArray[np.bool_],
    alley: NDArray[np.bool_],
    per_group: int,
) -> bool:
    """Tell whether every group keeps at most ``per_group`` alleys finished in phase 1."""
    done = open_before & alley & ~ward.unfinished(add)
    counts = np.bincount(ward.route_group[done], minlength=len(ward.groups))
    return bool(np.all(counts <= per_group))


def _phase_one(ward: _Ward, alley: NDArray[np.bool_], per_group: int) -> None:
    """Per group (by id): up to ``per_group`` whole alleys, priority first, then cheapest.

    Alleys finished on the way by shared cameras count against their group's quota; a
    step that would put any group over it is passed over for the next.
    """
    open_before = ward.unfinished()
    for g in range(len(ward.groups)):
        mine = alley & (ward.route_group == g)
        while True:
            done = int((open_before & mine & ~ward.unfinished()).sum())
            if done >= per_group:
                break
            step = next(
                (
                    s
                    for s in ward.ranked(ward.open_routes(mine))
                    if _within_quota(ward, s.poses, open_before, alley, per_group)
                ),
                None,
            )
            if step is None:
                break
            ward.install(step.poses, 1, g)


def _phase_two(ward: _Ward) -> None:
    """Every remaining plan pose: per group, routes cheapest first; then poses no route needs."""
    for g in range(len(ward.groups)):
        mine = ward.route_group == g
        while steps := ward.ranked(ward.open_routes(mine)):
            ward.install(steps[0].poses, 2, g)
    for j in np.flatnonzero(~ward.installed):
        ward.install(np.array([j], np.int64), 2, ward.main_group(int(j)))


def _by_group(ward: _Ward, route_phase: NDArray[np.int64]) -> pd.DataFrame:
    """Routes first complete, cameras installed and their cost per group and phase."""
    rows = []
    for g, name in enumerate(ward.groups):
        for p in (0, 1, 2):
            n_routes = int(((ward.route_group == g) & (route_phase == p)).sum())
            mask = (ward.charge == g) & (ward.phase == p)
            if n_routes or mask.any():
                rows.append((name, p, n_routes, int(mask.sum()), int(ward.cost[mask].sum())))
    cols = ["group_id", "phase", "routes", "cameras", "cost_vnd"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.astype({"phase": np.int64, "routes": np.int64, "cameras": np.int64})
    out["cost_vnd"] = out["cost_vnd"].astype(np.int64)
    return out.sort_values(["phase", "group_id"], ignore_index=True)


def phase_plan(
    seen: Any,
    selected: ArrayLike,
    cost_vnd: ArrayLike,
    k: ArrayLike,
    target_route: ArrayLike,
    routes: pd.DataFrame,
    *,
    always: ArrayLike | None = None,
    pilot_group: str | None = None,
    priority_routes: Iterable[str] = (),
    per_group: int = 2,
    alley_kinds: Iterable[str] = ALLEY_KINDS,
) -> PhasePlan:
    """Cut the full plan into a pilot, phase 1 and phase 2, every camera kept.

    - **Pilot** (phase 0): among the alley-kind routes of ``pilot_group`` (the ward's
      when None, or when that group has no alley left to finish — a logged warning
      says so) that the plan can complete (no short target; any alley if none can),
      the cheapest to finish; ties: shorter, then route_id.
    - **Phase 1**: for each group in order of group_id, whole alley-kind routes,
      priority routes first, then the cheapest to finish given what is installed
      (recomputed after each), until ``per_group`` of the group's alleys are finished
      in phase 1. Alleys finished on the way by shared cameras count; a route whose
      cameras would finish more than ``per_group`` alleys of any group in phase 1 is
      passed over for the next. Routes of no group form the group "".
    - **Phase 2**: every remaining pose of the plan (every route is then finished).

    A pose's phase is the first in which it is installed; the ``always`` poses of the
    plan are there from the start and cost nothing. See the module docstring for
    demand, finished, complete and the cost to finish.

    Parameters
    ----------
    seen
        Coverage, targets × poses (scipy.sparse or array-like; non-zero = seen).
    selected
        Bool per pose: the full (unphased) plan.
    cost_vnd
        Cost per pose, whole VND (ints; whole-valued floats accepted).
    k
        Views each target needs.
    target_route
        The route_id of each target.
    routes
        route_id, kind, group_id (None: no group), length_m; route_id may be the index.
    always
        Bool per pose: poses there from the start (kept cameras). Only those in the
        plan count; a kept camera the plan re-aims is its re-aim pose, installed in
        its phase.
    pilot_group
        The residential group that runs the pilot.
    priority_routes
        Route ids that come first in phase 1 (hot spots, border areas).
    per_group
        Alleys per group in phase 1 (the ward's plan says one or two).
    alley_kinds
        Route kinds the pilot and phase 1 pick from.

    Returns
    -------
    PhasePlan
        Each pose's and route's phase, the pilot, the cost per group and phase.

    Raises
    ------
    ValueError
        When array lengths disagree, a target's route is not in ``routes``, a cost
        is negative or not whole VND, or ``per_group`` is negative.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> seen = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 1]])
    >>> routes = pd.DataFrame({"route_id": ["a", "b"], "group_id": "g",
    ...                        "kind": "alley", "length_m": [40.0, 60.0]})
    >>> p = phase_plan(seen, [True, True, False], [900_000, 1_500_000, 1_500_000],
    ...                [1, 1, 1], ["a", "a", "b"], routes, per_group=1)
    >>> p.pose_phase.tolist(), p.pilot_route, p.extra_cameras
    ([0, 1, -1], 'a', 0)
    """
    if per_group < 0:
        msg = f"per_group: expected 0 or more, got {per_group}"
        raise ValueError(msg)
    ward = _Ward(seen, selected, cost_vnd, k, target_route, routes, always, priority_routes)
    alley = np.isin(ward.kind, [str(a) for a in alley_kinds])
    complete = []
    pilot = _pilot(ward, alley, pilot_group)
    complete.append(ward.complete())
    _phase_one(ward, alley, per_group)
    complete.append(ward.complete())
    _phase_two(ward)
    complete.append(ward.complete())
    seen_by = np.vstack(complete)
    route_phase = np.where(seen_by.any(axis=0), seen_by.argmax(axis=0), -1).astype(np.int64)
    pose_phase = np.full(ward.n_poses, -1, np.int64)
    pose_phase[ward.cols] = ward.phase
    kept = ward.cols[ward.phase < 0]  # the plan's always poses
    extra = int((pose_phase >= 0).sum()) + kept.size - ward.cols.size
    by_group = _by_group(ward, route_phase)
    for p in (0, 1, 2):
        mask = ward.phase == p
        logger.info("phase %d: %d cameras, %d VND", p, int(mask.sum()), int(ward.cost[mask].sum()))
    if ward.short.any():
        logger.info("%d targets no pose of the plan sees k times", int(ward.short.sum()))
    return PhasePlan(
        pose_phase=pose_phase,
        route_phase=pd.Series(
            route_phase, index=pd.Index(ward.route_ids, name="route_id"), name="phase"
        ),
        pilot_route=None if pilot is None else ward.route_ids[pilot],
        by_group=by_group,
        extra_cameras=extra,
    )


def budget_selection(
    seen: Any,
    selected: ArrayLike,
    cost_vnd: ArrayLike,
    k: ArrayLike,
    target_route: ArrayLike,
    routes: pd.DataFrame,
    budget_vnd: int,
    *,
    always: ArrayLike | None = None,
    priority_routes: Iterable[str] = (),
) -> BudgetSelection:
    """Buy whole routes of the full plan within a budget, highest priority first.

    Routes are taken in turn: priority routes first, then the cheapest to finish given
    what is installed (recomputed after each route; ties: shorter, then route_id). A
    route whose cost to finish fits in what is left is bought whole; one that does not
    fit is skipped for the next. No route is ever bought in part, and every pose
    bought is one of the full plan's.

    Parameters
    ----------
    seen, selected, cost_vnd, k, target_route, routes, always, priority_routes
        As in :func:`phase_plan`.
    budget_vnd
        Whole VND to spend at most.

    Returns
    -------
    BudgetSelection
        The poses bought, routes finished in order, money spent and left, routes skipped.

    Raises
    ------
    ValueError
        As in :func:`phase_plan`, and for a negative or fractional budget.
    """
    budget = int(budget_vnd)
    if budget != budget_vnd or budget < 0:
        msg = f"budget_vnd: expected whole VND, 0 or more, got {budget_vnd!r}"
        raise ValueError(msg)
    ward = _Ward(seen, selected, cost_vnd, k, target_route, routes, always, priority_routes)
    left = budget
    done: list[str] = []
    while True:
        steps = ward.ranked(ward.open_routes())
        step = next((s for s in steps if s.cost <= left), None)
        if step is None:
            break
        before = ward.unfinished()
        ward.install(step.poses, 0, int(ward.route_group[step.route]))
        left -= step.cost
        newly = np.flatnonzero(before & ~ward.unfinished()).tolist()
        newly.sort(key=lambda r: r != step.route)
        done += [ward.route_ids[r] for r in newly]
    chosen = np.zeros(ward.n_poses, bool)
    chosen[ward.cols[ward.installed]] = True
    logger.info(
        "budget %d VND: %d routes finished, %d VND spent, %d skipped",
        budget,
        len(done),
        budget - left,
        len(steps),
    )
    return BudgetSelection(
        selected=chosen,
        routes_done=done,
        spent_vnd=budget - left,
        left_vnd=left,
        skipped=[ward.route_ids[s.route] for s in steps],
    )
