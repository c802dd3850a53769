"""The outreach list per residential group: every household or business to visit.

A residential-group leader (tổ trưởng tổ dân phố) goes door to door with one sheet per
group: the owners of cameras to **re-aim**, of cameras the plan **keeps** (who must still
agree to share their picture with the ward police), of cameras that **could join**, and
the households asked to **host** a new camera on their wall. Each row has the address,
where it is (route and named end), what to ask, the camera's current and wanted
direction (arrow and compass word), a tick column and a notes column.

Names and phones are personal data: they are never in these files unless asked
(``include_contacts=True``, ``covplan plan --include-contacts``).
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan._frames import with_id
from covplan.export._sheetpdf import SheetPdf, sheet_table
from covplan.export.place import Places, area_places
from covplan.export.tables import add_contacts, national_phone, write_xlsx
from covplan.export.worksheets import located_lists
from covplan.vocab import compass_word, header, label
from covplan.vocab.lists import list_word
from covplan.vocab.places import heading_arrow

logger = logging.getLogger(__name__)

__all__ = [
    "OUTREACH_COLUMNS",
    "VISIT_KINDS",
    "outreach_rows",
    "write_outreach",
    "write_outreach_pdf",
    "write_outreach_xlsx",
]

#: Why a household is visited, in the order of the sheet.
VISIT_KINDS: tuple[str, ...] = ("reaim", "keep", "join", "host")
#: Columns of an outreach sheet (internal names).
OUTREACH_COLUMNS: list[str] = [
    "no",
    "code",
    "visit_kind",
    "address",
    "location",
    "ask",
    "direction_now",
    "direction_wanted",
    "done",
    "notes",
    "owner_id",
]
_CONTACT_COLUMNS = ["name", "role", "phone"]
#: Rows of the table on one PDF page.
ROWS_PER_PAGE = 16


def _direction(h: object, lang: str) -> str:
    try:
        v = float(h)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(v):
        return ""
    return f"{heading_arrow(v)} {compass_word(v, lang=lang)}"


def _group_of(points: gpd.GeoDataFrame, groups: gpd.GeoDataFrame | None) -> pd.Series:
    out = pd.Series([None] * len(points), index=points.index, dtype=object)
    if groups is None or not len(groups) or not len(points):
        return out
    g = groups.to_crs(4326)
    gid = g["group_id"].astype(str) if "group_id" in g.columns else g.index.astype(str)
    joined = gpd.sjoin(
        points.to_crs(4326)[["geometry"]],
        g.assign(_gid=gid.to_numpy())[["_gid", "geometry"]],
        how="left",
    )
    return joined[~joined.index.duplicated()]["_gid"].reindex(points.index).astype(object)


def outreach_rows(
    plan: Any,
    *,
    lang: str = "vi",
    include_contacts: bool = False,
    places: Places | None = None,
    install: pd.DataFrame | None = None,
    reaim: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return every household or business a group leader visits, by residential group.

    Parameters
    ----------
    plan
        A :class:`covplan.plan.Plan`.
    lang
        ``"vi"`` or ``"en"``.
    include_contacts
        Add the owners' names, roles and phones (personal data; off by default).
    places
        Human-location words (default: :func:`covplan.export.place.area_places`).
    install, reaim
        Located lists (default: :func:`covplan.export.worksheets.located_lists`).

    Returns
    -------
    pandas.DataFrame
        ``group_id``, ``group_name``, ``kind`` (:data:`VISIT_KINDS`), ``lat``, ``lon``
        and :data:`OUTREACH_COLUMNS` (with ``name``, ``role``, ``phone`` when
        ``include_contacts``); ordered by group, kind and code.
    """
    places = places or area_places(plan.area)
    if install is None or reaim is None:
        install, reaim = located_lists(plan, lang=lang, places=places)
    groups = with_id(plan.area.groups, "group_id")
    gnames: dict[str, str] = {}
    if groups is not None and len(groups):
        gnames = dict(zip(groups["group_id"].astype(str), groups["name"].astype(str), strict=True))
    parts: list[pd.DataFrame] = []
    cams = plan.cameras
    if len(reaim):
        r = pd.DataFrame(reaim.drop(columns="geometry", errors="ignore")).copy()
        r["kind"] = "reaim"
        r["ask"] = [
            list_word(
                "ask_reaim",
                lang,
                now=_direction(a, lang),
                new=_direction(b, lang),
                turn=f"{t:+.0f}" if isinstance(t, int | float) and math.isfinite(t) else "?",
            )
            for a, b, t in zip(
                r["heading_now_deg"], r["heading_new_deg"], r["turn_deg"], strict=True
            )
        ]
        r["direction_now"] = [_direction(h, lang) for h in r["heading_now_deg"]]
        r["direction_wanted"] = [_direction(h, lang) for h in r["heading_new_deg"]]
        r["location"] = _join(r["route_name"], r["location"])
        parts.append(r)
    if cams is not None and len(cams) and "role" in cams.columns:
        other = cams[cams["role"].isin(["keep", "unused"])]
        if len(other):
            loc = places.locate(other, lang=lang, stand=True)
            o = pd.DataFrame(other.drop(columns="geometry", errors="ignore")).copy()
            o["kind"] = np.where(o["role"] == "keep", "keep", "join")
            o["code"] = o["number"].where(o["number"].astype(str) != "", o["camera_id"])
            o["location"] = _join(loc["route_name"], loc["location"])
            o["group_id"] = _group_of(other, groups)
            o["lat"] = other.to_crs(4326).geometry.y.round(6).to_numpy()
            o["lon"] = other.to_crs(4326).geometry.x.round(6).to_numpy()
            o["direction_now"] = [_direction(h, lang) for h in o["heading_deg"]]
            o["direction_wanted"] = [
                _direction(h, lang) if k == "keep" else ""
                for h, k in zip(o["heading_deg"], o["kind"], strict=True)
            ]
            o["ask"] = [
                _ask_keep(h, d, lang)
                if k == "keep"
                else list_word("ask_join", lang, now=_direction(h, lang))
                for h, d, k in zip(
                    o["heading_deg"], _col(o, "retention_days"), o["kind"], strict=True
                )
            ]
            parts.append(o)
    if len(install):
        host = install[install["mount"].astype(str) == "wall"]
        if len(host):
            h = pd.DataFrame(host.drop(columns="geometry", errors="ignore")).copy()
            h["kind"] = "host"
            h["address"] = [
                ", ".join(x for x in (str(m or ""), str(n or "")) if x)
                for m, n in zip(h["mount_place"], h["near"], strict=True)
            ]
            h["location"] = _join(h["route_name"], h["location"])
            h["direction_now"] = ""
            h["direction_wanted"] = [_direction(x, lang) for x in h["heading_deg"]]
            h["ask"] = [
                list_word(
                    "ask_host",
                    lang,
                    code=c,
                    new=_direction(x, lang),
                    m=f"{float(m):.1f}" if isinstance(m, int | float) and math.isfinite(m) else "?",
                )
                for c, x, m in zip(h["code"], h["heading_deg"], h["mount_height_m"], strict=True)
            ]
            h["owner_id"] = ""
            parts.append(h)
    cols = ["group_id", "group_name", "kind", "lat", "lon", *OUTREACH_COLUMNS]
    if not parts:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    else:
        df = pd.concat(parts, ignore_index=True)
    for c in cols:
        if c not in df.columns:
            df[c] = ""
    df["group_id"] = [g if isinstance(g, str) and g else None for g in df["group_id"]]
    df["group_name"] = [
        gnames.get(str(g), "") if isinstance(g, str) else label("no_group", lang)
        for g in df["group_id"]
    ]
    df["visit_kind"] = [list_word(f"visit_{k}", lang) for k in df["kind"]]
    df["done"] = ""
    df["notes"] = ""
    rank = {k: i for i, k in enumerate(VISIT_KINDS)}
    df = df.assign(
        _g=df["group_id"].fillna("~").astype(str), _k=df["kind"].map(rank).fillna(9)
    ).sort_values(["_g", "_k", "code"], kind="stable")
    df["no"] = df.groupby("_g").cumcount() + 1
    df = df.drop(columns=["_g", "_k"])
    if include_contacts:
        df = _with_contacts(df, plan.contacts)
        cols = [*cols, *_CONTACT_COLUMNS]
    return df[cols].reset_index(drop=True)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series(np.nan, index=df.index)


def _ask_keep(h: object, days: object, lang: str) -> str:
    now = _direction(h, lang)
    try:
        d = float(days)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        d = math.nan
    if math.isfinite(d):
        return list_word("ask_keep", lang, now=now, days=int(d))
    return list_word("ask_keep_nodays", lang, now=now)


def _join(a: pd.Series, b: pd.Series) -> list[str]:
    return [
        ", ".join(str(x) for x in (p, q) if isinstance(x, str) and x)
        for p, q in zip(a, b, strict=True)
    ]


def _with_contacts(df: pd.DataFrame, contacts: pd.DataFrame | None) -> pd.DataFrame:
    gdf = gpd.GeoDataFrame(df.assign(geometry=None), geometry="geometry")
    joined = add_contacts(gdf, contacts)
    out = df.copy()
    for c in _CONTACT_COLUMNS:
        out[c] = joined[c].to_numpy()
    out["phone"] = [national_phone(p) if p else "" for p in out["phone"]]
    return out


def _sheets(rows: pd.DataFrame, plan: Any, lang: str) -> dict[str, pd.DataFrame]:
    """One table per residential group (every group, even one with no visit)."""
    groups = with_id(plan.area.groups, "group_id")
    order: list[tuple[str | None, str]] = []
    if groups is not None and len(groups):
        order = [(str(g), str(n)) for g, n in zip(groups["group_id"], groups["name"], strict=True)]
    if rows["group_id"].isna().any() or not order:
        order.append((None, label("no_group", lang)))
    cols = [c for c in rows.columns if c in OUTREACH_COLUMNS or c in _CONTACT_COLUMNS]
    out: dict[str, pd.DataFrame] = {}
    for gid, name in order:
        mask = rows["group_id"].isna() if gid is None else rows["group_id"] == gid
        out[name or str(gid)] = rows.loc[mask, cols]
    return out


def write_outreach_xlsx(
    rows: pd.DataFrame, plan: Any, path: str | os.PathLike[str], *, lang: str = "vi"
) -> Path:
    """Write the outreach lists: one XLSX sheet per residential group, then a summary.

    Parameters
    ----------
    rows
        :func:`outreach_rows`.
    plan
        The plan (for its groups).
    path
        The ``.xlsx`` file.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    pathlib.Path
        The file.
    """
    sheets = _sheets(rows, plan, lang)
    counts = []
    for name, table in sheets.items():
        kinds = rows.loc[table.index, "kind"].value_counts()
        counts.append([name, len(table), *(int(kinds.get(k, 0)) for k in VISIT_KINDS)])
    summary = pd.DataFrame(
        counts,
        columns=[
            label("group", lang),
            list_word("rows", lang),
            *(list_word(f"visit_{k}", lang) for k in VISIT_KINDS),
        ],
    )
    titles = {name: list_word("outreach_title", lang, group=name) for name in sheets}
    return write_xlsx(sheets, path, lang=lang, summary=summary, page_titles=titles)


_PDF_COLS = [
    ("no", 24),
    ("code", 34),
    ("visit_kind", 62),
    ("address", 120),
    ("location", 140),
    ("ask", 196),
    ("direction_now", 52),
    ("direction_wanted", 52),
    ("done", 34),
    ("notes", 68),
]


def write_outreach_pdf(
    rows: pd.DataFrame,
    plan: Any,
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    include_contacts: bool = False,
) -> Path:
    """Write the outreach lists as a PDF: one A4 landscape page per group (more when long).

    Parameters
    ----------
    rows
        :func:`outreach_rows`.
    plan
        The plan (for its groups).
    path
        The ``.pdf`` file.
    lang
        ``"vi"`` or ``"en"``.
    include_contacts
        The rows carry names and phones (printed beside the address).

    Returns
    -------
    pathlib.Path
        The file.
    """
    sheets = _sheets(rows, plan, lang)
    pdf = SheetPdf(title=list_word("outreach_sheet", lang))
    heads = [header(c, lang) for c, _ in _PDF_COLS]
    widths = [w for _, w in _PDF_COLS]
    ticks = {i for i, (c, _) in enumerate(_PDF_COLS) if c == "done"}
    note = list_word("contacts_note" if include_contacts else "privacy_note", lang)
    for name, table in sheets.items():
        n_pages = max(1, int(np.ceil(len(table) / ROWS_PER_PAGE)))
        for k in range(n_pages):
            part = table.iloc[k * ROWS_PER_PAGE : (k + 1) * ROWS_PER_PAGE]
            pdf.new_page()
            suffix = f"  ({k + 1}/{n_pages})" if n_pages > 1 else ""
            pdf.text(30, 562, list_word("outreach_title", lang, group=name) + suffix, size=14)
            pdf.text(30, 545, list_word("visits_count", lang, n=len(table)) + ". " + note, size=8.5)
            texts = []
            for i in range(len(part)):
                r = part.iloc[i]
                row = []
                for col, _ in _PDF_COLS:
                    v = r.get(col, "")
                    text = str(v) if isinstance(v, str | int | np.integer) else ""
                    if col == "address" and include_contacts:
                        who = " ".join(str(r.get(c) or "") for c in ("name", "phone")).strip()
                        text = ", ".join(x for x in (text, who) if x)
                    row.append(text)
                texts.append(row)
            if len(part):
                sheet_table(pdf, 30, 525, widths, heads, texts, ticks=ticks, row_h=28.0)
            else:
                pdf.text(30, 510, list_word("no_visits", lang), size=11)
            pdf.text(30, 22, list_word("signature", lang), size=8.5)
    pdf.save(path)
    logger.info("wrote %s (%d pages)", path, len(pdf.pages))
    return Path(path)


def write_outreach(
    plan: Any,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "vi",
    include_contacts: bool = False,
    install: pd.DataFrame | None = None,
    reaim: pd.DataFrame | None = None,
    places: Places | None = None,
    pdf: bool = True,
) -> list[Path]:
    """Write ``outreach.xlsx`` and ``outreach.pdf``: one sheet and page per group.

    Parameters
    ----------
    plan
        The plan.
    out_dir
        The folder.
    lang
        ``"vi"`` or ``"en"``.
    include_contacts
        Print owners' names and phones (personal data; off by default).
    install, reaim
        Located lists (default: :func:`covplan.export.worksheets.located_lists`).
    places
        Human-location words.
    pdf
        Also write the PDF.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    rows = outreach_rows(
        plan,
        lang=lang,
        include_contacts=include_contacts,
        places=places,
        install=install,
        reaim=reaim,
    )
    out = Path(out_dir)
    written = [write_outreach_xlsx(rows, plan, out / "outreach.xlsx", lang=lang)]
    if pdf:
        written.append(
            write_outreach_pdf(
                rows, plan, out / "outreach.pdf", lang=lang, include_contacts=include_contacts
            )
        )
    return written
