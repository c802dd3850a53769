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

from covplan import settings
from covplan._errors import InputError

logger = logging.getLogger(__name__)

__all__ = ["POSE_COLUMNS", "camera_poses", "poses_from"]

POSE_COLUMNS = [
    "source", "camera_id", "site_id", "heading_deg", "spec_id", "hfov_deg", "vfov_deg",
    "resolution_px", "mount_height_m", "tilt_deg", "building_id", "cost",
]  # fmt: skip


def _yes(v: Any) -> bool:
    return str(v).strip().lower() in {"yes", "true", "1", "có", "co"}


def camera_poses(
    cameras: gpd.GeoDataFrame,
    *,
    headings: int | None = None,
    reaim_cost_vnd: float | None = None,
    first_pose_id: int = 0,
) -> gpd.GeoDataFrame:
    """Return the poses of surveyed cameras: keep as is, or re-aim where willing.

    Only cameras with ``participates`` true give poses. Each keeps its direction at
    cost 0; where ``adjustable == "yes"`` it may also be turned to one of ``headings``
    evenly spaced headings (those within 1° of its current one are the keep pose) at
    ``reaim_cost_vnd``. Unwilling or unknown owners keep their direction. A camera whose
    direction is unknown has only re-aim poses if adjustable (someone must set it) and
    none otherwise.

    Parameters
    ----------
    cameras
        The survey's cameras (docs/interfaces.md).
    headings
        Re-aim headings (default :data:`covplan.settings.headings`).
    reaim_cost_vnd
        Cost of a re-aim (default :data:`covplan.settings.reaim_cost_vnd`).
    first_pose_id
        Number of the first pose.

    Returns
    -------
    geopandas.GeoDataFrame
        Poses, index ``pose_id``, in the cameras' CRS.
    """
    n_head = settings.headings if headings is None else int(headings)
    cost = settings.reaim_cost_vnd if reaim_cost_vnd is None else float(reaim_cost_vnd)
    if n_head < 1:
        raise InputError("headings must be at least 1", value=headings)
    angles = np.arange(n_head) * 360.0 / n_head
    rows: list[dict[str, Any]] = []
    geoms = []
    skipped = 0
    for cam in cameras.itertuples(index=False):
        rec = cam._asdict()
        if "participates" in rec and not bool(rec["participates"]):
            continue
        base = {
            "camera_id": rec.get("camera_id"), "site_id": None, "spec_id": None,
            "hfov_deg": rec.get("hfov_deg", np.nan), "vfov_deg": rec.get("vfov_deg", np.nan),
            "resolution_px": rec.get("resolution_px", np.nan),
            "mount_height_m": rec.get("mount_height_m", np.nan),
            "tilt_deg": rec.get("tilt_deg", np.nan), "building_id": rec.get("building_id"),
        }  # fmt: skip
        heading = pd.to_numeric(rec.get("heading_deg", np.nan), errors="coerce")
        willing = _yes(rec.get("adjustable", "unknown"))
        known = bool(np.isfinite(heading))
        if known:
            rows.append(
                {**base, "source": "keep", "heading_deg": float(heading) % 360, "cost": 0.0}
            )
            geoms.append(rec["geometry"])
        if willing:
            for a in angles:
                if known and abs((a - float(heading) + 180) % 360 - 180) < 1.0:
                    continue
                rows.append({**base, "source": "reaim", "heading_deg": float(a), "cost": cost})
                geoms.append(rec["geometry"])
        if not known and not willing:
            skipped += 1
    if skipped:
        logger.warning("%d camera(s) with unknown direction and no re-aim: left out", skipped)
    out = gpd.GeoDataFrame(rows, columns=POSE_COLUMNS, geometry=geoms, crs=cameras.crs)
    out.index = pd.RangeIndex(first_pose_id, first_pose_id + len(out), name="pose_id")
    logger.info(
        "camera_poses: %d poses (%d keep, %d re-aim) from %d cameras",
        len(out),
        int((out["source"] == "keep").sum()),
        int((out["source"] == "reaim").sum()),
        len(cameras),
    )
    return out


def poses_from(
    cameras: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame | None,
    specs: Mapping[str, Any] | Iterable[Any] | None = None,
    *,
    headings: int | None = None,
    reaim_cost_vnd: float | None = None,
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
        As in :func:`camera_poses` (and new poses' headings).

    Returns
    -------
    geopandas.GeoDataFrame
        Poses with a ``pose_id`` index 0…n-1, in the sites' (else cameras') CRS.
    """
    parts: list[gpd.GeoDataFrame] = []
    crs = sites.crs if sites is not None else (cameras.crs if cameras is not None else None)
    if cameras is not None and len(cameras):
        cam = cameras.to_crs(crs) if crs is not None and cameras.crs != crs else cameras
        parts.append(camera_poses(cam, headings=headings, reaim_cost_vnd=reaim_cost_vnd))
    if sites is not None and len(sites):
        from covplan.geometry.sites import site_poses

        if specs is None:
            from covplan.camera.spec import load_catalogue

            specs = load_catalogue()
        first = sum(len(p) for p in parts)
        new = site_poses(sites, specs, headings=headings, first_pose_id=first)
        parts.append(new)
    if not parts:
        msg = "no poses: give surveyed cameras, candidate sites, or both"
        raise InputError(msg)
    out = pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=crs)
    out.index = pd.RangeIndex(len(out), name="pose_id")
    out["pose_id"] = out.index
    logger.info("poses_from: %d poses", len(out))
    return out
