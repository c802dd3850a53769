"""covplan.area on the demo ward, planners' files and bad input."""

from __future__ import annotations

import bz2
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import covplan
from covplan import InputError, datasets
from covplan.area import classify, ensure_metric, intersections, name_kind, route_ends, route_key
from covplan.area._area import metric_crs_for
from covplan.datasets import _demo
from covplan.vocab.messages import use_lang


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Kiệt 12 Chi Lăng", "alley"),
        ("kiệt 12", "alley"),
        ("K12", "alley"),
        ("K.12", "alley"),
        ("H.45", "alley"),
        ("Hẻm 27 Đuờng Võ Thị Sáu", "alley"),
        ("Ngõ 5 Phố Huế", "alley"),
        ("HXH 12", "alley"),
        ("Kiệt 12/5 Chi Lăng", "lane"),
        ("K12/5", "lane"),
        ("Hẻm 146/35 Võ Thị Sáu", "lane"),
        ("Ngách 3 Ngõ 5", "lane"),
        ("Xóm Chài", "lane"),
        ("Lê Lợi", None),
        ("Khánh Hội", None),  # starts with K but is a street
        ("Hoà Mỹ", None),
        ("", None),
    ],
)
def test_name_kind(name: str, kind: str | None) -> None:
    assert name_kind(name) == kind


@pytest.mark.parametrize(
    ("highway", "name", "service", "kind"),
    [
        ("residential", "Hẻm 187 Điện Biên Phủ", "", "alley"),  # the name wins over the tag
        ("residential", "Huyền Quang", "", "street"),
        ("service", "", "alley", "alley"),
        ("service", "", "", "alley"),
        ("service", "", "driveway", "lane"),
        ("living_street", "", "", "alley"),
        ("footway", "", "", "path"),
        ("steps", "", "", "path"),
        ("footway", "Kiệt 3", "", "alley"),
        ("primary", "Hai Bà Trưng", "", "street"),
    ],
)
def test_classify(highway: str, name: str, service: str, kind: str) -> None:
    assert classify(highway, name, service) == kind


def test_route_key_merges_spellings() -> None:
    assert route_key("Đường Hai Bà Trưng") == route_key("Hai Bà Trưng") == "hai bà trưng"
    assert route_key("Hẻm 27 Đuờng Võ Thị Sáu") == route_key("Hẻm 27 Võ Thị Sáu")
    # NFD input (typed on another keyboard) gives the same key as NFC
    nfd = "Kie\u0302\u0323t 12"
    assert route_key(nfd) == route_key("Kiệt 12")


def test_demo_ward_routes_and_groups(demo_area) -> None:
    r = demo_area.routes
    by_name = r.set_index("name")
    # the layout: which kiệt lies in which residential group
    assert by_name.loc["Kiệt 12 Chi Lăng", "group_id"] == "TDP-01"
    assert by_name.loc["Kiệt 34 Chi Lăng", "group_id"] == "TDP-02"
    assert by_name.loc["Kiệt 56 Chi Lăng", "group_id"] == "TDP-03"
    assert by_name.loc["Kiệt 12/5 Chi Lăng", "kind"] == "lane"
    assert by_name.loc["Đường Nguyễn Du", "planned"]
    assert not by_name.loc["Đường Chi Lăng", "planned"]  # tertiary: arterial
    # lengths from the generator's layout (metres on the local plane, ±1 % for UTM scale)
    for way in _demo.WAYS:
        if way.name and not way.name.startswith("Đường"):
            expected = shapely.LineString(way.points).length
            assert by_name.loc[way.name, "length_m"] == pytest.approx(expected, rel=0.01)
    unnamed = r[r["name"] == ""]
    assert len(unnamed) == 1 and unnamed.index[0].startswith("alley-")
    assert demo_area.routes.crs.to_epsg() == 4326
    assert demo_area.crs.to_epsg() == 32648


def test_demo_ward_ends_and_intersections(demo_area) -> None:
    ends = route_ends(demo_area)
    k12 = ends[ends["route_id"] == "kiet-12-chi-lang"]
    assert sorted(k12["end_kind"]) == ["dead_end", "mouth"]
    # the fork where Kiệt 12/5 leaves Kiệt 12 is the branch's mouth and an intersection
    fork = ends[(ends["route_id"] == "kiet-12-5-chi-lang") & (ends["end_kind"] == "mouth")]
    assert len(fork) == 1
    inter = intersections(demo_area)
    assert fork["node_id"].iloc[0] in set(inter["node_id"])
    # Kiệt 56 runs through from Chi Lăng to Huỳnh Thúc Kháng: two mouths, no dead end
    k56 = ends[ends["route_id"] == "kiet-56-chi-lang"]
    assert sorted(k56["end_kind"]) == ["mouth", "mouth"]


def test_demo_ward_features(demo_area) -> None:
    assert len(demo_area.buildings) > 300
    assert set(demo_area.poles["kind"]) == {"power_pole", "street_lamp"}
    cams = demo_area.osm_cameras
    assert len(cams) == 5
    assert set(cams["camera:mount"]) == {"wall"}
    assert cams["tags"].map(lambda t: t["ref"]).tolist() == ["C01", "C02", "C03", "C04", "C05"]
    assert demo_area.buildings["levels"].between(1, 4).all()
    # houses line the alleys but never stand on them
    roads = demo_area.metric("segments").buffer(demo_area.segments["width_m"].to_numpy() / 2)
    hits = shapely.STRtree(demo_area.metric("buildings").geometry.to_numpy()).query(
        roads.to_numpy(), predicate="overlaps"
    )
    assert hits.size == 0


def test_area_from_file_round_trip(demo_area, tmp_path: Path) -> None:
    gpkg = tmp_path / "drawn.gpkg"
    seg = demo_area.segments[["name", "highway", "geometry"]]
    seg.to_file(gpkg, layer="routes")
    demo_area.buildings[["geometry"]].to_file(gpkg, layer="buildings")
    demo_area.groups.to_file(gpkg, layer="groups")
    area = covplan.area_from_file(gpkg)
    assert set(area.routes.loc[area.routes["name"] != "", "route_id"]) == set(
        demo_area.routes.loc[demo_area.routes["name"] != "", "route_id"]
    )
    assert len(area.buildings) == len(demo_area.buildings)
    assert area.routes.set_index("name").loc["Kiệt 12 Chi Lăng", "group_id"] == "TDP-01"
    # a GeoJSON mixing lines and polygons works too
    mixed = tmp_path / "mixed.geojson"
    gpd.GeoDataFrame(
        {"name": ["Kiệt 1", ""]},
        geometry=[demo_area.segments.geometry.iloc[0], demo_area.buildings.geometry.iloc[0]],
        crs=4326,
    ).to_file(mixed)
    small = covplan.area_from_file(mixed)
    assert len(small.routes) == 1 and len(small.buildings) == 1


def test_bbox_clips(demo_area) -> None:
    w, s, e, n = demo_area.boundary.bounds
    half = (w, s, w + 0.42 * (e - w), n)  # cuts the streets between junctions
    area = covplan.area_from_xml(datasets.get_path("demo-ward.osm"), bbox=half)
    assert shapely.within(area.segments.geometry.to_numpy(), shapely.box(*half).buffer(1e-9)).all()
    assert area.routes["length_m"].sum() < demo_area.routes["length_m"].sum()
    assert "cut" in set(route_ends(area, planned_only=False)["end_kind"])


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"<osm version='0.6'><node id='1' lat='1' lon='2'/>", "truncated"),
        (b"<html><body>Rate limited</body></html>", "not OpenStreetMap"),
        (b"this is not xml at all", "not well-formed"),
        (b"<osm version='0.6'></osm>", "no nodes"),
        (
            b"<osm version='0.6'><bounds minlat='10' minlon='106' maxlat='11' maxlon='107'/>"
            b"<node id='1' lat='10.5' lon='106.5'/></osm>",
            "no street",
        ),
    ],
)
def test_bad_osm_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "ward.osm"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        covplan.area_from_xml(path)
    assert str(path) in str(err.value)
    assert words in str(err.value)


def test_truncated_bz2(tmp_path: Path) -> None:
    data = bz2.compress(datasets.get_path("demo-ward.osm").read_bytes())
    path = tmp_path / "ward.osm.bz2"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated or damaged") as err:
        covplan.area_from_xml(path)
    assert str(path) in str(err.value)


def test_missing_file_and_bad_bbox(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        covplan.area_from_xml(tmp_path / "nope.osm")
    with pytest.raises(InputError, match="west < east"):
        covplan.area_from_xml(datasets.get_path("demo-ward.osm"), bbox=(107.6, 16.4, 107.5, 16.5))


def test_metric_layers_and_crs_checks(demo_area) -> None:
    m = demo_area.metric("routes")
    assert m.crs.is_projected and m.index.equals(demo_area.routes.index)
    with pytest.raises(ValueError, match="unknown layer"):
        demo_area.metric("roads")  # type: ignore[arg-type]
    with pytest.raises(covplan.CRSError, match="degrees"):
        ensure_metric(demo_area.routes)
    with pytest.raises(covplan.CRSError, match="no CRS"):
        ensure_metric(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]))
    assert metric_crs_for(shapely.Point(106.69, 10.78)).to_epsg() == 32648
    assert metric_crs_for(shapely.Point(105.85, 21.03)).to_epsg() == 32648  # Hà Nội
    assert metric_crs_for(shapely.Point(109.2, 12.2)).to_epsg() == 32649  # Nha Trang


def test_groups_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "groups.geojson"
    gpd.GeoDataFrame(
        {"group_id": ["A"]}, geometry=[shapely.Point(107.58, 16.46)], crs=4326
    ).to_file(bad)
    with pytest.raises(InputError, match="polygons") as err:
        covplan.area_from_xml(datasets.get_path("demo-ward.osm"), groups=bad)
    assert "row 2" in str(err.value)


@pytest.mark.web
def test_area_from_place_downloads() -> None:
    area = covplan.area_from_place("Phường Đa Kao, Quận 1, Thành phố Hồ Chí Minh, Việt Nam")
    assert len(area.routes) > 50 and len(area.buildings) > 100


@pytest.mark.web
def test_area_from_polygon_downloads() -> None:
    poly = shapely.box(106.6900, 10.7850, 106.6930, 10.7880)
    area = covplan.area_from_polygon(poly)
    assert len(area.routes) > 5
