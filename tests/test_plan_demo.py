"""End to end on the embedded (synthetic) demo ward: plan_ward, Plan.write, reading back."""

import json

import geopandas as gpd
import openpyxl
import pytest

from covplan import datasets
from covplan.area import area_from_xml
from covplan.plan import plan_ward, summary_text
from covplan.plan.write import STATE_DIR

KEYS = {"new_cameras", "reaimed_cameras", "cost_vnd", "coverage", "bound", "gap",
        "greedy_cameras", "seconds"}  # fmt: skip


@pytest.fixture(scope="module")
def plan():
    area = area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    return plan_ward(
        area,
        survey=datasets.get_path("demo-survey.csv"),
        specs=["bullet-2mp-3.6", "bullet-4mp-6"],
        time_limit_s=8,
        phases=True,
        name="Phường mẫu",
    )


def test_summary(plan):
    s = plan.summary
    assert KEYS <= set(s)
    assert s["new_cameras"] == len(plan.install) > 0
    assert s["reaimed_cameras"] == len(plan.reaim)
    # the whole cost, by part: the cameras' prices are one part of it
    assert isinstance(s["cost_vnd"], int) and s["cost_vnd"] == int(plan.bill["vnd"].sum())
    assert s["cost_parts"]["camera"] == plan.install["price_vnd"].sum()
    assert s["cost_parts"]["reaim"] == 200_000 * len(plan.reaim)
    assert set(s["cost_parts"]) == {
        "camera", "mount", "cable", "power", "labour", "storage", "connectivity", "reaim",
    }  # fmt: skip
    # each camera's own whole cost (its mount included) adds up to the bill
    assert plan.install["cost_vnd"].sum() + s["cost_parts"]["reaim"] >= s["cost_vnd"]
    assert s["mounts"] and sum(s["mounts"].values()) == s["new_cameras"]
    assert 0.9 <= s["coverage"]["overall"] <= 1.0
    assert set(s["coverage"]["by_group"]) >= {"TDP-01", "TDP-02", "TDP-03"}
    assert s["greedy_cameras"] >= s["new_cameras"]  # the ILP is never worse than greedy
    assert s["bound_new_cameras"] <= s["new_cameras"]
    assert {"targets", "coverage", "solve"} <= set(s["seconds"])
    assert s["synthetic"] is True
    text = summary_text(s, "vi")
    assert "Camera lắp mới" in text and "Tổ dân phố 1" in text
    assert "Chi phí theo hạng mục" in text and "Thí điểm" in text
    assert "New cameras" in summary_text(s, "en")


def test_lists_match_plan(plan):
    chosen = plan.chosen
    assert (chosen["source"] == "new").sum() == len(plan.install)
    assert set(plan.install["phase"]) == {"pilot", "phase_1", "phase_2"}
    assert set(plan.install["mount"]) <= {"pole", "street_lamp", "wall", "gate", "new_pole"}
    assert plan.install["code"].is_unique
    roles = plan.cameras["role"].value_counts()
    assert roles.get("reaim", 0) == len(plan.reaim)
    assert roles.get("keep", 0) == plan.summary["kept_cameras"]


def test_write_all(plan, tmp_path):
    files = plan.write(tmp_path, lang="vi", pages="group", vn2000=True, dpi=50, tiles=None)
    names = {f.name for f in files}
    assert names >= {
        "install.xlsx", "install.csv", "install.geojson", "reaim.xlsx", "reaim.csv",
        "reaim.geojson", "plan.gpkg", "plan-vn2000.gpkg", "plan.kml", "plan.kmz",
        "maps.pdf", "map.png", "map.html", "summary.json", "summary.txt",
    }  # fmt: skip
    # the only hidden entry is the plan's versioned store the visible names link into
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [STATE_DIR]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert KEYS <= set(summary) and summary["new_cameras"] == len(plan.install)
    new = gpd.read_file(tmp_path / "plan.gpkg", layer="new_cameras")
    assert list(new["code"]) == list(plan.install["code"])
    ws = openpyxl.load_workbook(tmp_path / "reaim.xlsx").active
    head = [c.value for c in ws[1]]
    assert "Họ tên" not in head and "Số điện thoại" not in head  # contacts only on request
    for name in ("reaim.csv", "plan.kml", "map.html", "install.geojson"):
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        for phone in plan.contacts.get("phone", []):
            if isinstance(phone, str) and len(phone) > 5:
                assert phone not in text and phone.replace("+84", "0") not in text
    # contacts on request
    plan.write(tmp_path / "private", include_contacts=True, maps=False, html=False)
    head = [c.value for c in openpyxl.load_workbook(tmp_path / "private/reaim.xlsx").active[1]]
    assert "Số điện thoại" in head


def test_failed_write_keeps_previous(plan, tmp_path, monkeypatch):
    plan.write(tmp_path, maps=False, html=False)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    import covplan.plan.write

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # the writer the plan calls, as imported at the top of covplan.plan.write
    monkeypatch.setattr(covplan.plan.write, "write_kmz", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        plan.write(tmp_path, lang="en", maps=False, html=False)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [STATE_DIR]


def test_view_targets_feed_the_picture_check(plan, tmp_path):
    """targets.geojson lists, per chosen camera, the targets the matrix says it sees."""
    import numpy as np

    plan.write(tmp_path, maps=False, html=False)
    vt = gpd.read_file(tmp_path / "targets.geojson")
    chosen = plan.chosen
    seen = plan.coverage.seen.tocsc()[:, np.flatnonzero(plan.selected)]
    assert len(vt) == seen.nnz
    # new cameras go by their install code, surveyed ones by their register id
    new_codes = set(plan.install["code"])
    survey_ids = set(plan.cameras.index.astype(str))
    assert set(vt["camera_id"]) <= new_codes | survey_ids
    # every new camera in the install list has its targets in the file, and a target a
    # camera lists is one the plan counts as seen by it
    per_cam = vt.groupby("number")["target_id"].apply(set)
    for j, (_, pose) in enumerate(chosen.iterrows()):
        rows = seen[:, j].nonzero()[0]
        expected = set(plan.targets["target_id"].iloc[rows])
        assert per_cam.get(pose["number"], set()) == expected
    assert (vt["px_per_m"] > 0).all()


def _phase_inputs(plan):
    """The plan's own arrays, as the phases and budgets take them."""
    import numpy as np

    selected = np.asarray(plan.selected, dtype=bool)
    kept = selected & (plan.poses["source"] == "keep").to_numpy()
    args = (
        plan.coverage.seen,
        selected,
        plan.poses["cost_vnd"].to_numpy(),
        plan.targets["k_required"].to_numpy(),
        plan.targets["route_id"].to_numpy(),
        plan.area.routes,
    )
    return args, kept


def test_phases_are_cut_from_the_one_plan(plan):
    """Pilot, phase 1 and phase 2 are the plan cut in three: no camera added, each phase's
    routes complete at its end (phases used to be re-solved, adding cameras)."""
    import numpy as np

    from covplan.optimise import phase_plan

    args, kept = _phase_inputs(plan)
    seen, selected, cost, k, target_route, routes = args
    phased = phase_plan(*args, always=kept)
    assert phased.extra_cameras == 0
    assert ((phased.pose_phase >= 0) | kept).tolist() == selected.tolist()
    seen = seen.tocsc()
    for route, p in phased.route_phase.items():
        if p < 0:
            continue
        upto = kept | ((phased.pose_phase >= 0) & (phased.pose_phase <= p))
        rows = target_route == route
        views = np.asarray(seen[:, upto].sum(axis=1)).ravel()
        assert (views[rows] >= k[rows]).all(), f"{route} is not complete at the end of phase {p}"
    by_id = routes.set_index(routes["route_id"].astype(str).to_numpy())
    kind, group = by_id["kind"], by_id["group_id"]
    assert kind[phased.pilot_route] in ("alley", "lane")
    assert {0, 1, 2} <= set(phased.route_phase)
    assert phased.by_group["cost_vnd"].sum() == cost[selected & ~kept].sum()
    alleys1 = [r for r, p in phased.route_phase.items() if p == 1 and kind[r] in ("alley", "lane")]
    assert group[alleys1].value_counts().le(2).all()  # one or two whole alleys per group


def test_a_budget_finishes_whole_alleys(plan):
    """Half the plan's money buys whole routes of the plan, not a bit of every alley."""
    import numpy as np

    from covplan.optimise import budget_selection

    args, kept = _phase_inputs(plan)
    seen, selected, cost, k, target_route, _ = args
    budget = int(cost[selected & ~kept].sum()) // 2
    bought = budget_selection(*args, budget, always=kept)
    assert 0 < bought.spent_vnd <= budget and bought.left_vnd == budget - bought.spent_vnd
    assert (bought.selected <= selected).all() and bought.routes_done and bought.skipped
    seen = seen.tocsr()
    need = np.minimum(k, np.asarray(seen[:, selected].sum(axis=1)).ravel())
    views = np.asarray(seen[:, bought.selected].sum(axis=1)).ravel()
    for route in bought.routes_done:
        rows = target_route == route
        assert (views[rows] >= need[rows]).all(), f"{route} is bought in part"
