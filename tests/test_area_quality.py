"""Open space and the map-quality report (issue 12), on hand-made areas, the demo and HCMC."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from handmade import X0, Y0, Way, write_osm

import covplan
from covplan import settings
from covplan.area import MapQuality, map_quality
from covplan.area.quality import footprint_share
from covplan.area.routes import SERVICE_REASONS

UTM = 32648


def _box(nodes: dict[int, tuple[float, float]], first: int, *bounds: float) -> list[int]:
    """Add the corners of a box (x0, y0, x1, y1) to ``nodes``; return its closed ring."""
    x0, y0, x1, y1 = bounds
    for k, xy in enumerate([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]):
        nodes[first + k] = xy
    return [first, first + 1, first + 2, first + 3, first]


# ----------------------------------------------------------------------------- open space
def test_open_space_parsed(tmp_path: Path) -> None:
    nodes: dict[int, tuple[float, float]] = {1: (0, 0), 2: (300, 0)}
    ways: list[Way] = [([1, 2], {"highway": "residential", "name": "Lê Lợi"})]
    polys = [
        ({"leisure": "park", "name": "Công viên Thử"}, "park"),
        ({"amenity": "parking"}, "parking"),
        ({"natural": "water", "water": "pond"}, "water"),
        ({"leisure": "playground"}, "playground"),
        ({"place": "square", "name": "Quảng trường"}, "square"),
        ({"highway": "pedestrian", "area": "yes"}, "square"),
        ({"landuse": "grass"}, "grass"),
        ({"leisure": "pitch", "sport": "soccer"}, "pitch"),
    ]
    for i, (tags, _) in enumerate(polys):
        ways.append((_box(nodes, 100 + 10 * i, 35 * i, 10, 35 * i + 30, 40), tags))
    # a multi-storey car park is a building (it blocks views), not open space
    ways.append((_box(nodes, 900, 0, -40, 30, -10), {"building": "yes", "amenity": "parking"}))
    area = covplan.area_from_xml(write_osm(tmp_path / "open.osm", nodes, ways))
    os_ = area.open_space
    assert len(os_) == len(polys)
    assert sorted(os_["kind"]) == sorted(k for _, k in polys)
    assert list(os_.columns) == ["open_space_id", "kind", "name", "geometry"]
    assert (os_.index == os_["open_space_id"]).all() and os_.index.is_unique
    assert os_["open_space_id"].str.fullmatch(r"way/\d+").all()
    assert os_.crs.to_epsg() == 4326
    assert set(os_.geom_type) == {"Polygon"}
    assert os_.set_index("kind").loc["park", "name"] == "Công viên Thử"
    assert len(area.buildings) == 1
    m = area.metric("open_space")
    assert m.crs.is_projected
    assert m.geometry.area.to_numpy() == pytest.approx(np.full(len(polys), 900.0), rel=1e-3)
    assert area.summary()["open_space"] == len(polys)
    assert "open spaces" in repr(area)


def test_open_space_empty_and_default(demo_area) -> None:
    os_ = demo_area.open_space
    assert len(os_) == 0 and os_.crs.to_epsg() == 4326
    assert {"open_space_id", "kind", "name"} <= set(os_.columns)
    assert len(demo_area.metric("open_space")) == 0
    # an Area built by hand without open space still works
    other = covplan.Area(
        routes=demo_area.routes,
        segments=demo_area.segments,
        nodes=demo_area.nodes,
        buildings=demo_area.buildings,
        poles=demo_area.poles,
        osm_cameras=demo_area.osm_cameras,
        groups=demo_area.groups,
        boundary=demo_area.boundary,
        crs=demo_area.crs,
    )
    assert len(other.open_space) == 0 and other.summary()["open_space"] == 0


def test_area_from_file_reads_open_space(tmp_path: Path) -> None:
    def to_ll(g: shapely.Geometry) -> shapely.Geometry:
        return gpd.GeoSeries([g], crs=UTM).to_crs(4326).iloc[0]

    gpkg = tmp_path / "drawn.gpkg"
    gpd.GeoDataFrame(
        {"name": ["Kiệt 1"]},
        geometry=[to_ll(shapely.LineString([(X0, Y0), (X0 + 80, Y0)]))],
        crs=4326,
    ).to_file(gpkg, layer="routes")
    gpd.GeoDataFrame(
        {"kind": ["park", None], "name": ["Vườn hoa", None]},
        geometry=[
            to_ll(shapely.box(X0 + 10, Y0 + 5, X0 + 40, Y0 + 30)),
            to_ll(shapely.box(X0 + 50, Y0 + 5, X0 + 70, Y0 + 30)),
        ],
        crs=4326,
    ).to_file(gpkg, layer="open_space")
    area = covplan.area_from_file(gpkg)
    assert sorted(area.open_space["kind"]) == ["other", "park"]
    assert list(area.open_space.index) == ["drawn/1", "drawn/2"]


# ----------------------------------------------------------------------------- map quality
def _brute_share(line: shapely.LineString, boxes: list[shapely.Polygon], within: float) -> float:
    """The lined share of a line by brute force: 1 cm steps."""
    d = np.arange(0.005, line.length, 0.01)
    pts = shapely.line_interpolate_point(line, d)
    near = np.zeros(len(pts), dtype=bool)
    for b in boxes:
        near |= shapely.distance(pts, b) <= within
    return float(near.mean())


def test_map_quality_footprint_share(tmp_path: Path) -> None:
    # one 100 m street; a house 4 m north of it over x 10..30, one 5 m south over
    # x 60..80, and one 20 m away that lines nothing
    nodes: dict[int, tuple[float, float]] = {1: (0, 0), 2: (100, 0)}
    boxes = [(10, 4, 30, 14), (60, -12, 80, -5), (40, 20, 50, 30)]
    ways: list[Way] = [([1, 2], {"highway": "residential", "name": "Lê Lợi"})]
    for i, b in enumerate(boxes):
        ways.append((_box(nodes, 100 + 10 * i, *b), {"building": "house"}))
    area = covplan.area_from_xml(write_osm(tmp_path / "q.osm", nodes, ways))
    line = shapely.LineString([(0, 0), (100, 0)])
    polys = [shapely.box(*b) for b in boxes]
    # exact: a point (x, 0) is within 6 m of the first house for x in 10 ± √20 .. 30 + √20
    exact = (20 + 2 * np.sqrt(6**2 - 4**2) + 20 + 2 * np.sqrt(6**2 - 5**2)) / 100
    assert _brute_share(line, polys, 6.0) == pytest.approx(exact, abs=1e-3)
    # the report tests the midpoints of 5 m pieces: 6 + 6 of 20 pieces are lined
    q = map_quality(area)
    assert q.footprint_share == pytest.approx(12 / 20, abs=1e-4)
    assert q.footprint_share == pytest.approx(exact, abs=settings.quality_sample_m / 100)
    fine = footprint_share(area, step_m=0.05)
    assert fine == pytest.approx(exact, abs=2e-3)
    assert q.buildings == 3
    assert q.planned_routes == 1 and q.planned_km == pytest.approx(0.1, abs=1e-3)
    assert q.unnamed_planned_routes == 0
    assert q.no_width_share == 1.0
    assert q.open_space_polygons == 0
    bbox_km2 = (100 + 60) * (30 + 12 + 60) / 1e6  # the bounds: 30 m margin around the nodes
    assert q.buildings_per_km2 == pytest.approx(3 / bbox_km2, rel=0.02)
    assert q.verdict == ("good" if q.footprint_share >= settings.quality_good_share else "partial")


def test_map_quality_verdict_thresholds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nodes: dict[int, tuple[float, float]] = {1: (0, 0), 2: (100, 0), 3: (0, 50), 4: (100, 50)}
    ways: list[Way] = [
        ([1, 2], {"highway": "residential", "name": "Lê Lợi"}),
        ([3, 4], {"highway": "service"}),  # an unnamed alley
        (_box(nodes, 100, 0, 4, 100, 10), {"building": "yes"}),  # lines all of Lê Lợi
    ]
    area = covplan.area_from_xml(write_osm(tmp_path / "v.osm", nodes, ways))
    q = map_quality(area)
    assert q.footprint_share == pytest.approx(0.5, abs=1e-4)  # one of two 100 m routes
    assert q.verdict == "partial"
    assert q.unnamed_planned_routes == 1 and q.unnamed_planned_km == pytest.approx(0.1, abs=1e-3)
    monkeypatch.setattr(settings, "quality_good_share", 0.5)
    assert map_quality(area).verdict == "good"
    monkeypatch.setattr(settings, "quality_partial_share", 0.55)
    monkeypatch.setattr(settings, "quality_good_share", 0.9)
    assert map_quality(area).verdict == "poor"


def test_map_quality_outputs(demo_area) -> None:
    q = map_quality(demo_area)
    assert isinstance(q, MapQuality)
    with pytest.raises(AttributeError):
        q.verdict = "poor"  # type: ignore[misc]
    d = q.as_dict()
    assert json.loads(json.dumps(d)) == d
    t = q.table()
    assert list(t.columns) == ["measure", "value", "unit"]
    assert set(d) <= set(t["measure"])
    assert t.set_index("measure").loc["planned_km", "unit"] == "km"
    vi, en = q.warnings(), q.warnings("en")
    assert len(vi) == len(en) and all(isinstance(s, str) and s.endswith(".") for s in vi + en)
    assert vi != en
    with pytest.raises(ValueError, match="language"):
        q.warnings("fr")


def test_map_quality_demo(demo_area) -> None:
    q = map_quality(demo_area)
    # the synthetic ward lines every alley with houses
    assert q.verdict == "good" and q.footprint_share > 0.9
    assert q.planned_km == pytest.approx(demo_area.summary()["length_planned_km"], abs=1e-3)
    assert q.no_width_share == 0.0
    assert q.service_excluded_km == () and q.park_path_excluded_km == 0.0
    assert q.arterial_excluded_km > 0.7  # Chi Lăng and Huỳnh Thúc Kháng
    assert q.stubs_folded == 0


# ----------------------------------------------------------------------------- the real extract
def test_hcmc_routes_and_quality(hcmc_area) -> None:
    r, seg = hcmc_area.routes, hcmc_area.segments
    planned = set(r.index[r["planned"]])
    # driveways and parking aisles, and paths in the parks, are off the plan
    on_plan = seg[seg["route_id"].isin(planned)]
    minor = on_plan[(on_plan["highway"] == "service") & on_plan["service"].isin(
        ["driveway", "parking_aisle"])]  # fmt: skip
    assert minor.empty
    assert set(r.loc[r["unplanned_reason"] == "park_path", "kind"]) == {"path"}
    parks = hcmc_area.metric("open_space")
    parks = parks[parks["kind"].isin(settings.park_kinds)]
    assert len(parks) >= 5  # Công viên Lê Văn Tám and its neighbours
    inside = shapely.union_all(parks.geometry.to_numpy())
    paths = hcmc_area.metric("routes").loc[sorted(planned & set(r.index[r["kind"] == "path"]))]
    share = shapely.length(shapely.intersection(paths.geometry.to_numpy(), inside)) / paths.length
    assert (share <= settings.park_path_share).all()
    # the alleys stay: unnamed highway=service ways and named hẻm are planned
    assert r.loc[(r["highway"] == "service") & (r["service"].isin(["", "alley"])), "planned"].all()
    q = map_quality(hcmc_area)
    assert 13 < q.planned_km < 17  # 18.3 km before issue 12
    assert 2.0 < q.park_path_excluded_km < 3.2
    assert 0.2 < dict(q.service_excluded_km)["parking_aisle"] < 0.3
    assert set(dict(q.service_excluded_km)) <= set(settings.minor_services)
    assert set(r["unplanned_reason"]) - {""} <= SERVICE_REASONS | {
        "private", "park_path", "sidewalk", "crossing", "arterial"}  # fmt: skip
    assert 0 < q.private_excluded_km < 0.2
    assert q.buildings == 695 and 300 < q.buildings_per_km2 < 1000
    assert 0.05 < q.footprint_share < 0.3 and q.verdict == "poor"
    assert q.open_space_polygons >= 10
    assert 0.9 < q.no_width_share <= 1.0
    assert q.unnamed_planned_routes > 50
    assert any("OpenStreetMap" in s for s in q.warnings("vi"))
