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

from covplan._errors import InputError
from covplan.camera.spec import load_catalogue
from covplan.geometry.sites import camera_poses, site_poses

logger = logging.getLogger(__name__)

__all__ = ["POSE_COLUMNS", "poses_from"]

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
        Metric CRS for that match (e.g. ``area.crs``; default the buildings' own).

    Returns
    -------
    geopandas.GeoDataFrame
        Poses with a ``pose_id`` index 0…n-1, in the sites' (else cameras') CRS.
    """
    if hfov_deg is not None and not 0.0 < float(hfov_deg) <= 360.0:
        raise InputError("hfov_deg must be in (0, 360]", value=hfov_deg)
    parts: list[gpd.GeoDataFrame] = []
    out_crs = sites.crs if sites is not None else (cameras.crs if cameras is not None else None)
    if cameras is not None and len(cameras):
        cam = cameras.to_crs(out_crs) if out_crs is not None and cameras.crs != out_crs else cameras
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
    logger.info("poses_from: %d poses", len(out))
    return out
