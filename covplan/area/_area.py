"""The Area: everything covplan knows about a ward's map."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan._errors import CRSError
from covplan.vocab.messages import message

logger = logging.getLogger(__name__)

__all__ = [
    "LAYERS",
    "OPEN_SPACE_COLUMNS",
    "PLACE_COLUMNS",
    "Area",
    "empty_open_space",
    "empty_places",
    "ensure_metric",
    "keyed",
    "metric_crs_for",
]

Layer = Literal[
    "routes",
    "segments",
    "nodes",
    "buildings",
    "poles",
    "osm_cameras",
    "groups",
    "open_space",
    "places",
]
LAYERS: tuple[Layer, ...] = (
    "routes",
    "segments",
    "nodes",
    "buildings",
    "poles",
    "osm_cameras",
    "groups",
    "open_space",
    "places",
)
OPEN_SPACE_COLUMNS = ("open_space_id", "kind", "name")
PLACE_COLUMNS = ("place_id", "housenumber", "street", "name")


def empty_open_space() -> gpd.GeoDataFrame:
    """Return an empty open-space table (``open_space_id``, ``kind``, ``name``, geometry).

    Returns
    -------
    geopandas.GeoDataFrame
        No rows, EPSG:4326.
    """
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in OPEN_SPACE_COLUMNS},
        geometry=gpd.GeoSeries([], crs=4326),
    )


def empty_places() -> gpd.GeoDataFrame:
    """Return an empty places table (``place_id``, ``housenumber``, ``street``, ``name``).

    Returns
    -------
    geopandas.GeoDataFrame
        No rows, EPSG:4326.
    """
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in PLACE_COLUMNS},
        geometry=gpd.GeoSeries([], crs=4326),
    )


@dataclass
class Area:
    """A ward's map: routes, buildings, poles, cameras in OSM, groups and boundary.

    Every table is a GeoDataFrame stored in EPSG:4326 (columns in
    ``docs/interfaces.md``); metric work uses :attr:`crs`, the local UTM zone.

    Attributes
    ----------
    routes
        One row per route (named street or alley, or a connected unnamed one),
        index ``route_id``; ``planned`` says whether a plan covers it and
        ``unplanned_reason`` why not ("" when planned; see
        :func:`covplan.area.routes.unplanned_reasons`); ``service`` and ``access``
        are the OSM tags covering most of its length, ``width_m`` its width.
    segments
        The routes' segments (graph edges, reverse duplicates removed, clipped),
        with OSM ``service``, ``access``, ``footway``, ``width_m`` (the ``width`` /
        ``est_width`` tag, NaN when absent), ``lanes``; ``folded_from`` and
        ``stub`` mark the segments of short branches folded into their route.
    nodes
        Segment end nodes with ``degree``, ``n_stubs`` (ends of folded stub
        segments) and ``n_routes``.
    buildings
        Building footprints, index ``building_id``.
    poles
        Power poles and street lamps, index ``pole_id``; ``ref`` is the number painted
        on the pole where OSM has it ("" otherwise).
    osm_cameras
        ``man_made=surveillance`` nodes with their tags, index ``camera_id``.
    groups
        Residential groups (tổ dân phố), index ``group_id``; may be empty.
    open_space
        Mapped open ground a camera sees across (parks, gardens, playgrounds,
        pitches, squares, parking, water, grass), index ``open_space_id``; columns
        ``kind``, ``name``; may be empty.
    places
        What a technician finds a spot by: every OSM node or way with
        ``addr:housenumber``, or a name and a landmark tag (shop, amenity, office,
        place of worship…), as a point, index ``place_id``; columns ``housenumber``,
        ``street`` (``addr:street``), ``name`` ("" for a plain house); may be empty.
    boundary
        The area's outline in EPSG:4326.
    crs
        The projected metric CRS (UTM).
    source
        Where the area came from (a path or a place name), for messages.
    """

    routes: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    poles: gpd.GeoDataFrame
    osm_cameras: gpd.GeoDataFrame
    groups: gpd.GeoDataFrame
    boundary: BaseGeometry
    crs: pyproj.CRS
    source: str = ""
    open_space: gpd.GeoDataFrame = field(default_factory=empty_open_space)
    places: gpd.GeoDataFrame = field(default_factory=empty_places)
    _metric_cache: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, repr=False)

    def metric(self, layer: Layer) -> gpd.GeoDataFrame:
        """Return one layer projected to the area's metric CRS (cached).

        Parameters
        ----------
        layer
            One of ``routes``, ``segments``, ``nodes``, ``buildings``, ``poles``,
            ``osm_cameras``, ``groups``, ``open_space``, ``places``.

        Returns
        -------
        geopandas.GeoDataFrame
            The layer in :attr:`crs`; same index and columns.
        """
        if layer not in LAYERS:
            msg = message("area.unknown_layer", layer=layer, layers=", ".join(LAYERS))
            raise ValueError(msg)
        if layer not in self._metric_cache:
            self._metric_cache[layer] = getattr(self, layer).to_crs(self.crs)
        return self._metric_cache[layer]

    @property
    def boundary_metric(self) -> BaseGeometry:
        """The boundary in the metric CRS."""
        return gpd.GeoSeries([self.boundary], crs=4326).to_crs(self.crs).iloc[0]

    @property
    def planned_routes(self) -> gpd.GeoDataFrame:
        """Routes a plan covers (``planned`` is True)."""
        return self.routes[self.routes["planned"]]

    def summary(self) -> pd.Series:
        """Return counts and lengths of the area, for a report.

        Returns
        -------
        pandas.Series
            Routes by kind, planned routes, length in km, buildings, poles,
            OSM cameras, groups, open-space polygons.
        """
        r = self.routes
        out: dict[str, float] = {f"routes_{k}": int((r["kind"] == k).sum()) for k in _KINDS}
        out["routes"] = len(r)
        out["routes_planned"] = int(r["planned"].sum())
        out["length_km"] = round(float(r["length_m"].sum()) / 1000, 3)
        out["length_planned_km"] = round(float(r.loc[r["planned"], "length_m"].sum()) / 1000, 3)
        out["buildings"] = len(self.buildings)
        out["poles"] = len(self.poles)
        out["osm_cameras"] = len(self.osm_cameras)
        out["groups"] = len(self.groups)
        out["open_space"] = len(self.open_space)
        return pd.Series(out, name=self.source or "area")

    def __repr__(self) -> str:
        return (
            f"Area({self.source!r}: {len(self.routes)} routes "
            f"({int(self.routes['planned'].sum()) if len(self.routes) else 0} planned), "
            f"{len(self.buildings)} buildings, {len(self.poles)} poles, "
            f"{len(self.osm_cameras)} OSM cameras, {len(self.groups)} groups, "
            f"{len(self.open_space)} open spaces, "
            f"crs={self.crs.to_string()})"
        )


_KINDS = ("street", "alley", "lane", "path")


def metric_crs_for(geom: BaseGeometry) -> pyproj.CRS:
    """Return the UTM CRS of the zone a geometry (in EPSG:4326) lies in.

    Parameters
    ----------
    geom
        A geometry in longitude/latitude.

    Returns
    -------
    pyproj.CRS
        The WGS 84 / UTM zone CRS (EPSG:32648 for Huế and Ho Chi Minh City);
        ``settings.utm_epsg`` when the geometry is empty.
    """
    if geom.is_empty:
        return pyproj.CRS.from_epsg(settings.utm_epsg)
    c = shapely.centroid(geom)
    zone = int((c.x + 180) // 6) + 1
    return pyproj.CRS.from_epsg((32600 if c.y >= 0 else 32700) + zone)


def ensure_metric(gdf: gpd.GeoDataFrame, what: str = "this table") -> None:
    """Raise :class:`~covplan.CRSError` unless ``gdf`` has a projected metric CRS.

    Parameters
    ----------
    gdf
        The table to check.
    what
        How to name it in the message.
    """
    if gdf.crs is None:
        msg = message("area.no_crs", what=what)
        raise CRSError(msg)
    if not gdf.crs.is_projected:
        msg = message("area.in_degrees", what=what, crs=gdf.crs.to_string())
        raise CRSError(msg)


def keyed(gdf: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    """Index a table by its id column, keeping the column.

    The index is left unnamed, so the id is never both a column and an index
    level (pandas refuses to group by such a name, and GeoPackage writers fail).

    Parameters
    ----------
    gdf
        The table.
    column
        Its id column.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows, indexed by the id values.
    """
    out = gdf.set_index(gdf[column].to_numpy())
    out.index.name = None
    return out
