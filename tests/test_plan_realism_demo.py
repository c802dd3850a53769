"""The demo ward planned with default options, judged as a ward would (issue 12).

Every straight kiệt up to about 120 m gets at most two new cameras, at its ends; at
least 90 % of alley ends have a camera (new or kept) within 5 m; no new camera stands
where nothing can hold it; the whole cost is itemised.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import covplan
from covplan import datasets
from covplan.area import intersections
from covplan.plan import plan_ward
from covplan.plan.realism import realism_dict


@pytest.fixture(scope="module")
def demo() -> covplan.Plan:
    area = covplan.area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    return plan_ward(area, survey=str(datasets.get_path("demo-survey.csv")))


def _alleys(area: covplan.Area, max_len_m: float = 125.0) -> dict[str, tuple[int, bool]]:
    """Planned kiệt up to ``max_len_m``: route_id → (bends of 20° or more, straight).

    Straight: no bend over 10° and no junction between its ends.
    """
    routes = area.planned_routes.to_crs(area.crs)
    junctions = intersections(area).to_crs(area.crs)
    out = {}
    for rid, row in routes.iterrows():
        geom = shapely.line_merge(row.geometry)
        if row["kind"] not in ("alley", "lane") or geom.geom_type != "LineString":
            continue
        if geom.length > max_len_m:
            continue
        xy = np.asarray(geom.coords)
        d = np.diff(xy, axis=0)
        head = np.degrees(np.arctan2(d[:, 0], d[:, 1]))
        turn = np.abs((np.diff(head) + 180) % 360 - 180)
        ends = shapely.MultiPoint([xy[0], xy[-1]]).buffer(1.0)
        inner = [p for p in junctions.geometry if geom.distance(p) < 1.0 and not ends.contains(p)]
        out[str(rid)] = (int((turn >= 20.0).sum()), bool((turn <= 10.0).all() and not inner))
    return out


def test_straight_kiet_get_at_most_two_cameras_at_their_ends(demo: covplan.Plan) -> None:
    area = demo.area
    alleys = _alleys(area)
    straight = [rid for rid, (_, is_straight) in alleys.items() if is_straight]
    assert straight  # the demo's kiệt are mostly bent on purpose; one is straight
    routes = area.routes.to_crs(area.crs)
    new = demo.chosen[demo.chosen["source"] == "new"].to_crs(area.crs)
    for rid in straight:
        line = shapely.line_merge(routes.loc[rid].geometry)
        on = new[new["route_id"] == rid]
        assert len(on) <= 2, (rid, len(on))
        a, b = shapely.Point(line.coords[0]), shapely.Point(line.coords[-1])
        for p in on.geometry:
            assert min(p.distance(a), p.distance(b)) <= 5.0, (rid, p)
    # a bent kiệt needs at most one more camera per bend (sight stays in the alley)
    for rid, (bends, _) in alleys.items():
        assert (new["route_id"] == rid).sum() <= 2 + bends, rid


def test_alley_ends_mounts_and_the_whole_cost(demo: covplan.Plan) -> None:
    r = realism_dict(demo)
    assert r["alley_ends_with_camera_share"] >= 0.9
    assert r["new_on_mount_share"] == 1.0
    sites = demo.sites.set_index("site_id")
    new = demo.chosen[demo.chosen["source"] == "new"]
    assert new["site_id"].map(sites["mount"]).notna().all()
    assert not (new["site_id"].map(sites["kind"]) == "edge").any()
    # the whole cost, itemised: every part a ward pays, in whole VND, adding up
    s = demo.summary
    parts = s["cost_parts"]
    assert all(isinstance(v, int) for v in parts.values())
    assert sum(parts.values()) == s["cost_vnd"]
    for part in ("camera", "mount", "cable", "power", "labour", "storage", "connectivity"):
        assert parts[part] > 0, part
    assert parts["camera"] < s["cost_vnd"] * 0.7  # the cameras are not the whole bill
    # far fewer cameras than the old model's 54, and no back-to-back twins 10 m apart
    assert r["new_per_100m_route"] < 2.5
    assert r["nn_site_median_m"] > 20.0
