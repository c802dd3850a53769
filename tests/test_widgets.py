"""covplan.widgets: the notebook explorer re-solves for real, without a browser."""

from __future__ import annotations

import numpy as np
import pytest

import covplan
from covplan import datasets
from covplan.check.verify import CameraPose, verify_camera
from covplan.plan import PlanOptions
from covplan.widgets import PlanExplorer, draw_plan, site_choices, synthetic_road_clip

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def ward() -> tuple[covplan.Area, covplan.Survey]:
    area = covplan.area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    survey = covplan.read_survey(datasets.get_path("demo-survey.csv"), area=area)
    return area, survey


@pytest.fixture(scope="module")
def explorer(ward: tuple[covplan.Area, covplan.Survey]) -> PlanExplorer:
    area, survey = ward
    return PlanExplorer(
        area, survey=survey, background=False, lang="en", headings=4, time_limit_s=30
    )


def test_first_plan_covers_the_ward(explorer: PlanExplorer) -> None:
    f = explorer.plan.summary
    assert f["new_cameras"] > 0
    assert f["coverage"]["overall"] == pytest.approx(1.0)
    assert f["greedy_cameras"] >= f["new_cameras"]
    # the live map: routes coloured by coverage, the plan's new cameras drawn with their codes
    routes = explorer.map.layers["routes"].data["features"]
    assert routes and all("style" in f["properties"] for f in routes)
    codes = {m.name for m in explorer.map.layers["cameras"].layers}
    assert set(explorer.plan.install["code"]) <= codes
    assert "New cameras" in explorer.controls["numbers"].value
    # the site dropdown lists the candidate sites, those in the plan marked
    labels = [t for t, _ in explorer.controls["site"].options]
    assert len(labels) == len(explorer.plan.sites)
    assert sum(t.startswith("● ") for t in labels) == len(explorer.plan.new_sites)


def test_turning_a_widget_resolves(explorer: PlanExplorer) -> None:
    before = explorer.plan
    cones = explorer.map.layers["cones"].data
    n = len(explorer.history)
    explorer.controls["headings"].value = 8  # as a planner would, in the panel
    after = explorer.plan
    assert len(explorer.history) == n + 1
    assert after.options.headings == 8
    assert len(after.poses) > len(before.poses)  # twice the headings at every site
    # a real re-solve: more headings can only help, and here they do
    assert after.summary["new_cameras"] < before.summary["new_cameras"]
    assert explorer.map.layers["cones"].data != cones
    explorer.controls["headings"].value = 4
    assert explorer.plan.summary["new_cameras"] == before.summary["new_cameras"]


def test_toggles_redraw_without_resolving(explorer: PlanExplorer) -> None:
    n = len(explorer.history)
    cones = explorer.map.layers["cones"]
    assert cones in explorer.map.map.layers
    explorer.controls["show_cones"].value = False
    assert cones not in explorer.map.map.layers
    assert len(explorer.history) == n
    explorer.controls["show_cones"].value = True
    assert cones in explorer.map.map.layers


def test_pin_and_forbid_a_site(explorer: PlanExplorer) -> None:
    state = explorer.plan
    used = state.new_sites[0]
    explorer.forbid(used)
    assert used not in explorer.plan.new_sites
    assert used in explorer.plan.options.forbidden_sites
    assert explorer.plan.summary["coverage"]["overall"] == pytest.approx(1.0)  # planned around it
    assert "Forbidden" in explorer.controls["pinned"].value
    # pin a site that no plan so far has used: a new camera appears there
    unused = next(s for s in state.sites["site_id"] if s not in state.new_sites and s != used)
    explorer.controls["site"].value = unused
    explorer.controls["pin"].click()
    assert unused in explorer.plan.new_sites
    assert explorer.plan.options.pinned_sites == frozenset({unused})
    assert used not in explorer.plan.options.pinned_sites
    explorer.release(unused)
    explorer.release(used)
    assert not explorer.options.pinned_sites and not explorer.options.forbidden_sites
    assert explorer.plan.summary["new_cameras"] == state.summary["new_cameras"]


def test_set_knobs_mirrors_the_widgets(explorer: PlanExplorer) -> None:
    explorer.set_options(level="recognise", k_at_ends=2)
    assert explorer.controls["level"].value == "recognise"
    assert explorer.controls["k_at_ends"].value == 2
    explorer.set_options(level="detect", k_at_ends=1)  # the ward's rule: detect along alleys
    assert explorer.options == PlanOptions(headings=4, time_limit_s=30)


def test_worker_solve_and_stop(ward: tuple[covplan.Area, covplan.Survey]) -> None:
    area, survey = ward
    ex = PlanExplorer(area, survey=survey, background=True, lang="en", headings=4, time_limit_s=30)
    first = ex.plan.summary["new_cameras"]
    ex.controls["headings"].value = 8  # runs in a worker process
    assert ex.wait(180)
    assert not ex.running
    assert ex.plan.options.headings == 8
    assert ex.plan.summary["new_cameras"] < first
    shown = ex.plan
    # a budget solve with a long limit, stopped: the worker ends, the plan stays
    ex.controls["time_limit"].value = 600
    assert ex.controls["progress"].value > 0  # feedback from the change on, before any stage
    ex.controls["budget_mvnd"].value = 20.0
    assert ex.running
    assert not ex.controls["stop"].disabled
    ex.stop()
    assert not ex.running
    assert ex.plan is shown
    assert "Stopped" in ex.controls["status"].value
    # the knobs are back to the plan on screen
    assert ex.options == shown.options
    assert ex.controls["time_limit"].value == int(shown.options.time_limit_s)
    assert ex.controls["budget_mvnd"].value == 0.0


def test_draw_plan_layers(
    explorer: PlanExplorer,
) -> None:
    fig = draw_plan(explorer.plan, lang="vi")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("Camera lắp mới") for t in labels)
    fig = draw_plan(explorer.plan, show_new=False, show_existing=False)
    legend = fig.axes[0].get_legend()
    assert legend is None or not any("camera" in t.get_text() for t in legend.get_texts())


def test_site_choices_order(
    explorer: PlanExplorer, ward: tuple[covplan.Area, covplan.Survey]
) -> None:
    area, _ = ward
    opts = site_choices(explorer.plan.sites, area.routes)
    assert {sid for _, sid in opts} == set(explorer.plan.sites["site_id"])
    kinds = [t.split(" · ")[0] for t, _ in opts]
    assert kinds[0] in {"pole", "street_lamp"}


def test_synthetic_clip_verifies() -> None:
    pose = CameraPose(
        heading_deg=30.0,
        mount_height_m=4.0,
        tilt_deg=15.0,
        hfov_deg=88.0,
        width_px=480,
        height_px=270,
        lon=107.58,
        lat=16.47,
    )
    frames, targets = synthetic_road_clip(pose, n_frames=20)
    assert len(frames) == 20 and frames[0].shape == (270, 480, 3)
    assert not np.array_equal(frames[0], frames[10])  # the cars move
    v = verify_camera(frames, pose, targets)
    assert v.targets["in_frame"].mean() > 0.8
    assert v.passed, v.record["reasons"]
    # the same clip checked against a pose turned away fails
    wrong = CameraPose(
        heading_deg=210.0,
        mount_height_m=4.0,
        tilt_deg=15.0,
        hfov_deg=88.0,
        width_px=480,
        height_px=270,
        lon=107.58,
        lat=16.47,
    )
    assert not verify_camera(frames, wrong, targets).passed


def test_trade_offs_table_and_camera_class_knob(explorer: PlanExplorer) -> None:
    table = explorer.trade_offs()
    assert len(table) == 6 and table["pareto"].any()
    assert set(table["camera_class"]) == {"ordinary", "all"}
    # more demanding rules never take fewer cameras with the same class
    for cls in ("ordinary", "all"):
        part = table[table["camera_class"] == cls].set_index("level_along")
        assert part.loc["detect", "new_cameras"] <= part.loc["recognise", "new_cameras"]
    # the table shows on the panel, in the explorer's language
    assert "Pareto" in explorer.controls["pareto_table"].value
    # the camera-class knob re-solves with the whole catalogue
    explorer.controls["camera_class"].value = "all"
    assert explorer.plan.options.camera_class == "all"
    explorer.controls["camera_class"].value = "ordinary"
    assert explorer.plan.options == explorer.options
