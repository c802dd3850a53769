"""Generated covering instances with a ward's locality structure (tests, benchmarks).

A grid of streets (blocks of ``block_m``), targets every ``spacing_m`` along them,
candidate sites every ``site_spacing_m``, existing cameras scattered along streets. A
pose sees a target within ``range_m``, inside its field of view, and on the same
street line (buildings fill the blocks, so nothing is seen across a block).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.spatial import cKDTree


@dataclass
class Synthetic:
    """A generated instance: coverage matrix and the per-pose / per-target arrays."""

    A: sp.csr_matrix
    source: list[str]
    camera: list[str | None]
    site: list[str | None]
    cost: NDArray[np.float64]
    k: NDArray[np.int64]
    targets_xy: NDArray[np.float64]


def _points_on_grid(nx: int, ny: int, block_m: float, step: float, offset: float) -> NDArray:
    pts = []
    length_x = (nx - 1) * block_m
    length_y = (ny - 1) * block_m
    for gx in range(nx):
        ys = np.arange(offset, length_y + 1e-9, step)
        pts.append(np.column_stack([np.full(ys.size, gx * block_m), ys]))
    for gy in range(ny):
        xs = np.arange(offset, length_x + 1e-9, step)
        on_v = np.isclose(np.mod(xs, block_m), 0)
        xs = xs[~on_v]  # vertical streets already hold the crossings
        pts.append(np.column_stack([xs, np.full(xs.size, gy * block_m)]))
    return np.unique(np.round(np.vstack(pts), 6), axis=0)


def synthetic_ward(
    nx: int = 6,
    ny: int = 6,
    *,
    block_m: float = 60.0,
    spacing_m: float = 5.0,
    site_spacing_m: float = 10.0,
    headings: int = 8,
    hfov_deg: float = 90.0,
    range_m: float = 25.0,
    n_cameras: int = 20,
    prices: tuple[float, ...] = (1_500_000.0,),
    reaim_cost: float = 200_000.0,
    k_at_crossings: int = 1,
    seed: int = 0,
) -> Synthetic:
    """Generate a street-grid covering instance.

    Parameters
    ----------
    nx, ny
        Streets in each direction.
    block_m, spacing_m, site_spacing_m
        Block size, target spacing, candidate-site spacing (metres).
    headings, hfov_deg, range_m
        Headings per site, field of view and range of every pose.
    n_cameras
        Existing cameras (each a keep pose plus ``headings`` re-aim poses; a third of
        them are not adjustable: keep only).
    prices
        One new pose per price at each site and heading (catalogue specs).
    reaim_cost
        Cost of a re-aim pose.
    k_at_crossings
        Views needed at street crossings (others need 1).
    seed
        Random seed.

    Returns
    -------
    Synthetic
        The instance.
    """
    rng = np.random.default_rng(seed)
    T = _points_on_grid(nx, ny, block_m, spacing_m, 0.0)
    S = _points_on_grid(nx, ny, block_m, site_spacing_m, site_spacing_m / 2)
    heads = np.arange(headings) * 360.0 / headings
    # poses: (position, heading, cost, source, camera, site)
    pos: list[NDArray[np.float64]] = []
    head: list[float] = []
    cost: list[float] = []
    source: list[str] = []
    camera: list[str | None] = []
    site: list[str | None] = []
    cams = T[rng.choice(len(T), size=min(n_cameras, len(T)), replace=False)]
    cams = cams + rng.normal(0, 0.01, cams.shape)
    for ci, p in enumerate(cams):
        h0 = float(rng.choice(heads)) + float(rng.uniform(-20, 20))
        pos.append(p)
        head.append(h0)
        cost.append(0.0)
        source.append("keep")
        camera.append(f"cam{ci}")
        site.append(None)
        if ci % 3 != 2:
            for h in heads:
                pos.append(p)
                head.append(float(h))
                cost.append(reaim_cost)
                source.append("reaim")
                camera.append(f"cam{ci}")
                site.append(None)
    for si, p in enumerate(S):
        for h in heads:
            for price in prices:
                pos.append(p)
                head.append(float(h))
                cost.append(price)
                source.append("new")
                camera.append(None)
                site.append(f"s{si}")
    P = np.array(pos)
    H = np.array(head)
    tree_t = cKDTree(T)
    tree_p = cKDTree(P)
    D = tree_p.sparse_distance_matrix(tree_t, range_m, output_type="coo_matrix")
    i, j = D.row, D.col  # D is poses × targets: i pose, j target
    d = T[j] - P[i]
    dist = np.hypot(d[:, 0], d[:, 1])
    bearing = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360
    off = np.abs((bearing - H[i] + 180) % 360 - 180)
    in_fov = (off <= hfov_deg / 2) | (dist < 0.5)
    same_line = (np.abs(d[:, 0]) < 0.5) | (np.abs(d[:, 1]) < 0.5)
    ok = in_fov & same_line & (dist > 0.5)
    A = sp.csr_matrix((np.ones(int(ok.sum()), np.int8), (j[ok], i[ok])), shape=(len(T), len(P)))
    A.sum_duplicates()
    crossing = np.isclose(np.mod(T[:, 0], block_m), 0) & np.isclose(np.mod(T[:, 1], block_m), 0)
    k = np.where(crossing, k_at_crossings, 1).astype(np.int64)
    return Synthetic(A, source, camera, site, np.array(cost), k, T)
