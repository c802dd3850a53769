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
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

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
        ``highway``, ``kind``, ``osmid`` and LineString geometry.
    crs
        The projected metric CRS lengths are measured in.

    Returns
    -------
    routes, segments
        The routes table (indexed by ``route_id``) and the segments with their
        ``route_id`` and ``length_m`` filled in.

    Notes
    -----
    Segments with the same name key that touch each other form one route; the
    same name in two places that do not touch gives two routes (``-2`` suffix,
    ordered west to east). Unnamed segments of one kind and one OSM way that touch
    form one route whose id is ``<kind>-<geohash>`` of its south-western-most
    vertex: stable across runs and readable on a map. Everything is grouped with
    vectorised table operations (one connected-components pass over all segments).
    """
    seg = segments.reset_index(drop=True).copy()
    n = len(seg)
    seg["length_m"] = seg.geometry.to_crs(crs).length.to_numpy()
    keys = seg["name"].map(route_key)
    # named -> name key; unnamed -> kind and OSM way (a mapper's notion of one alley)
    way = (
        seg["osmid"].astype(str).str.split(";").str[0]
        if "osmid" in seg.columns
        else pd.Series("", index=seg.index)
    )
    group = pd.Series(
        np.where(keys != "", "n:" + keys, "u:" + seg["kind"] + ":" + way), index=seg.index
    )
    # pieces: segments of one group that share a node are connected
    ends = pd.DataFrame(
        {
            "seg": np.concatenate([np.arange(n)] * 2),
            "group": np.concatenate([group.to_numpy()] * 2),
            "node": np.concatenate([seg["u"].to_numpy(), seg["v"].to_numpy()]),
        }
    )
    first = ends.groupby(["group", "node"], sort=False)["seg"].transform("first").to_numpy()
    adj = coo_matrix((np.ones(len(ends)), (ends["seg"].to_numpy(), first)), shape=(n, n))
    _, piece = connected_components(adj, directed=False)
    seg["_piece"] = piece
    # the south-western-most vertex of each piece (names and numbering go west to east)
    xy, owner = shapely.get_coordinates(seg.geometry.to_numpy(), return_index=True)
    verts = pd.DataFrame({"piece": piece[owner], "x": xy[:, 0], "y": xy[:, 1]})
    west = verts.sort_values(["piece", "x", "y"]).drop_duplicates("piece").set_index("piece")
    pieces = pd.DataFrame(
        {
            "group": group.groupby(piece).first(),
            "length_m": seg.groupby("_piece")["length_m"].sum(),
            "n_segments": seg.groupby("_piece").size(),
            "kind": _dominant(seg, "kind"),
            "highway": _dominant(seg, "highway"),
            "name": _dominant(seg, "name", prefer_short=True),
            "west_x": west["x"],
            "west_y": west["y"],
        }
    )
    pieces = pieces.sort_values(["group", "west_x", "west_y"])
    pieces["nth"] = pieces.groupby("group").cumcount() + 1
    named = pieces["group"].str.startswith("n:")
    gh = [geohash(y, x) for x, y in zip(pieces["west_x"], pieces["west_y"], strict=True)]
    slug = pieces["group"].str[2:].map(slugify)
    base = np.where(slug != "", slug, "route-" + pd.Series(gh, index=pieces.index))
    rid = np.where(
        named,
        np.where(pieces["nth"] > 1, base + "-" + pieces["nth"].astype(str), base),
        pieces["group"].str.split(":").str[1] + "-" + pd.Series(gh, index=pieces.index),
    )
    pieces["route_id"] = rid
    pieces.loc[~named, "name"] = ""
    # an unnamed route's geohash collides only with another piece starting in the same
    # 38 m cell; disambiguate deterministically if it happens
    dup = pieces["route_id"].duplicated(keep=False)
    if dup.any():
        nth = pieces[dup].groupby("route_id").cumcount() + 1
        pieces.loc[dup, "route_id"] = pieces.loc[dup, "route_id"] + "-" + nth.astype(str)
    seg["route_id"] = pieces["route_id"].reindex(piece).to_numpy()
    geoms = seg.geometry.to_numpy()
    members = seg.groupby("_piece").indices
    merged = [shapely.line_merge(shapely.multilinestrings(geoms[members[p]])) for p in pieces.index]
    routes = gpd.GeoDataFrame(
        {
            "route_id": pieces["route_id"].to_numpy(),
            "name": pieces["name"].to_numpy(),
            "kind": pieces["kind"].to_numpy(),
            "highway": pieces["highway"].to_numpy(),
            "arterial": pieces["highway"].isin(ARTERIAL_HIGHWAYS).to_numpy(),
            "length_m": pieces["length_m"].to_numpy(),
            "n_segments": pieces["n_segments"].to_numpy(),
        },
        geometry=merged,
        crs=segments.crs,
    )
    seg = seg.drop(columns="_piece")
    seg.index = segments.index
    return routes.pipe(keyed, "route_id").sort_index(), seg


def _dominant(seg: pd.DataFrame, column: str, *, prefer_short: bool = False) -> pd.Series:
    """Per piece, the value of ``column`` that covers the most length (ties: shortest text)."""
    by = seg.groupby(["_piece", column], sort=True)["length_m"].sum().reset_index()
    by["_len"] = by[column].astype(str).str.len() if prefer_short else 0
    by = by.sort_values(["_piece", "length_m", "_len"], ascending=[True, False, True])
    return by.drop_duplicates("_piece").set_index("_piece")[column].astype(str)
