"""Is the route really in view? Check a camera's live picture against the plan.

From the camera's pose (position, heading, mounting height, tilt, field of view,
resolution) the route targets the plan says it covers are projected into the picture
with a pinhole model; where motion happens over a short clip is accumulated with
background subtraction (MOG2). The camera passes when most targets fall in the frame
and on moving areas (traffic on the route), at a usable pixel density, and the picture
itself passes :func:`covplan.check.quality.assess_clip`.

The result is a record (JSON-ready dict with ``verdict`` ``"pass"``, ``"fail"`` or
``"not checked"``, ``reasons`` and ``not_checked``), an evidence image (frame, projected
route, motion heat) and, when a register is given, a verification row appended to it
with the camera's status set to verified on a pass. A check that was asked for and could
not be done (too few frames for motion and a frozen feed, no pose, no targets) gives
"not checked", never a pass (:func:`covplan.survey.record_verification`).
"""

from __future__ import annotations

import logging
import math
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from covplan import settings
from covplan._errors import CRSError, InputError
from covplan._io import atomic_write_bytes
from covplan._redact import redact_url
from covplan.check.quality import QualityReport, assess_clip, background_frame
from covplan.survey import record_verification
from covplan.vocab import translate_value
from covplan.vocab.messages import current_lang, message

__all__ = [
    "MIN_FRAMES",
    "CameraPose",
    "Verification",
    "motion_heat",
    "project_points",
    "verify_camera",
]

logger = logging.getLogger(__name__)

#: Frames a clip needs for the motion and frozen-feed checks; fewer gives "not checked".
MIN_FRAMES = 2


@dataclass(frozen=True)
class CameraPose:
    """Where a camera is and where it looks.

    Give the position either as ``lon``/``lat`` (EPSG:4326) or as ``x``/``y`` in a
    projected metric ``crs``.

    Parameters
    ----------
    heading_deg
        Direction of view, degrees clockwise from north.
    mount_height_m
        Height of the lens above the ground.
    tilt_deg
        Downward tilt from the horizontal (positive looks down).
    hfov_deg
        Horizontal field of view.
    width_px, height_px
        The picture's resolution.
    vfov_deg
        Vertical field of view; from ``hfov_deg`` and the aspect ratio (square pixels)
        when None.
    lon, lat
        Position in EPSG:4326.
    x, y, crs
        Position in a projected metric CRS.
    """

    heading_deg: float
    mount_height_m: float
    tilt_deg: float
    hfov_deg: float
    width_px: int
    height_px: int
    vfov_deg: float | None = None
    lon: float | None = None
    lat: float | None = None
    x: float | None = None
    y: float | None = None
    crs: Any = None

    def __post_init__(self) -> None:
        problems = _pose_problems(self)
        if problems:
            field_name, value, _ = problems[0]
            msg = message("verify.bad_pose", problems="; ".join(p[2] for p in problems))
            raise InputError(msg, column=field_name, value=value)

    @property
    def focal_px(self) -> tuple[float, float]:
        """Focal lengths (fx, fy) in pixels."""
        fx = (self.width_px / 2) / math.tan(math.radians(self.hfov_deg) / 2)
        if self.vfov_deg is None:
            return fx, fx
        return fx, (self.height_px / 2) / math.tan(math.radians(self.vfov_deg) / 2)

    def position(self, crs: Any) -> tuple[float, float]:
        """Return the camera's position in the metric ``crs``."""
        target = CRS.from_user_input(crs)
        if self.x is not None and self.y is not None and self.crs is not None:
            src = CRS.from_user_input(self.crs)
            if src == target:
                return float(self.x), float(self.y)
            t = Transformer.from_crs(src, target, always_xy=True)
            return tuple(float(v) for v in t.transform(self.x, self.y))  # type: ignore[return-value]
        t = Transformer.from_crs("EPSG:4326", target, always_xy=True)
        return tuple(float(v) for v in t.transform(self.lon, self.lat))  # type: ignore[return-value]

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the camera's right, down and forward unit vectors (east, north, up)."""
        h = math.radians(self.heading_deg)
        t = math.radians(self.tilt_deg)
        forward = np.array([math.sin(h) * math.cos(t), math.cos(h) * math.cos(t), -math.sin(t)])
        right = np.array([math.cos(h), -math.sin(h), 0.0])
        down = np.cross(forward, right)
        return right, down, forward


#: The ranges a pose's numbers must lie in: (field, low, high, inclusive, what it is).
_POSE_RANGES: tuple[tuple[str, float, float, bool, str], ...] = (
    ("heading_deg", 0.0, 360.0, True, "degrees clockwise from north"),
    ("mount_height_m", 0.0, 100.0, False, "metres above the ground"),
    ("tilt_deg", -89.0, 89.0, False, "degrees, positive looks down"),
    ("hfov_deg", 0.0, 180.0, False, "degrees"),
    ("vfov_deg", 0.0, 180.0, False, "degrees"),
    ("lon", -180.0, 180.0, True, "degrees of longitude (EPSG:4326)"),
    ("lat", -90.0, 90.0, True, "degrees of latitude (EPSG:4326)"),
    ("width_px", 0.0, 100_000.0, False, "pixels"),
    ("height_px", 0.0, 100_000.0, False, "pixels"),
)


def _pose_problems(pose: CameraPose) -> list[tuple[str, Any, str]]:
    """Every out-of-range or missing number of ``pose``: (field, value, message)."""
    out: list[tuple[str, Any, str]] = []
    for name, lo, hi, inclusive, what in _POSE_RANGES:
        value = getattr(pose, name)
        if value is None and name in ("vfov_deg", "lon", "lat"):
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        ok = math.isfinite(v) and ((lo <= v <= hi) if inclusive else (lo < v < hi))
        if not ok:
            key = "verify.pose_bracket_incl" if inclusive else "verify.pose_bracket_excl"
            bracket = message(key, lo=f"{lo:g}", hi=f"{hi:g}")
            what = message(f"verify.pose_what.{name}")
            text = message(
                "verify.pose_range", name=name, value=repr(value), bracket=bracket, what=what
            )
            out.append((name, value, text))
    for name in ("x", "y"):
        value = getattr(pose, name)
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
            out.append((name, value, message("verify.pose_finite", name=name, value=repr(value))))
    has_ll = pose.lon is not None and pose.lat is not None
    has_xy = pose.x is not None and pose.y is not None and pose.crs is not None
    if not (has_ll or has_xy):
        out.append(("lon/lat", None, message("verify.pose_position")))
    return out


def project_points(
    pose: CameraPose, xy: np.ndarray, *, origin: tuple[float, float], z: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project ground points into the picture with a pinhole model.

    Parameters
    ----------
    pose
        The camera.
    xy
        (n, 2) metric coordinates of the points.
    origin
        The camera's position in the same metric CRS (:meth:`CameraPose.position`).
    z
        Height of the points above the ground the camera height is measured from.

    Returns
    -------
    uv : numpy.ndarray
        (n, 2) pixel coordinates (column, row); NaN for points behind the camera.
    depth_m : numpy.ndarray
        Distance along the optical axis (negative behind the camera).
    slant_m : numpy.ndarray
        Straight-line distance from the lens.
    """
    pts = np.asarray(xy, dtype=float).reshape(-1, 2)
    rel = np.column_stack(
        [pts[:, 0] - origin[0], pts[:, 1] - origin[1], np.full(len(pts), z - pose.mount_height_m)]
    )
    right, down, forward = pose.axes()
    xc, yc, zc = rel @ right, rel @ down, rel @ forward
    fx, fy = pose.focal_px
    with np.errstate(divide="ignore", invalid="ignore"):
        u = pose.width_px / 2 + fx * xc / zc
        v = pose.height_px / 2 + fy * yc / zc
    behind = zc <= 1e-6
    u[behind] = np.nan
    v[behind] = np.nan
    return np.column_stack([u, v]), zc, np.linalg.norm(rel, axis=1)


def motion_heat(frames: Sequence[np.ndarray], *, warmup: int | None = None) -> np.ndarray:
    """Share of frames in which each pixel was moving (background subtraction).

    MOG2 (OpenCV's Gaussian-mixture background subtractor), joined with the difference
    from the clip's per-pixel median.

    Parameters
    ----------
    frames
        The clip, in order.
    warmup
        Frames used only to learn the background (a quarter of the clip, at most 10,
        when None).

    Returns
    -------
    numpy.ndarray
        float32 array of the frame's height and width, values 0–1.
    """
    if len(frames) < 2:
        msg = message("verify.two_frames")
        raise InputError(msg)
    n_warm = min(10, len(frames) // 4) if warmup is None else warmup
    mog = cv2.createBackgroundSubtractorMOG2(
        history=max(len(frames), 20), varThreshold=25, detectShadows=False
    )
    # Busy traffic makes "car" a second background mode for MOG2 (a pixel is under a car a
    # third of the time); a lower background ratio and the difference from the clip's median
    # (the road without traffic) keep it foreground.
    mog.setBackgroundRatio(0.7)
    median = background_frame(frames).astype(np.int16)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    acc = np.zeros(frames[0].shape[:2], np.float32)
    used = 0
    for i, f in enumerate(frames):
        fg = mog.apply(f)
        if i < max(1, n_warm):
            continue
        diff = np.abs(f.astype(np.int16) - median)
        away = (diff.max(axis=2) if diff.ndim == 3 else diff) > 30
        fg = np.where(away, 255, fg).astype(np.uint8)
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, kernel)
        acc += (fg > 0).astype(np.float32)
        used += 1
    return acc / max(used, 1)


@dataclass
class Verification:
    """The result of :func:`verify_camera`.

    Attributes
    ----------
    record
        JSON-ready: ``verdict`` (``"pass"``/``"fail"``/``"not checked"``), ``reasons``,
        ``not_checked``, ``route_checked`` and the metrics.
    targets
        The targets with ``u``, ``v``, ``in_frame``, ``in_motion``, ``slant_m``,
        ``px_per_m`` (index of the input).
    heat
        The motion heat map (:func:`motion_heat`), or None for a single frame.
    quality
        The picture's quality report.
    evidence
        The evidence image (BGR).
    """

    record: dict[str, Any]
    targets: pd.DataFrame
    heat: np.ndarray | None
    quality: QualityReport
    evidence: np.ndarray = field(repr=False)

    @property
    def passed(self) -> bool:
        """True when the verdict is pass."""
        return bool(self.record["verdict"] == "pass")


def _metric_targets(targets: gpd.GeoDataFrame, crs: Any) -> gpd.GeoDataFrame:
    if targets.crs is None:
        msg = message("verify.targets_crs")
        raise CRSError(msg)
    if not len(targets):
        return targets.to_crs(crs) if crs is not None else targets
    metric = CRS.from_user_input(crs) if crs is not None else targets.estimate_utm_crs()
    if not metric.is_projected:
        msg = message("verify.crs_metric", name=metric.name)
        raise CRSError(msg)
    out = targets.to_crs(metric)
    bad = ~out.geometry.geom_type.isin(["Point"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        msg = message("verify.targets_points")
        raise InputError(msg, row=i + 2, column="geometry", value=out.geometry.iloc[i].geom_type)
    return out


def verify_camera(
    frames: Sequence[np.ndarray],
    pose: CameraPose | None,
    targets: gpd.GeoDataFrame | None = None,
    *,
    crs: Any = None,
    camera_id: str | None = None,
    source: str | None = None,
    reference: np.ndarray | None = None,
    level: str | None = None,
    evidence_path: str | os.PathLike[str] | None = None,
    register: str | os.PathLike[str] | None = None,
    check_route: bool | None = None,
    pose_problem: str | None = None,
    lang: str | None = None,
) -> Verification:
    """Check that a camera sees the route targets the plan gives it, well enough.

    The steps: the picture's quality and the motion in the clip (:func:`assess_clip`,
    :func:`motion_heat`); the route targets projected into the picture and checked for
    being in frame, on motion and at their DORI level; the verdict; the evidence image;
    the register row.

    Parameters
    ----------
    frames
        A short clip from the camera (e.g. ``capture(...).frames``; a few seconds with
        traffic). Frames must match the pose's resolution, or the pose is scaled to them.
    pose
        The camera's pose from the register or plan; None checks the picture only.
    targets
        The route targets this camera should see (``target_id``, ``route_id``, Point
        geometry, any CRS; optional ``level`` column of DORI levels).
    crs
        Metric CRS to compute in; the targets' UTM zone when None.
    camera_id
        The camera's id (record, evidence, register).
    source
        Where the frames came from; redacted before it is stored.
    reference
        The camera's reference frame, for the camera-moved check.
    level
        DORI level asked of every target (``detect`` … ``identify``); the targets'
        ``level`` column when None and present.
    evidence_path
        Where to save the evidence PNG (frame, projected route, motion heat).
    register
        A survey register (CSV or XLSX): the record is appended and, on a pass, the
        camera's status set to verified. Needs ``camera_id``.
    check_route
        Whether the route must be checked. None: when a pose or targets are given. When
        it must be and cannot (no pose, no targets, no targets for this camera), the
        verdict is ``"not checked"``, never ``"pass"``. False: the picture only (the
        record says ``route_checked: false``).
    pose_problem
        Why there is no pose (e.g. ``"no --hfov"``), for the not-checked reason.
    lang
        Language of the reasons, notes and not-checked lines (the language in use when
        None); the verdict stays a code (``pass``, ``fail``, ``not checked``).

    Returns
    -------
    Verification
        The record, per-target table, heat map, quality report and evidence image. The
        verdict is ``"fail"`` when a check failed, ``"not checked"`` when a check that
        was asked for could not be done (``not_checked`` says which and why: a clip of
        fewer than ``MIN_FRAMES`` frames cannot show motion or a frozen feed), and
        ``"pass"`` only when every check was done and passed.
    """
    if len(frames) == 0:
        msg = message("verify.no_frames", lang)
        raise InputError(msg)
    h, w = frames[0].shape[:2]
    hfov = pose.hfov_deg if pose else None
    quality = assess_clip(frames, reference=reference, hfov_deg=hfov, lang=lang)
    heat = motion_heat(frames) if len(frames) >= MIN_FRAMES else None
    found = _Findings(
        record={
            "camera_id": camera_id,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": redact_url(str(source)) if source is not None else None,
            "n_frames": len(frames),
            "width_px": w,
            "height_px": h,
        },
        reasons=list(quality.reasons),
        notes=list(quality.notes),
        lang=lang,
    )
    moving = None
    if heat is not None:
        moving = heat >= settings.verify_motion_min_heat
        found.record["motion_share"] = round(float(moving.mean()), 5)
    else:
        found.not_checked.append(found.say("verify.short_clip", n=len(frames), min=MIN_FRAMES))
    pose = _pose_for_frames(pose, w, h, found)
    table = pd.DataFrame()
    route_asked = (pose is not None or targets is not None) if check_route is None else check_route
    found.record["route_checked"] = False
    if check_route is not False and pose is not None and targets is not None and len(targets):
        table = _check_route(pose, targets, crs, (w, h), moving, level, found)
        found.record["route_checked"] = True
    elif route_asked:  # asked for, and not possible: never a pass
        found.not_checked.append(_route_not_checked(pose, targets, pose_problem, lang))
    else:
        found.notes.append(found.say("verify.picture_only"))
    record = found.record
    record.update(quality.to_record())
    if found.reasons:
        record["verdict"] = "fail"
    elif found.not_checked:
        record["verdict"] = "not checked"
    else:
        record["verdict"] = "pass"
    record["reasons"] = found.reasons
    record["not_checked"] = found.not_checked
    record["notes"] = found.notes
    evidence = _evidence_image(frames, heat, table, record)
    if evidence_path is not None:
        record["evidence"] = str(_save_png(evidence_path, evidence))
    if register is not None:
        _record_in_register(register, camera_id, record)
    logger.info(
        "verified camera %s: %s%s",
        camera_id or "(no id)",
        record["verdict"],
        f" ({'; '.join(found.reasons)})" if found.reasons else "",
    )
    return Verification(record, table, heat, quality, evidence)


@dataclass
class _Findings:
    """What the steps of :func:`verify_camera` found: the record, failure reasons, notes."""

    record: dict[str, Any]
    reasons: list[str]
    notes: list[str]
    not_checked: list[str] = field(default_factory=list)
    lang: str | None = None

    def say(self, key: str, **fmt: object) -> str:
        """Return the message ``key`` in the findings' language."""
        return message(key, self.lang, **fmt)


def _route_not_checked(
    pose: CameraPose | None,
    targets: gpd.GeoDataFrame | None,
    pose_problem: str | None,
    lang: str | None = None,
) -> str:
    """Say why the route, asked for, could not be checked."""
    if pose is None:
        why = f" ({pose_problem})" if pose_problem else ""
        return message("verify.no_pose", lang, why=why)
    if targets is None:
        return message("verify.no_targets", lang)
    return message("verify.no_targets_for_camera", lang)


def _pose_for_frames(
    pose: CameraPose | None, w: int, h: int, found: _Findings
) -> CameraPose | None:
    """Return the pose scaled to the frames' resolution (with a note), or the pose itself."""
    if pose is None or (pose.width_px, pose.height_px) == (w, h):
        return pose
    found.notes.append(found.say("verify.scaled", pw=pose.width_px, ph=pose.height_px, w=w, h=h))
    return CameraPose(**{**pose.__dict__, "width_px": w, "height_px": h})


def _check_route(
    pose: CameraPose,
    targets: gpd.GeoDataFrame,
    crs: Any,
    size: tuple[int, int],
    moving: np.ndarray | None,
    level: str | None,
    found: _Findings,
) -> pd.DataFrame:
    """Project the targets into the picture and check them: in frame, on motion, DORI level."""
    table = _project_targets(pose, targets, crs, size)
    inside = table["in_frame"].to_numpy()
    n = len(table)
    n_in = int(inside.sum())
    found.record.update(n_targets=n, n_in_frame=n_in, share_in_frame=round(n_in / n, 4))
    min_in = settings.verify_min_in_frame
    if n_in < min_in * n:
        share, least = f"{100 * n_in / n:.0f}", f"{100 * min_in:.0f}"
        found.reasons.append(found.say("verify.in_frame", n_in=n_in, n=n, share=share, min=least))
    if moving is not None:
        _check_motion(table, moving, found)
    if n_in:
        _check_distances(table, found)
        levels = (
            pd.Series(level, index=table.index)
            if level is not None
            else targets["level"]
            if "level" in targets.columns
            else None
        )
        if levels is not None:
            _check_levels(table, levels, found)
    return table


def _project_targets(
    pose: CameraPose, targets: gpd.GeoDataFrame, crs: Any, size: tuple[int, int]
) -> pd.DataFrame:
    """Return the targets' ``u``, ``v``, ``in_frame``, ``slant_m``, ``px_per_m`` (input index)."""
    w, h = size
    metric = _metric_targets(targets, crs)
    origin = pose.position(metric.crs)
    xy = np.column_stack([metric.geometry.x.to_numpy(), metric.geometry.y.to_numpy()])
    uv, depth, slant = project_points(pose, xy, origin=origin)
    inside = (
        np.isfinite(uv[:, 0])
        & (uv[:, 0] >= 0)
        & (uv[:, 0] < w)
        & (uv[:, 1] >= 0)
        & (uv[:, 1] < h)
        & (depth > 0)
    )
    fx, _ = pose.focal_px
    ppm = np.where(inside, fx / np.maximum(slant, 1e-6), np.nan)
    table = pd.DataFrame(
        {"u": uv[:, 0], "v": uv[:, 1], "in_frame": inside, "slant_m": slant, "px_per_m": ppm},
        index=targets.index,
    )
    for col in ("target_id", "route_id"):
        if col in targets.columns:
            table.insert(0, col, targets[col].to_numpy())
    return table


def _check_motion(table: pd.DataFrame, moving: np.ndarray, found: _Findings) -> None:
    """Add ``in_motion`` to ``table``: motion near each target in the picture, or not."""
    s = settings
    w = moving.shape[1]
    inside = table["in_frame"].to_numpy()
    uv = table[["u", "v"]].to_numpy()
    n_in = int(inside.sum())
    radius = max(2, round(s.verify_motion_radius_frac * w))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    near_motion = cv2.dilate(moving.astype(np.uint8), kernel) > 0
    in_motion = np.zeros(len(table), bool)
    ii = np.flatnonzero(inside)
    in_motion[ii] = near_motion[uv[ii, 1].astype(int), uv[ii, 0].astype(int)]
    table["in_motion"] = in_motion
    share_motion = float(in_motion.sum() / n_in) if n_in else 0.0
    found.record["share_in_motion"] = round(share_motion, 4)
    if found.record["motion_share"] < s.verify_min_motion_share:
        found.reasons.append(found.say("verify.no_motion"))
    elif n_in and share_motion < s.verify_min_in_motion:
        share, least = f"{100 * share_motion:.0f}", f"{100 * s.verify_min_in_motion:.0f}"
        found.reasons.append(found.say("verify.off_motion", share=share, min=least))


def _check_distances(table: pd.DataFrame, found: _Findings) -> None:
    """Record the nearest and farthest target in the picture and their pixel densities."""
    inside = table["in_frame"].to_numpy()
    slant = table["slant_m"].to_numpy()
    ppm = table["px_per_m"].to_numpy()
    near = int(np.nanargmin(np.where(inside, slant, np.nan)))
    far = int(np.nanargmax(np.where(inside, slant, np.nan)))
    found.record.update(
        nearest_m=round(float(slant[near]), 2),
        farthest_m=round(float(slant[far]), 2),
        px_per_m_nearest=round(float(ppm[near]), 1),
        px_per_m_farthest=round(float(ppm[far]), 1),
    )


def _check_levels(table: pd.DataFrame, levels: pd.Series, found: _Findings) -> None:
    """Check each target in the picture against its DORI level's pixel density."""
    s = settings
    unknown = set(levels.dropna()) - set(s.dori_px_per_m)
    if unknown:
        msg = found.say("verify.unknown_level", levels=sorted(unknown), known=list(s.dori_px_per_m))
        raise InputError(msg, column="level", value=sorted(unknown)[0])
    inside = table["in_frame"].to_numpy()
    slant = table["slant_m"].to_numpy()
    ppm = table["px_per_m"].to_numpy()
    need = levels.map(s.dori_px_per_m).to_numpy(dtype=float)
    ok = inside & (ppm >= need)
    found.record["share_at_level"] = round(float(ok.sum() / inside.sum()), 4)
    short = inside & ~ok
    if short.any():
        j = int(np.flatnonzero(short)[np.argmin(ppm[short])])
        found.reasons.append(
            found.say(
                "verify.below_level",
                n=int(short.sum()),
                ppm=f"{ppm[j]:.0f}",
                m=f"{slant[j]:.0f}",
                need=f"{need[j]:.0f}",
                level=translate_value(levels.iloc[j], found.lang or current_lang()),
            )
        )


def _save_png(path: str | os.PathLike[str], image: np.ndarray) -> Path:
    """Write ``image`` as a PNG at ``path`` (atomically); return where it went."""
    ok, buf = cv2.imencode(".png", image)
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        msg = message("verify.no_png")
        raise InputError(msg)
    return atomic_write_bytes(path, buf.tobytes())


def _record_in_register(
    register: str | os.PathLike[str], camera_id: str | None, record: Mapping[str, Any]
) -> None:
    """Append the record to the survey register; a pass sets the camera's status to verified."""
    if not camera_id:
        msg = message("verify.need_id")
        raise InputError(msg, file=os.fspath(register), column="camera_id")
    record_verification(
        register,
        camera_id,
        _register_row(record),
        status="verified" if record["verdict"] == "pass" else None,
    )


def _register_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a record for a register row: lists joined, nothing personal."""
    row: dict[str, Any] = {}
    for k, v in record.items():
        if k in ("camera_id",):
            continue
        row[k] = "; ".join(map(str, v)) if isinstance(v, list) else v
    return row


def _ascii(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).replace("đ", "d").replace("Đ", "D")
    return norm.encode("ascii", "ignore").decode()


def _evidence_image(
    frames: Sequence[np.ndarray],
    heat: np.ndarray | None,
    table: pd.DataFrame,
    record: Mapping[str, Any],
) -> np.ndarray:
    """Draw the background frame, the motion heat, the projected route and a caption."""
    base = background_frame(frames) if len(frames) > 1 else frames[0].copy()
    if base.ndim == 2:
        base = cv2.cvtColor(base, cv2.COLOR_GRAY2BGR)
    img = base.copy()
    w = img.shape[1]
    if heat is not None and float(heat.max()) > 0:
        scaled = np.clip(heat / max(float(heat.max()), 1e-6) * 255, 0, 255).astype(np.uint8)
        colour = cv2.applyColorMap(scaled, cv2.COLORMAP_JET)
        alpha = (np.clip(heat / max(float(heat.max()), 1e-6), 0, 1) * 0.6)[:, :, None]
        img = (img * (1 - alpha) + colour * alpha).astype(np.uint8)
    r = max(2, w // 160)
    if len(table):
        group = (
            table["route_id"] if "route_id" in table.columns else pd.Series(0, index=table.index)
        )
        for _, part in table.groupby(group.to_numpy(), sort=False):
            pts = part.loc[part["in_frame"], ["u", "v"]].to_numpy()
            if len(pts) > 1:
                cv2.polylines(
                    img, [pts.round().astype(np.int32)], False, (255, 255, 255), 1, cv2.LINE_AA
                )
        motion = table["in_motion"] if "in_motion" in table.columns else table["in_frame"] & False
        for u, v, inside, moving in zip(
            table["u"], table["v"], table["in_frame"], motion, strict=True
        ):
            if inside:
                dot = (0, 220, 0) if moving else (0, 220, 255)
                cv2.circle(img, (round(float(u)), round(float(v))), r, dot, -1, cv2.LINE_AA)
    lines = [
        f"{_ascii(str(record.get('camera_id') or ''))}  {record.get('verdict', '').upper()}  "
        f"{record.get('time', '')}",
    ]
    if record.get("n_targets") is not None:
        lines.append(
            f"in frame {record.get('n_in_frame')}/{record.get('n_targets')}  "
            f"on motion {100 * float(record.get('share_in_motion') or 0):.0f}%  "
            f"px/m {record.get('px_per_m_nearest', '-')}..{record.get('px_per_m_farthest', '-')}"
        )
    if record.get("source"):
        lines.append(_ascii(redact_url(str(record["source"])))[:90])
    scale = max(0.35, w / 1600)
    y = 0
    for text in lines:
        (tw, th), base_line = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        y += th + base_line + 4
        cv2.rectangle(img, (0, y - th - base_line - 2), (tw + 8, y + 2), (0, 0, 0), -1)
        cv2.putText(
            img,
            text,
            (4, y - base_line),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            1,
            cv2.LINE_AA,
        )
    return img
