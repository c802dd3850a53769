"""Install and re-aim lists, and their writers: XLSX, CSV (UTF-8 with BOM) and GeoJSON.

The lists are GeoDataFrames with internal (English, snake_case) column names and
categorical values (``"pole"``, ``"reaim"``); :func:`localise` turns one into the
table a planner reads, with Vietnamese or English headers and words. Columns where
leading zeros matter (codes, ids, phones) are written as text cells in XLSX.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import phonenumbers
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from covplan._frames import empty_gdf
from covplan._io import atomic_path, atomic_write_text
from covplan._text import csv_text, inert_xlsx
from covplan.export._layers import place_on_routes, to_4326, view_range_m
from covplan.vocab import compass_word, cost_label, header, label, translate_value

logger = logging.getLogger(__name__)

__all__ = [
    "INSTALL_COLUMNS",
    "REAIM_COLUMNS",
    "TEXT_COLUMNS",
    "add_contacts",
    "install_list",
    "localise",
    "national_phone",
    "reaim_list",
    "write_csv",
    "write_geojson",
    "write_table",
    "write_xlsx",
]

INSTALL_COLUMNS: list[str] = [
    "no",
    "code",
    "site_id",
    "site_kind",
    "lat",
    "lon",
    "route_id",
    "route_name",
    "location",
    "group_id",
    "group_name",
    "mount_height_m",
    "heading_deg",
    "compass",
    "spec_id",
    "spec_name",
    "mount",
    "consent",
    "price_vnd",
    "cost_vnd",
    "phase",
    "range_m",
]

REAIM_COLUMNS: list[str] = [
    "no",
    "code",
    "camera_id",
    "owner_id",
    "owner_kind",
    "address",
    "lat",
    "lon",
    "route_id",
    "route_name",
    "group_id",
    "group_name",
    "heading_now_deg",
    "compass_now",
    "heading_new_deg",
    "compass_new",
    "turn_deg",
    "retention_days",
    "status",
]

#: Columns written as text cells: ids and codes keep their leading zeros, phones their 0.
TEXT_COLUMNS: frozenset[str] = frozenset(
    {
        "code",
        "site_id",
        "route_id",
        "group_id",
        "camera_id",
        "owner_id",
        "spec_id",
        "phone",
        "address",
        "contact_address",
        "name",
    }
)

#: Columns whose values are categories translated by :func:`localise`.
_CATEGORY_COLUMNS = (
    "site_kind",
    "mount",
    "phase",
    "owner_kind",
    "status",
    "source",
    "role",
    "kind",
    "level",
)
#: Compass columns and the heading each is computed from.
_COMPASS_OF = {"compass": "heading_deg", "compass_now": "heading_now_deg"}
_COMPASS_OF["compass_new"] = "heading_new_deg"


def _lookup(table: gpd.GeoDataFrame | None, key: str, value_col: str) -> dict[str, Any]:
    if table is None or len(table) == 0 or value_col not in table.columns:
        return {}
    ids = table[key] if key in table.columns else pd.Series(table.index, index=table.index)
    return dict(zip(ids.astype(str), table[value_col], strict=True))


def _code(prefix: str, n: int, width: int) -> str:
    return f"{prefix}{n:0{width}d}"


def _col(df: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index, dtype=object)


def _routes_and_groups(
    points: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame | None,
    groups: gpd.GeoDataFrame | None,
    crs: Any,
) -> pd.DataFrame:
    """Route id/name, place along the route and group id/name for each point."""
    given = _col(points, "route_id")
    placed = (
        place_on_routes(points, routes, route_ids=given, crs=crs) if routes is not None else None
    )
    out = pd.DataFrame(index=points.index)
    if placed is not None:
        out["route_id"] = placed["route_id"].where(placed["route_id"].notna(), given)
        out["along_m"] = placed["along_m"]
    else:
        out["route_id"] = given
        out["along_m"] = np.nan
    names = _lookup(routes, "route_id", "name")
    out["route_name"] = [
        (names.get(str(r)) or str(r)) if r is not None and r == r else "" for r in out["route_id"]
    ]
    gid = _col(points, "group_id")
    route_group = _lookup(routes, "route_id", "group_id")
    if groups is not None and len(groups):
        pts = to_4326(points)
        g = to_4326(groups)
        gkey = g["group_id"] if "group_id" in g.columns else pd.Series(g.index, index=g.index)
        joined = gpd.sjoin(
            pts[["geometry"]], g.assign(_gid=gkey.astype(str))[["_gid", "geometry"]], how="left"
        )
        inside = joined[~joined.index.duplicated()]["_gid"].reindex(points.index)
        gid = gid.where(gid.notna(), inside)
    gid = pd.Series(
        [
            g if isinstance(g, str) and g else route_group.get(str(r))
            for g, r in zip(gid, out["route_id"], strict=True)
        ],
        index=points.index,
        dtype=object,
    )
    out["group_id"] = gid
    gnames = _lookup(groups, "group_id", "name")
    out["group_name"] = [gnames.get(str(g), "") if isinstance(g, str) else "" for g in gid]
    return out


def install_list(
    new_cameras: gpd.GeoDataFrame,
    *,
    sites: gpd.GeoDataFrame | None = None,
    routes: gpd.GeoDataFrame | None = None,
    groups: gpd.GeoDataFrame | None = None,
    catalogue: Mapping[str, Any] | None = None,
    crs: Any = None,
    level: str = "observe",
    lang: str = "vi",
) -> gpd.GeoDataFrame:
    """Build the install list: one row per new camera, in walking order, numbered N01, N02 etc.

    Parameters
    ----------
    new_cameras
        The chosen new-camera poses (``source == "new"``): ``site_id``, ``heading_deg``,
        ``spec_id``, ``hfov_deg``, ``resolution_px``, ``mount_height_m``, ``cost``, Point;
        optional ``route_id`` (the route it watches), ``group_id``, ``phase``
        (``pilot``, ``phase_1``, ``phase_2``), ``site_kind``, ``mount``, ``consent`` (who
        must agree to the mount: ``household``, ``power_company``, ``agency``, ``ward``,
        ``none``), ``cost_vnd`` (the camera's whole cost, its mount included), ``range_m``.
    sites
        Candidate sites (``site_id``, ``kind``) for the site kind.
    routes
        Routes (``route_id``, ``name``, ``group_id``) for the route name and place.
    groups
        Residential groups (``group_id``, ``name``, Polygon).
    catalogue
        ``spec_id`` → CameraSpec (for the model name and price).
    crs
        Metric CRS for distances; the local UTM zone by default.
    level
        DORI level whose range is reported when ``range_m`` is not given.
    lang
        Language of the place text (``"35 m from the route's start"``).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`INSTALL_COLUMNS` and geometry (EPSG:4326), sorted by group, route and place;
        the index is the input's (pose) index.
    """
    if len(new_cameras) == 0:
        return empty_gdf([*INSTALL_COLUMNS, "geometry"])
    cams = to_4326(new_cameras)
    place = _routes_and_groups(cams, routes, groups, crs)
    site_kind = _lookup(sites, "site_id", "kind")
    spec_name: dict[str, str] = {}
    spec_price: dict[str, float] = {}
    for sid, spec in (catalogue or {}).items():
        spec_name[str(sid)] = str(getattr(spec, "name", sid))
        spec_price[str(sid)] = float(getattr(spec, "price_vnd", np.nan))
    out = gpd.GeoDataFrame(index=cams.index, geometry=cams.geometry, crs=4326)
    out["site_id"] = _col(cams, "site_id").astype(object)
    kinds = _col(cams, "site_kind")
    out["site_kind"] = [
        k if isinstance(k, str) and k else site_kind.get(str(s), "")
        for k, s in zip(kinds, out["site_id"], strict=True)
    ]
    out["lat"] = cams.geometry.y.round(6)
    out["lon"] = cams.geometry.x.round(6)
    out["route_id"] = place["route_id"]
    out["route_name"] = place["route_name"]
    out["location"] = [
        label("from_start", lang, m=round(a)) if np.isfinite(a) else ""
        for a in place["along_m"].astype(float)
    ]
    out["group_id"] = place["group_id"]
    out["group_name"] = place["group_name"]
    out["mount_height_m"] = pd.to_numeric(_col(cams, "mount_height_m"), errors="coerce").round(1)
    out["heading_deg"] = pd.to_numeric(_col(cams, "heading_deg"), errors="coerce").round(0)
    out["compass"] = [compass_word(h, lang="en") for h in out["heading_deg"]]
    out["spec_id"] = _col(cams, "spec_id").astype(object)
    out["spec_name"] = [spec_name.get(str(s), str(s) if s else "") for s in out["spec_id"]]
    cost = pd.to_numeric(_col(cams, "cost"), errors="coerce")
    price = pd.Series([spec_price.get(str(s), np.nan) for s in out["spec_id"]], index=out.index)
    out["price_vnd"] = price.where(price.notna(), cost).round(0)
    out["mount"] = _col(cams, "mount")
    out["consent"] = [
        cost_label("consent", str(c), lang) if isinstance(c, str) and c else ""
        for c in _col(cams, "consent")
    ]
    whole = pd.to_numeric(_col(cams, "cost_vnd"), errors="coerce")
    out["cost_vnd"] = whole.where(whole.notna(), out["price_vnd"]).round(0)
    out["phase"] = _col(cams, "phase")
    if "range_m" in cams.columns:
        rng = pd.to_numeric(cams["range_m"], errors="coerce")
    else:
        rng = view_range_m(cams, level)
    out["range_m"] = rng.round(1)
    order = pd.DataFrame(
        {
            "g": out["group_id"].fillna("~").astype(str),
            "r": out["route_id"].fillna("~").astype(str),
            "a": place["along_m"].fillna(0.0),
        },
        index=out.index,
    ).sort_values(["g", "r", "a"], kind="stable")
    out = out.loc[order.index]
    width = max(2, len(str(len(out))))
    out["no"] = np.arange(1, len(out) + 1)
    out["code"] = [_code("N", i, width) for i in out["no"]]
    logger.info("install list: %d new cameras", len(out))
    return gpd.GeoDataFrame(out[[*INSTALL_COLUMNS, "geometry"]], geometry="geometry", crs=4326)


def _turn(now: float, new: float) -> float:
    if not (np.isfinite(now) and np.isfinite(new)):
        return float("nan")
    return float((new - now + 180.0) % 360.0 - 180.0)


def reaim_list(
    reaim_poses: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    *,
    routes: gpd.GeoDataFrame | None = None,
    groups: gpd.GeoDataFrame | None = None,
    crs: Any = None,
) -> gpd.GeoDataFrame:
    """Build the re-aim list: one row per existing camera to turn, numbered R01, R02 and so on.

    Parameters
    ----------
    reaim_poses
        The chosen re-aim poses (``source == "reaim"``): ``camera_id``, ``heading_deg``
        (the new heading); optional ``route_id`` (the route it will watch).
    cameras
        The survey's cameras (``camera_id``, ``owner_id``, ``owner_kind``, ``address``,
        ``heading_deg``, ``retention_days``, ``status``, Point), indexed or keyed by camera_id.
    routes, groups
        For the route name and residential group.
    crs
        Metric CRS for distances.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`REAIM_COLUMNS` and geometry (EPSG:4326); index = the input's (pose) index.
        No names or phones: see :func:`add_contacts`.
    """
    if len(reaim_poses) == 0:
        return empty_gdf([*REAIM_COLUMNS, "geometry"])
    cams = to_4326(cameras)
    if "camera_id" in cams.columns:
        cams = cams.set_index(cams["camera_id"].astype(str), drop=False)
    else:
        cams = cams.assign(camera_id=cams.index.astype(str)).set_index(
            cams.index.astype(str), drop=False
        )
    ids = reaim_poses["camera_id"].astype(str)
    missing = sorted(set(ids) - set(cams.index))
    if missing:
        msg = f"re-aim poses name cameras not in the survey: {', '.join(missing[:5])}"
        raise ValueError(msg)
    cam = cams.loc[ids.to_numpy()]
    cam.index = reaim_poses.index
    out = gpd.GeoDataFrame(index=reaim_poses.index, geometry=cam.geometry, crs=4326)
    out["camera_id"] = ids
    for c in ("owner_id", "owner_kind", "address", "status"):
        out[c] = _col(cam, c, "")
    out["lat"] = out.geometry.y.round(6)
    out["lon"] = out.geometry.x.round(6)
    place = _routes_and_groups(
        out.assign(route_id=_col(reaim_poses, "route_id")), routes, groups, crs
    )
    out["route_id"] = place["route_id"]
    out["route_name"] = place["route_name"]
    out["group_id"] = place["group_id"]
    out["group_name"] = place["group_name"]
    now = pd.to_numeric(_col(cam, "heading_deg"), errors="coerce").round(0)
    new = pd.to_numeric(reaim_poses["heading_deg"], errors="coerce").round(0)
    out["heading_now_deg"] = now
    out["compass_now"] = [compass_word(h, lang="en") for h in now]
    out["heading_new_deg"] = new
    out["compass_new"] = [compass_word(h, lang="en") for h in new]
    out["turn_deg"] = [_turn(a, b) for a, b in zip(now, new, strict=True)]
    out["retention_days"] = pd.to_numeric(_col(cam, "retention_days"), errors="coerce")
    order = out.assign(
        _g=out["group_id"].fillna("~").astype(str), _r=out["route_id"].fillna("~").astype(str)
    ).sort_values(["_g", "_r", "camera_id"], kind="stable")
    out = out.loc[order.index]
    width = max(2, len(str(len(out))))
    out["no"] = np.arange(1, len(out) + 1)
    out["code"] = [_code("R", i, width) for i in out["no"]]
    logger.info("re-aim list: %d cameras to turn", len(out))
    return gpd.GeoDataFrame(out[[*REAIM_COLUMNS, "geometry"]], geometry="geometry", crs=4326)


def national_phone(phone: object) -> str:
    """Show an E.164 phone (``+84905123456``) in the national form (``0905 123 456``).

    Parameters
    ----------
    phone
        The phone in E.164, or anything else (returned as text).

    Returns
    -------
    str
        The national form; the input as text when it cannot be parsed.
    """
    if phone is None or (isinstance(phone, float) and phone != phone):
        return ""
    text = str(phone)
    try:
        num = phonenumbers.parse(text, "VN")
        return str(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL))
    except Exception:
        return text


def add_contacts(table: gpd.GeoDataFrame, contacts: pd.DataFrame | None) -> gpd.GeoDataFrame:
    """Join owners' names, roles and phones onto a list (an explicit, private option).

    Parameters
    ----------
    table
        A list with ``owner_id`` (e.g. from :func:`reaim_list`).
    contacts
        The survey's private contacts: ``owner_id``, ``name``, ``role``, ``phone`` (E.164),
        ``address``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``table`` with ``name``, ``role``, ``phone`` (national form, text) and
        ``contact_address`` added after the owner columns.
    """
    out = table.copy()
    cols = ["name", "role", "phone", "contact_address"]
    if contacts is not None and "owner_id" not in contacts.columns:
        contacts = contacts.rename_axis("owner_id").reset_index()
    if contacts is None or len(contacts) == 0 or "owner_id" not in out.columns:
        for col in cols:
            out[col] = ""
    else:
        con = contacts.drop_duplicates("owner_id").set_index("owner_id")
        key = out["owner_id"].astype(str)
        for src, dst in (("name", "name"), ("role", "role"), ("address", "contact_address")):
            values = con[src] if src in con.columns else pd.Series(dtype=object)
            out[dst] = key.map(values).fillna("").astype(str).to_numpy()
        phones = con["phone"] if "phone" in con.columns else pd.Series(dtype=object)
        out["phone"] = [national_phone(p) for p in key.map(phones)]
    order = [x for x in out.columns if x not in cols and x != "geometry"]
    at = order.index("owner_kind") + 1 if "owner_kind" in order else len(order)
    order = order[:at] + cols + order[at:]
    return gpd.GeoDataFrame(out[[*order, "geometry"]], geometry="geometry", crs=out.crs)


def localise(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return the table a planner reads: translated values and compass words, localised headers.

    Parameters
    ----------
    table
        A list with internal column names (geometry is dropped).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        Same rows; headers from :mod:`covplan.vocab`.
    """
    df = pd.DataFrame(table.drop(columns="geometry", errors="ignore")).copy()
    for col in _CATEGORY_COLUMNS:
        if col in df.columns:
            df[col] = pd.Series([translate_value(v, lang) for v in df[col]], index=df.index)
    for col, heading in _COMPASS_OF.items():
        if col in df.columns and heading in df.columns:
            df[col] = pd.Series([compass_word(h, lang=lang) for h in df[heading]], index=df.index)
    df.columns = pd.Index([header(c, lang) for c in df.columns])
    return df


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


#: Excel number formats by internal column name (text columns get ``@``).
_NUMBER_FORMATS = {"lat": "0.000000", "lon": "0.000000", "price_vnd": "#,##0", "cost_vnd": "#,##0"}


def _fill_sheet(ws: Any, local: pd.DataFrame, text_idx: set[int]) -> None:
    """Append the bold header row and the rows; text columns as strings, no text a formula."""
    ws.append(list(local.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        inert_xlsx(cell)
    for row in local.itertuples(index=False, name=None):
        values = []
        for i, v in enumerate(row):
            v = _cell(v)
            if i in text_idx and v is not None:
                v = str(v)
            if isinstance(v, str):  # controls XLSX cannot hold (openpyxl raises on them)
                v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
            values.append(v)
        ws.append(values)
        for cell in ws[ws.max_row]:
            inert_xlsx(cell)  # user text (names, ids, notes) is never a live formula


def _format_columns(ws: Any, columns: pd.Index, local: pd.DataFrame, text_idx: set[int]) -> None:
    """Set each column's number format (text ``@`` where leading zeros matter) and width."""
    for i, col in enumerate(columns, start=1):
        fmt = "@" if (i - 1) in text_idx else _NUMBER_FORMATS.get(col)
        if fmt is not None:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        width = max([len(str(local.columns[i - 1]))] + [len(str(v)) for v in local.iloc[:, i - 1]])
        ws.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), 50)


def write_xlsx(
    tables: Mapping[str, pd.DataFrame] | pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    sheet: str = "Sheet1",
) -> Path:
    """Write one or several lists to an XLSX workbook (atomically).

    Headers are localised, the header row is bold and frozen, columns are filtered
    and sized; ids, codes and phones are text cells (``@``) so leading zeros survive.
    Text that a spreadsheet would run (``=…``, ``+…``, ``-…``, ``@…``: see
    :func:`covplan._text.formula_like`) is a quote-prefixed text cell, never a formula;
    numbers stay numbers.

    Parameters
    ----------
    tables
        One table, or sheet name → table (internal column names).
    path
        The ``.xlsx`` file.
    lang
        ``"vi"`` or ``"en"``.
    sheet
        Sheet name when one table is given.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    if isinstance(tables, pd.DataFrame):
        tables = {sheet: tables}
    wb = Workbook()
    wb.remove(wb.active)
    for name, table in tables.items():
        ws = wb.create_sheet(title=name[:31])
        raw = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
        local = localise(raw, lang)
        text_idx = {i for i, c in enumerate(raw.columns) if c in TEXT_COLUMNS}
        _fill_sheet(ws, local, text_idx)
        _format_columns(ws, raw.columns, local, text_idx)
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    with atomic_path(path) as tmp:
        wb.save(tmp)
    logger.info("wrote %s", path)
    return Path(path)


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str], *, lang: str = "vi") -> Path:
    """Write a list as CSV in UTF-8 with a byte-order mark (Excel then reads Vietnamese right).

    Every cell is inert (OWASP CSV-injection rules, :func:`covplan._text.csv_text`): text
    that a spreadsheet would run starts with ``'``; numbers are written as numbers.

    Parameters
    ----------
    table
        A list with internal column names.
    path
        The ``.csv`` file.
    lang
        ``"vi"`` or ``"en"`` for the headers and words.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    local = localise(table, lang)
    body = ([_cell(v) for v in row] for row in local.itertuples(index=False, name=None))
    text = csv_text([list(local.columns), *body])
    atomic_write_text(path, text, bom=True)
    logger.info("wrote %s", path)
    return Path(path)


def write_geojson(table: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a layer as GeoJSON (EPSG:4326, internal column names, UTF-8, not escaped).

    Parameters
    ----------
    table
        A GeoDataFrame.
    path
        The ``.geojson`` file.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    gdf = to_4326(table) if len(table) else table
    data = json.loads(gdf.to_json(drop_id=True, na="null", to_wgs84=False))
    data.pop("crs", None)
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
    logger.info("wrote %s", path)
    return Path(path)


def write_table(
    table: gpd.GeoDataFrame,
    stem: str | os.PathLike[str],
    *,
    lang: str = "vi",
    sheet: str | None = None,
    formats: Sequence[str] = ("xlsx", "csv", "geojson"),
) -> list[Path]:
    """Write a list as ``<stem>.xlsx``, ``<stem>.csv`` and ``<stem>.geojson``.

    Parameters
    ----------
    table
        A list (e.g. from :func:`install_list`).
    stem
        Path without suffix.
    lang
        ``"vi"`` or ``"en"``.
    sheet
        XLSX sheet name (the stem's name by default).
    formats
        Which of ``xlsx``, ``csv``, ``geojson`` to write.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    stem = Path(stem)
    written = []
    if "xlsx" in formats:
        written.append(
            write_xlsx(table, stem.with_suffix(".xlsx"), lang=lang, sheet=sheet or stem.name)
        )
    if "csv" in formats:
        written.append(write_csv(table, stem.with_suffix(".csv"), lang=lang))
    if "geojson" in formats:
        written.append(write_geojson(table, stem.with_suffix(".geojson")))
    return written
