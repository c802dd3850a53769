"""How far a ward's map can be trusted for planning: the data-quality report.

In Vietnamese OpenStreetMap most houses are unmapped. Where the map has no
house, a sight line crosses no building and a camera seems to see far down a
street it would not see in the ward; so the first question about an area is how
much of its planned length is lined by mapped footprints. :func:`map_quality`
answers it with a few other measures a planner checks before trusting a plan:
unnamed routes, missing widths, and what was left off the plan (service ways,
sidewalks, park paths, private ways) and why.

>>> from covplan import area_from_xml, datasets
>>> area = area_from_xml(datasets.get_path("demo-ward.osm"))  # doctest: +SKIP
>>> q = map_quality(area)  # doctest: +SKIP
>>> q.verdict, q.table()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from covplan import settings
from covplan.area.routes import FOOTWAY_REASONS, SERVICE_REASONS
from covplan.vocab import label

__all__ = ["MapQuality", "footprint_share", "map_quality"]

_UNITS: dict[str, str] = {
    "planned_routes": "count",
    "planned_km": "km",
    "footprint_share": "share",
    "buildings": "count",
    "buildings_per_km2": "per km²",
    "unnamed_planned_routes": "count",
    "unnamed_planned_km": "km",
    "no_width_share": "share",
    "service_excluded_km": "km",
    "footway_excluded_km": "km",
    "park_path_excluded_km": "km",
    "private_excluded_km": "km",
    "arterial_excluded_km": "km",
    "stubs_folded": "count",
    "open_space_polygons": "count",
    "verdict": "",
}


@dataclass(frozen=True)
class MapQuality:
    """Measures of how complete a ward's map is, and a verdict.

    Attributes
    ----------
    planned_routes, planned_km
        Routes a plan covers and their length.
    footprint_share
        Share of the planned length with a mapped building footprint within
        ``settings.quality_footprint_m`` (6 m) of the centreline on at least one
        side, tested every ``settings.quality_sample_m`` (5 m).
    buildings, buildings_per_km2
        Mapped footprints, and per km² of the area's boundary.
    unnamed_planned_routes, unnamed_planned_km
        Planned routes with no name (a route map needs one).
    no_width_share
        Share of the planned length whose OSM way has no ``width`` / ``est_width``.
    service_excluded_km
        Service ways left off the plan, km by ``service=*`` value.
    footway_excluded_km, park_path_excluded_km, private_excluded_km, arterial_excluded_km
        Sidewalks and crossings, park paths, private ways and arterial streets
        left off the plan (km).
    stubs_folded
        Short dead-end branches folded into their route.
    open_space_polygons
        Mapped open-space polygons (parks, squares, parking, water, ...).
    verdict
        ``good`` when ``footprint_share`` ≥ ``settings.quality_good_share`` (0.6),
        ``partial`` from ``settings.quality_partial_share`` (0.25), else ``poor``.
    """

    planned_routes: int
    planned_km: float
    footprint_share: float
    buildings: int
    buildings_per_km2: float
    unnamed_planned_routes: int
    unnamed_planned_km: float
    no_width_share: float
    service_excluded_km: tuple[tuple[str, float], ...]
    footway_excluded_km: float
    park_path_excluded_km: float
    private_excluded_km: float
    arterial_excluded_km: float
    stubs_folded: int
    open_space_polygons: int
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        """Return the measures as plain JSON-able values.

        Returns
        -------
        dict
            Field name to int, float or str; ``service_excluded_km`` is a dict
            from ``service=*`` value to km.
        """
        out = asdict(self)
        out["service_excluded_km"] = dict(self.service_excluded_km)
        return out

    def table(self) -> pd.DataFrame:
        """Return the measures as rows of (measure, value, unit).

        Returns
        -------
        pandas.DataFrame
            One row per measure; ``service_excluded_km`` gives one row per
            ``service=*`` value (``service_excluded_km:parking_aisle``) after its total.
        """
        rows: list[tuple[str, object, str]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "service_excluded_km":
                total = round(sum(km for _, km in value), 3)
                rows.append((f.name, total, "km"))
                rows.extend((f"{f.name}:{k}", km, "km") for k, km in value)
                continue
            rows.append((f.name, value, _UNITS[f.name]))
        return pd.DataFrame(rows, columns=["measure", "value", "unit"])

    def warnings(self, lang: str = "vi") -> list[str]:
        """Return what a planner should know about the map, as plain sentences.

        Parameters
        ----------
        lang
            ``"vi"`` (default) or ``"en"``.

        Returns
        -------
        list of str
            Sentences from :mod:`covplan.vocab`; empty when nothing needs saying.
        """
        out: list[str] = []
        share = _num(100 * self.footprint_share, lang, 0)
        metres = _num(settings.quality_footprint_m, lang, 0)
        if self.verdict in ("poor", "partial"):
            out.append(label(f"map_quality_{self.verdict}", lang, share=share, m=metres))
        if self.unnamed_planned_routes:
            km = _num(self.unnamed_planned_km, lang)
            out.append(label("map_quality_unnamed", lang, n=self.unnamed_planned_routes, km=km))
        if self.no_width_share > 0.5:
            out.append(
                label("map_quality_no_width", lang, share=_num(100 * self.no_width_share, lang, 0))
            )
        service_km = sum(km for _, km in self.service_excluded_km)
        if service_km > 0:
            by_value = ", ".join(
                f"service={k}: {_num(v, lang)} km" for k, v in self.service_excluded_km
            )
            out.append(
                label("map_quality_service", lang, km=_num(service_km, lang), kinds=by_value)
            )
        excluded: tuple[tuple[str, float], ...] = (
            ("map_quality_footway", self.footway_excluded_km),
            ("map_quality_park", self.park_path_excluded_km),
            ("map_quality_private", self.private_excluded_km),
        )
        for key, length in excluded:
            if length > 0:
                out.append(label(key, lang, km=_num(length, lang)))
        if self.open_space_polygons == 0:
            out.append(label("map_quality_no_open_space", lang))
        return out


def _num(value: float, lang: str, digits: int = 2) -> str:
    """Write a number as the language does (a decimal comma in Vietnamese)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def footprint_share(
    area: Any, *, within_m: float | None = None, step_m: float | None = None
) -> float:
    """Return the share of the planned route length lined by mapped buildings.

    Parameters
    ----------
    area
        The ward (:class:`~covplan.area.Area`).
    within_m
        A footprint this close to the centreline lines the route (default
        ``settings.quality_footprint_m``, 6 m).
    step_m
        Test spacing along each segment (default ``settings.quality_sample_m``, 5 m).

    Returns
    -------
    float
        In [0, 1]: each planned segment is cut into equal pieces of at most
        ``step_m``; a piece counts (with its length) when a footprint lies within
        ``within_m`` of its midpoint. 0 when no route is planned.
    """
    within = settings.quality_footprint_m if within_m is None else within_m
    step = settings.quality_sample_m if step_m is None else step_m
    seg = _planned_segments(area)
    if seg.empty:
        return 0.0
    lines = seg.geometry.to_crs(area.crs).to_numpy()
    length = shapely.length(lines)
    n = np.maximum(1, np.ceil(length / step)).astype(int)
    owner = np.repeat(np.arange(len(lines)), n)
    nth = np.arange(owner.size) - np.repeat(np.cumsum(n) - n, n)
    piece = (length / n)[owner]
    points = shapely.line_interpolate_point(lines[owner], (nth + 0.5) * piece)
    buildings = area.buildings
    if len(buildings) == 0 or piece.sum() == 0:
        return 0.0
    polys = buildings.geometry.to_crs(area.crs).to_numpy()
    hit_pt, _ = shapely.STRtree(polys).query(points, predicate="dwithin", distance=within)
    lined = np.zeros(points.size, dtype=bool)
    lined[hit_pt] = True
    return float(piece[lined].sum() / piece.sum())


def _planned_segments(area: Any) -> Any:
    routes = area.routes
    planned = routes.index[routes["planned"].astype(bool)]
    return area.segments[area.segments["route_id"].isin(planned)]


def _excluded_km(routes: pd.DataFrame, reasons: frozenset[str] | set[str]) -> float:
    if "unplanned_reason" not in routes.columns:
        return 0.0
    hit = routes["unplanned_reason"].isin(reasons)
    return round(float(routes.loc[hit, "length_m"].sum()) / 1000, 3)


def _service_km(routes: pd.DataFrame) -> tuple[tuple[str, float], ...]:
    if "unplanned_reason" not in routes.columns or "service" not in routes.columns:
        return ()
    hit = routes[routes["unplanned_reason"].isin(SERVICE_REASONS)]
    km = hit.groupby("service")["length_m"].sum().sort_index() / 1000
    return tuple((str(k), round(float(v), 3)) for k, v in km.items())


def _verdict(share: float) -> str:
    if share >= settings.quality_good_share:
        return "good"
    if share >= settings.quality_partial_share:
        return "partial"
    return "poor"


def map_quality(area: Any) -> MapQuality:
    """Measure how complete a ward's map is for planning cameras.

    Parameters
    ----------
    area
        The ward (:class:`~covplan.area.Area`).

    Returns
    -------
    MapQuality
        The measures and a verdict; ``.table()``, ``.as_dict()``, ``.warnings(lang)``.

    Examples
    --------
    >>> from covplan import area_from_xml, datasets
    >>> q = map_quality(area_from_xml(datasets.get_path("demo-ward.osm")))  # doctest: +SKIP
    >>> q.verdict  # doctest: +SKIP
    'good'
    """
    routes = area.routes
    planned = routes[routes["planned"].astype(bool)]
    seg = _planned_segments(area)
    seg_len = seg.geometry.to_crs(area.crs).length.to_numpy() if len(seg) else np.zeros(0)
    no_width = ~(pd.to_numeric(seg["width_m"], errors="coerce") > 0).to_numpy()
    total = float(seg_len.sum())
    unnamed = planned[planned["name"].fillna("") == ""]
    boundary = shapely.area(_boundary_metric(area)) / 1e6
    share = footprint_share(area)
    folded = area.segments.get("folded_from", pd.Series(dtype=object))
    open_space = getattr(area, "open_space", None)
    return MapQuality(
        planned_routes=len(planned),
        planned_km=round(float(planned["length_m"].sum()) / 1000, 3),
        footprint_share=round(share, 4),
        buildings=len(area.buildings),
        buildings_per_km2=round(len(area.buildings) / boundary, 1) if boundary > 0 else 0.0,
        unnamed_planned_routes=len(unnamed),
        unnamed_planned_km=round(float(unnamed["length_m"].sum()) / 1000, 3),
        no_width_share=round(float(seg_len[no_width].sum() / total), 4) if total > 0 else 0.0,
        service_excluded_km=_service_km(routes),
        footway_excluded_km=_excluded_km(routes, FOOTWAY_REASONS),
        park_path_excluded_km=_excluded_km(routes, {"park_path"}),
        private_excluded_km=_excluded_km(routes, {"private"}),
        arterial_excluded_km=_excluded_km(routes, {"arterial"}),
        stubs_folded=int(folded[folded.fillna("") != ""].nunique()),
        open_space_polygons=0 if open_space is None else len(open_space),
        verdict=_verdict(share),
    )


def _boundary_metric(area: Any) -> Any:
    return gpd.GeoSeries([area.boundary], crs=4326).to_crs(area.crs).iloc[0]
