"""Poses from surveyed cameras, and phased plans."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from covplan import InputError
from covplan.camera.spec import load_catalogue
from covplan.geometry import camera_poses
from covplan.optimise import poses_from, solve_in_phases
from covplan.optimise.options import POSE_COLUMNS
from covplan.optimise.phases import assign_phases


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


def test_assign_phases_pilot_and_per_group():
    t = pd.DataFrame(
        {
            "route_id": ["r1"] * 5 + ["r2"] * 3 + ["r3"] * 2 + ["r4"] * 4,
            "group_id": ["g1"] * 10 + ["g2"] * 4,
        }
    )
    phase = assign_phases(t, per_group=1)
    assert phase[t.route_id == "r1"].eq(0).all()  # longest alley: the pilot
    assert phase[t.route_id == "r4"].eq(1).all()  # g2's top alley
    assert phase[t.route_id.isin(["r2", "r3"])].eq(2).all()


def test_phases_keep_earlier_cameras():
    # t0 in the pilot (route r1), t1 in phase 1 (r2). The pilot's cheapest plan is pose
    # 0; phase 1 must keep it and add pose 1, though pose 1 alone would see both.
    A = np.array([[1, 1], [0, 1]])
    targets = gpd.GeoDataFrame(
        {"target_id": [0, 1], "route_id": ["r1", "r2"], "group_id": ["g", "g"], "k_required": 1},
        geometry=[Point(0, 0), Point(5, 0)],
        crs=32648,
    )
    assert assign_phases(targets).tolist() == [0, 1]
    poses = gpd.GeoDataFrame(
        {
            "source": "new",
            "camera_id": None,
            "site_id": ["s0", "s1"],
            "cost": [1.0, 2.0],
        },
        geometry=[Point(0, 1), Point(5, 1)],
        crs=32648,
    )
    sites = pd.DataFrame({"site_id": ["s0", "s1"], "capacity": [1, 1]})
    model, phase = solve_in_phases(targets, poses, A, sites=sites)
    assert model.selected.tolist() == [True, True]
    assert phase == [0, 1]
    assert np.all(model.cover_count >= 1)
    # alone, phase 1's plan would be pose 1 only: the pilot's camera is what keeps pose 0
    alone, _ = solve_in_phases(targets.assign(route_id="r1"), poses, A, sites=sites)
    assert alone.selected.tolist() == [False, True]


def test_phases_turn_a_kept_camera_later_and_respect_forbidden_sites():
    # camera c keeps (sees t0, the pilot); phase 1 needs t1, seen by c's re-aim or a
    # new camera at s1, which is forbidden: c turns in phase 1 and keeps phase 1's label
    A = np.array([[1, 1, 0], [0, 1, 1]])
    targets = gpd.GeoDataFrame(
        {"target_id": [0, 1], "route_id": ["r1", "r2"], "group_id": "g", "k_required": 1},
        geometry=[Point(0, 0), Point(5, 0)],
        crs=32648,
    )
    poses = gpd.GeoDataFrame(
        {
            "source": ["keep", "reaim", "new"],
            "camera_id": ["c", "c", None],
            "site_id": [None, None, "s1"],
            "cost": [0.0, 2e5, 1.5e6],
        },
        geometry=[Point(0, 1)] * 2 + [Point(5, 1)],
        crs=32648,
    )
    sites = pd.DataFrame({"site_id": ["s1"], "capacity": [1]})
    model, phase = solve_in_phases(targets, poses, A, sites=sites, forbidden_sites=["s1"])
    assert model.selected.tolist() == [False, True, False]
    assert phase == [None, 1, None]


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
