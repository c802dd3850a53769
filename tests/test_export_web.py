"""The phone map (map.html): one self-contained file, readable at 390 × 844 with no network.

Read as a page (no CDN, Leaflet inlined, viewport, languages, re-aim popups with the
address) and opened in Debian's headless Chromium with every host but localhost
unresolvable: the camera markers are found and one popup opened, nothing is fetched, the
offline notice is in view, the legend folds; a screenshot goes to /tmp/map-390.png.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors, external_requests
from toy_plan import toy_plan

from covplan.export import segment_coverage
from covplan.export.tables import install_list
from covplan.export.web import html_map, leaflet_asset, write_html_map
from covplan.geometry import view_polygons

SCREENSHOT = Path("/tmp/map-390.png")


@pytest.fixture(scope="module")
def toy() -> dict[str, Any]:
    """The toy plan's layers: 3 new cameras, 2 to re-aim, 1 kept, 1 unused."""
    t = toy_plan()
    a = t.area
    il = install_list(
        t.chosen[t.chosen.source == "new"],
        sites=t.sites,
        routes=a.routes,
        groups=a.groups,
        catalogue=t.catalogue,
    )
    ex = t.cameras.assign(
        role=["reaim", "reaim", "keep", "unused"],
        number=["R01", "R02", "K01", ""],
        heading_now_deg=t.cameras["heading_deg"],
        heading_new_deg=[200.0, 10.0, float("nan"), float("nan")],
    ).drop(columns=["address"])
    cones = view_polygons(t.chosen.assign(number="x"), a.buildings, crs=a.crs)
    layers = {
        "routes": segment_coverage(a.segments, t.targets),
        "view_cones": cones[~cones.geometry.is_empty],
        "unseen_targets": t.targets[t.targets.cover_count < t.targets.k_required],
        "existing_cameras": ex,
        "new_cameras": il,
    }
    reaim = ex[ex.role == "reaim"][["number"]].rename(columns={"number": "code"})
    reaim["address"] = ["12 Lê Lợi", "40/3 Lê Lợi"]
    return {"plan": t, "layers": layers, "reaim": reaim}


def _calls(page: str) -> dict[str, Any]:
    """The data the page embeds, one FeatureCollection a layer."""
    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r"^geo_json_(\w+)_add\((\{.*\})\);$", page, re.M)
    }


def test_page_is_one_file_that_fetches_nothing(toy: dict[str, Any]) -> None:
    page = html_map(toy["layers"], buildings=toy["plan"].area.buildings, tiles=None)
    assert '<meta name="viewport" content="width=device-width' in page
    assert '<html lang="vi">' in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # nothing loaded
    assert not re.search(r"@import|url\((?!data:|#)", page)  # the stylesheets fetch nothing
    for cdn in ("unpkg", "jsdelivr", "cdnjs", "bootstrap", "jquery", "font-awesome"):
        assert cdn not in page.lower(), cdn
    assert leaflet_asset("leaflet.js") in page  # Leaflet itself, inlined
    assert "images/layers.png" not in page and "data:image/png;base64," in page
    assert "tile.openstreetmap.org" not in page  # tiles=None offers no background


def test_layers_and_popups(toy: dict[str, Any]) -> None:
    layers = toy["layers"]
    page = html_map(layers, buildings=toy["plan"].area.buildings, reaim=toy["reaim"])
    data = _calls(page)
    assert set(data) == {"buildings", "routes", "cones", "unseen", "cameras"}
    assert len(data["routes"]["features"]) == len(layers["routes"])
    colours = {f["properties"]["colour"] for f in data["routes"]["features"]}
    assert len(colours) >= 2  # coloured by coverage
    cams = {f["properties"]["code"]: f["properties"] for f in data["cameras"]["features"]}
    assert {"N01", "N02", "N03", "R01", "R02", "K01"} <= set(cams)
    assert [p["role"] for p in cams.values()].count("unused") == 1
    new = dict(cams["N01"]["rows"])
    assert new["Tuyến"] == "Kiệt 12 Lê Lợi" and "Hướng quay (độ)" in new
    reaim = dict(cams["R01"]["rows"])
    assert reaim["Địa chỉ"] == "12 Lê Lợi"  # the re-aim list's address reaches the popup
    assert "→" in reaim["Hướng mới (độ)"]  # current → new heading
    assert len(data["cones"]["features"]) == len(layers["view_cones"])
    # the camera list below the map: every new, re-aim and kept camera, with its route
    assert page.count("<li data-code=") == 6 and "Kiệt 12 Lê Lợi" in page
    assert "tile.openstreetmap.org" in page  # the background is offered (off by default)


def test_english(toy: dict[str, Any]) -> None:
    page = html_map(toy["layers"], lang="en", tiles=None)
    assert '<html lang="en">' in page
    assert "Legend and layers" in page and "Camera list (6)" in page
    assert "Chú giải" not in page and "Danh sách camera" not in page
    cams = {f["properties"]["code"]: f for f in _calls(page)["cameras"]["features"]}
    assert dict(cams["N01"]["properties"]["rows"])["Route"] == "Kiệt 12 Lê Lợi"


@pytest.fixture(scope="module")
def demo_map(demo_area: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo ward planned with its survey, its phone map written as the plan does."""
    from covplan import datasets
    from covplan.plan import plan_ward
    from covplan.survey import read_survey

    survey = read_survey(datasets.get_path("demo-survey.csv"), area=demo_area)
    plan = plan_ward(demo_area, survey=survey, name="Phường mẫu (dữ liệu giả lập)")
    path = tmp_path_factory.mktemp("web") / "map.html"
    write_html_map(
        path,
        plan.layers(),
        buildings=plan.area.buildings,
        title=f"Bản đồ camera — {plan.name}",
        reaim=plan.reaim,
    )
    return {"plan": plan, "path": path}


def _rect(driver: Any, selector: str) -> dict[str, float]:
    rect: dict[str, float] = driver.execute_script(
        "var r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};",
        selector,
    )
    return rect


def test_phone_offline_in_chromium(demo_map: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    plan = demo_map["plan"]
    existing = plan.layers()["existing_cameras"]
    n_cams = len(plan.install) + int(existing["role"].isin(["reaim", "keep"]).sum())
    with chromium(width=390, height=844, block_network=True) as driver:
        driver.get(demo_map["path"].as_uri())
        deadline = time.monotonic() + 20
        markers: list[Any] = []
        while time.monotonic() < deadline and len(markers) < n_cams:
            markers = driver.find_elements(By.CSS_SELECTOR, ".covplan-cam")
            time.sleep(0.2)
        assert len(markers) == n_cams  # every camera of the plan is a marker (unused: off)
        assert external_requests(driver) == []  # nothing from the network
        assert console_errors(driver) == []
        width = driver.execute_script("return document.documentElement.clientWidth")
        assert width == 390  # the viewport meta: laid out for the phone, not zoomed out
        # the offline notice is in view, below the title, not under it
        title, notice = _rect(driver, "#covplan-bar h1"), _rect(driver, "#covplan-offline")
        assert notice["top"] >= title["bottom"] - 1 and notice["bottom"] < 844 / 4
        assert driver.find_element(By.ID, "covplan-offline").is_displayed()
        # the map takes most of the screen; the legend is folded on a phone
        map_box = _rect(driver, "#covplan-map")
        assert map_box["bottom"] - map_box["top"] > 844 * 0.6
        legend = driver.find_element(By.ID, "covplan-legend")
        assert legend.get_attribute("open") is None
        # tap a new camera: its popup shows the install-list fields and map links
        new = [m for m in markers if "covplan-cam-new" in m.get_attribute("class")]
        code = new[0].text.strip()
        new[0].click()
        time.sleep(0.5)  # the map pans the popup into view
        popup = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content")
        assert popup.is_displayed()
        text = popup.get_attribute("textContent")
        row = plan.install[plan.install["code"] == code].iloc[0]
        assert code in text and str(row["route_name"]) in text
        assert "Hướng quay" in text and "Loại camera" in text
        links = [a.get_attribute("href") for a in popup.find_elements(By.TAG_NAME, "a")]
        assert any(h.startswith("geo:") for h in links)
        assert any("openstreetmap.org" in h for h in links)
        driver.save_screenshot(str(SCREENSHOT))
        # the legend opens, and a layer can be switched off
        driver.find_element(By.CSS_SELECTOR, "#covplan-legend summary").click()
        box = driver.find_element(By.CSS_SELECTOR, "input[data-layer='new']")
        assert box.is_displayed() and box.is_selected()
        box.click()
        assert driver.find_elements(By.CSS_SELECTOR, ".covplan-cam-new") == []
        # the camera list: tapping an entry brings its camera back with its popup
        box.click()
        driver.find_element(By.CSS_SELECTOR, "#covplan-list summary").click()
        driver.find_element(By.CSS_SELECTOR, f"li[data-code='{code}']").click()
        time.sleep(0.5)
        popup = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content")
        assert code in popup.get_attribute("textContent")
    assert SCREENSHOT.stat().st_size > 10_000
