"""The poses a plan chooses from: keep or re-aim surveyed cameras, new cameras at sites.

Columns (docs/interfaces.md): pose_id (int index), source {keep, reaim, new},
camera_id, site_id, heading_deg, spec_id, hfov_deg, vfov_deg, resolution_px,
mount_height_m, tilt_deg, building_id, cost (VND), geometry Point.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from covplan import settings
from covplan._errors import InputError
from covplan.camera.spec import dori_range_m, load_catalogue
from covplan.geometry.sites import camera_poses, site_poses
from covplan.vocab import survey_report

logger = logging.getLogger(__name__)

__all__ = [
    "NEAR_MARGIN_M",
    "POSE_COLUMNS",
    "UNKNOWN_REACH_M",
    "camera_reach_m",
    "near_cameras",
    "poses_from",
]

#: The reach of a surveyed camera whose resolution or field of view is unknown (m).
UNKNOWN_REACH_M = 100.0
#: Added to a camera's reach when measured to the nearest candidate site rather than
#: to the route itself: sites stand on walls and poles beside the route, spaced along it.
NEAR_MARGIN_M = 50.0

POSE_COLUMNS = [
    "source", "camera_id", "site_id", "heading_deg", "spec_id", "hfov_deg", "vfov_deg",
    "resolution_px", "mount_height_m", "tilt_deg", "building_id", "cost",
]  # fmt: skip


def poses_from(
    cameras: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame | None,
    specs: Mapping[str, Any] | Iterable[Any] | None = None,
    *,
    headings: int | None = None,
    reaim_cost_vnd: float | None = None,
    hfov_deg: float | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    near: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    reach_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Return every pose: surveyed cameras' (keep/re-aim) then new ones at the sites.

    Parameters
    ----------
    cameras
        Survey cameras, or None.
    sites
        Candidate sites (:func:`covplan.geometry.candidate_sites`), or None.
    specs
        Catalogue specs for new cameras (default
        :func:`covplan.camera.spec.load_catalogue`).
    headings, reaim_cost_vnd
        As in :func:`covplan.geometry.camera_poses` (and new poses' headings).
    hfov_deg
        When given, the horizontal field of view of every new camera (degrees, in
        (0, 360]) instead of its spec's; its vertical one is then derived (NaN).
    buildings
        Footprints: a surveyed camera on a building wall gets that ``building_id``, so
        its own building never hides its view.
    crs
        Metric CRS for that match and for the distances below (e.g. ``area.crs``;
        default the buildings' own).
    near
        The planned routes (or anything the cameras must be near); default the sites,
        which line every planned route. Surveyed cameras farther than their reach from
        all of it see nothing of the plan and are left out (:func:`near_cameras`).
    reach_m
        One reach for every surveyed camera (metres) instead of its DORI range at the
        loosest level.

    Returns
    -------
    geopandas.GeoDataFrame
        Poses with a ``pose_id`` index 0…n-1, in the sites' (else cameras') CRS;
        ``attrs["cameras_left_out"]`` says how many surveyed cameras were left out
        and why (``n``, ``camera_ids``, ``reason``).
    """
    if hfov_deg is not None and not 0.0 < float(hfov_deg) <= 360.0:
        raise InputError("hfov_deg must be in (0, 360]", value=hfov_deg)
    parts: list[gpd.GeoDataFrame] = []
    out_crs = sites.crs if sites is not None else (cameras.crs if cameras is not None else None)
    left_out: dict[str, Any] = {"n": 0, "camera_ids": [], "reason": ""}
    cam = cameras
    if cameras is not None and len(cameras):
        cam = cameras.to_crs(out_crs) if out_crs is not None and cameras.crs != out_crs else cameras
        cam, left_out = near_cameras(cam, sites if near is None else near, crs=crs, reach_m=reach_m)
    if cam is not None and len(cam):
        parts.append(
            camera_poses(
                cam,
                buildings=buildings,
                crs=crs,
                reaim=True,
                headings=headings,
                reaim_cost_vnd=reaim_cost_vnd,
            )
        )
    if sites is not None and len(sites):
        first = sum(len(p) for p in parts)
        new = site_poses(
            sites,
            load_catalogue() if specs is None else specs,
            headings=headings,
            first_pose_id=first,
        )
        if hfov_deg is not None:
            new["hfov_deg"] = float(hfov_deg)
            new["vfov_deg"] = np.nan  # derived from the new hfov
        parts.append(new)
    if not parts:
        msg = "no poses: give surveyed cameras, candidate sites, or both"
        raise InputError(msg)
    out = pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=out_crs)
    out.index = pd.RangeIndex(len(out), name="pose_id")
    out["pose_id"] = out.index
    out.attrs["cameras_left_out"] = left_out
    logger.info("poses_from: %d poses", len(out))
    return out


def camera_reach_m(cameras: pd.DataFrame, reach_m: float | None = None) -> np.ndarray:
    """Return how far each surveyed camera can usefully see, in metres.

    Its DORI range at the loosest level there is (``detect``, the smallest density of
    :data:`covplan.settings.dori_px_per_m`); a camera of unknown resolution or field of
    view gets :data:`UNKNOWN_REACH_M`. ``reach_m`` overrides both.

    Parameters
    ----------
    cameras
        With ``resolution_px`` and ``hfov_deg`` (NaN when unknown).
    reach_m
        One reach for every camera, instead.

    Returns
    -------
    numpy.ndarray
        Metres, one per camera.
    """
    n = len(cameras)
    if reach_m is not None:
        return np.full(n, float(reach_m))
    if n == 0 or "resolution_px" not in cameras.columns or "hfov_deg" not in cameras.columns:
        return np.full(n, UNKNOWN_REACH_M)
    res = pd.to_numeric(cameras["resolution_px"], errors="coerce")
    fov = pd.to_numeric(cameras["hfov_deg"], errors="coerce")
    loosest = min(settings.dori_px_per_m.values())
    r = np.asarray(dori_range_m(res.to_numpy(float), fov.to_numpy(float), loosest), float)
    return np.where(np.isfinite(r) & (r > 0), r, UNKNOWN_REACH_M)


def near_cameras(
    cameras: gpd.GeoDataFrame,
    near: gpd.GeoDataFrame | gpd.GeoSeries | None,
    *,
    crs: Any = None,
    reach_m: float | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Keep the surveyed cameras that can see something of the plan; report the rest.

    A camera farther than its reach (:func:`camera_reach_m`) plus a margin (the
    largest gap from a site to its nearest neighbour, at least :data:`NEAR_MARGIN_M`)
    from every one of ``near`` (the candidate sites, which line every planned route, or
    the planned routes themselves) cannot see any target: it is left out of the model,
    so a city's register (tens of thousands of cameras) plans in minutes.

    Parameters
    ----------
    cameras
        Surveyed cameras.
    near
        Sites or routes (any geometry), or None (every camera is kept).
    crs
        Metric CRS (default: the UTM zone of the cameras).
    reach_m
        One reach for every camera (metres), instead of its DORI range.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, dict)
        The cameras kept, and the report: ``n`` left out, their ``camera_ids`` and the
        ``reason``.
    """
    report: dict[str, Any] = {"n": 0, "camera_ids": [], "reason": ""}
    if near is None or not len(near) or not len(cameras):
        return cameras, report
    metric = crs if crs is not None else cameras.estimate_utm_crs()
    cam_m = cameras.geometry.to_crs(metric)
    near_m = (near.geometry if isinstance(near, gpd.GeoDataFrame) else near).to_crs(metric)
    near_m = near_m[near_m.notna() & ~near_m.is_empty]
    if not len(near_m):
        return cameras, report
    margin = 0.0
    if bool((near_m.geom_type == "Point").all()):
        pts = np.column_stack([near_m.x.to_numpy(), near_m.y.to_numpy()])
        tree = cKDTree(pts)
        if len(pts) > 1:  # a route between two sites is at most their gap from both
            margin = float(np.max(tree.query(pts, k=2)[0][:, 1]))
        xy = np.column_stack([cam_m.x.to_numpy(), cam_m.y.to_numpy()])
        ok = np.isfinite(xy).all(axis=1)
        dist = np.full(len(cameras), np.inf)
        if ok.any():
            dist[ok] = tree.query(xy[ok], k=1)[0]
    else:
        tree_s = shapely.STRtree(near_m.to_numpy())
        _, dist = tree_s.query_nearest(cam_m.to_numpy(), return_distance=True, all_matches=False)
    margin = max(NEAR_MARGIN_M, margin)
    keep = np.asarray(dist, float) <= camera_reach_m(cameras, reach_m) + margin
    if keep.all():
        return cameras, report
    ids = cameras["camera_id"] if "camera_id" in cameras.columns else cameras.index.to_series()
    far = [str(x) for x in np.asarray(ids)[~keep]]
    report = {
        "n": len(far),
        "camera_ids": far,
        "reason": survey_report(
            "cameras_far", "en", n=len(far), reach=f"their DORI range + {margin:.0f} m"
        ),
    }
    logger.warning("poses_from: %s", report["reason"])
    return cameras[keep], report
