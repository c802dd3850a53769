"""A clip rendered from a camera pose, for the picture checks where no real clip is at hand."""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

__all__ = ["synthetic_road_clip"]


def synthetic_road_clip(
    pose: Any,
    *,
    n_frames: int = 24,
    fps: float = 6.0,
    road_offset_m: float = 0.0,
    road_half_width_m: float = 2.0,
    road_length_m: float = 40.0,
) -> tuple[list[np.ndarray], gpd.GeoDataFrame]:
    """Render a clip of an alley seen from a camera pose, and the route targets on it.

    A ground plane is ray-cast from the pose: a textured road (an alley) running
    straight along the camera's heading, ``road_offset_m`` to its right, with cars
    moving along it, textured ground either side and sky above the horizon. Use it
    where no real clip of the camera is at hand: :func:`covplan.check.verify.verify_camera`
    should find the targets in frame and in motion.

    Parameters
    ----------
    pose
        A :class:`covplan.check.verify.CameraPose` (resolution, FOV, height, tilt,
        heading, position).
    n_frames
        Frames to render.
    fps
        Frames per second (cars move 5–7 m/s).
    road_offset_m
        Road centre line, metres to the right of the camera.
    road_half_width_m
        Half the road's width.
    road_length_m
        Targets are placed every 2.5 m from 4 m to this distance ahead.

    Returns
    -------
    frames : list of numpy.ndarray
        BGR frames of the pose's resolution.
    targets : geopandas.GeoDataFrame
        ``target_id``, ``route_id`` and Point geometry (EPSG:4326) on the road's
        centre line.
    """
    crs = pose.crs if pose.x is not None and pose.crs is not None else None
    if crs is None:
        crs = gpd.GeoSeries([Point(pose.lon, pose.lat)], crs=4326).estimate_utm_crs()
    cx, cy = pose.position(crs)
    W, H = int(pose.width_px), int(pose.height_px)
    right, down, forward = pose.axes()
    fx, fy = pose.focal_px
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    d = (
        right[None, None] * ((u - W / 2) / fx)[..., None]
        + down[None, None] * ((v - H / 2) / fy)[..., None]
        + forward[None, None]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        s = pose.mount_height_m / -d[..., 2]
    ground = s > 0
    ex = np.where(ground, s * d[..., 0], np.nan)  # metres east of the camera
    ny = np.where(ground, s * d[..., 1], np.nan)  # metres north
    h = math.radians(pose.heading_deg)
    along = ex * math.sin(h) + ny * math.cos(h)  # metres ahead
    across = ex * math.cos(h) - ny * math.sin(h)  # metres to the right
    road = ground & (np.abs(across - road_offset_m) < road_half_width_m)
    base = np.zeros((H, W, 3), np.float32)
    base[:] = (235, 206, 135)
    tex = 0.5 + 0.25 * np.sin(ex * 3.1) * np.cos(ny * 2.3) + 0.15 * np.sin(ny * 7.7)
    base[ground] = np.stack([60 * tex, 120 * tex, 150 * tex], -1)[ground]
    grey = 90 + 12 * np.sin(along * 11.0) * np.sin(across * 13.0)
    base[road] = np.stack([grey, grey, grey], -1)[road]
    frames = []
    for i in range(n_frames):
        t = i / fps
        img = base.copy()
        for lane, speed in ((-0.8, 5.0), (0.8, -6.5)):
            for start in (5.0, 20.0, 35.0):
                pos = 4.0 + np.mod(start + speed * t, road_length_m)
                car = (
                    ground
                    & (np.abs(across - (road_offset_m + lane)) < 0.9)
                    & (np.abs(along - pos) < 1.8)
                )
                img[car] = (30, 30, 170) if speed > 0 else (160, 60, 20)
        frames.append(img.clip(0, 255).astype(np.uint8))
    ahead = np.arange(4.0, road_length_m + 1e-9, 2.5)
    pts = [
        Point(
            cx + a * math.sin(h) + road_offset_m * math.cos(h),
            cy + a * math.cos(h) - road_offset_m * math.sin(h),
        )
        for a in ahead
    ]
    targets = gpd.GeoDataFrame(
        {"target_id": np.arange(len(pts)), "route_id": "synthetic-alley"}, geometry=pts, crs=crs
    ).to_crs(4326)
    return frames, targets
