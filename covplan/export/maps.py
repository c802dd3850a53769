"""Printed maps: the ward map, one page per route or residential group, and the route atlas.

Every page is A4 landscape: the map on the left (buildings, routes coloured by coverage
or by kind, view cones, cameras numbered as in the install and re-aim lists, north
arrow and scale bar) and a side panel with the title, legend and the cameras on the
page. Pages go to one multi-page PDF and, one PNG each, to a folder. Drawing happens
in the area's metric CRS, so the scale bar is true.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
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
    camera_lines as _camera_lines,
)
from covplan.export._furniture import (
    legend as _legend,
)
from covplan.export._furniture import (
    set_extent as _set_extent,
)
from covplan.export._layers import metric_crs
from covplan.vocab import label, translate_value

logger = logging.getLogger(__name__)

__all__ = ["MapData", "plan_maps", "route_atlas"]

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
    _trees: dict[str, shapely.STRtree] = field(default_factory=dict, repr=False)

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


# ----------------------------------------------------------------------------- drawing


@dataclass
class Page:
    """One map page: what to show and what to write beside it."""

    title: str
    subtitle: str
    bounds: tuple[float, float, float, float]
    focus_routes: set[str] | None
    stem: str
    info: list[str] = field(default_factory=list)


def _render(page: Page, data: MapData, lang: str, page_no: int, n_pages: int) -> Figure:
    fig = Figure(figsize=PAGE_SIZE_IN)
    ax = fig.add_axes((0.02, 0.06, 0.70, 0.86))
    side = fig.add_axes((0.74, 0.06, 0.25, 0.86))
    side.axis("off")
    pad = 20.0 if page.focus_routes is not None else 15.0
    _set_extent(ax, page.bounds, pad)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    box = shapely.box(x0, y0, x1, y1)
    width_m = x1 - x0
    marker_scale = 1.0 if width_m < 600 else 0.6
    _draw(
        ax,
        data,
        box,
        focus_routes=page.focus_routes,
        lang=lang,
        label_routes=True,
        marker_scale=marker_scale,
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    add_north_arrow(ax, lang)
    add_scale_bar(ax, lang)
    fig.text(0.02, 0.955, page.title, fontsize=15, fontweight="bold", va="center", parse_math=False)
    if page.subtitle:
        fig.text(
            0.02,
            0.925,
            page.subtitle,
            fontsize=9.5,
            va="center",
            color="#444444",
            parse_math=False,
        )
    side.text(
        0,
        1.0,
        "\n".join(page.info),
        va="top",
        fontsize=8.5,
        transform=side.transAxes,
        linespacing=1.5,
        parse_math=False,
    )
    _legend(side, data, lang)
    cams = _camera_lines(data, box, lang, focus=page.focus_routes)
    if cams:
        side.text(
            0,
            0.34,
            label("cameras_on_page", lang) + ":\n" + "\n".join(cams),
            va="top",
            fontsize=7,
            family="DejaVu Sans Mono",
            transform=side.transAxes,
            linespacing=1.35,
            parse_math=False,
        )
    foot = [label("osm_credit", lang), f"covplan · {date.today().isoformat()}"]
    if data.synthetic:
        foot.insert(0, label("synthetic", lang))
    fig.text(0.02, 0.025, "  ·  ".join(foot), fontsize=7, color="#555555")
    fig.text(
        0.99,
        0.025,
        f"{label('page', lang)} {page_no}/{n_pages}",
        fontsize=7,
        color="#555555",
        ha="right",
    )
    return fig


def _route_pages(data: MapData, route_ids: Sequence[str], lang: str) -> Iterator[Page]:
    routes = data.routes.set_index(data.routes["route_id"].astype(str), drop=False)
    group_names = {}
    if data.groups is not None and len(data.groups):
        gid = data.groups["group_id"] if "group_id" in data.groups.columns else data.groups.index
        group_names = dict(zip(pd.Series(gid).astype(str), data.groups["name"], strict=True))
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
        name = str(r.get("name") or rid)
        kind = str(translate_value(str(r.get("kind", "")), lang))
        gid = r.get("group_id")
        info = [
            f"{label('route', lang)}: {name}",
            f"{label('length', lang)}: {float(r.get('length_m', geom.length)):.0f} m  ({kind})",
        ]
        if isinstance(gid, str) and gid:
            info.append(f"{label('group', lang)}: {group_names.get(gid, gid)}")
        if (
            data.colour_by == "coverage"
            and "n_targets" in segs.columns
            and segs["n_targets"].sum() > 0
        ):
            cov = segs["n_seen"].sum() / segs["n_targets"].sum()
            info.append(f"{label('coverage', lang)}: {cov:.0%}")
        yield Page(
            title=f"{label('route_map', lang)}: {name}",
            subtitle=data.title,
            bounds=tuple(geom.bounds),
            focus_routes={rid},
            stem=f"route-{_safe(rid)}",
            info=info,
        )


def _group_pages(data: MapData, lang: str) -> Iterator[Page]:
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
        if (
            data.colour_by == "coverage"
            and "n_targets" in segs.columns
            and segs["n_targets"].sum() > 0
        ):
            info.append(
                f"{label('coverage', lang)}: {segs['n_seen'].sum() / segs['n_targets'].sum():.0%}"
            )
        yield Page(
            title=f"{label('group_map', lang)}: {g.get('name', gid)}",
            subtitle=data.title,
            bounds=tuple(g.geometry.bounds),
            focus_routes=rids or None,
            stem=f"group-{_safe(gid)}",
            info=info,
        )


def _safe(text: str) -> str:
    out = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
    return out.strip("-")[:60] or "x"


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
) -> list[Path]:
    written: list[Path] = []
    with ExitStack() as stack:
        pdf = None
        if pdf_path is not None:
            tmp_pdf = stack.enter_context(atomic_path(pdf_path))
            pdf = stack.enter_context(PdfPages(tmp_pdf, metadata={"Creator": "covplan"}))
        for i, page in enumerate(pages, start=1):
            fig = _render(page, data, lang, i, len(pages))
            if pdf is not None:
                pdf.savefig(fig)
            if i == 1 and png_path is not None:
                with atomic_path(png_path) as tmp:
                    fig.savefig(tmp, dpi=dpi, format="png", pil_kwargs=_PNG)
                written.append(Path(png_path))
            if page_dir is not None and i > 1:
                target = Path(page_dir) / f"{page.stem}.png"
                with atomic_path(target) as tmp:
                    fig.savefig(tmp, dpi=dpi, format="png", pil_kwargs=_PNG)
                written.append(target)
            if progress is not None:
                progress(1)
    if pdf_path is not None:
        written.insert(0, Path(pdf_path))
    return written


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
) -> list[Path]:
    """Draw the ward map and one page per route or residential group.

    Parameters
    ----------
    data
        The layers, from :meth:`MapData.from_layers`.
    pdf_path
        The multi-page PDF (ward map first); None to skip.
    png_path
        PNG of the ward map; None to skip.
    page_dir
        Folder for one PNG per route or group page; None to skip.
    pages
        ``"route"`` (one page per route in ``route_ids``), ``"group"`` (one per
        residential group) or ``"none"`` (the ward map only).
    route_ids
        Routes that get a page; the planned routes (``planned``) by default.
    lang
        ``"vi"`` or ``"en"``.
    dpi
        PNG resolution.
    progress
        Called with 1 after each page (for a progress bar).

    Returns
    -------
    list of pathlib.Path
        The files written (each atomically).
    """
    title_key = "ward_map" if data.colour_by == "coverage" else "ward_routes"
    ward_info = []
    if data.colour_by == "coverage" and "n_targets" in data.segments.columns:
        n = data.segments["n_targets"].sum()
        if n:
            ward_info.append(f"{label('coverage', lang)}: {data.segments['n_seen'].sum() / n:.0%}")
    if data.new is not None:
        ward_info.append(f"{label('new_cameras', lang)}: {len(data.new)}")
    if data.existing is not None and "role" in data.existing.columns:
        ward_info.append(
            f"{label('reaimed_cameras', lang)}: {int((data.existing['role'] == 'reaim').sum())}"
        )
    if data.colour_by == "kind":
        ward_info.append(f"{label('routes', lang)}: {len(data.routes)}")
    all_pages = [
        Page(
            title=label(title_key, lang),
            subtitle=data.title,
            bounds=data.extent(),
            focus_routes=None,
            stem="ward",
            info=ward_info,
        )
    ]
    if pages == "route":
        if route_ids is None:
            planned = data.routes.get("planned")
            r = data.routes if planned is None else data.routes[planned.fillna(False).astype(bool)]
            route_ids = sorted(r["route_id"].astype(str), key=lambda x: (x.startswith("alley-"), x))
        all_pages += list(_route_pages(data, route_ids, lang))
    elif pages == "group":
        all_pages += list(_group_pages(data, lang))
    elif pages != "none":
        msg = f"pages must be 'route', 'group' or 'none', not {pages!r}"
        raise ValueError(msg)
    out = _write_pages(
        all_pages,
        data,
        pdf_path=pdf_path,
        png_path=png_path,
        page_dir=page_dir,
        lang=lang,
        dpi=dpi,
        progress=progress,
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
