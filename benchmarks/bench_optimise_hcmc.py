"""Optimiser on issue 5's HCMC instance: flat HiGHS vs covplan's solve vs greedy, one run.

The instance is the one issue 5's "Performance" section names: the Đa Kao 1 km extract,
a target every 5 m of planned route, a candidate site every 10 m, 8 headings, a 90° FOV,
a 25 m reach and building occlusion. Every target asks for one view at ``observe``
(62.5 px/m) and the camera is a 90° spec whose ``observe`` range is exactly 25 m (slant;
3,125 px across: 3125 / (2·tan 45°·62.5) = 25), so every pose reaches 25 m; two cameras
per site at most (back to back on a pole). Only stage 1 (fewest new cameras) is
compared, with ``second_views`` off.

Rows, measured in one process one after the other (a shared 2-core machine: seconds
are noisy, compare within one run): the flat model through
``CameraCover.solve(reduce_model=False, warm_start=False)`` at 60 s and 120 s; the same
flat model written directly in PuLP and handed to HiGHS with its default options (no
integral-objective stop) at 60 s and 120 s; covplan's full solve (reductions,
components, greedy warm start) at 60 s, and at 600 s when 60 s did not prove the
optimum; :func:`covplan.greedy_cover`. Then the default planning instance
(:func:`default_rows`: whole catalogue, default targets and sites), all stages at 60 s.
"""

from __future__ import annotations

import logging
import math
import time
import traceback
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from benchmarks.run import SHARED_DATA

logger = logging.getLogger(__name__)

EXTRACT = SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2"
LEVEL = "observe"
REACH_M = 25.0


def issue_spec() -> Any:
    """Return the 90° camera whose ``observe`` range is exactly :data:`REACH_M` metres.

    Returns
    -------
    covplan.camera.spec.CameraSpec
        3,125 × 1,758 px, 90° × 58.7° (16:9), price 1 (stage 1 counts cameras only).
    """
    from covplan import settings
    from covplan.camera.spec import CameraSpec

    px = round(REACH_M * 2.0 * math.tan(math.radians(45.0)) * settings.dori_px_per_m[LEVEL])
    spec = CameraSpec(
        "issue5-90deg-25m", "90° FOV, 25 m at observe", "bullet", px, 1758, 90.0, 58.7
    )
    assert abs(spec.range_m(LEVEL) - REACH_M) < 1e-9, spec.range_m(LEVEL)
    return spec


def issue_instance() -> dict[str, Any]:
    """Build issue 5's instance: coverage matrix, sites and the instance figures.

    Returns
    -------
    dict
        ``A`` (CSR targets × poses), ``site`` (site id per pose), ``capacity`` (site id →
        cameras), ``stats`` (targets,
        poses, nnz, poses per target, unseeable targets, geometry seconds).
    """
    import covplan
    from covplan.geometry import candidate_sites, coverage_matrix, sample_targets, site_poses

    t0 = time.perf_counter()
    area = covplan.area_from_xml(EXTRACT)
    targets = sample_targets(area, spacing_m=5)
    targets["level"] = LEVEL  # ends and intersections too: one level, one 25 m reach
    targets["k_required"] = 1
    sites = candidate_sites(area, site_spacing_m=10)
    poses = site_poses(sites, [issue_spec()], headings=8)
    cov = coverage_matrix(targets, poses, area.metric("buildings"), crs=area.crs)
    A = cov.seen.tocsr()
    deg = np.diff(A.indptr)
    stats: dict[str, Any] = {
        "targets": int(A.shape[0]),
        "sites": len(sites),
        "poses": int(A.shape[1]),
        "nnz": int(A.nnz),
        "poses_per_target": round(float(deg.mean()), 2),
        "targets_per_pose": round(float(A.nnz / max(A.shape[1], 1)), 2),
        "unseeable": int((deg == 0).sum()),
        "geometry_s": round(time.perf_counter() - t0, 1),
    }
    cap = pd.to_numeric(sites["capacity"], errors="coerce").fillna(2).astype(int)
    stats["capacity"] = "/".join(str(c) for c in sorted(set(cap)))
    return {
        "A": A,
        "site": poses["site_id"].to_numpy(dtype=object),
        "capacity": dict(zip(sites["site_id"], cap, strict=True)),
        "stats": stats,
    }


def _pulp_flat(
    A: sp.csr_matrix, site: np.ndarray, capacity: dict[Any, int], tl: float
) -> dict[str, Any]:
    """The flat model written directly in PuLP, HiGHS with its default options."""
    import pulp

    t0 = time.perf_counter()
    prob = pulp.LpProblem("flat", pulp.LpMinimize)
    x = [prob.add_variable(f"x{j}", cat=pulp.LpBinary) for j in range(A.shape[1])]
    prob += pulp.lpSum(x)
    for i in range(A.shape[0]):
        cols = A.indices[A.indptr[i] : A.indptr[i + 1]]
        if cols.size:  # unseeable targets are planned around
            prob += pulp.lpSum(x[j] for j in cols) >= 1
    by_site = pd.Series(np.arange(A.shape[1])).groupby(pd.Series(site)).groups
    for s, cols in by_site.items():
        if len(cols) > capacity[s]:
            prob += pulp.lpSum(x[j] for j in cols) <= capacity[s]
    prob.solve(pulp.HiGHS(msg=False, timeLimit=tl))
    info = prob.solverModel.getInfo()
    import highspy

    optimal = prob.solverModel.getModelStatus() == highspy.HighsModelStatus.kOptimal
    obj, bound = float(info.objective_function_value), float(info.mip_dual_bound)
    return {
        "new": round(obj), "objective_cameras": obj, "bound_cameras": bound,
        "gap_cameras": 0.0 if optimal else (obj - bound) / max(obj, 1e-9),
        "status_cameras": "optimal" if optimal else "time_limit",
        "s_total": round(time.perf_counter() - t0, 2),
    }  # fmt: skip


def issue_rows(
    flat_limits: tuple[float, ...] = (60.0, 120.0),
    covplan_limits: tuple[float, ...] = (60.0, 600.0),
) -> list[dict[str, Any]]:
    """Measure issue 5's instance: flat HiGHS, covplan's solve and greedy, in one run.

    Parameters
    ----------
    flat_limits
        Time limits of the flat solves.
    covplan_limits
        Time limits of covplan's solve; a longer one runs only if the shorter did not
        prove the optimum.

    Returns
    -------
    list of dict
        One row per method and limit (empty but for a note when the extract is absent).
    """
    from covplan import CameraCover, greedy_cover

    name = "hcmc-dakao-issue5"
    if not EXTRACT.exists():
        return [{"instance": name, "note": f"skipped: {EXTRACT} absent"}]
    try:
        inst = issue_instance()
    except Exception as err:
        logger.warning("HCMC instance unavailable: %s", traceback.format_exc())
        return [{"instance": name, "note": f"skipped: {type(err).__name__}: {err}"}]
    A, site, cap, stats = inst["A"], inst["site"], inst["capacity"], inst["stats"]
    rows: list[dict[str, Any]] = []
    keys = (
        "new", "objective_cameras", "bound_cameras", "gap_cameras", "status_cameras",
        "s_reduce", "s_greedy", "s_cameras", "s_total", "red_rows_out", "red_cols_out",
        "red_nnz_out", "red_components",
    )  # fmt: skip

    def model_row(method: str, tl: float, reduce_model: bool) -> dict[str, Any]:
        model = CameraCover.from_coverage_matrix(
            A, site=site, capacity=cap, allow_uncovered=True, second_views=False
        )
        model.solve("highs", time_limit_s=tl, reduce_model=reduce_model, warm_start=reduce_model)
        s = model.summary()
        return {"method": method, "time_limit_s": tl, **{k: s[k] for k in keys if k in s}}

    for tl in flat_limits:
        rows.append(model_row("flat-highs (covplan, reduce_model=False)", tl, False))
    for tl in flat_limits:
        rows.append({"method": "flat-highs (PuLP, HiGHS defaults)", "time_limit_s": tl,
                     **_pulp_flat(A, site, cap, tl)})  # fmt: skip
    for tl in covplan_limits:
        if rows[-1]["method"].startswith("covplan") and rows[-1]["status_cameras"] == "optimal":
            break  # proven at the shorter limit
        rows.append(model_row("covplan (reductions, components, warm start)", tl, True))
    t0 = time.perf_counter()
    g = greedy_cover(A, site=site, capacity=cap)
    rows.append(
        {"method": "greedy", "new": int(g.sum()), "s_total": round(time.perf_counter() - t0, 2)}
    )
    best = min(
        (r["objective_cameras"] for r in rows if r.get("status_cameras") == "optimal"),
        default=math.nan,
    )
    for r in rows:
        r["proven_optimal"] = r.get("status_cameras") == "optimal"
        r["over_optimum"] = round(r["new"] / best, 3) if math.isfinite(best) else math.nan
    return [{"instance": name, **stats, **r} for r in rows]


def default_rows(time_limit_s: float = 60.0) -> list[dict[str, Any]]:
    """Measure the default planning instance (``covplan plan``) on the same extract.

    Built by the plan's own stages (:func:`covplan.plan.build_layers`, default
    :class:`covplan.plan.PlanOptions`): default targets (observe along
    routes, recognise at alley ends), default sites, the whole camera catalogue at the
    default headings, building occlusion. Rows: covplan's solve (all stages, 60 s in
    all) and the flat model (``reduce_model=False``), one after the other in this run.

    Returns
    -------
    list of dict
        One row per method: cameras, bound, gap, seconds per stage, proven or not.
    """
    import covplan
    from covplan import CameraCover
    from covplan.plan import PlanOptions, build_layers

    name = "hcmc-dakao-default"
    if not EXTRACT.exists():
        return [{"instance": name, "note": f"skipped: {EXTRACT} absent"}]
    t0 = time.perf_counter()
    area = covplan.area_from_xml(EXTRACT)
    layers = build_layers(
        area, cameras=None, catalogue=covplan.load_catalogue(), options=PlanOptions()
    )
    targets, sites, poses, cov = layers.targets, layers.sites, layers.poses, layers.coverage
    deg = np.diff(cov.seen.tocsr().indptr)
    stats = {
        "targets": len(targets), "sites": len(sites), "poses": len(poses),
        "specs": int(poses["spec_id"].nunique()), "nnz": int(cov.seen.nnz),
        "unseeable": int((deg == 0).sum()), "geometry_s": round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    keys = (
        "new", "cost_vnd", "objective_cameras", "bound_cameras", "gap_cameras",
        "status_cameras", "objective_cost", "bound_cost", "gap_cost", "status_cost",
        "objective_second_views", "status_second_views", "s_reduce", "s_greedy",
        "s_cameras", "s_cost", "s_second_views", "s_total", "red_cols_out",
        "red_components", "red_relax_over_capacity", "red_repaired",
    )  # fmt: skip
    rows = []
    for method, red in (("covplan default solve", True), ("flat (reduce_model=False)", False)):
        model = CameraCover.from_geodataframes(
            targets, poses, cov, sites=sites, allow_uncovered=True
        ).solve("highs", time_limit_s=time_limit_s, reduce_model=red, warm_start=red)
        s = model.summary()
        rows.append({
            "instance": name, **stats, "method": method, "time_limit_s": time_limit_s,
            **{k: s[k] for k in keys if k in s},
            "proven_optimal": s.get("status_cameras") == "optimal",
        })  # fmt: skip
    return rows


def run(quick: bool = False) -> pd.DataFrame:
    """Run issue 5's HCMC comparison and return its table (``quick``: 60 s limits only)."""
    if quick:
        return pd.DataFrame(issue_rows((60.0,), (60.0,)) + default_rows())
    return pd.DataFrame(issue_rows() + default_rows())
