"""Find the spot: human locations for cameras, and human titles for routes.

A technician on site needs more than ``node/2230864392`` or "14 m from the route's
start": the route's name (for an unnamed alley, "hẻm không tên thông ra đường Võ Thị
Sáu" and the nearest house number), the distance from a *named* end ("cách miệng hẻm
phía đường Võ Thị Sáu 14 m"), the nearest OSM house number or named building, the mount
(the pole's number where OSM has ``ref``), the height, the heading as an arrow and a
compass word, and a link that opens the spot in a phone's map app.

:class:`Places` holds what the words are made from (the routes and where they meet,
the OSM house numbers, named buildings and pole numbers, and the region's alley
word); :func:`area_places` builds it from an :class:`~covplan.area.Area`,
:meth:`Places.locate` gives the location columns of a list, and :func:`route_title`
names one route.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan._text import clean_text
from covplan.vocab import compass_word
from covplan.vocab.places import (
    alley_word,
    heading_arrow,
    lower_first,
    place_word,
    resolve_region,
)

logger = logging.getLogger(__name__)

__all__ = [
    "LOCATION_COLUMNS",
    "Places",
    "area_places",
    "map_links",
    "route_title",
    "standing_routes",
]

#: Columns :meth:`Places.locate` returns.
LOCATION_COLUMNS: tuple[str, ...] = (
    "route_id",
    "route_name",
    "along_m",
    "location",
    "near",
    "mount_place",
    "heading_arrow",
    "place",
    "map_geo",
    "map_osm",
    "map_google",
)

#: Two routes meet where they come this close (metres).
MEET_M = 1.5
#: A house number or named building names a spot within this distance (metres).
NEAR_M = 35.0
#: A camera stands on the route it watches when that route is this much farther
#: than the nearest one at most (metres): at a corner, both are "its" route.
STAND_TIE_M = 2.0
_KIND_RANK = {"street": 0, "alley": 1, "lane": 2, "path": 3}
_ALLEY_KINDS = frozenset({"alley", "lane", "path"})


# --------------------------------------------------------------------------- map links
def map_links(lat: float, lon: float) -> tuple[str, str, str]:
    """Return the ``geo:`` URI, the OpenStreetMap URL and the Google Maps URL of a spot.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326).

    Returns
    -------
    tuple of str
        ``("geo:16.466006,107.588094", "https://www.openstreetmap.org/?mlat=…",
        "https://www.google.com/maps/search/?api=1&query=…")``; three empty strings
        when the point is not finite.
    """
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "", "", ""
    la, lo = f"{lat:.6f}", f"{lon:.6f}"
    return (
        f"geo:{la},{lo}",
        f"https://www.openstreetmap.org/?mlat={la}&mlon={lo}#map=19/{la}/{lo}",
        f"https://www.google.com/maps/search/?api=1&query={la},{lo}",
    )


# --------------------------------------------------------------------------- OSM features
def _empty_houses() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in ("housenumber", "street", "name")},
        geometry=gpd.GeoSeries([], crs=4326),
    )


# --------------------------------------------------------------------------- the route graph
def _rid(row: pd.Series) -> str:
    rid = row.get("route_id")
    return str(rid) if isinstance(rid, str) and rid else str(row.name)


def _name(value: object) -> str:
    return clean_text(value) if isinstance(value, str) else ""


@dataclass
class _Route:
    rid: str
    name: str
    kind: str
    line: BaseGeometry  # merged, metric
    ends: list[tuple[BaseGeometry, list[str]]]  # (end point, routes meeting there)
    joins: list[tuple[BaseGeometry, str, bool]]  # (point on this route, route, it branches off)
    planned: bool


class _Graph:
    """The routes in metres, their ends and where each meets the others."""

    def __init__(self, routes: gpd.GeoDataFrame, crs: Any = None) -> None:
        r = routes
        if "route_id" not in r.columns:
            r = r.assign(route_id=r.index.astype(str))
        if crs is None:
            crs = (
                r.estimate_utm_crs()
                if len(r) and r.crs is not None and r.crs.is_geographic
                else r.crs
            )
        self.crs = CRS.from_user_input(crs) if crs is not None else CRS.from_epsg(settings.utm_epsg)
        rm = r.to_crs(self.crs) if r.crs is not None else r
        ids = rm["route_id"].astype(str).to_numpy()
        names = [_name(v) for v in (rm["name"] if "name" in rm.columns else [None] * len(rm))]
        kinds = [
            str(k) if isinstance(k, str) else "alley"
            for k in (rm["kind"] if "kind" in rm.columns else [None] * len(rm))
        ]
        planned = (
            rm["planned"].fillna(False).astype(bool).to_numpy()
            if "planned" in rm.columns
            else np.ones(len(rm), dtype=bool)
        )
        geoms = [
            shapely.line_merge(g) if g.geom_type == "MultiLineString" else g for g in rm.geometry
        ]
        self.ids = list(ids)
        self.geoms = np.array(geoms, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        self.index = {rid: i for i, rid in enumerate(ids)}
        self.routes: list[_Route] = []
        ends_by_route: list[list[BaseGeometry]] = []
        for g in geoms:
            b = shapely.get_parts(shapely.boundary(g)) if not g.is_empty else []
            ends_by_route.append(list(b))
        for i, g in enumerate(geoms):
            ends = []
            for pt in ends_by_route[i]:
                near = self.tree.query(pt, predicate="dwithin", distance=MEET_M)
                ends.append((pt, [ids[j] for j in near if j != i]))
            joins = []
            for j in self.tree.query(g, predicate="dwithin", distance=MEET_M):
                if j == i:
                    continue
                other_ends = ends_by_route[j]
                branch = any(shapely.distance(e, g) <= MEET_M for e in other_ends)
                at = shapely.get_point(shapely.shortest_line(g, geoms[j]), 0)
                joins.append((at, ids[j], branch))
            self.routes.append(_Route(ids[i], names[i], kinds[i], g, ends, joins, bool(planned[i])))

    def route(self, rid: str) -> _Route | None:
        i = self.index.get(str(rid))
        return None if i is None else self.routes[i]

    def best(self, rids: Sequence[str]) -> _Route | None:
        """Return the route a place is best named after: named first, then streets first."""
        cands = [r for r in (self.route(x) for x in rids) if r is not None]
        if not cands:
            return None
        return min(cands, key=lambda r: (not r.name, _KIND_RANK.get(r.kind, 9), r.rid))

    def named_outlet(self, rid: str, hops: int = 4) -> _Route | None:
        """Return the first named route an unnamed one leads to through its ends (or crosses)."""
        seen = {rid}
        frontier = [rid]
        for _ in range(hops):
            nxt: list[str] = []
            for f in frontier:
                r = self.route(f)
                if r is None:
                    continue
                touching = [x for _, xs in r.ends for x in xs] + [x for _, x, _ in r.joins]
                best = self.best([x for x in touching if x not in seen])
                if best is not None and best.name:
                    return best
                nxt += [x for x in touching if x not in seen]
                seen.update(touching)
            frontier = nxt
        return None

    def named_near(self, r: _Route) -> _Route | None:
        """Return the nearest named route within :data:`NEAR_M` of one leading nowhere named."""
        near = self.tree.query(r.line, predicate="dwithin", distance=NEAR_M)
        named = [self.routes[j] for j in near if self.routes[j].name and self.routes[j] is not r]
        if not named:
            return None
        return min(named, key=lambda o: (float(shapely.distance(o.line, r.line)), o.rid))


_GRAPHS: dict[int, tuple[gpd.GeoDataFrame, _Graph]] = {}


def _graph(routes: gpd.GeoDataFrame, crs: Any = None) -> _Graph:
    key = id(routes)
    hit = _GRAPHS.get(key)
    if hit is not None and hit[0] is routes and len(hit[0]) == len(routes):
        return hit[1]
    g = _Graph(routes, crs)
    if len(_GRAPHS) >= 4:
        _GRAPHS.pop(next(iter(_GRAPHS)))
    _GRAPHS[key] = (routes, g)
    return g


def _region_of_routes(routes: gpd.GeoDataFrame, region: str | None) -> str:
    if region is not None or getattr(settings, "alley_region", None) is not None:
        return resolve_region(region)
    if not len(routes) or routes.crs is None:
        return resolve_region(None)
    c = routes.to_crs(4326).union_all().centroid
    return resolve_region(None, c.x, c.y)


# --------------------------------------------------------------------------- words
def _mid(r: _Route, lang: str) -> str:
    """Write a named route as inside a sentence ("đường Võ Thị Sáu")."""
    return lower_first(r.name, r.kind, lang)


def _title(g: _Graph, r: _Route, region: str, lang: str, houses: _Houses | None) -> str:
    if r.name:
        return r.name
    word = alley_word(r.kind, region, lang, capital=lang == "vi")
    outlet = g.named_outlet(r.rid)
    if outlet is not None:
        text = place_word("unnamed_onto", lang, alley=word, street=_mid(outlet, lang))
    else:
        nearby = g.named_near(r)
        text = (
            place_word("unnamed_near", lang, alley=word, street=_mid(nearby, lang))
            if nearby is not None
            else place_word("unnamed", lang, alley=word)
        )
    if lang == "en":
        text = text[:1].upper() + text[1:]
    if houses is not None:
        # the house number beside its mouth (HCMC names alleys after it), else anywhere on it
        mouths = [pt for pt, xs in r.ends if xs]
        probe = mouths[0] if mouths else shapely.centroid(r.line)
        near = houses.nearest_text(probe, lang)
        if near:
            text += ", " + near
    return text


def _end_text(g: _Graph, r: _Route, meets: list[str], region: str, lang: str) -> str:
    other = g.best(meets)
    word = alley_word(r.kind, region, lang)
    if r.kind in _ALLEY_KINDS:
        if other is None:
            return place_word("dead_end", lang, alley=word)
        if other.name:
            return place_word("mouth_on", lang, alley=word, street=_mid(other, lang))
        oword = alley_word(other.kind, region, lang)
        return place_word(
            "mouth_on", lang, alley=word, street=place_word("unnamed", lang, alley=oword)
        )
    if other is None:
        return place_word("street_end", lang, street=_mid(r, lang) if r.name else word)
    return place_word("crossing", lang, street=_other_name(other, region, lang))


def _other_name(other: _Route, region: str, lang: str) -> str:
    if other.name:
        return _mid(other, lang)
    return place_word("unnamed", lang, alley=alley_word(other.kind, region, lang))


class _Houses:
    """House numbers and landmarks in metres, with a tree for the nearest."""

    def __init__(self, houses: gpd.GeoDataFrame, crs: CRS) -> None:
        h = houses.to_crs(crs) if len(houses) else houses
        self.geoms = h.geometry.to_numpy()
        self.number = [clean_text(v) for v in h["housenumber"]] if len(h) else []
        self.street = [clean_text(v) for v in h["street"]] if len(h) else []
        self.name = [clean_text(v) for v in h["name"]] if len(h) else []
        has_no = np.array([bool(n) for n in self.number], dtype=bool)
        self.num_idx = np.flatnonzero(has_no)
        self.name_idx = np.flatnonzero(np.array([bool(n) for n in self.name], dtype=bool))
        self.num_tree = shapely.STRtree(self.geoms[self.num_idx]) if len(self.num_idx) else None
        self.name_tree = shapely.STRtree(self.geoms[self.name_idx]) if len(self.name_idx) else None

    def _nearest(self, tree: Any, idx: np.ndarray, pt: BaseGeometry) -> int | None:
        if tree is None:
            return None
        j, d = tree.query_nearest(pt, max_distance=NEAR_M, return_distance=True)
        if len(j) == 0:
            return None
        return int(idx[int(j[np.argmin(d)])])

    def number_of(self, pt: BaseGeometry) -> str:
        i = self._nearest(self.num_tree, self.num_idx, pt)
        return "" if i is None else self.number[i]

    def nearest_text(self, pt: BaseGeometry, lang: str) -> str:
        i = self._nearest(self.num_tree, self.num_idx, pt)
        if i is not None:
            if self.street[i]:
                return place_word(
                    "near_number_street", lang, n=self.number[i], street=self.street[i]
                )
            return place_word("near_number", lang, n=self.number[i])
        i = self._nearest(self.name_tree, self.name_idx, pt)
        if i is not None:
            return place_word("near_named", lang, name=self.name[i])
        return ""


# --------------------------------------------------------------------------- public API
def route_title(
    route_row: pd.Series,
    routes: gpd.GeoDataFrame,
    lang: str = "vi",
    *,
    region: str | None = None,
    houses: gpd.GeoDataFrame | None = None,
) -> str:
    """Return a human title for a route: its name, or what an unnamed alley opens onto.

    Parameters
    ----------
    route_row
        One row of ``routes`` (``route_id`` or the index, ``name``, ``kind``).
    routes
        Every route (``route_id``, ``name``, ``kind``, LineString, any CRS): where the
        unnamed one leads.
    lang
        ``"vi"`` or ``"en"``.
    region
        ``"north"``, ``"central"`` or ``"south"`` for the alley word (default: the
        setting, else where the routes lie).
    houses
        OSM house numbers and landmarks (:attr:`OsmPlaces.houses`), for the number
        beside an unnamed alley's mouth.

    Returns
    -------
    str
        ``"Kiệt 12 Chi Lăng"``, or ``"Hẻm không tên thông ra đường Võ Thị Sáu, gần nhà
        số 146"``; never a machine id.

    Examples
    --------
    >>> route_title(area.routes.loc["alley-w3gv7gfx"], area.routes)  # doctest: +SKIP
    'Hẻm không tên thông ra đường Võ Thị Sáu, gần nhà số 146'
    """
    name = _name(route_row.get("name"))
    if name:
        return name
    g = _graph(routes)
    r = g.route(_rid(route_row))
    reg = _region_of_routes(routes, region)
    if r is None:
        kind = route_row.get("kind")
        word = alley_word(kind if isinstance(kind, str) else "alley", reg, lang, capital=True)
        return place_word("unnamed", lang, alley=word)
    h = _Houses(houses, g.crs) if houses is not None and len(houses) else None
    return _title(g, r, reg, lang, h)


def standing_routes(
    points: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    *,
    given: pd.Series | None = None,
    crs: Any = None,
) -> pd.Series:
    """Return the route each point stands on: the nearest planned route.

    The route a pose *watches* (``given``) is kept when it is about as near as the
    nearest one (a camera at a corner stands on both); otherwise the nearest wins —
    a pole a few metres off a street, picked for the alley it looks into, is listed
    under the street it stands on.

    Parameters
    ----------
    points
        Points (any CRS).
    routes
        Routes (``route_id``, optional ``planned``).
    given
        The route each point is said to be on or to watch, or None.
    crs
        Metric CRS (the routes' UTM zone by default).

    Returns
    -------
    pandas.Series
        route_id per point, index kept (None without routes).
    """
    out = pd.Series([None] * len(points), index=points.index, dtype=object)
    if not len(points) or routes is None or not len(routes):
        return out
    g = _graph(routes, crs)
    pts = points.to_crs(g.crs).geometry.to_numpy()
    planned = np.array([r.planned for r in g.routes], dtype=bool)
    pool = np.flatnonzero(planned) if planned.any() else np.arange(len(g.routes))
    tree = shapely.STRtree(g.geoms[pool])
    near = pool[tree.nearest(pts)]
    for i, p in enumerate(pts):
        best = int(near[i])
        choice = g.ids[best]
        if given is not None:
            want = given.iloc[i]
            j = g.index.get(str(want)) if isinstance(want, str) else None
            if j is not None:
                d_best = float(shapely.distance(g.geoms[best], p))
                if float(shapely.distance(g.geoms[j], p)) <= d_best + STAND_TIE_M:
                    choice = g.ids[j]
        out.iloc[i] = choice
    return out


@dataclass
class Places:
    """What human locations are made from: routes, house numbers, pole numbers, region.

    Attributes
    ----------
    routes
        The ward's routes (``route_id``, ``name``, ``kind``, ``planned``).
    houses
        OSM house numbers and landmarks (:attr:`covplan.area.Area.places`; may be empty).
    pole_refs
        ``pole_id`` (``node/<id>``) → the number painted on it (OSM ``ref``).
    region
        The alley word's region (:data:`covplan.vocab.places.REGIONS`); None: the
        setting, else where the routes lie.
    crs
        Metric CRS.
    """

    routes: gpd.GeoDataFrame
    houses: gpd.GeoDataFrame = field(default_factory=_empty_houses)
    pole_refs: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    crs: Any = None

    def __post_init__(self) -> None:
        if self.region is None:
            self.region = _region_of_routes(self.routes, None)
        self._region: str = str(self.region)
        self._g = _graph(self.routes, self.crs)
        self._h = _Houses(self.houses, self._g.crs)

    def title(self, route_id: object, lang: str = "vi") -> str:
        """Return the human title of a route (see :func:`route_title`).

        Parameters
        ----------
        route_id
            The route's id.
        lang
            ``"vi"`` or ``"en"``.

        Returns
        -------
        str
            Its name or an unnamed-alley phrase; "" for no route.
        """
        r = self._g.route(str(route_id)) if isinstance(route_id, str) else None
        if r is None:
            return ""
        return _title(self._g, r, self._region, lang, self._h)

    def locate(
        self,
        table: gpd.GeoDataFrame,
        *,
        lang: str = "vi",
        given: pd.Series | None = None,
        mounts: pd.Series | None = None,
        site_ids: pd.Series | None = None,
        headings: pd.Series | None = None,
        heights: pd.Series | None = None,
        stand: bool = True,
    ) -> pd.DataFrame:
        """Return the human location of every point of ``table``.

        Parameters
        ----------
        table
            Points (any CRS).
        lang
            ``"vi"`` or ``"en"``.
        given
            The route each point watches or is said to be on (kept at a corner).
        mounts
            What holds each camera (``pole``, ``street_lamp``, ``wall``, ``gate``,
            ``new_pole``; None for a surveyed camera).
        site_ids
            Site ids (a pole's ``node/<id>`` gives its number).
        headings, heights
            Degrees clockwise from north; metres.
        stand
            Choose the route each point stands on (:func:`standing_routes`); False
            keeps ``given``.

        Returns
        -------
        pandas.DataFrame
            :data:`LOCATION_COLUMNS`, index kept. ``place`` joins the route, the
            distance from a named end, the nearest house and the mount in one line.
        """
        n = len(table)
        cols: dict[str, list[Any]] = {c: [""] * n for c in LOCATION_COLUMNS}
        cols["along_m"] = [math.nan] * n
        if n == 0:
            return pd.DataFrame(cols, index=table.index)
        if stand or given is None:
            rids = standing_routes(table, self.routes, given=given, crs=self._g.crs)
        else:
            rids = given.reindex(table.index)
        pts = table.to_crs(self._g.crs).geometry.to_numpy()
        ll = table.to_crs(4326).geometry
        lats, lons = ll.y.to_numpy(), ll.x.to_numpy()
        for i in range(n):
            p = pts[i]
            r = self._g.route(str(rids.iloc[i])) if isinstance(rids.iloc[i], str) else None
            cols["route_id"][i] = r.rid if r is not None else None
            if r is not None:
                cols["route_name"][i] = _title(self._g, r, self._region, lang, self._h)
                loc, along = self._from_end(r, p, lang)
                cols["location"][i] = loc
                cols["along_m"][i] = along
            near = self._h.nearest_text(p, lang)
            cols["near"][i] = near
            if near and near in cols["route_name"][i]:
                near = ""  # the title already says it
            mount = mounts.iloc[i] if mounts is not None else None
            sid = site_ids.iloc[i] if site_ids is not None else None
            cols["mount_place"][i] = self._mount(mount, sid, p, lang)
            h = float(headings.iloc[i]) if headings is not None else math.nan
            cols["heading_arrow"][i] = heading_arrow(h)
            geo, osm, goo = map_links(float(lats[i]), float(lons[i]))
            cols["map_geo"][i], cols["map_osm"][i], cols["map_google"][i] = geo, osm, goo
            parts = [cols["route_name"][i], cols["location"][i], near, cols["mount_place"][i]]
            hm = float(heights.iloc[i]) if heights is not None else math.nan
            if math.isfinite(hm):
                parts.append(place_word("height_m", lang, m=_num(hm)))
            if math.isfinite(h):
                parts.append(
                    place_word(
                        "facing", lang, arrow=heading_arrow(h), compass=compass_word(h, lang=lang)
                    )
                )
            cols["place"][i] = ", ".join(x for x in parts if x)
        return pd.DataFrame(cols, index=table.index)

    def _from_end(self, r: _Route, p: BaseGeometry, lang: str) -> tuple[str, float]:
        """Return the distance from the nearest named end or junction, and the place along."""
        line = r.line
        single = line.geom_type == "LineString"
        a_p = float(shapely.line_locate_point(line, p)) if single else math.nan
        refs: list[tuple[float, str]] = []
        for pt, meets in r.ends:
            refs.append(
                (
                    self._dist(line, single, a_p, pt, p),
                    _end_text(self._g, r, meets, self._region, lang),
                )
            )
        spare: list[tuple[float, str]] = []  # junctions with unnamed routes: a last resort
        for pt, other_id, branch in r.joins:
            other = self._g.route(other_id)
            if other is None:
                continue
            if any(shapely.distance(pt, e) <= MEET_M for e, _ in r.ends):
                continue  # an end: named above
            key = "branch_to" if branch else "crossing"
            text = place_word(key, lang, street=_other_name(other, self._region, lang))
            (refs if other.name else spare).append((self._dist(line, single, a_p, pt, p), text))
        refs = refs or spare
        if not refs:
            return place_word(
                "on_route", lang, route=_title(self._g, r, self._region, lang, None)
            ), a_p
        d, end = min(refs, key=lambda t: t[0])
        if d < 3.0:
            return place_word("at_end", lang, end=end), a_p
        return place_word("from_end", lang, end=end, m=round(d)), a_p

    @staticmethod
    def _dist(
        line: BaseGeometry, single: bool, a_p: float, ref: BaseGeometry, p: BaseGeometry
    ) -> float:
        if single:
            d = abs(float(shapely.line_locate_point(line, ref)) - a_p)
            return min(d, float(line.length) - d) if line.is_ring else d  # a loop: the short way
        return float(shapely.distance(ref, p))

    def _mount(self, mount: object, site_id: object, p: BaseGeometry, lang: str) -> str:
        if not isinstance(mount, str) or not mount:
            return ""
        ref = self.pole_refs.get(str(site_id), "") if isinstance(site_id, str) else ""
        if mount in ("pole", "street_lamp"):
            if ref:
                return place_word("pole_ref" if mount == "pole" else "lamp_ref", lang, ref=ref)
            return place_word(mount, lang)
        if mount == "wall":
            number = self._h.number_of(p)
            return place_word("wall_number", lang, n=number) if number else place_word("wall", lang)
        if mount in ("gate", "new_pole"):
            return place_word(mount, lang)
        return mount


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def area_places(area: Any, *, region: str | None = None) -> Places:
    """Build the :class:`Places` of an :class:`~covplan.area.Area`.

    House numbers, named buildings and pole numbers come from the area
    (:attr:`~covplan.area.Area.places`, the poles' ``ref``); the region from where the ward
    lies unless ``region`` or ``covplan.settings.alley_region`` says.

    Parameters
    ----------
    area
        The ward.
    region
        ``"north"``, ``"central"``, ``"south"`` or None.

    Returns
    -------
    Places
        Ready to :meth:`~Places.locate` points.
    """
    routes = area.routes if "route_id" in area.routes.columns else area.routes.reset_index()
    places = getattr(area, "places", None)
    houses = places if places is not None and len(places) else _empty_houses()
    refs: dict[str, str] = {}
    poles = getattr(area, "poles", None)
    if poles is not None and len(poles) and "ref" in poles.columns:  # an area that keeps them
        ids = poles["pole_id"] if "pole_id" in poles.columns else poles.index.to_series()
        for pid, ref in zip(ids.astype(str), poles["ref"], strict=True):
            if isinstance(ref, str) and ref:
                refs[pid] = clean_text(ref)
    boundary = getattr(area, "boundary", None)
    if region is None and getattr(settings, "alley_region", None) is None and boundary is not None:
        c = shapely.centroid(boundary)
        reg = resolve_region(None, c.x, c.y) if not c.is_empty else resolve_region(None)
    else:
        reg = resolve_region(region)
    return Places(routes, houses, refs, reg, getattr(area, "crs", None))
