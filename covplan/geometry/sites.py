"""Candidate sites for new cameras, and the poses a catalogue gives them.

:func:`candidate_sites` lists where a new camera could go: OSM power poles and
street lamps near the planned routes, the start and end of each alley (đầu và cuối
kiệt), intersections, points every ``site_spacing_m`` along the planned routes, and
sites a planner adds from a file; sites inside forbidden zones are dropped.
:func:`site_poses` turns sites × catalogue specs × headings into the poses table of
docs/interfaces.md (the optimiser's "new" options).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas import GeoDataFrame
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan._errors import InputError
from covplan.area import Area, intersections, route_ends
from covplan.camera.spec import CameraSpec
from covplan.geometry._common import to_metric
from covplan.geometry.view import angle_off_heading

logger = logging.getLogger(__name__)

__all__ = [
    "MOUNTS",
    "SITE_COLUMNS",
    "SITE_KINDS",
    "camera_poses",
    "candidate_sites",
    "site_poses",
]

SITE_COLUMNS = [
    "site_id",
    "kind",
    "mount",
    "capacity",
    "mount_height_m",
    "building_id",
    "geometry",
]
#: Where a site is, in the order of the ward's rule (fillers last).
SITE_KINDS = ("pole", "street_lamp", "alley_end", "intersection", "bend", "filler", "wall")
#: What holds a camera there.
MOUNTS = ("pole", "street_lamp", "wall", "gate", "new_pole")
#: A vertex where the route turns by at least this much is a bend site (degrees).
BEND_MIN_DEG = 30.0
#: A wall mount takes the mapped building whose footprint is this close (metres).
WALL_REACH_M = 6.0
POSE_COLUMNS = [
    "source",
    "camera_id",
    "site_id",
    "heading_deg",
    "spec_id",
    "hfov_deg",
    "vfov_deg",
    "resolution_px",
    "mount_height_m",
    "tilt_deg",
    "building_id",
    "cost",
    "geometry",
]


def site_poses(
    sites: GeoDataFrame,
    specs: Mapping[str, CameraSpec] | Iterable[CameraSpec],
    *,
    headings: int | None = None,
    tilt_deg: float | None = None,
    first_pose_id: int = 0,
) -> GeoDataFrame:
    """Return the poses of new cameras: every site × spec × heading.

    Parameters
    ----------
    sites
        From :func:`candidate_sites` (site_id, mount_height_m, building_id, geometry;
        an optional ``outward_deg`` restricts a wall site to headings within 90° of it,
        so a camera on a wall never looks into its own house).
    specs
        Camera specs, e.g. ``load_catalogue()``.
    headings
        Number of evenly spaced headings from north (default
        :data:`covplan.settings.headings`, 8: every 45°). A 360° fisheye gets one.
    tilt_deg
        Downward tilt of new cameras (default :data:`covplan.settings.tilt_deg`).
    first_pose_id
        Number of the first pose (to append to the poses of existing cameras).

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``pose_id`` (int); columns source ("new"), camera_id (None), site_id,
        heading_deg, spec_id, hfov_deg, vfov_deg, resolution_px, mount_height_m,
        tilt_deg, building_id, cost (price_vnd), geometry — in the sites' CRS.
        Order: site, then spec, then heading.
    """
    spec_list = list(specs.values()) if isinstance(specs, Mapping) else list(specs)
    n_head = settings.headings if headings is None else int(headings)
    if n_head < 1:
        raise InputError("headings must be at least 1", value=headings)
    tilt = settings.tilt_deg if tilt_deg is None else float(tilt_deg)
    angles = np.arange(n_head) * 360.0 / n_head
    n_s = len(sites)
    mount = (
        pd.to_numeric(sites["mount_height_m"], errors="coerce").fillna(settings.mount_height_m)
        if "mount_height_m" in sites.columns
        else pd.Series(settings.mount_height_m, index=sites.index)
    ).to_numpy(float)
    bid = (
        sites["building_id"].to_numpy(dtype=object)
        if "building_id" in sites.columns
        else np.full(n_s, None, dtype=object)
    )
    outward = (
        pd.to_numeric(sites["outward_deg"], errors="coerce").to_numpy(float)
        if "outward_deg" in sites.columns
        else np.full(n_s, np.nan)
    )
    site_ids = (
        sites["site_id"].to_numpy(dtype=object)
        if "site_id" in sites.columns
        else (sites.index.to_numpy(dtype=object))
    )
    frames = []
    for spec in spec_list:  # a handful of specs; everything inside is vectorised
        spec_angles = np.array([0.0]) if spec.hfov_deg >= 360 else angles
        s_idx = np.repeat(np.arange(n_s), len(spec_angles))
        head = np.tile(spec_angles, n_s)
        ok = np.isnan(outward[s_idx]) | (angle_off_heading(head, outward[s_idx]) <= 90.0)
        s_idx, head = s_idx[ok], head[ok]
        frames.append(
            pd.DataFrame(
                {
                    "_site": s_idx,
                    "_spec": spec.spec_id,
                    "source": "new",
                    "camera_id": None,
                    "site_id": site_ids[s_idx],
                    "heading_deg": head,
                    "spec_id": spec.spec_id,
                    "hfov_deg": float(spec.hfov_deg),
                    "vfov_deg": float(spec.vfov_deg),
                    "resolution_px": int(spec.resolution_px),
                    "mount_height_m": mount[s_idx],
                    "tilt_deg": tilt,
                    "building_id": bid[s_idx],
                    "cost": float(spec.price_vnd),
                }
            )
        )
    spec_rank = {s.spec_id: i for i, s in enumerate(spec_list)}
    if frames:
        df = pd.concat(frames, ignore_index=True)
        df["_rank"] = df["_spec"].map(spec_rank)
        df = df.sort_values(["_site", "_rank", "heading_deg"], kind="stable")
        geom = sites.geometry.to_numpy()[df["_site"].to_numpy()]
        df = df.drop(columns=["_site", "_spec", "_rank"])
    else:
        df = pd.DataFrame(columns=POSE_COLUMNS[:-1])
        geom = np.empty(0, dtype=object)
    df.index = pd.RangeIndex(first_pose_id, first_pose_id + len(df), name="pose_id")
    out = GeoDataFrame(df, geometry=list(geom), crs=sites.crs)
    logger.info(
        "site poses: %d sites x %d specs x %d headings -> %d poses",
        n_s,
        len(spec_list),
        n_head,
        len(out),
    )
    return out


def _as_gdf(obj: Any, crs: Any, name: str) -> GeoDataFrame | None:
    """Read a planner's file or accept a GeoDataFrame / geometry."""
    if obj is None:
        return None
    if isinstance(obj, GeoDataFrame):
        gdf = obj
    elif isinstance(obj, BaseGeometry):
        gdf = GeoDataFrame(geometry=[obj], crs=4326)
    elif isinstance(obj, str | os.PathLike):
        try:
            gdf = gpd.read_file(obj)
        except Exception as err:  # pyogrio raises several kinds
            msg = f"cannot read {name} file: {err}; give a GeoPackage, GeoJSON or Shapefile"
            raise InputError(msg, file=str(obj)) from err
        if gdf.crs is None:
            msg = f"{name} file has no CRS; save it with one (e.g. EPSG:4326)"
            raise InputError(msg, file=str(obj))
    else:
        msg = f"{name} must be a GeoDataFrame, a shapely geometry or a file path"
        raise InputError(msg, value=type(obj).__name__)
    return to_metric(gdf, crs, name)


def _points_along(
    lines: GeoDataFrame, spacing_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (row, part, measure_m, point) at midpoints of equal pieces ≤ spacing_m."""
    parts = lines.geometry.to_numpy()
    rows_l, part_l, meas_l, pts_l = [], [], [], []
    for row, geom in enumerate(parts):  # per route, not per pair
        merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        for k, line in enumerate(shapely.get_parts(merged)):
            length = line.length
            if length <= 0:
                continue
            n = max(1, math.ceil(length / spacing_m - 1e-9))
            m = (np.arange(n) + 0.5) * length / n
            rows_l.append(np.full(n, row))
            part_l.append(np.full(n, k))
            meas_l.append(m)
            pts_l.append(shapely.line_interpolate_point(line, m))
    if not rows_l:
        e = np.empty(0)
        return e.astype(int), e.astype(int), e, np.empty(0, dtype=object)
    return (
        np.concatenate(rows_l),
        np.concatenate(part_l),
        np.concatenate(meas_l),
        np.concatenate(pts_l),
    )


def candidate_sites(
    area: Area,
    *,
    site_spacing_m: float | None = None,
    extra: GeoDataFrame | BaseGeometry | str | os.PathLike[str] | None = None,
    forbidden: GeoDataFrame | BaseGeometry | str | os.PathLike[str] | None = None,
    capacity: int | Mapping[str, int] = 2,
    kinds: Iterable[str] | None = None,
    pole_distance_m: float | None = None,
) -> GeoDataFrame:
    """Return candidate sites for new cameras.

    Parameters
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    site_spacing_m
        Spacing of ``filler`` sites along the planned routes (default
        :data:`covplan.settings.site_spacing_m`); sites sit at the midpoints of
        equal pieces no longer than this.
    extra
        Sites a planner adds: a GeoDataFrame or a file (GeoPackage, GeoJSON,
        Shapefile) of points, with optional site_id, kind, mount, capacity,
        mount_height_m, building_id columns (kind defaults to ``pole``; mount to the
        kind when it names a mount, else ``wall``).
    forbidden
        Zones where no camera may go (polygons: GeoDataFrame, geometry in EPSG:4326,
        or a file); sites inside are dropped.
    capacity
        Cameras per site (2: back to back on a pole), or per mount (e.g. the cost
        model's :meth:`~covplan.camera.costs.CostModel.capacities`).
    kinds
        Route kinds to site along (default: the area's planned routes).
    pole_distance_m
        Poles and street lamps farther than this from a planned route are dropped
        (default :data:`covplan.settings.pole_distance_m`).

    Returns
    -------
    geopandas.GeoDataFrame
        site_id (str), kind (:data:`SITE_KINDS`), mount (:data:`MOUNTS`), capacity,
        mount_height_m, building_id (the mapped building a wall mount is on, else
        None), route_id (the route a site is on, or None), geometry Point — in
        EPSG:4326, index 0..n-1.
    """
    spacing = settings.site_spacing_m if site_spacing_m is None else float(site_spacing_m)
    if spacing <= 0:
        raise InputError("site_spacing_m must be positive", value=site_spacing_m)
    near = settings.pole_distance_m if pole_distance_m is None else float(pole_distance_m)
    crs = area.crs
    routes = _planned(area, kinds)
    routes_m = routes.to_crs(crs)
    planned_ids = set(routes["route_id"])
    frames: list[GeoDataFrame] = []

    # poles and street lamps near a planned route
    poles = area.poles
    if len(poles) and len(routes_m):
        pm = poles.to_crs(crs)
        tree = shapely.STRtree(routes_m.geometry.to_numpy())
        pi, ri = tree.query(pm.geometry.to_numpy(), predicate="dwithin", distance=near)
        keep = np.unique(pi)
        pm = pm.iloc[keep]
        pid = pm["pole_id"] if "pole_id" in pm.columns else pm.index.to_series()
        first_route = pd.Series(ri, index=pi).groupby(level=0).first()
        frames.append(
            GeoDataFrame(
                {
                    "site_id": pid.astype(str).to_numpy(),
                    "kind": np.where(pm["kind"].to_numpy() == "street_lamp", "street_lamp", "pole"),
                    "route_id": routes_m["route_id"].to_numpy()[first_route.loc[keep].to_numpy()],
                },
                geometry=pm.geometry.to_numpy(),
                crs=crs,
            )
        )

    # alley ends and intersections (one site per node; an alley end wins)
    ends = route_ends(area)
    ends = ends[ends["route_id"].isin(planned_ids) & ends["end_kind"].isin(["dead_end", "mouth"])]
    inter = intersections(area)
    inter_ids = _node_route_ids(inter)
    touches = np.array([bool(set(r) & planned_ids) for r in inter_ids], dtype=bool)
    inter = inter[touches] if len(inter) else inter
    node_frames = []
    if len(ends):
        e = ends.drop_duplicates("node_id")
        node_frames.append(
            GeoDataFrame(
                {
                    "site_id": [f"node/{n}" for n in e["node_id"]],
                    "kind": "alley_end",
                    "route_id": e["route_id"].to_numpy(),
                    "_node": e["node_id"].to_numpy(),
                },
                geometry=e.geometry.to_numpy(),
                crs=ends.crs,
            )
        )
    if len(inter):
        nid = inter["node_id"] if "node_id" in inter.columns else inter.index.to_series()
        first_planned = [
            next((r for r in rs if r in planned_ids), None) for rs in _node_route_ids(inter)
        ]
        node_frames.append(
            GeoDataFrame(
                {
                    "site_id": [f"node/{n}" for n in nid],
                    "kind": "intersection",
                    "route_id": first_planned,
                    "_node": nid.to_numpy(),
                },
                geometry=inter.geometry.to_numpy(),
                crs=inter.crs,
            )
        )
    if node_frames:
        nodes = pd.concat(node_frames, ignore_index=True).drop_duplicates("_node")
        frames.append(GeoDataFrame(nodes.drop(columns="_node"), crs=node_frames[0].crs).to_crs(crs))

    # bends, then filler positions every site_spacing_m along planned routes
    frames.append(_bend_sites(routes_m))
    row, part, meas, pts = _points_along(routes_m, spacing)
    rid = routes_m["route_id"].to_numpy()[row]
    frames.append(
        GeoDataFrame(
            {
                "site_id": [f"{r}#{p}@{m:.0f}m" for r, p, m in zip(rid, part, meas, strict=True)],
                "kind": "filler",
                "route_id": rid,
            },
            geometry=list(pts),
            crs=crs,
        )
    )

    # the planner's own sites
    ex = _as_gdf(extra, crs, "extra sites")
    if ex is not None and len(ex):
        exd = GeoDataFrame(
            {
                "site_id": (
                    ex["site_id"].astype(str).to_numpy()
                    if "site_id" in ex.columns
                    else [f"extra-{i}" for i in range(len(ex))]
                ),
                "kind": ex["kind"].to_numpy() if "kind" in ex.columns else "pole",
                "route_id": None,
            },
            geometry=ex.geometry.to_numpy(),
            crs=crs,
        )
        for col in ("mount", "capacity", "mount_height_m", "building_id", "outward_deg"):
            if col in ex.columns:
                exd[col] = ex[col].to_numpy()
        frames.append(exd)

    sites = GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    sites = _with_mounts(sites, area)
    if "capacity" not in sites.columns:
        sites["capacity"] = np.nan
    if "mount_height_m" not in sites.columns:
        sites["mount_height_m"] = np.nan
    if "building_id" not in sites.columns:
        sites["building_id"] = None
    default_cap = (
        sites["mount"].map(lambda m: capacity.get(m, 2))
        if isinstance(capacity, Mapping)
        else pd.Series(int(capacity), index=sites.index)
    )
    sites["capacity"] = pd.to_numeric(sites["capacity"], errors="coerce").fillna(default_cap)
    sites["capacity"] = sites["capacity"].astype(int)
    sites["mount_height_m"] = pd.to_numeric(sites["mount_height_m"], errors="coerce").fillna(
        settings.mount_height_m
    )
    sites["building_id"] = (
        sites["building_id"].astype(object).where(sites["building_id"].notna(), None)
    )
    sites = sites.drop_duplicates("site_id")
    sites = _drop_crowded(sites)

    # forbidden zones
    fz = _as_gdf(forbidden, crs, "forbidden zones")
    n_forbidden = 0
    if fz is not None and len(fz):
        zone = shapely.union_all(fz.geometry.to_numpy())
        bad = shapely.intersects(zone, sites.geometry.to_numpy())
        n_forbidden = int(bad.sum())
        sites = sites[~bad]

    extra_cols = ["outward_deg"] if "outward_deg" in sites.columns else []
    sites = sites[[*SITE_COLUMNS[:-1], "route_id", *extra_cols, "geometry"]]
    sites = sites.reset_index(drop=True)
    out = sites.to_crs(4326)
    logger.info(
        "candidate sites: %d (%s); %d dropped in forbidden zones",
        len(out),
        ", ".join(f"{k} {v}" for k, v in out["kind"].value_counts().items()),
        n_forbidden,
    )
    return out


def _drop_crowded(sites: GeoDataFrame, min_gap_m: float = 3.0) -> GeoDataFrame:
    """Drop a filler or bend closer than ``min_gap_m`` to a site earlier in the rule's order."""
    rank = {k: i for i, k in enumerate(SITE_KINDS)}
    order = sites["kind"].map(lambda k: rank.get(k, 0)).to_numpy()
    soft = sites["kind"].isin(["filler", "bend"]).to_numpy()
    if not soft.any() or soft.all():
        return sites
    keep = np.ones(len(sites), bool)
    tree = shapely.STRtree(sites.geometry.to_numpy())
    a, b = tree.query(sites.geometry.to_numpy(), predicate="dwithin", distance=min_gap_m)
    close = (a != b) & soft[a] & (order[b] < order[a])
    keep[a[close]] = False
    return sites[keep]


def _bend_sites(routes_m: GeoDataFrame) -> GeoDataFrame:
    """Sites at the vertices where a planned route turns by at least :data:`BEND_MIN_DEG`."""
    ids_, pts = [], []
    for rid, geom in zip(routes_m["route_id"], routes_m.geometry, strict=True):
        merged = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        for k, line in enumerate(shapely.get_parts(merged)):
            xyz = shapely.get_coordinates(line)
            if len(xyz) < 3:
                continue
            d = np.diff(xyz, axis=0)
            keep = np.hypot(d[:, 0], d[:, 1]) > 0.5
            if keep.sum() < 2:
                continue
            d = d[keep]
            verts = xyz[1:][keep][:-1]
            head = np.degrees(np.arctan2(d[:, 0], d[:, 1]))
            turn = np.abs((np.diff(head) + 180.0) % 360.0 - 180.0)
            along = np.concatenate([[0.0], np.cumsum(np.hypot(d[:, 0], d[:, 1]))])[1:-1]
            for i in np.flatnonzero(turn >= BEND_MIN_DEG):
                ids_.append(f"{rid}#{k}@{along[i]:.0f}m/bend")
                pts.append(shapely.Point(verts[i]))
    return GeoDataFrame(
        {"site_id": ids_, "kind": "bend", "route_id": [i.split("#")[0] for i in ids_]},
        geometry=pts,
        crs=routes_m.crs,
    )


def _with_mounts(sites: GeoDataFrame, area: Area) -> GeoDataFrame:
    """Give every site its mount and, for a wall on a mapped house, that building's id.

    Poles and street lamps hold their own cameras. Elsewhere a camera goes on the
    wall of the house facing the route — the nearest mapped footprint within
    :data:`WALL_REACH_M`, or an unmapped house (the row of houses lining an alley) —
    unless the site lies in or beside mapped open space with no building near: then
    it needs a new pole.
    """
    out = sites.copy()
    n = len(out)
    kind = out["kind"].astype(str).to_numpy(dtype=object)
    given = (
        out["mount"].to_numpy(dtype=object) if "mount" in out.columns else np.full(n, None, object)
    )
    mount: NDArray[np.object_] = np.array(
        [
            m if isinstance(m, str) and m else (k if k in MOUNTS else None)
            for m, k in zip(given, kind, strict=True)
        ],
        dtype=object,
    )
    bid: NDArray[np.object_] = (
        np.array([None if pd.isna(b) else str(b) for b in out["building_id"]], dtype=object)
        if "building_id" in out.columns
        else np.full(n, None, dtype=object)
    )
    pts = out.geometry.to_numpy()
    near_building = np.zeros(n, bool)
    buildings = area.metric("buildings")
    if len(buildings):
        tree = shapely.STRtree(buildings.geometry.to_numpy())
        si, bi = tree.query_nearest(pts, max_distance=WALL_REACH_M, all_matches=False)
        near_building[si] = True
        b_ids = buildings["building_id"].astype(str).to_numpy(dtype=object)
        for s_i, b_i in zip(si, bi, strict=True):  # per site near a house
            if bid[s_i] is None and mount[s_i] in (None, "wall"):
                bid[s_i] = b_ids[b_i]
    beside_open = np.zeros(n, bool)
    open_space = getattr(area, "open_space", None)
    if open_space is not None and len(open_space):
        otree = shapely.STRtree(open_space.to_crs(area.crs).geometry.to_numpy())
        oi, _ = otree.query(pts, predicate="dwithin", distance=WALL_REACH_M)
        beside_open[oi] = True
    for i in np.flatnonzero([m is None for m in mount]):  # per site without a mount yet
        mount[i] = "new_pole" if beside_open[i] and not near_building[i] else "wall"
    out["mount"] = mount
    out["building_id"] = bid
    return out


def _planned(area: Area, kinds: Iterable[str] | None) -> GeoDataFrame:
    routes = area.routes
    if "route_id" not in routes.columns:
        routes = routes.reset_index()
    if kinds is None:
        mask = (
            routes["planned"].astype(bool)
            if "planned" in routes.columns
            else routes["kind"].isin(settings.planned_kinds)
        )
    else:
        mask = routes["kind"].isin(list(kinds))
    return routes[mask.to_numpy()]


def _node_route_ids(nodes: pd.DataFrame) -> list[list[str]]:
    if "route_ids" not in nodes.columns:
        return [[] for _ in range(len(nodes))]
    return [[r for r in str(v).split(";") if r] for v in nodes["route_ids"]]


def _yes(v: Any) -> bool:
    return str(v).strip().lower() in {"yes", "true", "1", "có", "co"}


def _num(cameras: GeoDataFrame, name: str, default: float = np.nan) -> NDArray[np.float64]:
    if name not in cameras.columns:
        return np.full(len(cameras), default)
    v = pd.to_numeric(pd.Series(cameras[name].to_numpy()), errors="coerce").to_numpy(float)
    return np.where(np.isfinite(v), v, default)


def _mounted_on(
    cameras: GeoDataFrame, buildings: GeoDataFrame | None, crs: Any
) -> NDArray[np.object_]:
    """Return the building each camera is mounted on (None when none).

    The camera's own ``building_id``, else the footprint its point lies in or within the
    sliver tolerance of (in ``crs``, else the buildings' metric CRS).
    """
    n = len(cameras)
    out = np.full(n, None, dtype=object)
    if "building_id" in cameras.columns:
        own = cameras["building_id"].to_numpy(dtype=object)
        out[:] = [None if pd.isna(b) else b for b in own]
    todo = np.flatnonzero(pd.isna(pd.Series(out)).to_numpy())
    if buildings is None or not len(buildings) or not todo.size:
        return out
    if crs is None and cameras.crs is not None and not cameras.crs.is_projected:
        b_crs = getattr(buildings, "crs", None)
        crs = b_crs if b_crs is not None and b_crs.is_projected else None
    cm = to_metric(cameras.iloc[todo], crs, "cameras")
    bm = to_metric(buildings, cm.crs, "buildings")
    bid = bm["building_id"] if "building_id" in bm.columns else bm.index.to_series()
    tree = shapely.STRtree(bm.geometry.to_numpy())
    ci, bi = tree.query(
        cm.geometry.to_numpy(), predicate="dwithin", distance=settings.sliver_tolerance_m
    )
    if len(ci):
        first = pd.Series(bi, index=ci).groupby(level=0).first()
        out[todo[first.index.to_numpy()]] = bid.astype(str).to_numpy()[first.to_numpy()]
    return out


def camera_poses(
    cameras: GeoDataFrame,
    *,
    buildings: GeoDataFrame | None = None,
    crs: Any = None,
    reaim: bool = False,
    headings: int | None = None,
    reaim_cost_vnd: float | None = None,
    first_pose_id: int = 0,
) -> GeoDataFrame:
    """Return the poses of surveyed cameras: as they are, or the plan's keep / re-aim options.

    With ``reaim=False`` (what the ward sees today): one ``keep`` pose per camera, as it
    is aimed now (a camera of unknown heading included, its heading NaN). With
    ``reaim=True`` (the optimiser's options): only cameras with ``participates`` true
    give poses; each keeps its direction at cost 0 and, where ``adjustable == "yes"``,
    may be turned to one of ``headings`` evenly spaced headings (those within 1° of its
    current one are the keep pose) at ``reaim_cost_vnd``. Unwilling or unknown owners
    keep their direction; a camera whose direction is unknown has only re-aim poses if
    adjustable (someone must set it) and none otherwise.

    Every pose of a camera mounted on a building carries that ``building_id`` (the
    camera's own, else the footprint its point lies in or within the sliver tolerance
    of), so that building never hides its view.

    Parameters
    ----------
    cameras
        Survey cameras (docs/interfaces.md): camera_id, heading_deg, hfov_deg,
        resolution_px, mount_height_m, tilt_deg, geometry; ``vfov_deg``,
        ``building_id``, ``participates``, ``adjustable`` optional.
    buildings
        Footprints to find the building each camera is mounted on.
    crs
        Metric CRS for the building match (e.g. ``area.crs``).
    reaim
        Give the plan's options (participants only, keep and re-aim poses).
    headings
        Re-aim headings (default :data:`covplan.settings.headings`).
    reaim_cost_vnd
        Cost of a re-aim (default :data:`covplan.settings.reaim_cost_vnd`).
    first_pose_id
        Number of the first pose.

    Returns
    -------
    geopandas.GeoDataFrame
        The poses columns (site_id and spec_id None), index ``pose_id``, in the
        cameras' CRS.
    """
    n_head = settings.headings if headings is None else int(headings)
    cost = settings.reaim_cost_vnd if reaim_cost_vnd is None else float(reaim_cost_vnd)
    if n_head < 1:
        raise InputError("headings must be at least 1", value=headings)
    n = len(cameras)
    base = pd.DataFrame(
        {
            "camera_id": (
                cameras["camera_id"].to_numpy(dtype=object)
                if "camera_id" in cameras.columns
                else np.full(n, None, dtype=object)
            ),
            "site_id": None,
            "spec_id": None,
            "hfov_deg": _num(cameras, "hfov_deg"),
            "vfov_deg": _num(cameras, "vfov_deg"),
            "resolution_px": _num(cameras, "resolution_px"),
            "mount_height_m": _num(cameras, "mount_height_m", settings.mount_height_m),
            "tilt_deg": _num(cameras, "tilt_deg", settings.tilt_deg),
            "building_id": _mounted_on(cameras, buildings, crs),
        }
    )
    heading = _num(cameras, "heading_deg")
    if not reaim:
        rows = base.assign(source="keep", heading_deg=heading, cost=0.0)
        return _pose_frame(rows, cameras.geometry.to_numpy(), cameras.crs, first_pose_id)
    cam_i, src, head, price = _options(cameras, heading, n_head, cost)
    rows = base.iloc[cam_i].assign(source=src, heading_deg=head, cost=price)
    out = _pose_frame(rows, cameras.geometry.to_numpy()[cam_i], cameras.crs, first_pose_id)
    logger.info(
        "camera_poses: %d poses (%d keep, %d re-aim) from %d cameras",
        len(out),
        int((out["source"] == "keep").sum()),
        int((out["source"] == "reaim").sum()),
        n,
    )
    return out


def _options(
    cameras: GeoDataFrame, heading: NDArray[np.float64], n_head: int, cost: float
) -> tuple[list[int], list[str], list[float], list[float]]:
    """Per pose of the plan's options: camera row, source, heading and cost."""
    angles = np.arange(n_head) * 360.0 / n_head
    n = len(cameras)
    takes = (
        cameras["participates"].to_numpy(dtype=bool)
        if "participates" in cameras.columns
        else np.ones(n, bool)
    )
    adjustable = cameras["adjustable"] if "adjustable" in cameras.columns else ["unknown"] * n
    poses: list[tuple[int, str, float, float]] = []  # camera row, source, heading, cost
    skipped = 0
    for i, (part, adj, h) in enumerate(zip(takes, adjustable, heading, strict=True)):
        if not part:
            continue
        known, willing = bool(np.isfinite(h)), _yes(adj)
        if known:
            poses.append((i, "keep", float(h) % 360, 0.0))
        if willing:
            poses += [
                (i, "reaim", float(a), cost)
                for a in angles
                if not (known and abs((a - float(h) + 180) % 360 - 180) < 1.0)
            ]
        if not known and not willing:
            skipped += 1
    if skipped:
        logger.warning("%d camera(s) with unknown direction and no re-aim: left out", skipped)
    cam_i = [p[0] for p in poses]
    src = [p[1] for p in poses]
    head = [p[2] for p in poses]
    price = [p[3] for p in poses]
    return cam_i, src, head, price


def _pose_frame(rows: pd.DataFrame, geometry: Any, crs: Any, first_pose_id: int) -> GeoDataFrame:
    cols = [c for c in POSE_COLUMNS if c != "geometry"]
    df = rows[cols].reset_index(drop=True)
    df.index = pd.RangeIndex(first_pose_id, first_pose_id + len(df), name="pose_id")
    return GeoDataFrame(df, geometry=list(geometry), crs=crs)
