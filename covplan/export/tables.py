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
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from covplan._frames import empty_gdf
from covplan._io import atomic_path, atomic_write_text
from covplan._text import csv_text, inert_xlsx
from covplan.export._layers import to_4326, view_range_m
from covplan.export.place import LOCATION_COLUMNS, Places, map_links
from covplan.vocab import compass_word, cost_label, header, label, translate_value
from covplan.vocab.lists import list_word
from covplan.vocab.places import heading_arrow

logger = logging.getLogger(__name__)

__all__ = [
    "INSTALL_COLUMNS",
    "PRINT_HIDDEN",
    "REAIM_COLUMNS",
    "TEXT_COLUMNS",
    "add_contacts",
    "install_list",
    "list_summary",
    "localise",
    "national_phone",
    "print_setup",
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
    "near",
    "group_id",
    "group_name",
    "mount_place",
    "mount_height_m",
    "heading_deg",
    "heading_arrow",
    "compass",
    "spec_id",
    "spec_name",
    "mount",
    "consent",
    "price_vnd",
    "cost_vnd",
    "phase",
    "range_m",
    "map_geo",
    "map_osm",
    "map_google",
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
    "location",
    "near",
    "group_id",
    "group_name",
    "heading_now_deg",
    "arrow_now",
    "compass_now",
    "heading_new_deg",
    "arrow_new",
    "compass_new",
    "turn_deg",
    "retention_days",
    "status",
    "map_geo",
    "map_osm",
    "map_google",
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
    *,
    places: Places | None = None,
    lang: str = "vi",
    mounts: pd.Series | None = None,
    site_ids: pd.Series | None = None,
    headings: pd.Series | None = None,
    heights: pd.Series | None = None,
) -> pd.DataFrame:
    """Route (the one each point stands on), its human title, the human location and group."""
    given = _col(points, "route_id")
    if places is None and routes is not None and len(routes):
        places = Places(routes, crs=crs)
    if places is not None:
        out = places.locate(
            points,
            lang=lang,
            given=given,
            mounts=mounts,
            site_ids=site_ids,
            headings=headings,
            heights=heights,
        )
        out["route_id"] = out["route_id"].where(out["route_id"].notna(), given)
    else:
        out = pd.DataFrame(index=points.index)
        for c in LOCATION_COLUMNS:
            out[c] = ""
        out["route_id"] = given
        out["along_m"] = np.nan
        out["route_name"] = [str(r) if isinstance(r, str) else "" for r in given]
        ll = to_4326(points).geometry
        links = [map_links(float(y), float(x)) for x, y in zip(ll.x, ll.y, strict=True)]
        out["map_geo"] = [t[0] for t in links]
        out["map_osm"] = [t[1] for t in links]
        out["map_google"] = [t[2] for t in links]
        if headings is not None:
            out["heading_arrow"] = [heading_arrow(h) for h in headings]
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
    places: Places | None = None,
) -> gpd.GeoDataFrame:
    """Build the install list: one row per new camera, in walking order, numbered N01, N02 etc.

    Each row says where to go (:mod:`covplan.export.place`): the route the camera
    stands on (its human title), the distance from a named end, the nearest house
    number or named building, the mount (a pole's number where OSM has ``ref``),
    height, heading as an arrow and a compass word, and map links (``geo:``,
    OpenStreetMap, Google Maps).

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
        Language of the place text (``"cách miệng kiệt phía đường Chi Lăng 14 m"``).
    places
        House numbers, pole numbers and the region's alley word
        (:func:`covplan.export.place.area_places`); default: the routes alone.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`INSTALL_COLUMNS` and geometry (EPSG:4326), sorted by group, route and place;
        the index is the input's (pose) index.
    """
    if len(new_cameras) == 0:
        return empty_gdf([*INSTALL_COLUMNS, "geometry"])
    cams = to_4326(new_cameras)
    site_kind = _lookup(sites, "site_id", "kind")
    site_mount = _lookup(sites, "site_id", "mount")
    mounts = pd.Series(
        [
            m if isinstance(m, str) and m else site_mount.get(str(s))
            for m, s in zip(_col(cams, "mount"), _col(cams, "site_id"), strict=True)
        ],
        index=cams.index,
        dtype=object,
    )
    place = _routes_and_groups(
        cams,
        routes,
        groups,
        crs,
        places=places,
        lang=lang,
        mounts=mounts,
        site_ids=_col(cams, "site_id"),
        headings=pd.to_numeric(_col(cams, "heading_deg"), errors="coerce"),
        heights=pd.to_numeric(_col(cams, "mount_height_m"), errors="coerce"),
    )
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
    out["location"] = place["location"]
    out["near"] = place["near"]
    out["mount_place"] = place["mount_place"]
    out["heading_arrow"] = place["heading_arrow"]
    for c in ("map_geo", "map_osm", "map_google"):
        out[c] = place[c]
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
    out["mount"] = mounts
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
    lang: str = "vi",
    places: Places | None = None,
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
    lang
        Language of the place text.
    places
        House numbers and the region's alley word (default: the routes alone).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`REAIM_COLUMNS` and geometry (EPSG:4326); index = the input's (pose) index.
        The route is the one the camera stands by, with a human location and map links.
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
        out.assign(route_id=_col(reaim_poses, "route_id")),
        routes,
        groups,
        crs,
        places=places,
        lang=lang,
    )
    for c in ("route_id", "route_name", "location", "near", "group_id", "group_name"):
        out[c] = place[c]
    for c in ("map_geo", "map_osm", "map_google"):
        out[c] = place[c]
    now = pd.to_numeric(_col(cam, "heading_deg"), errors="coerce").round(0)
    new = pd.to_numeric(reaim_poses["heading_deg"], errors="coerce").round(0)
    out["heading_now_deg"] = now
    out["arrow_now"] = [heading_arrow(h) for h in now]
    out["compass_now"] = [compass_word(h, lang="en") for h in now]
    out["heading_new_deg"] = new
    out["arrow_new"] = [heading_arrow(h) for h in new]
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
_NUMBER_FORMATS = {
    "lat": "0.000000",
    "lon": "0.000000",
    "price_vnd": "#,##0",
    "cost_vnd": "#,##0",
    "vnd": "#,##0",
}
#: Columns kept in the XLSX for machines but hidden, so the printed page fits:
#: ids, raw degrees, coordinates and the links a phone opens from the CSV/GeoJSON.
PRINT_HIDDEN: frozenset[str] = frozenset(
    {
        "site_id",
        "site_kind",
        "lat",
        "lon",
        "route_id",
        "group_id",
        "heading_deg",
        "spec_id",
        "mount",
        "price_vnd",
        "range_m",
        "map_geo",
        "camera_id",
        "owner_id",
        "heading_now_deg",
        "heading_new_deg",
    }
)
#: Columns summed in the totals row.
_TOTAL_COLUMNS = ("price_vnd", "cost_vnd", "vnd", "quantity")
#: Link columns: the cell shows a short word and opens the URL.
_LINK_COLUMNS = frozenset({"map_osm", "map_google", "map_geo"})
#: Long text columns: wrapped, narrower.
_WRAP_COLUMNS = frozenset(
    {"route_name", "location", "near", "mount_place", "address", "group_name", "spec_name",
     "consent", "ask", "notes", "place", "part_label", "note"}
)  # fmt: skip


def _fill_sheet(ws: Any, local: pd.DataFrame, text_idx: set[int]) -> None:
    """Append the bold header row and the rows; text columns as strings, no text a formula."""
    ws.append(list(local.columns))
    for cell in ws[1]:
        cell.font = _BOLD
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


_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _format_columns(ws: Any, columns: pd.Index, local: pd.DataFrame, text_idx: set[int]) -> None:
    """Set each column's number format (text ``@`` where leading zeros matter) and width."""
    values = local.to_numpy(dtype=object)
    heads = [str(h) for h in local.columns]
    for i, col in enumerate(columns, start=1):
        fmt = "@" if (i - 1) in text_idx else _NUMBER_FORMATS.get(col)
        if fmt is not None:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        width = max([len(heads[i - 1])] + [len(str(v)) for v in values[:, i - 1]])
        cap = 32 if col in _WRAP_COLUMNS else 50
        ws.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), cap)
        if col in _WRAP_COLUMNS:
            for (cell,) in ws.iter_rows(min_row=1, min_col=i, max_col=i):
                cell.alignment = _WRAP
        if col in _LINK_COLUMNS:
            ws.column_dimensions[get_column_letter(i)].width = 14


def _links(ws: Any, columns: pd.Index, lang: str) -> None:
    """Make the map-link cells clickable: a short word that opens the URL (made by covplan)."""
    for i, col in enumerate(columns, start=1):
        if col not in _LINK_COLUMNS:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            url = cell.value
            if isinstance(url, str) and url.startswith(("https://", "geo:")):
                cell.hyperlink = url
                cell.value = list_word("open_map", lang)
                cell.style = "Hyperlink"


def print_setup(ws: Any, *, hidden: Sequence[str] = (), columns: Sequence[str] = ()) -> None:
    """Set a sheet up for printing: A4 landscape, fit to the page width, header row repeated.

    Parameters
    ----------
    ws
        An openpyxl worksheet whose first row is the header.
    hidden
        Internal column names to hide (kept in the file, not printed).
    columns
        The sheet's internal column names, in order.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    for i, col in enumerate(columns, start=1):
        if col in hidden:
            ws.column_dimensions[get_column_letter(i)].hidden = True


def _totals(ws: Any, raw: pd.DataFrame, lang: str) -> None:
    """Append a bold totals row: the count of rows, and the sums of the money columns."""
    n = len(raw)
    row: list[Any] = [None] * len(raw.columns)
    visible = [i for i, c in enumerate(raw.columns) if c not in PRINT_HIDDEN]
    at = visible[0] if visible else 0
    row[at] = list_word("totals_row", lang, n=n)
    for i, col in enumerate(raw.columns):
        if col in _TOTAL_COLUMNS:
            vals = pd.to_numeric(raw[col], errors="coerce")
            row[i] = round(float(vals.sum())) if vals.notna().any() else None
    ws.append(row)
    for i, cell in enumerate(ws[ws.max_row]):
        cell.font = _BOLD
        fmt = _NUMBER_FORMATS.get(raw.columns[i]) if i < len(raw.columns) else None
        if fmt and isinstance(cell.value, int | float):
            cell.number_format = fmt


def list_summary(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return the summary sheet of a list: rows, rows by group and by phase, whole cost.

    Parameters
    ----------
    table
        A list with internal columns (``group_name``, ``phase``, ``cost_vnd`` when present).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        Two columns, ``item`` and ``value`` (localised headers).
    """
    rows: list[tuple[str, Any]] = [(list_word("rows", lang), len(table))]
    if "group_name" in table.columns and len(table):
        rows.append((list_word("by_group", lang), None))
        names = table["group_name"].fillna("").astype(str).replace("", label("no_group", lang))
        for name, n in names.value_counts(sort=False).sort_index().items():
            rows.append((f"  {name}", int(n)))
    if "phase" in table.columns and table["phase"].notna().any():
        rows.append((list_word("by_phase", lang), None))
        for ph, n in table["phase"].dropna().value_counts().sort_index().items():
            rows.append((f"  {translate_value(ph, lang)}", int(n)))
    if "cost_vnd" in table.columns:
        total = pd.to_numeric(table["cost_vnd"], errors="coerce").sum()
        rows.append((list_word("whole_cost", lang), round(float(total))))
    return pd.DataFrame(rows, columns=[list_word("item", lang), list_word("value", lang)])


def write_xlsx(
    tables: Mapping[str, pd.DataFrame] | pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    sheet: str = "Sheet1",
    totals: bool = True,
    summary: pd.DataFrame | bool | None = None,
    page_titles: Mapping[str, str] | None = None,
) -> Path:
    """Write one or several lists to an XLSX workbook (atomically), ready to print.

    Headers are localised, the header row is bold and frozen, columns are filtered
    and sized; ids, codes and phones are text cells (``@``) so leading zeros survive.
    Text that a spreadsheet would run (``=…``, ``+…``, ``-…``, ``@…``: see
    :func:`covplan._text.formula_like`) is a quote-prefixed text cell, never a formula;
    numbers stay numbers. Each sheet prints on A4 landscape, fitted to the page width,
    its header row repeated on every page; machine columns (:data:`PRINT_HIDDEN`) are
    hidden, map links are clickable, and a bold totals row (a value, not a formula)
    closes the list.

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
    totals
        Append the totals row to each sheet.
    summary
        A summary sheet (two columns) appended after the lists; True: built from the
        first table (:func:`list_summary`).
    page_titles
        Sheet name → a title printed at the top of each of its pages (a sheet name
        holds 31 characters; a route's or group's full name does not).

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
        ws = wb.create_sheet(title=_sheet_title(name, wb))
        raw = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
        local = localise(raw, lang)
        text_idx = {i for i, c in enumerate(raw.columns) if c in TEXT_COLUMNS}
        _fill_sheet(ws, local, text_idx)
        _format_columns(ws, raw.columns, local, text_idx)
        _links(ws, raw.columns, lang)
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
        if totals and len(raw):
            _totals(ws, raw, lang)
        print_setup(ws, hidden=sorted(PRINT_HIDDEN), columns=list(raw.columns))
        if page_titles and page_titles.get(name):
            ws.oddHeader.center.text = str(page_titles[name]).replace("&", "&&")
            ws.oddHeader.center.size = 12
    if summary is True and tables:
        summary = list_summary(next(iter(tables.values())), lang)
    if isinstance(summary, pd.DataFrame):
        ws = wb.create_sheet(title=_sheet_title(list_word("summary_sheet", lang), wb))
        _fill_sheet(ws, summary, set())
        for i, col in enumerate(summary.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in summary.iloc[:, i - 1]])
            ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(cell.value, int | float):
                    cell.number_format = "#,##0"
        print_setup(ws)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    logger.info("wrote %s", path)
    return Path(path)


_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(name: str, wb: Any) -> str:
    """Return a valid, unique sheet title: at most 31 characters, none of ``[]:*?/``."""
    base = str(name).translate(_BAD_SHEET_CHARS).strip().strip("'") or "Sheet"
    title = base[:31]
    k = 2
    taken = {t.lower() for t in wb.sheetnames}
    while title.lower() in taken:
        suffix = f" ({k})"
        title = base[: 31 - len(suffix)] + suffix
        k += 1
    return title


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
        Which of ``xlsx``, ``csv``, ``geojson`` to write. The XLSX is set up to print
        and ends with a totals row and a summary sheet (:func:`write_xlsx`).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    stem = Path(stem)
    written = []
    if "xlsx" in formats:
        written.append(
            write_xlsx(
                table, stem.with_suffix(".xlsx"), lang=lang, sheet=sheet or stem.name, summary=True
            )
        )
    if "csv" in formats:
        written.append(write_csv(table, stem.with_suffix(".csv"), lang=lang))
    if "geojson" in formats:
        written.append(write_geojson(table, stem.with_suffix(".geojson")))
    return written
