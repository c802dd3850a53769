"""Geometry shared by the exports: coverage per segment and route, places on routes.

View cones are not drawn here: every output shows :func:`covplan.geometry.view_polygons`
(the sector to the DORI range, cut by buildings), the one view-cone builder; the install
list's range (:func:`view_range_m`) is the same computation, so the list and the cone agree.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from covplan import settings
from covplan._errors import CRSError
from covplan.camera.spec import level_px_per_m
from covplan.geometry import view
from covplan.geometry.coverage import pose_arrays

logger = logging.getLogger(__name__)


def metric_crs(gdf: gpd.GeoDataFrame, crs: Any = None) -> CRS:
    """Return ``crs`` as a projected CRS, or the local UTM zone of ``gdf``."""
    if crs is not None:
        out = CRS.from_user_input(crs)
        if not out.is_projected:
            msg = f"CRS {out.to_string()} is in degrees; give a projected CRS in metres"
            raise CRSError(msg)
        return out
    if gdf.crs is None:
        msg = "GeoDataFrame has no CRS; set one (covplan stores EPSG:4326)"
        raise CRSError(msg)
    if CRS.from_user_input(gdf.crs).is_projected:
        return CRS.from_user_input(gdf.crs)
    if len(gdf) == 0 or gdf.geometry.is_empty.all():
        return CRS.from_epsg(settings.utm_epsg)
    return CRS.from_user_input(gdf.estimate_utm_crs())


def to_4326(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326, raising when it has no CRS."""
    if gdf.crs is None:
        msg = "GeoDataFrame has no CRS; set one (covplan stores EPSG:4326)"
        raise CRSError(msg)
    return gdf.to_crs(4326)


def view_range_m(poses: pd.DataFrame, level: str | float = "observe") -> pd.Series:
    """How far each pose sees at ``level``: the range its view cone is drawn to.

    The one range computation is geometry's (:func:`covplan.geometry.view.horizontal_range_m`
    over :func:`covplan.geometry.coverage.pose_arrays`, as in
    :func:`covplan.geometry.view_polygons`), so the install list's range is the cone's.
    A pose without ``hfov_deg`` or ``resolution_px`` gets 90° and 1920 px.

    Returns
    -------
    pandas.Series
        Horizontal range in metres, index kept.
    """
    p = pd.DataFrame(poses.drop(columns="geometry", errors="ignore")).copy()
    for name, default in (("hfov_deg", 90.0), ("resolution_px", 1920.0)):
        col = p[name] if name in p.columns else pd.Series(np.nan, index=p.index)
        p[name] = pd.to_numeric(col, errors="coerce").fillna(default)
    if "heading_deg" not in p.columns:
        p["heading_deg"] = np.nan
    pa = pose_arrays(p)
    rng = view.horizontal_range_m(
        pa["resolution_px"],
        pa["hfov_deg"],
        level_px_per_m(level),
        pa["mount_height_m"],
        pa["tilt_deg"],
        pa["vfov_deg"],
    )
    return pd.Series(rng, index=p.index, name="range_m")


def coverage_class(coverage: pd.Series) -> pd.Series:
    """Classify a coverage fraction: covered (≥ 99.9 %), partial, uncovered, not_planned (NaN)."""
    cls = np.select(
        [coverage.isna(), coverage >= 0.999, coverage > 0.0],
        ["not_planned", "covered", "partial"],
        default="uncovered",
    )
    return pd.Series(cls, index=coverage.index, name="coverage_class")


def target_seen(targets: pd.DataFrame) -> pd.Series:
    """Whether each target is seen as often as it needs (``cover_count >= k_required``)."""
    if "seen" in targets.columns:
        return targets["seen"].astype(bool)
    k = targets["k_required"] if "k_required" in targets.columns else 1
    return (targets["cover_count"] >= k).rename("seen")


def segment_coverage(
    segments: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, *, crs: Any = None
) -> gpd.GeoDataFrame:
    """Coverage of each segment: the share of its route's targets nearest to it that are seen.

    Parameters
    ----------
    segments
        Route segments (``route_id``, LineString).
    targets
        Targets with ``route_id`` and either ``seen`` or ``cover_count`` (and ``k_required``).
    crs
        Metric CRS; the local UTM zone by default.

    Returns
    -------
    geopandas.GeoDataFrame
        ``segments`` with ``n_targets``, ``n_seen``, ``coverage`` (0–1, NaN when the segment
        has no targets: not planned) and ``coverage_class``; index kept, EPSG:4326.
    """
    out = segments.copy()
    n_targets = np.zeros(len(out), dtype=int)
    n_seen = np.zeros(len(out), dtype=int)
    if len(out) and len(targets):
        mcrs = metric_crs(segments, crs)
        seg_m = segments.to_crs(mcrs)
        tgt_m = targets.to_crs(mcrs)
        seen = target_seen(targets).to_numpy()
        seg_route = seg_m["route_id"].astype(str).to_numpy()
        tgt_route = tgt_m["route_id"].astype(str).to_numpy()
        for route_id in np.unique(tgt_route):
            s_idx = np.flatnonzero(seg_route == route_id)
            t_idx = np.flatnonzero(tgt_route == route_id)
            if len(s_idx) == 0:
                s_idx = np.arange(len(seg_m))  # the route lost its segments: nearest of all
            tree = shapely.STRtree(seg_m.geometry.to_numpy()[s_idx])
            nearest = tree.nearest(tgt_m.geometry.to_numpy()[t_idx])
            seg_pos = s_idx[nearest]
            np.add.at(n_targets, seg_pos, 1)
            np.add.at(n_seen, seg_pos, seen[t_idx].astype(int))
    out["n_targets"] = n_targets
    out["n_seen"] = n_seen
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(n_targets > 0, n_seen / np.maximum(n_targets, 1), np.nan)
    out["coverage"] = np.round(cov, 4)
    out["coverage_class"] = coverage_class(out["coverage"])
    return to_4326(out)


def route_coverage(targets: pd.DataFrame, by: str = "route_id") -> pd.DataFrame:
    """Share of targets seen per route (or per ``by`` column): n_targets, n_seen, coverage."""
    seen = target_seen(targets)
    df = pd.DataFrame({by: targets[by].astype(object), "seen": seen.to_numpy()})
    df[by] = df[by].where(df[by].notna(), None)
    g = df.groupby(by, dropna=False)["seen"].agg(["count", "sum"])
    g.columns = pd.Index(["n_targets", "n_seen"])
    g["coverage"] = g["n_seen"] / g["n_targets"]
    return g


def place_on_routes(
    points: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    *,
    route_ids: pd.Series | None = None,
    crs: Any = None,
) -> pd.DataFrame:
    """For each point: its route (given, or the nearest) and the distance along it from its start.

    Returns
    -------
    pandas.DataFrame
        ``route_id``, ``along_m`` (NaN when no route), ``distance_m`` (point to route), index kept.
    """
    out = pd.DataFrame(index=points.index, columns=["route_id", "along_m", "distance_m"])
    out["along_m"] = np.nan
    out["distance_m"] = np.nan
    if len(points) == 0 or routes is None or len(routes) == 0:
        return out
    mcrs = metric_crs(points, crs)
    pts = points.to_crs(mcrs).geometry.to_numpy()
    r = routes.to_crs(mcrs)
    r_ids = (
        r["route_id"] if "route_id" in r.columns else pd.Series(r.index, index=r.index)
    ).astype(str)
    r_geoms = r.geometry.to_numpy()
    by_id = dict(zip(r_ids.to_numpy(), range(len(r)), strict=True))
    tree = shapely.STRtree(r_geoms)
    nearest = tree.nearest(pts)
    for i, p in enumerate(pts):
        rid = None
        if route_ids is not None:
            given = route_ids.iloc[i]
            if isinstance(given, str) and given in by_id:
                rid = given
        j = by_id[rid] if rid is not None else int(nearest[i])
        line = r_geoms[j]
        out.iloc[i, 0] = r_ids.iloc[j]
        try:
            out.iloc[i, 1] = float(shapely.line_locate_point(shapely.line_merge(line), p))
        except shapely.errors.GEOSException:  # pragma: no cover - odd geometry
            out.iloc[i, 1] = math.nan
        out.iloc[i, 2] = float(shapely.distance(line, p))
    out["along_m"] = out["along_m"].astype(float)
    out["distance_m"] = out["distance_m"].astype(float)
    return out


def with_reaim_details(existing: gpd.GeoDataFrame, reaim: pd.DataFrame) -> gpd.GeoDataFrame:
    """Add the re-aim list's columns (address, group, turn…) to the cameras it lists.

    Rows are matched on the list's ``code`` and the layer's ``number`` (R01…); columns
    the layer already has are kept as they are, except where the layer's value is empty.

    Parameters
    ----------
    existing
        The existing-cameras layer (``number``, ``role``).
    reaim
        The re-aim list (``code``, ``address``…).

    Returns
    -------
    geopandas.GeoDataFrame
        ``existing`` with the extra columns, index and CRS kept.
    """
    if reaim is None or not len(reaim) or "code" not in reaim.columns:
        return existing
    if "number" not in existing.columns:
        return existing
    table = pd.DataFrame(reaim.drop(columns="geometry", errors="ignore"))
    table = table.drop_duplicates("code").set_index(table["code"].astype(str).to_numpy())
    out = existing.copy()
    key = out["number"].astype(str)
    for col in table.columns:
        if col in ("code", "no", "lat", "lon"):
            continue
        values = key.map(table[col])
        if col in out.columns:
            empty = out[col].isna() | (out[col].astype(str) == "")
            out[col] = out[col].where(~empty, values)
        else:
            out[col] = values
    return out
