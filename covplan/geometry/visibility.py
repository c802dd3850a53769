"""Building occlusion: batched sight lines against building footprints, with a sliver tolerance.

The rule
--------
A sight line from a camera to a target is blocked when it passes *deeper than*
``sliver_tolerance_m`` into a building footprint. Concretely, footprints are
dissolved into blocks (row houses that touch become one block, so no gap opens
between them) and each block is eroded by the tolerance; a sight line is blocked
when it intersects an eroded block. This absorbs the mapping slivers of real OSM
data — footprints that overlap an alley or footway by a metre or two, anywhere
along the sight line, and cameras or targets that sit just inside a footprint's
edge — while a real house (row houses are 3–5 m wide and joined into blocks)
still hides what is behind it. Parts of blocks thinner than twice the tolerance
vanish: a free-standing kiosk narrower than 3 m (at the 1.5 m default) does not
block. ``sliver_tolerance_m = 0`` gives the plain test on the raw footprints.

Open space where the map is incomplete
--------------------------------------
Most of Vietnam's OpenStreetMap has few building footprints: a block of row houses
between two kiệt is often mapped as nothing at all, and a sight line would sweep
across it. In an alley city the open space *is* the street, so an area may pass a
``corridor``: the union of its route corridors (each route buffered by half its
width) and mapped open space (squares, parks, water). Everything inside the frame
(the area's outline, grown) that lies farther than ``corridor_margin_m`` outside the
corridor becomes an *inferred block* and blocks sight lines exactly as a building
does. Mapped buildings still block inside the corridor. A camera whose point lies
outside the corridor (a survey GPS fix on the house it hangs on) looks out from the
nearest point of the corridor, when that is within ``snap_m``: :meth:`Occluders.origins`.

The building a camera is mounted on never hides its own view: the part of each
sight line inside that footprint (grown by the tolerance) is removed before the
test. A target deeper than the tolerance inside a footprint (footways mapped
under buildings, arcades) is unseeable from outside: :func:`inside_blocks` finds
those, and :func:`covplan.geometry.coverage.coverage_matrix` reports them.

Everything is batched: one :class:`shapely.STRtree` over the eroded blocks and one
``query(lines, predicate="intersects")`` for all sight lines at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

logger = logging.getLogger(__name__)

__all__ = [
    "Occluders",
    "blocked",
    "inferred_blocks",
    "inside_blocks",
    "sight_lines",
    "visible_polygon",
]

GeomArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: Eroded blocks are cut into cells of this size so that the tree's boxes stay tight.
_GRID_M = 40.0


@dataclass
class Occluders:
    """Eroded building blocks and footprints, ready for batched sight-line tests.

    Build with :meth:`from_footprints`.

    Attributes
    ----------
    blocks
        Eroded block pieces (shapely polygons, metric CRS).
    tree
        STRtree over ``blocks``.
    footprints
        Building id → footprint grown by the tolerance (used to drop the mounted
        building from its own camera's sight lines).
    sliver_tolerance_m
        The tolerance used.
    """

    blocks: GeomArray
    tree: shapely.STRtree
    footprints: dict[str, BaseGeometry] = field(default_factory=dict)
    sliver_tolerance_m: float = 0.0
    corridor: BaseGeometry | None = None
    snap_m: float = 0.0

    def origins(self, points: FloatArray) -> FloatArray:
        """Return where sight lines from these camera points start.

        A point inside the corridor (or any point when there is none) starts where it
        is; a point outside it, within :attr:`snap_m`, starts at the nearest point of
        the corridor (a camera on a house wall looks out into the street).

        Parameters
        ----------
        points
            ``(n, 2)`` camera coordinates.

        Returns
        -------
        numpy.ndarray
            ``(n, 2)`` sight-line origins.
        """
        pts = np.asarray(points, float).reshape(-1, 2).copy()
        if self.corridor is None or self.corridor.is_empty or not len(pts):
            return pts
        geoms = shapely.points(pts)
        dist = shapely.distance(self.corridor, geoms)
        move = (dist > 0) & (dist <= self.snap_m)
        if move.any():
            near = shapely.shortest_line(geoms[move], self.corridor)
            pts[move] = shapely.get_coordinates(shapely.get_point(near, 1))
        return pts

    @classmethod
    def from_footprints(
        cls,
        geoms: Sequence[BaseGeometry] | GeomArray,
        ids: Sequence[str] | None = None,
        *,
        sliver_tolerance_m: float,
        corridor: BaseGeometry | None = None,
        frame: BaseGeometry | None = None,
        corridor_margin_m: float = 0.5,
        snap_m: float = 15.0,
    ) -> Occluders:
        """Dissolve, erode and index building footprints (and inferred blocks).

        Parameters
        ----------
        geoms
            Footprints (Polygon/MultiPolygon) in a projected metric CRS.
        ids
            Building ids, parallel to ``geoms`` (for the mounted-building rule).
        sliver_tolerance_m
            Depth of footprint a sight line may cross (see the module docstring).
        corridor
            Open space (route corridors and mapped open space), metric CRS; None: the
            map's buildings are the only occluders.
        frame
            The region where inferred blocks are made (the area's outline grown by the
            longest camera range); needed with ``corridor``.
        corridor_margin_m
            How far outside the corridor a sight line may pass (GPS and width slack).
        snap_m
            How far outside the corridor a camera may stand and still look out of it.

        Returns
        -------
        Occluders
        """
        arr = np.asarray(geoms, dtype=object)
        if arr.size:
            arr = shapely.make_valid(arr)
            arr = arr[~shapely.is_empty(arr) & (shapely.area(arr) > 0)]
        tol = float(sliver_tolerance_m)
        if arr.size:
            merged = shapely.union_all(arr, grid_size=None)
            if tol > 0:
                merged = shapely.buffer(merged, -tol, join_style="mitre")
            parts = shapely.get_parts(merged)
            parts = parts[~shapely.is_empty(parts)]
            blocks = _grid_split(parts, _GRID_M)
        else:
            blocks = np.empty(0, dtype=object)
        if corridor is not None:
            if frame is None:
                raise ValueError("a corridor needs a frame to infer blocks in")
            inferred = inferred_blocks(corridor, frame, margin_m=corridor_margin_m)
            blocks = np.concatenate([blocks, _grid_split(inferred, _GRID_M)])
        footprints: dict[str, BaseGeometry] = {}
        if ids is not None:
            raw = np.asarray(geoms, dtype=object)
            grown = shapely.buffer(shapely.make_valid(raw), tol) if tol > 0 else raw
            footprints = {str(i): g for i, g in zip(ids, grown, strict=True)}
        logger.debug("occluders: %d footprints -> %d eroded block pieces", len(arr), len(blocks))
        return cls(blocks, shapely.STRtree(blocks), footprints, tol, corridor, float(snap_m))


def inferred_blocks(
    corridor: BaseGeometry, frame: BaseGeometry, *, margin_m: float = 0.5
) -> GeomArray:
    """Return the parts of ``frame`` farther than ``margin_m`` outside ``corridor``.

    Parameters
    ----------
    corridor
        Open space (metric CRS).
    frame
        The region to fill.
    margin_m
        Slack around the corridor that stays open.

    Returns
    -------
    numpy.ndarray of shapely Polygons
        The inferred blocks (unmapped houses), one polygon per part.
    """
    grown = shapely.buffer(corridor, margin_m, quad_segs=4) if margin_m > 0 else corridor
    rest = shapely.difference(frame, grown)
    parts = shapely.get_parts(rest)
    return parts[(shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0.5)]


def _grid_split(parts: GeomArray, cell_m: float) -> GeomArray:
    """Cut polygons larger than a cell into grid pieces (same union, tighter boxes)."""
    if parts.size == 0:
        return parts
    bounds = shapely.bounds(parts)
    big = ((bounds[:, 2] - bounds[:, 0]) > cell_m) | ((bounds[:, 3] - bounds[:, 1]) > cell_m)
    out = [parts[~big]]
    for geom, (x0, y0, x1, y1) in zip(parts[big], bounds[big], strict=True):
        xs = np.arange(np.floor(x0 / cell_m) * cell_m, x1, cell_m)
        ys = np.arange(np.floor(y0 / cell_m) * cell_m, y1, cell_m)
        gx, gy = np.meshgrid(xs, ys)
        cells = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell_m, gy.ravel() + cell_m)
        pieces = shapely.intersection(geom, cells)
        pieces = shapely.get_parts(pieces)
        keep = shapely.get_type_id(pieces) == 3  # polygons only; drop slivers of lower dimension
        out.append(pieces[keep & ~shapely.is_empty(pieces)])
    return np.concatenate(out)


def sight_lines(
    origins: FloatArray,
    targets: FloatArray,
    mounted: Sequence[BaseGeometry | None] | GeomArray | None = None,
) -> GeomArray:
    """Build sight lines, cut out of the building each camera is mounted on.

    Parameters
    ----------
    origins, targets
        ``(n, 2)`` arrays of camera and target coordinates.
    mounted
        Per line, the grown footprint of the camera's own building (or None).

    Returns
    -------
    numpy.ndarray of shapely geometries
        LineStrings (possibly MultiLineStrings or empty after the cut).
    """
    origins = np.asarray(origins, float).reshape(-1, 2)
    targets = np.asarray(targets, float).reshape(-1, 2)
    coords = np.stack([origins, targets], axis=1)
    lines = shapely.linestrings(coords)
    if mounted is not None:
        own = np.asarray(mounted, dtype=object)
        has = np.array([g is not None for g in own], dtype=bool)
        if has.any():
            lines[has] = shapely.difference(lines[has], own[has])
    return np.asarray(lines, dtype=object)


def blocked(occluders: Occluders, lines: GeomArray) -> BoolArray:
    """Return which sight lines are blocked by a building (one batched tree query).

    Parameters
    ----------
    occluders
        From :meth:`Occluders.from_footprints`.
    lines
        Sight lines from :func:`sight_lines`.

    Returns
    -------
    numpy.ndarray of bool
        True where the line intersects an eroded block.
    """
    lines = np.asarray(lines, dtype=object)
    out = np.zeros(len(lines), dtype=bool)
    if len(lines) == 0 or len(occluders.blocks) == 0:
        return out
    hit_line, _ = occluders.tree.query(lines, predicate="intersects")
    out[hit_line] = True
    return out


def inside_blocks(occluders: Occluders, points: FloatArray) -> BoolArray:
    """Return which points lie deeper than the tolerance inside a footprint.

    Parameters
    ----------
    occluders
        From :meth:`Occluders.from_footprints`.
    points
        ``(n, 2)`` coordinates.

    Returns
    -------
    numpy.ndarray of bool
    """
    pts = shapely.points(np.asarray(points, float).reshape(-1, 2))
    out = np.zeros(len(pts), dtype=bool)
    if len(pts) and len(occluders.blocks):
        idx, _ = occluders.tree.query(pts, predicate="intersects")
        out[idx] = True
    return out


def visible_polygon(
    occluders: Occluders,
    x: float,
    y: float,
    *,
    heading_deg: float,
    hfov_deg: float,
    radius_m: float,
    inner_m: float = 0.0,
    building_id: str | None = None,
    step_deg: float = 1.0,
) -> Polygon:
    """Return the part of a view sector not hidden by buildings (for maps).

    Rays are cast every ``step_deg`` across the FOV, each stopped where it first
    enters an eroded block (all rays in one batched query); the polygon joins the
    ray ends and the near dead zone is cut out.

    Parameters
    ----------
    occluders
        From :meth:`Occluders.from_footprints`.
    x, y
        Camera position.
    heading_deg, hfov_deg
        Sector (``hfov >= 360``: all around).
    radius_m
        Horizontal range for the level shown.
    inner_m
        Near dead zone.
    building_id
        The building the camera is mounted on (does not hide its own view).
    step_deg
        Angular step between rays.

    Returns
    -------
    shapely.Polygon
        Possibly empty.
    """
    if not radius_m > inner_m:
        return Polygon()
    full = hfov_deg >= 360.0
    if full:
        angles = np.arange(0.0, 360.0, step_deg)
    else:
        n = max(2, int(np.ceil(hfov_deg / step_deg)) + 1)
        angles = np.linspace(heading_deg - hfov_deg / 2, heading_deg + hfov_deg / 2, n)
    rad = np.radians(angles)
    ends = np.column_stack([x + radius_m * np.sin(rad), y + radius_m * np.cos(rad)])
    ox, oy = occluders.origins(np.array([[x, y]]))[0]
    origin = np.full_like(ends, (ox, oy))
    own = occluders.footprints.get(str(building_id)) if building_id is not None else None
    rays = sight_lines(origin, ends, None if own is None else [own] * len(ends))
    reach = np.full(len(rays), radius_m)
    if len(occluders.blocks):
        ri, bi = occluders.tree.query(rays, predicate="intersects")
        if len(ri):
            cut = shapely.intersection(rays[ri], occluders.blocks[bi])
            dist = shapely.distance(Point(ox, oy), cut)
            np.minimum.at(reach, ri, np.nan_to_num(dist, nan=radius_m))
    pts = np.column_stack([x + reach * np.sin(rad), y + reach * np.cos(rad)])
    poly = Polygon(pts) if full else Polygon(np.vstack([[x, y], pts]))
    poly = shapely.make_valid(poly)
    if inner_m > 0:
        poly = poly.difference(Point(x, y).buffer(inner_m, quad_segs=16))
    polys = [g for g in shapely.get_parts(poly) if g.geom_type == "Polygon"]
    if not polys:
        return Polygon()
    return max(polys, key=lambda g: g.area) if len(polys) == 1 else _largest_union(polys)


def _largest_union(polys: list[Polygon]) -> Polygon:
    merged = shapely.union_all(polys)
    if merged.geom_type == "Polygon":
        return merged
    return max(shapely.get_parts(merged), key=lambda g: g.area)
