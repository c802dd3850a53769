"""Targets: the points along the planned routes that cameras must see.

:func:`sample_targets` puts a target every ``spacing_m`` along each planned route
(at the midpoints of equal pieces no longer than the spacing, so no two targets of a
route coincide and the route's ends are left to the end targets), plus one target at
every alley end and every intersection of planned routes. Along a route a target asks
for the route kind's DORI level (``observe`` by default); ends and intersections ask
for ``recognise`` — who enters or leaves: the ward's plan puts cameras at the start
and end of each alley.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import shapely
from geopandas import GeoDataFrame

from covplan import settings
from covplan._errors import InputError
from covplan.area import Area, intersections, route_ends
from covplan.camera.spec import level_px_per_m
from covplan.geometry.sites import _node_route_ids, _planned, _points_along

logger = logging.getLogger(__name__)

__all__ = ["TARGET_COLUMNS", "sample_targets"]

TARGET_COLUMNS = [
    "target_id",
    "route_id",
    "group_id",
    "kind",
    "weight",
    "k_required",
    "level",
    "part",
    "measure_m",
    "bearing_deg",
    "geometry",
]


def sample_targets(
    area: Area,
    *,
    spacing_m: float | None = None,
    kinds: Iterable[str] | None = None,
    k_at_ends: int = 1,
    level_by_kind: Mapping[str, str] | None = None,
    end_level: str | None = None,
) -> GeoDataFrame:
    """Return the targets of a plan: points along the planned routes, alley ends, intersections.

    Parameters
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    spacing_m
        Largest distance between targets along a route (default
        :data:`covplan.settings.sample_spacing_m`, 5 m).
    kinds
        Route kinds to plan for (default: the routes the area marks ``planned``).
    k_at_ends
        Views asked at alley ends and intersections (2: two cameras, e.g. one each
        way); 1 along the routes.
    level_by_kind
        DORI level along each route kind (default
        :data:`covplan.settings.default_level_by_kind`).
    end_level
        DORI level at alley ends and intersections (default
        :data:`covplan.settings.end_level`, ``recognise``).

    Returns
    -------
    geopandas.GeoDataFrame
        target_id (int, 0..n-1, also the index), route_id, group_id, kind {along, end,
        intersection}, weight (metres of route a target stands for; an end or
        intersection counts as ``spacing_m``), k_required, level, part (which line of a
        MultiLineString route), measure_m (distance along that line; NaN at nodes),
        geometry Point — in EPSG:4326.
    """
    spacing = settings.sample_spacing_m if spacing_m is None else float(spacing_m)
    if spacing <= 0:
        raise InputError("spacing_m must be positive", value=spacing_m)
    levels = dict(settings.default_level_by_kind if level_by_kind is None else level_by_kind)
    end_lv = settings.end_level if end_level is None else end_level
    for lv in [*levels.values(), end_lv]:
        level_px_per_m(lv)  # raises on an unknown level
    if int(k_at_ends) < 1:
        raise InputError("k_at_ends must be at least 1", value=k_at_ends)
    crs = area.crs
    routes = _planned(area, kinds)
    routes_m = routes.to_crs(crs)
    group = (
        dict(zip(routes["route_id"], routes["group_id"], strict=True))
        if "group_id" in routes.columns
        else {}
    )
    kind_of = dict(zip(routes["route_id"], routes["kind"], strict=True))
    planned_ids = set(routes["route_id"])

    row, part, meas, pts = _points_along(routes_m, spacing)
    rid = routes_m["route_id"].to_numpy()[row]
    # weight: the piece length each along-target stands for (length of its line / n)
    piece = _piece_lengths(row, part, meas)
    along = GeoDataFrame(
        {
            "route_id": rid,
            "kind": "along",
            "weight": piece,
            "k_required": 1,
            "level": [levels.get(kind_of[r], "observe") for r in rid],
            "part": part,
            "measure_m": meas,
            "bearing_deg": _tangent_bearings(routes_m, row, part, meas),
        },
        geometry=list(pts),
        crs=crs,
    ).to_crs(4326)

    frames = [along]
    ends = route_ends(area)
    ends = ends[ends["route_id"].isin(planned_ids) & ends["end_kind"].isin(["dead_end", "mouth"])]
    ends = ends.drop_duplicates("node_id")
    seen_nodes = set(ends["node_id"])
    if len(ends):
        frames.append(
            GeoDataFrame(
                {
                    "route_id": ends["route_id"].to_numpy(),
                    "kind": "end",
                    "weight": spacing,
                    "k_required": int(k_at_ends),
                    "level": end_lv,
                    "part": -1,
                    "measure_m": np.nan,
                    "bearing_deg": np.nan,
                },
                geometry=ends.geometry.to_numpy(),
                crs=ends.crs,
            ).to_crs(4326)
        )
    inter = intersections(area)
    if len(inter):
        nid = (
            inter["node_id"] if "node_id" in inter.columns else inter.index.to_series()
        ).to_numpy()
        first = [next((r for r in rs if r in planned_ids), None) for rs in _node_route_ids(inter)]
        keep = np.array(
            [f is not None and n not in seen_nodes for f, n in zip(first, nid, strict=True)],
            dtype=bool,
        )
        if keep.any():
            frames.append(
                GeoDataFrame(
                    {
                        "route_id": np.asarray(first, dtype=object)[keep],
                        "kind": "intersection",
                        "weight": spacing,
                        "k_required": int(k_at_ends),
                        "level": end_lv,
                        "part": -1,
                        "measure_m": np.nan,
                        "bearing_deg": np.nan,
                    },
                    geometry=inter.geometry.to_numpy()[keep],
                    crs=inter.crs,
                ).to_crs(4326)
            )
    targets = GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    targets["group_id"] = targets["route_id"].map(group).astype(object)
    targets["group_id"] = targets["group_id"].where(targets["group_id"].notna(), None)
    targets["target_id"] = np.arange(len(targets), dtype=np.int64)
    targets["k_required"] = targets["k_required"].astype(np.int64)
    targets["part"] = targets["part"].astype(np.int64)
    targets["weight"] = targets["weight"].astype(float)
    targets = targets[TARGET_COLUMNS]
    targets.index = pd.RangeIndex(len(targets), name=None)
    logger.info(
        "targets: %d (%s) on %d planned routes, every %.1f m",
        len(targets),
        ", ".join(f"{k} {v}" for k, v in targets["kind"].value_counts().items()),
        len(routes),
        spacing,
    )
    return targets


def _tangent_bearings(
    routes_m: GeoDataFrame, row: np.ndarray, part: np.ndarray, meas: np.ndarray
) -> np.ndarray:
    """Return the route's direction (degrees from north, 0–180) at each along-target."""
    if len(row) == 0:
        return np.empty(0)
    geoms = routes_m.geometry.to_numpy()
    lines = np.empty(len(row), dtype=object)
    for r in np.unique(row):  # per route, not per target
        geom = geoms[r]
        merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        parts = shapely.get_parts(merged)
        sel = row == r
        lines[sel] = parts[part[sel]]
    a = shapely.get_coordinates(shapely.line_interpolate_point(lines, np.maximum(meas - 1.0, 0)))
    b = shapely.get_coordinates(shapely.line_interpolate_point(lines, meas + 1.0))
    d = b - a
    return np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 180.0


def _piece_lengths(row: np.ndarray, part: np.ndarray, meas: np.ndarray) -> np.ndarray:
    """Spacing of midpoint samples = 2 × the first measure on each (route, line)."""
    if len(row) == 0:
        return np.empty(0)
    key = pd.Series(meas).groupby([row, part]).transform("min").to_numpy()
    return 2.0 * key
