"""Printed maps: the ward map, one page per route or residential group, and the route atlas.

Every page is A4 landscape: the map on the left (buildings, routes coloured by coverage
or by kind, view cones, cameras numbered as in the install and re-aim lists, north
arrow and scale bar) and a side panel with the title, legend and the cameras on the
page. Pages go to one multi-page PDF and, one PNG each, to a folder. Drawing happens
in the area's metric CRS, so the scale bar is true.
"""

from __future__ import annotations

import logging
import math
import multiprocessing as mp
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from pyproj import CRS

from covplan._frames import with_id
from covplan._io import atomic_path
from covplan._style import BUILDING, CAMERA, COVERAGE, KIND
from covplan.export._draw import draw_layers as _draw
from covplan.export._furniture import (
    add_north_arrow,
    add_scale_bar,
)
from covplan.export._furniture import (
    camera_line as _camera_line,
)
from covplan.export._furniture import (
    camera_rows as _camera_rows,
)
from covplan.export._furniture import (
    legend as _legend,
)
from covplan.export._furniture import (
    set_extent as _set_extent,
)
from covplan.export._layers import metric_crs
from covplan.export.place import route_title
from covplan.vocab import compass_word, label, translate_value
from covplan.vocab.maps import map_word

logger = logging.getLogger(__name__)

__all__ = ["MapData", "Page", "is_large", "page_plan", "plan_maps", "route_atlas", "route_titles"]

PAGE_SIZE_IN = (11.69, 8.27)  # A4 landscape
COVERAGE_COLOURS = COVERAGE
KIND_COLOURS = KIND
CAMERA_COLOURS = CAMERA
BUILDING_FACE = BUILDING["face"]
BUILDING_EDGE = BUILDING["edge"]
_PNG = {"compress_level": 2}


@dataclass
class MapData:
    """The layers a map page draws, all in one metric CRS (see :meth:`from_layers`)."""

    crs: CRS
    buildings: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    groups: gpd.GeoDataFrame | None = None
    boundary: Any = None
    new: gpd.GeoDataFrame | None = None
    existing: gpd.GeoDataFrame | None = None
    cones: gpd.GeoDataFrame | None = None
    unseen: gpd.GeoDataFrame | None = None
    colour_by: str = "coverage"  # or "kind"
    synthetic: bool = False
    title: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    _trees: dict[str, shapely.STRtree] = field(default_factory=dict, repr=False)
    _rows: list[dict[str, Any]] | None = field(default=None, repr=False)

    @classmethod
    def from_layers(
        cls,
        *,
        buildings: gpd.GeoDataFrame,
        segments: gpd.GeoDataFrame,
        routes: gpd.GeoDataFrame,
        groups: gpd.GeoDataFrame | None = None,
        boundary: Any = None,
        new: gpd.GeoDataFrame | None = None,
        existing: gpd.GeoDataFrame | None = None,
        cones: gpd.GeoDataFrame | None = None,
        unseen: gpd.GeoDataFrame | None = None,
        crs: Any = None,
        colour_by: str = "coverage",
        synthetic: bool = False,
        title: str = "",
    ) -> MapData:
        """Project the layers (EPSG:4326 or any CRS) to one metric CRS.

        Parameters
        ----------
        buildings, segments, routes, groups, new, existing, cones, unseen
            The layers; ``segments`` carry ``coverage_class`` (or ``kind`` when
            ``colour_by="kind"``), ``new`` the install-list ``code``, ``existing`` a
            ``role`` and ``number``.
        boundary
            The ward boundary (shapely geometry in EPSG:4326), optional.
        crs
            Metric CRS; the local UTM zone by default.
        colour_by
            ``"coverage"`` or ``"kind"``.
        synthetic
            Print "synthetic data" in the footer.
        title
            The ward's name for page titles.

        Returns
        -------
        MapData
            The projected layers.
        """
        mcrs = metric_crs(segments if len(segments) else routes, crs)

        def proj(g: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
            if g is None:
                return None
            if g.crs is None:
                g = g.set_crs(4326)
            return g.to_crs(mcrs)

        bnd = None
        if boundary is not None and not getattr(boundary, "is_empty", True):
            bnd = gpd.GeoSeries([boundary], crs=4326).to_crs(mcrs).iloc[0]
        return cls(
            crs=mcrs,
            buildings=proj(buildings),
            segments=proj(segments),
            routes=proj(routes),
            groups=proj(groups),
            boundary=bnd,
            new=proj(new),
            existing=proj(existing),
            cones=proj(cones),
            unseen=proj(unseen),
            colour_by=colour_by,
            synthetic=synthetic,
            title=title,
        )

    def clip(self, name: str, box: shapely.Polygon) -> gpd.GeoDataFrame | None:
        """Return the rows of layer ``name`` that meet ``box`` (via a cached STRtree)."""
        gdf = getattr(self, name)
        if gdf is None or len(gdf) == 0:
            return gdf
        if name not in self._trees:
            self._trees[name] = shapely.STRtree(gdf.geometry.to_numpy())
        idx = self._trees[name].query(box, predicate="intersects")
        return gdf.iloc[np.sort(idx)]

    def extent(self) -> tuple[float, float, float, float]:
        """Bounds of everything drawn (routes, buildings, boundary)."""
        parts = [g.total_bounds for g in (self.segments, self.routes) if g is not None and len(g)]
        if self.boundary is not None:
            parts.append(np.asarray(self.boundary.bounds))
        if not parts and len(self.buildings):
            parts.append(self.buildings.total_bounds)
        if not parts:
            return (0.0, 0.0, 100.0, 100.0)
        b = np.vstack(parts)
        return (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())


# ----------------------------------------------------------------------------- pages

#: A ward is "large" (overview without codes, then group pages or area sheets) past
#: this many cameras on its page, or this many metres across.
LARGE_CAMERAS = 60
LARGE_WIDTH_M = 900.0
#: Largest width of an area sheet of a large ward without groups, in metres.
SHEET_WIDTH_M = 420.0
#: Camera lines in a map page's side panel; more continue on list pages.
PANEL_LINES = 17
#: Rows of a list page's column, and columns a page.
LIST_ROWS = 52
LIST_COLUMNS = 2
#: The printed text is text: TrueType fonts embedded with their Unicode mapping.
PDF_RC: dict[Any, Any] = {"pdf.fonttype": 42, "font.family": "DejaVu Sans"}


@dataclass
class Page:
    """One page: a map (``kind="map"``) or a continued camera list (``kind="list"``)."""

    title: str
    subtitle: str
    bounds: tuple[float, float, float, float]
    focus_routes: set[str] | None
    stem: str
    info: list[str] = field(default_factory=list)
    kind: str = "map"
    codes: bool = True
    cameras: list[dict[str, Any]] = field(default_factory=list)
    first: int = 0
    list_page: int = 0
    sheets: list[tuple[tuple[float, float, float, float], str]] = field(default_factory=list)


class _Sheet:
    """One A4 figure reused for every page: the static parts drawn once, the rest replaced.

    Making a figure and its axes costs more than drawing a route page, so a page sets
    its title, panel and extent on the same figure and redraws only the map's layers.
    """

    def __init__(self, data: MapData, lang: str) -> None:
        self.data, self.lang = data, lang
        fig = Figure(figsize=PAGE_SIZE_IN)
        self.fig = fig
        self.ax = fig.add_axes((0.02, 0.06, 0.70, 0.86))
        self.side = fig.add_axes((0.74, 0.06, 0.25, 0.86))
        self.side.axis("off")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        for spine in self.ax.spines.values():
            spine.set_linewidth(0.8)
        _legend(self.side, data, lang)
        self.title = fig.text(
            0.02, 0.955, "", fontsize=15, fontweight="bold", va="center", parse_math=False
        )
        self.subtitle = fig.text(
            0.02, 0.925, "", fontsize=9.5, va="center", color="#444444", parse_math=False
        )
        self.info = self.side.text(
            0,
            1.0,
            "",
            va="top",
            fontsize=8.5,
            linespacing=1.5,
            transform=self.side.transAxes,
            parse_math=False,
        )
        self.cams = self.side.text(
            0,
            0.34,
            "",
            va="top",
            fontsize=6.3,
            family="DejaVu Sans Mono",
            transform=self.side.transAxes,
            linespacing=1.35,
            parse_math=False,
        )
        foot = [label("osm_credit", lang), f"covplan · {date.today().isoformat()}"]
        if data.synthetic:
            foot.insert(0, label("synthetic", lang))
        fig.text(0.02, 0.025, "  ·  ".join(foot), fontsize=7, color="#555555", parse_math=False)
        self.page_no = fig.text(0.99, 0.025, "", fontsize=7, color="#555555", ha="right")
        # the list pages: one figure of their own, columns of text
        self.list_fig = Figure(figsize=PAGE_SIZE_IN)
        lf = self.list_fig
        self.list_title = lf.text(
            0.02, 0.955, "", fontsize=15, fontweight="bold", va="center", parse_math=False
        )
        self.list_subtitle = lf.text(
            0.02, 0.925, "", fontsize=9.5, va="center", color="#444444", parse_math=False
        )
        lf.text(0.02, 0.025, "  ·  ".join(foot), fontsize=7, color="#555555", parse_math=False)
        self.list_page_no = lf.text(0.99, 0.025, "", fontsize=7, color="#555555", ha="right")
        self.list_cols: list[Any] = []
        width = 0.96 / LIST_COLUMNS
        for c in range(LIST_COLUMNS):
            x = 0.02 + c * width
            cells = []
            for dx, w in _LIST_FIELDS:
                cells.append(
                    lf.text(
                        x + dx * width,
                        0.885,
                        "",
                        va="top",
                        fontsize=7.2,
                        linespacing=1.45,
                        parse_math=False,
                    )
                )
                del w
            self.list_cols.append(cells)

    def _clear_map(self) -> None:
        ax = self.ax
        for artist in [*ax.collections, *ax.patches, *ax.lines, *ax.texts, *ax.artists]:
            artist.remove()

    def render(self, page: Page, page_no: int, n_pages: int) -> Figure:
        """Return the figure showing ``page`` (the same figure, redrawn)."""
        if page.kind == "list":
            return self._render_list(page, page_no, n_pages)
        data, lang, ax = self.data, self.lang, self.ax
        self._clear_map()
        pad = 20.0 if page.focus_routes is not None else 15.0
        _set_extent(ax, page.bounds, pad)
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        box = shapely.box(x0, y0, x1, y1)
        marker_scale = 1.0 if x1 - x0 < 600 else 0.6
        _draw(
            ax,
            data,
            box,
            focus_routes=page.focus_routes,
            lang=lang,
            label_routes=True,
            marker_scale=marker_scale,
            codes=page.codes,
            sheets=page.sheets,
        )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        add_north_arrow(ax, lang)
        add_scale_bar(ax, lang)
        self.title.set_text(page.title)
        self.subtitle.set_text(page.subtitle)
        self.info.set_text("\n".join(page.info))
        lines = [_camera_line(r, lang) for r in page.cameras[:PANEL_LINES]]
        if len(page.cameras) > PANEL_LINES:
            lines = lines[: PANEL_LINES - 1]
            more = len(page.cameras) - len(lines)
            lines.append(map_word("camera_table_more", lang, n=more, page=page.list_page))
        head = label("cameras_on_page", lang) + f" ({len(page.cameras)}):\n" if lines else ""
        self.cams.set_text(head + "\n".join(lines))
        self.page_no.set_text(f"{label('page', lang)} {page_no}/{n_pages}")
        return self.fig

    def _render_list(self, page: Page, page_no: int, n_pages: int) -> Figure:
        lang = self.lang
        self.list_title.set_text(page.title)
        self.list_subtitle.set_text(page.subtitle)
        self.list_page_no.set_text(f"{label('page', lang)} {page_no}/{n_pages}")
        heads = [map_word(k, lang) for k in _LIST_HEADS]
        for c, cells in enumerate(self.list_cols):
            rows = page.cameras[c * LIST_ROWS : (c + 1) * LIST_ROWS]
            for f, cell in enumerate(cells):
                if not rows:
                    cell.set_text("")
                    continue
                values = [_list_cell(r, f, lang) for r in rows]
                cell.set_text("\n".join([heads[f], *values]))
        return self.list_fig


def _render(
    page: Page,
    data: MapData,
    lang: str,
    page_no: int,
    n_pages: int,
    sheet: _Sheet | None = None,
) -> Figure:
    """Return the figure of one page (drawn on ``sheet``, the reused figure, when given)."""
    return (sheet or _Sheet(data, lang)).render(page, page_no, n_pages)


#: The list pages' columns: (offset within a column, width), as fractions of the column.
_LIST_FIELDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.07),
    (0.07, 0.10),
    (0.17, 0.10),
    (0.27, 0.37),
    (0.64, 0.24),
    (0.88, 0.12),
)
_LIST_HEADS = ("col_code", "col_what", "col_heading", "col_route", "col_model", "col_phase")
_ROUTE_CHARS = 40


def _list_cell(row: dict[str, Any], field_no: int, lang: str) -> str:
    if field_no == 0:
        return str(row["code"])
    if field_no == 1:
        return str(translate_value(row["role"], lang))
    if field_no == 2:
        h = row.get("heading_deg")
        if row["role"] == "reaim":
            return f"{_deg(row.get('heading_now_deg'))}→{_deg(h)}"
        if row["role"] == "keep":
            return _deg(row.get("heading_now_deg"))
        return f"{compass_word(_num(h), lang=lang, short=True)} {_deg(h)}"
    if field_no == 3:
        text = str(row.get("route_title") or row.get("route_name") or "")
        return text if len(text) <= _ROUTE_CHARS else text[: _ROUTE_CHARS - 1] + "…"
    if field_no == 4:
        return str(row.get("spec_name") or "")[:26]
    phase = row.get("phase")
    return str(translate_value(phase, lang)) if isinstance(phase, str) and phase else ""


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _deg(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "?"
    return f"{v:.0f}°" if math.isfinite(v) else "?"


def route_titles(data: MapData, lang: str) -> dict[str, str]:
    """Return a human title for every route of ``data``: its name, or where it leads.

    Uses :func:`covplan.export.place.route_title` (an unnamed alley is named by the
    street it opens onto); never a machine id. ``data.titles`` (given by the caller,
    e.g. with house numbers) wins.

    Parameters
    ----------
    data
        The layers.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    dict
        Route id → title; the same title twice gets " (2)", " (3)"… after the first.
    """
    routes = data.routes
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for _, r in routes.iterrows():
        rid = str(r.get("route_id"))
        title = data.titles.get(rid, "")
        if not title:
            name = r.get("name")
            if isinstance(name, str) and name.strip():
                title = name
            else:
                try:
                    title = route_title(r, routes, lang)
                except Exception:  # a title must never stop the maps
                    logger.debug("route_title failed for %s", rid, exc_info=True)
            if not title:
                kind = "unnamed_alley" if r.get("kind") in ("alley", "lane") else "unnamed_route"
                title = map_word(kind, lang)
        n = seen.get(title, 0) + 1
        seen[title] = n
        out[rid] = title if n == 1 else f"{title} ({n})"
    return out


def _titled(rows: list[dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    for r in rows:
        rid = r.get("route_id")
        r["route_title"] = titles.get(str(rid), "") if isinstance(rid, str) else ""
    return rows


def _cams(
    data: MapData,
    box: tuple[float, float, float, float] | None = None,
    routes: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Return the page's cameras (see :func:`camera_rows`), from one table made once."""
    if data._rows is None:
        data._rows = _camera_rows(data, None)
    rows = data._rows
    if box is not None:
        x0, y0, x1, y1 = box
        rows = [r for r in rows if x0 <= r["x"] <= x1 and y0 <= r["y"] <= y1]
    if routes is not None:
        rows = [r for r in rows if str(r["route_id"]) in routes]
    return [dict(r) for r in rows]


def _coverage_line(segs: gpd.GeoDataFrame, data: MapData, lang: str) -> list[str]:
    if data.colour_by != "coverage" or "n_targets" not in segs.columns:
        return []
    n = segs["n_targets"].sum()
    if not n:
        return []
    out = [f"{label('coverage', lang)}: {segs['n_seen'].sum() / n:.0%}"]
    unseen = int(n - segs["n_seen"].sum())
    if unseen:
        out.append(map_word("gaps", lang, n=unseen))
    return out


def _route_pages(
    data: MapData, route_ids: Sequence[str], lang: str, titles: dict[str, str]
) -> Iterator[Page]:
    routes = data.routes.set_index(data.routes["route_id"].astype(str), drop=False)
    group_names = _group_names(data)
    for rid in route_ids:
        if rid not in routes.index:
            continue
        r = routes.loc[rid]
        segs = data.segments[data.segments["route_id"].astype(str) == rid]
        geom = (
            r.geometry if r.geometry is not None and not r.geometry.is_empty else segs.union_all()
        )
        if geom is None or geom.is_empty:
            continue
        name = titles.get(rid) or str(r.get("name") or "")
        kind = str(translate_value(str(r.get("kind", "")), lang))
        gid = r.get("group_id")
        info = [
            f"{label('route', lang)}: {name}",
            f"{label('length', lang)}: {float(r.get('length_m', geom.length)):.0f} m  ({kind})",
        ]
        if isinstance(gid, str) and gid:
            info.append(f"{label('group', lang)}: {group_names.get(gid, gid)}")
        info += _coverage_line(segs, data, lang)
        yield Page(
            title=f"{label('route_map', lang)}: {name}",
            subtitle=data.title,
            bounds=tuple(geom.bounds),
            focus_routes={rid},
            stem=f"route-{_safe(rid)}",
            info=info,
            cameras=_titled(_cams(data, routes={rid}), titles),
        )


def _group_names(data: MapData) -> dict[str, str]:
    if data.groups is None or not len(data.groups):
        return {}
    gid = data.groups["group_id"] if "group_id" in data.groups.columns else data.groups.index
    return dict(zip(pd.Series(gid).astype(str), data.groups["name"], strict=True))


def _group_pages(data: MapData, lang: str, titles: dict[str, str], codes: bool) -> Iterator[Page]:
    if data.groups is None or not len(data.groups):
        return
    for _, g in data.groups.iterrows():
        gid = str(g.get("group_id", g.name))
        rids = set(
            data.routes.loc[data.routes["group_id"].astype(str) == gid, "route_id"].astype(str)
        )
        info = [
            f"{label('group', lang)}: {g.get('name', gid)}",
            f"{label('routes', lang)}: {len(rids)}",
        ]
        segs = data.segments[data.segments["route_id"].astype(str).isin(rids)]
        info += _coverage_line(segs, data, lang)
        yield Page(
            title=f"{label('group_map', lang)}: {g.get('name', gid)}",
            subtitle=data.title,
            bounds=tuple(g.geometry.bounds),
            focus_routes=rids or None,
            stem=f"group-{_safe(gid)}",
            info=info,
            codes=codes,
            cameras=_titled(_cams(data, routes=rids or None), titles),
        )


def _sheet_bounds(data: MapData) -> list[tuple[float, float, float, float]]:
    """Cut the ward's extent into area sheets no wider than :data:`SHEET_WIDTH_M`.

    Only sheets with a camera or a planned segment are kept.
    """
    minx, miny, maxx, maxy = data.extent()
    aspect = (0.70 * PAGE_SIZE_IN[0]) / (0.86 * PAGE_SIZE_IN[1])
    cols = max(1, math.ceil((maxx - minx) / SHEET_WIDTH_M))
    rows = max(1, math.ceil((maxy - miny) / (SHEET_WIDTH_M / aspect)))
    w, h = (maxx - minx) / cols, (maxy - miny) / rows
    out = []
    for j in range(rows - 1, -1, -1):  # north first, west to east: as one reads
        for i in range(cols):
            b = (minx + i * w, miny + j * h, minx + (i + 1) * w, miny + (j + 1) * h)
            box = shapely.box(*b)
            cams = _cams(data, b)
            segs = data.clip("segments", box)
            planned = (
                segs is not None
                and len(segs)
                and ("n_targets" not in segs.columns or segs["n_targets"].sum() > 0)
            )
            if cams or planned:
                out.append(b)
    return out


def _sheet_pages(
    data: MapData, lang: str, titles: dict[str, str]
) -> tuple[list[Page], list[tuple[tuple[float, float, float, float], str]]]:
    bounds = _sheet_bounds(data)
    pages, outlines = [], []
    for n, b in enumerate(bounds, start=1):
        box = shapely.box(*b)
        segs = data.clip("segments", box)
        info = _coverage_line(segs, data, lang) if segs is not None else []
        pages.append(
            Page(
                title=map_word("sheet_map", lang, n=n, total=len(bounds)),
                subtitle=data.title,
                bounds=b,
                focus_routes=None,
                stem=f"sheet-{n:02d}",
                info=info,
                cameras=_titled(_cams(data, b), titles),
            )
        )
        outlines.append((b, str(n)))
    return pages, outlines


def _with_lists(pages: list[Page], lang: str) -> list[Page]:
    """Insert the pages listing every camera after the ward page and each group page.

    Those whose cameras overflow the side panel get them all on list pages of their
    own; an area sheet or a route page that overflows points to the ward's list.
    """
    out: list[Page] = []
    per_page = LIST_ROWS * LIST_COLUMNS
    ward_list = 0
    for page in pages:
        out.append(page)
        if page.kind != "map" or len(page.cameras) <= PANEL_LINES:
            continue
        if not (page.stem == "ward" or page.stem.startswith("group-")) and ward_list:
            page.list_page = ward_list
            continue
        page.list_page = len(out) + 1
        if page.stem == "ward":
            ward_list = page.list_page
        total = len(page.cameras)
        for first in range(0, total, per_page):
            chunk = page.cameras[first : first + per_page]
            out.append(
                Page(
                    title=f"{page.title} — "
                    + map_word(
                        "camera_table_cont",
                        lang,
                        first=first + 1,
                        last=first + len(chunk),
                        total=total,
                    ),
                    subtitle=page.subtitle,
                    bounds=page.bounds,
                    focus_routes=None,
                    stem=f"{page.stem}-list-{first // per_page + 1}",
                    kind="list",
                    cameras=chunk,
                    first=first,
                )
            )
    return out


def _safe(text: str) -> str:
    out = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
    return out.strip("-")[:60] or "x"


#: Pages drawn by worker processes from this many on (fewer: one process is quicker).
PARALLEL_FROM = 24
#: What the worker processes draw, set in the parent before they fork.
_WORK: tuple[MapData, list[Page], str] | None = None


def _workers(requested: int | None, n_pages: int) -> int:
    """How many processes draw the pages: 1 unless many pages, cores and ``pdfunite``."""
    if shutil.which("pdfunite") is None or "fork" not in mp.get_all_start_methods():
        return 1
    if requested is not None:
        return max(1, min(requested, n_pages))
    if n_pages < PARALLEL_FROM:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _render_chunk(job: tuple[int, int, str, str | None, int]) -> list[str]:
    """Draw pages ``start:stop`` into the PDF ``part`` (in a worker, or in the parent)."""
    start, stop, part, page_dir, dpi = job
    assert _WORK is not None
    data, pages, lang = _WORK
    written = []
    with mpl.rc_context(PDF_RC), PdfPages(part, metadata={"Creator": "covplan"}) as pdf:
        sheet = _Sheet(data, lang)
        for i in range(start, stop):
            page = pages[i]
            fig = _render(page, data, lang, i + 1, len(pages), sheet)
            pdf.savefig(fig)
            if page_dir is not None and i > 0 and page.kind == "map":
                target = Path(page_dir) / f"{page.stem}.png"
                with atomic_path(target) as tmp:
                    fig.savefig(tmp, dpi=dpi, format="png", pil_kwargs=_PNG)
                written.append(str(target))
    return written


def _write_parallel(
    pages: list[Page],
    data: MapData,
    *,
    tmp_pdf: Path,
    png_path: str | os.PathLike[str] | None,
    page_dir: str | os.PathLike[str] | None,
    lang: str,
    dpi: int,
    progress: Callable[[int], None] | None,
    workers: int,
) -> list[Path]:
    """Draw the pages in ``workers`` forked processes, a PDF each, joined by ``pdfunite``.

    The ward page's PNG is drawn by the parent meanwhile.
    """
    global _WORK
    n = len(pages)
    n_chunks = min(n, workers)  # one PDF a worker: each subsets and embeds the fonts once
    bounds = [round(k * n / n_chunks) for k in range(n_chunks + 1)]
    parts = [tmp_pdf.with_name(f"{tmp_pdf.name}.part{k:03d}.pdf") for k in range(n_chunks)]
    jobs = [
        (bounds[k], bounds[k + 1], str(parts[k]), None if page_dir is None else str(page_dir), dpi)
        for k in range(n_chunks)
    ]
    written: list[Path] = []
    _WORK = (data, pages, lang)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            results = pool.imap(_render_chunk, jobs)
            if png_path is not None:
                with mpl.rc_context(PDF_RC), atomic_path(png_path) as tmp:
                    _render(pages[0], data, lang, 1, n).savefig(
                        tmp, dpi=dpi, format="png", pil_kwargs=_PNG
                    )
                written.append(Path(png_path))
            for job, files in zip(jobs, results, strict=True):
                written += [Path(f) for f in files]
                if progress is not None:
                    progress(job[1] - job[0])
        subprocess.run(
            ["pdfunite", *map(str, parts), str(tmp_pdf)],
            check=True,
            capture_output=True,
        )
    finally:
        _WORK = None
        for part in parts:
            part.unlink(missing_ok=True)
    return written


def _write_pages(
    pages: list[Page],
    data: MapData,
    *,
    pdf_path: str | os.PathLike[str] | None,
    png_path: str | os.PathLike[str] | None,
    page_dir: str | os.PathLike[str] | None,
    lang: str,
    dpi: int,
    progress: Callable[[int], None] | None,
    workers: int | None = None,
) -> list[Path]:
    written: list[Path] = []
    n_workers = _workers(workers, len(pages)) if pdf_path is not None else 1
    if page_dir is not None:
        Path(page_dir).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        if n_workers > 1 and pdf_path is not None:
            tmp_pdf = stack.enter_context(atomic_path(pdf_path))
            written = _write_parallel(
                pages,
                data,
                tmp_pdf=Path(tmp_pdf),
                png_path=png_path,
                page_dir=page_dir,
                lang=lang,
                dpi=dpi,
                progress=progress,
                workers=n_workers,
            )
            return [Path(pdf_path), *written]
        stack.enter_context(mpl.rc_context(PDF_RC))
        sheet = _Sheet(data, lang)
        pdf = None
        if pdf_path is not None:
            tmp_pdf = stack.enter_context(atomic_path(pdf_path))
            pdf = stack.enter_context(PdfPages(tmp_pdf, metadata={"Creator": "covplan"}))
        for i, page in enumerate(pages, start=1):
            fig = _render(page, data, lang, i, len(pages), sheet)
            if pdf is not None:
                pdf.savefig(fig)
            if i == 1 and png_path is not None:
                with atomic_path(png_path) as tmp:
                    fig.savefig(tmp, dpi=dpi, format="png", pil_kwargs=_PNG)
                written.append(Path(png_path))
            if page_dir is not None and i > 1 and page.kind == "map":
                target = Path(page_dir) / f"{page.stem}.png"
                with atomic_path(target) as tmp:
                    fig.savefig(tmp, dpi=dpi, format="png", pil_kwargs=_PNG)
                written.append(target)
            if progress is not None:
                progress(1)
    if pdf_path is not None:
        written.insert(0, Path(pdf_path))
    return written


def _routes_with_work(data: MapData) -> set[str]:
    """Route ids that carry a camera (new, re-aim, keep) or a point left unseen."""
    out = {str(r["route_id"]) for r in _cams(data) if isinstance(r["route_id"], str)}
    segs = data.segments
    if "n_targets" in segs.columns and "n_seen" in segs.columns:
        gap = segs[segs["n_seen"] < segs["n_targets"]]
        out |= set(gap["route_id"].astype(str))
    if data.unseen is not None and len(data.unseen) and "route_id" in data.unseen.columns:
        out |= set(data.unseen["route_id"].dropna().astype(str))
    return out


def is_large(data: MapData) -> bool:
    """Tell whether a ward page would be unreadable: many cameras, or a wide ward.

    Parameters
    ----------
    data
        The layers.

    Returns
    -------
    bool
        More than :data:`LARGE_CAMERAS` cameras or wider than :data:`LARGE_WIDTH_M`.
    """
    minx, miny, maxx, maxy = data.extent()
    n = len(_cams(data))
    return n > LARGE_CAMERAS or max(maxx - minx, maxy - miny) > LARGE_WIDTH_M


def page_plan(
    data: MapData,
    *,
    pages: str = "route",
    route_ids: Sequence[str] | None = None,
    lang: str = "vi",
    large_route_pages: bool = True,
) -> list[Page]:
    """Return the pages the maps will have, in order (nothing drawn).

    1. the ward map, every camera listed (continued on list pages when many); on a large
       ward (:func:`is_large`) an overview without codes, with the outlines of the
       sheets that follow;
    2. on a large ward: a page per residential group, or, without groups, area sheets;
    3. ``pages="route"``: a page per route that carries a camera or a point left unseen
       (or per ``route_ids``); ``"group"``: a page per residential group.

    Parameters
    ----------
    data
        The layers.
    pages
        ``"route"``, ``"group"`` or ``"none"``.
    route_ids
        Routes that get a page (default: the planned routes with a camera or a gap).
    lang
        ``"vi"`` or ``"en"``.
    large_route_pages
        False: a large ward gets no route pages by default (its route pages are the work
        sheets, ``worksheets.pdf``, drawn faster beside these maps); the ward page says so.

    Returns
    -------
    list of Page
        Map pages and list pages.
    """
    if pages not in ("route", "group", "none"):
        msg = f"pages must be 'route', 'group' or 'none', not {pages!r}"
        raise ValueError(msg)
    titles = route_titles(data, lang)
    large = is_large(data)
    has_groups = data.groups is not None and len(data.groups) > 0
    title_key = "ward_map" if data.colour_by == "coverage" else "ward_routes"
    ward_info = _coverage_line(data.segments, data, lang)
    if data.new is not None:
        ward_info.append(f"{label('new_cameras', lang)}: {len(data.new)}")
    if data.existing is not None and "role" in data.existing.columns:
        ward_info.append(
            f"{label('reaimed_cameras', lang)}: {int((data.existing['role'] == 'reaim').sum())}"
        )
    if data.colour_by == "kind":
        ward_info.append(f"{label('routes', lang)}: {len(data.routes)}")
    ward = Page(
        title=label(title_key, lang),
        subtitle=data.title,
        bounds=data.extent(),
        focus_routes=None,
        stem="ward",
        info=ward_info,
        codes=not large,
        cameras=_titled(_cams(data), titles),
    )
    out = [ward]
    if large and (pages == "group" or has_groups):
        out += list(_group_pages(data, lang, titles, codes=True))
    elif large:
        sheets, outlines = _sheet_pages(data, lang, titles)
        ward.sheets = outlines
        ward.info.append(map_word("sheet_index", lang))
        out += sheets
    elif pages == "group":
        out += list(_group_pages(data, lang, titles, codes=True))
    if pages == "route" and large and route_ids is None and not large_route_pages:
        ward.info.append(map_word("route_pages_elsewhere", lang))
    elif pages == "route":
        if route_ids is None:
            planned = data.routes.get("planned")
            r = data.routes if planned is None else data.routes[planned.fillna(False).astype(bool)]
            work = _routes_with_work(data)
            ids = [x for x in r["route_id"].astype(str) if x in work]
            route_ids = sorted(ids, key=lambda x: (str(titles.get(x) or x).casefold(), x))
        out += list(_route_pages(data, route_ids, lang, titles))
    return _with_lists(out, lang)


def plan_maps(
    data: MapData,
    *,
    pdf_path: str | os.PathLike[str] | None,
    png_path: str | os.PathLike[str] | None = None,
    page_dir: str | os.PathLike[str] | None = None,
    pages: str = "route",
    route_ids: Sequence[str] | None = None,
    lang: str = "vi",
    dpi: int = 150,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    page_list: Sequence[Page] | None = None,
) -> list[Path]:
    """Draw the ward map, its camera list, and the group, sheet and route pages.

    See :func:`page_plan` for the pages. Text in the PDF is text (TrueType fonts
    embedded with their Unicode mapping): ``pdftotext`` reads the Vietnamese back.

    Parameters
    ----------
    data
        The layers, from :meth:`MapData.from_layers`.
    pdf_path
        The multi-page PDF (ward map first); None to skip.
    png_path
        PNG of the ward map; None to skip.
    page_dir
        Folder for one PNG per map page after the first; None to skip.
    pages
        ``"route"`` (a page per route with a camera or a gap, or per ``route_ids``),
        ``"group"`` (one per residential group) or ``"none"`` (the ward map only, and
        the sheets of a large ward).
    route_ids
        Routes that get a page (default: the planned routes with a camera or a gap).
    lang
        ``"vi"`` or ``"en"``.
    dpi
        PNG resolution.
    progress
        Called as pages are drawn, with how many (for a progress bar).
    workers
        Processes that draw the pages (None: one per core, up to 4, for
        :data:`PARALLEL_FROM` pages or more when poppler's ``pdfunite`` joins their
        PDFs; 1: this process only).
    page_list
        The pages, from :func:`page_plan` (made here by default from ``pages``,
        ``route_ids`` and ``lang``).

    Returns
    -------
    list of pathlib.Path
        The files written (each atomically).
    """
    all_pages = (
        list(page_list)
        if page_list is not None
        else page_plan(data, pages=pages, route_ids=route_ids, lang=lang)
    )
    out = _write_pages(
        all_pages,
        data,
        pdf_path=pdf_path,
        png_path=png_path,
        page_dir=page_dir,
        lang=lang,
        dpi=dpi,
        progress=progress,
        workers=workers,
    )
    logger.info("maps: %d pages", len(all_pages))
    return out


def route_atlas(
    area: Any,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "vi",
    route_ids: Sequence[str] | None = None,
    title: str | None = None,
    synthetic: bool | None = None,
    dpi: int = 150,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write the route atlas ("sơ đồ tuyến"): the ward and one page per route, with buildings.

    Writes ``route-atlas.pdf`` (every page), ``route-atlas.png`` (the ward page) and
    ``route-atlas/route-<route_id>.png`` (one per route) in ``out_dir``.

    Parameters
    ----------
    area
        A :class:`covplan.area.Area` (``routes``, ``segments``, ``buildings``, ``groups``,
        ``boundary``, ``crs``).
    out_dir
        The output folder.
    lang
        ``"vi"`` or ``"en"``.
    route_ids
        Routes that get a page; every route by default.
    title
        The ward's name under each page title (default: the area's ``name``, if any).
    synthetic
        Label every page as synthetic data (default: the area's ``synthetic``, if any).
    dpi
        PNG resolution.
    progress
        Called with 1 after each page.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    segments = getattr(area, "segments", None)
    if segments is None or not len(segments):
        segments = area.routes
    data = MapData.from_layers(
        buildings=area.buildings,
        segments=segments,
        routes=with_id(area.routes, "route_id"),
        groups=with_id(getattr(area, "groups", None), "group_id"),
        boundary=getattr(area, "boundary", None),
        crs=getattr(area, "crs", None),
        colour_by="kind",
        synthetic=bool(getattr(area, "synthetic", False) if synthetic is None else synthetic),
        title=str(getattr(area, "name", "") or "") if title is None else title,
    )
    if route_ids is None:
        route_ids = sorted(
            area.routes["route_id"].astype(str), key=lambda x: (x.startswith("alley-"), x)
        )
    files = plan_maps(
        data,
        pdf_path=out / "route-atlas.pdf",
        png_path=out / "route-atlas.png",
        page_dir=out / "route-atlas",
        pages="route",
        route_ids=route_ids,
        lang=lang,
        dpi=dpi,
        progress=progress,
    )
    logger.info("route atlas: %d routes in %s", len(route_ids), out)
    return files
