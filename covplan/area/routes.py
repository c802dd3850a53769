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
  ("Kiệt 12/5", "Hẻm 146/35"); also other ``highway=service`` ways (driveways,
  parking aisles — which are not planned, see below).
* ``path`` — footway, path, pedestrian, steps, track, cycleway, bridleway,
  unless its name says it is an alley.
* ``street`` — every other road. ``arterial`` marks motorway, trunk, primary,
  secondary and tertiary streets (and their links): busy roads that a ward's
  plan leaves to the city's traffic cameras, so they are off by default.

Which routes a plan covers
--------------------------
:func:`unplanned_reasons` says why a route is off the plan ("" when it is on):
``private`` (``access=private`` or ``no``), ``driveway``, ``parking_aisle``,
``drive_through``, ``emergency_access`` (``highway=service`` with that
``service=*``, unless the name says kiệt, hẻm or ngõ), ``sidewalk`` and
``crossing`` (``footway=sidewalk`` / ``crossing``: part of the street they run
along or cross), ``park_path`` (a path lying mostly in a park), ``arterial`` and
``kind`` (a kind the plan leaves out). All but the last two are *minor ways*:
``minor_ways=True`` on the loaders brings them back. :func:`fold_stubs` folds
short dead-end branches into the route they leave.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from covplan import settings
from covplan._text import clean_text, geohash, slugify
from covplan.area._area import keyed

__all__ = [
    "ARTERIAL_HIGHWAYS",
    "FOOTWAY_REASONS",
    "MINOR_REASONS",
    "ROUTE_HIGHWAYS",
    "SERVICE_REASONS",
    "classify",
    "fold_stubs",
    "name_kind",
    "park_share",
    "route_key",
    "routes_from_segments",
    "unplanned_reasons",
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
#: ``unplanned_reason`` values for service ways (``service=drive-through`` → ``drive_through``).
SERVICE_REASONS = frozenset({"driveway", "parking_aisle", "drive_through", "emergency_access"})
#: ``unplanned_reason`` values for footways that belong to a street (``footway=*``).
FOOTWAY_REASONS = frozenset({"sidewalk", "crossing"})
#: Reasons that ``minor_ways=True`` overrides: the way itself is not a route.
MINOR_REASONS = SERVICE_REASONS | FOOTWAY_REASONS | {"private", "park_path"}

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
        ``highway``, ``kind``, ``osmid`` and LineString geometry; ``service`` and
        ``access`` when present are carried onto the routes (the value covering
        most of each route's length).
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
    columns = {
        "route_id": pieces["route_id"].to_numpy(),
        "name": pieces["name"].to_numpy(),
        "kind": pieces["kind"].to_numpy(),
        "highway": pieces["highway"].to_numpy(),
    }
    for tag in ("service", "access", "footway"):  # the value covering most of the length
        if tag in seg.columns:
            columns[tag] = _dominant(seg.fillna({tag: ""}), tag).reindex(pieces.index).to_numpy()
    routes = gpd.GeoDataFrame(
        {
            **columns,
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


# --------------------------------------------------------------------------- which routes
def park_share(routes_m: gpd.GeoDataFrame, parks_m: gpd.GeoDataFrame) -> pd.Series:
    """Return the share of each path's length that lies in park polygons.

    Parameters
    ----------
    routes_m
        Routes in a metric CRS with ``kind`` and line geometry.
    parks_m
        Park polygons in the same CRS.

    Returns
    -------
    pandas.Series
        Share in [0, 1] on the routes' index; 0 for routes that are not paths.
    """
    share = pd.Series(0.0, index=routes_m.index)
    paths = routes_m[routes_m["kind"] == "path"]
    if paths.empty or parks_m.empty:
        return share
    parks = shapely.union_all(shapely.make_valid(parks_m.geometry.to_numpy()))
    shapely.prepare(parks)
    lines = paths.geometry.to_numpy()
    inside = shapely.length(shapely.intersection(lines, parks))
    total = shapely.length(lines)
    share.loc[paths.index] = np.divide(inside, total, out=np.zeros(len(paths)), where=total > 0)
    return share


def unplanned_reasons(
    routes: pd.DataFrame,
    *,
    kinds: Iterable[str],
    arterials: bool = False,
    minor_ways: bool = False,
    in_park: pd.Series | None = None,
) -> pd.Series:
    """Say why each route is off the plan ("" when a plan covers it).

    Parameters
    ----------
    routes
        Routes with ``name``, ``kind``, ``highway``, ``arterial`` and, when the
        OSM data has them, ``service``, ``access`` and ``footway``.
    kinds
        Route kinds a plan covers.
    arterials
        Plan for arterial streets too.
    minor_ways
        Plan for minor ways too: driveways, parking aisles, drive-throughs,
        emergency accesses, sidewalks and crossings, private ways and park paths.
    in_park
        The share of each route's length in park polygons (:func:`park_share`);
        None when the area has no parks.

    Returns
    -------
    pandas.Series
        On the routes' index: ``""``, ``private``, ``driveway``, ``parking_aisle``,
        ``drive_through``, ``emergency_access``, ``sidewalk``, ``crossing``,
        ``park_path``, ``arterial`` or ``kind`` (the first that applies, in this
        order).
    """
    reason = pd.Series("", index=routes.index, dtype=object)
    if not minor_ways:
        reason = _minor_reasons(routes, in_park)
    if not arterials:
        reason = reason.mask((reason == "") & routes["arterial"].astype(bool), "arterial")
    reason = reason.mask((reason == "") & ~routes["kind"].isin(set(kinds)), "kind")
    return reason


def _minor_reasons(routes: pd.DataFrame, in_park: pd.Series | None) -> pd.Series:
    """Return the minor-way reason of each route ("" for a route that is not a minor way)."""
    blank = pd.Series("", index=routes.index, dtype=object)

    def tag(name: str) -> pd.Series:
        return routes[name].fillna("").astype(str) if name in routes.columns else blank

    service, footway = tag("service"), tag("footway")
    alley_name = routes["name"].map(lambda n: name_kind(str(n)) is not None)
    is_service = (
        (routes["highway"] == "service") & service.isin(settings.minor_services) & ~alley_name
    )
    is_footway = (routes["kind"] == "path") & footway.isin(settings.minor_footways)
    share = in_park.reindex(routes.index).fillna(0.0) if in_park is not None else 0.0
    is_park = (routes["kind"] == "path") & (share > settings.park_path_share)
    reason = blank.mask(is_park, "park_path")
    reason = reason.mask(is_footway, footway)
    reason = reason.mask(is_service, service.str.replace("-", "_"))
    return reason.mask(tag("access").isin(settings.private_access), "private")


def fold_stubs(
    routes: gpd.GeoDataFrame,
    segments: gpd.GeoDataFrame,
    *,
    max_length_m: float | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Fold short dead-end branches into the planned route they leave.

    A planned route shorter than ``max_length_m`` with a dead end that touches
    exactly one other planned route is a stub (a mapping artefact or a recess a
    few houses deep): its segments take that route's ``route_id`` and its row
    leaves the routes table; the parent's length, segment count and geometry
    include it. A dead end is a node where no other route meets, except minor
    ways (driveways, private ways, park paths) — a short link onto an arterial
    street is no stub.

    Parameters
    ----------
    routes
        Routes with ``planned``, ``unplanned_reason``, ``length_m``, ``n_segments``.
    segments
        Their segments with ``route_id``, ``u``, ``v``, ``length_m``.
    max_length_m
        The stub length (default ``settings.stub_length_m``).

    Returns
    -------
    routes, segments
        The routes without the stubs; the segments with the parent's ``route_id``,
        ``folded_from`` (the stub's own id, "" for other segments) and ``stub``
        (True on segments of a folded *branch*: one the parent runs past; its
        dead end is a ``stub`` end in :func:`~covplan.area.route_ends`). A stub
        that prolongs the parent's own end makes the parent longer and keeps
        ``stub`` False: its far end is the route's real end.
    """
    limit = settings.stub_length_m if max_length_m is None else max_length_m
    seg = segments.copy()
    seg["folded_from"] = ""
    seg["stub"] = False
    parents = _stub_parents(routes, seg, limit)
    if not parents:
        return routes, seg
    folded = seg["route_id"].isin(list(parents))
    seg.loc[folded, "folded_from"] = seg.loc[folded, "route_id"]
    seg.loc[folded, "stub"] = seg.loc[folded, "route_id"].map(lambda r: parents[r][1])
    seg.loc[folded, "route_id"] = seg.loc[folded, "route_id"].map(lambda r: parents[r][0])
    out = routes.drop(index=list(parents)).copy()
    hit = sorted({p for p, _ in parents.values()})
    by_route = seg.groupby("route_id")
    out.loc[hit, "length_m"] = by_route["length_m"].sum().reindex(hit).to_numpy()
    out.loc[hit, "n_segments"] = by_route.size().reindex(hit).to_numpy()
    geoms = seg.geometry.to_numpy()
    members = by_route.indices  # positions in seg
    merged = [shapely.line_merge(shapely.multilinestrings(geoms[members[r]])) for r in hit]
    out.loc[hit, out.geometry.name] = merged
    return out, seg


def _stub_parents(
    routes: gpd.GeoDataFrame, seg: pd.DataFrame, limit: float
) -> dict[str, tuple[str, bool]]:
    """Map each stub's route_id to (parent route_id, whether the parent runs past it)."""
    planned = routes["planned"].astype(bool)
    short = routes.index[planned & (routes["length_m"] < limit)]
    if len(short) == 0:
        return {}
    real = planned | ~routes["unplanned_reason"].isin(MINOR_REASONS)
    ends = pd.DataFrame(
        {
            "route_id": np.concatenate([seg["route_id"].to_numpy()] * 2),
            "node": np.concatenate([seg["u"].to_numpy(), seg["v"].to_numpy()]),
        }
    )
    count = ends.value_counts(["route_id", "node"]).rename("n").reset_index()
    count["planned"] = count["route_id"].map(planned).fillna(False).astype(bool)
    count["real"] = count["route_id"].map(real).fillna(True).astype(bool)
    at_node: dict[object, pd.DataFrame] = dict(iter(count.groupby("node", sort=False)))
    mine = count[count["route_id"].isin(set(short))].groupby("route_id", sort=True)
    parents: dict[str, tuple[str, bool]] = {}
    for rid, own in mine:
        found = _stub_parent(str(rid), own, at_node)
        if found is not None:
            parents[str(rid)] = found
    # two stubs that touch only each other: the shorter (then the later id) folds
    length = routes["length_m"]
    for rid in sorted(parents):
        if rid not in parents:
            continue
        other = parents[rid][0]
        if other in parents and parents[other][0] == rid:
            keep = min((rid, other), key=lambda r: (-float(length[r]), r))
            parents.pop(keep, None)
    return parents


def _stub_parent(
    rid: str, own: pd.DataFrame, at_node: dict[object, pd.DataFrame]
) -> tuple[str, bool] | None:
    """Return the parent of ``rid`` if it is a stub (see :func:`fold_stubs`), else None."""
    others: set[str] = set()
    dead_end = False
    for node, n in zip(own["node"], own["n"], strict=True):
        here = at_node[node]
        here = here[here["route_id"] != rid]
        others.update(here.loc[here["planned"], "route_id"])
        if n == 1 and int(node) >= 0 and not here["real"].any():
            dead_end = True
    if not dead_end or len(others) != 1:
        return None
    parent = others.pop()
    runs_past = False
    for node in own["node"]:
        here = at_node[node]
        n_parent = here.loc[here["route_id"] == parent, "n"]
        runs_past |= bool(len(n_parent) and int(n_parent.iloc[0]) >= 2)
    return parent, runs_past
