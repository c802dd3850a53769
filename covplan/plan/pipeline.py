"""The one planning pipeline: area, survey and options in, a :class:`Plan` out.

Stages, each a function of the stage before it and of the :class:`PlanOptions` fields
it reads (:meth:`PlanOptions.stage_key`)::

    area ─► build_targets ─┐
    area ─► build_sites ─► build_poses (survey cameras, catalogue) ─► build_coverage
                                                   ─► solve_layers ─► assemble_plan

:func:`plan_ward` runs them all; ``covplan plan``, the notebooks and the explorer
(:class:`covplan.widgets.PlanExplorer`) are thin callers of it. A :class:`PlanCache`
passed from one call to the next keeps every stage whose knobs did not change, so
the explorer re-solves in about a second when only a solve knob moved.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan._errors import InputError
from covplan._frames import empty_gdf, with_id
from covplan.area import Area
from covplan.camera.costs import CostModel
from covplan.camera.spec import CameraSpec, load_catalogue
from covplan.export import install_list, reaim_list
from covplan.geometry import Coverage
from covplan.optimise import CameraCover, greedy_cover
from covplan.optimise.phases import budget_selection, phase_plan
from covplan.plan.options import STAGES, PlanOptions
from covplan.plan.result import Plan
from covplan.plan.solved import Solved
from covplan.plan.stages import Clock, Layers, PlanCache, build_layers
from covplan.plan.summary import bill, plan_summary
from covplan.plan.write import Progress, no_progress
from covplan.survey import Survey, read_survey
from covplan.vocab.messages import message

logger = logging.getLogger(__name__)

__all__ = [
    "PIPELINE_STAGES",
    "Solved",
    "assemble_plan",
    "greedy_baseline",
    "plan_ward",
    "solve_layers",
]

#: The stages :func:`plan_ward` reports to its progress callback, in order.
PIPELINE_STAGES: tuple[str, ...] = (*STAGES, "greedy", "lists")


def _cut_args(layers: Layers, selected: np.ndarray) -> dict[str, Any]:
    poses, targets = layers.poses, layers.targets
    routes = layers.routes if layers.routes is not None else pd.DataFrame(columns=["route_id"])
    return {
        "seen": layers.coverage.seen,
        "selected": selected,
        "cost_vnd": poses["cost_vnd"].to_numpy(dtype=np.int64),
        "k": targets["k_required"].to_numpy(dtype=np.int64),
        "target_route": targets["route_id"].astype(str).to_numpy(dtype=object),
        "routes": routes,
        "always": (poses["source"].to_numpy() == "keep") & selected,
    }


def _priority(layers: Layers, options: PlanOptions) -> list[str]:
    """Return the priority routes: those named, and every route of a group named."""
    named = set(options.priority_routes)
    routes = layers.routes
    if routes is None or not named:
        return sorted(named)
    in_group = routes.loc[routes["group_id"].astype(str).isin(named), "route_id"]
    return sorted(named | {str(r) for r in in_group})


def solve_layers(layers: Layers, options: PlanOptions) -> Solved:
    """Solve the full plan on ``layers``, then cut the budget's routes and the phases out of it.

    Phases and budgets never re-solve: they take whole routes of the one optimal full
    plan (:func:`covplan.optimise.phase_plan`, :func:`covplan.optimise.budget_selection`),
    so phasing adds no camera and a budget finishes whole alleys, priority first.

    Parameters
    ----------
    layers
        Targets, sites, poses, coverage.
    options
        Reads the solve knobs (budget, phases, pins, forbids, solver, time limit…).

    Returns
    -------
    Solved
        The model, the plan's poses and, where asked, its phases and budget cut.
    """
    model = CameraCover.from_geodataframes(
        layers.targets,
        layers.poses,
        layers.coverage,
        sites=layers.sites,
        forced_sites=sorted(options.pinned_sites),
        forbidden_sites=sorted(options.forbidden_sites),
        allow_uncovered=options.allow_uncovered,
        second_views=options.second_views,
    ).solve(options.solver, time_limit_s=options.time_limit_s)
    selected = np.asarray(model.selected, dtype=bool)
    budget = None
    if options.budget_vnd is not None:
        budget = budget_selection(
            **_cut_args(layers, selected),
            budget_vnd=int(options.budget_vnd),
            priority_routes=_priority(layers, options),
        )
        selected = np.asarray(budget.selected, dtype=bool)
    phases = None
    if options.phases:
        phases = phase_plan(
            **_cut_args(layers, selected),
            pilot_group=options.pilot_group,
            priority_routes=_priority(layers, options),
        )
    return Solved(model, selected, phases, budget)


def greedy_baseline(layers: Layers, options: PlanOptions) -> int | None:
    """Return the new cameras of the greedy plan on the same instance, pins and forbids included.

    The baseline the ILP is measured against: same targets, poses, capacities, pinned
    and forbidden sites. None for a budget plan (the greedy covers everything).

    Parameters
    ----------
    layers
        Targets, sites, poses, coverage.
    options
        The planning options.

    Returns
    -------
    int or None
        New cameras of the greedy plan.
    """
    if options.budget_vnd is not None:
        return None
    poses, sites = layers.poses, layers.sites
    site = poses["site_id"].astype(object).where(poses["site_id"].notna(), None)
    is_new = poses["source"].to_numpy() == "new"
    allowed = ~(is_new & site.isin(sorted(options.forbidden_sites)).to_numpy())
    cols = np.flatnonzero(allowed)
    chosen = greedy_cover(
        layers.coverage.seen.tocsc()[:, cols],
        cost=poses["cost"].to_numpy(dtype=float)[cols],
        k=layers.targets["k_required"].to_numpy(),
        source=poses["source"].to_numpy()[cols],
        camera=list(poses["camera_id"].iloc[cols]),
        site=list(site.iloc[cols]),
        capacity=dict(zip(sites["site_id"], sites["capacity"], strict=True)),
        forced_sites=sorted(options.pinned_sites),
    )
    return int((chosen & is_new[cols]).sum())


# ---------------------------------------------------------------------------- the plan


def _routes_of_poses(coverage: Coverage, targets: gpd.GeoDataFrame, idx: np.ndarray) -> list[Any]:
    """Return the route each chosen pose sees most of (None when it sees nothing)."""
    seen = coverage.seen.tocsc()
    routes = targets["route_id"].to_numpy()
    out: list[Any] = []
    for j in idx:
        rows = seen.indices[seen.indptr[j] : seen.indptr[j + 1]]
        if len(rows) == 0:
            out.append(None)
            continue
        vals, counts = np.unique(routes[rows].astype(str), return_counts=True)
        out.append(vals[np.argmax(counts)])
    return out


def _number_cameras(
    cameras: gpd.GeoDataFrame, chosen: gpd.GeoDataFrame, reaim: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Add ``role`` (keep, reaim, unused) and ``number`` (K01…, R01… as on the maps)."""
    cameras = cameras.copy()
    ids = (
        cameras["camera_id"] if "camera_id" in cameras else pd.Series(cameras.index, cameras.index)
    )
    by_id = dict(zip(ids.astype(str), cameras.index, strict=True))
    role = pd.Series("unused", index=cameras.index, dtype=object)
    number = pd.Series("", index=cameras.index, dtype=object)
    kept = chosen[chosen["source"] == "keep"].sort_values("camera_id")
    for n, cid in enumerate(kept["camera_id"].astype(str), start=1):
        role.loc[by_id[cid]] = "keep"
        number.loc[by_id[cid]] = f"K{n:02d}"
    for cid, code in zip(reaim["camera_id"].astype(str), reaim["code"], strict=True):
        role.loc[by_id[cid]] = "reaim"
        number.loc[by_id[cid]] = code
    cameras["role"] = role
    cameras["number"] = number
    return cameras


def _annotate(
    layers: Layers, solved: Solved, costs: CostModel
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, np.ndarray]:
    """Copy the layers and mark what the plan chose: views per target, poses' routes, phases."""
    selected = solved.selected
    targets = layers.targets.copy()
    targets["cover_count"] = np.asarray(
        layers.coverage.seen.astype(np.int64) @ selected.astype(np.int64), dtype=int
    ).ravel()
    targets["seen"] = targets["cover_count"] >= targets["k_required"]
    poses = layers.poses.copy()
    idx = np.flatnonzero(selected)
    poses["route_id"] = None
    poses.loc[poses.index[idx], "route_id"] = _routes_of_poses(layers.coverage, targets, idx)
    sites = layers.sites.set_index("site_id")
    consent = {m: costs.mount(m).consent for m in sites["mount"].unique()}
    poses["site_kind"] = poses["site_id"].map(sites["kind"]).astype(object)
    poses["mount"] = poses["site_id"].map(sites["mount"]).astype(object)
    poses["consent"] = poses["mount"].map(consent).astype(object)
    for col in ("site_kind", "mount", "consent"):  # surveyed cameras stand on no site
        poses[col] = poses[col].where(poses[col].notna(), None)
    phase = pd.Series(None, index=poses.index, dtype=object)
    if solved.phases is not None:
        ph = np.asarray(solved.phases.pose_phase)
        keys = np.array(["pilot", "phase_1", "phase_2"], dtype=object)
        phase.iloc[np.flatnonzero(ph >= 0)] = keys[ph[ph >= 0]]
    poses["phase"] = phase
    poses["selected"] = selected
    return targets, poses, selected


def assemble_plan(
    area: Area,
    layers: Layers,
    solved: Solved,
    *,
    survey: Survey | None,
    catalogue: Mapping[str, CameraSpec],
    options: PlanOptions,
    greedy_new: int | None = None,
    seconds: Mapping[str, float] | None = None,
    name: str | None = None,
) -> Plan:
    """Turn a solved model into a :class:`Plan`: lists, camera roles, summary.

    Parameters
    ----------
    area
        The ward.
    layers
        What the model was solved on.
    solved
        The solved model and the plan cut from it (:func:`solve_layers`).
    survey
        The camera register, or None.
    catalogue
        Camera specs by spec_id.
    options
        The options of the plan.
    greedy_new
        New cameras of the greedy baseline.
    seconds
        Seconds per pipeline stage.
    name
        The ward's name for titles.

    Returns
    -------
    Plan
        The plan.
    """
    costs = options.cost_model()
    targets, poses, selected = _annotate(layers, solved, costs)
    routes = area.routes if "route_id" in area.routes.columns else area.routes.reset_index()
    groups = with_id(area.groups, "group_id")
    chosen = poses[selected]
    cameras = survey.cameras if survey is not None else None
    install = install_list(
        chosen[chosen["source"] == "new"],
        sites=layers.sites,
        routes=routes,
        groups=groups,
        catalogue=catalogue,
        crs=area.crs,
    )
    if cameras is not None:
        reaim = reaim_list(
            chosen[chosen["source"] == "reaim"], cameras, routes=routes, groups=groups, crs=area.crs
        )
        cameras = _number_cameras(cameras, chosen, reaim)
    else:
        reaim = reaim_list(chosen.iloc[0:0], empty_gdf(["camera_id", "geometry"]))
    the_bill = bill(poses, selected, costs, catalogue)
    summary = plan_summary(
        area,
        targets,
        layers.sites,
        poses,
        selected,
        solved,
        options=options,
        costs=costs,
        the_bill=the_bill,
        greedy_new=greedy_new,
        seconds=seconds or {},
        name=name,
    )
    return Plan(
        area=area,
        targets=targets,
        sites=layers.sites,
        poses=poses,
        coverage=layers.coverage,
        selected=selected,
        cameras=cameras,
        contacts=survey.contacts if survey is not None else None,
        catalogue=dict(catalogue),
        install=install,
        reaim=reaim,
        summary=summary,
        model=solved.model,
        options=options,
        greedy_new=greedy_new,
        name=summary["ward"],
        synthetic=bool(summary["synthetic"]),
        occluders=layers.occluders,
        bill=the_bill,
    )


def _options_from(options: PlanOptions | None, knobs: Mapping[str, Any]) -> PlanOptions:
    base = options or PlanOptions()
    return base.replace(**{k: v for k, v in knobs.items() if v is not None}) if knobs else base


def plan_ward(
    area: Area,
    *,
    survey: Survey | str | os.PathLike[str] | None = None,
    catalogue: Mapping[str, CameraSpec] | None = None,
    options: PlanOptions | None = None,
    cache: PlanCache | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    **knobs: Any,
) -> Plan:
    """Plan a ward: which cameras to keep, which to re-aim, where to put new ones.

    Parameters
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    survey
        The camera register (:class:`covplan.survey.Survey`, or a path to read);
        None plans new cameras only.
    catalogue
        Camera specs (default :func:`covplan.camera.spec.load_catalogue`).
    options
        Every planning knob (default :class:`PlanOptions`).
    cache
        Stage results to reuse from an earlier call on the same area, survey and
        catalogue (the explorer keeps one).
    name
        The ward's name for titles (default: the area's source file name).
    progress
        Progress callback (see :data:`covplan.plan.Progress`); stages are
        :data:`PIPELINE_STAGES`.
    **knobs
        Fields of :class:`PlanOptions` that override ``options`` (``headings=4``,
        ``pinned_sites={"node/12"}``…); None leaves a field as it is.

    Returns
    -------
    Plan
        The plan, its lists and its summary.

    Raises
    ------
    covplan.InputError
        For a bad or unknown knob, an unknown spec or site, or an unreadable survey.
    covplan.InfeasibleCoverError
        With ``allow_uncovered=False``, when some target no pose can see.
    """
    opts = _options_from(options, knobs)
    catalogue = dict(catalogue or load_catalogue())
    opts.check_specs(catalogue)
    if isinstance(survey, str | os.PathLike):
        survey = read_survey(survey, area=area)
    if survey is not None and not isinstance(survey, Survey):
        msg = message("pipeline.bad_survey", got=type(survey).__name__)
        raise InputError(msg)
    progress = progress or no_progress
    seconds: dict[str, float] = {}
    cache = cache if cache is not None else PlanCache()
    cameras = survey.cameras if survey is not None else None
    layers = build_layers(
        area,
        cameras=cameras,
        catalogue=catalogue,
        options=opts,
        cache=cache,
        progress=progress,
        seconds=seconds,
    )
    clock = Clock(progress, seconds)
    with clock.stage("solve"):
        solved = solve_layers(layers, opts)
    with clock.stage("greedy"):
        greedy_key = (*opts.stage_key("coverage"), opts.pinned_sites, opts.forbidden_sites)
        greedy_new = (
            None
            if opts.budget_vnd is not None
            else cache.get("greedy", greedy_key, lambda: greedy_baseline(layers, opts))
        )
    with clock.stage("lists"):
        plan = assemble_plan(
            area,
            layers,
            solved,
            survey=survey,
            catalogue=catalogue,
            options=opts,
            greedy_new=greedy_new,
            seconds=seconds,
            name=name,
        )
    plan.summary["seconds"] = {**seconds, **plan.summary["seconds"]}
    logger.info(
        "plan_ward: %d new, %d re-aimed, %d VND, coverage %.1f%%",
        plan.summary["new_cameras"],
        plan.summary["reaimed_cameras"],
        plan.summary["cost_vnd"],
        100 * (plan.summary["coverage"]["overall"] or 0.0),
    )
    return plan
