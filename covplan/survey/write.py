"""Writers for the survey register: XLSX, CSV (UTF-8 with BOM), GeoPackage and OSM tags.

Default outputs carry cameras and pseudonymous ``owner_id`` only; names and phones
are written only with ``include_contacts=True``. Every file is written to a temporary
name and renamed into place, so a failed write never touches the previous file.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from covplan import settings
from covplan._errors import InputError
from covplan._io import atomic_path, atomic_write_text
from covplan._text import csv_text, inert_xlsx
from covplan.survey.parse import format_national
from covplan.survey.schema import (
    BOOL_COLUMNS,
    CAMERA_COLUMNS,
    CONTACT_COLUMNS,
    FLOAT_COLUMNS,
    Survey,
)
from covplan.vocab import survey_header, survey_value

__all__ = ["write_survey"]

logger = logging.getLogger(__name__)

#: Columns of a written sheet: the register's columns with the point as lat/lon after the
#: address; the address parts and the geometry are derived again on reading.
_DERIVED = ("house_number", "alley", "street", "geometry")
SHEET_COLUMNS: tuple[str, ...] = tuple(
    c
    for col in CAMERA_COLUMNS
    if col not in _DERIVED
    for c in ((col, "lat", "lon") if col == "address" else (col,))
)
CONTACT_SHEET_COLUMNS: tuple[str, ...] = ("owner_name", "role", "phone", "contact_address")
TEXT_COLUMNS = {"camera_id", "owner_id", "phone", "address", "contact_address", "owner_name"}


def _num(x: Any) -> str:
    """Return a float as the shortest text that reads back to the same value ("" for NaN)."""
    f = float(x)
    if math.isnan(f):
        return ""
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)


def _check(survey: Survey) -> gpd.GeoDataFrame:
    if not isinstance(survey, Survey):
        msg = f"write_survey needs a Survey (from read_survey), not {type(survey).__name__}"
        raise InputError(msg)
    cams = survey.cameras
    missing = [c for c in CAMERA_COLUMNS if c not in cams.columns and c != "geometry"]
    if not isinstance(cams, gpd.GeoDataFrame) or missing:
        msg = f"the survey's cameras table lacks columns {missing}; read it with read_survey"
        raise InputError(msg)
    if cams.crs is not None and not cams.crs.equals("EPSG:4326"):
        cams = cams.to_crs("EPSG:4326")
    bad = [
        str(cid)
        for cid, g in zip(cams["camera_id"], cams.geometry, strict=True)
        if g is None or g.is_empty or g.geom_type != "Point"
    ]
    if bad:
        msg = f"cameras {bad[:5]} have no point geometry; give each camera a position"
        raise InputError(msg)
    ids = cams["camera_id"].astype(str)
    if ids.duplicated().any():
        msg = (
            f"camera ids {sorted(set(ids[ids.duplicated()]))[:5]} repeat; give each camera its own"
        )
        raise InputError(msg)
    for col in FLOAT_COLUMNS:
        try:
            pd.to_numeric(cams[col], errors="raise")
        except (ValueError, TypeError):
            msg = f"column {col} of the cameras table is not numeric; read it with read_survey"
            raise InputError(msg) from None
    return cams


def _sheet(
    survey: Survey, cams: gpd.GeoDataFrame, *, include_contacts: bool, lang: str
) -> pd.DataFrame:
    """Return the cameras as a sheet of text cells (contacts merged in when asked)."""
    out: dict[str, list[str]] = {c: [] for c in SHEET_COLUMNS}
    for row, geom in zip(cams.itertuples(index=False), cams.geometry, strict=True):
        rec = row._asdict()
        for col in SHEET_COLUMNS:
            if col == "lat":
                val = _num(geom.y)
            elif col == "lon":
                val = _num(geom.x)
            elif col in FLOAT_COLUMNS:
                val = _num(pd.to_numeric(rec[col], errors="coerce"))
            elif col in BOOL_COLUMNS:
                yes = bool(rec[col]) if not pd.isna(rec[col]) else False
                val = survey_value(col, "yes" if yes else "no", lang)
            else:
                v = rec[col]
                val = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                val = survey_value(col, val, lang)
            out[col].append(val)
    df = pd.DataFrame(out, dtype=object)
    if include_contacts:
        contacts = survey.contacts
        by_id = {str(r["owner_id"]): r for _, r in contacts.iterrows()} if len(contacts) else {}
        extra: dict[str, list[str]] = {c: [] for c in CONTACT_SHEET_COLUMNS}
        for oid in df["owner_id"]:
            c = by_id.get(str(oid))
            extra["owner_name"].append("" if c is None else str(c["name"] or ""))
            extra["role"].append("" if c is None else str(c["role"] or ""))
            phone = "" if c is None else str(c["phone"] or "")
            extra["phone"].append(format_national(phone) if phone else "")
            extra["contact_address"].append("" if c is None else str(c["address"] or ""))
        pos = list(df.columns).index("owner_id") + 1
        for i, col in enumerate(CONTACT_SHEET_COLUMNS):
            df.insert(pos + i, col, extra[col])
    df.columns = [survey_header(c, lang) for c in df.columns]
    return df


def _contacts_sheet(survey: Survey, lang: str) -> pd.DataFrame:
    c = survey.contacts
    df = pd.DataFrame(
        {col: c[col].astype(object).fillna("").astype(str) for col in CONTACT_COLUMNS}
    )
    df["phone"] = [format_national(p) if p else "" for p in df["phone"]]
    names = {"owner_id": "owner_id", "name": "owner_name", "role": "role", "phone": "phone"}
    names["address"] = "address"
    df.columns = [survey_header(names[col], lang) for col in df.columns]
    return df


def _write_csv(survey: Survey, cams: gpd.GeoDataFrame, path: Path, inc: bool, lang: str) -> None:
    df = _sheet(survey, cams, include_contacts=inc, lang=lang)
    text = csv_text([list(df.columns), *df.itertuples(index=False, name=None)])
    atomic_write_text(path, text, bom=True)  # cells inert: '=…' is written '\'=…'


def _write_xlsx(survey: Survey, cams: gpd.GeoDataFrame, path: Path, inc: bool, lang: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "cameras"
    sheets = [(ws, _sheet(survey, cams, include_contacts=inc, lang=lang))]
    if inc and len(survey.contacts):
        sheets.append((wb.create_sheet("contacts"), _contacts_sheet(survey, lang)))
    numeric = {"lat", "lon", *FLOAT_COLUMNS}
    labels = {survey_header(c, lang): c for c in (*SHEET_COLUMNS, *CONTACT_SHEET_COLUMNS)}
    for sheet, df in sheets:
        sheet.append(list(df.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        canon = [labels.get(c, c) for c in df.columns]
        for values in df.itertuples(index=False, name=None):
            row: list[Any] = []
            for col, v in zip(canon, values, strict=True):
                if col in numeric and v != "":
                    row.append(float(v))
                else:
                    row.append(v)
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                inert_xlsx(cell)  # user text is never a live formula
        for j, col in enumerate(canon, start=1):
            if col not in numeric:  # phones, ids and house numbers stay text: leading zeros
                for r in range(2, sheet.max_row + 1):
                    sheet.cell(row=r, column=j).number_format = "@"
            width = max([len(str(df.columns[j - 1]))] + [len(str(v)) for v in df.iloc[:, j - 1]])
            sheet.column_dimensions[get_column_letter(j)].width = min(width + 2, 40)
        sheet.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _write_gpkg(survey: Survey, cams: gpd.GeoDataFrame, path: Path, inc: bool) -> None:
    df = _sheet(survey, cams, include_contacts=False, lang="en")
    gdf = gpd.GeoDataFrame(
        {c: df[c].to_numpy() for c in df.columns if c not in {"lat", "lon"}},
        geometry=gpd.GeoSeries(list(cams.geometry), crs="EPSG:4326"),
        crs="EPSG:4326",
    )
    for col in FLOAT_COLUMNS:
        gdf[col] = pd.to_numeric(cams[col], errors="coerce").to_numpy(dtype="float64")
    for col in BOOL_COLUMNS:
        gdf[col] = cams[col].fillna(False).astype(bool).to_numpy()
    with atomic_path(path) as tmp:
        pyogrio.write_dataframe(gdf, tmp, layer="cameras", driver="GPKG")
        if inc and len(survey.contacts):
            contacts = _contacts_sheet(survey, "en")
            pyogrio.write_dataframe(contacts, tmp, layer="contacts", driver="GPKG", append=False)


def _write_osm(survey: Survey, cams: gpd.GeoDataFrame, path: Path, inc: bool) -> None:
    contacts = {str(r["owner_id"]): r for _, r in survey.contacts.iterrows()} if inc else {}
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        '<osm version="0.6" generator="covplan" upload="never">',
    ]
    for i, (row, geom) in enumerate(
        zip(cams.itertuples(index=False), cams.geometry, strict=True), start=1
    ):
        rec = row._asdict()
        tags: dict[str, str] = {
            "man_made": "surveillance",
            "surveillance:type": "camera",
            "surveillance": "public" if rec["owner_kind"] == "public" else "outdoor",
            "ref": str(rec["camera_id"]),
        }
        panning = not math.isnan(float(rec["heading_min_deg"]))
        tags["camera:type"] = "panning" if panning else "fixed"
        if not math.isnan(float(rec["heading_deg"])):
            tags["camera:direction"] = _num(rec["heading_deg"])
        if not math.isnan(float(rec["mount_height_m"])):
            tags["height"] = _num(rec["mount_height_m"])
        for col in CAMERA_COLUMNS:
            if col in {"camera_id", "heading_deg", "mount_height_m", "geometry"}:
                continue
            if col in {"house_number", "alley", "street"}:
                continue
            v = rec[col]
            if col in FLOAT_COLUMNS:
                s = _num(v)
            elif col in BOOL_COLUMNS:
                s = "yes" if bool(v) else "no"
            else:
                s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            if s:
                tags[f"covplan:{col}"] = s
        c = contacts.get(str(rec["owner_id"]))
        if c is not None:
            for key, col in (
                ("operator", "name"),
                ("contact:phone", "phone"),
                ("covplan:role", "role"),
                ("covplan:contact_address", "address"),
            ):
                if c[col]:
                    tags[key] = str(c[col])
        lines.append(f'  <node id="-{i}" lat="{_num(geom.y)}" lon="{_num(geom.x)}" version="1">')
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("  </node>")
    lines.append("</osm>")
    atomic_write_text(path, "\n".join(lines) + "\n")


def write_survey(
    survey: Survey,
    path: str | os.PathLike[str],
    *,
    include_contacts: bool = False,
    lang: str | None = None,
) -> Path:
    """Write the survey register; the format follows the suffix.

    ``.xlsx`` (phones, ids and house numbers as text cells; a ``contacts`` sheet when
    asked), ``.csv`` (UTF-8 with BOM so Excel shows Vietnamese; contacts merged into
    the rows when asked), ``.gpkg`` (layer ``cameras``; ``contacts`` when asked) and
    ``.osm`` (OSM surveillance tags plus ``covplan:*`` tags, ``upload="never"``).
    Reading the written file gives the same register.

    Parameters
    ----------
    survey
        The register, from :func:`~covplan.survey.read_survey`.
    path
        The output file; written atomically (a failed write leaves it as it was).
    include_contacts
        Also write owners' names, roles, phones and addresses (personal data).
    lang
        ``"vi"`` or ``"en"`` column names and values for XLSX and CSV
        (``settings.lang`` when None); GeoPackage and OSM always use English keys.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InputError
        For an unknown suffix or a cameras table that is not a register.
    """
    p = Path(path)
    lang = lang or settings.lang
    if lang not in {"vi", "en"}:
        msg = f"lang must be 'vi' or 'en', not {lang!r}"
        raise InputError(msg)
    suffix = p.suffix.lower()
    if suffix not in {".csv", ".xlsx", ".gpkg", ".osm"}:
        msg = f"cannot write a survey as {suffix!r}; use .xlsx, .csv, .gpkg or .osm"
        raise InputError(msg, file=p)
    cams = _check(survey)
    if suffix == ".csv":
        _write_csv(survey, cams, p, include_contacts, lang)
    elif suffix == ".xlsx":
        _write_xlsx(survey, cams, p, include_contacts, lang)
    elif suffix == ".gpkg":
        _write_gpkg(survey, cams, p, include_contacts)
    else:
        _write_osm(survey, cams, p, include_contacts)
    logger.info(
        "wrote %d cameras to %s%s",
        len(cams),
        p,
        " with contacts" if include_contacts else " (no contacts)",
    )
    return p
