"""The explorer's map, scenarios, feedback and words, in-process on the demo ward (no browser).

Clicks go through the very handlers the browser's messages reach (``_handle_mouse_events`` of
the ipyleaflet layer, with the message jupyter-leaflet sends); tests/test_explorer_lab.py
clicks the same map in Chromium.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from ipyleaflet import DivIcon, Marker, TileLayer

import covplan
from covplan import datasets
from covplan._style import SYMBOL
from covplan.plan import PlanOptions
from covplan.vocab.explorer import EXPLORER, explorer_word
from covplan.widgets import PlanExplorer

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[1]
# notebook 00's small parameters (tests/test_notebooks.py SMALL), level "observe" everywhere
OPTIONS = PlanOptions(
    spacing_m=10.0, site_spacing_m=10.0, headings=4, level_by_kind="observe", time_limit_s=30.0
)


@pytest.fixture(scope="module")
def ward() -> tuple[covplan.Area, covplan.Survey]:
    area = covplan.area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    return area, covplan.read_survey(datasets.get_path("demo-survey.csv"), area=area)


@pytest.fixture(scope="module")
def opened(ward: tuple[covplan.Area, covplan.Survey]) -> PlanExplorer:
    area, survey = ward
    return PlanExplorer(area, survey=survey, options=OPTIONS, background=False)


@pytest.fixture()
def explorer(opened: PlanExplorer) -> PlanExplorer:
    """The module's explorer, back on its first plan and in "show" mode (one solve saved)."""
    opened.controls["click_mode"].value = "show"
    if opened.plan is not opened.scenarios[0]:
        opened.show_scenario(1)
    return opened


def _click_feature(layer: Any, properties: dict[str, Any]) -> None:
    """What jupyter-leaflet sends the kernel when a GeoJSON feature is clicked."""
    layer._handle_mouse_events(None, {"event": "click", "properties": properties}, [])


def _click_marker(marker: Marker) -> None:
    marker._handle_mouse_events(None, {"type": "click", "coordinates": marker.location}, [])


# ---------------------------------------------------------------- words


def test_every_word_in_both_languages_vi_first() -> None:
    for key, entry in EXPLORER.items():
        assert set(entry) == {"vi", "en"}, key
        for text in entry.values():
            assert text.strip() and unicodedata.normalize("NFC", text) == text, key
    assert explorer_word("mode_forbid") == "Cấm"  # vi is the default
    assert explorer_word("mode_forbid", "en") == "Forbid"
    with pytest.raises(ValueError, match="language"):
        explorer_word("mode_forbid", "fr")
    with pytest.raises(KeyError):
        explorer_word("no_such_word")
    # every key the widgets ask for exists
    used: set[str] = set()
    for path in (ROOT / "covplan" / "widgets").glob("*.py"):
        text = path.read_text()
        used |= set(re.findall(r"(?:explorer_word|_word)\(\s*\"([a-z_]+)\"", text))
        used |= {f"mode_{m}" for m in ("show", "pin", "forbid", "release")}
    assert used and used <= set(EXPLORER), sorted(used - set(EXPLORER))


def test_panel_reads_right(explorer: PlanExplorer) -> None:
    c = explorer.controls
    assert c["spec"].value == "" and c["spec"].label == "mọi loại"  # starts at "any"
    for name, widget in c.items():
        if hasattr(widget, "description") and widget.description:
            assert widget.tooltip not in (None, "", "null"), name  # no "null" tooltips
        if hasattr(widget, "style") and hasattr(widget.style, "description_width"):
            assert widget.style.description_width in ("", "initial"), name  # labels not cut
    assert c["click_mode"].value == "show"
    assert len(set(c["click_mode"].tooltips)) == 4
    assert "lắp mới" in c["headline"].value and "100.0%" in c["headline"].value
    # new, re-aimed, kept, unused, unseen, pinned, forbidden: one glyph each
    assert len(set(SYMBOL.values())) == len(SYMBOL)


# ---------------------------------------------------------------- the map


def test_map_is_offline_until_tiles_are_asked(explorer: PlanExplorer) -> None:
    m = explorer.map.map
    assert not [x for x in m.layers if isinstance(x, TileLayer)]  # no basemap by default
    markers = [x for x in explorer.map.layers["cameras"].layers if isinstance(x, Marker)]
    assert markers and all(isinstance(x.icon, DivIcon) for x in markers)  # no icon fetched
    assert all(not x.draggable for x in markers)
    codes = {x.name for x in markers}
    plan = explorer.plan
    assert set(plan.install["code"]) <= codes and set(plan.reaim["code"]) <= codes
    kinds = {
        f["properties"]["coverage_class"] for f in explorer.map.layers["routes"].data["features"]
    }
    assert "covered" in kinds
    explorer.controls["osm_tiles"].value = True
    tiles = [x for x in m.layers if isinstance(x, TileLayer)]
    assert len(tiles) == 1 and "openstreetmap" in tiles[0].url
    explorer.controls["osm_tiles"].value = False
    assert not [x for x in m.layers if isinstance(x, TileLayer)]


def test_click_a_mount_to_forbid_pin_and_release(explorer: PlanExplorer) -> None:
    plan = explorer.plan
    first_headline = explorer.headline()
    site = plan.new_sites[0]
    used = explorer.map.layers["sites_used"]
    assert site in {f["properties"]["site_id"] for f in used.data["features"]}
    # in "show" mode a click shows the mount's row and changes nothing
    _click_feature(used, {"site_id": site})
    assert explorer.plan is plan and explorer.selected["site_id"] == site
    explorer.controls["click_mode"].value = "forbid"
    _click_feature(used, {"site_id": site})
    assert explorer.plan is not plan
    assert explorer.plan.options.forbidden_sites == {site}
    assert site not in explorer.plan.new_sites
    assert explorer.headline() != first_headline and "Cấm 1" in explorer.headline()
    forbidden = explorer.map.layers["sites_forbidden"].data["features"]
    assert [f["properties"]["site_id"] for f in forbidden] == [site]
    marks = explorer.map.layers["marks"].layers
    assert [x.name for x in marks] == [site] and SYMBOL["forbidden"] in marks[0].icon.html
    # a click on a new camera in pin mode pins the mount it stands on
    explorer.controls["click_mode"].value = "pin"
    cam = next(
        x
        for x in explorer.map.layers["cameras"].layers
        if "covplan-cam-new" in x.icon.html and x.name == explorer.plan.install["code"].iloc[0]
    )
    under = str(explorer.plan.install["site_id"].iloc[0])
    _click_marker(cam)
    assert under in explorer.plan.options.pinned_sites
    explorer.controls["click_mode"].value = "release"
    _click_feature(explorer.map.layers["sites_forbidden"], {"site_id": site})
    _click_feature(explorer.map.layers["sites_pinned"], {"site_id": under})
    assert not explorer.options.pinned_sites and not explorer.options.forbidden_sites
    assert explorer.plan.summary["new_cameras"] == plan.summary["new_cameras"]
    assert explorer.seconds and max(explorer.seconds) < 30


def test_click_a_camera_or_route_shows_its_row(explorer: PlanExplorer) -> None:
    plan = explorer.plan
    code = str(plan.install["code"].iloc[0])
    cam = next(x for x in explorer.map.layers["cameras"].layers if x.name == code)
    _click_marker(cam)
    row = explorer.selected
    install = plan.install.iloc[0]
    for col in ("code", "site_id", "route_name", "heading_deg", "spec_name", "cost_vnd"):
        assert row[col] == install[col], col
    assert "Mã camera" in explorer.controls["row"].value and code in explorer.controls["row"].value
    reaim = str(plan.reaim["code"].iloc[0])
    _click_marker(next(x for x in explorer.map.layers["cameras"].layers if x.name == reaim))
    assert explorer.selected["code"] == reaim
    feature = explorer.map.layers["routes"].data["features"][0]
    _click_feature(explorer.map.layers["routes"], feature["properties"])
    assert explorer.selected["clicked"] == "route"
    assert explorer.selected["n_targets"] == feature["properties"]["n_targets"]
    assert "null" not in explorer.controls["row"].value


# ---------------------------------------------------------------- scenarios


def test_scenarios_side_by_side(explorer: PlanExplorer, tmp_path: Path) -> None:
    site = explorer.plan.new_sites[0]
    explorer.forbid(site)
    forbid_no = explorer.controls["scenario"].value  # the scenario on show
    explorer.set_options(budget_vnd=40_000_000)
    explorer.solve()
    budget_no = explorer.controls["scenario"].value
    table = explorer.scenario_table().set_index("scenario")
    assert table.loc[1, "knobs"] == "ban đầu"
    assert table.loc[forbid_no, "knobs"] == f"Cấm {site}"
    assert table.loc[budget_no, "knobs"].startswith("Ngân sách 40.000.000")
    assert table.loc[budget_no, "cost_vnd"] <= 40_000_000 < table.loc[1, "cost_vnd"]
    assert table["pareto"].any() and table.loc[1, "pareto"]  # the full plan is on the front
    assert set(table.loc[1, "share_by_group"]) == {"TDP-01", "TDP-02", "TDP-03"}
    html = explorer.controls["scenarios"].value
    assert html.count("<tr") == len(table) + 1 and "★" in html and "đang hiện" in html
    # pick the first to show: plan, knobs and pins come back
    explorer.controls["scenario"].value = 1
    explorer.controls["show_scenario"].click()
    assert explorer.plan is explorer.scenarios[0]
    assert explorer.options == OPTIONS.replace() and explorer.controls["budget_mvnd"].value == 0
    # write the forbid scenario out
    explorer.controls["scenario"].value = forbid_no
    explorer.controls["out_dir"].value = str(tmp_path / "forbid")
    explorer.write_options = {"tiles": None, "maps": False}
    explorer.controls["write"].click()
    summary = json.loads((tmp_path / "forbid" / "summary.json").read_text())
    assert summary["options"]["forbidden_sites"] == [site]
    assert (tmp_path / "forbid" / "sites.txt").read_text().splitlines()[1:] == [f"forbid {site}"]
    assert "forbid" in explorer.controls["status"].value


def test_saved_notebook_keeps_a_picture_and_table(explorer: PlanExplorer) -> None:
    bundle = explorer.result_bundle()
    assert set(bundle) == {"image/png", "text/html", "text/plain"}
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert "<table>" in bundle["text/html"] and "data:image/png;base64," in bundle["text/html"]
    assert explorer.headline() in bundle["text/plain"]
