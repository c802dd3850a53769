"""The result of planning a ward: :class:`Plan`, the same object for every caller.

:func:`covplan.plan.plan_ward`, ``covplan plan`` and the notebook explorer
(:attr:`covplan.widgets.PlanExplorer.plan`) all return a :class:`Plan`; its
:meth:`Plan.write` writes every file a planner opens (see :mod:`covplan.plan.write`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan._frames import empty_gdf
from covplan.area import Area
from covplan.export import segment_coverage
from covplan.geometry import Coverage, Occluders, view_polygons
from covplan.optimise import CameraCover
from covplan.plan.options import PlanOptions
from covplan.plan.write import write_plan

__all__ = ["Plan"]

_CONE_COLUMNS = (
    "number",
    "source",
    "role",
    "heading_deg",
    "hfov_deg",
    "level",
    "range_m",
    "dead_zone_m",
)


@dataclass
class Plan:
    """A camera plan for a ward and everything needed to write it out.

    Attributes
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    targets
        Targets with ``cover_count`` (views in the plan) and ``seen`` (bool) added.
    sites
        Candidate sites.
    poses
        Every pose considered (keep, re-aim, new); ``selected`` marks the plan's.
    coverage
        The coverage matrix (:class:`covplan.geometry.Coverage`).
    selected
        Bool over ``poses``.
    cameras
        The survey's cameras (None without a survey), with ``role`` (keep, reaim,
        unused) and ``number`` (K01, R01… as on the maps) added.
    contacts
        The survey's private contacts (never written unless asked).
    catalogue
        Camera specs by spec_id.
    install
        The install list (:func:`covplan.export.install_list`).
    reaim
        The re-aim list (:func:`covplan.export.reaim_list`).
    summary
        The figures of ``summary.json``.
    model
        The solved :class:`covplan.optimise.CameraCover` (its ``result`` is the
        typed solver report).
    options
        The :class:`covplan.plan.PlanOptions` the plan was made with.
    greedy_new
        New cameras of the greedy baseline on the same instance (None when not run).
    name
        The ward's name for titles.
    synthetic
        True for the embedded demo ward (labelled on every map).
    occluders
        What blocked sight lines when the plan was made (buildings and the ground
        outside the route corridors); the view cones on the maps are cut by it.
    bill
        The whole one-off cost by part (:meth:`covplan.camera.costs.CostModel.itemise`;
        ``attrs["total_vnd"]`` is ``summary["cost_vnd"]``).
    """

    area: Area
    targets: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    poses: gpd.GeoDataFrame
    coverage: Coverage
    selected: np.ndarray
    cameras: gpd.GeoDataFrame | None
    contacts: pd.DataFrame | None
    catalogue: Mapping[str, Any]
    install: gpd.GeoDataFrame
    reaim: gpd.GeoDataFrame
    summary: dict[str, Any]
    model: CameraCover | None = None
    options: PlanOptions = field(default_factory=PlanOptions)
    greedy_new: int | None = None
    name: str = ""
    synthetic: bool = False
    occluders: Occluders | None = None
    bill: pd.DataFrame | None = None
    _layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ layers
    @property
    def chosen(self) -> gpd.GeoDataFrame:
        """The plan's poses (keep, re-aim and new), with ``number`` as on the maps."""
        out = self.poses[self.selected].copy()
        number = pd.Series("", index=out.index, dtype=object)
        if len(self.install):
            number.loc[self.install.index] = self.install["code"].astype(str)
        if len(self.reaim):
            number.loc[self.reaim.index] = self.reaim["code"].astype(str)
        if self.cameras is not None and "number" in self.cameras.columns:
            by_cam = self.cameras["number"]
            keep = out["source"] == "keep"
            number.loc[keep] = pd.Series(
                [by_cam.get(c, "") for c in out.loc[keep, "camera_id"]], index=out.index[keep]
            )
        out["number"] = number
        return out

    def view_targets(self) -> gpd.GeoDataFrame:
        """Return, for each camera of the plan, the route targets it is meant to see.

        This is the file a technician hands to ``covplan verify --targets``: one row
        per (target, chosen camera that sees it), so the picture check can project
        exactly these points into that camera's image.

        Returns
        -------
        geopandas.GeoDataFrame
            ``camera_id`` (the surveyed camera's id for kept and re-aimed cameras,
            the install code N01… for new ones), ``number`` (as on the maps),
            ``source``, ``target_id``, ``route_id``, ``level``, ``px_per_m`` (the
            pixel density the plan expects there), Point geometry in EPSG:4326.
        """
        chosen = self.chosen
        cols = np.flatnonzero(self.selected)
        seen = self.coverage.seen.tocsc()[:, cols].tocoo()
        density = self.coverage.px_per_m.tocsc()[:, cols].tocoo()
        px = dict(zip(zip(density.row, density.col, strict=True), density.data, strict=True))
        rows, which = seen.row, seen.col
        pick = chosen.iloc[which]
        camera = np.where(
            pick["source"].to_numpy() == "new",
            pick["number"].to_numpy(),
            pick["camera_id"].astype(str).to_numpy(),
        )
        tg = self.targets.iloc[rows]
        out = gpd.GeoDataFrame(
            {
                "camera_id": camera,
                "number": pick["number"].to_numpy(),
                "source": pick["source"].to_numpy(),
                "target_id": tg["target_id"].to_numpy(),
                "route_id": tg["route_id"].to_numpy(),
                "level": tg["level"].to_numpy() if "level" in tg.columns else None,
                "px_per_m": [
                    round(float(px.get((r, c), np.nan)), 1)
                    for r, c in zip(rows, which, strict=True)
                ],
            },
            geometry=tg.geometry.to_crs(4326).to_numpy(),
            crs=4326,
        )
        return out.sort_values(["number", "target_id"]).reset_index(drop=True)

    def view_cones(self) -> gpd.GeoDataFrame:
        """Return each chosen camera's view as the plan models it (EPSG:4326).

        The sector to the range of the level asked along the route the camera watches
        (detect along alleys by default, observe on streets), cut by the buildings and,
        where the map has none, by the ground outside the route corridors — what the
        optimiser counted, not a bare fan. ``level`` says which level each cone shows.

        Returns
        -------
        geopandas.GeoDataFrame
            The chosen poses' columns, the view polygon, ``range_m``, ``dead_zone_m`` and
            ``level``; index as :attr:`chosen`.
        """
        chosen = self.chosen
        kinds = self.area.routes["kind"] if "kind" in self.area.routes.columns else None
        levels = dict(self.options.level_by_kind)
        watched = chosen["route_id"].map(kinds) if kinds is not None else None
        level = (
            watched.map(levels).fillna(self.options.level)
            if watched is not None
            else pd.Series(self.options.level, index=chosen.index)
        )
        parts = [
            view_polygons(
                chosen[level == lv],
                self.area.buildings,
                crs=self.area.crs,
                level=lv,
                occluders=self.occluders,
            ).assign(level=lv)
            for lv in sorted(set(level))
        ]
        if not parts:
            return view_polygons(chosen, None, crs=self.area.crs, occluders=self.occluders)
        return gpd.GeoDataFrame(pd.concat(parts), crs=4326).loc[chosen.index]

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the GeoPackage / KML / web-map layers of the plan (EPSG:4326).

        Returns
        -------
        dict
            ``routes`` (segments with coverage), ``view_cones``, ``unseen_targets``,
            ``existing_cameras``, ``new_cameras``.
        """
        if self._layers:
            return self._layers
        segs = self.area.segments if len(self.area.segments) else self.area.routes
        routes = segment_coverage(segs.reset_index(drop=True), self.targets, crs=self.area.crs)
        names = self.area.routes["name"] if "name" in self.area.routes.columns else None
        if names is not None and "name" not in routes.columns:
            routes["name"] = routes["route_id"].map(names)
        cones = self.view_cones()
        cones = cones[[c for c in (*_CONE_COLUMNS, "geometry") if c in cones.columns]]
        cones = cones[~cones.geometry.is_empty]
        unseen = self.targets[~self.targets["seen"].astype(bool)]
        unseen = unseen[
            [
                c
                for c in (
                    "target_id",
                    "route_id",
                    "group_id",
                    "kind",
                    "level",
                    "k_required",
                    "cover_count",
                    "geometry",
                )
                if c in unseen.columns
            ]
        ]
        self._layers = {
            "routes": routes,
            "view_cones": cones,
            "unseen_targets": unseen.to_crs(4326),
            "existing_cameras": self._existing_layer(),
            "new_cameras": self.install.assign(source="new"),
        }
        return self._layers

    def _existing_layer(self) -> gpd.GeoDataFrame:
        cols = [
            "camera_id",
            "number",
            "role",
            "owner_id",
            "owner_kind",
            "heading_now_deg",
            "heading_new_deg",
            "hfov_deg",
            "retention_days",
            "is_ip",
            "adjustable",
            "status",
            "route_id",
            "route_name",
        ]
        if self.cameras is None or not len(self.cameras):
            return empty_gdf([*cols, "geometry"])
        cams = self.cameras.copy()
        cams["camera_id"] = cams.index.astype(str) if "camera_id" not in cams else cams["camera_id"]
        cams["heading_now_deg"] = cams["heading_deg"]
        new_heading = pd.Series(np.nan, index=cams.index)
        route = pd.Series(None, index=cams.index, dtype=object)
        chosen = self.poses[self.selected]
        for _, p in chosen[chosen["source"].isin(["keep", "reaim"])].iterrows():
            new_heading.loc[p["camera_id"]] = p["heading_deg"]
            route.loc[p["camera_id"]] = p.get("route_id")
        cams["heading_new_deg"] = new_heading
        cams["route_id"] = route
        names = self.area.routes["name"] if "name" in self.area.routes.columns else {}
        cams["route_name"] = [names.get(r, "") if isinstance(r, str) else "" for r in route]
        keep = [c for c in cols if c in cams.columns]
        return gpd.GeoDataFrame(cams[[*keep, "geometry"]], geometry="geometry", crs=cams.crs)

    @property
    def new_sites(self) -> list[str]:
        """Sites that get at least one new camera, sorted."""
        c = self.poses[self.selected]
        return sorted({str(s) for s in c.loc[c["source"] == "new", "site_id"].dropna()})

    def write(self, out_dir: str | os.PathLike[str], **kwargs: Any) -> list[Path]:
        """Write the plan's files into ``out_dir``, all or nothing.

        A thin caller of :func:`covplan.plan.write.write_plan`; see it for the files
        and the keyword arguments (``lang``, ``maps``, ``pages``, ``tiles``…).

        Parameters
        ----------
        out_dir
            The output folder (created).
        **kwargs
            As :func:`covplan.plan.write.write_plan`.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        return write_plan(self, out_dir, **kwargs)
