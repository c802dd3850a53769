"""The pipeline's geometry stages and their cache: targets, sites, poses, coverage.

Each stage is a function of the area (and survey cameras, catalogue) and of the
:class:`covplan.plan.PlanOptions` fields :meth:`PlanOptions.stage_key` names for it;
:func:`build_layers` runs all four through a :class:`PlanCache`, rebuilding only the
stages whose knobs changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan import settings
from covplan.area import Area
from covplan.area.corridor import corridor as route_corridor
from covplan.camera.costs import CostModel
from covplan.camera.spec import CameraSpec
from covplan.geometry import (
    Coverage,
    Occluders,
    candidate_sites,
    coverage_matrix,
    occluders_for,
    sample_targets,
)
from covplan.optimise.options import poses_from
from covplan.plan.options import PlanOptions
from covplan.plan.write import Progress, no_progress

__all__ = [
    "Clock",
    "Layers",
    "PlanCache",
    "build_coverage",
    "build_layers",
    "build_occluders",
    "build_poses",
    "build_sites",
    "build_targets",
    "pose_costs",
]


# ---------------------------------------------------------------------------- cache


class PlanCache:
    """The results of the pipeline's stages, each kept with the options it was built for.

    Pass the same cache to successive :func:`plan_ward` calls on the same area, survey
    and catalogue: a stage is rebuilt only when a knob it depends on changed.
    """

    def __init__(self) -> None:
        self._store: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self.hits: dict[str, int] = {}

    def get(self, stage: str, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """Return the cached value of ``stage`` for ``key``, building it when missing.

        Parameters
        ----------
        stage
            The stage's name.
        key
            The knobs the stage depends on.
        build
            Makes the value when the cache has none for ``key``.

        Returns
        -------
        Any
            The stage's value.
        """
        hit = self._store.get(stage)
        if hit is not None and hit[0] == key:
            self.hits[stage] = self.hits.get(stage, 0) + 1
            return hit[1]
        value = build()
        self._store[stage] = (key, value)
        return value

    def clear(self) -> None:
        """Forget every stage."""
        self._store.clear()


# ---------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Layers:
    """What a solve works on: targets, sites, poses, coverage, occluders, routes.

    ``occluders`` are what the coverage was built with (mapped buildings, and the
    inferred blocks outside the route corridors); ``routes`` the planned routes as the
    phases and budgets read them.
    """

    targets: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    poses: gpd.GeoDataFrame
    coverage: Coverage
    occluders: Occluders | None = None
    routes: pd.DataFrame | None = None


def build_targets(area: Area, options: PlanOptions) -> gpd.GeoDataFrame:
    """Return the route targets for ``options`` (see :func:`covplan.sample_targets`).

    Parameters
    ----------
    area
        The ward.
    options
        Reads ``spacing_m``, ``level_by_kind``, ``end_level``, ``k_at_ends``.

    Returns
    -------
    geopandas.GeoDataFrame
        The targets.
    """
    return sample_targets(
        area,
        spacing_m=options.spacing_m,
        k_at_ends=options.k_at_ends,
        level_by_kind=dict(options.level_by_kind),
        end_level=options.end_level,
    )


def build_sites(area: Area, options: PlanOptions) -> gpd.GeoDataFrame:
    """Return the candidate sites for ``options`` (see :func:`covplan.candidate_sites`).

    Parameters
    ----------
    area
        The ward.
    options
        Reads ``site_spacing_m`` and ``capacity``.

    Returns
    -------
    geopandas.GeoDataFrame
        The sites.
    """
    return candidate_sites(area, site_spacing_m=options.site_spacing_m, capacity=options.capacity)


def build_poses(
    cameras: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame,
    catalogue: Mapping[str, CameraSpec],
    options: PlanOptions,
    *,
    area: Area | None = None,
) -> gpd.GeoDataFrame:
    """Return every pose: keep / re-aim for surveyed cameras, new ones at the sites.

    Parameters
    ----------
    cameras
        The survey's cameras, or None.
    sites
        Candidate sites.
    catalogue
        Camera specs by spec_id.
    options
        Reads ``headings``, ``specs`` and ``hfov_deg``.
    area
        The ward: a surveyed camera is matched to the building it is mounted on (which
        then does not hide its own view). Without it no camera gets a building.

    Returns
    -------
    geopandas.GeoDataFrame
        Poses in EPSG:4326, index ``pose_id`` 0…n-1 (also a column).
    """
    specs = {
        k: v
        for k, v in catalogue.items()
        if (options.specs is None or k in options.specs)
        and (options.camera_class == "all" or options.specs is not None or not v.is_fisheye)
    }
    poses = poses_from(
        cameras if cameras is not None and len(cameras) else None,
        sites,
        specs,
        headings=options.headings,
        hfov_deg=options.hfov_deg,
        buildings=area.buildings if area is not None else None,
        crs=area.crs if area is not None else None,
    )
    poses = gpd.GeoDataFrame(poses.to_crs(4326), geometry="geometry", crs=4326)
    kind = poses["site_id"].map(dict(zip(sites["site_id"], sites["kind"], strict=True)))
    mount = poses["site_id"].map(dict(zip(sites["site_id"], sites["mount"], strict=True)))
    poses["cost_vnd"] = pose_costs(poses, mount, specs, options.cost_model())
    # the ward's rule: ends, junctions, bends and poles before filler positions — a
    # tie-break in the optimiser's cost only, never in the bill
    poses["cost"] = poses["cost_vnd"].astype(float) + np.where(
        kind == "filler", settings.filler_preference_vnd, 0
    )
    poses.index = pd.RangeIndex(len(poses), name="pose_id")
    poses["pose_id"] = poses.index
    return poses


def pose_costs(
    poses: pd.DataFrame,
    mount: pd.Series,
    specs: Mapping[str, CameraSpec],
    costs: CostModel,
) -> np.ndarray:
    """Return each pose's whole cost in VND (int64): what choosing it adds to the bill.

    A new camera costs its parts (camera, cable, power, labour, storage, connectivity)
    plus the mount it needs; a re-aim is one visit; keeping a camera costs nothing. The
    optimiser charges every camera its mount: on a wall each camera has its own bracket,
    as the bill counts; a second camera on a pole shares the first one's mount in the
    bill (:meth:`CostModel.itemise`), so the optimiser's figure is an upper bound there.

    Parameters
    ----------
    poses
        With ``source`` and ``spec_id``.
    mount
        The mount of each pose's site (aligned with ``poses``).
    specs
        Camera specs by spec_id.
    costs
        The cost model.

    Returns
    -------
    numpy.ndarray of int64
    """
    src = poses["source"].to_numpy()
    out = np.zeros(len(poses), dtype=np.int64)
    out[src == "reaim"] = int(costs.reaim_vnd)
    new = np.flatnonzero(src == "new")
    if len(new):
        pairs = pd.DataFrame(
            {"spec": poses["spec_id"].to_numpy()[new], "mount": mount.to_numpy()[new]}
        )
        price = {
            (sp, mo): costs.pose_cost_vnd(specs[sp], mo) + costs.mount_cost_vnd(mo)
            for sp, mo in pairs.drop_duplicates().itertuples(index=False)
        }
        out[new] = [price[(sp, mo)] for sp, mo in pairs.itertuples(index=False)]
    return out


def build_occluders(area: Area, options: PlanOptions) -> Occluders:
    """Return what blocks sight lines: buildings, and the ground outside the corridors.

    With ``options.corridor`` everything outside every route corridor and mapped open
    space blocks too (unmapped houses).

    Parameters
    ----------
    area
        The ward.
    options
        Reads ``corridor``.

    Returns
    -------
    covplan.geometry.Occluders
        In the area's metric CRS; the frame of inferred blocks is the area's outline
        grown by 150 m (farther than any camera reaches at the levels asked).
    """
    if not options.corridor:
        return occluders_for(area.buildings, crs=area.crs)
    frame = area.boundary_metric.buffer(150.0)
    return occluders_for(area.buildings, crs=area.crs, corridor=route_corridor(area), frame=frame)


def build_coverage(
    area: Area,
    targets: gpd.GeoDataFrame,
    poses: gpd.GeoDataFrame,
    *,
    occluders: Occluders | None = None,
    near_zone: bool = True,
) -> Coverage:
    """Return which pose sees which target (see :func:`covplan.coverage_matrix`).

    Parameters
    ----------
    area
        The ward (its buildings block sight lines).
    targets
        The targets.
    poses
        The poses.
    occluders
        From :func:`build_occluders` (default: the area's buildings only).
    near_zone
        Targets under a mount are seen walking past it.

    Returns
    -------
    covplan.geometry.Coverage
        The sparse coverage matrix.
    """
    return coverage_matrix(
        targets, poses, area.buildings, crs=area.crs, occluders=occluders, near_zone=near_zone
    )


class Clock:
    """Times each pipeline stage into ``seconds`` and tells the progress callback."""

    def __init__(self, progress: Progress, seconds: dict[str, float]) -> None:
        self.progress = progress
        self.seconds = seconds

    @contextmanager
    def stage(self, key: str) -> Iterator[None]:
        """Time the block as stage ``key`` (seconds rounded to 0.01) and tick its progress."""
        t = time.perf_counter()
        tick = self.progress(key, 1)
        yield
        self.seconds[key] = round(time.perf_counter() - t, 2)
        tick(1)


def build_layers(
    area: Area,
    *,
    cameras: gpd.GeoDataFrame | None,
    catalogue: Mapping[str, CameraSpec],
    options: PlanOptions,
    cache: PlanCache | None = None,
    progress: Progress | None = None,
    seconds: dict[str, float] | None = None,
) -> Layers:
    """Run the geometry stages (targets, sites, poses, coverage), reusing ``cache``.

    Parameters
    ----------
    area
        The ward.
    cameras
        The survey's cameras, or None.
    catalogue
        Camera specs by spec_id.
    options
        The planning options.
    cache
        Stage results from earlier calls on the same area, cameras and catalogue.
    progress
        Progress callback (see :data:`covplan.plan.Progress`).
    seconds
        Filled with seconds per stage.

    Returns
    -------
    Layers
        Targets, sites, poses and coverage.

    Raises
    ------
    covplan.InputError
        For specs or pinned / forbidden sites that do not exist.
    """
    options.check_specs(catalogue)
    cache = cache if cache is not None else PlanCache()
    clock = Clock(progress or no_progress, seconds if seconds is not None else {})
    with clock.stage("targets"):
        targets = cache.get(
            "targets", options.stage_key("targets"), lambda: build_targets(area, options)
        )
    with clock.stage("sites"):
        sites = cache.get("sites", options.stage_key("sites"), lambda: build_sites(area, options))
    options.check_sites(sites["site_id"].astype(str))
    with clock.stage("poses"):
        poses = cache.get(
            "poses",
            options.stage_key("poses"),
            lambda: build_poses(cameras, sites, catalogue, options, area=area),
        )
    with clock.stage("coverage"):
        occluders = cache.get(
            "occluders",
            (options.corridor, settings.sliver_tolerance_m, settings.corridor_margin_m),
            lambda: build_occluders(area, options),
        )
        coverage = cache.get(
            "coverage",
            options.stage_key("coverage"),
            lambda: build_coverage(
                area, targets, poses, occluders=occluders, near_zone=options.near_zone
            ),
        )
    return Layers(targets, sites, poses, coverage, occluders, _route_table(area))


def _route_table(area: Area) -> pd.DataFrame:
    """Return the planned routes as the phases and budgets read them (no geometry)."""
    r = area.planned_routes
    cols = [c for c in ("name", "kind", "group_id", "length_m") if c in r.columns]
    out = pd.DataFrame(r[cols]).copy()
    out.insert(0, "route_id", r.index.astype(str))
    out["group_id"] = (
        out["group_id"].astype(object).where(out["group_id"].notna(), "")
        if "group_id" in out.columns
        else ""
    )
    return out.reset_index(drop=True)
