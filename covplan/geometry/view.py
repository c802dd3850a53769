"""What a camera pose can see, before buildings: FOV, DORI range, near dead zone.

Pure vectorised math on coordinates in a projected metric CRS. Conventions:

- bearings and headings are degrees clockwise from north (OSM ``camera:direction``);
- targets are on the ground (height 0); the camera is ``mount_height_m`` above it, so
  the distance that sets pixel density is the *slant* distance
  ``sqrt(horizontal² + mount_height²)``;
- the horizontal FOV is a sector in plan view centred on the heading (``hfov >= 360``:
  every direction);
- the camera looks down by ``tilt_deg``; the lower edge of its vertical FOV is
  ``tilt + vfov/2`` below the horizon, so the ground nearer than
  ``mount_height / tan(tilt + vfov/2)`` is not in the picture (the *near dead zone*;
  0 when that angle reaches 90°). When the upper edge also points below the horizon
  (``tilt > vfov/2``) the ground beyond ``mount_height / tan(tilt − vfov/2)`` is out
  of the picture too (the *far limit*; infinite otherwise).

A target is *in view* of a pose when it is in the FOV sector, at or beyond the dead
zone, within the far limit, and the pixel density at its slant distance reaches the
threshold of the level it needs. Occlusion by buildings is
:mod:`covplan.geometry.visibility`'s job.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Point, Polygon

from covplan.camera.spec import dori_range_m, pixel_density

logger = logging.getLogger(__name__)

__all__ = [
    "angle_off_heading",
    "bearing_deg",
    "far_limit_m",
    "horizontal_range_m",
    "in_fov",
    "in_view",
    "near_dead_zone_m",
    "sector_polygon",
    "slant_distance_m",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = npt.ArrayLike

#: Angles within this many degrees of the FOV edge count as inside (float noise only).
FOV_EPS_DEG = 1e-9


def bearing_deg(dx: ArrayLike, dy: ArrayLike) -> FloatArray:
    """Return the bearing of a displacement, degrees clockwise from north in [0, 360).

    Parameters
    ----------
    dx, dy
        East and north components (metres, projected CRS).

    Returns
    -------
    numpy.ndarray
        Bearings; 0 for a zero displacement.
    """
    return np.mod(np.degrees(np.arctan2(np.asarray(dx, float), np.asarray(dy, float))), 360.0)


def angle_off_heading(bearing: ArrayLike, heading_deg: ArrayLike) -> FloatArray:
    """Return the absolute angle between a bearing and a heading, in [0, 180].

    Parameters
    ----------
    bearing, heading_deg
        Degrees clockwise from north.

    Returns
    -------
    numpy.ndarray
        ``|bearing − heading|`` wrapped to [0, 180].
    """
    diff = np.mod(np.asarray(bearing, float) - np.asarray(heading_deg, float), 360.0)
    return np.minimum(diff, 360.0 - diff)


def in_fov(dx: ArrayLike, dy: ArrayLike, heading_deg: ArrayLike, hfov_deg: ArrayLike) -> BoolArray:
    """Return whether displacements fall inside a horizontal FOV sector.

    Parameters
    ----------
    dx, dy
        Target minus camera, metres.
    heading_deg
        Camera heading (NaN: unknown, nothing is in view unless ``hfov >= 360``).
    hfov_deg
        Horizontal FOV; the sector is ``heading ± hfov/2``, edges included.

    Returns
    -------
    numpy.ndarray of bool
        A target at the camera's own position counts as inside.
    """
    dx = np.asarray(dx, float)
    dy = np.asarray(dy, float)
    hfov = np.asarray(hfov_deg, float)
    off = angle_off_heading(bearing_deg(dx, dy), heading_deg)
    with np.errstate(invalid="ignore"):
        inside = off <= hfov / 2.0 + FOV_EPS_DEG
    return np.asarray(inside | (hfov >= 360.0) | ((dx == 0) & (dy == 0)), dtype=bool)


def slant_distance_m(horizontal_m: ArrayLike, mount_height_m: ArrayLike) -> FloatArray:
    """Return the lens-to-target distance for a target on the ground.

    Parameters
    ----------
    horizontal_m
        Horizontal distance.
    mount_height_m
        Camera height above the target.

    Returns
    -------
    numpy.ndarray
        ``sqrt(horizontal² + height²)``.
    """
    return np.hypot(np.asarray(horizontal_m, float), np.asarray(mount_height_m, float))


def near_dead_zone_m(
    mount_height_m: ArrayLike, tilt_deg: ArrayLike, vfov_deg: ArrayLike
) -> FloatArray:
    """Return the horizontal depth of the ground strip below a camera that it cannot see.

    Parameters
    ----------
    mount_height_m
        Height above the ground.
    tilt_deg
        Downward tilt of the optical axis (0 = level).
    vfov_deg
        Vertical field of view.

    Returns
    -------
    numpy.ndarray
        ``height / tan(tilt + vfov/2)``, or 0 when ``tilt + vfov/2 >= 90°``.
        A lower edge above the horizon (``tilt + vfov/2 <= 0``) sees no ground: inf.
    """
    h = np.asarray(mount_height_m, float)
    low = np.asarray(tilt_deg, float) + np.asarray(vfov_deg, float) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(low >= 90.0, 0.0, np.where(low <= 0.0, np.inf, h / np.tan(np.radians(low))))
    return np.asarray(out, float)


def far_limit_m(mount_height_m: ArrayLike, tilt_deg: ArrayLike, vfov_deg: ArrayLike) -> FloatArray:
    """Return the horizontal distance beyond which the ground leaves the picture.

    Parameters
    ----------
    mount_height_m
        Height above the ground.
    tilt_deg
        Downward tilt of the optical axis.
    vfov_deg
        Vertical field of view.

    Returns
    -------
    numpy.ndarray
        ``height / tan(tilt − vfov/2)`` when the upper edge points below the horizon,
        else inf.
    """
    h = np.asarray(mount_height_m, float)
    up = np.asarray(tilt_deg, float) - np.asarray(vfov_deg, float) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(up <= 0.0, np.inf, np.where(up >= 90.0, 0.0, h / np.tan(np.radians(up))))
    return np.asarray(out, float)


def horizontal_range_m(
    resolution_px: ArrayLike,
    hfov_deg: ArrayLike,
    px_per_m: ArrayLike,
    mount_height_m: ArrayLike,
    tilt_deg: ArrayLike,
    vfov_deg: ArrayLike,
) -> FloatArray:
    """Return the farthest horizontal distance at which a pose can reach a density.

    Parameters
    ----------
    resolution_px, hfov_deg
        Camera.
    px_per_m
        Threshold density of the level asked.
    mount_height_m, tilt_deg, vfov_deg
        Mounting.

    Returns
    -------
    numpy.ndarray
        ``min(sqrt(range² − height²), far_limit)``; ``-inf``-free: 0 when the slant
        range is shorter than the mounting height (the level is never reached: check
        against :func:`near_dead_zone_m`).
    """
    slant = np.asarray(dori_range_m(resolution_px, hfov_deg, px_per_m), float)
    h = np.asarray(mount_height_m, float)
    horiz = np.sqrt(np.clip(slant**2 - h**2, 0.0, None))
    return np.asarray(np.minimum(horiz, far_limit_m(h, tilt_deg, vfov_deg)), float)


def in_view(
    dx: ArrayLike,
    dy: ArrayLike,
    *,
    heading_deg: ArrayLike,
    hfov_deg: ArrayLike,
    vfov_deg: ArrayLike,
    resolution_px: ArrayLike,
    mount_height_m: ArrayLike,
    tilt_deg: ArrayLike,
    px_per_m_required: ArrayLike,
) -> tuple[BoolArray, FloatArray]:
    """Return whether each target is in a pose's view, and the pixel density it gets.

    All arguments broadcast together (one row per target–pose pair).

    Parameters
    ----------
    dx, dy
        Target minus camera position, metres.
    heading_deg, hfov_deg, vfov_deg, resolution_px, mount_height_m, tilt_deg
        The pose.
    px_per_m_required
        Density the target's DORI level asks for.

    Returns
    -------
    seen : numpy.ndarray of bool
        In the FOV sector, beyond the near dead zone, within the far limit and
        with density at least the threshold (no occlusion test).
    px_per_m : numpy.ndarray
        Density at the slant distance.
    """
    dx = np.asarray(dx, float)
    dy = np.asarray(dy, float)
    horiz = np.hypot(dx, dy)
    density = np.asarray(
        pixel_density(resolution_px, hfov_deg, slant_distance_m(horiz, mount_height_m)), float
    )
    ok = in_fov(dx, dy, heading_deg, hfov_deg)
    ok &= horiz >= near_dead_zone_m(mount_height_m, tilt_deg, vfov_deg)
    ok &= horiz <= far_limit_m(mount_height_m, tilt_deg, vfov_deg)
    ok &= density >= np.asarray(px_per_m_required, float)
    return np.asarray(ok, bool), np.broadcast_to(density, ok.shape).copy()


def near_zone(
    dx: ArrayLike,
    dy: ArrayLike,
    *,
    heading_deg: ArrayLike,
    hfov_deg: ArrayLike,
    vfov_deg: ArrayLike,
    resolution_px: ArrayLike,
    mount_height_m: ArrayLike,
    tilt_deg: ArrayLike,
    px_per_m_required: ArrayLike,
    route_bearing_deg: ArrayLike,
) -> tuple[BoolArray, FloatArray]:
    """Return which targets under a camera are seen on the ground, walking past it.

    The picture misses the strip of ground under the mount (the near dead zone), but a
    person on a route does not stand still there: walking along it, they are seen
    approaching before they pass under the camera or leaving after. A target in the
    dead zone therefore counts as seen when the camera faces along the route at that
    point (its heading within ``hfov/2`` of the route's direction either way; a NaN
    ``route_bearing_deg`` — an alley end or a junction, where the routes leave in
    several directions — waives this) and the density at the edge of the dead zone,
    where the person enters or leaves the picture, meets the level asked.

    Parameters
    ----------
    dx, dy
        Target minus camera position, metres.
    heading_deg, hfov_deg, vfov_deg, resolution_px, mount_height_m, tilt_deg
        The pose.
    px_per_m_required
        Density the target's level asks for.
    route_bearing_deg
        The route's direction at the target (NaN at nodes).

    Returns
    -------
    seen : numpy.ndarray of bool
        In the dead zone and seen walking past, as above.
    px_per_m : numpy.ndarray
        Density at the edge of the dead zone.
    """
    dx = np.asarray(dx, float)
    dy = np.asarray(dy, float)
    horiz = np.hypot(dx, dy)
    h = np.asarray(mount_height_m, float)
    dead = near_dead_zone_m(h, tilt_deg, vfov_deg)
    edge = np.where(np.isfinite(dead), dead, 0.0)
    density = np.asarray(pixel_density(resolution_px, hfov_deg, slant_distance_m(edge, h)), float)
    bearing = np.asarray(route_bearing_deg, float)
    half = np.asarray(hfov_deg, float) / 2.0 + FOV_EPS_DEG
    with np.errstate(invalid="ignore"):
        off = np.minimum(
            angle_off_heading(bearing, heading_deg), angle_off_heading(bearing + 180.0, heading_deg)
        )
        along = np.isnan(bearing) | (off <= half)
    ok = (horiz < dead) & np.isfinite(dead) & along & np.isfinite(np.asarray(heading_deg, float))
    ok &= density >= np.asarray(px_per_m_required, float)
    ok |= (
        (np.asarray(hfov_deg, float) >= 360.0)
        & (horiz < dead)
        & (density >= np.asarray(px_per_m_required, float))
    )
    return np.asarray(ok, bool), np.broadcast_to(density, ok.shape).copy()


def sector_polygon(
    x: float,
    y: float,
    *,
    heading_deg: float,
    hfov_deg: float,
    radius_m: float,
    inner_m: float = 0.0,
    step_deg: float = 2.0,
) -> Polygon:
    """Return a view cone in plan view: the FOV sector between two radii.

    Parameters
    ----------
    x, y
        Camera position (projected CRS).
    heading_deg, hfov_deg
        Direction and width of the sector (``hfov >= 360``: a disc or ring).
    radius_m
        Outer radius (the horizontal range).
    inner_m
        Inner radius (the near dead zone).
    step_deg
        Angular step of the arc.

    Returns
    -------
    shapely.Polygon
        Empty when ``radius_m <= inner_m``.
    """
    if not radius_m > inner_m:
        return Polygon()
    if hfov_deg >= 360.0:
        ring = Point(x, y).buffer(radius_m, quad_segs=max(4, int(90 / step_deg)))
        if inner_m > 0:
            ring = ring.difference(Point(x, y).buffer(inner_m, quad_segs=16))
        return ring
    n = max(2, int(np.ceil(hfov_deg / step_deg)) + 1)
    angles = np.radians(np.linspace(heading_deg - hfov_deg / 2, heading_deg + hfov_deg / 2, n))
    outer = np.column_stack([x + radius_m * np.sin(angles), y + radius_m * np.cos(angles)])
    if inner_m > 0:
        inner = np.column_stack([x + inner_m * np.sin(angles), y + inner_m * np.cos(angles)])
        coords = np.vstack([inner[::-1], outer])
    else:
        coords = np.vstack([[x, y], outer])
    poly = shapely.make_valid(Polygon(coords))
    return poly if isinstance(poly, Polygon) else Polygon(coords)
