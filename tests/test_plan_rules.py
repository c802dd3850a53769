"""The ward's rules on hand-made areas whose right answer is known (issue 12).

- a straight 100 m kiệt gets two new cameras, one at each end;
- an L-shaped kiệt with long legs gets a camera at the bend;
- a block between two alleys that the map does not draw hides one alley from the
  other (sight lines stay in the route corridors) — checked against brute force;
- a camera covers the ground under its own mount (a person walks past it), so it
  needs no twin.

No building is mapped in these areas, as in most of Vietnam's OpenStreetMap.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from handmade import Way, local_xy, write_osm

import covplan
from covplan import settings
from covplan.area.corridor import corridor
from covplan.geometry import view_polygons
from covplan.plan import PlanOptions, plan_ward
from covplan.plan.stages import build_layers


def _new_xy(plan: covplan.Plan) -> np.ndarray:
    new = plan.chosen[plan.chosen["source"] == "new"]
    return np.array([local_xy(p.x, p.y) for p in new.geometry])


def _rid(area: covplan.Area, name: str) -> str:
    r = area.routes
    return str(r.index[r["name"] == name][0])


def _near(xy: np.ndarray, point: tuple[float, float], within_m: float) -> int:
    return int((np.hypot(xy[:, 0] - point[0], xy[:, 1] - point[1]) <= within_m).sum())


@pytest.fixture
def straight(tmp_path: Path) -> Path:
    # a busy street along y = 0 (secondary: left to the city's cameras) and a 100 m
    # kiệt running north from it to a dead end
    nodes = {1: (-100.0, 0.0), 2: (0.0, 0.0), 3: (100.0, 0.0), 4: (0.0, 50.0), 5: (0.0, 100.0)}
    ways: list[Way] = [
        ([1, 2, 3], {"highway": "secondary", "name": "Đường Lớn"}),
        ([2, 4, 5], {"highway": "residential", "name": "Kiệt 7 Đường Lớn"}),
    ]
    return write_osm(tmp_path / "straight.osm", nodes, ways)


def test_a_straight_100_m_kiet_gets_two_cameras_at_its_ends(straight: Path) -> None:
    area = covplan.area_from_xml(straight)
    assert list(area.planned_routes["kind"]) == ["alley"]
    plan = plan_ward(area)
    xy = _new_xy(plan)
    assert len(xy) == 2, xy
    assert _near(xy, (0.0, 0.0), 5.0) == 1  # the mouth (đầu kiệt)
    assert _near(xy, (0.0, 100.0), 5.0) == 1  # the dead end (cuối kiệt)
    assert plan.summary["coverage"]["overall"] == 1.0
    assert plan.summary["proven"]


def test_without_the_near_zone_a_camera_needs_a_twin(straight: Path) -> None:
    # the old model: the ground under a mount is unseen, so each end needs a second
    # camera a few metres away looking back at it
    area = covplan.area_from_xml(straight)
    honest = plan_ward(area).summary["new_cameras"]
    blind_feet = plan_ward(area, near_zone=False).summary["new_cameras"]
    assert honest == 2
    assert blind_feet > honest


@pytest.fixture
def ell(tmp_path: Path) -> Path:
    # an L: 120 m north from a busy street, then 120 m east to a dead end; a camera at
    # either end sees at most ~98 m up its leg (4 MP, 6 mm, detect), never round the bend
    nodes = {1: (-60.0, 0.0), 2: (0.0, 0.0), 3: (60.0, 0.0), 4: (0.0, 120.0), 5: (120.0, 120.0)}
    ways: list[Way] = [
        ([1, 2, 3], {"highway": "secondary", "name": "Đường Lớn"}),
        ([2, 4, 5], {"highway": "residential", "name": "Kiệt 9 Đường Lớn"}),
    ]
    return write_osm(tmp_path / "ell.osm", nodes, ways)


def test_an_l_shaped_kiet_gets_a_camera_at_the_bend(ell: Path) -> None:
    area = covplan.area_from_xml(ell)
    plan = plan_ward(area)
    xy = _new_xy(plan)
    assert len(xy) == 3, xy
    assert _near(xy, (0.0, 120.0), 3.0) == 1, xy  # the bend
    # an end camera may stand on the first filler position, 5 m in, for a cheaper lens
    assert _near(xy, (0.0, 0.0), 5.5) == 1 and _near(xy, (120.0, 120.0), 5.5) == 1
    assert plan.summary["coverage"]["overall"] == 1.0
    sites = plan.sites.set_index("site_id")
    chosen_kinds = set(plan.chosen["site_id"].map(sites["kind"]))
    assert "bend" in chosen_kinds


@pytest.fixture
def parallel(tmp_path: Path) -> Path:
    # two parallel kiệt 30 m apart off one street, no houses mapped between them
    nodes = {
        1: (-50.0, 0.0), 2: (0.0, 0.0), 3: (30.0, 0.0), 4: (80.0, 0.0),
        5: (0.0, 80.0), 6: (30.0, 80.0),
    }  # fmt: skip
    ways: list[Way] = [
        ([1, 2, 3, 4], {"highway": "residential", "name": "Đường Nhỏ"}),
        ([2, 5], {"highway": "residential", "name": "Kiệt 2 Đường Nhỏ"}),
        ([3, 6], {"highway": "residential", "name": "Kiệt 4 Đường Nhỏ"}),
    ]
    return write_osm(tmp_path / "parallel.osm", nodes, ways)


def test_a_blind_block_hides_one_alley_from_the_other(parallel: Path) -> None:
    area = covplan.area_from_xml(parallel)
    options = PlanOptions()
    layers = build_layers(area, cameras=None, catalogue=covplan.load_catalogue(), options=options)
    t = layers.targets.to_crs(area.crs)
    p = layers.poses.to_crs(area.crs)
    seen = layers.coverage.seen.tocoo()
    a, b = _rid(area, "Kiệt 2 Đường Nhỏ"), _rid(area, "Kiệt 4 Đường Nhỏ")
    site_route = dict(zip(layers.sites["site_id"], layers.sites["route_id"], strict=True))
    pose_route = p["site_id"].map(site_route).to_numpy()
    t_route = t["route_id"].to_numpy()
    ty = t.geometry.y.to_numpy() - t.geometry.y.min()
    # no pose on one kiệt sees a point of the other more than 10 m up it from the street
    deep = ty[seen.row] > 10.0
    across = ((pose_route[seen.col] == a) & (t_route[seen.row] == b)) | (
        (pose_route[seen.col] == b) & (t_route[seen.row] == a)
    )
    assert not (across & deep).any()
    # brute force: every seen pair's sight line lies in the open ground (corridor, grown
    # by the margin and the origin snap) — one shapely test per pair
    open_ground = shapely.buffer(corridor(area), settings.corridor_margin_m + 1e-6)
    shapely.prepare(open_ground)
    lines = shapely.linestrings(
        np.stack(
            [
                shapely.get_coordinates(p.geometry.to_numpy()[seen.col]),
                shapely.get_coordinates(t.geometry.to_numpy()[seen.row]),
            ],
            axis=1,
        )
    )
    assert shapely.contains(open_ground, lines).all()
    # and the corridor model is what makes the difference: without it, they see across
    blind = build_layers(
        area,
        cameras=None,
        catalogue=covplan.load_catalogue(),
        options=options.replace(corridor=False),
    )
    s2 = blind.coverage.seen.tocoo()
    across2 = ((pose_route[s2.col] == a) & (t_route[s2.row] == b)) | (
        (pose_route[s2.col] == b) & (t_route[s2.row] == a)
    )
    assert (across2 & (ty[s2.row] > 10.0)).any()


def test_view_cones_stop_at_the_blind_block(parallel: Path) -> None:
    area = covplan.area_from_xml(parallel)
    plan = plan_ward(area)
    chosen = plan.chosen
    # the cones as the maps draw them, to the longest range asked (detect)
    cones = view_polygons(
        chosen, None, crs=area.crs, level="detect", occluders=plan.occluders
    ).to_crs(area.crs)
    routes = area.routes.to_crs(area.crs)
    street_y = float(routes.loc[_rid(area, "Đường Nhỏ")].geometry.centroid.y)
    up = shapely.box(-1e9, street_y + 12.0, 1e9, 1e9)
    site_route = dict(zip(plan.sites["site_id"], plan.sites["route_id"], strict=True))
    a, b = _rid(area, "Kiệt 2 Đường Nhỏ"), _rid(area, "Kiệt 4 Đường Nhỏ")
    other = {a: b, b: a}
    checked = 0
    for cone, site in zip(cones.geometry, chosen["site_id"], strict=True):
        route = site_route.get(site)
        if route not in other or cone.is_empty:
            continue
        far_other = shapely.intersection(routes.loc[other[route]].geometry, up)
        assert not cone.intersects(far_other), (site, route)
        checked += 1
    assert checked >= 2


HCMC = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "osm"
    / "hcmc-dakao-1km.osm.bz2"
)


@pytest.mark.slow
@pytest.mark.skipif(not HCMC.exists(), reason=f"real data absent: {HCMC}")
@pytest.mark.parametrize(
    ("name_a", "name_b"),
    [
        ("Hẻm 79 Nguyễn Hữu Cầu", "Hẻm 87 Nguyễn Hữu Cầu"),  # 21 m apart
        ("Hẻm 76 Võ Thị Sáu", "Hẻm 82 Võ Thị Sáu"),  # 37 m apart
    ],
)
def test_hcmc_no_view_cone_crosses_the_block_between_parallel_alleys(
    name_a: str, name_b: str
) -> None:
    # The extract maps few houses: the block between these two hẻm is empty on the map.
    # Every candidate camera on one of them, in every direction, at the longest range
    # asked (detect), must stop at the block: no cone reaches the other hẻm.
    from covplan.geometry import candidate_sites, site_poses
    from covplan.plan.stages import build_occluders

    area = covplan.area_from_xml(HCMC)
    routes = area.routes.to_crs(area.crs)
    a, b = _rid(area, name_a), _rid(area, name_b)
    sites = candidate_sites(area)
    on_a = sites[sites["route_id"] == a]
    ordinary = [s for s in covplan.load_catalogue().values() if not s.is_fisheye]
    poses = site_poses(on_a, ordinary, headings=8)
    # the inside of hẻm b: more than 15 m from any other way (from the street both leave,
    # a camera rightly sees into the mouth of the next hẻm)
    others = shapely.union_all(routes.drop(index=b).geometry.to_numpy())
    far_b = routes.loc[b].geometry.difference(others.buffer(15.0))
    assert far_b.length > 30.0
    honest = build_occluders(area, PlanOptions())
    cones = view_polygons(poses, None, crs=area.crs, level="detect", occluders=honest)
    cones = cones.to_crs(area.crs)
    assert len(cones) == len(poses) > 50
    assert not shapely.intersects(cones.geometry.to_numpy(), far_b).any()
    # taken at face value (buildings only), the same cameras look straight across
    face_value = build_occluders(area, PlanOptions(corridor=False))
    naive = view_polygons(poses, None, crs=area.crs, level="detect", occluders=face_value)
    assert shapely.intersects(naive.to_crs(area.crs).geometry.to_numpy(), far_b).any()


def test_a_budget_finishes_the_priority_area_first(tmp_path: Path) -> None:
    from covplan import datasets
    from covplan.area import routes_in_zones

    area = covplan.area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    full = plan_ward(area)
    budget = full.summary["cost_vnd"] // 3
    # a hot spot drawn around one kiệt (a zone file, as the ward office would draw it)
    hot = "kiet-56-chi-lang"
    zone = gpd.GeoDataFrame(geometry=[area.routes.loc[hot].geometry.buffer(0.00005)], crs=4326)
    zone.to_file(tmp_path / "hot.geojson")
    in_zone = routes_in_zones(area.routes, tmp_path / "hot.geojson")
    assert hot in in_zone and len(in_zone) < len(area.planned_routes)
    plan = plan_ward(area, budget_vnd=budget, priority_routes=frozenset(in_zone))
    done = plan.summary["budget"]["routes_done"]
    assert done and done[0] in in_zone  # the hot spot's kiệt is finished before anything else
    assert plan.summary["cost_vnd"] <= budget
    # a whole residential group as the priority area: its routes come first
    group = plan_ward(area, budget_vnd=budget, priority_routes=frozenset({"TDP-02"}))
    first = group.summary["budget"]["routes_done"][0]
    assert area.routes.loc[first, "group_id"] == "TDP-02"
