"""covplan.plan.realism against brute force, on a hand-made plan over the demo ward."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from covplan.area import route_ends
from covplan.geometry import candidate_sites
from covplan.plan.realism import MOUNT_KINDS, realism, realism_dict


def _hand_plan(area: Any, *, with_route: bool = True, seed: int = 7) -> SimpleNamespace:
    """A plan object with a Plan's attributes: new cameras at random sites, some back to back.

    Also one kept camera (no site), one re-aimed camera and unselected poses.
    """
    sites = candidate_sites(area)
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(sites), size=70, replace=False)
    twice = pick[:12]  # back to back on one site
    new_idx = np.concatenate([pick, twice])
    unused = np.setdiff1d(np.arange(len(sites)), pick)[:20]
    idx = np.concatenate([new_idx, unused])
    poses = gpd.GeoDataFrame(
        {
            "source": "new",
            "camera_id": None,
            "site_id": sites["site_id"].to_numpy()[idx],
            "cost": 1_500_000.0,
            "route_id": sites["route_id"].to_numpy()[idx] if with_route else None,
        },
        geometry=sites.geometry.to_numpy()[idx],
        crs=4326,
    )
    kept = shapely.Point(area.nodes.geometry.iloc[0].x + 1e-5, area.nodes.geometry.iloc[0].y)
    extra = gpd.GeoDataFrame(
        {
            "source": ["keep", "reaim"],
            "camera_id": ["C1", "C2"],
            "site_id": [None, None],
            "cost": [0.0, 200_000.0],
            "route_id": [None, None],
        },
        geometry=[kept, area.nodes.geometry.iloc[5]],
        crs=4326,
    )
    poses = gpd.GeoDataFrame(pd.concat([poses, extra], ignore_index=True), crs=4326)
    if not with_route:
        poses = poses.drop(columns="route_id")
    selected = np.zeros(len(poses), dtype=bool)
    selected[: len(new_idx)] = True
    selected[-2:] = True
    cost = float(poses["cost"].to_numpy()[selected].sum())
    return SimpleNamespace(
        area=area, poses=poses, sites=sites, selected=selected, summary={"cost_vnd": cost}
    )


def _metric_xy(gdf: gpd.GeoDataFrame, crs: Any) -> np.ndarray:
    return shapely.get_coordinates(gdf.geometry.to_crs(crs).to_numpy())


def _brute(plan: SimpleNamespace, area: Any) -> dict[str, float]:
    """Every measure the slow way: Python loops, a double loop for distances."""
    chosen = plan.poses[plan.selected]
    new = chosen[chosen["source"] == "new"]
    routes = area.routes[area.routes["planned"]]
    alley = routes[routes["kind"].isin(["alley", "lane"])]
    out: dict[str, float] = {
        "new_cameras": len(new),
        "new_per_100m_alley": 100 * len(new) / alley["length_m"].sum(),
        "new_per_100m_route": 100 * len(new) / routes["length_m"].sum(),
        "cost_vnd": float(chosen["cost"].sum()),
    }
    ends = route_ends(area)
    ends = ends[ends["end_kind"].isin(["dead_end", "mouth"])]
    exy, cxy = _metric_xy(ends, area.crs), _metric_xy(chosen, area.crs)
    hit = 0
    for e in exy:
        if any(math.dist(e, c) <= 5.0 for c in cxy):
            hit += 1
    out["alley_ends"] = len(ends)
    out["alley_ends_with_camera"] = hit
    out["alley_ends_with_camera_share"] = hit / len(ends)
    kind = dict(zip(plan.sites["site_id"], plan.sites["kind"], strict=True))
    mount = (
        dict(zip(plan.sites["site_id"], plan.sites["mount"], strict=True))
        if "mount" in plan.sites.columns
        else kind
    )

    def mount_of(s: str) -> str:
        m = mount[s]
        return m if isinstance(m, str) and m else kind[s]

    on = sum(1 for s in new["site_id"] if mount_of(s) in MOUNT_KINDS)
    out["new_on_mount"] = on
    out["new_on_mount_share"] = on / len(new)
    for k in set(kind[s] for s in new["site_id"]):
        out[f"new_by_site_kind[{k}]"] = sum(1 for s in new["site_id"] if kind[s] == k)
    xy = _metric_xy(new, area.crs)
    sid = new["site_id"].to_numpy()
    positions: list[tuple[float, float]] = []
    for p in xy:
        if not any(math.dist(p, q) < 1e-3 for q in positions):
            positions.append((float(p[0]), float(p[1])))
    nn = []
    for a in positions:
        nn.append(min(math.dist(a, b) for b in positions if b is not a))
    out["new_sites"] = len(positions)
    out["nn_site_median_m"] = float(np.median(nn))
    out["nn_site_min_m"] = min(nn)
    crowded, any_near, per_cam = 0, 0, []
    for i in range(len(xy)):
        d_other = [math.dist(xy[i], xy[j]) for j in range(len(xy)) if j != i and sid[j] != sid[i]]
        d_any = [math.dist(xy[i], xy[j]) for j in range(len(xy)) if j != i]
        crowded += min(d_other) < 5.0
        any_near += min(d_any) < 5.0
        per_cam.append(min(d_any))
    out["new_with_neighbour_lt_5m"] = crowded
    out["new_with_any_neighbour_lt_5m"] = any_near
    out["nn_camera_median_m"] = float(np.median(per_cam))
    out["new_sharing_site"] = int(new["site_id"].duplicated(keep=False).sum())
    site_route = plan.sites.set_index("site_id")["route_id"]
    by_route = new["route_id"] if "route_id" in new.columns else new["site_id"].map(site_route)
    top = alley.sort_values(["length_m", "route_id"], ascending=[False, True]).head(5)
    for rank, (rid, length) in enumerate(zip(top["route_id"], top["length_m"], strict=True), 1):
        n = int((by_route == rid).sum())
        out[f"longest_alley_{rank}_new_cameras"] = n
        out[f"longest_alley_{rank}_length_m"] = float(length)
        out[f"longest_alley_{rank}_per_100m"] = 100 * n / length
    return out


@pytest.mark.parametrize("with_route", [True, False])
def test_realism_matches_brute_force(demo_area: Any, with_route: bool) -> None:
    plan = _hand_plan(demo_area, with_route=with_route)
    got = realism_dict(plan, demo_area)  # type: ignore[arg-type]
    want = _brute(plan, demo_area)
    assert want["new_with_neighbour_lt_5m"] > 0  # the instance exercises the close pairs
    assert want["new_sharing_site"] == 24
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    kinds = {k for k in got if k.startswith("new_by_site_kind[")}
    assert kinds == {k for k in want if k.startswith("new_by_site_kind[")}
    assert got["kept_cameras"] == 1 and got["reaimed_cameras"] == 1


def test_realism_table_and_optional_columns(demo_area: Any) -> None:
    plan = _hand_plan(demo_area)
    table = realism(plan)  # type: ignore[arg-type]  # area defaults to plan.area
    assert list(table.columns) == ["measure", "value", "unit", "detail"]
    assert table["measure"].is_unique
    assert not any(table["measure"].str.startswith("cost_part["))
    # a mount column wins over the kind; empty mounts fall back to the kind
    sites = plan.sites.copy()
    n_new = int((plan.poses["source"][plan.selected] == "new").sum())
    for mount, on in (("gate", n_new), ("none", 0)):
        plan.sites = sites.assign(mount=mount)
        assert realism_dict(plan)["new_on_mount"] == on, mount  # type: ignore[arg-type]
    plan.sites = sites.assign(mount=None)
    mounted = set(sites.loc[sites["kind"].isin(sorted(MOUNT_KINDS)), "site_id"])
    by_kind = sum(1 for s in plan.poses["site_id"][plan.selected].dropna() if s in mounted)
    assert realism_dict(plan)["new_on_mount"] == by_kind  # type: ignore[arg-type]
    half = np.where(np.arange(len(sites)) % 2 == 0, "wall", None)
    plan.sites = sites.assign(mount=half)
    assert realism_dict(plan)["new_on_mount"] == _brute(plan, demo_area)["new_on_mount"]  # type: ignore[arg-type]
    plan.cost_parts = {"cameras": 1.0e6, "poles": 5.0e5}
    got = realism_dict(plan)  # type: ignore[arg-type]
    assert got["cost_part[cameras]"] == 1.0e6 and got["cost_part[poles]"] == 5.0e5
    # a breakdown in the summary, as a table
    plan.cost_parts = None
    plan.summary["cost_parts"] = pd.DataFrame({"part": ["a", "b"], "cost_vnd": [1, 2]})
    got = realism_dict(plan)  # type: ignore[arg-type]
    assert got["cost_part[a]"] == 1 and got["cost_part[b]"] == 2


def test_realism_of_a_real_plan(demo_area: Any) -> None:
    from covplan import datasets
    from covplan.plan import plan_ward

    plan = plan_ward(demo_area, survey=datasets.get_path("demo-survey.csv"), time_limit_s=20)
    got = realism_dict(plan)
    assert got["new_cameras"] == plan.summary["new_cameras"]
    assert got["cost_vnd"] == plan.summary["cost_vnd"]
    assert 0 <= got["alley_ends_with_camera_share"] <= 1
    assert got["new_on_mount"] + got.get("new_by_site_kind[edge]", 0) <= got["new_cameras"]
    per_kind = sum(v for k, v in got.items() if k.startswith("new_by_site_kind["))
    assert per_kind == got["new_cameras"]
