"""Reading the survey register: the one entry point for every format.

:func:`read_survey` picks the reader by suffix (:mod:`covplan.survey.formats`), matches
the headers (:mod:`covplan.survey.columns`) and validates every row
(:mod:`covplan.survey.rows`) into a :class:`~covplan.survey.schema.Survey`,
collecting every problem at once; :func:`survey_from_osm_cameras` does the same for
the cameras an Area found in OpenStreetMap.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from covplan._errors import InputError, Problem
from covplan.survey import parse as P  # noqa: N812
from covplan.survey._sheets import RawTable
from covplan.survey.columns import map_columns
from covplan.survey.formats import READERS, osm_rows
from covplan.survey.privacy import owner_key
from covplan.survey.rows import VN_LAT, VN_LON, RowContext, RowProblems, build_row, owner_pseudonym
from covplan.survey.schema import (
    ADDRESS_PARTS,
    BOOL_COLUMNS,
    CAMERA_COLUMNS,
    CONTACT_COLUMNS,
    FLOAT_COLUMNS,
    Survey,
    empty_cameras,
    empty_contacts,
)

__all__ = ["VN_LAT", "VN_LON", "read_survey", "survey_from_osm_cameras"]

logger = logging.getLogger(__name__)


def _boundary(area: Any) -> shapely.Geometry | None:
    """Return the ward's boundary of ``area`` (anything with a shapely ``boundary``), or None."""
    boundary = getattr(area, "boundary", None) if area is not None else None
    return boundary if isinstance(boundary, shapely.Geometry) else None


def _build(raw: RawTable, *, area: Any = None, lenient: bool = False) -> Survey:
    """Validate a raw table into a Survey, collecting every problem."""
    problems: list[Problem] = list(raw.problems)
    cols = map_columns(raw, problems)
    if not (cols.has_latlon or cols.has_split or cols.has_geopoint or raw.points is not None):
        msg = (
            "has no coordinate columns; add 'lat' and 'lon' (Vĩ độ, Kinh độ) in decimal "
            "degrees, or a geopoint column 'location' ('lat lon alt accuracy')"
        )
        problems.append(Problem(msg, raw.file, 1))
        return _finish(raw, problems, empty_cameras(), empty_contacts(), lenient)
    ctx = RowContext(raw=raw, cols=cols, key=owner_key(), boundary=_boundary(area))
    records: list[dict[str, Any]] = []
    for n_data, (rownum, values) in enumerate(raw.rows):
        if not any(P.text(v) for v in values) and not (raw.points and raw.points.get(rownum)):
            continue
        rec, row_problems = build_row(ctx, n_data, rownum, values)
        problems += row_problems
        if rec is not None:
            records.append(rec)
    if ctx.n_generated and "camera_id" not in cols.idx:
        logger.info("%s: no camera id column; numbered the cameras C001…", raw.file)
    if raw.contacts is not None:
        _merge_contacts(raw.contacts, ctx.contacts, problems, ctx.key)
    cameras = _cameras_frame(records)
    contacts_df = (
        pd.DataFrame(list(ctx.contacts.values()), columns=list(CONTACT_COLUMNS))
        if ctx.contacts
        else empty_contacts()
    )
    contacts_df.index = pd.Index(contacts_df["owner_id"].to_numpy(), dtype="object")
    return _finish(raw, problems, cameras, contacts_df, lenient)


def _merge_contacts(
    raw: RawTable, contacts: dict[str, dict[str, Any]], problems: list[Problem], key: bytes
) -> None:
    """Add the owners of a contacts sheet to ``contacts`` (those not already there)."""
    cols = map_columns(raw, problems)
    for rownum, values in raw.rows:
        r = RowProblems(raw.file, rownum, raw.headers, cols)
        name = cols.get(values, "owner_name")
        phone_s = cols.get(values, "phone")
        phone = None
        if phone_s:
            try:
                phone = P.parse_phone(phone_s)
            except ValueError as err:
                r.add("phone", phone_s, str(err))
        address = cols.get(values, "address")
        oid = cols.get(values, "owner_id") or owner_pseudonym(name, address, phone, key)
        problems += r.problems
        if oid and oid not in contacts:
            contacts[oid] = {
                "owner_id": oid,
                "name": name,
                "role": cols.get(values, "role"),
                "phone": phone.e164 if phone is not None else "",
                "address": address,
            }


def _cameras_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    if not records:
        return empty_cameras()
    df = pd.DataFrame(records)
    data: dict[str, Any] = {}
    for col in CAMERA_COLUMNS[:-1]:
        if col in FLOAT_COLUMNS:  # 6 decimals: exact through XLSX's 15 significant digits
            data[col] = df[col].astype("float64").round(6).to_numpy()
        elif col in BOOL_COLUMNS:
            data[col] = df[col].astype(bool).to_numpy()
        else:
            data[col] = df[col].astype(object).to_numpy()
    # 9 decimals of a degree is 0.1 mm, and survives every format (XLSX keeps 15 digits)
    lon, lat = df["lon"].astype("float64").round(9), df["lat"].astype("float64").round(9)
    geom = gpd.points_from_xy(lon.to_numpy(), lat.to_numpy(), crs="EPSG:4326")
    out = gpd.GeoDataFrame(data, geometry=geom, crs="EPSG:4326")
    out.index = pd.Index(df["camera_id"].to_numpy(), dtype="object")
    for col in ADDRESS_PARTS:
        out[col] = out[col].astype(object)
    return out


def _finish(
    raw: RawTable,
    problems: list[Problem],
    cameras: gpd.GeoDataFrame,
    contacts: pd.DataFrame,
    lenient: bool,
) -> Survey:
    if problems and not lenient:
        msg = (
            f"{raw.file}: {len(problems)} problem(s) in the survey; fix them and read it again "
            "(or read with lenient=True for a report)"
        )
        raise InputError(msg, file=raw.file, problems=problems)
    logger.info(
        "%s: %d cameras, %d owners with contacts, %d problems",
        raw.file,
        len(cameras),
        len(contacts),
        len(problems),
    )
    return Survey(cameras=cameras, contacts=contacts, problems=problems, source=raw.file)


# ===================================================================================== public


def read_survey(path: str | os.PathLike[str], *, area: Any = None, lenient: bool = False) -> Survey:
    """Read and validate a survey register.

    The format follows the suffix: ``.csv`` (UTF-8 with or without BOM, ``,`` ``;`` or
    tab; KoboToolbox and ODK Central CSV exports included), ``.xlsx`` (the first sheet,
    or one named ``cameras``; a ``contacts`` sheet is read too), ``.geojson``/``.json``,
    ``.gpkg`` (layers ``cameras`` and ``contacts``) and ``.osm`` (surveillance nodes).
    Column names may be English or Vietnamese (see ``covplan.survey.schema.ALIASES``).

    Parameters
    ----------
    path
        The register file.
    area
        An :class:`~covplan.area.Area` (anything with a shapely ``boundary`` in
        EPSG:4326): cameras outside it are problems.
    lenient
        Return the cameras that could be read and every problem in ``Survey.problems``
        instead of raising.

    Returns
    -------
    Survey
        ``cameras`` (indexed by camera_id) and ``contacts`` (indexed by owner_id).

    Raises
    ------
    InputError
        Listing every problem found (file, row as the spreadsheet shows it, column,
        value, what to do), unless ``lenient``; always when the file cannot be read.
    """
    p = Path(path)
    if not p.is_file():
        msg = "does not exist or is not a file; check the path"
        raise InputError(msg, file=p)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        msg = (
            f"has an unknown suffix {p.suffix!r}; use .csv, .xlsx, .geojson, .gpkg or .osm "
            "(save .xls files again as .xlsx)"
        )
        raise InputError(msg, file=p)
    try:
        raw = reader(p)
    except OSError as err:
        msg = f"cannot be read: {err.strerror}"
        raise InputError(msg, file=p) from None
    return _build(raw, area=area, lenient=lenient)


def survey_from_osm_cameras(
    osm_cameras: gpd.GeoDataFrame, *, area: Any = None, lenient: bool = False
) -> Survey:
    """Read the cameras that OpenStreetMap already maps (an Area's ``osm_cameras``).

    ``camera:direction`` gives heading_deg (degrees, compass points or a range),
    ``height`` the mount height, ``camera:type`` is checked, and
    ``surveillance=public`` makes the owner ``public`` (otherwise ``household``).
    Owners are unknown: no owner_id, no contacts; status ``surveyed``.

    Parameters
    ----------
    osm_cameras
        A GeoDataFrame with camera_id, tags (dict) and Point geometry, as
        ``Area.osm_cameras``; or an Area, whose ``osm_cameras`` is used.
    area
        Cameras outside ``area.boundary`` are problems (defaults to the Area given).
    lenient
        Return a report instead of raising.

    Returns
    -------
    Survey
        The cameras, with no contacts.

    Raises
    ------
    InputError
        On bad tags, unless ``lenient``.
    """
    if not isinstance(osm_cameras, gpd.GeoDataFrame) and hasattr(osm_cameras, "osm_cameras"):
        area = osm_cameras if area is None else area
        osm_cameras = osm_cameras.osm_cameras
    gdf = osm_cameras
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    tag_cols = [c for c in gdf.columns if ":" in str(c) or c in {"height", "surveillance"}]
    nodes = []
    for i, (idx, row) in enumerate(gdf.iterrows()):
        tags = dict(row["tags"]) if isinstance(row.get("tags"), dict) else {}
        for c in tag_cols:
            v = P.text(row.get(c))
            if v and c not in tags:
                tags[c] = v
        tags.pop("ref", None)
        geom = row.geometry
        cid = P.text(row.get("camera_id")) or str(idx) or f"osm-{i}"
        if geom is None or geom.is_empty or geom.geom_type != "Point":
            lon = lat = math.nan
        else:
            lon, lat = float(geom.x), float(geom.y)
        nodes.append((cid, lon, lat, tags))
    raw = osm_rows("OpenStreetMap cameras", nodes)
    for rownum, vals in raw.rows:
        vals[0] = nodes[rownum - 2][0]
    return _build(raw, area=area, lenient=lenient)
