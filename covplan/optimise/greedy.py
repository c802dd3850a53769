"""A greedy plan: the baseline the ILP is measured against, and its warm start.

Existing cameras first (keep, then re-aim where that sees more of what is still
missing), then new poses by the most still-needed views per pose (cheapest first on
ties), then a reverse pass that drops any pose the plan no longer needs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from covplan.optimise._instance import KEEP, NEW, REAIM, Instance, achievable, fix_and_residual

logger = logging.getLogger(__name__)

__all__ = ["greedy_cover"]


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
    n_r, n_c = A.shape
    A = A.tocsr().astype(np.int32)
    Ac = A.tocsc()
    x = np.zeros(n_c, bool)
    cover = np.zeros(n_r, np.int64)
    n_sites = cap.size
    used = np.zeros(n_sites, np.int64)

    def take(j: int) -> None:
        x[j] = True
        a, b = Ac.indptr[j], Ac.indptr[j + 1]
        cover[Ac.indices[a:b]] += 1
        if site[j] >= 0:
            used[site[j]] += 1

    def drop(j: int) -> None:
        x[j] = False
        a, b = Ac.indptr[j], Ac.indptr[j + 1]
        cover[Ac.indices[a:b]] -= 1
        if site[j] >= 0:
            used[site[j]] -= 1

    # 1. every camera at its cheapest pose (keep), then improving re-aims
    cams = np.unique(cam[cam >= 0])
    chosen: dict[int, int] = {}
    members = {int(c): np.flatnonzero(cam == c) for c in cams}
    for c, mem in members.items():
        j = int(mem[np.lexsort((mem, cost[mem], kind[mem]))[0]])
        chosen[c] = j
        take(j)
    for _ in range(3):
        improved = False
        for c, mem in members.items():
            cur = chosen[c]
            a, b = Ac.indptr[cur], Ac.indptr[cur + 1]
            rows_cur = Ac.indices[a:b]
            cover[rows_cur] -= 1  # as if the camera were off
            need = (cover < k).astype(np.int32)
            gains = np.asarray(Ac[:, mem].T @ need).ravel()
            g_cur = int(need[rows_cur].sum())
            best = int(np.argmax(gains))
            cover[rows_cur] += 1
            if gains[best] > g_cur:
                drop(cur)
                chosen[c] = int(mem[best])
                take(int(mem[best]))
                improved = True
        if not improved:
            break
    # 2. forced sites, then new poses by marginal views
    new = (cam < 0) & ~x
    reach = achievable_simple(Ac, k)
    target = np.minimum(k, reach)
    for s in np.flatnonzero(forced_site):
        cand = np.flatnonzero(new & (site == s))
        if cand.size:
            need = (cover < target).astype(np.int32)
            g = np.asarray(Ac[:, cand].T @ need).ravel()
            j = int(cand[np.lexsort((cost[cand], -g))[0]])
            take(j)
            new[j] = False
    tie = cost / (np.abs(cost).max() + 1.0) * 0.5 if cost.size else cost
    need = (cover < target).astype(np.int32)
    gain = np.asarray(Ac.T @ need).ravel().astype(float)
    while need.any():
        avail = new.copy()
        if n_sites:
            full = used >= cap
            avail &= ~((site >= 0) & full[np.maximum(site, 0)])
        score = np.where(avail & (gain > 0), gain - tie, -np.inf)
        j = int(np.argmax(score))
        if not np.isfinite(score[j]):
            break
        take(j)
        new[j] = False
        newly = np.flatnonzero(need.astype(bool) & (cover >= target))
        if newly.size:
            need[newly] = 0
            gain -= np.asarray(A[newly].sum(axis=0)).ravel()
    # 3. reverse pass: drop new poses no longer needed, dearest first
    sel = np.flatnonzero(x & (cam < 0))
    for j in sel[np.argsort(-cost[sel] - kind[sel] * 1e12, kind="stable")]:
        if forced_site.size and site[j] >= 0 and forced_site[site[j]] and used[site[j]] <= 1:
            continue
        a, b = Ac.indptr[j], Ac.indptr[j + 1]
        if np.all(cover[Ac.indices[a:b]] - 1 >= target[Ac.indices[a:b]]):
            drop(j)
    # and re-aims no longer needed go back to the cheapest pose
    for c, mem in members.items():
        cur = chosen[c]
        base = int(mem[np.lexsort((mem, cost[mem], kind[mem]))[0]])
        if cur == base:
            continue
        drop(cur)
        take(base)
        if np.any(cover < target):
            drop(base)
            take(cur)
    return x


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
) -> NDArray[np.bool_]:
    """Greedy camera plan: a boolean array over poses.

    Parameters
    ----------
    A
        Coverage matrix, targets × poses (sparse or array-like, non-zero = seen).
    cost, k, source, camera, site, capacity
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
    from covplan.optimise.cover import build_instance

    inst = build_instance(
        A, cost=cost, k=k, source=source, camera=camera, site=site, capacity=capacity
    )
    x = greedy_instance(inst)
    logger.info(
        "greedy_cover: %d poses chosen (%d new, %d re-aimed) of %d",
        int(x.sum()),
        int((x & (inst.kind == NEW)).sum()),
        int((x & (inst.kind == REAIM)).sum()),
        inst.n_poses,
    )
    _ = KEEP
    return x
