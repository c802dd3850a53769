"""The canonical optimisation instance and its exact reductions.

Everything here works on scipy.sparse matrices and numpy arrays: rows are targets,
columns are poses. Nothing is ever densified over targets × poses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

KEEP, REAIM, NEW = 0, 1, 2
SOURCES = {"keep": KEEP, "reaim": REAIM, "new": NEW}

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


@dataclass
class Instance:
    """A covering instance: ``A`` (targets × poses, CSR bool) and its side data.

    ``camera``/``site`` are unit codes per pose (-1 = none); a camera's poses share
    one direction (sum = 1), a site's poses share ``cap[site]``. ``fixed`` poses are
    taken (x = 1), ``banned`` poses are left out (x = 0).
    """

    A: sp.csr_matrix
    cost: FloatArray
    kind: IntArray
    k: IntArray
    weight: FloatArray
    camera: IntArray
    site: IntArray
    cap: IntArray
    forced_site: BoolArray
    fixed: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    banned: BoolArray = field(default_factory=lambda: np.zeros(0, bool))

    def __post_init__(self) -> None:
        n = self.A.shape[1]
        if self.fixed.size == 0:
            self.fixed = np.zeros(n, bool)
        if self.banned.size == 0:
            self.banned = np.zeros(n, bool)

    @property
    def n_targets(self) -> int:
        """Number of rows."""
        return int(self.A.shape[0])

    @property
    def n_poses(self) -> int:
        """Number of columns."""
        return int(self.A.shape[1])

    @property
    def n_cameras(self) -> int:
        """Number of camera units."""
        return int(self.camera.max()) + 1 if self.camera.size and self.camera.max() >= 0 else 0

    @property
    def n_sites(self) -> int:
        """Number of site units."""
        return int(self.cap.size)

    def lex_weight(self) -> int:
        """Weight W of a new camera against a re-aim in the integer stage-1 objective.

        W = (number of re-aimable cameras) + 1: a plan re-aims at most one pose per
        camera, so the re-aim count R < W and W·N + R orders plans by N first, then R.
        """
        reaim_cams = np.unique(self.camera[(self.kind == REAIM) & (self.camera >= 0)])
        free_reaims = int(((self.kind == REAIM) & (self.camera < 0)).sum())
        return int(reaim_cams.size + free_reaims + 1)


def unit_codes(labels: object, n: int) -> tuple[IntArray, list[object]]:
    """Encode per-pose labels (None/NaN = no unit) as integer codes (-1 = none)."""
    if labels is None:
        return np.full(n, -1, np.int64), []
    arr = np.asarray(labels, dtype=object)
    if arr.shape != (n,):
        msg = f"expected {n} labels (one per pose), got shape {arr.shape}"
        raise ValueError(msg)
    codes = np.full(n, -1, np.int64)
    names: list[object] = []
    index: dict[object, int] = {}
    for j, v in enumerate(arr):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
            continue
        code = index.get(v)
        if code is None:
            code = index[v] = len(names)
            names.append(v)
        codes[j] = code
    return codes, names


def unit_matrix(codes: IntArray, n_units: int) -> sp.csr_matrix:
    """Poses × units indicator (CSR) for codes >= 0."""
    cols = np.flatnonzero(codes >= 0)
    return sp.csr_matrix(
        (np.ones(cols.size), (cols, codes[cols])), shape=(codes.size, max(n_units, 0))
    )


def achievable(inst: Instance, cols: BoolArray) -> IntArray:
    """Most times each row can be covered by the poses in ``cols``, row by row.

    A camera contributes at most one view, a site at most its capacity, a pose
    without a unit one view. Exact for each row taken alone.
    """
    A = inst.A[:, cols].tocsc()
    cam = inst.camera[cols]
    site = inst.site[cols]
    free = (cam < 0) & (site < 0)
    total = np.asarray(A[:, free].sum(axis=1)).ravel().astype(np.int64)
    if inst.n_cameras:
        per_cam = (A @ unit_matrix(cam, inst.n_cameras)).tocsr()
        per_cam.data = np.minimum(per_cam.data, 1)
        total += np.asarray(per_cam.sum(axis=1)).ravel().astype(np.int64)
    if inst.n_sites:
        site_only = np.where(cam >= 0, -1, site)
        per_site = (A @ unit_matrix(site_only, inst.n_sites)).tocoo()
        clipped = np.minimum(per_site.data, inst.cap[per_site.col])
        total += np.bincount(per_site.row, weights=clipped, minlength=A.shape[0]).astype(np.int64)
    return total


@dataclass
class Reduced:
    """A reduced instance: ``rows``/``cols`` index the original, ``k`` the residual demand."""

    inst: Instance
    rows: IntArray
    cols: IntArray
    k: IntArray
    cap: IntArray
    forced_site: BoolArray
    fixed: BoolArray
    log: dict[str, int]


def fix_and_residual(inst: Instance) -> tuple[BoolArray, BoolArray, IntArray, IntArray, BoolArray]:
    """Apply fixings: cameras with one pose left, sites full, residual demands.

    Returns fixed, banned, residual k (per original row), residual capacity and the
    forced sites still to satisfy.
    """
    fixed = inst.fixed.copy()
    banned = inst.banned.copy() & ~fixed
    # cameras: a fixed pose bans the camera's others; a camera with one pose left is fixed
    for _ in range(2):
        if inst.n_cameras:
            cam_ok = inst.camera >= 0
            n_fixed = np.bincount(inst.camera[cam_ok & fixed], minlength=inst.n_cameras)
            banned |= cam_ok & (n_fixed[np.maximum(inst.camera, 0)] > 0) & ~fixed
            avail = cam_ok & ~banned
            n_avail = np.bincount(inst.camera[avail], minlength=inst.n_cameras)
            fixed |= avail & (n_avail[np.maximum(inst.camera, 0)] == 1)
    cap = inst.cap.copy()
    forced = inst.forced_site.copy()
    if inst.n_sites:
        s_ok = inst.site >= 0
        used = np.bincount(inst.site[s_ok & fixed], minlength=inst.n_sites)
        cap = cap - used
        forced &= used == 0
        banned |= s_ok & ~fixed & (cap[np.maximum(inst.site, 0)] <= 0)
    have = np.asarray(inst.A[:, fixed].sum(axis=1)).ravel().astype(np.int64)
    k_res = inst.k - have
    return fixed, banned, k_res, cap, forced


def _row_dominance(A: sp.csr_matrix, k: IntArray, chunk: int = 4000) -> BoolArray:
    """Rows implied by another row: S_i ⊆ S_l and k_i ≥ k_l removes l (ties: keep first).

    For 0/1 rows, sum_{S_l} x ≥ sum_{S_i} x ≥ k_i ≥ k_l, so row l adds nothing.
    """
    n = A.shape[0]
    A = A.astype(np.int32).tocsr()
    size = np.diff(A.indptr)
    remove = np.zeros(n, bool)
    AT = A.T.tocsr()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        C = (A[start:stop] @ AT).tocoo()  # C[i, l] = |S_i ∩ S_l|
        i = C.row + start
        sub = (C.data == size[i]) & (i != C.col) & (k[i] >= k[C.col])
        i, sup = i[sub], C.col[sub]
        # identical rows with equal k dominate each other: the smaller index stays
        mutual = (size[sup] == size[i]) & (k[i] == k[sup])
        keep = ~mutual | (i < sup)
        remove[sup[keep]] = True
    return remove


def _col_dominance(
    inst: Instance,
    A: sp.csr_matrix,
    cols: IntArray,
    k: IntArray,
    cap: IntArray,
    forced: BoolArray,
    chunk: int = 4000,
) -> BoolArray:
    """Poses whose removal keeps an optimal plan (see CameraCover's docstring).

    j is removed when some m covers S_j ⊇, costs no more lexicographically
    (new, re-aim, cost), and either shares j's camera (one of them is chosen), or j is
    a new pose whose rows all need one view and m is a unit-free pose or shares j's
    site, or sits on a site whose capacity cannot bind.
    """
    n = A.shape[1]
    if n == 0:
        return np.zeros(0, bool)
    Ac = A.astype(np.int32).tocsc()
    size = np.diff(Ac.indptr)
    kind = inst.kind[cols]
    cost = inst.cost[cols]
    cam = inst.camera[cols]
    site = inst.site[cols]
    # rows needing only one more view
    one = (k <= 1).astype(np.int32)
    all_one = np.asarray(Ac.T @ one).ravel() == size
    # capacity binding: a site with more active poses than capacity
    if inst.n_sites:
        n_at = np.bincount(site[site >= 0], minlength=inst.n_sites)
        slack_site = n_at <= cap
    else:
        slack_site = np.zeros(0, bool)
    forced_pose = (site >= 0) & forced[np.maximum(site, 0)] if inst.n_sites else np.zeros(n, bool)
    remove = np.zeros(n, bool)
    AcT = Ac.T.tocsr()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        G = (AcT[start:stop] @ Ac).tocoo()  # G[j, m] = |S_j ∩ S_m|
        j = G.row + start
        m = G.col
        ok = (G.data == size[j]) & (j != m)
        j, m = j[ok], m[ok]
        # also the empty columns are subsets of everything: handled below
        # a strict superset at no higher (kind, cost) is better whatever its index;
        # identical columns at the same (kind, cost): the smaller index stays
        better = (kind[m] < kind[j]) | (
            (kind[m] == kind[j])
            & ((cost[m] < cost[j]) | ((cost[m] == cost[j]) & ((size[m] > size[j]) | (m < j))))
        )
        # identical columns with identical cost: keep the smaller index only
        same_sz = size[m] == size[j]
        tie = (kind[m] == kind[j]) & (cost[m] == cost[j])
        better &= ~(same_sz & tie & (m > j))
        same_cam = (cam[j] >= 0) & (cam[j] == cam[m])
        new_j = (cam[j] < 0) & ~forced_pose[j]
        m_free = (cam[m] < 0) & (site[m] < 0)
        same_site = (site[j] >= 0) & (site[j] == site[m]) & (cam[m] < 0)
        m_slack = (site[m] >= 0) & (cam[m] < 0)
        if slack_site.size:
            m_slack &= slack_site[np.maximum(site[m], 0)]
        else:
            m_slack &= False
        cross = new_j & all_one[j] & (m_free | same_site | m_slack)
        valid = better & (same_cam | cross)
        remove[j[valid]] = True
    # empty columns: a new pose seeing nothing is never needed (unless at a forced site);
    # a camera's empty poses other than its cheapest are never needed
    empty = size == 0
    remove |= empty & (cam < 0) & ~forced_pose
    if inst.n_cameras:
        for c in np.unique(cam[empty & (cam >= 0)]):
            members = np.flatnonzero(cam == c)
            best = members[np.lexsort((members, cost[members], kind[members]))[0]]
            e = members[empty[members] & (members != best)]
            remove[e] = True
    return remove


def reduce(inst: Instance, *, rows_dominance: bool = True, max_rounds: int = 6) -> Reduced:
    """Fix what is forced, drop satisfied, implied and dominated rows and dominated poses.

    Every step keeps at least one lexicographically optimal plan of the covering
    stages (see the proofs in :class:`covplan.optimise.CameraCover`).
    """
    fixed, banned, k_res, cap, forced = fix_and_residual(inst)
    rows = np.flatnonzero(k_res > 0)
    cols = np.flatnonzero(~fixed & ~banned)
    log = {"rows_in": inst.n_targets, "cols_in": inst.n_poses, "fixed": int(fixed.sum())}
    A = inst.A[rows][:, cols].tocsr()
    k = k_res[rows]
    for _ in range(max_rounds):
        changed = False
        if rows_dominance and A.shape[0]:
            drop = _row_dominance(A, k)
            if drop.any():
                A, rows, k = A[~drop], rows[~drop], k[~drop]
                changed = True
        drop_c = _col_dominance(inst, A, cols, k, cap, forced)
        if drop_c.any():
            A, cols = A[:, ~drop_c].tocsr(), cols[~drop_c]
            changed = True
        if not changed:
            break
    log.update(rows_out=int(rows.size), cols_out=int(cols.size), nnz_out=int(A.nnz))
    return Reduced(inst, rows, cols, k, cap, forced, fixed, log)


def components(red: Reduced) -> tuple[int, IntArray]:
    """Label the independent parts of a reduced instance (per column).

    Two poses are linked when they see a common row, share a camera or share a site.
    """
    A = red.inst.A[red.rows][:, red.cols].tocsr()
    n_c = A.shape[1]
    if n_c == 0:
        return 0, np.zeros(0, np.int64)
    links = [A.T.tocsr()]  # cols × rows
    cam = red.inst.camera[red.cols]
    site = red.inst.site[red.cols]
    blocks = [sp.csr_matrix(A.T)]
    for codes, n_units in ((cam, red.inst.n_cameras), (site, red.inst.n_sites)):
        if n_units:
            blocks.append(unit_matrix(codes, n_units))
    B = sp.hstack(blocks).tocsr()  # cols × (rows + units)
    del links
    G = sp.bmat([[None, B], [B.T, None]]).tocsr()
    _, labels = sp.csgraph.connected_components(G, directed=False)
    col_labels = labels[:n_c]
    uniq, codes = np.unique(col_labels, return_inverse=True)
    return int(uniq.size), codes.astype(np.int64)


def with_(inst: Instance, **changes: object) -> Instance:
    """A copy of ``inst`` with some fields replaced."""
    return replace(inst, **changes)  # type: ignore[arg-type]
