"""The sparse coverage matrix: which camera pose sees which target, and at what pixel density.

:func:`coverage_matrix` builds it without ever looping over target–pose pairs in Python:

1. poses are grouped into *viewpoints* (same position, same mounted building): the
   sight line, hence occlusion, depends only on the viewpoint and the target;
2. a KD-tree over targets gives, for every viewpoint, the targets within the
   farthest horizontal range of any of its poses (for the loosest DORI level asked);
3. all those sight lines are tested against the eroded building blocks in one
   ``STRtree.query(lines, predicate="intersects")`` (:mod:`covplan.geometry.visibility`);
4. unblocked viewpoint–target pairs are expanded to the viewpoint's poses and the FOV,
   range, dead-zone and far-limit tests run as numpy array operations
   (:func:`covplan.geometry.view.in_view`), in chunks to bound memory.

Targets no pose sees are listed in :attr:`Coverage.unseeable` with the reason.

:func:`existing_coverage` answers "what do the cameras we already have see?": the share
of each route and residential group observed, and the gaps as line segments for maps.
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
import shapely.ops
from geopandas import GeoDataFrame
from pyproj import CRS
from scipy import sparse
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan._errors import InputError
from covplan.camera.spec import level_px_per_m
from covplan.geometry import view
from covplan.geometry._common import ids, to_metric, xy
from covplan.geometry.visibility import (
    Occluders,
    blocked,
    inside_blocks,
    sight_lines,
    visible_polygon,
)

logger = logging.getLogger(__name__)

__all__ = [
    "POSE_COLUMNS",
    "UNSEEABLE_REASONS",
    "Coverage",
    "ExistingCoverage",
    "coverage_gaps",
    "coverage_matrix",
    "existing_coverage",
    "occluders_for",
    "pose_arrays",
    "target_thresholds",
    "view_polygons",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

POSE_COLUMNS = ("heading_deg", "hfov_deg", "resolution_px")

#: Why a target is seen by no pose, in the order they are tested.
UNSEEABLE_REASONS = {
    "inside_building": "deeper than the sliver tolerance inside a building footprint",
    "no_pose_in_range": "no pose reaches the target's DORI level at its distance "
    "(beyond range, in every dead zone, or past every far limit)",
    "outside_every_view": "poses in range, but the target is outside each one's FOV",
    "occluded": "in view and range of some poses, but a building hides it from each",
}


@dataclass
class Coverage:
    """A sparse coverage matrix and what explains its empty rows.

    Attributes
    ----------
    seen
        CSR bool, n_targets × n_poses: pose j sees target i at its level.
    px_per_m
        CSR float with the same pattern: pixel density of each seen pair.
    target_ids, pose_ids
        Row and column labels (``target_id`` / ``pose_id`` columns, or the index).
    unseeable
        DataFrame ``target_id, reason, n_in_range, n_in_view`` for every target no
        pose sees (reasons in :data:`UNSEEABLE_REASONS`).
    sliver_tolerance_m
        The tolerance used for occlusion.
    seconds
        Time per stage.
    stats
        Counts: viewpoints, candidate pairs, sight lines blocked, pose pairs tested.
    """

    seen: sparse.csr_matrix
    px_per_m: sparse.csr_matrix
    target_ids: np.ndarray
    pose_ids: np.ndarray
    unseeable: pd.DataFrame
    sliver_tolerance_m: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """(n_targets, n_poses)."""
        return (int(self.seen.shape[0]), int(self.seen.shape[1]))

    @property
    def nnz(self) -> int:
        """Number of seen target–pose pairs."""
        return int(self.seen.nnz)

    def cover_count(self, selected: npt.ArrayLike | None = None) -> IntArray:
        """Return how many (selected) poses see each target.

        Parameters
        ----------
        selected
            Bool mask over poses; default all poses.

        Returns
        -------
        numpy.ndarray of int
            One count per target, in row order.
        """
        if selected is None:
            return np.asarray(self.seen.sum(axis=1), dtype=np.int64).ravel()
        mask = np.asarray(selected, dtype=bool)
        return np.asarray(self.seen @ mask.astype(np.int64), dtype=np.int64).ravel()


def target_thresholds(targets: pd.DataFrame, default_level: str | float = "observe") -> FloatArray:
    """Return the px/m each target's DORI level asks for.

    Parameters
    ----------
    targets
        With a ``level`` column (level names or px/m); missing or NaN → ``default_level``.
    default_level
        Level for targets without one.

    Returns
    -------
    numpy.ndarray
    """
    if "level" not in targets.columns:
        return np.full(len(targets), level_px_per_m(default_level))
    levels = targets["level"].to_numpy(dtype=object)
    table: dict[Any, float] = {}
    out = np.empty(len(levels))
    for i, lv in enumerate(levels):  # per target, not per pair; memoised
        key = default_level if lv is None or (isinstance(lv, float) and np.isnan(lv)) else lv
        if key not in table:
            table[key] = level_px_per_m(key)
        out[i] = table[key]
    return out


def pose_arrays(poses: pd.DataFrame) -> dict[str, FloatArray]:
    """Return the pose parameters as float arrays, with documented defaults for gaps.

    Missing or NaN ``mount_height_m`` → :data:`covplan.settings.mount_height_m`;
    ``tilt_deg`` → :data:`covplan.settings.tilt_deg`; ``vfov_deg`` → derived from
    ``hfov_deg`` for a 16:9 sensor (180 for a fisheye). A NaN ``heading_deg`` sees
    nothing (unless ``hfov_deg >= 360``).

    Parameters
    ----------
    poses
        The poses table (docs/interfaces.md).

    Returns
    -------
    dict[str, numpy.ndarray]
        heading_deg, hfov_deg, vfov_deg, resolution_px, mount_height_m, tilt_deg.
    """
    missing = [c for c in POSE_COLUMNS if c not in poses.columns]
    if missing:
        msg = f"poses lack columns {missing}; build them with site_poses() or optimise.options"
        raise InputError(msg, column=missing[0])

    def col(name: str, default: float) -> FloatArray:
        if name not in poses.columns:
            return np.full(len(poses), default)
        arr = pd.to_numeric(poses[name], errors="coerce").to_numpy(float)
        return np.where(np.isnan(arr), default, arr)

    hfov = pd.to_numeric(poses["hfov_deg"], errors="coerce").to_numpy(float)
    res = pd.to_numeric(poses["resolution_px"], errors="coerce").to_numpy(float)
    bad = np.isnan(hfov) | np.isnan(res) | (hfov <= 0) | (res <= 0)
    if bad.any():
        where = poses.index[bad][:5].tolist()
        msg = f"{int(bad.sum())} poses have no usable hfov_deg/resolution_px (e.g. rows {where})"
        raise InputError(msg, column="hfov_deg")
    with np.errstate(invalid="ignore"):
        vfov_169 = np.where(
            hfov >= 180, 180.0, np.degrees(2 * np.arctan(np.tan(np.radians(hfov / 2)) * 9 / 16))
        )
    vfov = col("vfov_deg", np.nan)
    vfov = np.where(np.isnan(vfov), vfov_169, vfov)
    return {
        "heading_deg": pd.to_numeric(poses["heading_deg"], errors="coerce").to_numpy(float),
        "hfov_deg": hfov,
        "vfov_deg": vfov,
        "resolution_px": res,
        "mount_height_m": col("mount_height_m", settings.mount_height_m),
        "tilt_deg": col("tilt_deg", settings.tilt_deg),
    }


def occluders_for(
    buildings: GeoDataFrame | None,
    *,
    crs: CRS | str | int | None = None,
    sliver_tolerance_m: float | None = None,
    corridor: BaseGeometry | None = None,
    frame: BaseGeometry | None = None,
) -> Occluders:
    """Build the occluders of a buildings table (metric CRS, eroded blocks, footprints by id).

    Parameters
    ----------
    buildings
        ``building_id`` (column or index) and footprints; None or empty: nothing occludes.
    crs
        Projected CRS to compute in (default: the table's own, which must be metric).
    sliver_tolerance_m
        Default :data:`covplan.settings.sliver_tolerance_m`.
    corridor, frame
        Open space and the region around it (in ``crs``): everything in ``frame``
        outside the corridor blocks sight lines too (unmapped houses; see
        :mod:`covplan.geometry.visibility`). None: buildings only.

    Returns
    -------
    Occluders
    """
    tol = settings.sliver_tolerance_m if sliver_tolerance_m is None else sliver_tolerance_m
    extra: dict[str, Any] = {
        "corridor": corridor,
        "frame": frame,
        "corridor_margin_m": settings.corridor_margin_m,
        "snap_m": settings.corridor_snap_m,
    }
    if buildings is None or len(buildings) == 0:
        return Occluders.from_footprints([], [], sliver_tolerance_m=tol, **extra)
    b = to_metric(buildings, crs, "buildings")
    bid = [str(i) for i in ids(b, "building_id")]
    return Occluders.from_footprints(b.geometry.to_numpy(), bid, sliver_tolerance_m=tol, **extra)


def coverage_matrix(
    targets: GeoDataFrame,
    poses: GeoDataFrame,
    buildings: GeoDataFrame | None,
    *,
    crs: CRS | str | int | None = None,
    sliver_tolerance_m: float | None = None,
    default_level: str | float = "observe",
    occluders: Occluders | None = None,
    chunk_pairs: int = 2_000_000,
    near_zone: bool = True,
) -> Coverage:
    """Build the sparse targets × poses coverage matrix with pixel densities.

    Parameters
    ----------
    targets
        Points with ``level`` (DORI level name or px/m; default ``default_level``) and
        ``target_id`` (column, else the index labels the rows).
    poses
        Points with heading_deg, hfov_deg, vfov_deg, resolution_px, mount_height_m,
        tilt_deg, building_id (optional) and ``pose_id`` (column, else the index);
        see docs/interfaces.md. Gaps are filled as :func:`pose_arrays` documents.
    buildings
        Footprints with ``building_id`` (column or index); None: nothing occludes.
    crs
        Projected metric CRS to compute in (e.g. ``area.crs``). Default: the inputs'
        own CRS, which must then be projected; tables in degrees raise CRSError.
    sliver_tolerance_m
        Depth of footprint a sight line may cross (mapping slivers); default
        :data:`covplan.settings.sliver_tolerance_m`; 0 gives the plain test.
        See :mod:`covplan.geometry.visibility`.
    default_level
        DORI level for targets without a ``level``.
    occluders
        Prebuilt :class:`Occluders` (reuse across calls); overrides ``buildings``.
    chunk_pairs
        Maximum target–pose pairs tested per numpy batch (memory bound).
    near_zone
        Count a target in a pose's near dead zone as seen when a person walking along
        the route passes through the picture (:func:`covplan.geometry.view.near_zone`;
        the route's direction comes from the targets' ``bearing_deg``, NaN or absent:
        any direction). False: the dead zone sees nothing.

    Returns
    -------
    Coverage
        ``seen`` and ``px_per_m`` as CSR matrices (rows = targets in order, columns =
        poses in order) and the ``unseeable`` report.

    Raises
    ------
    CRSError
        A table without a CRS, or in degrees with no ``crs`` given.
    """
    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    if crs is None and targets.crs is not None and targets.crs.is_projected:
        crs = targets.crs
    tgt = to_metric(targets, crs, "targets")
    pos = to_metric(poses, crs, "poses")
    tol = settings.sliver_tolerance_m if sliver_tolerance_m is None else sliver_tolerance_m
    if occluders is None:
        occluders = occluders_for(buildings, crs=crs, sliver_tolerance_m=tol)
    seconds["occluders"] = time.perf_counter() - t0

    n_t, n_p = len(tgt), len(pos)
    T = xy(tgt) if n_t else np.empty((0, 2))
    P = xy(pos) if n_p else np.empty((0, 2))
    thr = target_thresholds(tgt, default_level)
    bearing = (
        pd.to_numeric(tgt["bearing_deg"], errors="coerce").to_numpy(float)
        if near_zone and "bearing_deg" in tgt.columns
        else (np.full(n_t, np.nan) if near_zone else None)
    )
    pa = pose_arrays(pos) if n_p else {}
    mounted_ids = (
        pos["building_id"].to_numpy(dtype=object)
        if "building_id" in pos.columns
        else np.full(n_p, None, dtype=object)
    )

    # 1. viewpoints: poses sharing a position and a mounted building
    t1 = time.perf_counter()
    bkey = np.array([None if _missing(b) else str(b) for b in mounted_ids], dtype=object)
    key = pd.DataFrame({"x": P[:, 0], "y": P[:, 1], "b": pd.Series(bkey).fillna("")})
    vp_of_pose = key.groupby(["x", "y", "b"], sort=False).ngroup().to_numpy(np.int64)
    n_v = int(vp_of_pose.max()) + 1 if n_p else 0
    first = np.full(n_v, -1, dtype=np.int64)
    first[vp_of_pose[::-1]] = np.arange(n_p)[::-1]
    V = P[first] if n_v else np.empty((0, 2))
    vp_building = bkey[first] if n_v else np.empty(0, dtype=object)
    order = np.argsort(vp_of_pose, kind="stable")
    counts = np.bincount(vp_of_pose, minlength=n_v)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)

    # 2. candidate viewpoint–target pairs within the farthest reach of each viewpoint
    if n_t and n_p:
        reach_pose = view.horizontal_range_m(
            pa["resolution_px"],
            pa["hfov_deg"],
            thr.min(),
            pa["mount_height_m"],
            pa["tilt_deg"],
            pa["vfov_deg"],
        )
        if bearing is not None:  # the near zone is seen too (walking past the mount)
            dead = view.near_dead_zone_m(pa["mount_height_m"], pa["tilt_deg"], pa["vfov_deg"])
            reach_pose = np.maximum(reach_pose, np.where(np.isfinite(dead), dead, 0.0))
        reach_v = np.zeros(n_v)
        np.maximum.at(reach_v, vp_of_pose, reach_pose)
        reach_v = reach_v * (1 + 1e-9) + 1e-6
        tree = cKDTree(T)
        hits = tree.query_ball_point(V, reach_v, return_sorted=False)
        lens = np.fromiter((len(h) for h in hits), dtype=np.int64, count=n_v)
        pv = np.repeat(np.arange(n_v, dtype=np.int64), lens)
        pt = (
            np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
            if lens.sum()
            else np.empty(0, dtype=np.int64)
        )
    else:
        pv = pt = np.empty(0, dtype=np.int64)
    seconds["candidates"] = time.perf_counter() - t1

    # 3. one batched occlusion test for all viewpoint–target sight lines
    t2 = time.perf_counter()
    own = np.array(
        [None if b is None else occluders.footprints.get(b) for b in vp_building], dtype=object
    )
    lines = sight_lines(occluders.origins(V)[pv], T[pt], own[pv] if len(pv) else None)
    is_blocked = blocked(occluders, lines)
    del lines
    seconds["occlusion"] = time.perf_counter() - t2

    # 4. expand unblocked pairs to poses; FOV / range / dead zone as array math
    t3 = time.perf_counter()
    keep = ~is_blocked
    rows, cols, dens, tested = _expand(
        pv[keep], pt[keep], T, V, thr, pa, order, starts, counts, chunk_pairs, bearing
    )
    seen = sparse.csr_matrix(
        (np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n_t, n_p), dtype=bool
    )
    px = sparse.csr_matrix((dens, (rows, cols)), shape=(n_t, n_p), dtype=np.float64)
    seen.sort_indices()
    px.sort_indices()
    seconds["views"] = time.perf_counter() - t3

    # 5. why are the empty rows empty?
    t4 = time.perf_counter()
    n_seen = np.diff(seen.indptr)
    unseen = np.flatnonzero(n_seen == 0)
    unseeable = _diagnose(
        unseen,
        pv,
        pt,
        is_blocked,
        T,
        V,
        thr,
        pa,
        order,
        starts,
        counts,
        occluders,
        chunk_pairs,
        bearing,
    )
    tid = ids(tgt, "target_id")
    unseeable.insert(0, "target_id", tid[unseen])
    seconds["unseeable"] = time.perf_counter() - t4
    seconds["total"] = time.perf_counter() - t0

    stats = {
        "targets": n_t,
        "poses": n_p,
        "viewpoints": n_v,
        "sight_lines": len(pv),
        "blocked": int(is_blocked.sum()),
        "pose_pairs_tested": tested,
        "nnz": int(seen.nnz),
        "unseeable": len(unseen),
    }
    logger.info(
        "coverage: %d targets x %d poses, %d seen pairs, %d targets unseeable, %.2f s",
        n_t,
        n_p,
        seen.nnz,
        len(unseen),
        seconds["total"],
    )
    return Coverage(
        seen=seen,
        px_per_m=px,
        target_ids=tid,
        pose_ids=ids(pos, "pose_id"),
        unseeable=unseeable,
        sliver_tolerance_m=tol,
        seconds=seconds,
        stats=stats,
    )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _pose_pairs(
    pv: IntArray, counts: IntArray, starts: IntArray, order: IntArray
) -> tuple[IntArray, IntArray]:
    """Expand viewpoint pairs to (pair index, pose index) without a Python loop."""
    rep = counts[pv]
    total = int(rep.sum())
    pair = np.repeat(np.arange(len(pv), dtype=np.int64), rep)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(rep) - rep, rep)
    pose = order[np.repeat(starts[pv], rep) + offset]
    return pair, pose


def _chunks(pv: IntArray, counts: IntArray, chunk_pairs: int) -> list[slice]:
    """Split viewpoint pairs into slices expanding to at most ~chunk_pairs pose pairs."""
    if len(pv) == 0:
        return []
    cum = np.cumsum(counts[pv])
    bounds = np.searchsorted(cum, np.arange(chunk_pairs, int(cum[-1]), chunk_pairs), side="left")
    edges = np.unique(np.concatenate([[0], bounds + 1, [len(pv)]]))
    edges = np.clip(edges, 0, len(pv))
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _pair_tests(
    pt: IntArray,
    pv: IntArray,
    pose: IntArray,
    T: FloatArray,
    V: FloatArray,
    thr: FloatArray,
    pa: dict[str, FloatArray],
    bearing: FloatArray | None = None,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], FloatArray]:
    """Return (in range, in view, density) for target–pose pairs.

    With ``bearing`` (the route's direction per target), targets in a pose's near dead
    zone are seen walking past it (:func:`covplan.geometry.view.near_zone`).
    """
    d = T[pt] - V[pv]
    pose_kw = {
        "heading_deg": pa["heading_deg"][pose],
        "hfov_deg": pa["hfov_deg"][pose],
        "vfov_deg": pa["vfov_deg"][pose],
        "resolution_px": pa["resolution_px"][pose],
        "mount_height_m": pa["mount_height_m"][pose],
        "tilt_deg": pa["tilt_deg"][pose],
        "px_per_m_required": thr[pt],
    }
    seen, dens = view.in_view(d[:, 0], d[:, 1], **pose_kw)
    horiz = np.hypot(d[:, 0], d[:, 1])
    h, tilt, vfov = pa["mount_height_m"][pose], pa["tilt_deg"][pose], pa["vfov_deg"][pose]
    in_range = (
        (dens >= thr[pt])
        & (horiz >= view.near_dead_zone_m(h, tilt, vfov))
        & (horiz <= view.far_limit_m(h, tilt, vfov))
    )
    if bearing is not None:
        near, near_dens = view.near_zone(d[:, 0], d[:, 1], route_bearing_deg=bearing[pt], **pose_kw)
        dens = np.where(near & ~seen, near_dens, dens)
        seen = seen | near
        in_range = in_range | near
    return in_range, seen, dens


def _expand(
    pv: IntArray,
    pt: IntArray,
    T: FloatArray,
    V: FloatArray,
    thr: FloatArray,
    pa: dict[str, FloatArray],
    order: IntArray,
    starts: IntArray,
    counts: IntArray,
    chunk_pairs: int,
    bearing: FloatArray | None = None,
) -> tuple[IntArray, IntArray, FloatArray, int]:
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    dens: list[FloatArray] = []
    tested = 0
    for sl in _chunks(pv, counts, chunk_pairs):
        pair, pose = _pose_pairs(pv[sl], counts, starts, order)
        tt, vv = pt[sl][pair], pv[sl][pair]
        _, ok, dd = _pair_tests(tt, vv, pose, T, V, thr, pa, bearing)
        tested += len(pose)
        rows.append(tt[ok])
        cols.append(pose[ok])
        dens.append(dd[ok])
    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), 0
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(dens), tested


def _diagnose(
    unseen: IntArray,
    pv: IntArray,
    pt: IntArray,
    is_blocked: npt.NDArray[np.bool_],
    T: FloatArray,
    V: FloatArray,
    thr: FloatArray,
    pa: dict[str, FloatArray],
    order: IntArray,
    starts: IntArray,
    counts: IntArray,
    occluders: Occluders,
    chunk_pairs: int,
    bearing: FloatArray | None = None,
) -> pd.DataFrame:
    n_t = len(T)
    in_range_n = np.zeros(n_t, dtype=np.int64)
    in_view_n = np.zeros(n_t, dtype=np.int64)
    is_unseen = np.zeros(n_t, dtype=bool)
    is_unseen[unseen] = True
    sel = is_unseen[pt] if len(pt) else np.zeros(0, dtype=bool)
    spv, spt = pv[sel], pt[sel]
    for sl in _chunks(spv, counts, chunk_pairs):
        pair, pose = _pose_pairs(spv[sl], counts, starts, order)
        tt, vv = spt[sl][pair], spv[sl][pair]
        rng, ok, _ = _pair_tests(tt, vv, pose, T, V, thr, pa, bearing)
        np.add.at(in_range_n, tt, rng)
        np.add.at(in_view_n, tt, ok)
    inside = inside_blocks(occluders, T[unseen]) if len(unseen) else np.zeros(0, bool)
    reason = np.where(
        inside,
        "inside_building",
        np.where(
            in_range_n[unseen] == 0,
            "no_pose_in_range",
            np.where(in_view_n[unseen] == 0, "outside_every_view", "occluded"),
        ),
    )
    return pd.DataFrame(
        {
            "reason": pd.Series(reason, dtype=object),
            "n_in_range": in_range_n[unseen],
            "n_in_view": in_view_n[unseen],
        }
    )


@dataclass
class ExistingCoverage:
    """What the cameras that exist see, as they are.

    Attributes
    ----------
    coverage
        The coverage matrix of the cameras' poses.
    targets
        The targets with ``n_views`` (how many cameras see each) and ``seen`` (bool).
    by_route
        Per route: route_id, group_id, n_targets, n_seen, length_m (metres of route the
        targets stand for), seen_m, share_seen (by length).
    by_group
        The same per residential group.
    gaps
        Unseen stretches of the routes as LineStrings (route_id, group_id, length_m),
        EPSG:4326, for maps.
    """

    coverage: Coverage
    targets: GeoDataFrame
    by_route: pd.DataFrame
    by_group: pd.DataFrame
    gaps: GeoDataFrame


def existing_coverage(
    targets: GeoDataFrame,
    poses: GeoDataFrame,
    buildings: GeoDataFrame | None,
    routes: GeoDataFrame,
    *,
    crs: CRS | str | int | None = None,
    sliver_tolerance_m: float | None = None,
    occluders: Occluders | None = None,
) -> ExistingCoverage:
    """Report what existing cameras see as they are: shares per route and group, and gaps.

    Parameters
    ----------
    targets
        From :func:`covplan.geometry.sample_targets` (needs route_id, group_id, kind,
        weight, part, measure_m).
    poses
        One pose per camera as it is (e.g. :func:`covplan.geometry.sites.camera_poses`
        of the surveyed cameras, or the ``keep`` poses).
    buildings
        Footprints.
    routes
        ``area.routes`` (route_id column or index, LineString/MultiLineString), for gaps.
    crs
        Metric CRS to compute in (e.g. ``area.crs``).
    sliver_tolerance_m
        As for :func:`coverage_matrix`.
    occluders
        Prebuilt occluders (e.g. with the area's corridor); overrides ``buildings``.

    Returns
    -------
    ExistingCoverage
    """
    cov = coverage_matrix(
        targets,
        poses,
        buildings,
        crs=crs,
        sliver_tolerance_m=sliver_tolerance_m,
        occluders=occluders,
    )
    tg = targets.copy()
    tg["n_views"] = cov.cover_count()
    tg["seen"] = tg["n_views"] > 0
    w = tg["weight"].astype(float) if "weight" in tg.columns else pd.Series(1.0, index=tg.index)
    tg["_w"] = w
    tg["_ws"] = w.where(tg["seen"], 0.0)

    def summary(key: str) -> pd.DataFrame:
        g = tg.groupby(key, dropna=True)
        out = pd.DataFrame(
            {
                "n_targets": g.size(),
                "n_seen": g["seen"].sum().astype(int),
                "length_m": g["_w"].sum(),
                "seen_m": g["_ws"].sum(),
            }
        )
        out["share_seen"] = out["seen_m"] / out["length_m"].where(out["length_m"] > 0)
        return out.reset_index()

    by_route = summary("route_id")
    if "group_id" in tg.columns:
        first_group = tg.groupby("route_id")["group_id"].first()
        by_route.insert(1, "group_id", by_route["route_id"].map(first_group))
        by_group = summary("group_id")
    else:
        by_group = pd.DataFrame(
            columns=["group_id", "n_targets", "n_seen", "length_m", "seen_m", "share_seen"]
        )
    gaps = coverage_gaps(tg, routes, crs=crs)
    logger.info(
        "existing cameras: %d poses see %.0f%% of %d targets; %d gaps",
        len(poses),
        100 * tg["seen"].mean() if len(tg) else 0.0,
        len(tg),
        len(gaps),
    )
    return ExistingCoverage(cov, tg.drop(columns=["_w", "_ws"]), by_route, by_group, gaps)


def coverage_gaps(
    targets: GeoDataFrame, routes: GeoDataFrame, *, crs: CRS | str | int | None = None
) -> GeoDataFrame:
    """Return the unseen stretches of each route as LineStrings.

    Consecutive unseen ``along`` targets of one route line become one gap, running
    half a sample spacing beyond the first and last of them.

    Parameters
    ----------
    targets
        With route_id, kind, part, measure_m, weight and a bool ``seen`` column.
    routes
        route_id (column or index) and geometry.
    crs
        Metric CRS (default: the routes' own if projected).

    Returns
    -------
    geopandas.GeoDataFrame
        route_id, group_id, part, start_m, end_m, length_m, geometry — EPSG:4326.
    """
    if crs is None and routes.crs is not None and routes.crs.is_projected:
        crs = routes.crs
    rm = to_metric(routes, crs, "routes")
    rid = ids(rm, "route_id")
    geom_of = dict(zip(rid, rm.geometry, strict=True))
    along = targets[(targets["kind"] == "along") & targets["part"].ge(0)]
    rows: list[dict[str, Any]] = []
    for (route, part), grp in along.groupby(["route_id", "part"], sort=False):
        geom = geom_of.get(route)
        if geom is None:
            continue
        merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        lines = shapely.get_parts(merged)
        if part >= len(lines):
            continue
        line = lines[part]
        grp = grp.sort_values("measure_m")
        unseen = ~grp["seen"].to_numpy(bool)
        if not unseen.any():
            continue
        m = grp["measure_m"].to_numpy(float)
        half = grp["weight"].to_numpy(float) / 2
        run_id = np.cumsum(np.concatenate([[True], unseen[1:] != unseen[:-1]]))
        for r in np.unique(run_id[unseen]):  # per gap, not per pair
            sel = run_id == r
            a = max(0.0, m[sel][0] - half[sel][0])
            b = min(line.length, m[sel][-1] + half[sel][-1])
            rows.append(
                {
                    "route_id": route,
                    "group_id": grp["group_id"].iloc[0] if "group_id" in grp.columns else None,
                    "part": int(part),
                    "start_m": a,
                    "end_m": b,
                    "length_m": b - a,
                    "geometry": shapely.ops.substring(line, a, b),
                }
            )
    cols = ["route_id", "group_id", "part", "start_m", "end_m", "length_m", "geometry"]
    if not rows:
        return GeoDataFrame(columns=cols, geometry="geometry", crs=rm.crs).to_crs(4326)
    return GeoDataFrame(rows, columns=cols, geometry="geometry", crs=rm.crs).to_crs(4326)


def view_polygons(
    poses: GeoDataFrame,
    buildings: GeoDataFrame | None,
    *,
    crs: CRS | str | int | None = None,
    level: str | float = "observe",
    sliver_tolerance_m: float | None = None,
    step_deg: float = 1.0,
    occluders: Occluders | None = None,
) -> GeoDataFrame:
    """Return each pose's view on the map: its FOV sector, to its range, cut by buildings.

    Parameters
    ----------
    poses
        Poses (docs/interfaces.md); one polygon per row, index kept.
    buildings
        Footprints (None: no occlusion).
    crs
        Metric CRS to compute in.
    level
        DORI level whose range bounds the sector.
    sliver_tolerance_m
        As for :func:`coverage_matrix`.
    step_deg
        Angular step of the cast rays.
    occluders
        Prebuilt :class:`Occluders` (the plan's, with its corridor); overrides
        ``buildings``.

    Returns
    -------
    geopandas.GeoDataFrame
        The poses' columns with geometry replaced by the view Polygon (EPSG:4326) and
        ``range_m`` (horizontal) and ``dead_zone_m`` added.
    """
    pos = to_metric(
        poses,
        crs if crs is not None else poses.crs if poses.crs and poses.crs.is_projected else None,
        "poses",
    )
    occ = (
        occluders
        if occluders is not None
        else occluders_for(buildings, crs=pos.crs, sliver_tolerance_m=sliver_tolerance_m)
    )
    pa = pose_arrays(pos)
    thr = level_px_per_m(level)
    rng = view.horizontal_range_m(
        pa["resolution_px"],
        pa["hfov_deg"],
        thr,
        pa["mount_height_m"],
        pa["tilt_deg"],
        pa["vfov_deg"],
    )
    dead = view.near_dead_zone_m(pa["mount_height_m"], pa["tilt_deg"], pa["vfov_deg"])
    P = xy(pos)
    bid = pos["building_id"].tolist() if "building_id" in pos.columns else [None] * len(pos)
    polys = [
        visible_polygon(
            occ,
            float(P[j, 0]),
            float(P[j, 1]),
            heading_deg=float(np.nan_to_num(pa["heading_deg"][j])),
            hfov_deg=float(pa["hfov_deg"][j]),
            radius_m=float(rng[j]),
            inner_m=float(dead[j]),
            building_id=None if _missing(bid[j]) else str(bid[j]),
            step_deg=step_deg,
        )
        for j in range(len(pos))  # one polygon per pose, for maps of chosen poses
    ]
    out = GeoDataFrame(
        pos.drop(columns=pos.geometry.name), geometry=polys, crs=pos.crs, index=pos.index
    )
    out["range_m"] = rng
    out["dead_zone_m"] = dead
    return out.to_crs(4326)
