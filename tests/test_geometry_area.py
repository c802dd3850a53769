"""Targets, sites, existing coverage and view polygons on the embedded demo ward."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import covplan
from covplan import datasets, settings
from covplan.camera.spec import load_catalogue
from covplan.geometry import (
    camera_poses,
    candidate_sites,
    coverage_matrix,
    existing_coverage,
    sample_targets,
    site_poses,
    view_polygons,
)


@pytest.fixture(scope="module")
def area():
    return covplan.area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )


@pytest.fixture(scope="module")
def targets(area):
    return sample_targets(area)


def test_targets_follow_the_interface_and_spacing(area, targets) -> None:
    cols = ["target_id", "route_id", "group_id", "kind", "weight", "k_required", "level"]
    assert list(targets.columns[: len(cols)]) == cols and targets.crs.to_epsg() == 4326
    assert set(targets["kind"]) <= {"along", "end", "intersection"}
    planned = set(area.routes.index[area.routes["planned"]])
    assert set(targets["route_id"]) == planned
    along = targets[targets["kind"] == "along"]
    # the ward's rule: detect along alleys, branch alleys and paths, observe on streets
    kind = along["route_id"].map(area.routes["kind"])
    expected = kind.map(settings.default_level_by_kind)
    assert (along["level"] == expected).all()
    assert set(along["level"]) == {"detect", "observe"}
    # the route's direction at each along-target (0–180°), none at the nodes
    assert along["bearing_deg"].between(0, 180).all()
    assert targets.loc[targets["kind"] != "along", "bearing_deg"].isna().all()
    assert (targets.loc[targets["kind"] != "along", "level"] == "recognise").all()
    assert along["weight"].max() <= 5.0 + 1e-9
    # along-targets stand for the whole planned length
    length = area.metric("routes").loc[list(planned)].length.sum()
    assert along["weight"].sum() == pytest.approx(length, rel=1e-6)
    # consecutive along-targets of one line are at most 5 m apart
    tm = along.to_crs(area.crs)
    for (_, _), g in tm.groupby(["route_id", "part"]):
        pts = g.sort_values("measure_m").geometry
        if len(pts) > 1:
            gaps = shapely.distance(pts.to_numpy()[1:], pts.to_numpy()[:-1])
            assert gaps.max() <= 5.0 + 1e-6
    ends = targets[targets["kind"] == "end"]
    assert len(ends) > 0 and (ends["k_required"] == 1).all()
    assert (sample_targets(area, k_at_ends=2).query("kind != 'along'")["k_required"] == 2).all()
    assert len(sample_targets(area, spacing_m=10)) < len(targets)


def test_candidate_sites(area) -> None:
    sites = candidate_sites(area)
    assert sites["site_id"].is_unique
    assert {"pole", "street_lamp", "alley_end", "bend", "filler"} <= set(sites["kind"])
    assert (sites["capacity"] == 2).all()
    # every site has a mount; a wall on a mapped house names it
    assert sites["mount"].isin(["pole", "street_lamp", "wall", "gate", "new_pole"]).all()
    assert (sites.loc[sites["kind"] == "pole", "mount"] == "pole").all()
    walls = sites[(sites["mount"] == "wall") & sites["building_id"].notna()]
    bm = area.metric("buildings").set_index("building_id")
    sm = walls.to_crs(area.crs)
    d = [
        bm.loc[b].geometry.distance(p)
        for b, p in zip(walls["building_id"], sm.geometry, strict=True)
    ]
    assert len(d) > 0 and max(d) <= 6.0 + 1e-6
    # fillers never crowd an alley end, junction or pole (3 m apart at least)
    fill = sites[sites["kind"] == "filler"].to_crs(area.crs)
    firm = sites[~sites["kind"].isin(["filler", "bend"])].to_crs(area.crs)
    gap = shapely.distance(
        fill.geometry.to_numpy()[:, None], firm.geometry.to_numpy()[None, :]
    ).min(axis=1)
    assert gap.min() >= 3.0 - 1e-6
    zone = area.boundary.centroid.buffer(0.0008)
    fewer = candidate_sites(area, forbidden=zone)
    assert 0 < len(fewer) < len(sites)
    assert not shapely.intersects(zone, fewer.geometry.to_numpy()).any()
    extra = sites.iloc[:2][["geometry"]].copy()
    extra["site_id"] = ["mine-1", "mine-2"]
    more = candidate_sites(area, extra=extra, capacity=1)
    assert {"mine-1", "mine-2"} <= set(more["site_id"]) and (more["capacity"] == 1).all()


def test_every_demo_target_is_seeable_by_some_new_pose(area, targets) -> None:
    poses = site_poses(candidate_sites(area), load_catalogue())
    cov = coverage_matrix(targets, poses, area.buildings, crs=area.crs)
    assert cov.shape == (len(targets), len(poses))
    counts = cov.cover_count()
    assert (counts > 0).sum() == len(targets) - len(cov.unseeable)
    assert set(cov.unseeable["reason"]) <= {
        "inside_building",
        "no_pose_in_range",
        "outside_every_view",
        "occluded",
    }
    # a fixed seed of sanity: pixel densities of seen pairs meet each target's level
    thr = targets["level"].map(settings.dori_px_per_m).to_numpy()
    coo = cov.px_per_m.tocoo()
    assert (coo.data >= thr[coo.row]).all()


def test_existing_cameras_as_they_are(area, targets) -> None:
    survey = covplan.read_survey(datasets.get_path("demo-survey.csv"), area=area)
    poses = camera_poses(survey.cameras, buildings=area.buildings, crs=area.crs)
    assert (poses["source"] == "keep").all() and (poses["cost"] == 0).all()
    ex = existing_coverage(targets, poses, area.buildings, area.routes, crs=area.crs)
    seen_any = ex.coverage.cover_count() > 0
    assert ex.targets["seen"].to_numpy().tolist() == seen_any.tolist()
    assert 0 < ex.by_route["share_seen"].max() and ex.by_route["share_seen"].min() >= 0
    assert ex.by_route["n_targets"].sum() == len(targets)
    assert set(ex.by_group["group_id"]) == set(targets["group_id"].dropna())
    # gaps are on the routes and add up to the unseen along-length
    along = ex.targets[ex.targets["kind"] == "along"]
    unseen_m = along.loc[~along["seen"], "weight"].sum()
    assert ex.gaps["length_m"].sum() == pytest.approx(unseen_m, rel=1e-6)
    assert (ex.gaps.geometry.geom_type == "LineString").all()


def test_view_polygons_are_cut_by_buildings(area) -> None:
    sites = candidate_sites(area).iloc[:30]
    poses = site_poses(sites, [load_catalogue()["bullet-2mp-2.8"]], headings=4)
    open_ = view_polygons(poses, None, crs=area.crs).to_crs(area.crs)
    cut = view_polygons(poses, area.buildings, crs=area.crs).to_crs(area.crs)
    assert (cut.index == poses.index).all()
    a0, a1 = open_.geometry.area.to_numpy(), cut.geometry.area.to_numpy()
    assert (a1 <= a0 + 1e-6).all() and (a1 < a0 - 1).any()
    # no view polygon goes deep into a building
    from covplan.geometry.coverage import occluders_for

    occ = occluders_for(area.buildings, crs=area.crs)
    deep = shapely.intersection(shapely.union_all(occ.blocks), shapely.union_all(cut.geometry))
    assert deep.area < 0.01 * shapely.union_all(cut.geometry).area  # ray-step corners only
    assert np.all(cut["range_m"] > cut["dead_zone_m"])
