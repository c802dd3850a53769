"""How wide each route is, and the open corridor a camera can see along.

In Vietnamese OSM most houses are unmapped, so a sight line is trusted only
inside the street corridor — every mapped way (planned or not: driveways and
arterial streets are open ground too) buffered by half its width — and across
mapped open space (parks, squares, parking, water).

Widths come from OSM ``width`` / ``est_width``, else ``lanes`` ×
``settings.lane_width_m``, else a default by kind (``settings.route_width_m``;
``settings.arterial_width_m`` for arterial streets).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan.area.routes import ARTERIAL_HIGHWAYS

__all__ = ["corridor", "known_width_m", "route_width_m", "segment_width_m", "widths_from_segments"]


def known_width_m(segments: pd.DataFrame) -> pd.Series:
    """Return the width OSM gives each segment, NaN where it gives none.

    Parameters
    ----------
    segments
        Segments with ``width_m`` (from ``width`` / ``est_width``) and, when
        present, ``lanes``.

    Returns
    -------
    pandas.Series
        Metres on the segments' index: the width tag, else ``lanes`` ×
        ``settings.lane_width_m``, else NaN.
    """
    width = _column(segments, "width_m")
    lanes = _column(segments, "lanes")
    by_lanes = lanes.where(lanes > 0) * settings.lane_width_m
    return width.where(width > 0).fillna(by_lanes)


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    if name not in table.columns:
        return pd.Series(np.nan, index=table.index, dtype=float)
    return pd.to_numeric(table[name], errors="coerce").astype(float)


def _default_width(kind: pd.Series, arterial: pd.Series) -> pd.Series:
    by_kind = settings.route_width_m
    default = kind.map(lambda k: by_kind.get(str(k), by_kind.get("street", 8.0))).astype(float)
    return default.mask(arterial.astype(bool), settings.arterial_width_m)


def segment_width_m(area: Any) -> pd.Series:
    """Return every segment's width: OSM's, else ``lanes`` × lane width, else the kind's.

    Parameters
    ----------
    area
        The ward (:class:`~covplan.area.Area`), or its segments table.

    Returns
    -------
    pandas.Series
        Metres on the segments' index.
    """
    seg = area if isinstance(area, pd.DataFrame) else area.segments
    arterial = seg["highway"].isin(ARTERIAL_HIGHWAYS)
    return known_width_m(seg).fillna(_default_width(seg["kind"], arterial)).rename("width_m")


def widths_from_segments(routes: pd.DataFrame, segments: pd.DataFrame) -> pd.Series:
    """Return each route's width from its segments' widths.

    Parameters
    ----------
    routes
        Routes with ``kind`` and ``arterial``, indexed by ``route_id``.
    segments
        Their segments with ``route_id``, ``length_m``, ``width_m`` and, when
        present, ``lanes``.

    Returns
    -------
    pandas.Series
        Metres on the routes' index: the length-weighted median of the known
        segment widths (:func:`known_width_m`), else the kind's default.
    """
    known = pd.DataFrame(
        {
            "route_id": segments["route_id"].to_numpy(),
            "w": known_width_m(segments).to_numpy(),
            "len": pd.to_numeric(segments["length_m"]).to_numpy(dtype=float),
        }
    ).dropna(subset=["w"])
    known = known.sort_values(["route_id", "w"], kind="mergesort")
    known["cum"] = known.groupby("route_id")["len"].cumsum()
    half = known.groupby("route_id")["len"].transform("sum") / 2
    median = known[known["cum"] >= half].drop_duplicates("route_id").set_index("route_id")["w"]
    default = _default_width(routes["kind"], routes["arterial"])
    return median.reindex(routes.index).fillna(default).rename("width_m")


def route_width_m(area: Any) -> pd.Series:
    """Return each route's width in metres.

    Parameters
    ----------
    area
        The ward (:class:`~covplan.area.Area`).

    Returns
    -------
    pandas.Series
        Indexed by ``route_id``: the length-weighted median of the widths OSM
        gives its segments (``width``, ``est_width``, or ``lanes`` ×
        ``settings.lane_width_m``), else ``settings.route_width_m[kind]``
        (``settings.arterial_width_m`` for an arterial street).

    Examples
    --------
    >>> from covplan import area_from_xml, datasets
    >>> area = area_from_xml(datasets.get_path("demo-ward.osm"))  # doctest: +SKIP
    >>> route_width_m(area)["kiet-12-chi-lang"]  # doctest: +SKIP
    3.0
    """
    return widths_from_segments(area.routes, area.segments)


def corridor(area: Any, *, all_routes: bool = True) -> BaseGeometry:
    """Return the open ground a camera can see across: route corridors and open space.

    Parameters
    ----------
    area
        The ward (:class:`~covplan.area.Area`).
    all_routes
        Buffer every segment, planned or not (driveways and arterial streets are
        open ground too); False buffers only the planned routes' segments.

    Returns
    -------
    shapely geometry
        In the area's metric CRS (:attr:`Area.crs`): every segment buffered by half
        its width (:func:`segment_width_m`, round caps), unioned with
        ``area.open_space``.
    """
    seg = area.segments
    if not all_routes:
        planned = area.routes.index[area.routes["planned"].astype(bool)]
        seg = seg[seg["route_id"].isin(planned)]
    parts: list[BaseGeometry] = []
    if len(seg):
        lines = gpd.GeoSeries(seg.geometry.to_numpy(), crs=seg.crs).to_crs(area.crs)
        half = segment_width_m(seg).to_numpy(dtype=float) / 2
        parts.extend(shapely.buffer(lines.to_numpy(), half))
    open_space = getattr(area, "open_space", None)
    if open_space is not None and len(open_space):
        polys = gpd.GeoSeries(open_space.geometry.to_numpy(), crs=open_space.crs).to_crs(area.crs)
        parts.extend(shapely.make_valid(polys.to_numpy()))
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(np.asarray(parts, dtype=object))
