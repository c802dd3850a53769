"""The one planning pipeline: options, stage cache, explorer = CLI, pins reach the files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import covplan
from covplan import datasets
from covplan.cli import main
from covplan.plan import PlanCache, PlanOptions, plan_ward
from covplan.vocab import header
from covplan.vocab.messages import use_lang
from covplan.widgets import PlanExplorer


@pytest.fixture
def english() -> Iterator[None]:
    """The tests that match English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


pytestmark = pytest.mark.timeout(600)

OSM = str(datasets.get_path("demo-ward.osm"))
GROUPS = str(datasets.get_path("demo-groups.geojson"))
SURVEY = str(datasets.get_path("demo-survey.csv"))
# the CLI flags of SMALL plus a FOV override, and the output flags of a quick run
TUNED = ["--headings", "4", "--spacing", "10", "--site-spacing", "20", "--time-limit", "30",
         "--fov", "100", "--no-maps", "--no-tiles", "--quiet"]  # fmt: skip
SMALL = {"headings": 4, "spacing_m": 10.0, "site_spacing_m": 20.0, "time_limit_s": 30.0}


@pytest.fixture(scope="module")
def ward() -> tuple[covplan.Area, covplan.Survey]:
    area = covplan.area_from_xml(OSM, groups=GROUPS)
    return area, covplan.read_survey(SURVEY, area=area)


@pytest.fixture(scope="module")
def base(ward: tuple[covplan.Area, covplan.Survey]) -> covplan.Plan:
    area, survey = ward
    return plan_ward(area, survey=survey, **SMALL)


def _cameras(install: pd.DataFrame) -> list[tuple[str, float, str]]:
    """The new cameras as (site, heading, spec): what a technician mounts."""
    return sorted(
        zip(
            install["site_id"].astype(str),
            install["heading_deg"].astype(float).round(1),
            install["spec_id"].astype(str),
            strict=True,
        )
    )


# ---------------------------------------------------------------- options


def test_options_are_validated_and_normalised(english: None) -> None:
    a = PlanOptions(level_by_kind={"alley": "recognise"}, specs=["b", "a"], budget_vnd=5e6)
    assert dict(a.level_by_kind)["alley"] == "recognise"
    assert dict(a.level_by_kind)["street"] == covplan.settings.default_level_by_kind["street"]
    assert a.specs == ("a", "b") and a.budget_vnd == 5_000_000
    assert isinstance(a.budget_vnd, int)
    assert PlanOptions(pinned_sites=["x"]) == PlanOptions(pinned_sites=frozenset({"x"}))
    assert hash(PlanOptions()) == hash(PlanOptions())
    # one level for every kind normalises like a mapping: equal after any replace()
    one = PlanOptions(level_by_kind="observe")
    assert one == one.replace() and hash(one) == hash(one.replace())
    for bad in (
        {"spacing_m": -5},
        {"spacing_m": float("nan")},
        {"headings": 0},
        {"headings": 2.5},
        {"time_limit_s": 0},
        {"k_at_ends": 0},
        {"level_by_kind": {"alley": "sharp"}},
        {"level_by_kind": {"boulevard": "detect"}},
        {"end_level": "sharp"},
        {"solver": "gurobi"},
        {"budget_vnd": 1.5},
        {"budget_vnd": -1},
        {"hfov_deg": 0},
        {"pinned_sites": {"s"}, "forbidden_sites": {"s"}},
    ):
        with pytest.raises(covplan.InputError, match="planning option"):
            PlanOptions(**bad)  # type: ignore[arg-type]
    with pytest.raises(covplan.InputError, match="unknown planning option"):
        PlanOptions().replace(spacing=3)
    # a site is pinned, forbidden or free, never both
    o = PlanOptions().with_site("s1", "pin").with_site("s2", "pin").with_site("s1", "forbid")
    assert o.pinned_sites == {"s2"} and o.forbidden_sites == {"s1"}
    assert o.with_site("s1", None).forbidden_sites == frozenset()
    with pytest.raises(covplan.InputError, match="site state"):
        o.with_site("s1", "maybe")


def test_stage_keys_follow_dependencies() -> None:
    a = PlanOptions()
    b = a.replace(time_limit_s=5.0, pinned_sites={"x"})
    c = a.replace(headings=4)
    d = a.replace(spacing_m=7.0)
    for stage in ("targets", "sites", "poses", "coverage"):
        assert a.stage_key(stage) == b.stage_key(stage)  # a solve knob rebuilds no geometry
    assert a.stage_key("solve") != b.stage_key("solve")
    assert a.stage_key("targets") == c.stage_key("targets")
    assert a.stage_key("sites") == c.stage_key("sites")
    assert a.stage_key("poses") != c.stage_key("poses")
    assert a.stage_key("coverage") != c.stage_key("coverage")
    assert a.stage_key("targets") != d.stage_key("targets")
    assert a.stage_key("poses") == d.stage_key("poses")
    assert a.stage_key("coverage") != d.stage_key("coverage")


def test_cache_reuses_geometry_and_gives_the_same_plan(
    ward: tuple[covplan.Area, covplan.Survey], base: covplan.Plan
) -> None:
    area, survey = ward
    cache = PlanCache()
    first = plan_ward(area, survey=survey, cache=cache, **SMALL)
    assert cache.hits == {}
    again = plan_ward(area, survey=survey, cache=cache, **{**SMALL, "time_limit_s": 29.0})
    assert {"targets", "sites", "poses", "coverage"} <= set(cache.hits)
    assert _cameras(again.install) == _cameras(first.install) == _cameras(base.install)
    assert again.targets is not first.targets  # the plan's own copy, annotated
    assert "seen" not in cache._store["targets"][1].columns  # the cache holds the raw stage


# ---------------------------------------------------------------- one plan, every caller


def test_explorer_plan_is_the_cli_plan(
    ward: tuple[covplan.Area, covplan.Survey], base: covplan.Plan, tmp_path: Path
) -> None:
    """Same options → the explorer's plan and `covplan plan`'s are the same cameras."""
    area, survey = ward
    used = base.new_sites[0]
    spare = next(
        s
        for s, k in zip(base.sites["site_id"], base.sites["kind"], strict=True)
        if k in {"pole", "alley_end"} and s not in base.new_sites
    )
    ex = PlanExplorer(area, survey=survey, background=False, lang="en", **SMALL)
    ex.set_options(hfov_deg=100.0)
    ex.forbid(used)
    ex.pin(spare)
    tuned = ex.plan
    assert tuned is not None
    assert tuned.options.pinned_sites == {spare} and tuned.options.forbidden_sites == {used}
    assert spare in tuned.new_sites and used not in tuned.new_sites

    sites = ex.write_sites(tmp_path / "sites.txt")
    out = tmp_path / "cli"
    argv = ["plan", "--osm", OSM, "--groups", GROUPS, "--survey", SURVEY, "--out", str(out),
            *TUNED, "--sites", str(sites), "--lang", "en"]  # fmt: skip
    code = main(argv)
    assert code == 0
    written = gpd.read_file(out / "install.geojson")
    assert _cameras(written) == _cameras(tuned.install)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["new_cameras"] == tuned.summary["new_cameras"]
    assert summary["reaimed_cameras"] == tuned.summary["reaimed_cameras"]
    assert summary["options"]["pinned_sites"] == [spare]
    assert summary["options"]["hfov_deg"] == 100.0
    # the same tuned plan through --pin / --forbid flags
    out2 = tmp_path / "flags"
    argv = ["plan", "--osm", OSM, "--groups", GROUPS, "--survey", SURVEY, "--out", str(out2),
            *TUNED, "--pin", spare, "--forbid", used]  # fmt: skip
    assert main(argv) == 0
    assert _cameras(gpd.read_file(out2 / "install.geojson")) == _cameras(tuned.install)


def test_explorer_writes_what_the_planner_tuned(
    ward: tuple[covplan.Area, covplan.Survey], base: covplan.Plan, tmp_path: Path
) -> None:
    area, survey = ward
    spare = next(s for s in base.sites["site_id"] if s not in base.new_sites)
    ex = PlanExplorer(area, survey=survey, background=False, lang="en", **SMALL)
    ex.pin(spare)
    files = ex.write(tmp_path, maps=False, tiles=None)
    names = {f.name for f in files}
    assert {"install.csv", "install.xlsx", "plan.gpkg", "plan.kml", "sites.txt"} <= names
    table = pd.read_csv(tmp_path / "install.csv", encoding="utf-8-sig", dtype=str)
    site_col = header("site_id", "en")
    assert spare in set(table[site_col])
    layer = gpd.read_file(tmp_path / "plan.gpkg", layer="new_cameras")
    assert spare in set(layer["site_id"].astype(str))
    assert (tmp_path / "sites.txt").read_text(encoding="utf-8").splitlines()[1] == f"pin {spare}"
    # the widget button writes the same
    ex.controls["out_dir"].value = str(tmp_path / "button")
    ex.controls["write"].click()
    assert (tmp_path / "button" / "install.xlsx").is_file()


def test_greedy_baseline_respects_pins_and_forbids(
    ward: tuple[covplan.Area, covplan.Survey], base: covplan.Plan
) -> None:
    area, survey = ward
    forbidden = frozenset(base.new_sites)  # every site the plan used
    plan = plan_ward(area, survey=survey, forbidden_sites=forbidden, **SMALL)
    assert not set(plan.new_sites) & forbidden
    assert plan.greedy_new is not None and plan.greedy_new >= plan.summary["new_cameras"]
    budget = plan_ward(area, survey=survey, budget_vnd=10_000_000, **SMALL)
    assert budget.summary["greedy_cameras"] is None  # a budget plan has no greedy baseline
    assert budget.summary["bound_new_cameras"] is None
    assert budget.summary["cost_vnd"] <= 10_000_000


def test_unknown_spec_and_site_are_input_errors(
    ward: tuple[covplan.Area, covplan.Survey], english: None
) -> None:
    area, survey = ward
    with pytest.raises(covplan.InputError, match="unknown camera spec 'nope'"):
        plan_ward(area, survey=survey, specs=("nope",), **SMALL)
    with pytest.raises(covplan.InputError, match="unknown site 'node/0'"):
        plan_ward(area, survey=survey, pinned_sites={"node/0"}, **SMALL)
