"""Routes as a planner calls them: named streets and alleys, classified, merged.

OSM gives graph edges; a ward's plan talks about routes — "Kiệt 34 Chi Lăng",
"Hẻm 146/35 Võ Thị Sáu". This module classifies each segment as
``street`` / ``alley`` / ``lane`` / ``path`` from its OSM tags *and* its
Vietnamese name, and merges segments into one route per named street or alley
(per connected piece), with stable, readable ids.

Classification
--------------
* ``alley`` — kiệt, hẻm, ngõ (also written "K12", "K.12", "H.45", "HXH"), or
  ``highway=service`` + ``service=alley``, ``highway=living_street``, or an
  unnamed plain ``highway=service`` (in Vietnamese wards these are alleys).
* ``lane`` — a branch of an alley: ngách, xóm, or an alley number with a slash
  ("Kiệt 12/5", "Hẻm 146/35"); also service driveways and parking aisles.
* ``path`` — footway, path, pedestrian, steps, track, cycleway, bridleway,
  unless its name says it is an alley.
* ``street`` — every other road. ``arterial`` marks motorway, trunk, primary,
  secondary and tertiary streets (and their links): busy roads that a ward's
  plan leaves to the city's traffic cameras, so they are off by default.
"""

from __future__ import annotations

import re

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from covplan._text import clean_text, geohash, slugify
from covplan.area._area import keyed

__all__ = [
    "ARTERIAL_HIGHWAYS",
    "ROUTE_HIGHWAYS",
    "classify",
    "name_kind",
    "route_key",
    "routes_from_segments",
]

ROUTE_HIGHWAYS = frozenset(
    {
        "motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
        "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link",
        "living_street", "service", "road", "pedestrian", "footway", "path", "steps",
        "track", "cycleway", "bridleway",
    }
)  # fmt: skip
ARTERIAL_HIGHWAYS = frozenset(
    {
        "motorway", "trunk", "primary", "secondary", "tertiary",
        "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link",
    }
)  # fmt: skip
_PATH_HIGHWAYS = frozenset(
    {"pedestrian", "footway", "path", "steps", "track", "cycleway", "bridleway"}
)

_NUM = r"\d+[a-z]?"
# kiệt / hẻm / ngõ, unaccented spellings, and the abbreviations on street signs
_ALLEY = re.compile(
    rf"^(?:kiệt|kiet|hẻm|hem|hxh|ngõ|ngo|k\.?\s*(?={_NUM})|h\.?\s*(?={_NUM}))(?:\s|$|\.|(?={_NUM}))"
)
_LANE_WORD = re.compile(r"^(?:ngách|ngach|xóm|xom)(?:\s|$)")
_ALLEY_NUMBER = re.compile(rf"^\D*?({_NUM}(?:\s*/\s*{_NUM})*)")
_STREET_WORD = re.compile(r"\bđ(?:ư|u)(?:ờ|ơ)ng\b\s*")


def name_kind(name: str) -> str | None:
    """Return the route kind a Vietnamese name says, or None when it says nothing.

    Parameters
    ----------
    name
        A route name, e.g. ``"Kiệt 12 Chi Lăng"``, ``"K12/5"``, ``"Ngách 3"``.

    Returns
    -------
    str or None
        ``"alley"``, ``"lane"`` (a branch alley: ngách, xóm, or a number with a
        slash) or None.

    Examples
    --------
    >>> name_kind("Hẻm 146/35 Võ Thị Sáu"), name_kind("K12"), name_kind("Lê Lợi")
    ('lane', 'alley', None)
    """
    text = clean_text(name).casefold()
    if not text:
        return None
    if _LANE_WORD.match(text):
        return "lane"
    if _ALLEY.match(text):
        number = _ALLEY_NUMBER.match(text)
        if number and "/" in number.group(1):
            return "lane"
        return "alley"
    return None


def classify(highway: str, name: str = "", service: str = "") -> str:
    """Classify one segment as ``street``, ``alley``, ``lane`` or ``path``.

    Parameters
    ----------
    highway
        The OSM ``highway`` tag.
    name
        The OSM ``name`` tag ("" when unnamed).
    service
        The OSM ``service`` tag ("" when absent).

    Returns
    -------
    str
        The kind.
    """
    by_name = name_kind(name)
    if by_name is not None:
        return by_name
    if highway in _PATH_HIGHWAYS:
        return "path"
    if highway == "living_street":
        return "alley"
    if highway == "service":
        if service in ("", "alley"):
            return "alley"
        return "lane"
    return "street"


def route_key(name: str) -> str:
    """Return the key that names of one route share.

    "Hai Bà Trưng", "Đường Hai Bà Trưng" and "Đuờng Hai Bà Trưng" are one street;
    the key drops the word "đường" (street), case and spacing.

    Parameters
    ----------
    name
        A route name.

    Returns
    -------
    str
        The merge key ("" for an unnamed segment).
    """
    text = clean_text(name).casefold()
    text = _STREET_WORD.sub("", text)
    return " ".join(text.split())


def routes_from_segments(
    segments: gpd.GeoDataFrame, *, crs: object
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Merge classified segments into named routes.

    Parameters
    ----------
    segments
        Segments in EPSG:4326 with columns ``u``, ``v`` (node ids), ``name``,
        ``highway``, ``kind``, ``width_m`` and LineString geometry.
    crs
        The projected metric CRS lengths are measured in.

    Returns
    -------
    routes, segments
        The routes table (index ``route_id``) and the segments with their
        ``route_id`` and ``length_m`` filled in.

    Notes
    -----
    Segments with the same name key that touch each other form one route; the
    same name in two places that do not touch gives two routes (``-2`` suffix,
    ordered west to east). Unnamed segments of one kind that touch form one
    route whose id is ``<kind>-<geohash>`` of its south-western-most vertex:
    stable across runs and readable on a map.
    """
    seg = segments.copy()
    seg["length_m"] = seg.geometry.to_crs(crs).length.to_numpy()
    keys = seg["name"].map(route_key)
    # group key: named -> name key; unnamed -> kind and OSM way (a mapper's notion of one
    # alley); connected pieces are split below
    way = (
        seg["osmid"].astype(str).str.split(";").str[0]
        if "osmid" in seg.columns
        else pd.Series("", index=seg.index)
    )
    group_key = np.where(keys != "", "n:" + keys, "u:" + seg["kind"] + ":" + way)
    seg["_group"] = group_key
    route_of = pd.Series("", index=seg.index, dtype=object)
    records = []
    for gkey, part in seg.groupby("_group", sort=True):
        graph = nx.Graph()
        for idx, u, v in zip(part.index, part["u"], part["v"], strict=True):
            graph.add_edge(("n", u), ("n", v))
            graph.add_edge(("n", u), ("s", idx))
        pieces = []
        for comp in nx.connected_components(graph):
            idxs = sorted(i for t, i in comp if t == "s")
            geoms = part.loc[idxs].geometry
            coords = shapely.get_coordinates(geoms.to_numpy())
            order = np.lexsort((coords[:, 1], coords[:, 0]))
            west_lon, west_lat = coords[order[0]]
            pieces.append((west_lon, west_lat, idxs))
        pieces.sort()
        for n, (west_lon, west_lat, idxs) in enumerate(pieces, start=1):
            rows = part.loc[idxs]
            if str(gkey).startswith("n:"):
                name = _preferred_name(rows)
                rid = slugify(str(gkey)[2:]) or f"route-{geohash(west_lat, west_lon)}"
                if n > 1:
                    rid = f"{rid}-{n}"
                kind = _dominant(rows, "kind")
            else:
                name = ""
                kind = str(gkey).split(":")[1]
                rid = f"{kind}-{geohash(west_lat, west_lon)}"
            route_of.loc[idxs] = rid
            merged = shapely.line_merge(shapely.multilinestrings(rows.geometry.to_numpy()))
            records.append(
                {
                    "route_id": rid,
                    "name": name,
                    "kind": kind,
                    "highway": _dominant(rows, "highway"),
                    "arterial": bool(_dominant(rows, "highway") in ARTERIAL_HIGHWAYS),
                    "length_m": float(rows["length_m"].sum()),
                    "n_segments": len(rows),
                    "geometry": merged,
                }
            )
    seg["route_id"] = route_of
    seg = seg.drop(columns="_group")
    routes = gpd.GeoDataFrame(records, geometry="geometry", crs=segments.crs)
    # ids are unique: an unnamed route's geohash could only collide with another piece
    # starting in the same 38 m cell; disambiguate deterministically if it happens
    dup = routes["route_id"].duplicated(keep=False)
    if dup.any():
        counts = routes.loc[dup].groupby("route_id").cumcount() + 1
        routes.loc[dup, "route_id"] = routes.loc[dup, "route_id"] + "-" + counts.astype(str)
        # map segments again for the renamed ids (rare path)
        seg["route_id"] = _remap_segments(seg, routes)
    routes = routes.pipe(keyed, "route_id").sort_index()
    return routes, seg


def _remap_segments(seg: gpd.GeoDataFrame, routes: gpd.GeoDataFrame) -> pd.Series:
    """Map each segment to the route whose geometry contains it (after id renames)."""
    tree = shapely.STRtree(routes.geometry.to_numpy())
    mids = shapely.line_interpolate_point(seg.geometry.to_numpy(), 0.5, normalized=True)
    nearest = tree.nearest(mids)
    return pd.Series(routes["route_id"].to_numpy()[nearest], index=seg.index)


def _dominant(rows: pd.DataFrame, column: str) -> str:
    """Return the value of ``column`` that covers the most length in ``rows``."""
    by_len = rows.groupby(column, sort=True)["length_m"].sum()
    return str(by_len.idxmax()) if len(by_len) else ""


def _preferred_name(rows: pd.DataFrame) -> str:
    """Return the spelling of a route's name that covers the most length (ties: shortest)."""
    by_len = rows.groupby("name", sort=True)["length_m"].sum().reset_index()
    by_len["n"] = by_len["name"].str.len()
    by_len = by_len.sort_values(["length_m", "n"], ascending=[False, True])
    return str(by_len["name"].iloc[0])
