"""The end-to-end plan: area and survey in, the cameras to re-aim and install out.

:func:`plan_ward` runs the pipeline (targets → candidate sites → poses → coverage
matrix → ILP, with the greedy baseline beside it) and returns a :class:`Plan`;
:meth:`Plan.write` writes every file a planner opens into one folder. The CLI
(``covplan plan``, ``covplan demo``) and the notebooks call these two.

Writing is all-or-nothing: every file is first written under a hidden staging folder
inside the output folder, and only when all are complete are they renamed into place
(one ``os.replace`` each). A run that fails leaves the previous outputs as they were;
a run that is killed leaves at most a hidden ``.covplan-staging-*`` folder, which the
next run removes.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan import settings
from covplan._io import atomic_path, atomic_write_text

logger = logging.getLogger(__name__)

__all__ = ["Plan", "Progress", "plan_ward", "summary_text"]

#: ``progress(stage, total)`` is called when a stage starts and returns ``tick(n)``,
#: called as the stage advances (``total`` ticks in all). The CLI draws tqdm bars.
Progress = Callable[[str, int], Callable[[int], None]]

STAGING_PREFIX = ".covplan-staging-"


_CONE_COLUMNS = ("number", "source", "role", "heading_deg", "hfov_deg", "range_m", "dead_zone_m")


def _no_progress(stage: str, total: int) -> Callable[[int], None]:
    return lambda n: None


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
        The solved :class:`covplan.optimise.CameraCover`.
    name
        The ward's name for titles.
    synthetic
        True for the embedded demo ward (labelled on every map).
    """

    area: Any
    targets: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    poses: gpd.GeoDataFrame
    coverage: Any
    selected: np.ndarray
    cameras: gpd.GeoDataFrame | None
    contacts: pd.DataFrame | None
    catalogue: Mapping[str, Any]
    install: gpd.GeoDataFrame
    reaim: gpd.GeoDataFrame
    summary: dict[str, Any]
    model: Any = None
    name: str = ""
    synthetic: bool = False
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
        from covplan.export._layers import segment_coverage
        from covplan.geometry.coverage import view_polygons

        segs = self.area.segments if len(self.area.segments) else self.area.routes
        routes = segment_coverage(segs.reset_index(drop=True), self.targets, crs=self.area.crs)
        names = self.area.routes["name"] if "name" in self.area.routes.columns else None
        if names is not None and "name" not in routes.columns:
            routes["name"] = routes["route_id"].map(names)
        chosen = self.chosen
        # each camera's view as the plan models it: its sector to the observe range,
        # cut by the buildings in the way (what the optimiser counted), not a bare fan
        cones = view_polygons(chosen, self.area.buildings, crs=self.area.crs, level="observe")
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
            from covplan.export._layers import empty_gdf

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

    # ------------------------------------------------------------------ writing
    def write(
        self,
        out_dir: str | os.PathLike[str],
        *,
        lang: str = "vi",
        include_contacts: bool = False,
        vn2000: bool = False,
        maps: bool = True,
        pages: str = "route",
        page_png: bool = False,
        html: bool = True,
        tiles: str | None = "OpenStreetMap",
        dpi: int = 130,
        progress: Progress | None = None,
    ) -> list[Path]:
        """Write the plan's files into ``out_dir`` (all or nothing).

        Files: ``install.xlsx|csv|geojson`` (new cameras), ``reaim.xlsx|csv|geojson``
        (cameras to turn), ``plan.gpkg`` (layers with QGIS styles), ``plan.kml``,
        ``plan.kmz``, ``targets.geojson`` (the route targets each camera is meant to see,
        for ``covplan verify --targets``), ``maps.pdf`` (ward map + one page per planned
        route or group),
        ``map.png`` (the ward map), ``map.html``, ``summary.json``,
        ``summary.txt``; ``plan-vn2000.gpkg`` with ``vn2000``; ``pages/*.png`` (one PNG
        per map page) with ``page_png``.

        Parameters
        ----------
        out_dir
            The output folder (created).
        lang
            ``"vi"`` or ``"en"`` for headers, labels and the summary.
        include_contacts
            Add owners' names and phones to the re-aim list (personal data: off by
            default, and never in any other file).
        vn2000
            Also write the GeoPackage in VN-2000 / TM-3 107°00' (EPSG:9214).
        maps
            Draw the PDF/PNG maps (the slowest step).
        pages
            ``"route"`` or ``"group"``: one map page per planned route or residential group.
        page_png
            Also write each map page as a PNG (doubles the time maps take).
        html
            Write the HTML map.
        tiles
            Background tiles of the HTML map (None: no background, works offline).
        dpi
            PNG resolution.
        progress
            Progress callback (see :data:`Progress`).

        Returns
        -------
        list of pathlib.Path
            The files written, in ``out_dir``.
        """
        from covplan.export import (
            add_contacts,
            plan_maps,
            write_geopackage,
            write_html_map,
            write_kml,
            write_kmz,
            write_table,
        )
        from covplan.export.labels import label
        from covplan.export.maps import MapData

        progress = progress or _no_progress
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        _sweep_staging(out)
        t0 = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        try:
            tick = progress("lists", 2)
            layers = self.layers()
            write_table(
                self.install, staging / "install", lang=lang, sheet=label("install_sheet", lang)
            )
            tick(1)
            reaim = add_contacts(self.reaim, self.contacts) if include_contacts else self.reaim
            write_table(reaim, staging / "reaim", lang=lang, sheet=label("reaim_sheet", lang))
            tick(1)
            tick = progress("gis", 4 + int(vn2000))
            write_geopackage(staging / "plan.gpkg", layers, lang=lang)
            tick(1)
            with atomic_path(staging / "targets.geojson") as tmp:
                self.view_targets().to_file(tmp, driver="GeoJSON")
            tick(1)
            if vn2000:
                write_geopackage(
                    staging / "plan-vn2000.gpkg", layers, lang=lang, crs=settings.vn2000_epsg
                )
                tick(1)
            title = f"{label('ward_map', lang)} — {self.name}" if self.name else ""
            write_kml(staging / "plan.kml", layers, lang=lang, title=title)
            tick(1)
            write_kmz(staging / "plan.kmz", layers, lang=lang, title=title)
            tick(1)
            if maps:
                data = MapData.from_layers(
                    buildings=self.area.buildings,
                    segments=layers["routes"],
                    routes=self.area.routes.reset_index(drop=True)
                    if "route_id" in self.area.routes.columns
                    else self.area.routes.reset_index(),
                    groups=_with_id(self.area.groups, "group_id"),
                    boundary=self.area.boundary,
                    new=layers["new_cameras"],
                    existing=layers["existing_cameras"],
                    cones=layers["view_cones"],
                    unseen=layers["unseen_targets"],
                    crs=self.area.crs,
                    synthetic=self.synthetic,
                    title=self.name,
                )
                n_pages = 1 + (
                    int(data.routes.get("planned", pd.Series(True, index=data.routes.index)).sum())
                    if pages == "route"
                    else len(data.groups)
                    if data.groups is not None
                    else 0
                )
                page_tick = progress("maps", n_pages)
                plan_maps(
                    data,
                    pdf_path=staging / "maps.pdf",
                    png_path=staging / "map.png",
                    page_dir=staging / "pages" if page_png else None,
                    pages=pages,
                    lang=lang,
                    dpi=dpi,
                    progress=page_tick,
                )
            if html:
                png = (staging / "map.png").read_bytes() if (staging / "map.png").exists() else None
                write_html_map(
                    staging / "map.html",
                    layers,
                    buildings=self.area.buildings,
                    lang=lang,
                    tiles=tiles,
                    title=title,
                    fallback_png=png,
                )
            self.summary.setdefault("seconds", {})["write"] = round(time.perf_counter() - t0, 2)
            atomic_write_text(
                staging / "summary.json",
                json.dumps(_jsonable(self.summary), ensure_ascii=False, indent=2) + "\n",
            )
            atomic_write_text(staging / "summary.txt", summary_text(self.summary, lang) + "\n")
            written = _commit(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        logger.info("wrote %d files to %s", len(written), out)
        return written


def _with_id(gdf: gpd.GeoDataFrame | None, col: str) -> gpd.GeoDataFrame | None:
    if gdf is None:
        return None
    if col in gdf.columns:
        return gdf.reset_index(drop=True)
    return gdf.rename_axis(col).reset_index()


def _sweep_staging(out: Path) -> None:
    """Remove what a killed run left: staging folders and atomic-write temporaries."""
    for p in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(p, ignore_errors=True)
    for folder in (out, out / "pages"):
        if folder.is_dir():
            for p in folder.glob(".*.tmp*"):
                p.unlink(missing_ok=True)


def _commit(staging: Path, out: Path) -> list[Path]:
    """Move every staged file into ``out`` (one rename each); stale page PNGs go."""
    files = sorted(p for p in staging.rglob("*") if p.is_file() and not p.name.startswith("."))
    written = []
    new_pages = {p.name for p in files if p.parent.name == "pages"}
    for src in files:
        dst = out / src.relative_to(staging)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        written.append(dst)
    pages = out / "pages"
    if pages.is_dir() and new_pages:
        for old in pages.glob("*.png"):
            if old.name not in new_pages:
                old.unlink()
    return written


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def summary_text(summary: Mapping[str, Any], lang: str = "vi") -> str:
    """Return the end-of-run summary a planner reads, in Vietnamese or English.

    Parameters
    ----------
    summary
        The figures (``Plan.summary``).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        A few lines of text.
    """
    from covplan.export.labels import label

    def num(v: Any) -> str:
        return f"{v:,.0f}".replace(",", "." if lang == "vi" else ",")

    cov = summary.get("coverage", {})
    lines = [f"{label('summary_title', lang)}: {summary.get('ward', '')}".rstrip(": ")]
    if summary.get("synthetic"):
        lines.append(f"  — {label('synthetic', lang)}")
    lines += [
        f"  {label('new_cameras', lang)}: {summary.get('new_cameras', 0)}",
        f"  {label('reaimed_cameras', lang)}: {summary.get('reaimed_cameras', 0)}",
        f"  {label('kept_cameras', lang)}: {summary.get('kept_cameras', 0)}",
        f"  {label('cost_vnd', lang)}: {num(summary.get('cost_vnd', 0))}",
    ]
    overall = cov.get("overall")
    if overall is not None:
        lines.append(f"  {label('coverage_overall', lang)}: {overall:.1%}")
    by_group = cov.get("by_group") or {}
    if by_group:
        lines.append(f"  {label('coverage_by_group', lang)}:")
        for gid, g in by_group.items():
            c = g.get("coverage")
            text = f"{c:.1%}" if isinstance(c, float) else "—"
            gname = g.get("name") or (label("no_group", lang) if gid == "none" else gid)
            lines.append(f"    {gname}: {text} ({g.get('n_targets', 0)})")
    if summary.get("unseen_targets"):
        lines.append(f"  {label('unseen_targets', lang)}: {summary['unseen_targets']}")
    bound, gap = summary.get("bound"), summary.get("gap")
    finite = isinstance(bound, int | float) and math.isfinite(bound)
    lines.append(
        f"  {label('bound', lang)}: {bound:g}" if finite else f"  {label('bound', lang)}: —"
    )
    if summary.get("bound_new_cameras") is not None:
        lines[-1] += f" (≥ {summary['bound_new_cameras']} {label('new_cameras', lang).lower()})"
    if isinstance(gap, int | float) and math.isfinite(gap):
        lines.append(f"  {label('gap', lang)}: {gap:.2%}")
    status = summary.get("status") or {}
    if status:
        lines.append(f"  solver: {', '.join(f'{k} {v}' for k, v in status.items())}")
    if summary.get("greedy_cameras") is not None:
        lines.append(f"  {label('greedy_cameras', lang)}: {summary['greedy_cameras']}")
    seconds = summary.get("seconds") or {}
    if seconds:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in seconds.items() if "." not in k)
        lines.append(f"  {label('seconds', lang)}: {parts}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- pipeline


def _make_poses(
    cameras: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame,
    specs: Mapping[str, Any],
    headings: int | None,
) -> gpd.GeoDataFrame:
    from covplan.optimise.options import poses_from

    poses = poses_from(
        cameras if cameras is not None and len(cameras) else None, sites, specs, headings=headings
    )
    poses = gpd.GeoDataFrame(poses.to_crs(4326), geometry="geometry", crs=4326)
    poses.index = pd.RangeIndex(len(poses), name="pose_id")
    poses["pose_id"] = poses.index
    return poses


def _no_cameras() -> gpd.GeoDataFrame:
    from covplan.export._layers import empty_gdf

    return empty_gdf(["camera_id", "geometry"])


def _routes_of_poses(coverage: Any, targets: gpd.GeoDataFrame, chosen_idx: np.ndarray) -> list[Any]:
    """Return the route each chosen pose sees most of (None when it sees nothing)."""
    seen = coverage.seen.tocsc()
    routes = targets["route_id"].to_numpy()
    out: list[Any] = []
    for j in chosen_idx:
        rows = seen.indices[seen.indptr[j] : seen.indptr[j + 1]]
        if len(rows) == 0:
            out.append(None)
            continue
        vals, counts = np.unique(routes[rows].astype(str), return_counts=True)
        out.append(vals[np.argmax(counts)])
    return out


def plan_ward(
    area: Any,
    *,
    survey: Any = None,
    catalogue: Mapping[str, Any] | None = None,
    specs: Sequence[str] | None = None,
    spacing_m: float | None = None,
    site_spacing_m: float | None = None,
    headings: int | None = None,
    level_by_kind: Mapping[str, str] | None = None,
    k_at_ends: int = 1,
    budget_vnd: float | None = None,
    phases: bool = False,
    solver: str | None = None,
    time_limit_s: float | None = None,
    allow_uncovered: bool = True,
    name: str | None = None,
    progress: Progress | None = None,
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
    specs
        The spec_ids new cameras may use (default every spec in the catalogue).
    spacing_m
        Target spacing along routes (default :data:`covplan.settings.sample_spacing_m`).
    site_spacing_m
        Candidate-site spacing along routes (default :data:`covplan.settings.site_spacing_m`).
    headings
        Headings tried for new and re-aimed cameras (default 8).
    level_by_kind
        DORI level asked along each route kind.
    k_at_ends
        Views asked at alley ends and intersections (2: one each way).
    budget_vnd
        Spend at most this: maximise coverage instead of covering everything.
    phases
        Plan in phases per residential group: the pilot alley first (fewest cameras
        for it alone), then phase 1 (the one or two highest-priority alleys of each
        group) keeping the pilot's cameras, then phase 2 (everything) keeping both;
        each new or re-aimed camera is labelled with its phase. Phasing can cost a few
        cameras more than one plan for everything (59 against 56 on the demo ward).
    solver
        ``"highs"`` or ``"cbc"`` (default :data:`covplan.settings.solver`).
    time_limit_s
        Solver time limit (default :data:`covplan.settings.time_limit_s`).
    allow_uncovered
        Plan around targets that no pose can see (reported as unseen) instead of
        raising :class:`covplan.InfeasibleCoverError`.
    name
        The ward's name for titles (default: the area's source file name).
    progress
        Progress callback (see :data:`Progress`).

    Returns
    -------
    Plan
        The plan, its lists and its summary.
    """
    from covplan.camera.spec import load_catalogue
    from covplan.export.tables import install_list, reaim_list
    from covplan.geometry import candidate_sites, coverage_matrix, sample_targets
    from covplan.optimise import CameraCover, greedy_cover

    progress = progress or _no_progress
    seconds: dict[str, float] = {}

    def stage(key: str) -> Callable[[], None]:
        t = time.perf_counter()
        tick = progress(key, 1)

        def done() -> None:
            seconds[key] = round(time.perf_counter() - t, 2)
            tick(1)

        return done

    solver = solver or settings.solver
    catalogue = dict(catalogue or load_catalogue())
    use_specs = {k: v for k, v in catalogue.items() if specs is None or k in set(specs)}
    if not use_specs:
        msg = f"no camera spec left: {list(specs or [])} not in the catalogue {sorted(catalogue)}"
        raise ValueError(msg)

    if isinstance(survey, str | os.PathLike):
        from covplan.survey import read_survey

        survey = read_survey(survey, area=area)
    cameras = survey.cameras if survey is not None else None
    contacts = survey.contacts if survey is not None else None

    done = stage("targets")
    targets = sample_targets(
        area, spacing_m=spacing_m, k_at_ends=k_at_ends, level_by_kind=level_by_kind
    )
    done()
    done = stage("sites")
    sites = candidate_sites(area, site_spacing_m=site_spacing_m)
    done()
    done = stage("poses")
    poses = _make_poses(cameras, sites, use_specs, headings)
    done()
    done = stage("coverage")
    coverage = coverage_matrix(targets, poses, area.buildings, crs=area.crs)
    done()
    done = stage("solve")
    pose_phase: list[Any] | None = None
    if phases:
        model, pose_phase = _solve_in_phases(
            targets,
            poses,
            coverage,
            sites=sites,
            budget_vnd=budget_vnd,
            allow_uncovered=allow_uncovered,
            solver=solver,
            time_limit_s=time_limit_s,
        )
    else:
        model = CameraCover.from_geodataframes(
            targets,
            poses,
            coverage,
            sites=sites,
            budget_vnd=budget_vnd,
            allow_uncovered=allow_uncovered,
        ).solve(solver, time_limit_s=time_limit_s)
    done()
    done = stage("greedy")
    inst = model.instance
    greedy = greedy_cover(
        coverage.seen,
        cost=poses["cost"].to_numpy(dtype=float),
        k=targets["k_required"].to_numpy(),
        source=poses["source"].to_numpy(),
        camera=list(poses["camera_id"]),
        site=list(poses["site_id"]),
        capacity=dict(zip(sites["site_id"], sites["capacity"], strict=True)),
    )
    greedy_new = int((greedy & (poses["source"].to_numpy() == "new")).sum())
    done()
    del inst

    done = stage("lists")
    selected = np.asarray(model.selected, dtype=bool)
    targets = targets.copy()
    targets["cover_count"] = np.asarray(model.cover_count, dtype=int)
    targets["seen"] = targets["cover_count"] >= targets["k_required"]
    poses = poses.copy()
    chosen_idx = np.flatnonzero(selected)
    poses["route_id"] = None
    poses.loc[poses.index[chosen_idx], "route_id"] = _routes_of_poses(coverage, targets, chosen_idx)
    site_kind = dict(zip(sites["site_id"], sites["kind"], strict=True))
    poses["site_kind"] = [
        site_kind.get(s) if isinstance(s, str) else None for s in poses["site_id"]
    ]
    routes = area.routes if "route_id" in area.routes.columns else area.routes.reset_index()
    groups = _with_id(area.groups, "group_id")
    poses["phase"] = pd.Series(pose_phase or [None] * len(poses), index=poses.index, dtype=object)
    chosen = poses[selected]
    install = install_list(
        chosen[chosen["source"] == "new"],
        sites=sites,
        routes=routes,
        groups=groups,
        catalogue=catalogue,
        crs=area.crs,
    )
    reaim = (
        reaim_list(
            chosen[chosen["source"] == "reaim"], cameras, routes=routes, groups=groups, crs=area.crs
        )
        if cameras is not None
        else reaim_list(chosen.iloc[0:0], _no_cameras())
    )
    if cameras is not None:
        cameras = cameras.copy()
        cam_ids = (
            cameras["camera_id"]
            if "camera_id" in cameras
            else pd.Series(cameras.index, cameras.index)
        )
        role = pd.Series("unused", index=cameras.index, dtype=object)
        number = pd.Series("", index=cameras.index, dtype=object)
        by_id = dict(zip(cam_ids.astype(str), cameras.index, strict=True))
        keep_n = 0
        for _, p in chosen[chosen["source"] == "keep"].sort_values("camera_id").iterrows():
            keep_n += 1
            role.loc[by_id[str(p["camera_id"])]] = "keep"
            number.loc[by_id[str(p["camera_id"])]] = f"K{keep_n:02d}"
        for pose_idx, r in reaim.iterrows():
            role.loc[by_id[str(r["camera_id"])]] = "reaim"
            number.loc[by_id[str(r["camera_id"])]] = r["code"]
            del pose_idx
        cameras["role"] = role
        cameras["number"] = number
    done()

    summary = _summary(area, targets, sites, poses, selected, model, greedy_new, seconds, name)
    summary["solver"] = solver
    summary["time_limit_s"] = float(settings.time_limit_s if time_limit_s is None else time_limit_s)
    plan = Plan(
        area=area,
        targets=targets,
        sites=sites,
        poses=poses,
        coverage=coverage,
        selected=selected,
        cameras=cameras,
        contacts=contacts,
        catalogue=catalogue,
        install=install,
        reaim=reaim,
        summary=summary,
        model=model,
        name=summary["ward"],
        synthetic=bool(summary["synthetic"]),
    )
    logger.info(
        "plan_ward: %d new, %d re-aimed, %.0f VND, coverage %.1f%%",
        summary["new_cameras"],
        summary["reaimed_cameras"],
        summary["cost_vnd"],
        100 * (summary["coverage"]["overall"] or 0.0),
    )
    return plan


def _solve_in_phases(
    targets: gpd.GeoDataFrame,
    poses: gpd.GeoDataFrame,
    coverage: Any,
    *,
    sites: gpd.GeoDataFrame,
    budget_vnd: float | None,
    allow_uncovered: bool,
    solver: str | None,
    time_limit_s: float | None,
) -> tuple[Any, list[Any]]:
    """Plan the pilot, phase 1 and phase 2 in turn, keeping each phase's cameras.

    Targets get their phase from :func:`covplan.optimise.phases.assign_phases` (0 the
    pilot alley, 1 the one or two highest-priority alleys of each residential group, 2
    the rest). Phase *p* covers every target of phases ≤ *p* with the cameras of the
    earlier phases installed or turned already (fixed); a camera left as it is may
    still turn later. Each chosen pose is labelled with the phase that first chose it.

    Returns
    -------
    model, phase
        The last phase's solved model (the whole plan) and the phase of each pose
        (None for poses not chosen).
    """
    from covplan.optimise import CameraCover
    from covplan.optimise.phases import assign_phases

    t_phase = assign_phases(targets).to_numpy()
    k_all = targets["k_required"].to_numpy()
    movable = poses["source"].to_numpy() == "keep"
    phase: list[Any] = [None] * len(poses)
    fixed: np.ndarray | None = None
    model: Any = None
    for p in sorted(set(t_phase.tolist())):
        step = targets.assign(k_required=np.where(t_phase <= p, k_all, 0))
        model = CameraCover.from_geodataframes(
            step,
            poses,
            coverage,
            sites=sites,
            fixed=fixed,
            budget_vnd=budget_vnd,
            allow_uncovered=allow_uncovered,
        ).solve(solver, time_limit_s=time_limit_s)
        chosen = np.asarray(model.selected, dtype=bool)
        for j in np.flatnonzero(chosen):
            if phase[j] is None:
                phase[j] = int(p)
        fixed = chosen & ~movable
        logger.info("phase %d: %d new, %d re-aimed in all", p, model.n_new, model.n_reaim)
    # a kept camera that a later phase turns instead keeps its first phase; one dropped has none
    phase = [ph if bool(sel) else None for ph, sel in zip(phase, model.selected, strict=True)]
    return model, phase


def _bound_new(model: Any, bound: float | None) -> int | None:
    """Lower bound on new cameras from the stage-1 bound on W·new + re-aims."""
    try:
        w = int(model.instance.lex_weight())
    except (AttributeError, TypeError, ValueError):
        return None
    if bound is None or not math.isfinite(bound):
        return None
    return max(0, math.ceil((float(bound) - (w - 1)) / w - 1e-9))


def _summary(
    area: Any,
    targets: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    poses: gpd.GeoDataFrame,
    selected: np.ndarray,
    model: Any,
    greedy_new: int,
    seconds: dict[str, float],
    name: str | None,
) -> dict[str, Any]:
    from covplan.export._layers import route_coverage

    src = poses["source"].to_numpy()
    by_group: dict[str, Any] = {}
    if len(targets):
        g = route_coverage(targets, by="group_id")
        names = {}
        if area.groups is not None and len(area.groups):
            gg = _with_id(area.groups, "group_id")
            if gg is not None:
                names = dict(zip(gg["group_id"].astype(str), gg["name"], strict=True))
        for gid, row in g.iterrows():
            key = str(gid) if isinstance(gid, str) else "none"
            by_group[key] = {
                "name": names.get(key, ""),
                "coverage": round(float(row["coverage"]), 4),
                "n_targets": int(row["n_targets"]),
                "n_seen": int(row["n_seen"]),
            }
    overall = float(targets["seen"].mean()) if len(targets) else None
    source = str(getattr(area, "source", "") or "")
    ward = name or (Path(source).name.split(".")[0] if source else "")
    synthetic = "demo-ward" in source
    bounds: dict[str, float] = dict(model.bound or {})
    gaps: dict[str, float] = dict(model.gap or {})
    stage = "cameras" if "cameras" in bounds else next(iter(bounds), None)
    bound = bounds.get(stage) if stage else None
    gap = gaps.get(stage) if stage else None
    sec = dict(seconds)
    for k, v in (model.seconds or {}).items():
        sec[f"solve.{k}"] = round(float(v), 2)
    return {
        "ward": ward,
        "synthetic": synthetic,
        "new_cameras": int((selected & (src == "new")).sum()),
        "reaimed_cameras": int((selected & (src == "reaim")).sum()),
        "kept_cameras": int((selected & (src == "keep")).sum()),
        "cost_vnd": float(poses["cost"].to_numpy(dtype=float)[selected].sum()),
        "coverage": {
            "overall": None if overall is None else round(overall, 4),
            "by_group": by_group,
        },
        "bound": None if bound is None else float(bound),
        "bound_new_cameras": _bound_new(model, bound),
        "gap": None if gap is None else float(gap),
        "objective": {k: float(v) for k, v in (model.objective or {}).items()},
        "status": dict(model.status or {}),
        "greedy_cameras": greedy_new,
        "targets": len(targets),
        "unseen_targets": int((~targets["seen"].astype(bool)).sum()),
        "sites": len(sites),
        "poses": len(poses),
        "nnz": int(model.instance.A.nnz) if hasattr(model, "instance") else None,
        "seconds": sec,
    }
