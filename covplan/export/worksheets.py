"""The technician's work sheet per alley: a PDF page and an XLSX sheet for each route.

Every route that carries a camera to install or re-aim gets one sheet: a map clip with
the numbered mounts and their view cones, the table that finds each spot (the route,
the distance from a named end, the nearest house number, the mount, height, heading
as an arrow and a compass word), notes on cable and power, and tick boxes "đã lắp" /
"đã kiểm tra hình". The PDF embeds its fonts as TrueType (``pdf.fonttype`` 42), so
its text can be searched and copied (``pdftotext`` reads Vietnamese).

:func:`located_lists` gives a plan's install and re-aim lists with the full human
locations (OSM house numbers and pole numbers, the region's alley word, the language
of the output); the plan's own lists keep their codes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from covplan._frames import with_id
from covplan._style import BUILDING, CAMERA
from covplan.export._sheetpdf import SheetPdf, sheet_table, to_page, wrap
from covplan.export.place import Places, area_places
from covplan.export.tables import install_list, reaim_list, write_xlsx
from covplan.vocab import compass_word, header, label
from covplan.vocab.lists import list_word
from covplan.vocab.places import heading_arrow

logger = logging.getLogger(__name__)

__all__ = [
    "WORKSHEET_COLUMNS",
    "located_lists",
    "work_rows",
    "write_worksheets",
    "write_worksheets_pdf",
    "write_worksheets_xlsx",
]

#: Columns of a work sheet (internal names; headers from :mod:`covplan.vocab`).
WORKSHEET_COLUMNS: list[str] = [
    "code",
    "what_to_do",
    "location",
    "near",
    "mount_place",
    "mount_height_m",
    "heading_arrow",
    "compass",
    "spec_name",
    "map_osm",
    "installed",
    "checked",
    "notes",
]
_TICK = "☐"
#: Rows of the table on one PDF page (a longer route continues on the next page).
ROWS_PER_PAGE = 14
#: Map clip margin around the route's cameras (metres).
CLIP_MARGIN_M = 25.0


def located_lists(
    plan: Any, *, lang: str = "vi", places: Places | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return the plan's install and re-aim lists with full human locations in ``lang``.

    The rows, their order and their codes (N01…, R01…) are the plan's own
    (:attr:`covplan.plan.Plan.install`, :attr:`~covplan.plan.Plan.reaim`); the place
    columns are made again with the OSM house numbers and pole numbers of the area's
    file and the region's alley word (:func:`covplan.export.place.area_places`).

    Parameters
    ----------
    plan
        A :class:`covplan.plan.Plan`.
    lang
        ``"vi"`` or ``"en"``.
    places
        The places to use (default: :func:`area_places` of the plan's area).

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        The install list and the re-aim list.
    """
    places = places or area_places(plan.area)
    area = plan.area
    routes = area.routes if "route_id" in area.routes.columns else area.routes.reset_index()
    groups = with_id(area.groups, "group_id")
    chosen = plan.poses[plan.selected]
    install = plan.install
    if len(install):
        fresh = install_list(
            chosen.loc[install.index],
            sites=plan.sites,
            routes=routes,
            groups=groups,
            catalogue=plan.catalogue,
            crs=area.crs,
            lang=lang,
            places=places,
        ).loc[install.index]
        for c in ("no", "code", "range_m", "cost_vnd", "price_vnd", "phase", "consent"):
            fresh[c] = install[c].to_numpy()
        install = fresh
    reaim = plan.reaim
    if len(reaim) and plan.cameras is not None:
        fresh = reaim_list(
            chosen.loc[reaim.index],
            plan.cameras,
            routes=routes,
            groups=groups,
            crs=area.crs,
            lang=lang,
            places=places,
        ).loc[reaim.index]
        fresh["no"] = reaim["no"].to_numpy()
        fresh["code"] = reaim["code"].to_numpy()
        reaim = fresh
    return install, reaim


def _direction(h: object, lang: str) -> str:
    try:
        v = float(h)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if not np.isfinite(v):
        return ""
    return f"{heading_arrow(v)} {compass_word(v, lang=lang)}"


def work_rows(install: pd.DataFrame, reaim: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return the rows of the work sheets: one per camera to install or re-aim.

    Parameters
    ----------
    install, reaim
        Located lists (:func:`located_lists`).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        ``route_id``, ``route_name``, ``group_name``, ``source`` (``new``/``reaim``),
        ``lat``, ``lon`` and :data:`WORKSHEET_COLUMNS`; ordered by route, new cameras first.
    """
    parts = []
    if len(install):
        a = pd.DataFrame(install.drop(columns="geometry", errors="ignore")).copy()
        a["source"] = "new"
        a["what_to_do"] = list_word("do_install", lang)
        a["compass"] = [compass_word(h, lang=lang) for h in a["heading_deg"]]
        parts.append(a)
    if len(reaim):
        b = pd.DataFrame(reaim.drop(columns="geometry", errors="ignore")).copy()
        b["source"] = "reaim"
        b["what_to_do"] = [
            list_word("do_reaim", lang, now=_direction(n, lang), new=_direction(w, lang))
            for n, w in zip(b["heading_now_deg"], b["heading_new_deg"], strict=True)
        ]
        b["near"] = [
            ", ".join(x for x in (str(ad or ""), str(nr or "")) if x)
            for ad, nr in zip(b.get("address", ""), b["near"], strict=True)
        ]
        b["mount_place"] = ""
        b["mount_height_m"] = np.nan
        b["heading_arrow"] = b["arrow_new"]
        b["compass"] = [compass_word(h, lang=lang) for h in b["heading_new_deg"]]
        b["spec_name"] = ""
        parts.append(b)
    cols = ["route_id", "route_name", "group_name", "source", "lat", "lon", *WORKSHEET_COLUMNS]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    df = pd.concat(parts, ignore_index=True)
    df["installed"] = _TICK
    df["checked"] = _TICK
    df["notes"] = ""
    for c in cols:
        if c not in df.columns:
            df[c] = ""
    df = df.sort_values(["route_id", "source", "code"], kind="stable", na_position="last")
    return df[cols].reset_index(drop=True)


def _routes_in_order(rows: pd.DataFrame) -> list[str]:
    ids = rows["route_id"].astype(object).where(rows["route_id"].notna(), "")
    order = (
        pd.DataFrame({"r": ids.astype(str), "g": rows["group_name"].astype(str)})
        .drop_duplicates("r")
        .sort_values(["g", "r"], kind="stable")
    )
    return list(order["r"])


def write_worksheets_xlsx(
    rows: pd.DataFrame, path: str | os.PathLike[str], *, lang: str = "vi"
) -> Path:
    """Write the work sheets as one XLSX workbook: a sheet per route, then a summary.

    Parameters
    ----------
    rows
        :func:`work_rows`.
    path
        The ``.xlsx`` file.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    pathlib.Path
        The file.
    """
    sheets: dict[str, pd.DataFrame] = {}
    titles: dict[str, str] = {}
    index = []
    ids = rows["route_id"].astype(str)
    for rid in _routes_in_order(rows):
        part = rows[ids == rid]
        title = str(part["route_name"].iloc[0] or rid)
        key, k = title[:31], 2
        while key.casefold() in {t.casefold() for t in sheets}:  # two unnamed alleys alike
            suffix = f" ({k})"
            key, k = title[: 31 - len(suffix)] + suffix, k + 1
        sheets[key] = part[WORKSHEET_COLUMNS]
        group = str(part["group_name"].iloc[0] or "")
        titles[key] = list_word("worksheet_title", lang, route=title) + (
            f" — {group}" if group else ""
        )
        index.append(
            (
                title,
                str(part["group_name"].iloc[0] or ""),
                int((part["source"] == "new").sum()),
                int((part["source"] == "reaim").sum()),
            )
        )
    if not sheets:
        sheets[list_word("worksheet_sheet", lang)] = pd.DataFrame(columns=WORKSHEET_COLUMNS)
    summary = pd.DataFrame(
        index,
        columns=[
            label("route", lang),
            label("group", lang),
            label("new_cameras", lang),
            label("reaimed_cameras", lang),
        ],
    )
    return write_xlsx(sheets, path, lang=lang, summary=summary, page_titles=titles)


# --------------------------------------------------------------------------- PDF pages
def _page_chunks(rows: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame, int, int]]:
    for rid in _routes_in_order(rows):
        part = rows[rows["route_id"].astype(str) == rid]
        n = max(1, int(np.ceil(len(part) / ROWS_PER_PAGE)))
        for k in range(n):
            yield rid, part.iloc[k * ROWS_PER_PAGE : (k + 1) * ROWS_PER_PAGE], k + 1, n


def _notes(part: pd.DataFrame, all_rows: pd.DataFrame, lang: str) -> list[str]:
    lines = [list_word("cable_note", lang)]
    mounts = all_rows.loc[all_rows["route_id"].isin(part["route_id"]), "mount_place"].astype(str)
    pole = int(mounts.str.contains("cột điện|cột đèn|pole|lamp", regex=True).sum())
    wall = int(mounts.str.contains("tường|wall", regex=True).sum())
    new_pole = int(mounts.str.contains("cột thép|steel", regex=True).sum())
    if pole:
        lines.append(list_word("pole_note", lang, n=pole))
    if wall:
        lines.append(list_word("wall_note", lang, n=wall))
    if new_pole:
        lines.append(list_word("new_pole_note", lang, n=new_pole))
    return lines


class _Clip:
    """The layers a map clip draws, in metres, with trees to cut them fast."""

    def __init__(self, plan: Any) -> None:
        crs = plan.area.crs
        self.crs = crs
        b = plan.area.buildings
        self.buildings = b.to_crs(crs).geometry.to_numpy() if len(b) else np.array([])
        self.btree = shapely.STRtree(self.buildings) if len(self.buildings) else None
        r = plan.area.routes
        self.routes = r.to_crs(crs)
        self.rtree = shapely.STRtree(self.routes.geometry.to_numpy()) if len(r) else None
        cones = plan.layers().get("view_cones")
        self.cones = cones.to_crs(crs) if cones is not None and len(cones) else None

    def draw(
        self,
        pdf: SheetPdf,
        frame: tuple[float, float, float, float],
        rid: str,
        part: pd.DataFrame,
        lang: str,
    ) -> None:
        """Draw the clip of route ``rid`` and its cameras into ``frame`` (x, y, w, h)."""
        pts = gpd.GeoSeries(
            gpd.points_from_xy(part["lon"].astype(float), part["lat"].astype(float)), crs=4326
        ).to_crs(self.crs)
        ids = self.routes["route_id"] if "route_id" in self.routes.columns else self.routes.index
        mine = self.routes[ids.astype(str) == rid]
        geoms = [*pts.to_numpy(), *mine.geometry.to_numpy()]
        box = shapely.box(*shapely.GeometryCollection(geoms).bounds).buffer(CLIP_MARGIN_M)
        fx, fy, fw, fh = frame
        x0, y0, x1, y1 = box.bounds
        # square the box to the frame's shape, so nothing is cut
        sx, sy = (x1 - x0) / fw, (y1 - y0) / fh
        if sx > sy:
            pad = ((x1 - x0) * fh / fw - (y1 - y0)) / 2
            y0, y1 = y0 - pad, y1 + pad
        else:
            pad = ((y1 - y0) * fw / fh - (x1 - x0)) / 2
            x0, x1 = x0 - pad, x1 + pad
        bounds = (x0, y0, x1, y1)
        view = shapely.box(*bounds)

        def page(coords: Any) -> list[tuple[float, float]]:
            xy = to_page(np.asarray(coords, dtype=float)[:, :2], bounds, frame)
            return [(float(a), float(b)) for a, b in xy]

        pdf.clip_rect(fx, fy, fw, fh)
        self._ground(pdf, page, view, mine)
        self._cameras(pdf, page, part, pts)
        pdf.unclip()
        pdf.line(
            [(fx, fy), (fx + fw, fy), (fx + fw, fy + fh), (fx, fy + fh)],
            colour="#333333",
            width=0.6,
            close=True,
        )
        north = f"{list_word('map_clip', lang)}   ↑ {label('north', lang)}"
        pdf.text(fx, fy + fh + 4, north, size=8)

    def _ground(self, pdf: SheetPdf, page: Any, view: Any, mine: gpd.GeoDataFrame) -> None:
        """Draw the buildings, the routes and the sheet's own route."""
        if self.btree is not None:
            for g in self.buildings[self.btree.query(view)]:
                for poly in shapely.get_parts(g):
                    if poly.geom_type == "Polygon":
                        pdf.polygon(
                            page(poly.exterior.coords),
                            fill=BUILDING["face"],
                            stroke=BUILDING["edge"],
                            width=0.3,
                        )
        if self.rtree is not None:
            for g in self.routes.geometry.to_numpy()[self.rtree.query(view)]:
                for line in shapely.get_parts(g):
                    if line.geom_type == "LineString":
                        pdf.line(page(line.coords), colour="#9a9a9a", width=3)
            for g in mine.geometry:
                for line in shapely.get_parts(g):
                    if line.geom_type == "LineString":
                        pdf.line(page(line.coords), colour="#01665e", width=4)

    def _cameras(self, pdf: SheetPdf, page: Any, part: pd.DataFrame, pts: Any) -> None:
        """Draw the cameras' view cones and their numbered mounts."""
        codes = set(part["code"].astype(str))
        if self.cones is not None and "number" in self.cones.columns:
            cones = self.cones[self.cones["number"].astype(str).isin(codes)]
            for number, g in zip(cones["number"].astype(str), cones.geometry, strict=True):
                colour = CAMERA["new"] if number.startswith("N") else CAMERA["reaim"]
                for poly in shapely.get_parts(g):
                    if poly.geom_type == "Polygon" and not poly.is_empty:
                        ring = page(poly.exterior.coords)
                        pdf.polygon(ring, fill=colour, alpha=0.2)
                        pdf.line(ring, colour=colour, width=0.5, close=True)
        for code, src, pt in zip(part["code"], part["source"], pts, strict=True):
            colour = CAMERA["new"] if src == "new" else CAMERA["reaim"]
            (px, py) = page([(pt.x, pt.y)])[0]
            pdf.circle(px, py, 3.5, fill=colour)
            pdf.text(px + 4.5, py + 3.5, str(code), size=8, colour=colour)


#: Columns of the PDF table: internal name and width in points (the table is 470 pt wide).
_TABLE_COLS = [
    ("code", 26),
    ("what_to_do", 58),
    ("location", 80),
    ("near", 58),
    ("mount_place", 50),
    ("mount_height_m", 26),
    ("facing", 40),
    ("spec_name", 50),
    ("installed", 34),
    ("checked", 48),
]


def _table_rows(part: pd.DataFrame) -> list[list[str]]:
    rows = []
    for r in part.to_dict("records"):
        row = []
        for col, _ in _TABLE_COLS:
            if col == "facing":
                text = f"{r['heading_arrow']} {r['compass']}".strip()
            elif col == "mount_height_m":
                v = r[col]
                ok = isinstance(v, int | float) and np.isfinite(v)
                text = f"{float(v):.1f} m" if ok else ""
            elif col in ("installed", "checked"):
                text = ""
            else:
                text = str(r[col] if isinstance(r[col], str) else "")
            row.append(text)
        rows.append(row)
    return rows


def write_worksheets_pdf(
    plan: Any, rows: pd.DataFrame, path: str | os.PathLike[str], *, lang: str = "vi"
) -> Path:
    """Write the work sheets as a PDF, one A4 landscape page per route (more when long).

    The text is searchable: one embedded TrueType font with a Unicode map
    (:class:`covplan.export._sheetpdf.SheetPdf`).

    Parameters
    ----------
    plan
        The plan (its area's buildings and routes, and its view cones).
    rows
        :func:`work_rows`.
    path
        The ``.pdf`` file.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    pathlib.Path
        The file.
    """
    clip = _Clip(plan)
    pdf = SheetPdf(title=list_word("worksheets_index", lang))
    heads = [
        {
            "facing": label("heading", lang),
            "installed": list_word("installed", lang),
            "checked": list_word("checked", lang),
        }.get(c)
        or header(c, lang)
        for c, _ in _TABLE_COLS
    ]
    widths = [w for _, w in _TABLE_COLS]
    ticks = {i for i, (c, _) in enumerate(_TABLE_COLS) if c in ("installed", "checked")}
    chunks = list(_page_chunks(rows))
    for rid, part, k, n in chunks:
        pdf.new_page()
        title = list_word("worksheet_title", lang, route=str(part["route_name"].iloc[0]))
        suffix = f"  ({k}/{n})" if n > 1 else ""
        pdf.text(30, 562, title + suffix, size=14)
        group = str(part["group_name"].iloc[0] or "")
        if group:
            pdf.text(30, 545, f"{label('group', lang)}: {group}", size=9)
        clip.draw(pdf, (30, 235, 300, 290), rid, part, lang)
        sheet_table(pdf, 342, 530, widths, heads, _table_rows(part), ticks=ticks, row_h=28.0)
        y = pdf.text(30, 215, list_word("cable_power", lang) + ":", size=8.5)
        for note in _notes(part, rows, lang):
            y = pdf.text(30, y - 2, wrap(note, 300, 7.5, 4), size=7.5)
        pdf.text(342, 40, list_word("signature", lang), size=9)
        links = "; ".join(
            f"{c}: {float(la):.6f}, {float(lo):.6f}"
            for c, la, lo in zip(part["code"], part["lat"], part["lon"], strict=True)
        )
        pdf.text(30, 22, wrap(links, 780, 6, 2), size=6, colour="#555555")
    if not chunks:
        pdf.new_page()
        pdf.text(300, 300, list_word("no_cameras_here", lang), size=14)
    pdf.save(path)
    logger.info("wrote %s (%d pages)", path, len(pdf.pages))
    return Path(path)


def write_worksheets(
    plan: Any,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "vi",
    install: pd.DataFrame | None = None,
    reaim: pd.DataFrame | None = None,
    pdf: bool = True,
) -> list[Path]:
    """Write ``worksheets.xlsx`` and ``worksheets.pdf``: one work sheet per route.

    Parameters
    ----------
    plan
        The plan.
    out_dir
        The folder.
    lang
        ``"vi"`` or ``"en"``.
    install, reaim
        Located lists (default: :func:`located_lists`).
    pdf
        Also write the PDF pages (with map clips).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    if install is None or reaim is None:
        install, reaim = located_lists(plan, lang=lang)
    rows = work_rows(install, reaim, lang)
    out = Path(out_dir)
    written = [write_worksheets_xlsx(rows, out / "worksheets.xlsx", lang=lang)]
    if pdf:
        written.append(write_worksheets_pdf(plan, rows, out / "worksheets.pdf", lang=lang))
    return written
