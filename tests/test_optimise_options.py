"""Poses from surveyed cameras (phased plans: tests/test_phasing.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from covplan import InputError
from covplan.camera.spec import load_catalogue
from covplan.geometry import camera_poses
from covplan.optimise import poses_from
from covplan.optimise.options import POSE_COLUMNS


def cameras():
    return gpd.GeoDataFrame(
        {
            "camera_id": ["a", "b", "c", "d"],
            "heading_deg": [10.0, 90.0, 45.0, np.nan],
            "adjustable": ["yes", "no", "yes", "yes"],
            "participates": [True, True, False, True],
            "hfov_deg": [90.0, 80.0, 90.0, 100.0],
            "resolution_px": [1920, 1280, 1920, 2560],
            "mount_height_m": [3.0, 2.5, 3.0, 3.0],
            "tilt_deg": [15.0, 15.0, 15.0, 15.0],
        },
        geometry=[Point(0, 0), Point(10, 0), Point(20, 0), Point(30, 0)],
        crs=32648,
    )


def test_camera_poses_keep_reaim_rules():
    poses = camera_poses(cameras(), reaim=True, headings=8, reaim_cost_vnd=200_000)
    assert set(POSE_COLUMNS) <= set(poses.columns) and poses.index.name == "pose_id"
    by = poses.groupby("camera_id")["source"].value_counts().unstack(fill_value=0)
    assert by.loc["a", "keep"] == 1 and by.loc["a", "reaim"] == 8  # 10° is no heading
    assert by.loc["b", "keep"] == 1 and by.loc["b"].get("reaim", 0) == 0  # unwilling
    assert "c" not in by.index  # does not participate
    assert by.loc["d"].get("keep", 0) == 0 and by.loc["d", "reaim"] == 8  # direction unknown
    assert (poses.loc[poses.source == "keep", "cost"] == 0).all()
    assert (poses.loc[poses.source == "reaim", "cost"] == 200_000).all()
    assert poses.loc[poses.camera_id == "b", "heading_deg"].tolist() == [90.0]
    assert poses.crs.to_epsg() == 32648


def test_reaim_skips_the_current_heading():
    cams = cameras().iloc[[0]].assign(heading_deg=45.0)
    poses = camera_poses(cams, reaim=True, headings=8)
    assert (poses.source == "reaim").sum() == 7


def on_a_wall():
    """A camera 0.05 m outside a 10 m × 10 m house (mounted on its wall), and a site."""
    house = gpd.GeoDataFrame({"building_id": ["house-7"]}, geometry=[box(0, 0, 10, 10)], crs=32648)
    cams = gpd.GeoDataFrame(
        {
            "camera_id": ["k1", "k2"],
            "heading_deg": [180.0, 0.0],
            "adjustable": ["yes", "no"],
            "participates": [True, True],
            "hfov_deg": [90.0, 90.0],
            "resolution_px": [1920, 1920],
        },
        geometry=[Point(5, -0.05), Point(40, 40)],
        crs=32648,
    )
    sites = gpd.GeoDataFrame(
        {"site_id": ["p1"], "kind": ["pole"], "capacity": [2], "mount_height_m": [4.0],
         "building_id": [None]},
        geometry=[Point(20, -5)],
        crs=32648,
    )  # fmt: skip
    return house, cams.to_crs(4326), sites.to_crs(4326)


def test_poses_from_matches_a_surveyed_camera_to_its_building():
    house, cams, sites = on_a_wall()
    spec = {"bullet-2mp-2.8": load_catalogue()["bullet-2mp-2.8"]}
    poses = poses_from(cams, sites, spec, headings=4, buildings=house)
    k1 = poses[poses["camera_id"] == "k1"]
    assert len(k1) == 4 and set(k1["source"]) == {"keep", "reaim"}  # 180° is a heading
    assert (k1["building_id"] == "house-7").all()
    assert poses.loc[poses["camera_id"] == "k2", "building_id"].isna().all()  # free-standing
    assert poses.loc[poses["source"] == "new", "building_id"].isna().all()
    assert list(poses.index) == list(range(len(poses))) and poses.crs == sites.crs


def test_poses_from_fov_override_sets_new_cameras_only():
    house, cams, sites = on_a_wall()
    spec = {"bullet-2mp-2.8": load_catalogue()["bullet-2mp-2.8"]}
    poses = poses_from(cams, sites, spec, headings=4, buildings=house, hfov_deg=60)
    new = poses["source"] == "new"
    assert (poses.loc[new, "hfov_deg"] == 60.0).all() and poses.loc[new, "vfov_deg"].isna().all()
    assert (poses.loc[~new, "hfov_deg"] == 90.0).all()  # surveyed cameras keep their lens
    with pytest.raises(InputError):
        poses_from(None, sites, spec, hfov_deg=0)
