"""Verification on a synthetic scene rendered from a known pose: the projected route lands on the
rendered road, motion on it is found, and a wrong pose fails."""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import cv2
import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from covplan._errors import CRSError, InputError
from covplan.check.verify import CameraPose, motion_heat, project_points, verify_camera
from covplan.vocab.messages import use_lang

UTM = "EPSG:32648"
ORIGIN = (750_000.0, 1_820_000.0)  # near Huế, UTM 48N
ROAD_X = 3.0  # road centre line, metres east of the camera, running north
ROAD_HALF_M = 2.5
W, H = 480, 270


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


def pose(**kw: float) -> CameraPose:
    base = {"heading_deg": 8.0, "mount_height_m": 5.0, "tilt_deg": 18.0, "hfov_deg": 70.0}
    base.update(kw)
    return CameraPose(width_px=W, height_px=H, x=ORIGIN[0], y=ORIGIN[1], crs=UTM, **base)


def render(p: CameraPose, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Ray-cast the ground plane: textured grass, a road strip with dashes, cars moving north."""
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    right, down, forward = p.axes()
    fx, fy = p.focal_px
    d = (
        right[None, None] * ((u - W / 2) / fx)[..., None]
        + down[None, None] * ((v - H / 2) / fy)[..., None]
        + forward[None, None]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        s = p.mount_height_m / -d[..., 2]
    ground = s > 0
    gx = np.where(ground, s * d[..., 0], np.nan)  # east of the camera
    gy = np.where(ground, s * d[..., 1], np.nan)  # north of the camera
    road = ground & (np.abs(gx - ROAD_X) < ROAD_HALF_M)
    img = np.zeros((H, W, 3), np.float32)
    img[:] = (235, 206, 135)  # sky
    grass = 0.5 + 0.25 * np.sin(gx * 3.1) * np.cos(gy * 2.3) + 0.15 * np.sin(gy * 7.7)
    img[ground] = np.stack([40 * grass, 140 * grass, 60 * grass], -1)[ground]
    tex = 85 + 12 * np.sin(gx * 11.0) * np.sin(gy * 13.0)
    img[road] = np.stack([tex, tex, tex], -1)[road]
    dash = road & (np.abs(gx - ROAD_X) < 0.08) & (np.mod(gy, 6.0) < 3.0)
    img[dash] = 230
    for k, lane in enumerate((-1.1, 1.1)):
        for start in (4.0, 21.0, 38.0):
            cy = 5.0 + np.mod(start + 12.0 * t * (1 if k == 0 else 1.3), 45.0)
            car = ground & (np.abs(gx - (ROAD_X + lane)) < 0.9) & (np.abs(gy - cy) < 2.0)
            img[car] = (30, 30, 170)
    return img.clip(0, 255).astype(np.uint8), road


def targets(ys: np.ndarray, x: float = ROAD_X) -> gpd.GeoDataFrame:
    pts = [Point(ORIGIN[0] + x, ORIGIN[1] + y) for y in ys]
    gdf = gpd.GeoDataFrame(
        {"target_id": np.arange(len(ys)), "route_id": "kiet-12"}, geometry=pts, crs=UTM
    )
    gdf.index = gdf.index + 100  # outputs keep the input index
    return gdf.to_crs("EPSG:4326")


@pytest.fixture(scope="module")
def scene() -> tuple[list[np.ndarray], np.ndarray]:
    p = pose()
    frames = []
    road = None
    for i in range(32):
        f, road = render(p, i / 6)
        frames.append(f)
    assert road is not None
    return frames, road


def test_projection_by_hand() -> None:
    p = pose(heading_deg=0.0, tilt_deg=0.0)
    # a point straight ahead at lens height projects to the centre
    uv, depth, slant = project_points(p, np.array([[0.0, 10.0]]), origin=(0.0, 0.0), z=5.0)
    assert uv[0] == pytest.approx([W / 2, H / 2]) and depth[0] == pytest.approx(10.0)
    # 10 m ahead and 10 m right at a 90° fov lands on the right edge
    p90 = pose(heading_deg=0.0, tilt_deg=0.0, hfov_deg=90.0)
    uv, _, _ = project_points(p90, np.array([[10.0, 10.0]]), origin=(0.0, 0.0), z=5.0)
    assert uv[0, 0] == pytest.approx(W)
    # ground below the horizon is below the centre; behind the camera is NaN
    uv, _, slant = project_points(p, np.array([[0.0, 10.0], [0.0, -10.0]]), origin=(0.0, 0.0))
    assert uv[0, 1] > H / 2 and np.isnan(uv[1]).all()
    assert slant[0] == pytest.approx(math.hypot(10, 5))
    # heading 90° (east): a point to the east is straight ahead
    uv, _, _ = project_points(
        pose(heading_deg=90.0, tilt_deg=0.0), np.array([[10.0, 0.0]]), origin=(0.0, 0.0), z=5.0
    )
    assert uv[0] == pytest.approx([W / 2, H / 2])


def test_projected_route_lands_on_the_rendered_road(
    scene: tuple[list[np.ndarray], np.ndarray], tmp_path: Path
) -> None:
    frames, road = scene
    tg = targets(np.arange(6.0, 40.0, 2.0))
    res = verify_camera(
        frames, pose(), tg, camera_id="K-12", source="rtsp://admin:pw@10.0.0.9/x",
        evidence_path=tmp_path / "K-12.png",
    )  # fmt: skip
    t = res.targets
    assert list(t.index) == list(tg.index)
    assert t["in_frame"].all()
    on_road = road[t["v"].astype(int), t["u"].astype(int)]
    assert on_road.all()
    # and the centre line: the painted dashes are within a couple of pixels of the points
    assert res.record["share_in_frame"] == 1.0
    assert res.record["share_in_motion"] >= 0.75
    assert res.record["verdict"] == "pass", res.record["reasons"]
    assert res.record["px_per_m_nearest"] > res.record["px_per_m_farthest"] > 0
    fx = (W / 2) / math.tan(math.radians(35))
    assert res.record["px_per_m_farthest"] == pytest.approx(fx / res.record["farthest_m"], rel=0.01)
    assert "pw" not in json.dumps(res.record) and res.record["source"].startswith(
        "rtsp://admin:***@"
    )
    png = cv2.imread(str(tmp_path / "K-12.png"))
    assert png is not None and png.shape == (H, W, 3)
    # points off the road (on grass, 6 m east) project off the rendered road
    off = verify_camera(frames, pose(), targets(np.arange(6.0, 30.0, 2.0), x=ROAD_X + 6.0))
    seen = off.targets[off.targets["in_frame"]]
    assert len(seen) >= 5
    assert not road[seen["v"].astype(int), seen["u"].astype(int)].any()
    assert off.record["verdict"] == "fail"
    assert any("motion is seen on only" in r for r in off.record["reasons"])


def test_wrong_heading_fails(scene: tuple[list[np.ndarray], np.ndarray]) -> None:
    frames, _ = scene
    res = verify_camera(frames, pose(heading_deg=70.0), targets(np.arange(6.0, 40.0, 2.0)))
    assert res.record["verdict"] == "fail"
    assert res.record["share_in_frame"] < 0.8 or res.record["share_in_motion"] < 0.5
    assert res.record["reasons"]


def test_density_level_and_static_clip(scene: tuple[list[np.ndarray], np.ndarray]) -> None:
    frames, _ = scene
    tg = targets(np.arange(6.0, 40.0, 2.0))
    tg["level"] = "identify"  # 250 px/m: far beyond a 480-px-wide camera
    res = verify_camera(frames, pose(), tg)
    assert res.record["verdict"] == "fail"
    assert any("below their DORI level" in r for r in res.record["reasons"])
    assert res.record["share_at_level"] < 0.5
    still = verify_camera(
        [frames[0]] * 2 + [frames[0].copy() for _ in range(6)], pose(), tg.drop(columns="level")
    )
    assert any("no motion" in r for r in still.record["reasons"])


def test_motion_heat_finds_the_cars(scene: tuple[list[np.ndarray], np.ndarray]) -> None:
    frames, road = scene
    heat = motion_heat(frames)
    moving = heat > 0.02
    assert moving.any()
    assert (moving & road).sum() / moving.sum() > 0.9


def test_record_in_register(
    scene: tuple[list[np.ndarray], np.ndarray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from covplan.survey import read_survey
    from covplan.survey.register import verifications_path

    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))
    src = Path(__file__).parent / "input_data" / "survey" / "demo-survey.csv"
    reg = tmp_path / "survey.csv"
    shutil.copy(src, reg)
    cam = str(read_survey(reg).cameras.index[0])
    frames, _ = scene
    verify_camera(
        frames,
        pose(),
        targets(np.arange(6.0, 40.0, 2.0)),
        camera_id=cam,
        source="rtsp://admin:topsecret@10.1.1.1/live",
        register=reg,
    )
    assert read_survey(reg).cameras.loc[cam, "status"] == "verified"
    with open(verifications_path(reg), encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[-1]["camera_id"] == cam and rows[-1]["verdict"] == "pass"
    assert float(rows[-1]["share_in_frame"]) == 1.0
    assert "topsecret" not in verifications_path(reg).read_text(encoding="utf-8-sig")


def test_bad_inputs(scene: tuple[list[np.ndarray], np.ndarray]) -> None:
    frames, _ = scene
    with pytest.raises(InputError, match="hfov_deg"):
        pose(hfov_deg=200.0)
    with pytest.raises(InputError, match="position"):
        CameraPose(
            heading_deg=0, mount_height_m=4, tilt_deg=10, hfov_deg=60, width_px=W, height_px=H
        )
    tg = targets(np.arange(6.0, 10.0, 2.0)).set_crs(None, allow_override=True)
    with pytest.raises(CRSError):
        verify_camera(frames[:4], pose(), tg)
    with pytest.raises(InputError, match="camera_id"):
        verify_camera(frames[:4], pose(), None, register="x.csv")
