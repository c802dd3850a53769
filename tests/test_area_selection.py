"""Which ways are routes (issue 12): minor ways, park paths, private ways, stubs, widths.

Each test writes a small hand-made OSM file (coordinates laid out in metres on UTM 48N
near Ho Chi Minh City, converted to longitude/latitude) and loads it through
``area_from_xml``, as a planner would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from handmade import Way, lonlat, write_osm
from pyproj import Transformer

import covplan
from covplan import settings
from covplan.area import intersections, route_ends, route_width_m, segment_width_m
from covplan.area.corridor import corridor
from covplan.vocab.messages import use_lang


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


def _route_of(area: covplan.Area, way_id: int) -> str:
    seg = area.segments
    hit = seg[seg["osmid"].str.split(";").map(lambda ids: str(way_id) in ids)]
    assert len(hit), f"way {way_id} not in the segments"
    return str(hit["route_id"].iloc[0])


# ----------------------------------------------------------------------------- minor ways
@pytest.fixture
def minor_osm(tmp_path: Path) -> Path:
    nodes = {
        1: (0, 0), 2: (50, 0), 3: (100, 0), 4: (150, 0), 5: (200, 0),
        11: (50, 40), 12: (100, -40), 13: (150, 40), 14: (200, 50), 15: (0, -50),
        # a park, a footway inside it and one outside it
        21: (20, 60), 22: (180, 60), 23: (180, 140), 24: (20, 140),
        31: (40, 80), 32: (160, 80), 41: (0, 80),
    }  # fmt: skip
    ways: list[Way] = [
        ([1, 2, 3, 4, 5], {"highway": "residential", "name": "Đường Thử"}),  # 1001
        ([2, 11], {"highway": "service", "service": "driveway"}),  # 1002
        ([3, 12], {"highway": "service", "service": "parking_aisle"}),  # 1003
        ([4, 13], {"highway": "service", "access": "private"}),  # 1004
        ([5, 14], {"highway": "service", "service": "driveway", "name": "Hẻm 12 Thử"}),  # 1005
        ([1, 15], {"highway": "service"}),  # 1006: a plain unnamed service way is an alley
        ([21, 22, 23, 24, 21], {"leisure": "park", "name": "Công viên Thử"}),  # 1007
        ([31, 32], {"highway": "footway"}),  # 1008: inside the park
        ([1, 41], {"highway": "footway"}),  # 1009: outside it
    ]
    return write_osm(tmp_path / "minor.osm", nodes, ways)


def test_minor_ways_are_not_planned(minor_osm: Path) -> None:
    area = covplan.area_from_xml(minor_osm)
    r = area.routes
    assert set(r.loc[~r["planned"], "unplanned_reason"]) == {
        "driveway", "parking_aisle", "private", "park_path",
    }  # fmt: skip
    assert r.loc[_route_of(area, 1006), "kind"] == "alley"
    assert r.loc[_route_of(area, 1005), "kind"] == "alley"
    assert r["planned"].eq(r["unplanned_reason"] == "").all()
    # service and access ride along onto segments and routes
    assert r.loc[_route_of(area, 1003), "service"] == "parking_aisle"
    assert r.loc[_route_of(area, 1004), "access"] == "private"
    seg = area.segments
    assert set(seg.loc[seg["service"] != "", "service"]) == {"driveway", "parking_aisle"}
    # the dead ends of the driveway, parking aisle and private way need no camera
    assert not {11, 12, 13} & set(route_ends(area)["node_id"])
    assert {11, 12, 13} <= set(route_ends(area, planned_only=False)["node_id"])


def test_minor_ways_reasons(minor_osm: Path) -> None:
    area = covplan.area_from_xml(minor_osm)
    r = area.routes
    got = {w: r.loc[_route_of(area, w), "unplanned_reason"] for w in (1001, 1002, 1003, 1004)}
    assert got == {1001: "", 1002: "driveway", 1003: "parking_aisle", 1004: "private"}
    got = {w: r.loc[_route_of(area, w), "unplanned_reason"] for w in (1005, 1006, 1008, 1009)}
    assert got == {1005: "", 1006: "", 1008: "park_path", 1009: ""}


def test_minor_ways_come_back(minor_osm: Path) -> None:
    area = covplan.area_from_xml(minor_osm, minor_ways=True)
    assert area.routes["planned"].all()
    assert (area.routes["unplanned_reason"] == "").all()
    # the default load plans 4 fewer routes (driveway, parking aisle, private way, park path)
    default = covplan.area_from_xml(minor_osm)
    assert len(area.planned_routes) - len(default.planned_routes) == 4
    assert area.summary()["length_planned_km"] > default.summary()["length_planned_km"]


def test_park_path_needs_most_of_its_length_in_the_park(tmp_path: Path) -> None:
    # a footway 100 m long: 40 m in the park, then 70 m in (of 110 m)
    nodes = {
        1: (0, 0), 2: (100, 0), 3: (-50, 30), 4: (60, 30),
        11: (60, -20), 12: (200, -20), 13: (200, 20), 14: (60, 20),
    }  # fmt: skip
    ways: list[Way] = [
        ([1, 2], {"highway": "footway"}),  # 1001: 40 m of 100 m in the park
        ([3, 4], {"highway": "path"}),  # 1002: outside
        ([11, 12, 13, 14, 11], {"leisure": "garden"}),  # 1003
    ]
    area = covplan.area_from_xml(write_osm(tmp_path / "half.osm", nodes, ways))
    assert area.routes.loc[_route_of(area, 1001), "unplanned_reason"] == ""
    nodes[1] = (30, 0)  # now 40 m of 70 m in the garden
    area = covplan.area_from_xml(write_osm(tmp_path / "most.osm", nodes, ways))
    assert area.routes.loc[_route_of(area, 1001), "unplanned_reason"] == "park_path"
    assert area.routes.loc[_route_of(area, 1002), "unplanned_reason"] == ""


def test_sidewalks_and_crossings_belong_to_their_street(tmp_path: Path) -> None:
    nodes = {1: (0, 0), 2: (100, 0), 3: (0, 6), 4: (100, 6), 5: (50, -8), 6: (50, 14)}
    ways: list[Way] = [
        ([1, 2], {"highway": "residential", "name": "Đường Thử"}),
        ([3, 4], {"highway": "footway", "footway": "sidewalk"}),
        ([5, 6], {"highway": "footway", "footway": "crossing"}),
    ]
    area = covplan.area_from_xml(write_osm(tmp_path / "walk.osm", nodes, ways))
    r = area.routes
    assert r.loc[_route_of(area, 1002), "unplanned_reason"] == "sidewalk"
    assert r.loc[_route_of(area, 1003), "unplanned_reason"] == "crossing"
    assert covplan.area_from_xml(tmp_path / "walk.osm", minor_ways=True).routes["planned"].all()


def test_reason_order_and_kinds(minor_osm: Path) -> None:
    area = covplan.area_from_xml(minor_osm, kinds=("street",))
    r = area.routes
    assert r.loc[_route_of(area, 1006), "unplanned_reason"] == "kind"  # an alley, left out
    assert r.loc[_route_of(area, 1002), "unplanned_reason"] == "driveway"  # the way wins
    assert r.loc[_route_of(area, 1001), "unplanned_reason"] == ""


# ----------------------------------------------------------------------------- stubs
@pytest.fixture
def stub_osm(tmp_path: Path) -> Path:
    nodes = {
        1: (0, -50), 2: (0, 0), 3: (0, 50),  # Lê Lợi, a residential street
        4: (50, 0), 5: (100, 0), 6: (108, 0),  # Kiệt 5 from node 2, and an 8 m extension
        7: (50, 10),  # a 10 m stub off Kiệt 5
        8: (-50, 60), 9: (0, 60), 10: (50, 60),  # Đường Lớn, an arterial
        11: (0, 30), 12: (-12, 30),  # a 12 m dead-end stub off Lê Lợi (no name)
    }  # fmt: skip
    ways: list[Way] = [
        ([1, 2, 11, 3], {"highway": "residential", "name": "Lê Lợi"}),  # 1001
        ([2, 4, 5], {"highway": "residential", "name": "Kiệt 5 Lê Lợi"}),  # 1002
        ([4, 7], {"highway": "service"}),  # 1003: stub, folded into Kiệt 5
        ([5, 6], {"highway": "service"}),  # 1004: prolongs Kiệt 5's dead end
        ([8, 9, 10], {"highway": "primary", "name": "Đường Lớn"}),  # 1005: arterial
        ([3, 9], {"highway": "service"}),  # 1006: 10 m onto the arterial: no stub
        ([11, 12], {"highway": "footway"}),  # 1007: stub off Lê Lợi
    ]
    return write_osm(tmp_path / "stub.osm", nodes, ways)


def test_stub_is_folded_into_its_parent(stub_osm: Path) -> None:
    area = covplan.area_from_xml(stub_osm)
    r, seg = area.routes, area.segments
    kiet = "kiet-5-le-loi"
    assert _route_of(area, 1003) == kiet  # the stub's segment belongs to Kiệt 5
    assert _route_of(area, 1004) == kiet  # so does the extension
    assert _route_of(area, 1007) == "le-loi"
    assert _route_of(area, 1006) != "le-loi"  # a short link onto an arterial stays
    assert r.loc[_route_of(area, 1006), "planned"]
    assert set(r.index) == set(seg["route_id"])  # no row left for a folded stub
    assert r.loc[kiet, "length_m"] == pytest.approx(100 + 10 + 8, abs=0.2)
    assert r.loc[kiet, "n_segments"] == (seg["route_id"] == kiet).sum()
    assert r.loc[kiet].geometry.length == pytest.approx(
        shapely.union_all(seg.loc[seg["route_id"] == kiet].geometry.to_numpy()).length
    )
    # the branch is marked a stub; the extension is not (it is the alley's real end)
    stub = seg.set_index(seg["osmid"])["stub"]
    assert stub["1003"] and stub["1007"] and not stub["1004"]
    assert seg.set_index(seg["osmid"]).loc["1003", "folded_from"].startswith("alley-")


def test_stub_ends(stub_osm: Path) -> None:
    area = covplan.area_from_xml(stub_osm)
    ends = route_ends(area)
    kiet = ends[ends["route_id"] == "kiet-5-le-loi"].set_index("node_id")["end_kind"]
    assert kiet.to_dict() == {2: "mouth", 6: "dead_end", 7: "stub"}
    main = ends[ends["route_id"] == "le-loi"].set_index("node_id")["end_kind"]
    assert main[12] == "stub"
    # where the stub leaves the alley is no intersection; the alley's mouth is
    inter = set(intersections(area)["node_id"])
    assert 4 not in inter and 11 not in inter and 2 in inter
    # callers keep alley ends with end_kind in {"dead_end", "mouth"}
    real = ends[ends["end_kind"].isin(["dead_end", "mouth"])]
    assert not {7, 12} & set(real["node_id"])


def test_stub_ids_are_stable(stub_osm: Path) -> None:
    a = covplan.area_from_xml(stub_osm)
    b = covplan.area_from_xml(stub_osm)
    assert list(a.routes.index) == list(b.routes.index)
    assert a.segments["route_id"].tolist() == b.segments["route_id"].tolist()


def test_stub_length_setting(stub_osm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "stub_length_m", 5.0)
    area = covplan.area_from_xml(stub_osm)
    assert _route_of(area, 1003) != "kiet-5-le-loi"
    assert not area.segments["stub"].any()


# ----------------------------------------------------------------------------- widths
def test_route_widths(tmp_path: Path) -> None:
    nodes = {
        1: (0, 0), 2: (100, 0), 3: (0, 30), 4: (100, 30), 5: (0, 60), 6: (100, 60),
        7: (0, 90), 8: (100, 90), 9: (0, 120), 10: (30, 120), 11: (100, 120),
        12: (0, 150), 13: (100, 150), 14: (0, 180), 15: (100, 180),
    }  # fmt: skip
    ways: list[Way] = [
        ([1, 2], {"highway": "residential", "name": "Lê Lợi", "width": "5"}),
        ([3, 4], {"highway": "residential", "name": "Trần Phú", "lanes": "2"}),
        ([5, 6], {"highway": "service"}),
        ([7, 8], {"highway": "footway"}),
        # one street of two ways: 30 m 4 m wide, 70 m 6 m wide -> median 6
        ([9, 10], {"highway": "residential", "name": "Hai Bà Trưng", "width": "4"}),
        ([10, 11], {"highway": "residential", "name": "Hai Bà Trưng", "est_width": "6 m"}),
        ([12, 13], {"highway": "secondary", "name": "Điện Biên Phủ"}),
        ([14, 15], {"highway": "service", "name": "Kiệt 3/2"}),
    ]
    area = covplan.area_from_xml(write_osm(tmp_path / "widths.osm", nodes, ways))
    w = route_width_m(area)
    assert w.index.equals(area.routes.index)
    assert w["le-loi"] == 5.0
    assert w["tran-phu"] == 2 * settings.lane_width_m
    assert w[_route_of(area, 1003)] == settings.route_width_m["alley"]
    assert w[_route_of(area, 1004)] == settings.route_width_m["path"]
    assert w["hai-ba-trung"] == 6.0
    assert w["dien-bien-phu"] == settings.arterial_width_m
    assert w["kiet-3-2"] == settings.route_width_m["lane"]
    assert (area.routes["width_m"] == w).all()
    sw = segment_width_m(area)
    assert sorted(sw[area.segments["route_id"] == "hai-ba-trung"]) == [4.0, 6.0]


def test_corridor_covers_every_way_and_open_space(minor_osm: Path) -> None:
    area = covplan.area_from_xml(minor_osm)
    c = corridor(area)
    assert c.is_valid and not c.is_empty
    to_m = Transformer.from_crs(4326, area.crs, always_xy=True)

    def at(x: float, y: float) -> shapely.Point:
        lon, lat = lonlat(x, y)
        return shapely.Point(to_m.transform(lon, lat))

    assert c.contains(at(25, 0))  # on the street
    assert c.contains(at(50, 30))  # on the driveway: not planned, but open ground
    assert c.contains(at(100, 100))  # in the park
    assert not c.contains(at(-30, -30))
    # the street is 8 m wide by default: 3.9 m off its centre is in, 4.1 m is out
    assert c.contains(at(25, 3.9)) and not c.contains(at(25, -4.1))
    planned_only = corridor(area, all_routes=False)
    assert not planned_only.contains(at(50, 30))
    assert planned_only.contains(at(100, 100))


def test_a_ward_boundary_polygon_clips_the_routes() -> None:
    # a ward is rarely a box: the routes are cut to its outline (a triangle here)
    from covplan import datasets

    path = datasets.get_path("demo-ward.osm")
    whole = covplan.area_from_xml(path)
    w, s, e, n = whole.boundary.bounds
    triangle = shapely.Polygon([(w, s), (e, s), (w, n)])
    cut = covplan.area_from_xml(path, boundary=triangle)
    assert cut.boundary.equals(triangle)
    segs = cut.segments.geometry.to_numpy()
    assert shapely.within(segs, triangle.buffer(1e-9)).all()
    assert 0 < cut.routes["length_m"].sum() < whole.routes["length_m"].sum()
    with pytest.raises(covplan.InputError, match="polygon"):
        covplan.area_from_xml(path, boundary=shapely.Point(w, s))
