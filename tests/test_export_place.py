"""Find the spot (issue 13): human route titles, named ends, house numbers, map links, region."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from handmade import write_osm
from toy_plan import UTM, X0, Y0, toy_plan

import covplan
from covplan import settings
from covplan.export.place import area_places, map_links, route_title, standing_routes
from covplan.export.tables import install_list
from covplan.vocab.places import alley_word, heading_arrow, lower_first, region_of, resolve_region

MACHINE = ("alley-", "path-", "street-", "lane-", "node/", "way/", "#")


def _pt(x: float, y: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.Point(X0 + x, Y0 + y)], crs=UTM, index=["p"]).to_crs(
        4326
    )


def test_region_and_alley_words(monkeypatch: pytest.MonkeyPatch) -> None:
    assert region_of(107.59, 16.46) == "central"  # Huế
    assert region_of(108.22, 16.05) == "central"  # Đà Nẵng
    assert region_of(106.70, 10.79) == "south"  # Ho Chi Minh City
    assert region_of(105.85, 21.03) == "north"  # Hà Nội
    assert [alley_word("alley", r) for r in ("central", "south", "north")] == [
        "kiệt",
        "hẻm",
        "ngõ",
    ]
    assert alley_word("lane", "north") == "ngách" and alley_word("lane", "central") == "kiệt"
    assert alley_word("alley", "south", "en") == "alley"
    monkeypatch.setattr(settings, "alley_region", "north")
    assert resolve_region(None, 106.70, 10.79) == "north"  # the setting overrides the place
    monkeypatch.setattr(settings, "alley_region", "west")
    with pytest.raises(ValueError, match="region"):
        resolve_region(None)
    assert [heading_arrow(h) for h in (0, 45, 90, 180, 270, 315, 359)] == list("↑↗→↓←↖↑")
    assert lower_first("Võ Thị Sáu", "street") == "đường Võ Thị Sáu"
    assert lower_first("Đường Chi Lăng", "street") == "đường Chi Lăng"
    assert lower_first("Hẻm 12 Tú Xương", "alley") == "Hẻm 12 Tú Xương"


def test_map_links() -> None:
    geo, osm, google = map_links(16.466006, 107.588094)
    assert geo == "geo:16.466006,107.588094"
    assert osm.startswith("https://www.openstreetmap.org/?mlat=16.466006&mlon=107.588094")
    assert google == "https://www.google.com/maps/search/?api=1&query=16.466006,107.588094"
    assert map_links(float("nan"), 1.0) == ("", "", "")


def test_demo_unnamed_alley_title_follows_region(demo_area) -> None:  # type: ignore[no-untyped-def]
    routes = demo_area.routes
    row = routes.loc["alley-w6ut8m2m"]
    assert route_title(row, routes) == "Kiệt không tên thông ra đường Nguyễn Du"  # Huế: kiệt
    assert route_title(row, routes, region="south").startswith("Hẻm không tên thông ra")
    assert route_title(row, routes, region="north").startswith("Ngõ không tên thông ra")
    assert route_title(row, routes, lang="en") == "Unnamed alley off Đường Nguyễn Du"
    assert route_title(routes.loc["kiet-12-chi-lang"], routes) == "Kiệt 12 Chi Lăng"
    assert area_places(demo_area).region == "central"


def test_camera_listed_under_the_route_it_stands_on() -> None:
    """HCMC N363/N717: a camera picked for the alley it watches stood on another route."""
    t = toy_plan()
    routes = t.area.routes
    on_street = _pt(2, 75)  # on Đường Lê Lợi, 25 m from Kiệt 12's line
    at_mouth = _pt(1, 50)  # at Kiệt 12's mouth: on both
    pts = gpd.GeoDataFrame(
        geometry=[on_street.geometry.iloc[0], at_mouth.geometry.iloc[0]], crs=4326, index=[1, 2]
    )
    given = gpd.pd.Series(["kiet-12-le-loi", "kiet-12-le-loi"], index=[1, 2])
    routes = routes.assign(planned=True)
    got = standing_routes(pts, routes, given=given)
    assert list(got) == ["duong-le-loi", "kiet-12-le-loi"]


def test_location_names_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    t = toy_plan()
    new = t.chosen[t.chosen.source == "new"]
    il = install_list(new, sites=t.sites, routes=t.area.routes, groups=t.area.groups)
    texts = " | ".join(il["location"])
    assert "đầu tuyến" not in texts  # "đầu" of what? never again
    assert "miệng kiệt phía đường Lê Lợi" in texts or "cuối kiệt cụt" in texts
    assert all(il["map_geo"].str.startswith("geo:"))
    assert all(il["map_google"].str.contains("google.com/maps"))
    assert set(il["heading_arrow"]) <= set("↑↗→↘↓↙←↖")
    monkeypatch.setattr(settings, "alley_region", "south")
    il = install_list(new, sites=t.sites, routes=t.area.routes, groups=t.area.groups)
    assert "hẻm" in " ".join(il["location"]) and "kiệt cụt" not in " ".join(il["location"])


@pytest.fixture(scope="module")
def hcmc_install(hcmc_area):  # type: ignore[no-untyped-def]
    """Every candidate site of the real HCMC extract as if it got a camera (no solve)."""
    from covplan.geometry import candidate_sites

    sites = candidate_sites(hcmc_area)
    cams = sites.assign(
        heading_deg=np.arange(len(sites)) * 45.0 % 360,
        spec_id="bullet-2mp-3.6",
        mount_height_m=3.5,
        cost=1.0,
    )
    places = area_places(hcmc_area)
    il = install_list(cams, sites=sites, routes=hcmc_area.routes, crs=hcmc_area.crs, places=places)
    return hcmc_area, sites, il, places


def test_hcmc_titles_and_places(hcmc_install) -> None:  # type: ignore[no-untyped-def]
    area, _sites, il, places = hcmc_install
    assert places.region == "south" and len(places.houses) > 150
    planned = area.routes[area.routes["planned"]]
    titles = [places.title(r) for r in planned.index]
    assert not [t for t in titles if not t or any(m in t for m in MACHINE)]
    kinds = planned["kind"]
    unnamed = [
        t
        for r, t in zip(planned.index, titles, strict=True)
        if not planned.loc[r, "name"] and kinds[r] in ("alley", "lane")
    ]
    assert unnamed and all(t.startswith("Hẻm không tên") for t in unnamed)
    assert all("không tên" in t for r, t in zip(planned.index, titles, strict=True)
               if not planned.loc[r, "name"])  # fmt: skip
    assert sum("thông ra" in t for t in unnamed) / len(unnamed) > 0.8
    # every row says where to go and has a link a phone opens
    assert (il["route_name"] != "").all() and (il["location"] != "").all()
    assert il["map_geo"].str.match(r"^geo:\d+\.\d{6},\d+\.\d{6}$").all()
    assert il["map_osm"].str.startswith("https://www.openstreetmap.org/").all()
    assert not il["route_name"].str.contains("|".join(MACHINE), regex=False).any()
    near = (il["near"] != "").mean()
    assert near > 0.25, near  # a house number or landmark within 35 m for many sites
    assert il["near"].str.contains("gần nhà số").any()


def test_hcmc_rows_stand_on_their_route(hcmc_install) -> None:  # type: ignore[no-untyped-def]
    area, _, il, _ = hcmc_install
    routes = area.routes[area.routes["planned"]].to_crs(area.crs)
    pts = il.to_crs(area.crs).geometry
    listed = routes.geometry.reindex(il["route_id"]).to_numpy()
    d_listed = shapely.distance(listed, pts.to_numpy())
    tree = shapely.STRtree(routes.geometry.to_numpy())
    _, d_near = tree.query_nearest(pts.to_numpy(), return_distance=True, all_matches=False)
    assert (d_listed <= d_near + 2.0 + 1e-6).all()


def test_area_keeps_what_a_spot_is_found_by(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The area loader keeps house numbers, named landmarks and pole numbers (one OSM reader)."""
    nodes = {1: (0.0, 0.0), 2: (120.0, 0.0), 3: (60.0, 6.0), 4: (90.0, 5.0), 5: (30.0, -4.0),
             6: (100.0, -5.0), 7: (101.0, -9.0), 8: (105.0, -9.0)}  # fmt: skip
    tags = {
        3: {"addr:housenumber": "181", "addr:street": "Võ Thị Sáu"},
        4: {"shop": "convenience", "name": "Tạp hoá Cô Ba"},
        5: {"power": "pole", "ref": "T12/7"},
        6: {"name": "=not a landmark"},  # a name without a landmark tag: not kept
    }
    ways = [([1, 2], {"highway": "residential", "name": "Hẻm 12"}),
            ([6, 7, 8, 6], {"building": "yes", "addr:housenumber": "12/3"})]  # fmt: skip
    area = covplan.area_from_xml(write_osm(tmp_path / "w.osm", nodes, ways, node_tags=tags))
    p = area.places.set_index("place_id")
    assert p.loc["node/3", "housenumber"] == "181" and p.loc["node/3", "street"] == "Võ Thị Sáu"
    assert p.loc["node/4", "name"] == "Tạp hoá Cô Ba" and p.loc["node/4", "housenumber"] == ""
    assert p.loc["way/1002", "housenumber"] == "12/3"  # a building's number, at its footprint
    assert "node/6" not in p.index and len(p) == 3
    assert area.poles.set_index("pole_id").loc["node/5", "ref"] == "T12/7"
    places = area_places(area)
    assert len(places.houses) == 3 and places.pole_refs == {"node/5": "T12/7"}
