"""Write a :class:`covplan.plan.Plan` into one folder, all or nothing.

Every file is first written under a hidden staging folder inside the output folder,
and only when all are complete are they renamed into place (one ``os.replace`` each).
A run that fails leaves the previous outputs as they were; a run that is killed
leaves at most a hidden ``.covplan-staging-*`` folder, which the next run removes.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from covplan import settings
from covplan._frames import with_id
from covplan._io import atomic_path, atomic_write_text
from covplan.export import (
    MapData,
    add_contacts,
    plan_maps,
    write_csv,
    write_geopackage,
    write_html_map,
    write_kml,
    write_kmz,
    write_table,
)
from covplan.plan.summary import bill, summary_text
from covplan.vocab import cost_label, label

if TYPE_CHECKING:  # result.py imports this module for Plan.write
    from covplan.plan.result import Plan

logger = logging.getLogger(__name__)

__all__ = ["STAGING_PREFIX", "Progress", "no_progress", "write_plan"]

#: ``progress(stage, total)`` is called when a stage starts and returns ``tick(n)``,
#: called as the stage advances (``total`` ticks in all). The CLI draws tqdm bars.
Progress = Callable[[str, int], Callable[[int], None]]

STAGING_PREFIX = ".covplan-staging-"


def no_progress(stage: str, total: int) -> Callable[[int], None]:
    """Progress callback that shows nothing (see :data:`Progress`)."""
    return lambda n: None


def write_plan(
    plan: Plan,
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
    route or group), ``map.png`` (the ward map), ``map.html``, ``summary.json``,
    ``summary.txt``; ``plan-vn2000.gpkg`` with ``vn2000``; ``pages/*.png`` (one PNG
    per map page) with ``page_png``.

    Parameters
    ----------
    plan
        The plan.
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
    progress = progress or no_progress
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sweep_staging(out)
    t0 = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    title = f"{label('ward_map', lang)} — {plan.name}" if plan.name else ""
    try:
        _write_lists(plan, staging, lang, include_contacts, progress)
        _write_gis(plan, staging, lang, vn2000, title, progress)
        if maps:
            _write_maps(plan, staging, lang, pages, page_png, dpi, progress)
        if html:
            png = staging / "map.png"
            write_html_map(
                staging / "map.html",
                plan.layers(),
                buildings=plan.area.buildings,
                lang=lang,
                tiles=tiles,
                title=title,
                fallback_png=png.read_bytes() if png.exists() else None,
            )
        _write_trade_offs(plan, staging, lang)
        plan.summary.setdefault("seconds", {})["write"] = round(time.perf_counter() - t0, 2)
        atomic_write_text(
            staging / "summary.json",
            json.dumps(jsonable(plan.summary), ensure_ascii=False, indent=2) + "\n",
        )
        atomic_write_text(staging / "summary.txt", summary_text(plan.summary, lang) + "\n")
        written = _commit(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("wrote %d files to %s", len(written), out)
    return written


def _write_trade_offs(plan: Plan, staging: Path, lang: str) -> None:
    """Write the bill by part (``cost.csv``) and the scenarios, when computed (``pareto.csv``)."""
    the_bill = bill(plan.poses, plan.selected, plan.options.cost_model(), plan.catalogue, lang=lang)
    cols = ["part", f"label_{lang}", "quantity", "unit", "vnd", "share", "note"]
    table = the_bill[cols].rename(columns={f"label_{lang}": "part_label"})
    table["unit"] = [cost_label("unit", str(u), lang) for u in table["unit"]]
    table["share"] = table["share"].astype(float).round(3)
    write_csv(table, staging / "cost.csv", lang=lang)
    rows = plan.summary.get("pareto")
    if rows:
        write_csv(pd.DataFrame(rows), staging / "pareto.csv", lang=lang)


def _write_lists(
    plan: Plan, staging: Path, lang: str, include_contacts: bool, progress: Progress
) -> None:
    tick = progress("lists", 2)
    write_table(plan.install, staging / "install", lang=lang, sheet=label("install_sheet", lang))
    tick(1)
    reaim = add_contacts(plan.reaim, plan.contacts) if include_contacts else plan.reaim
    write_table(reaim, staging / "reaim", lang=lang, sheet=label("reaim_sheet", lang))
    tick(1)


def _write_gis(
    plan: Plan, staging: Path, lang: str, vn2000: bool, title: str, progress: Progress
) -> None:
    layers = plan.layers()
    tick = progress("gis", 4 + int(vn2000))
    write_geopackage(staging / "plan.gpkg", layers, lang=lang)
    tick(1)
    with atomic_path(staging / "targets.geojson") as tmp:
        plan.view_targets().to_file(tmp, driver="GeoJSON")
    tick(1)
    if vn2000:
        write_geopackage(staging / "plan-vn2000.gpkg", layers, lang=lang, crs=settings.vn2000_epsg)
        tick(1)
    write_kml(staging / "plan.kml", layers, lang=lang, title=title)
    tick(1)
    write_kmz(staging / "plan.kmz", layers, lang=lang, title=title)
    tick(1)


def map_data(plan: Plan) -> MapData:
    """Return the layers of the plan's printed maps.

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    covplan.export.MapData
        Buildings, routes, groups, cameras, cones and unseen points in the area's CRS.
    """
    layers = plan.layers()
    routes = plan.area.routes
    return MapData.from_layers(
        buildings=plan.area.buildings,
        segments=layers["routes"],
        routes=routes.reset_index(drop=True)
        if "route_id" in routes.columns
        else routes.reset_index(),
        groups=with_id(plan.area.groups, "group_id"),
        boundary=plan.area.boundary,
        new=layers["new_cameras"],
        existing=layers["existing_cameras"],
        cones=layers["view_cones"],
        unseen=layers["unseen_targets"],
        crs=plan.area.crs,
        synthetic=plan.synthetic,
        title=plan.name,
    )


def _write_maps(
    plan: Plan,
    staging: Path,
    lang: str,
    pages: str,
    page_png: bool,
    dpi: int,
    progress: Progress,
) -> None:
    data = map_data(plan)
    if pages == "route":
        planned = data.routes.get("planned", pd.Series(True, index=data.routes.index))
        n_pages = 1 + int(planned.sum())
    else:
        n_pages = 1 + (len(data.groups) if data.groups is not None else 0)
    plan_maps(
        data,
        pdf_path=staging / "maps.pdf",
        png_path=staging / "map.png",
        page_dir=staging / "pages" if page_png else None,
        pages=pages,
        lang=lang,
        dpi=dpi,
        progress=progress("maps", n_pages),
    )


def sweep_staging(out: Path) -> None:
    """Remove what a killed run left in ``out``: staging folders and atomic-write temporaries.

    Parameters
    ----------
    out
        An output folder.
    """
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


def jsonable(obj: Any) -> Any:
    """Return ``obj`` with numpy scalars, tuples and non-finite floats made JSON-ready.

    Parameters
    ----------
    obj
        Nested dicts, lists and scalars.

    Returns
    -------
    Any
        The same structure; NaN and infinities become None.
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        try:
            obj = obj.item()
        except (TypeError, ValueError):
            pass
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
