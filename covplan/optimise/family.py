"""Harder generated camera instances: every route kind, dense targets and sites, several specs.

A ward of straight routes: a grid of streets, lanes through the blocks (joining two
streets), dead-end alleys off the streets and short paths off the alleys' ends —
so targets are strung along routes and coupled at junctions, like a real ward's.
Targets every 3–5 m, candidate sites every 5–10 m, one to three specs (field of view
and reach), 8–16 headings. A pose sees a target on a route it stands on (buildings
fill the blocks, so nothing is seen across one), within its reach and field of view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.spatial import cKDTree

__all__ = ["CameraFamily", "camera_family"]

#: Specs to draw from: (horizontal field of view in degrees, reach in metres, price VND).
SPECS: tuple[tuple[float, float, float], ...] = (
    (90.0, 25.0, 1_500_000.0),
    (60.0, 40.0, 2_500_000.0),
    (110.0, 15.0, 1_200_000.0),
)
KINDS = ("street", "lane", "alley", "path")


@dataclass
class CameraFamily:
    """One generated instance.

    Attributes
    ----------
    A
        Coverage, targets × poses (CSR, 0/1).
    cost
        Price per pose (VND, of its spec).
    spec
        Spec index per pose (into :data:`SPECS`).
    site
        Site index per pose.
    targets_xy, sites_xy
        Coordinates (m).
    target_kind
        Route kind of each target's first route.
    params
        The parameters drawn (spacing, site spacing, headings, specs, size).
    """

    A: sp.csr_matrix
    cost: NDArray[np.float64]
    spec: NDArray[np.int64]
    site: NDArray[np.int64]
    targets_xy: NDArray[np.float64]
    sites_xy: NDArray[np.float64]
    target_kind: NDArray[np.str_]
    params: dict[str, float]


def _routes(
    rng: np.random.Generator, nx: int, ny: int, block_m: float
) -> list[tuple[float, float, float, float, str]]:
    """Axis-aligned route segments (x0, y0, x1, y1, kind)."""
    W, H = (nx - 1) * block_m, (ny - 1) * block_m
    segs: list[tuple[float, float, float, float, str]] = []
    for gx in range(nx):
        segs.append((gx * block_m, 0.0, gx * block_m, H, "street"))
    for gy in range(ny):
        segs.append((0.0, gy * block_m, W, gy * block_m, "street"))
    for bx in range(nx - 1):
        for by in range(ny - 1):
            x0, y0 = bx * block_m, by * block_m
            r = rng.random()
            if r < 0.35:  # a lane through the block, joining two streets
                y = y0 + round(float(rng.uniform(0.3, 0.7)) * block_m)
                segs.append((x0, y, x0 + block_m, y, "lane"))
            elif r < 0.85:  # a dead-end alley off the street, maybe a path at its end
                x = x0 + round(float(rng.uniform(0.25, 0.75)) * block_m)
                length = round(float(rng.uniform(0.3, 0.6)) * block_m)
                segs.append((x, y0, x, y0 + length, "alley"))
                if rng.random() < 0.5:
                    side = float(rng.choice([-1.0, 1.0]))
                    plen = round(float(rng.uniform(0.15, 0.3)) * block_m)
                    segs.append((x, y0 + length, x + side * plen, y0 + length, "path"))
    return segs


def _sample(
    segs: list[tuple[float, float, float, float, str]], step: float
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Points every ``step`` along each segment (and at its ends), and their routes (≤ 4)."""
    pts = []
    for x0, y0, x1, y1, _ in segs:
        length = float(np.hypot(x1 - x0, y1 - y0))
        t = np.append(np.arange(0.0, length, step), length) / max(length, 1e-9)
        pts.append(np.column_stack([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]))
    P = np.unique(np.round(np.vstack(pts), 3), axis=0).astype(np.float64)
    on = np.full((len(P), 4), -1, np.int64)
    n_on = np.zeros(len(P), np.int64)
    for s, (x0, y0, x1, y1, _) in enumerate(segs):
        lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        hit = (
            (P[:, 0] >= lo_x - 1e-6) & (P[:, 0] <= hi_x + 1e-6)
            & (P[:, 1] >= lo_y - 1e-6) & (P[:, 1] <= hi_y + 1e-6)
        )  # fmt: skip
        idx = np.flatnonzero(hit & (n_on < 4))
        on[idx, n_on[idx]] = s
        n_on[idx] += 1
    return P, on


def camera_family(
    seed: int = 0,
    *,
    size: int = 4,
    block_m: float = 60.0,
    spacing_m: float | None = None,
    site_spacing_m: float | None = None,
    headings: int | None = None,
    n_specs: int | None = None,
) -> CameraFamily:
    """Generate one harder camera instance; unset parameters are drawn from ``seed``.

    Parameters
    ----------
    seed
        Random seed (routes, and every parameter left None).
    size
        Streets each way (``size × size`` grid; at least 2).
    block_m
        Block side (m).
    spacing_m
        Target spacing, drawn in [3, 5] m when None.
    site_spacing_m
        Site spacing, drawn in [5, 10] m when None.
    headings
        Headings per site, drawn in {8, 12, 16} when None.
    n_specs
        Specs at every site (1–3, from :data:`SPECS`), drawn when None.

    Returns
    -------
    CameraFamily
        Coverage, prices and the parameters drawn. Targets no pose sees are dropped.
    """
    rng = np.random.default_rng(seed)
    spacing = float(rng.uniform(3.0, 5.0)) if spacing_m is None else float(spacing_m)
    site_sp = float(rng.uniform(5.0, 10.0)) if site_spacing_m is None else float(site_spacing_m)
    n_head = int(rng.choice([8, 12, 16])) if headings is None else int(headings)
    n_sp = int(rng.integers(1, 4)) if n_specs is None else int(n_specs)
    specs = SPECS[:n_sp]
    segs = _routes(rng, max(int(size), 2), max(int(size), 2), block_m)
    T, t_on = _sample(segs, spacing)
    S, s_on = _sample(segs, site_sp)
    heads = np.arange(n_head) * 360.0 / n_head
    n_pose = len(S) * n_head * len(specs)
    p_site = np.repeat(np.arange(len(S)), n_head * len(specs))
    p_head = np.tile(np.repeat(heads, len(specs)), len(S))
    p_spec = np.tile(np.arange(len(specs)), len(S) * n_head)
    hfov = np.array([s[0] for s in specs])[p_spec]
    reach = np.array([s[1] for s in specs])[p_spec]
    price = np.array([s[2] for s in specs])[p_spec]
    D = cKDTree(S).sparse_distance_matrix(
        cKDTree(T), max(s[1] for s in specs), output_type="coo_matrix"
    )
    si, ti = D.row, D.col
    shared = (s_on[si][:, :, None] == t_on[ti][:, None, :]) & (s_on[si][:, :, None] >= 0)
    same_route = shared.any(axis=(1, 2))
    si, ti = si[same_route], ti[same_route]
    # every pose of each (site, target) pair
    per_site = n_head * len(specs)
    pj = (si[:, None] * per_site + np.arange(per_site)[None, :]).ravel()
    tj = np.repeat(ti, per_site)
    d = T[tj] - S[p_site[pj]]
    dist = np.hypot(d[:, 0], d[:, 1])
    bearing = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360
    off = np.abs((bearing - p_head[pj] + 180) % 360 - 180)
    ok = (dist <= reach[pj]) & ((off <= hfov[pj] / 2) | (dist < 1.0))
    A = sp.csr_matrix((np.ones(int(ok.sum()), np.int8), (tj[ok], pj[ok])), shape=(len(T), n_pose))
    A.sum_duplicates()
    A.data[:] = 1
    seen = np.diff(A.indptr) > 0
    kinds = np.array([segs[s][4] for s in t_on[:, 0]])
    return CameraFamily(
        A=A[seen].tocsr(),
        cost=price.astype(np.float64),
        spec=p_spec.astype(np.int64),
        site=p_site.astype(np.int64),
        targets_xy=T[seen],
        sites_xy=S,
        target_kind=kinds[seen],
        params={
            "spacing_m": spacing, "site_spacing_m": site_sp, "headings": n_head,
            "specs": n_sp, "size": size, "block_m": block_m,
        },
    )  # fmt: skip
