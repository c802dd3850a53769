"""The real Ho Chi Minh City extract: counts checked against the file itself.

Expected figures are read off the OSM XML here with ElementTree and shapely, not
off covplan's own output.
"""

from __future__ import annotations

import bz2
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from covplan.area import route_ends
from covplan.area.routes import route_key


@pytest.fixture(scope="module")
def osm(hcmc_osm: Path) -> dict:
    root = ET.parse(bz2.open(hcmc_osm)).getroot()
    b = root.find("bounds").attrib
    bbox = box(float(b["minlon"]), float(b["minlat"]), float(b["maxlon"]), float(b["maxlat"]))
    xy = {n.get("id"): (float(n.get("lon")), float(n.get("lat"))) for n in root.iter("node")}
    tags = lambda e: {t.get("k"): t.get("v") for t in e.iter("tag")}  # noqa: E731
    nodes = [(n, tags(n)) for n in root.iter("node")]
    ways = [(w, tags(w), [xy[r.get("ref")] for r in w.iter("nd")]) for w in root.iter("way")]
    rels = [(r, tags(r)) for r in root.iter("relation")]
    return {"bbox": bbox, "nodes": nodes, "ways": ways, "rels": rels, "xy": xy}


def test_buildings_match_the_file(hcmc_area, osm) -> None:
    bbox = osm["bbox"]
    ways = sum(
        1
        for _, t, pts in osm["ways"]
        if "building" in t and len(pts) >= 4 and Polygon(pts).intersects(bbox)
    )
    # multipolygon building relations are footprints; a type=building relation groups
    # parts of a building already mapped as ways, so it is not counted twice
    rels = sum(1 for _, t in osm["rels"] if "building" in t and t.get("type") == "multipolygon")
    assert ways == 690
    assert len(hcmc_area.buildings) == ways + rels == 695
    assert hcmc_area.buildings.index.is_unique


def test_poles_match_the_file(hcmc_area, osm) -> None:
    bbox = osm["bbox"]
    expected = sorted(
        f"node/{n.get('id')}"
        for n, t in osm["nodes"]
        if (t.get("power") == "pole" or t.get("highway") == "street_lamp")
        and bbox.contains(shapely.Point(float(n.get("lon")), float(n.get("lat"))))
    )
    assert len(expected) == 19  # 81 power=pole nodes in the file, 19 inside <bounds>
    assert sorted(hcmc_area.poles.index) == expected


def test_osm_cameras_match_the_file(hcmc_area, osm) -> None:
    expected = [n.get("id") for n, t in osm["nodes"] if t.get("man_made") == "surveillance"]
    assert [str(i) for i in hcmc_area.osm_cameras["osm_id"]] == expected
    assert hcmc_area.osm_cameras["tags"].iloc[0]["man_made"] == "surveillance"


def _route_ways(osm: dict) -> list[tuple[dict, LineString]]:
    keep = {
        "primary", "secondary", "tertiary", "residential", "service", "footway", "steps",
        "primary_link", "living_street", "path", "pedestrian", "unclassified",
    }  # fmt: skip
    return [
        (t, LineString(pts))
        for _, t, pts in osm["ways"]
        if t.get("highway") in keep and len(pts) >= 2 and LineString(pts).intersects(osm["bbox"])
    ]


def test_named_routes_match_the_file(hcmc_area, osm) -> None:
    names = {route_key(t["name"]) for t, _ in _route_ways(osm) if t.get("name")}
    routes = hcmc_area.routes
    got = {route_key(n) for n in routes.loc[routes["name"] != "", "name"]}
    assert got == names
    # each name key is one route unless the same name lies in pieces that do not touch
    assert routes.loc[routes["name"] != "", "name"].map(route_key).nunique() == len(names)


def test_alleys_by_name_match_the_file(hcmc_area, osm) -> None:
    hem = {
        route_key(t["name"])
        for t, _ in _route_ways(osm)
        if t.get("name", "").startswith(("Hẻm", "Ngõ", "Kiệt"))
    }
    routes = hcmc_area.routes
    alleys = routes[routes["kind"].isin(["alley", "lane"]) & (routes["name"] != "")]
    got = {route_key(n) for n in alleys["name"]}
    assert hem <= got
    # the other named alleys are alleys by tag: named highway=service ways
    service_names = {
        route_key(t["name"])
        for t, _ in _route_ways(osm)
        if t.get("highway") == "service" and t.get("name")
    }
    assert got - hem <= service_names
    assert len(hem) > 80
    # branch alleys (a slash in the number) are lanes; the rest alleys
    slash = routes.loc[routes["name"].str.contains("/"), "kind"]
    assert len(slash) > 0 and set(slash) == {"lane"}


def test_alleys_by_tag_match_the_file(hcmc_area, osm) -> None:
    expected = {
        t_id
        for (w, t, pts) in osm["ways"]
        for t_id in [w.get("id")]
        if t.get("highway") == "service"
        and t.get("service") == "alley"
        and not t.get("name")
        and len(pts) >= 2
        and LineString(pts).intersects(osm["bbox"])
    }
    seg = hcmc_area.segments
    unnamed_alleys = seg[
        (seg["kind"] == "alley") & (seg["name"] == "") & (seg["service"] == "alley")
    ]
    got = {i for ids in unnamed_alleys["osmid"] for i in ids.split(";")}
    assert got == expected
    assert len(expected) > 50
    # unnamed alleys get readable ids: kind and geohash
    ids = hcmc_area.routes.loc[hcmc_area.routes["name"] == "", "route_id"]
    assert ids.str.fullmatch(r"(alley|lane|path|street)-[0-9a-z]{8}(-\d+)?").all()


def test_vietnamese_names_intact(hcmc_area) -> None:
    names = set(hcmc_area.routes["name"])
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert "Hẻm 146/35 Võ Thị Sáu" in names
    # the file spells one street with an Icelandic eth (U+00D0): it is one Vietnamese Đ here
    assert "Đinh Công Tráng" in names and not any("\u00d0" in n for n in names)
    # "Hai Bà Trưng" and "Đường Hai Bà Trưng" are one street
    assert (hcmc_area.routes["route_id"] == "hai-ba-trung").sum() == 1


def test_clipped_to_bounds_and_no_reverse_duplicates(hcmc_area, osm) -> None:
    seg = hcmc_area.segments
    assert shapely.within(seg.geometry.to_numpy(), osm["bbox"].buffer(1e-9)).all()
    pairs = {
        (*tuple(sorted((u, v))), round(g.length, 9))
        for u, v, g in zip(seg["u"], seg["v"], seg.geometry, strict=False)
    }
    assert len(pairs) == len(seg)
    ends = route_ends(hcmc_area)
    assert {"dead_end", "mouth", "cut", "stub"} == set(ends["end_kind"])
    # arterial streets are off the plan by default (and minor ways: issue 12)
    r = hcmc_area.routes
    assert not r.loc[r["arterial"], "planned"].any()
    assert r.loc[~r["arterial"] & (r["unplanned_reason"] == ""), "planned"].all()
