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
from covplan.check.capture import capture
from covplan.check.verify import CameraPose, verify_camera
from covplan.survey import read_survey, record_verification

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check a camera's live picture: is the route in view, well enough?",
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
    p.add_argument("--evidence", type=Path, help="evidence PNG (one camera) or folder (--survey)")
    p.add_argument(
        "--no-record", action="store_true", help="with --survey: do not write the register"
    )
    p.add_argument("--json", action="store_true", help="print the record(s) as JSON on stdout")
    p.set_defaults(func=run)


def _pose(args: argparse.Namespace, w: int, h: int, row: Any = None) -> CameraPose | None:
    def pick(arg: Any, col: str) -> Any:
        if arg is not None:
            return arg
        if row is not None and col in row and row[col] is not None and not _isnan(row[col]):
            return row[col]
        return None

    heading = pick(args.heading, "heading_deg")
    hfov = pick(args.hfov, "hfov_deg")
    if heading is None or hfov is None:
        return None
    kw: dict[str, Any] = {
        "heading_deg": float(heading),
        "mount_height_m": float(pick(args.height, "mount_height_m") or 3.5),
        "tilt_deg": float(pick(args.tilt, "tilt_deg") or 15.0),
        "hfov_deg": float(hfov),
        "width_px": w,
        "height_px": h,
        "vfov_deg": args.vfov,
    }
    if row is not None and args.lon is None and args.x is None:
        geom = row.get("geometry")
        if geom is not None and not geom.is_empty:
            return CameraPose(lon=geom.x, lat=geom.y, **kw)
    if args.x is not None and args.y is not None:
        if not args.crs:
            msg = "--x/--y need --crs (a metric CRS such as EPSG:32648)"
            raise InputError(msg)
        return CameraPose(x=args.x, y=args.y, crs=args.crs, **kw)
    if args.lon is not None and args.lat is not None:
        return CameraPose(lon=args.lon, lat=args.lat, **kw)
    return None


def _isnan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _read_targets(path: Path | None) -> gpd.GeoDataFrame | None:
    if path is None:
        return None
    if not path.exists():
        msg = f"targets file {path} not found; give the plan's targets (GeoJSON or GeoPackage)"
        raise InputError(msg, file=path)
    gdf = gpd.read_file(path)
    if gdf.crs is None:
        msg = "the targets file has no CRS; save it in EPSG:4326"
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
            msg = f"environment variable {args.password_env} is not set"
            raise InputError(msg)
    reference = None
    if args.reference is not None:
        reference = cv2.imread(str(args.reference))
        if reference is None:
            msg = f"cannot read the reference image {args.reference}"
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
    )
    pose = _pose(args, clip.width, clip.height, row)
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
    )
    return result.record


def _json_default(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return str(v)


def run(args: argparse.Namespace) -> int:
    targets = _read_targets(args.targets)
    if args.source is not None:
        evidence = args.evidence
        if evidence is not None and evidence.suffix.lower() != ".png":
            evidence = evidence / f"{args.camera_id or 'camera'}.png"
        record = _check_one(args, args.source, args.camera_id, targets, None, evidence, None)
        if args.json:
            print(json.dumps(record, ensure_ascii=False, default=_json_default, indent=1))
        else:
            print(f"{record['verdict'].upper()}  {record.get('source')}")
            for reason in record["reasons"]:
                print(f"  - {reason}")
        return 0 if record["verdict"] == "pass" else 1
    return _run_survey(args, targets)


def _run_survey(args: argparse.Namespace, targets: gpd.GeoDataFrame | None) -> int:
    cameras = read_survey(args.survey).cameras
    if "stream_url" not in cameras.columns:
        msg = (
            "the register has no stream_url column; "
            "add the credential-free stream URL of each camera"
        )
        raise InputError(msg, file=args.survey, column="stream_url")
    urls = cameras["stream_url"].fillna("").astype(str).str.strip()
    todo = cameras[urls != ""]
    records: list[dict[str, Any]] = []
    for camera_id, row in tqdm(
        todo.iterrows(), total=len(todo), desc="verify", unit="camera", file=sys.stderr
    ):
        cid = str(camera_id)
        url = str(row["stream_url"]).strip()
        evidence = args.evidence / f"{cid}.png" if args.evidence is not None else None
        register = None if args.no_record else args.survey
        try:
            record = _check_one(args, url, cid, targets, row, evidence, register)
        except (CaptureError, InputError) as err:
            record = {
                "camera_id": cid,
                "time": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
                "source": redact_url(url),
                "verdict": "fail",
                "reasons": [f"{type(err).__name__}: {err}"],
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
            print(f"{r['camera_id']}: {r['verdict'].upper()}  {'; '.join(r['reasons'])}")
        print(
            f"{n_pass} of {len(records)} cameras pass "
            f"({len(cameras) - len(records)} without a stream)"
        )
    return 0 if records and n_pass == len(records) else 1
