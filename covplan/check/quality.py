"""Is the picture good enough? Per-frame and per-clip quality checks.

Each check has a name that appears in a report's ``failures``:

``covered``
    A covered or black lens (a hand, a bag, a lens cap, no video): no coarse structure
    left in the picture, or almost black.
``exposure``
    Too dark or too bright (mean brightness outside the settings' range, or far from the
    camera's reference).
``contrast``
    A washed-out picture (fog, dirt, a misty dome): low standard deviation of brightness.
``blur``
    Out of focus: the variance of the Laplacian, normalised by the brightness variance
    so that it does not change with exposure, below the threshold (or far below the
    reference's).
``frozen``
    The same image over the whole clip, apart from the burnt-in clock and camera name
    that cheap recorders print (masked: :func:`osd_mask`).
``moved``
    The view does not match the camera's own reference frame: ORB features matched
    and a similarity transform fitted; the shift of the picture centre, rotation and zoom tell
    that the camera has been moved, and by how much (in degrees when the horizontal
    field of view is known).

Night/IR mode (a grey picture from a colour camera) is reported, not failed.
Thresholds live in :mod:`covplan.settings` (``quality_*``); where a reference frame is
given, the exposure, contrast and blur checks are relative to it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import pandas as pd

from covplan import settings
from covplan._errors import InputError
from covplan.vocab.messages import message

__all__ = [
    "QualityReport",
    "assess_clip",
    "background_frame",
    "check_frame",
    "compare_to_reference",
    "frame_metrics",
    "frozen_feed",
    "osd_mask",
]

logger = logging.getLogger(__name__)

_COARSE_WIDTH = 80


def _gray(frame: np.ndarray) -> np.ndarray:
    if not isinstance(frame, np.ndarray) or frame.ndim not in (2, 3) or frame.size == 0:
        msg = message("quality.bad_frame")
        raise InputError(msg, value=getattr(frame, "shape", type(frame).__name__))
    if frame.dtype != np.uint8:
        frame = np.clip(frame, 0, 255).astype(np.uint8)
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 1:
        return frame[:, :, 0]
    return cv2.cvtColor(frame[:, :, :3], cv2.COLOR_BGR2GRAY)


def osd_mask(
    shape: tuple[int, ...],
    *,
    bands: tuple[float, float] | None = None,
    boxes: Sequence[tuple[float, float, float, float]] = (),
) -> np.ndarray:
    """Return the mask of pixels to use, with the on-screen display (clock, name) left out.

    Parameters
    ----------
    shape
        The frame's shape (height, width[, channels]).
    bands
        Fractions of the height at the top and at the bottom where recorders print the
        clock and camera name (``settings.quality_osd_bands``: top 16 %, bottom 8 %).
        ``(0, 0)`` masks nothing.
    boxes
        More regions to leave out, as ``(x0, y0, x1, y1)`` fractions of width and height.

    Returns
    -------
    numpy.ndarray
        Boolean array of the frame's height and width, True where pixels are used.
    """
    h, w = int(shape[0]), int(shape[1])
    top, bottom = settings.quality_osd_bands if bands is None else bands
    mask = np.ones((h, w), dtype=bool)
    mask[: round(h * top), :] = False
    if bottom > 0:
        mask[h - round(h * bottom) :, :] = False
    for x0, y0, x1, y1 in boxes:
        mask[round(h * y0) : round(h * y1), round(w * x0) : round(w * x1)] = False
    return mask


def frame_metrics(frame: np.ndarray, *, mask: np.ndarray | None = None) -> dict[str, float]:
    """Measure one frame.

    Parameters
    ----------
    frame
        A BGR (or grey) uint8 image.
    mask
        Pixels to measure (True), e.g. :func:`osd_mask`; all when None.

    Returns
    -------
    dict
        ``sharpness`` (variance of the Laplacian), ``sharpness_norm`` (the same divided
        by the brightness variance: independent of exposure), ``brightness`` (mean
        grey level 0–255), ``contrast`` (standard deviation of grey), ``dark_share`` and
        ``bright_share`` (pixels below 16 / above 239), ``structure`` (mean gradient of
        an 80-pixel-wide copy over its mean brightness: near 0 for a covered lens),
        ``saturation`` (mean HSV saturation) and ``night_ir`` (1.0 for a grey picture).
    """
    gray = _gray(frame)
    sel = np.ones(gray.shape, bool) if mask is None else mask.astype(bool)
    if sel.shape != gray.shape:
        msg = message("quality.mask_shape", mask=sel.shape, frame=gray.shape)
        raise InputError(msg)
    values = gray[sel]
    lap = cv2.Laplacian(gray, cv2.CV_32F)[sel]
    var = float(values.var())
    sharp = float(lap.var())
    h, w = gray.shape
    ch = max(2, round(_COARSE_WIDTH * h / w))
    coarse = cv2.resize(gray, (_COARSE_WIDTH, ch), interpolation=cv2.INTER_AREA).astype(np.float32)
    csel = cv2.resize(sel.astype(np.uint8), (_COARSE_WIDTH, ch), interpolation=cv2.INTER_NEAREST)
    gx = cv2.Sobel(coarse, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(coarse, cv2.CV_32F, 0, 1)
    grad = np.hypot(gx, gy)[csel > 0]
    cvals = coarse[csel > 0]
    structure = float(grad.mean() / (cvals.mean() + 1.0)) if grad.size else 0.0
    if frame.ndim == 3 and frame.shape[2] >= 3:
        small = cv2.resize(
            frame[:, :, :3], (_COARSE_WIDTH * 2, ch * 2), interpolation=cv2.INTER_AREA
        )
        sat = float(cv2.cvtColor(small, cv2.COLOR_BGR2HSV)[:, :, 1].mean())
    else:
        sat = 0.0
    return {
        "sharpness": sharp,
        "sharpness_norm": sharp / var if var > 1e-6 else 0.0,
        "brightness": float(values.mean()),
        "contrast": math.sqrt(var),
        "dark_share": float(np.count_nonzero(values < 16) / values.size),
        "bright_share": float(np.count_nonzero(values > 239) / values.size),
        "structure": structure,
        "saturation": sat,
        "night_ir": float(sat < settings.quality_ir_saturation_max),
    }


def check_frame(
    metrics: dict[str, float],
    *,
    reference: dict[str, float] | None = None,
    lang: str | None = None,
) -> list[tuple[str, str]]:
    """Apply the frame checks to measured metrics.

    The root cause is reported, not its consequences: a covered lens is not also
    reported as too dark, and a dark picture is not also reported as low in contrast.

    Parameters
    ----------
    metrics
        From :func:`frame_metrics`.
    reference
        The metrics of the camera's reference frame; thresholds are then relative to it.
    lang
        Language of the reasons (the language in use when None).

    Returns
    -------
    list of (str, str)
        ``(check, reason)`` for every failed check; empty when the frame passes.
    """
    s = settings
    out: list[tuple[str, str]] = []
    m = metrics
    if m["brightness"] < s.quality_black_max or m["structure"] < s.quality_structure_min:
        why = message(
            "quality.black" if m["brightness"] < s.quality_black_max else "quality.flat", lang
        )
        structure = f"{m['structure']:.3f}"
        out.append(("covered", message("quality.covered", lang, why=why, structure=structure)))
        return out
    lo, hi = s.quality_brightness_min, s.quality_brightness_max
    if reference is not None:
        lo = max(lo * 0.5, reference["brightness"] * s.quality_brightness_ratio_min)
        hi = min(255.0, max(hi, reference["brightness"] / s.quality_brightness_ratio_min))
    if m["brightness"] < lo:
        value, limit = f"{m['brightness']:.0f}", f"{lo:.0f}"
        out.append(("exposure", message("quality.dark", lang, value=value, limit=limit)))
    elif m["brightness"] > hi:
        value, limit = f"{m['brightness']:.0f}", f"{hi:.0f}"
        out.append(("exposure", message("quality.bright", lang, value=value, limit=limit)))
    else:
        c_min = s.quality_contrast_min
        if reference is not None:
            c_min = reference["contrast"] * s.quality_contrast_ratio_min
        if m["contrast"] < c_min:
            value, limit = f"{m['contrast']:.1f}", f"{c_min:.1f}"
            out.append(("contrast", message("quality.washed", lang, value=value, limit=limit)))
    b_min = s.quality_sharpness_norm_min
    if reference is not None:
        b_min = reference["sharpness_norm"] * s.quality_sharpness_ratio_min
    if m["sharpness_norm"] < b_min:
        value, limit = f"{m['sharpness_norm']:.3f}", f"{b_min:.3f}"
        out.append(("blur", message("quality.blur", lang, value=value, limit=limit)))
    return out


def frozen_feed(
    frames: Sequence[np.ndarray],
    *,
    mask: np.ndarray | None = None,
    delta: float | None = None,
    changed_share_max: float | None = None,
) -> dict[str, Any]:
    """Tell whether a clip is one image repeated (a frozen feed).

    Every frame is compared with the first, outside the on-screen display: a live
    camera shows noise and movement, a frozen recorder channel repeats the last image
    while its burnt-in clock keeps ticking (which is why it must be masked).

    Parameters
    ----------
    frames
        The clip (at least two frames, spanning a second or more).
    mask
        Pixels to compare (True); :func:`osd_mask` of the frame size when None.
    delta
        A pixel has changed when its grey level moved by more than this
        (``settings.quality_frozen_delta``).
    changed_share_max
        The clip is frozen when the largest share of changed pixels stays at or below
        this (``settings.quality_frozen_share_max``).

    Returns
    -------
    dict
        ``frozen`` (bool, None for fewer than two frames), ``changed_share`` (largest
        share of changed pixels against the first frame), ``mean_abs_diff``.
    """
    if len(frames) < 2:
        return {"frozen": None, "changed_share": float("nan"), "mean_abs_diff": float("nan")}
    d = settings.quality_frozen_delta if delta is None else delta
    share_max = (
        settings.quality_frozen_share_max if changed_share_max is None else changed_share_max
    )
    first = _gray(frames[0]).astype(np.int16)
    sel = osd_mask(first.shape) if mask is None else mask.astype(bool)
    n = int(np.count_nonzero(sel))
    changed = 0.0
    mad = 0.0
    for f in frames[1:]:
        diff = np.abs(_gray(f).astype(np.int16) - first)[sel]
        changed = max(changed, np.count_nonzero(diff > d) / max(n, 1))
        mad = max(mad, float(diff.mean()))
    return {"frozen": bool(changed <= share_max), "changed_share": changed, "mean_abs_diff": mad}


def compare_to_reference(
    frame: np.ndarray,
    reference: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    hfov_deg: float | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """Compare a frame with the camera's reference frame to tell whether it moved.

    ORB features (outside the on-screen display) are matched with a ratio test and a
    similarity (shift, rotation, zoom) mapping the reference onto the frame is fitted with
    RANSAC.

    Parameters
    ----------
    frame
        The current picture.
    reference
        The camera's reference picture (taken when it was installed or last verified),
        same size as ``frame`` (it is resized when not).
    mask
        Pixels to use (True); :func:`osd_mask` when None.
    hfov_deg
        The horizontal field of view, to express the shift as pan and tilt angles.
    lang
        Language of the reason (the language in use when None).

    Returns
    -------
    dict
        ``moved`` (bool), ``matched`` (bool: a transform was found), ``inliers``,
        ``shift_px`` (of the picture centre), ``shift_frac`` (of the width),
        ``rotation_deg``, ``scale``, ``pan_deg`` and ``tilt_deg`` (positive = the view
        turned right / down; NaN without ``hfov_deg``), ``reason``.
    """
    s = settings
    g = _gray(frame)
    r = _gray(reference)
    if r.shape != g.shape:
        r = cv2.resize(r, (g.shape[1], g.shape[0]), interpolation=cv2.INTER_AREA)
    sel = osd_mask(g.shape) if mask is None else mask.astype(bool)
    m8 = sel.astype(np.uint8) * 255
    orb = cv2.ORB.create(nfeatures=s.quality_orb_features)
    kr, dr = orb.detectAndCompute(r, m8)
    kf, df = orb.detectAndCompute(g, m8)
    nan = float("nan")
    out: dict[str, Any] = {
        "moved": True,
        "matched": False,
        "inliers": 0,
        "shift_px": nan,
        "shift_frac": nan,
        "rotation_deg": nan,
        "scale": nan,
        "pan_deg": nan,
        "tilt_deg": nan,
        "reason": "",
    }
    good = []
    if dr is not None and df is not None and len(kr) >= 2 and len(kf) >= 2:
        matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
        for pair in matcher.knnMatch(dr, df, k=2):
            if len(pair) == 2 and pair[0].distance < s.quality_orb_ratio * pair[1].distance:
                good.append(pair[0])
    if len(good) < s.quality_min_inliers:
        out["reason"] = message("quality.no_match", lang, n=len(good))
        return out
    src = np.array([kr[m.queryIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    dst = np.array([kf[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    # A homography over a deep street scene is unstable in scale; a small pan, tilt or
    # zoom of the camera is a similarity (shift, rotation, scale) to first order.
    A, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0)
    n_in = int(inl.sum()) if inl is not None else 0
    out["inliers"] = n_in
    if A is None or n_in < s.quality_min_inliers:
        out["reason"] = message("quality.no_homography", lang, n=n_in)
        return out
    h, w = g.shape
    c2 = A @ np.array([w / 2, h / 2, 1.0])
    dx, dy = float(c2[0] - w / 2), float(c2[1] - h / 2)
    shift = math.hypot(dx, dy)
    rot = math.degrees(math.atan2(A[1, 0], A[0, 0]))
    scale = math.hypot(A[0, 0], A[1, 0])
    out.update(matched=True, shift_px=shift, shift_frac=shift / w, rotation_deg=rot, scale=scale)
    if hfov_deg:
        f = (w / 2) / math.tan(math.radians(hfov_deg) / 2)
        # the scene moved by +dx in the image: the camera turned the other way
        out["pan_deg"] = -math.degrees(math.atan2(dx, f))
        out["tilt_deg"] = -math.degrees(math.atan2(dy, f))
    reasons = []
    if shift / w > s.quality_moved_shift_frac:
        px, share = f"{shift:.0f}", f"{100 * shift / w:.1f}"
        reasons.append(message("quality.shifted", lang, px=px, share=share))
    if abs(rot) > s.quality_moved_rotation_deg:
        reasons.append(message("quality.rotated", lang, deg=f"{rot:.1f}"))
    if abs(math.log(scale)) > math.log1p(s.quality_moved_scale):
        reasons.append(message("quality.zoom", lang, scale=f"{scale:.2f}"))
    moved = bool(reasons)
    if hfov_deg and reasons:
        pan, tilt = f"{out['pan_deg']:+.1f}", f"{out['tilt_deg']:+.1f}"
        reasons.append(message("quality.pan_tilt", lang, pan=pan, tilt=tilt))
    out["moved"] = moved
    out["reason"] = message("quality.moved", lang, what=", ".join(reasons)) if moved else ""
    return out


@dataclass
class QualityReport:
    """The quality of a clip.

    Attributes
    ----------
    metrics
        One row of :func:`frame_metrics` per frame (index = frame number).
    summary
        The median of each metric over the clip.
    failures
        Names of the failed checks (``covered``, ``exposure``, ``contrast``, ``blur``,
        ``frozen``, ``moved``), in that order, without duplicates.
    reasons
        One sentence per failed check.
    frozen
        From :func:`frozen_feed`.
    moved
        From :func:`compare_to_reference`, or None without a reference.
    notes
        Things worth knowing that are not failures (night/IR mode).
    """

    metrics: pd.DataFrame
    summary: dict[str, float]
    failures: list[str]
    reasons: list[str]
    frozen: dict[str, Any]
    moved: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.failures

    def to_record(self) -> dict[str, Any]:
        """Return a flat, JSON-ready dict of the report (no images)."""
        rec: dict[str, Any] = {f"quality_{k}": round(float(v), 4) for k, v in self.summary.items()}
        rec["quality_failures"] = list(self.failures)
        rec["quality_reasons"] = list(self.reasons)
        rec["frozen"] = self.frozen.get("frozen")
        rec["frozen_changed_share"] = _num(self.frozen.get("changed_share"))
        if self.moved is not None:
            for k in (
                "moved",
                "shift_px",
                "rotation_deg",
                "scale",
                "pan_deg",
                "tilt_deg",
                "inliers",
            ):
                v = self.moved.get(k)
                rec[f"reference_{k}"] = v if isinstance(v, bool) else _num(v)
        rec["quality_notes"] = list(self.notes)
        return rec


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else round(f, 4)


def background_frame(frames: Sequence[np.ndarray], *, n: int = 9) -> np.ndarray:
    """Return the per-pixel median of up to ``n`` evenly spaced frames: the scene without traffic.

    Parameters
    ----------
    frames
        The clip.
    n
        How many frames to take the median of.

    Returns
    -------
    numpy.ndarray
        An image like the frames.
    """
    idx = np.unique(np.linspace(0, len(frames) - 1, min(n, len(frames))).round().astype(int))
    return np.median(np.stack([frames[i] for i in idx]), axis=0).astype(np.uint8)


def assess_clip(
    frames: Sequence[np.ndarray],
    *,
    reference: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    hfov_deg: float | None = None,
    lang: str | None = None,
) -> QualityReport:
    """Run every quality check on a clip.

    A frame check fails the clip when it fails on at least half of the frames (a
    passing bus does not fail a camera). The frozen check needs two frames or more.

    Parameters
    ----------
    frames
        BGR frames of one camera (e.g. ``capture(...).frames``).
    reference
        The camera's reference frame: the exposure, contrast and blur thresholds become
        relative to it, and the camera-moved check runs.
    mask
        Pixels to use (True); :func:`osd_mask` of the frame size when None.
    hfov_deg
        The horizontal field of view, to report a move in degrees.
    lang
        Language of the reasons and notes (the language in use when None).

    Returns
    -------
    QualityReport
        Metrics, failed checks and reasons.
    """
    if len(frames) == 0:
        msg = message("quality.no_frames", lang)
        raise InputError(msg)
    sel = osd_mask(frames[0].shape) if mask is None else mask
    rows = [frame_metrics(f, mask=sel) for f in frames]
    table = pd.DataFrame(rows)
    summary = {str(k): float(v) for k, v in table.median().items()}
    ref_metrics = (
        frame_metrics(reference, mask=None if reference.shape[:2] != frames[0].shape[:2] else sel)
        if reference is not None
        else None
    )
    counts: dict[str, list[str]] = {}
    for row in rows:
        for check, why in check_frame(row, reference=ref_metrics, lang=lang):
            counts.setdefault(check, []).append(why)
    order = ["covered", "exposure", "contrast", "blur", "frozen", "moved"]
    failures: list[str] = []
    reasons: list[str] = []
    for check in order[:4]:
        whys = counts.get(check, [])
        if len(whys) * 2 >= len(rows):
            failures.append(check)
            why = whys[len(whys) // 2]
            reasons.append(
                message("quality.in_frames", lang, why=why, n=len(whys), total=len(rows))
            )
    if "covered" in failures:  # the rest follows from it
        keep = [i for i, f in enumerate(failures) if f == "covered"]
        failures = [failures[i] for i in keep]
        reasons = [reasons[i] for i in keep]
    frozen = frozen_feed(frames, mask=sel)
    if frozen["frozen"] and "covered" not in failures:
        failures.append("frozen")
        share = f"{100 * frozen['changed_share']:.3f}"
        reasons.append(message("quality.frozen", lang, share=share, n=len(frames)))
    moved = None
    notes = []
    if reference is not None:
        if set(failures) & {"covered", "exposure", "contrast", "blur"}:
            notes.append(message("quality.moved_skipped", lang))
        else:
            moved = compare_to_reference(
                background_frame(frames), reference, mask=sel, hfov_deg=hfov_deg, lang=lang
            )
            if moved["moved"]:
                failures.append("moved")
                reasons.append(moved["reason"])
    if summary["night_ir"] >= 0.5:
        notes.append(message("quality.night", lang))
    report = QualityReport(table, summary, failures, reasons, frozen, moved, notes)
    logger.info(
        "quality of %d frames: %s", len(frames), ", ".join(failures) if failures else "pass"
    )
    return report
