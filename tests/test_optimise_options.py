"""Poses from surveyed cameras, and phased plans."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from covplan.optimise.options import POSE_COLUMNS, camera_poses
from covplan.optimise.phases import assign_phases, plan_phases


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
    poses = camera_poses(cameras(), headings=8, reaim_cost_vnd=200_000)
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
    poses = camera_poses(cams, headings=8)
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
    # t0 in the pilot, t1 in phase 1. The pilot's cheapest plan is pose 0; phase 1
    # must keep it and add pose 1, though pose 1 alone would see both.
    A = np.array([[1, 1], [0, 1]])
    plans = plan_phases(A, np.array([0, 1]), cost=[1.0, 2.0])
    assert plans[0].selected.tolist() == [True, False]
    assert plans[1].selected.tolist() == [True, True]
    assert np.all(plans[1].cover_count >= 1)
