"""A greedy plan: the baseline the ILP is measured against, and its warm start.

Existing cameras first (keep, then re-aim where that sees more of what is still
missing), then new poses by the most still-needed views per pose (cheapest first on
ties), then a reverse pass that drops any pose the plan no longer needs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from covplan.optimise._build import build_instance
from covplan.optimise._instance import NEW, REAIM, Instance, achievable, fix_and_residual

logger = logging.getLogger(__name__)

__all__ = ["greedy_cover"]


class _Plan:
    """A greedy plan being built: chosen poses, views per row, new cameras per site."""

    def __init__(self, A: sp.csr_matrix, site: NDArray[np.int64], n_sites: int) -> None:
        self.A = A.tocsr().astype(np.int32)
        self.Ac = self.A.tocsc()
        self.site = site
        self.x = np.zeros(A.shape[1], bool)
        self.cover = np.zeros(A.shape[0], np.int64)
        self.used = np.zeros(n_sites, np.int64)

    def rows(self, j: int) -> NDArray[np.int32]:
        """Rows pose ``j`` sees."""
        return self.Ac.indices[self.Ac.indptr[j] : self.Ac.indptr[j + 1]]

    def take(self, j: int) -> None:
        self.x[j] = True
        self.cover[self.rows(j)] += 1
        if self.site[j] >= 0:
            self.used[self.site[j]] += 1

    def drop(self, j: int) -> None:
        self.x[j] = False
        self.cover[self.rows(j)] -= 1
        if self.site[j] >= 0:
            self.used[self.site[j]] -= 1


def _cheapest_pose(
    mem: NDArray[np.int64], kind: NDArray[np.int64], cost: NDArray[np.float64]
) -> int:
    """Return a camera's cheapest pose (keep before re-aim, then price, then index)."""
    return int(mem[np.lexsort((mem, cost[mem], kind[mem]))[0]])


def _cameras_first(
    plan: _Plan,
    k: NDArray[np.int64],
    members: dict[int, NDArray[np.int64]],
    kind: NDArray[np.int64],
    cost: NDArray[np.float64],
) -> dict[int, int]:
    """1. Every camera at its cheapest pose (keep), then re-aims that see more of what is missed."""
    chosen = {c: _cheapest_pose(mem, kind, cost) for c, mem in members.items()}
    for j in chosen.values():
        plan.take(j)
    for _ in range(3):
        improved = False
        for c, mem in members.items():
            cur = chosen[c]
            rows_cur = plan.rows(cur)
            plan.cover[rows_cur] -= 1  # as if the camera were off
            need = (plan.cover < k).astype(np.int32)
            gains = np.asarray(plan.Ac[:, mem].T @ need).ravel()
            g_cur = int(need[rows_cur].sum())
            best = int(np.argmax(gains))
            plan.cover[rows_cur] += 1
            if gains[best] > g_cur:
                plan.drop(cur)
                chosen[c] = int(mem[best])
                plan.take(int(mem[best]))
                improved = True
        if not improved:
            break
    return chosen


def _forced_sites(
    plan: _Plan,
    new: NDArray[np.bool_],
    target: NDArray[np.int64],
    cost: NDArray[np.float64],
    forced_site: NDArray[np.bool_],
) -> None:
    """2a. A new camera at each forced site: the one adding most needed views, cheapest on ties."""
    for s in np.flatnonzero(forced_site):
        cand = np.flatnonzero(new & (plan.site == s))
        if cand.size:
            need = (plan.cover < target).astype(np.int32)
            g = np.asarray(plan.Ac[:, cand].T @ need).ravel()
            j = int(cand[np.lexsort((cost[cand], -g))[0]])
            plan.take(j)
            new[j] = False


def _add_new(
    plan: _Plan,
    new: NDArray[np.bool_],
    target: NDArray[np.int64],
    cost: NDArray[np.float64],
    cap: NDArray[np.int64],
) -> None:
    """2b. New poses by the most still-needed views (cheapest on ties) while sites have room."""
    site = plan.site
    tie = cost / (np.abs(cost).max() + 1.0) * 0.5 if cost.size else cost
    need = (plan.cover < target).astype(np.int32)
    gain = np.asarray(plan.Ac.T @ need).ravel().astype(float)
    while need.any():
        avail = new.copy()
        if cap.size:
            full = plan.used >= cap
            avail &= ~((site >= 0) & full[np.maximum(site, 0)])
        score = np.where(avail & (gain > 0), gain - tie, -np.inf)
        j = int(np.argmax(score))
        if not np.isfinite(score[j]):
            break
        plan.take(j)
        new[j] = False
        newly = np.flatnonzero(need.astype(bool) & (plan.cover >= target))
        if newly.size:
            need[newly] = 0
            gain -= np.asarray(plan.A[newly].sum(axis=0)).ravel()


def _reverse_pass(
    plan: _Plan,
    target: NDArray[np.int64],
    cam: NDArray[np.int64],
    kind: NDArray[np.int64],
    cost: NDArray[np.float64],
    forced_site: NDArray[np.bool_],
) -> None:
    """3a. Drop new poses the plan no longer needs, dearest first (forced sites keep one)."""
    site = plan.site
    sel = np.flatnonzero(plan.x & (cam < 0))
    for j in sel[np.argsort(-cost[sel] - kind[sel] * 1e12, kind="stable")]:
        if forced_site.size and site[j] >= 0 and forced_site[site[j]] and plan.used[site[j]] <= 1:
            continue
        rows_j = plan.rows(j)
        if np.all(plan.cover[rows_j] - 1 >= target[rows_j]):
            plan.drop(j)


def _undo_reaims(
    plan: _Plan,
    target: NDArray[np.int64],
    chosen: dict[int, int],
    members: dict[int, NDArray[np.int64]],
    kind: NDArray[np.int64],
    cost: NDArray[np.float64],
) -> None:
    """3b. Re-aims no longer needed go back to the camera's cheapest pose."""
    for c, mem in members.items():
        cur = chosen[c]
        base = _cheapest_pose(mem, kind, cost)
        if cur == base:
            continue
        plan.drop(cur)
        plan.take(base)
        if np.any(plan.cover < target):
            plan.drop(base)
            plan.take(cur)


def greedy_core(
    A: sp.csr_matrix,
    k: NDArray[np.int64],
    kind: NDArray[np.int64],
    cost: NDArray[np.float64],
    cam: NDArray[np.int64],
    site: NDArray[np.int64],
    cap: NDArray[np.int64],
    forced_site: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Greedy on one instance: rows need ``k`` views; returns the chosen poses.

    Every camera with a pose gets exactly one; sites keep to ``cap``. Rows that
    cannot be covered are left short (the caller checks).
    """
    plan = _Plan(A, site, cap.size)
    members = {int(c): np.flatnonzero(cam == c) for c in np.unique(cam[cam >= 0])}
    chosen = _cameras_first(plan, k, members, kind, cost)
    new = (cam < 0) & ~plan.x
    target = np.minimum(k, achievable_simple(plan.Ac, k))
    _forced_sites(plan, new, target, cost, forced_site)
    _add_new(plan, new, target, cost, cap)
    _reverse_pass(plan, target, cam, kind, cost, forced_site)
    _undo_reaims(plan, target, chosen, members, kind, cost)
    return plan.x


def achievable_simple(Ac: sp.csc_matrix, k: NDArray[np.int64]) -> NDArray[np.int64]:
    """Upper bound on views per row (count of poses seeing it)."""
    return np.asarray(Ac.sum(axis=1)).ravel().astype(np.int64)


def greedy_instance(inst: Instance) -> NDArray[np.bool_]:
    """Greedy plan over a whole :class:`Instance` (fixings applied first)."""
    fixed, banned, k_res, cap, forced = fix_and_residual(inst)
    cols = np.flatnonzero(~fixed & ~banned)
    reach = achievable(inst, ~banned)
    rows = np.flatnonzero(k_res > 0)
    k_target = np.minimum(k_res, np.maximum(reach - (inst.k - k_res), 0))[rows]
    sub = inst.A[rows][:, cols].tocsr()
    x_sub = greedy_core(
        sub,
        k_target,
        inst.kind[cols],
        inst.cost[cols],
        inst.camera[cols],
        inst.site[cols],
        cap,
        forced,
    )
    x = fixed.copy()
    x[cols[x_sub]] = True
    return x


def greedy_cover(
    A: sp.spmatrix | sp.sparray | ArrayLike,
    *,
    cost: ArrayLike | None = None,
    k: ArrayLike | None = None,
    source: Sequence[str] | ArrayLike | None = None,
    camera: Sequence[object] | None = None,
    site: Sequence[object] | None = None,
    capacity: int | ArrayLike | dict[object, int] | None = None,
    forced_sites: Iterable[object] = (),
    forbidden_sites: Iterable[object] = (),
) -> NDArray[np.bool_]:
    """Greedy camera plan: a boolean array over poses.

    Parameters
    ----------
    A
        Coverage matrix, targets × poses (sparse or array-like, non-zero = seen).
    cost, k, source, camera, site, capacity, forced_sites, forbidden_sites
        As in :meth:`covplan.CameraCover.from_coverage_matrix`.

    Returns
    -------
    numpy.ndarray
        ``True`` for each chosen pose. Targets that no pose can see are left out;
        every existing camera gets exactly one pose.

    Examples
    --------
    >>> import numpy as np
    >>> from covplan import greedy_cover
    >>> greedy_cover(np.array([[1, 0, 1], [0, 1, 1]])).tolist()
    [False, False, True]
    """
    inst = build_instance(
        A,
        cost=cost,
        k=k,
        source=source,
        camera=camera,
        site=site,
        capacity=capacity,
        forced_sites=forced_sites,
        forbidden_sites=forbidden_sites,
    )
    x = greedy_instance(inst)
    logger.info(
        "greedy_cover: %d poses chosen (%d new, %d re-aimed) of %d",
        int(x.sum()),
        int((x & (inst.kind == NEW)).sum()),
        int((x & (inst.kind == REAIM)).sum()),
        inst.n_poses,
    )
    return x
