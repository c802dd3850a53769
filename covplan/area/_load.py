"""Build an Area from OSM files, places, polygons and planners' own files."""

from __future__ import annotations

import bz2
import gzip
import itertools
import logging
import math
import os
import re
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import shapely
from defusedxml import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    NotSupportedError,
)
from defusedxml import ElementTree as DefusedET
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan._errors import InputError
from covplan._text import clean_text
from covplan.area._area import Area, empty_open_space, empty_places, keyed, metric_crs_for
from covplan.area.corridor import widths_from_segments
from covplan.area.groups import assign_groups, read_groups
from covplan.area.routes import (
    ROUTE_HIGHWAYS,
    classify,
    fold_stubs,
    park_share,
    routes_from_segments,
    unplanned_reasons,
)
from covplan.vocab.messages import message

logger = logging.getLogger(__name__)

__all__ = [
    "area_from_file",
    "area_from_place",
    "area_from_polygon",
    "area_from_xml",
    "read_osm_bounds",
]

FEATURE_TAGS: dict[str, bool | str | list[str]] = {
    "building": True,
    "power": ["pole"],
    "highway": ["street_lamp", "pedestrian"],
    "man_made": ["surveillance"],
    # open space (issue 12): ground a camera sees across
    "leisure": ["park", "garden", "playground", "pitch", "common"],
    "landuse": ["grass", "recreation_ground", "village_green"],
    "place": ["square"],
    "amenity": True,  # parking is open space; a named amenity is a landmark
    "natural": ["water"],
    "waterway": ["riverbank"],
    "water": True,
    # what a technician finds a spot by (Area.places): house numbers and named landmarks
    "addr:housenumber": True,
    "shop": True,
    "office": True,
    "tourism": True,
    "historic": True,
    "craft": True,
    "healthcare": True,
}
#: Tags that make a named OSM element a landmark a technician can find (Area.places).
LANDMARK_KEYS = (
    "amenity",
    "shop",
    "office",
    "building",
    "tourism",
    "leisure",
    "historic",
    "craft",
    "healthcare",
)
# (tag, values or None for any, the open-space kind or None for the tag's value), first match wins
_OPEN_SPACE_RULES: tuple[tuple[str, frozenset[str] | None, str | None], ...] = (
    ("leisure", frozenset({"park", "garden", "playground", "pitch", "common"}), None),
    ("landuse", frozenset({"grass", "recreation_ground", "village_green"}), None),
    ("place", frozenset({"square"}), "square"),
    ("highway", frozenset({"pedestrian"}), "square"),
    ("amenity", frozenset({"parking"}), "parking"),
    ("natural", frozenset({"water"}), "water"),
    ("waterway", frozenset({"riverbank"}), "water"),
    ("water", None, "water"),
)
CAMERA_TAGS = (
    "camera:direction",
    "camera:type",
    "camera:mount",
    "height",
    "surveillance",
    "surveillance:type",
    "surveillance:zone",
)
_NOT_TAGS = frozenset({"visible", "version", "changeset", "timestamp", "user", "uid"})
_WAY_TAGS = [
    "name", "highway", "service", "access", "footway", "lanes", "width", "est_width", "oneway",
    "surface",
]  # fmt: skip
_SPLIT_TAGS = ["name", "highway", "service", "access", "footway", "lanes", "width", "est_width"]

BBox = tuple[float, float, float, float]


# --------------------------------------------------------------------------- reading files
def _open(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


#: The longest tag key or value OpenStreetMap accepts (the API's own limit, in characters).
MAX_TAG_CHARS = 255
#: The longest other attribute covplan reads from an OSM element (ids, coordinates, user names).
MAX_ATTR_CHARS = 1024
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\x00<\x00?", "UTF-16 (big-endian)"),
    (b"<\x00?\x00", "UTF-16 (little-endian)"),
)
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _convert_hint(encoding: str) -> str:
    return message("osm.convert_hint", encoding=encoding.split(" ")[0])


def _check_encoding(head: bytes, path: Path) -> None:
    """Refuse UTF-16/32 and declared non-UTF-8 encodings, naming them and how to convert."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            msg = message("osm.encoded_as", name=name, hint=_convert_hint(name.split(" ")[0]))
            raise InputError(msg, file=path)
    decl = _DECL_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if decl is not None:
        name = decl.group(1).decode("ascii")
        if name.lower() not in _UTF8_NAMES:
            msg = message("osm.declares_encoding", name=name, hint=_convert_hint(name))
            raise InputError(msg, file=path)


def _not_utf8(path: Path, limit: int = 1 << 26) -> str | None:
    """Say where the (decompressed) file stops being UTF-8, or None when it is UTF-8."""
    try:
        with _open(path) as fh:
            data = fh.read(limit)
    except (EOFError, OSError, zlib.error):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 4 and len(data) == limit:
            return None  # cut inside a character at the read limit
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start : err.start + 1].hex()
        return message("osm.not_utf8", byte=byte, line=line, hint=_convert_hint("WINDOWS-1258"))
    return None


class _OsmCheck:
    """What :func:`read_osm_bounds` learns while it streams a file, and the checks it makes.

    Every node must have finite coordinates in range, every tag at most
    :data:`MAX_TAG_CHARS` characters, and an id given twice must carry the same data
    (an exact copy is dropped with a warning; a different one is an error, since
    osmnx would silently keep one of them).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bounds: BBox | None = None
        self.n_nodes = 0
        self.n_ways = 0
        self.seen: dict[tuple[str, str], int] = {}
        self.copies: list[str] = []

    def element(self, elem: ET.Element) -> None:
        """Check one finished ``node``, ``way`` or ``bounds`` element."""
        if elem.tag == "bounds" and self.bounds is None:
            self.bounds = _parse_bounds(elem, self.path)
            return
        if elem.tag not in ("node", "way"):
            return
        self._lengths(elem)
        if elem.tag == "node":
            self.n_nodes += 1
            self._coords(elem)
        else:
            self.n_ways += 1
        self._duplicate(elem)

    def _where(self, elem: ET.Element) -> str:
        return f"{elem.tag} {elem.attrib.get('id', '?')[:40]}"

    def _lengths(self, elem: ET.Element) -> None:
        for item in (elem, *elem):
            for key, value in item.attrib.items():
                cap = MAX_TAG_CHARS if item.tag == "tag" else MAX_ATTR_CHARS
                if len(value) > cap:
                    name = (
                        message("osm.tag_name", k=item.attrib.get("k", "?")[:40])
                        if item.tag == "tag"
                        else key
                    )
                    msg = message(
                        "osm.too_long",
                        name=name,
                        where=self._where(elem),
                        length=len(value),
                        cap=cap,
                    )
                    raise InputError(msg, file=self.path)

    def _coords(self, elem: ET.Element) -> None:
        lat_text, lon_text = elem.attrib.get("lat"), elem.attrib.get("lon")
        try:
            lat, lon = float(lat_text or "nan"), float(lon_text or "nan")
        except ValueError:
            lat = lon = math.nan
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
            ok = False
        else:
            ok = -180 <= lon <= 180
        if not ok:
            msg = message("osm.bad_coords", where=self._where(elem), lat=lat_text, lon=lon_text)
            raise InputError(msg, file=self.path)

    def _duplicate(self, elem: ET.Element) -> None:
        key = (elem.tag, elem.attrib.get("id", ""))
        data = (
            elem.attrib.get("lat"),
            elem.attrib.get("lon"),
            tuple((c.tag, tuple(sorted(c.attrib.items()))) for c in elem),
        )
        digest = hash(data)
        old = self.seen.setdefault(key, digest)
        if old is not digest and old == digest:
            self.copies.append(f"{key[0]} {key[1][:40]}")
        elif old != digest:
            msg = message("osm.duplicate", where=f"{key[0]} {key[1][:40]}")
            raise InputError(msg, file=self.path)


def _iter_osm(fh: IO[bytes], path: Path) -> Iterator[tuple[str, ET.Element]]:
    """Stream the elements of an OSM file with the defused parser (no DTD, no entities)."""
    try:
        yield from DefusedET.iterparse(fh, events=("start", "end"), forbid_dtd=True)
    except DTDForbidden:
        msg = message("osm.dtd")
        raise InputError(msg, file=path) from None
    except (EntitiesForbidden, ExternalReferenceForbidden, NotSupportedError) as err:
        msg = message("osm.entities", kind=type(err).__name__)
        raise InputError(msg, file=path) from None


def read_osm_bounds(path: str | os.PathLike[str]) -> tuple[BBox | None, int, int]:
    """Check an OSM XML file end to end and return its ``<bounds>`` box.

    The file is streamed with the defused parser the survey reader uses: a DTD or an
    entity is refused (an entity-expansion bomb never expands), and so are tags longer
    than :data:`MAX_TAG_CHARS`, coordinates that are not finite degrees in range,
    UTF-16/32 or non-UTF-8 text, and ids given twice with different data. osmnx
    parses only files that passed.

    Parameters
    ----------
    path
        An ``.osm``, ``.osm.bz2`` or ``.osm.gz`` file.

    Returns
    -------
    bounds, n_nodes, n_ways
        ``(west, south, east, north)`` from the file's ``<bounds>`` element (None
        when it has none), and how many nodes and ways it holds.

    Raises
    ------
    InputError
        When the file is missing, a folder, empty, truncated, not XML, not OSM, not
        UTF-8, declares a DTD or entities, or holds bad coordinates, over-long tags
        or conflicting duplicate ids.
    """
    p = Path(path)
    _check_file(p)
    check = _OsmCheck(p)
    root_tag = None
    try:
        with _open(p) as fh:
            _check_encoding(fh.peek(256)[:256] if hasattr(fh, "peek") else b"", p)
            for event, elem in _iter_osm(fh, p):
                if root_tag is None:
                    root_tag = _check_root(elem, p)
                if event == "end":
                    check.element(elem)
                    if elem.tag in ("node", "way", "relation"):
                        elem.clear()
    except ET.ParseError as err:
        raise InputError(_parse_error_message(err, p), file=p) from None
    except (EOFError, OSError, zlib.error) as err:
        msg = message("osm.bad_compressed", err=err)
        raise InputError(msg, file=p) from None
    if root_tag is None:
        msg = message("osm.no_xml")
        raise InputError(msg, file=p)
    if check.n_nodes == 0:
        msg = message("osm.no_nodes")
        raise InputError(msg, file=p)
    if check.copies:
        logger.warning(
            "%s",
            message(
                "osm.copies",
                file=p.name,
                n=len(check.copies),
                which=", ".join(check.copies[:5]) + (" …" if len(check.copies) > 5 else ""),
            ),
        )
    return check.bounds, check.n_nodes, check.n_ways


def _check_file(p: Path) -> None:
    if not p.exists():
        msg = message("osm.not_found")
        raise InputError(msg, file=p)
    if p.is_dir():
        msg = message("osm.is_folder")
        raise InputError(msg, file=p)
    if p.stat().st_size == 0:
        msg = message("osm.empty")
        raise InputError(msg, file=p)


def _check_root(elem: ET.Element, p: Path) -> str:
    if elem.tag != "osm":
        msg = message("osm.not_osm", root=str(elem.tag)[:40])
        raise InputError(msg, file=p)
    return str(elem.tag)


def _parse_error_message(err: ET.ParseError, p: Path) -> str:
    not_utf8 = _not_utf8(p)
    if not_utf8 is not None:
        return not_utf8
    line, col = getattr(err, "position", (None, None))
    return message("osm.bad_xml", line=line, col=col, err=err)


def _parse_bounds(elem: ET.Element, path: Path) -> BBox:
    try:
        w, s, e, n = (float(elem.attrib[k]) for k in ("minlon", "minlat", "maxlon", "maxlat"))
    except (KeyError, ValueError):
        msg = message("osm.bounds_incomplete")
        raise InputError(msg, file=path, value=dict(elem.attrib)) from None
    _check_bbox((w, s, e, n), path)
    return (w, s, e, n)


def _check_bbox(bbox: Sequence[float], path: Path | str | None = None) -> None:
    if len(bbox) != 4:
        msg = message("osm.bbox_shape")
        raise InputError(msg, file=path, value=tuple(bbox))
    w, s, e, n = bbox
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        msg = message("osm.bbox_order")
        raise InputError(msg, file=path, value=tuple(bbox))


# --------------------------------------------------------------------------- public API
def area_from_xml(
    path: str | os.PathLike[str],
    *,
    bbox: BBox | None = None,
    groups: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    kinds: Iterable[str] | None = None,
    arterials: bool = False,
    minor_ways: bool = False,
    boundary: BaseGeometry | None = None,
) -> Area:
    """Load a ward from an OpenStreetMap XML file (``.osm``, ``.osm.bz2``, ``.osm.gz``).

    Parameters
    ----------
    path
        The OSM file (an export from openstreetmap.org, JOSM or the API).
    bbox
        ``(west, south, east, north)`` in degrees to clip to. By default the file's
        ``<bounds>``: OSM exports hold complete ways that run past the bounds.
    groups
        Residential groups (tổ dân phố): a GeoJSON/GeoPackage/Shapefile of polygons
        with ``group_id`` and ``name`` columns, or a GeoDataFrame. Routes get the
        group they mostly lie in; None is fine.
    kinds
        Route kinds a plan covers (default ``settings.planned_kinds``).
    arterials
        Plan for arterial streets too (primary, secondary, ...). Off by default.
    minor_ways
        Plan for minor ways too: ``highway=service`` driveways, parking aisles,
        drive-throughs and emergency accesses (unless named kiệt, hẻm or ngõ),
        sidewalks and crossings (``footway=sidewalk`` / ``crossing``), ways tagged
        ``access=private`` or ``no``, and paths lying mostly in a park.
    boundary
        The ward's outline (a shapely Polygon or MultiPolygon in EPSG:4326): routes
        are clipped to it rather than to a box (overrides ``bbox``).
        Off by default; ``routes["unplanned_reason"]`` says why a route is off.

    Returns
    -------
    Area
        The ward.

    Raises
    ------
    InputError
        When the file is missing, empty, truncated, malformed, not OSM, or holds
        no route inside the box.
    """
    p = Path(path)
    t0 = time.perf_counter()
    bounds, n_nodes, n_ways = read_osm_bounds(p)
    if boundary is not None:
        if boundary.is_empty or boundary.geom_type not in ("Polygon", "MultiPolygon"):
            msg = message("osm.boundary_polygon")
            raise InputError(msg, file=p)
        bbox = tuple(float(x) for x in boundary.bounds)  # type: ignore[assignment]
    if bbox is not None:
        _check_bbox(bbox, p)
        bounds = tuple(float(x) for x in bbox)  # type: ignore[assignment]
    with _OsmnxTags() as ox:
        try:
            graph = ox.graph_from_xml(p, simplify=False, retain_all=True)
        except (ValueError, KeyError) as err:
            msg = message("osm.no_graph", err=err)
            raise InputError(msg, file=p) from None
        try:
            features = ox.features_from_xml(p, tags=FEATURE_TAGS)
        except (ValueError, KeyError, ox._errors.InsufficientResponseError):
            features = gpd.GeoDataFrame(geometry=[], crs=4326)
    if bounds is None:
        xs = [d["x"] for _, d in graph.nodes(data=True)]
        ys = [d["y"] for _, d in graph.nodes(data=True)]
        if not xs:
            msg = message("osm.no_bounds_no_nodes")
            raise InputError(msg, file=p)
        bounds = (min(xs), min(ys), max(xs), max(ys))
        logger.warning("%s", message("osm.no_bounds", file=p.name))
    area = _area_from_graph(
        graph,
        features,
        boundary=box(*bounds) if boundary is None else boundary,
        groups=groups,
        kinds=kinds,
        arterials=arterials,
        minor_ways=minor_ways,
        source=str(p),
    )
    logger.info(
        "area_from_xml: %s (%d nodes, %d ways) -> %r in %.1f s",
        p.name,
        n_nodes,
        n_ways,
        area,
        time.perf_counter() - t0,
    )
    return area


def area_from_polygon(
    polygon: BaseGeometry,
    *,
    groups: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    kinds: Iterable[str] | None = None,
    arterials: bool = False,
    minor_ways: bool = False,
    source: str = "",
) -> Area:
    """Download a ward inside a polygon from OpenStreetMap (needs the internet).

    Parameters
    ----------
    polygon
        The ward's outline in EPSG:4326 (longitude, latitude).
    groups, kinds, arterials, minor_ways
        As in :func:`area_from_xml`.
    source
        A label for messages (default: the polygon's bounds).

    Returns
    -------
    Area
        The ward.
    """
    if not isinstance(polygon, BaseGeometry) or polygon.is_empty or polygon.area == 0:
        msg = message("area.bad_polygon")
        raise InputError(msg, value=repr(polygon)[:80])
    with _OsmnxTags() as ox:
        graph = ox.graph_from_polygon(
            polygon, network_type="all", simplify=False, retain_all=True, truncate_by_edge=True
        )
        try:
            features = ox.features_from_polygon(polygon, tags=FEATURE_TAGS)
        except ox._errors.InsufficientResponseError:
            features = gpd.GeoDataFrame(geometry=[], crs=4326)
    return _area_from_graph(
        graph,
        features,
        boundary=polygon,
        groups=groups,
        kinds=kinds,
        arterials=arterials,
        minor_ways=minor_ways,
        source=source or f"polygon {tuple(round(b, 5) for b in polygon.bounds)}",
    )


def area_from_place(
    name: str,
    *,
    groups: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    kinds: Iterable[str] | None = None,
    arterials: bool = False,
    minor_ways: bool = False,
) -> Area:
    """Download a ward by name from OpenStreetMap (needs the internet).

    Parameters
    ----------
    name
        A place Nominatim knows, e.g. ``"Phường Đa Kao, Quận 1, Hồ Chí Minh"``.
    groups, kinds, arterials, minor_ways
        As in :func:`area_from_xml`.

    Returns
    -------
    Area
        The ward, its boundary the place's outline.
    """
    import osmnx as ox  # lazy: osmnx loads scikit-learn (2.4 s); only downloads need it

    gdf = ox.geocode_to_gdf(clean_text(name))
    polygon = shapely.union_all(gdf.geometry.to_numpy())
    return area_from_polygon(
        polygon,
        groups=groups,
        kinds=kinds,
        arterials=arterials,
        minor_ways=minor_ways,
        source=clean_text(name),
    )


def area_from_file(
    path: str | os.PathLike[str],
    *,
    buildings: str | os.PathLike[str] | None = None,
    groups: str | os.PathLike[str] | gpd.GeoDataFrame | None = None,
    kinds: Iterable[str] | None = None,
    arterials: bool = False,
    minor_ways: bool = False,
) -> Area:
    """Load routes and buildings a planner drew in QGIS (GeoPackage, GeoJSON, Shapefile).

    A GeoPackage may hold layers ``routes`` (lines), ``buildings`` (polygons),
    ``poles`` (points), ``groups`` (polygons) and ``open_space`` (polygons with
    ``kind`` — park, square, parking, ... — and ``name`` columns when present;
    kind ``other`` when it has none). A GeoJSON or Shapefile may mix lines and
    polygons: lines are routes, polygons buildings. Route lines take their
    ``name`` and ``highway`` (or ``kind``) columns when present.

    Parameters
    ----------
    path
        The file.
    buildings
        A separate file of building polygons, if the routes file has none.
    groups, kinds, arterials, minor_ways
        As in :func:`area_from_xml`.

    Returns
    -------
    Area
        The ward; its boundary is the extent of the routes and buildings.
    """
    p = Path(path)
    if not p.exists():
        msg = message("area.routes_not_found")
        raise InputError(msg, file=p)
    layers = _read_layers(p)
    lines = layers.get("routes")
    polys = layers.get("buildings")
    if buildings is not None:
        polys = _read_any(Path(buildings)).to_crs(4326)
    if lines is None or lines.empty:
        msg = message("area.no_route_lines")
        raise InputError(msg, file=p)
    if groups is None and "groups" in layers:
        groups = layers["groups"]
    lines = lines.explode(index_parts=False)
    lines = lines[lines.geom_type == "LineString"]
    graph = _graph_from_lines(lines)
    feats = []
    if polys is not None and not polys.empty:
        f = polys[["geometry"]].copy()
        f["building"] = "yes"
        if "height" in polys.columns:
            f["height"] = polys["height"]
        f.index = pd.MultiIndex.from_arrays(
            [["way"] * len(f), np.arange(1, len(f) + 1)], names=["element", "id"]
        )
        feats.append(f)
    if "poles" in layers and not layers["poles"].empty:
        pl = layers["poles"][["geometry"]].copy()
        pl["power"] = "pole"
        pl.index = pd.MultiIndex.from_arrays(
            [["node"] * len(pl), np.arange(1, len(pl) + 1)], names=["element", "id"]
        )
        feats.append(pl)
    features = (
        gpd.GeoDataFrame(pd.concat(feats), geometry="geometry", crs=4326)
        if feats
        else gpd.GeoDataFrame(geometry=[], crs=4326)
    )
    everything = [lines.geometry.to_numpy()]
    if polys is not None:
        everything.append(polys.geometry.to_numpy())
    boundary = box(*shapely.total_bounds(np.concatenate(everything)))
    drawn = layers.get("open_space")
    return _area_from_graph(
        graph,
        features,
        boundary=boundary,
        groups=groups,
        kinds=kinds,
        arterials=arterials,
        minor_ways=minor_ways,
        source=str(p),
        open_space=_open_space_from_layer(drawn) if drawn is not None else None,
    )


# --------------------------------------------------------------------------- the core
class _OsmnxTags:
    """Import osmnx (lazily: it costs seconds at import) and ask it to keep the way tags
    covplan needs, restoring its settings after."""

    def __enter__(self) -> ModuleType:
        import osmnx as ox  # lazy: see the class docstring

        self._ox = ox
        self._saved = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = sorted(set(self._saved) | set(_WAY_TAGS))
        return ox

    def __exit__(self, *exc: object) -> None:
        self._ox.settings.useful_tags_way = self._saved


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return clean_text(value)


def _width(*values: Any) -> float:
    """The first valid width in metres among tag values (``width``, then ``est_width``)."""
    for value in values:
        text = _first(value).lower().replace(",", ".").replace("m", "").strip()
        try:
            w = float(text)
        except ValueError:
            continue
        if 0 < w < 100:
            return w
    return float("nan")


def _lanes(value: Any) -> float:
    """The number of lanes from an OSM ``lanes`` tag (``"2"``, ``"2;3"``), NaN otherwise."""
    text = _first(value).replace(",", ";").split(";")[0].strip()
    try:
        n = float(text)
    except ValueError:
        return float("nan")
    return n if 0 < n < 20 else float("nan")


def _area_from_graph(
    graph: nx.MultiDiGraph,
    features: gpd.GeoDataFrame,
    *,
    boundary: BaseGeometry,
    groups: str | os.PathLike[str] | gpd.GeoDataFrame | None,
    kinds: Iterable[str] | None,
    arterials: bool,
    minor_ways: bool = False,
    source: str,
    open_space: gpd.GeoDataFrame | None = None,
) -> Area:
    crs = metric_crs_for(boundary)
    segments = _segments(graph, boundary)
    if segments.empty:
        msg = message("area.no_route_inside")
        raise InputError(msg, file=source)
    routes, segments = routes_from_segments(segments, crs=crs)
    planned_kinds = set(settings.planned_kinds if kinds is None else kinds)
    unknown = planned_kinds - {"street", "alley", "lane", "path"}
    if unknown:
        msg = message("area.bad_kinds")
        raise InputError(msg, value=sorted(unknown))
    buildings, poles, cameras = _split_features(features, boundary)
    places = _places(features, boundary)
    if open_space is None:
        open_space = _open_space(features, boundary)
    parks = open_space[open_space["kind"].isin(settings.park_kinds)].to_crs(crs)
    routes["unplanned_reason"] = unplanned_reasons(
        routes,
        kinds=planned_kinds,
        arterials=arterials,
        minor_ways=minor_ways,
        in_park=park_share(routes.to_crs(crs), parks),
    )
    routes["planned"] = routes["unplanned_reason"] == ""
    routes, segments = fold_stubs(routes, segments)
    routes["width_m"] = widths_from_segments(routes, segments)
    group_table = (
        read_groups(groups)
        if groups is not None
        else gpd.GeoDataFrame(
            {"group_id": pd.Series(dtype=object), "name": pd.Series(dtype=object)},
            geometry=gpd.GeoSeries([], crs=4326),
        )
    )
    routes["group_id"] = assign_groups(routes, group_table, crs=crs)
    segments["group_id"] = segments["route_id"].map(routes["group_id"])
    routes = routes[
        ["route_id", "name", "kind", "highway", "service", "access", "arterial", "group_id",
         "length_m", "width_m", "n_segments", "planned", "unplanned_reason", "geometry"]
    ]  # fmt: skip
    nodes = _nodes(segments)
    return Area(
        routes=routes,
        segments=segments,
        nodes=nodes,
        buildings=buildings,
        poles=poles,
        osm_cameras=cameras,
        groups=group_table,
        boundary=boundary,
        crs=crs,
        source=source,
        open_space=open_space,
        places=places,
    )


def _segments(graph: nx.MultiDiGraph, boundary: BaseGeometry) -> gpd.GeoDataFrame:
    """Route segments: highway edges only, simplified, undirected, clipped to the boundary."""
    g = nx.MultiDiGraph(graph)
    drop = [
        (u, v, k)
        for u, v, k, d in g.edges(keys=True, data=True)
        if _first(d.get("highway")) not in ROUTE_HIGHWAYS
    ]
    g.remove_edges_from(drop)
    g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
    if g.number_of_edges() == 0:
        return gpd.GeoDataFrame(geometry=[], crs=4326)
    g.graph.setdefault("crs", "epsg:4326")
    import osmnx as ox  # lazy: osmnx loads scikit-learn (seconds at import)

    # a segment keeps one value of each tag covplan reads: a change of width splits it
    g = ox.simplify_graph(g, edge_attrs_differ=_SPLIT_TAGS)
    ug = ox.convert.to_undirected(g)
    edges = ox.convert.graph_to_gdfs(ug, nodes=False, fill_edge_geometry=True).reset_index()
    node_xy = {n: (d["x"], d["y"]) for n, d in ug.nodes(data=True)}
    clip = shapely.intersection(edges.geometry.to_numpy(), boundary)
    rows = []
    for (u, v), tags, geom in zip(
        zip(edges["u"], edges["v"], strict=True),
        edges.to_dict("records"),
        clip,
        strict=True,
    ):
        if geom.is_empty:
            continue
        parts = [g_ for g_ in getattr(geom, "geoms", [geom]) if g_.geom_type == "LineString"]
        for part in parts:
            if part.length == 0:
                continue
            a, b = part.coords[0], part.coords[-1]
            rows.append(
                {
                    "u": _end_id(a, u, v, node_xy),
                    "v": _end_id(b, u, v, node_xy),
                    "name": _first(tags.get("name")),
                    "highway": _first(tags.get("highway")),
                    "service": _first(tags.get("service")),
                    "access": _first(tags.get("access")),
                    "footway": _first(tags.get("footway")),
                    "width_m": _width(tags.get("width"), tags.get("est_width")),
                    "lanes": _lanes(tags.get("lanes")),
                    "osmid": tags.get("osmid"),
                    "geometry": part,
                }
            )
    seg = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    if seg.empty:
        return seg
    seg["kind"] = [
        classify(h, n, s)
        for h, n, s in zip(seg["highway"], seg["name"], seg["service"], strict=True)
    ]
    seg["osmid"] = seg["osmid"].map(
        lambda x: ";".join(map(str, sorted(x))) if isinstance(x, list) else str(x)
    )
    # deterministic order: west to east, then south to north
    start = shapely.get_coordinates(shapely.get_point(seg.geometry.to_numpy(), 0))
    seg = seg.iloc[np.lexsort((start[:, 1], start[:, 0]))].reset_index(drop=True)
    seg.index.name = None
    seg.insert(0, "segment_id", seg.index.to_numpy())
    return seg


def _end_id(xy: tuple[float, ...], u: int, v: int, node_xy: dict[int, tuple[float, float]]) -> int:
    """The node id at a clipped segment's end: u or v, or a stable negative id for a cut point."""
    for n in (u, v):
        nx_, ny_ = node_xy[n]
        if abs(nx_ - xy[0]) < 1e-9 and abs(ny_ - xy[1]) < 1e-9:
            return int(n)
    # a point where the boundary cuts the segment: a negative id from its coordinates
    # (micro-degrees), stable across runs and distinct from every OSM node id
    return -(round((xy[0] + 180) * 1e6) * 10**9 + round((xy[1] + 90) * 1e6))


def _nodes(segments: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    ends = pd.concat(
        [
            pd.DataFrame(
                {
                    "node_id": segments["u"].to_numpy(),
                    "route_id": segments["route_id"].to_numpy(),
                    "segment_id": segments["segment_id"].to_numpy(),
                    "geometry": shapely.get_point(segments.geometry.to_numpy(), 0),
                }
            ),
            pd.DataFrame(
                {
                    "node_id": segments["v"].to_numpy(),
                    "route_id": segments["route_id"].to_numpy(),
                    "segment_id": segments["segment_id"].to_numpy(),
                    "geometry": shapely.get_point(segments.geometry.to_numpy(), -1),
                }
            ),
        ]
    )
    ends["stub"] = np.concatenate([_stub_flags(segments)] * 2)
    grouped = ends.groupby("node_id", sort=True)
    out = pd.DataFrame(
        {
            "node_id": grouped.size().index.to_numpy(),
            "degree": grouped.size().to_numpy(),  # a loop counts twice, as in graph theory
            "n_stubs": grouped["stub"].sum().to_numpy(dtype=int),
            "n_routes": grouped["route_id"].nunique().to_numpy(),
            "route_ids": grouped["route_id"].agg(lambda s: ";".join(sorted(set(s)))).to_numpy(),
            "cut": grouped.size().index.to_numpy() < 0,
        }
    )
    geoms = grouped["geometry"].first().to_numpy()
    nodes = gpd.GeoDataFrame(out, geometry=list(geoms), crs=4326)
    return nodes.pipe(keyed, "node_id")


def _stub_flags(segments: pd.DataFrame) -> np.ndarray:
    if "stub" not in segments.columns:
        return np.zeros(len(segments), dtype=bool)
    return segments["stub"].fillna(False).to_numpy(dtype=bool)


def _split_features(
    features: gpd.GeoDataFrame, boundary: BaseGeometry
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Split osmnx features into buildings, poles and cameras inside the boundary."""
    f = features[shapely.intersects(features.geometry.to_numpy(), boundary)].copy()
    f.index = pd.Index([f"{el}/{i}" for el, i in f.index], name="osm_key")
    for name in ("building", "height", "building:levels", "power", "highway", "man_made", "ref"):
        if name not in f.columns:
            f[name] = None
    gtype = f.geom_type
    b = f[gtype.isin(["Polygon", "MultiPolygon"]) & f["building"].notna()]
    buildings = gpd.GeoDataFrame(
        {
            "building_id": b.index.to_numpy(dtype=object),
            "height_m": _number(b["height"]),
            "levels": _number(b["building:levels"]),
        },
        geometry=b.geometry.to_numpy(),
        crs=4326,
    ).pipe(keyed, "building_id")
    pt = f[gtype == "Point"]
    pl = pt[(pt["power"] == "pole") | (pt["highway"] == "street_lamp")]
    poles = gpd.GeoDataFrame(
        {
            "pole_id": pl.index.to_numpy(dtype=object),
            "kind": np.where(pl["power"] == "pole", "power_pole", "street_lamp").astype(object),
            "ref": pl["ref"].map(_first).to_numpy(dtype=object),
        },
        geometry=pl.geometry.to_numpy(),
        crs=4326,
    ).pipe(keyed, "pole_id")
    cm = pt[pt["man_made"] == "surveillance"]
    tags = [
        {
            k: clean_text(v)
            for k, v in row.items()
            if k != "geometry"
            and k not in _NOT_TAGS
            and isinstance(v, str | int | float)
            and v == v  # NaN is not a tag
        }
        for row in cm.to_dict("records")
    ]
    cam: dict[str, list[Any]] = {
        "camera_id": [f"osm-{i.replace('/', '-')}" for i in cm.index],
        "osm_id": [int(i.split("/")[1]) for i in cm.index],
        "tags": tags,
    }
    for t in CAMERA_TAGS:
        cam[t] = [d.get(t) for d in tags]
    cameras = gpd.GeoDataFrame(cam, geometry=cm.geometry.to_numpy(), crs=4326)
    return buildings, poles, cameras.pipe(keyed, "camera_id")


def _places(features: gpd.GeoDataFrame, boundary: BaseGeometry) -> gpd.GeoDataFrame:
    """House numbers and named landmarks inside the boundary, as points (``Area.places``)."""
    if features.empty:
        return empty_places()
    f = features[shapely.intersects(features.geometry.to_numpy(), boundary)]
    if "highway" in f.columns:
        f = f[f["highway"].isna()]  # a street's name is the route's, not a landmark

    def tag(key: str) -> pd.Series:
        if key not in f.columns:
            return pd.Series("", index=f.index, dtype=object)
        return f[key].map(_first)

    numbers = tag("addr:housenumber")
    vi_names = tag("name:vi")
    names = vi_names.where(vi_names != "", tag("name"))
    marked = pd.Series(False, index=f.index)
    for key in LANDMARK_KEYS:
        if key in f.columns:
            marked |= f[key].notna()
    landmark = marked & (names != "")
    keep = (numbers != "") | landmark
    f = f[keep]
    if f.empty:
        return empty_places()
    streets = tag("addr:street")
    out = gpd.GeoDataFrame(
        {
            "place_id": [f"{el}/{i}" for el, i in f.index],
            "housenumber": numbers[keep].to_numpy(dtype=object),
            "street": streets.to_numpy(dtype=object),
            "name": names[keep].where(landmark[keep], "").to_numpy(dtype=object),
        },
        geometry=shapely.point_on_surface(f.geometry.to_numpy()),
        crs=4326,
    )
    return out.pipe(keyed, "place_id")


def _open_space(features: gpd.GeoDataFrame, boundary: BaseGeometry) -> gpd.GeoDataFrame:
    """Open-space polygons (parks, squares, parking, water, ...) inside the boundary."""
    if features.empty:
        return empty_open_space()
    f = features[
        features.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        & shapely.intersects(features.geometry.to_numpy(), boundary)
    ]
    if "building" in f.columns:
        f = f[f["building"].isna()]  # a multi-storey car park is a building: it blocks views
    kind = pd.Series(None, index=f.index, dtype=object)
    for tag, values, as_kind in _OPEN_SPACE_RULES:
        if tag not in f.columns:
            continue
        value = f[tag].map(_first)
        hit = kind.isna() & (value != "") & (value.isin(values) if values else True)
        kind = kind.mask(hit, value if as_kind is None else as_kind)
    f = f[kind.notna()]
    if f.empty:
        return empty_open_space()
    ids = [f"{el}/{i}" for el, i in f.index]
    names = f["name"].map(_first) if "name" in f.columns else pd.Series("", index=f.index)
    out = gpd.GeoDataFrame(
        {
            "open_space_id": pd.Series(ids, dtype=object).to_numpy(),
            "kind": kind[kind.notna()].to_numpy(dtype=object),
            "name": names.to_numpy(dtype=object),
        },
        geometry=f.geometry.to_numpy(),
        crs=4326,
    )
    return out.pipe(keyed, "open_space_id")


def _open_space_from_layer(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A planner's ``open_space`` layer as the open-space table (kind ``other`` when unsaid)."""
    polys = layer[layer.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        return empty_open_space()
    n = len(polys)
    cols = polys.columns
    ids = polys["open_space_id"].astype(str) if "open_space_id" in cols else None
    out = gpd.GeoDataFrame(
        {
            "open_space_id": (
                ids.to_numpy(dtype=object)
                if ids is not None
                else np.array([f"drawn/{i}" for i in range(1, n + 1)], dtype=object)
            ),
            "kind": (
                polys["kind"].map(_first).replace("", "other")
                if "kind" in cols
                else pd.Series("other", index=polys.index)
            ).to_numpy(dtype=object),
            "name": (
                polys["name"].map(_first) if "name" in cols else pd.Series("", index=polys.index)
            ).to_numpy(dtype=object),
        },
        geometry=polys.geometry.to_numpy(),
        crs=4326,
    )
    return out.pipe(keyed, "open_space_id")


def _number(values: pd.Series) -> np.ndarray:
    """Numbers from OSM tag text such as ``"12"``, ``"12 m"``, ``"3,5"`` (NaN otherwise)."""
    text = values.map(_first).str.lower().str.replace(",", ".").str.rstrip("m ").str.strip()
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


# --------------------------------------------------------------------------- planner files
def _read_any(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    try:
        gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as err:  # pyogrio raises several types for unreadable files
        msg = message("area.gis_unreadable", err=f"{type(err).__name__}: {err}")
        raise InputError(msg, file=path) from None
    if gdf.crs is None:
        msg = message("area.layer_no_crs")
        raise InputError(msg, file=path, column=layer)
    return gdf.to_crs(4326)


def _read_layers(path: Path) -> dict[str, gpd.GeoDataFrame]:
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as err:
        msg = message("area.gis_unreadable", err=err)
        raise InputError(msg, file=path) from None
    if {"routes", "buildings"} & set(names):
        return {
            n: _read_any(path, n)
            for n in names
            if n in ("routes", "buildings", "poles", "groups", "open_space")
        }
    gdf = _read_any(path, names[0] if len(names) > 1 else None)
    kinds = gdf.geom_type
    return {
        "routes": gdf[kinds.isin(["LineString", "MultiLineString"])],
        "buildings": gdf[kinds.isin(["Polygon", "MultiPolygon"])],
        "poles": gdf[kinds == "Point"],
    }


def _graph_from_lines(lines: gpd.GeoDataFrame) -> nx.MultiDiGraph:
    """A graph whose nodes are line ends (and shared vertices), for drawn routes."""
    g = nx.MultiDiGraph(crs="epsg:4326")
    ids: dict[tuple[float, float], int] = {}

    def node(xy: tuple[float, float]) -> int:
        key = (round(xy[0], 7), round(xy[1], 7))
        if key not in ids:
            ids[key] = len(ids) + 1
            g.add_node(ids[key], x=key[0], y=key[1])
        return ids[key]

    cols = lines.columns
    for osmid, row in enumerate(lines.itertuples(index=False), start=1):
        geom = row.geometry
        coords = list(geom.coords)
        name = clean_text(getattr(row, "name", "")) if "name" in cols else ""
        hw = clean_text(getattr(row, "highway", "")) if "highway" in cols else ""
        if not hw:
            kind = clean_text(getattr(row, "kind", "")) if "kind" in cols else ""
            hw = {
                "street": "residential",
                "alley": "service",
                "lane": "service",
                "path": "footway",
            }.get(kind, "service")
        for a, b in itertools.pairwise(coords):
            ua, ub = node(a[:2]), node(b[:2])
            if ua != ub:
                g.add_edge(ua, ub, name=name, highway=hw, osmid=osmid)
    return g
