"""Hand-checkable scenes for view.py, visibility.py and coverage.py (UTM 48N metres)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from covplan._errors import CRSError
from covplan.camera.spec import load_catalogue
from covplan.geometry import coverage_matrix, site_poses, view

CRS = 32648
X0, Y0 = 686_000.0, 1_193_000.0


def pose(x=0.0, y=0.0, heading=0.0, hfov=90.0, vfov=50.0, res=1920, h=3.5, tilt=15.0, bid=None):
    return dict(
        heading_deg=heading,
        hfov_deg=hfov,
        vfov_deg=vfov,
        resolution_px=res,
        mount_height_m=h,
        tilt_deg=tilt,
        building_id=bid,
        geometry=Point(X0 + x, Y0 + y),
    )


def gdf(rows):
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def targets(*xy, level="observe"):
    return gpd.GeoDataFrame(
        {"target_id": np.arange(len(xy)), "level": level},
        geometry=[Point(X0 + x, Y0 + y) for x, y in xy],
        crs=CRS,
    )


def buildings(*boxes):
    return gpd.GeoDataFrame(
        {"building_id": [f"b{i}" for i in range(len(boxes))]},
        geometry=[box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d in boxes],
        crs=CRS,
    )


def seen(tg, ps, bd=None, **kw):
    return coverage_matrix(tg, gdf(ps), bd, **kw).seen.toarray()


def test_bearing_and_heading_conventions() -> None:
    assert view.bearing_deg([0, 1, 0, -1], [1, 0, -1, 0]).tolist() == [0, 90, 180, 270]
    assert view.angle_off_heading(350.0, 10.0) == pytest.approx(20.0)


def test_just_inside_and_just_outside_the_fov_edge() -> None:
    r = 8.0
    inside = (r * math.sin(math.radians(44.9)), r * math.cos(math.radians(44.9)))
    outside = (r * math.sin(math.radians(45.1)), r * math.cos(math.radians(45.1)))
    behind = (0.0, -r)
    s = seen(targets(inside, outside, behind), [pose(heading=0.0, hfov=90.0)])
    assert s[:, 0].tolist() == [True, False, False]
    # turned to face the other way, only the one behind is seen
    s = seen(targets(inside, outside, behind), [pose(heading=180.0, hfov=90.0)])
    assert s[:, 0].tolist() == [False, False, True]


@pytest.mark.parametrize("level", ["detect", "observe", "recognise"])
def test_range_for_each_level(level) -> None:
    spec = load_catalogue()["bullet-2mp-3.6"]
    h = 3.5
    horiz = math.sqrt(spec.range_m(level) ** 2 - h**2)  # slant range → ground distance
    tg = targets((0, horiz - 0.05), (0, horiz + 0.05), level=level)
    p = pose(hfov=spec.hfov_deg, vfov=spec.vfov_deg, res=spec.resolution_px, h=h)
    cov = coverage_matrix(tg, gdf([p]), None)
    assert cov.seen.toarray()[:, 0].tolist() == [True, False]
    assert cov.px_per_m[0, 0] == pytest.approx(spec.px_per_m(math.hypot(horiz - 0.05, h)))
    assert cov.unseeable["reason"].tolist() == ["no_pose_in_range"]


def test_near_dead_zone_from_height_tilt_and_vfov() -> None:
    dead = 3.5 / math.tan(math.radians(15 + 50 / 2))  # 4.17 m
    assert view.near_dead_zone_m(3.5, 15.0, 50.0) == pytest.approx(dead)
    tg = targets((0, dead - 0.1), (0, dead + 0.1))
    s = seen(tg, [pose(h=3.5, tilt=15.0, vfov=50.0)], near_zone=False)
    assert s[:, 0].tolist() == [False, True]
    # on the ground, a person under the mount walks into the picture: seen (near zone)
    assert seen(tg, [pose(h=3.5, tilt=15.0, vfov=50.0)]).all()
    # a higher camera has a deeper dead zone; looking straight down has none
    assert view.near_dead_zone_m(6.0, 15.0, 50.0) > dead
    assert view.near_dead_zone_m(3.5, 70.0, 50.0) == 0.0
    # tilted steeply, the far edge of the picture comes in too
    far = view.far_limit_m(3.5, 40.0, 30.0)
    assert far == pytest.approx(3.5 / math.tan(math.radians(25.0)))
    s = seen(targets((0, far - 0.1), (0, far + 0.1)), [pose(tilt=40.0, vfov=30.0)])
    assert s[:, 0].tolist() == [True, False]


def test_near_zone_needs_the_camera_to_face_along_the_route() -> None:
    # a pose heading north; targets 1 m under it on a north-south route (bearing 0) and on
    # an east-west one (bearing 90): only the first walks into the picture
    tg = targets((0, 1.0), (0, -1.0), (1.0, 0), level="detect")
    tg["bearing_deg"] = [0.0, 180.0, 90.0]
    p = pose(hfov=54.0, vfov=30.0, h=3.5, tilt=15.0)  # dead zone 6.1 m
    assert seen(tg, [p])[:, 0].tolist() == [True, True, False]
    # a high level asks more than the density at the dead zone's edge gives
    tg["level"] = "identify"
    assert seen(tg, [p])[:, 0].tolist() == [True, True, False]  # 269 px/m at the edge
    assert not seen(tg, [{**p, "resolution_px": 1280}]).any()  # 179 px/m < 250
    # brute force: the density given is the one at the dead zone's edge
    tg["level"] = "detect"
    cov = coverage_matrix(tg, gdf([p]), None)
    dead = view.near_dead_zone_m(3.5, 15.0, 30.0)
    edge = 1920 / (2 * math.tan(math.radians(27.0)) * math.hypot(float(dead), 3.5))
    assert cov.px_per_m[0, 0] == pytest.approx(edge)


def test_camera_facing_a_wall_sees_nothing_behind_it() -> None:
    wall = buildings((-10, 8, 10, 12))
    tg = targets((0, 6), (0, 14), (3, 15), (-4, 13), level="detect")
    cov = coverage_matrix(tg, gdf([pose(hfov=103.0)]), wall)
    assert cov.seen.toarray()[:, 0].tolist() == [True, False, False, False]
    assert set(cov.unseeable["reason"]) == {"occluded"}
    # without the wall all four are seen
    assert seen(tg, [pose(hfov=103.0)]).all()


def test_sliver_tolerance_forgives_a_footprint_poking_into_the_alley() -> None:
    # alley along x = 0; a house footprint pokes 1 m into it between y = 5 and 15
    house = buildings((1.0, 5, 10, 15))
    tg = targets((1.5, 20), level="detect")  # the line from (0,0) grazes 0.1 m into the footprint
    assert not seen(tg, [pose()], house, sliver_tolerance_m=0.0).any()
    assert seen(tg, [pose()], house, sliver_tolerance_m=1.5).all()
    # but a real house still hides what is behind it
    assert not seen(targets((6, 20), level="detect"), [pose()], house).any()


def test_row_houses_are_one_block_no_gap_between_them() -> None:
    # two touching 4 m houses; a sight line exactly along their shared wall
    row = buildings((-4, 5, 0, 15), (0, 5, 4, 15))
    assert not seen(targets((0, 18), level="detect"), [pose()], row).any()
    assert seen(targets((0, 18), level="detect"), [pose()], None).all()


def test_camera_on_a_buildings_wall_sees_the_alley_in_front() -> None:
    house = buildings((-5, -10, 5, 0))  # front wall at y = 0, alley north of it
    tg = targets((0, 6), (3, 9), (0, -20), level="detect")
    on_wall = pose(x=0.0, y=0.0, heading=0.0, hfov=103.0, bid="b0")
    s = seen(tg, [on_wall], house)
    assert s[:, 0].tolist() == [True, True, False]
    # a surveyed camera whose point fell 3 m inside its own house still sees out
    inside = pose(x=0.0, y=-3.0, heading=0.0, hfov=103.0, bid="b0")
    assert seen(tg, [inside], house)[:2, 0].all()
    # the same point without knowing the house it is on: the house hides the alley
    anon = pose(x=0.0, y=-3.0, heading=0.0, hfov=103.0, bid=None)
    assert not seen(tg, [anon], house).any()


def test_target_inside_a_footprint_is_reported() -> None:
    house = buildings((-5, 5, 5, 15))
    cov = coverage_matrix(targets((0, 10), (0, 4.6)), gdf([pose(hfov=103.0)]), house)
    assert cov.seen.toarray()[:, 0].tolist() == [False, True]  # 0.4 m inside: a sliver
    assert cov.unseeable.to_dict("records")[0]["reason"] == "inside_building"


def test_outside_every_view_reason_and_ids_kept() -> None:
    tg = targets((0, 8), (0, -8))
    tg["target_id"] = [101, 202]
    ps = gdf([pose(heading=0.0)])
    ps.index = [7]
    cov = coverage_matrix(tg, ps, None)
    assert cov.target_ids.tolist() == [101, 202] and cov.pose_ids.tolist() == [7]
    assert cov.unseeable.to_dict("records") == [
        {"target_id": 202, "reason": "outside_every_view", "n_in_range": 1, "n_in_view": 0}
    ]


def test_crs_is_checked_and_projected_explicitly() -> None:
    tg = targets((0, 8))
    ps = gdf([pose()])
    with pytest.raises(CRSError, match="degrees"):
        coverage_matrix(tg.to_crs(4326), ps.to_crs(4326), None)
    with pytest.raises(CRSError, match="no CRS"):
        coverage_matrix(tg.set_crs(None, allow_override=True), ps, None)
    a = coverage_matrix(tg.to_crs(4326), ps.to_crs(4326), None, crs=CRS).seen.toarray()
    assert a.tolist() == [[True]]


def test_site_poses_cover_every_heading_and_wall_sites_face_out() -> None:
    specs = load_catalogue()
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["p", "w"],
            "mount_height_m": [3.5, 4.0],
            "building_id": [None, "b0"],
            "outward_deg": [np.nan, 0.0],
        },
        geometry=[Point(X0, Y0), Point(X0 + 20, Y0)],
        crs=CRS,
    )
    ps = site_poses(sites, specs, headings=8)
    n_rect = sum(s.hfov_deg < 360 for s in specs.values())
    n_fish = len(specs) - n_rect
    assert (ps["site_id"] == "p").sum() == n_rect * 8 + n_fish
    wall = ps[ps["site_id"] == "w"]
    assert set(wall["heading_deg"]) == {0.0, 45.0, 90.0, 270.0, 315.0}
    assert (wall["building_id"] == "b0").all() and ps.index.name == "pose_id"
    assert (ps["cost"] == ps["spec_id"].map({k: s.price_vnd for k, s in specs.items()})).all()


def test_view_math_is_vectorised_and_matches_scalars() -> None:
    rng = np.random.default_rng(0)
    dx, dy = rng.uniform(-30, 30, (2, 500))
    ok, dens = view.in_view(
        dx,
        dy,
        heading_deg=45.0,
        hfov_deg=90.0,
        vfov_deg=50.0,
        resolution_px=1920,
        mount_height_m=3.5,
        tilt_deg=15.0,
        px_per_m_required=62.5,
    )
    for i in range(0, 500, 37):
        ok_i, dens_i = view.in_view(
            dx[i],
            dy[i],
            heading_deg=45.0,
            hfov_deg=90.0,
            vfov_deg=50.0,
            resolution_px=1920,
            mount_height_m=3.5,
            tilt_deg=15.0,
            px_per_m_required=62.5,
        )
        assert bool(ok_i) == ok[i] and float(dens_i) == dens[i]
    assert 0 < ok.sum() < 500
