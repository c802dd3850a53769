"""``covplan verify``: check a camera's live picture, or every camera of a survey register."""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from pathlib import Path
from typing import Any

import cv2
import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm import tqdm

from covplan._errors import CaptureError, InputError
from covplan._redact import redact_url
from covplan.check import NotTriedError
from covplan.check.capture import capture
from covplan.check.verify import CameraPose, verify_camera
from covplan.survey import read_survey, record_verification
from covplan.vocab.messages import MESSAGES, current_lang, message

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help=message("verify.help"),
        description=(
            "Capture a short clip (RTSP, HTTP MJPEG/snapshot or a file), check its quality and, "
            "with a pose and route targets, whether the route is in view. Exit 0 on pass, 1 on "
            "fail. Passwords come from --password-env, COVPLAN_CAMERA_PASSWORD[_<ID>] or the "
            "keyring (service 'covplan'), never from the register, and are never printed."
        ),
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--source", help="stream URL or video file of one camera")
    src.add_argument(
        "--survey", type=Path, help="register (CSV/XLSX): check every camera with a stream_url"
    )
    p.add_argument("--camera-id", help="the camera's id (credentials, register, evidence name)")
    p.add_argument(
        "--targets", type=Path, help="route targets (GeoJSON/GPKG; camera_id column to split)"
    )
    p.add_argument("--lon", type=float)
    p.add_argument("--lat", type=float)
    p.add_argument("--x", type=float, help="metric easting (with --crs)")
    p.add_argument("--y", type=float, help="metric northing (with --crs)")
    p.add_argument("--crs", help="metric CRS of --x/--y and of the computation (default: UTM zone)")
    p.add_argument("--heading", type=float, help="degrees clockwise from north")
    p.add_argument("--height", type=float, help="mounting height, m")
    p.add_argument("--tilt", type=float, help="downward tilt, degrees")
    p.add_argument("--hfov", type=float, help="horizontal field of view, degrees")
    p.add_argument("--vfov", type=float, help="vertical field of view, degrees")
    p.add_argument("--level", help="DORI level asked of every target")
    p.add_argument("--reference", type=Path, help="the camera's reference frame (image)")
    p.add_argument("--frames", type=int, default=None, help="frames to read (settings.max_frames)")
    p.add_argument("--stride", type=int, default=1, help="keep one frame in N")
    p.add_argument("--seconds", type=float, default=None, help="stop reading after this long")
    p.add_argument("--open-timeout", type=float, default=None)
    p.add_argument("--read-timeout", type=float, default=None)
    p.add_argument("--user", help="camera user name")
    p.add_argument("--password-env", help="name of the environment variable holding the password")
    p.add_argument(
        "--max-failed-logins",
        type=int,
        default=None,
        help="failed logins a recorder (host, port, user) may have in this run before its "
        "other channels are not tried (default 1: recorders lock out after about five)",
    )
    p.add_argument("--evidence", type=Path, help="evidence PNG (one camera) or folder (--survey)")
    p.add_argument(
        "--no-record", action="store_true", help="with --survey: do not write the register"
    )
    p.add_argument("--json", action="store_true", help="print the record(s) as JSON on stdout")
    p.set_defaults(func=run)


#: The pose's command-line flags, by CameraPose field (and register column).
_POSE_FLAGS = {
    "heading_deg": "heading",
    "hfov_deg": "hfov",
    "mount_height_m": "height",
    "tilt_deg": "tilt",
}


def _pose_asked(args: argparse.Namespace) -> bool:
    """True when any pose flag was given on the command line."""
    names = (*_POSE_FLAGS.values(), "lon", "lat", "x", "y", "vfov")
    return any(getattr(args, n) is not None for n in names)


def _pose(
    args: argparse.Namespace, w: int, h: int, row: Any = None
) -> tuple[CameraPose | None, str | None]:
    """The camera's pose from the flags (or the register row), or None and what is missing."""

    def pick(arg: Any, col: str) -> Any:
        if arg is not None:
            return arg
        if row is not None and col in row and row[col] is not None and not _isnan(row[col]):
            return row[col]
        return None

    got = {f: pick(getattr(args, flag), f) for f, flag in _POSE_FLAGS.items()}
    missing = [f"--{_POSE_FLAGS[f]}" for f in ("heading_deg", "hfov_deg") if got[f] is None]
    lang = _lang(args)
    kw: dict[str, Any] = {
        "heading_deg": _number(got["heading_deg"], "heading_deg"),
        "mount_height_m": _number(got["mount_height_m"], "mount_height_m", 3.5),
        "tilt_deg": _number(got["tilt_deg"], "tilt_deg", 15.0),
        "hfov_deg": _number(got["hfov_deg"], "hfov_deg"),
        "width_px": w,
        "height_px": h,
        "vfov_deg": args.vfov,
    }
    position: dict[str, Any] | None = None
    if row is not None and args.lon is None and args.x is None:
        geom = row.get("geometry")
        if geom is not None and not geom.is_empty:
            position = {"lon": geom.x, "lat": geom.y}
    if position is None and (args.x is not None or args.y is not None):
        if args.x is None or args.y is None or not args.crs:
            msg = message("verify.xy_crs", lang)
            raise InputError(msg, column="x/y")
        position = {"x": args.x, "y": args.y, "crs": args.crs}
    if position is None and (args.lon is not None or args.lat is not None):
        position = {"lon": args.lon, "lat": args.lat}
    if position is None:
        missing.append(message("verify.a_position", lang))
    if missing or position is None:  # check what was given, even when the pose is incomplete
        _check_given(kw, position or {})
        return None, message("verify.missing", lang, what=", ".join(missing))
    return CameraPose(**position, **kw), None


def _number(value: Any, name: str, default: float | None = None) -> float:
    """``value`` as a float (``default`` when None; NaN when None without a default)."""
    if value is None:
        return math.nan if default is None else default
    try:
        return float(value)
    except (TypeError, ValueError):
        msg = message("verify.not_number", name=name, value=repr(value))
        raise InputError(msg, column=name, value=value) from None


def _check_given(kw: dict[str, Any], position: dict[str, Any]) -> None:
    """Raise for out-of-range values given in an incomplete pose (missing ones filled)."""
    stand_in: dict[str, Any] = {"heading_deg": 0.0, "hfov_deg": 60.0}
    filled: dict[str, Any] = {k: stand_in[k] if _isnan(v) else v for k, v in kw.items()}
    CameraPose(**{"lon": 0.0, "lat": 0.0, **position, **filled})


def _isnan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _read_targets(path: Path | None) -> gpd.GeoDataFrame | None:
    if path is None:
        return None
    if not path.exists():
        msg = message("verify.targets_missing", path=path)
        raise InputError(msg, file=path)
    gdf = gpd.read_file(path)
    if gdf.crs is None:
        msg = message("verify.targets_no_crs")
        raise InputError(msg, file=path)
    return gdf


def _targets_for(
    targets: gpd.GeoDataFrame | None, camera_id: str | None
) -> gpd.GeoDataFrame | None:
    if targets is None or "camera_id" not in targets.columns or camera_id is None:
        return targets
    return targets[targets["camera_id"].astype(str) == str(camera_id)]


def _check_one(
    args: argparse.Namespace,
    source: str,
    camera_id: str | None,
    targets: gpd.GeoDataFrame | None,
    row: Any,
    evidence: Path | None,
    register: Path | None,
) -> dict[str, Any]:
    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            msg = message("verify.no_env", _lang(args), name=args.password_env)
            raise InputError(msg)
    reference = None
    if args.reference is not None:
        reference = cv2.imread(str(args.reference))
        if reference is None:
            msg = message("verify.no_reference", _lang(args), path=args.reference)
            raise InputError(msg, file=args.reference)
    clip = capture(
        source,
        max_frames=args.frames,
        max_seconds=args.seconds,
        stride=args.stride,
        open_timeout_s=args.open_timeout,
        read_timeout_s=args.read_timeout,
        camera_id=camera_id,
        username=args.user,
        password=password,
        max_failed_logins=args.max_failed_logins,
    )
    pose, problem = _pose(args, clip.width, clip.height, row)
    route_asked = targets is not None or _pose_asked(args)
    result = verify_camera(
        clip.frames,
        pose,
        _targets_for(targets, camera_id),
        crs=args.crs,
        camera_id=camera_id,
        source=clip.source,
        reference=reference,
        level=args.level,
        evidence_path=evidence,
        register=register,
        check_route=route_asked,
        pose_problem=problem,
        lang=_lang(args),
    )
    return result.record


def _json_default(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return str(v)


def _lang(args: argparse.Namespace) -> str:
    """Return the command's language: ``--lang``, else the language in use."""
    return str(getattr(args, "lang", None) or current_lang())


def _verdict(verdict: str, args: argparse.Namespace) -> str:
    """Return the verdict as a person reads it (``ĐẠT`` / ``PASS``…); the record keeps the code."""
    key = f"verdict.{verdict}"
    return message(key, _lang(args)) if key in MESSAGES else verdict.upper()


def run(args: argparse.Namespace) -> int:
    """Run ``covplan verify``.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        0 when every camera checked passes, 1 otherwise.
    """
    targets = _read_targets(args.targets)
    if args.source is not None:
        evidence = args.evidence
        if evidence is not None and evidence.suffix.lower() != ".png":
            evidence = evidence / f"{args.camera_id or 'camera'}.png"
        record = _check_one(args, args.source, args.camera_id, targets, None, evidence, None)
        if args.json:
            print(json.dumps(record, ensure_ascii=False, default=_json_default, indent=1))
        else:
            print(f"{_verdict(record['verdict'], args)}  {record.get('source')}")
            for reason in record["reasons"]:
                print(f"  - {reason}")
            for what in record.get("not_checked", []):
                print("  - " + message("verify.not_checked", _lang(args), what=what))
        return 0 if record["verdict"] == "pass" else 1
    return _run_survey(args, targets)


def _run_survey(args: argparse.Namespace, targets: gpd.GeoDataFrame | None) -> int:
    cameras = read_survey(args.survey).cameras
    if "stream_url" not in cameras.columns:
        msg = message("verify.no_stream_url", _lang(args))
        raise InputError(msg, file=args.survey, column="stream_url")
    urls = cameras["stream_url"].fillna("").astype(str).str.strip()
    todo = cameras[urls != ""]
    records: list[dict[str, Any]] = []
    for camera_id, row in tqdm(
        todo.iterrows(),
        total=len(todo),
        desc=message("bar.verify", _lang(args)),
        unit=" " + message("bar.camera", _lang(args)),
        file=sys.stderr,
    ):
        cid = str(camera_id)
        url = str(row["stream_url"]).strip()
        evidence = args.evidence / f"{cid}.png" if args.evidence is not None else None
        register = None if args.no_record else args.survey
        try:
            record = _check_one(args, url, cid, targets, row, evidence, register)
        except (CaptureError, InputError) as err:
            not_tried = isinstance(err, NotTriedError)
            record = {
                "camera_id": cid,
                "time": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
                "source": redact_url(url),
                "verdict": "not tried" if not_tried else "fail",
                "reasons": [str(err) if not_tried else f"{type(err).__name__}: {err}"],
            }
            logger.warning("camera %s: %s", cid, record["reasons"][0])
            if not args.no_record:
                record_verification(
                    args.survey,
                    cid,
                    {k: v for k, v in record.items() if k not in ("camera_id",)}
                    | {"reasons": record["reasons"][0]},
                    status=None,
                )
        records.append(record)
    n_pass = sum(r["verdict"] == "pass" for r in records)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, default=_json_default, indent=1))
    else:
        for r in records:
            lang = _lang(args)
            why = "; ".join(
                [
                    *r["reasons"],
                    *(
                        message("verify.not_checked", lang, what=n)
                        for n in r.get("not_checked", [])
                    ),
                ]
            )
            print(f"{r['camera_id']}: {_verdict(r['verdict'], args)}  {why}")
        rest = len(cameras) - len(records)
        print(message("verify.tally", _lang(args), n_pass=n_pass, n=len(records), rest=rest))
    return 0 if records and n_pass == len(records) else 1
