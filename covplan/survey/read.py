"""Reading the survey register: the one entry point for every format.

:func:`read_survey` picks the reader by suffix (:mod:`covplan.survey.formats`), matches
the headers (:mod:`covplan.survey.columns`) and validates every row
(:mod:`covplan.survey.rows`) into a :class:`~covplan.survey.schema.Survey`,
collecting every problem at once; :func:`survey_from_osm_cameras` does the same for
the cameras an Area found in OpenStreetMap.

Whatever is read but not used is reported: another sheet or layer that looks like
cameras is a problem, columns with unknown headers are a warning (``Survey.warnings``),
ids that differ only in case, spaces or Unicode form are duplicates naming both rows,
and every number of a phone cell is kept. Every message is masked by what its values
are (:func:`covplan._redact.redact`): no phone, e-mail, contact name or password.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from covplan._errors import InputError, Problem
from covplan._redact import KnownNames, redact
from covplan.survey import parse as P  # noqa: N812
from covplan.survey._sheets import RawTable
from covplan.survey.columns import Columns, map_columns
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
from covplan.vocab import survey_report
from covplan.vocab.messages import message, os_error_text, use_lang

__all__ = ["VN_LAT", "VN_LON", "read_survey", "survey_from_osm_cameras"]

logger = logging.getLogger(__name__)


def _boundary(area: Any) -> shapely.Geometry | None:
    """Return the ward's boundary of ``area`` (anything with a shapely ``boundary``), or None."""
    boundary = getattr(area, "boundary", None) if area is not None else None
    return boundary if isinstance(boundary, shapely.Geometry) else None


def _build(raw: RawTable, *, area: Any = None, lenient: bool = False, lang: str = "en") -> Survey:
    """Validate a raw table into a Survey, collecting every problem."""
    problems: list[Problem] = list(raw.problems)
    warnings: list[Problem] = []
    cols = map_columns(raw, problems)
    names = _known_names(raw, cols)
    problems += _extra_problems(raw, lang)
    if cols.unknown:
        shown = ", ".join(f"'{h}'" for h in cols.unknown[:12])
        more = f" (+{len(cols.unknown) - 12})" if len(cols.unknown) > 12 else ""
        msg = survey_report("unknown_columns", lang, n=len(cols.unknown), columns=shown + more)
        warnings.append(Problem(msg, raw.file, 1))
    if not (cols.has_latlon or cols.has_split or cols.has_geopoint or raw.points is not None):
        problems.append(Problem(message("survey.no_coordinates_column", lang), raw.file, 1))
        return _finish(
            raw, problems, empty_cameras(), empty_contacts(), lenient, warnings, names, lang
        )
    ctx = RowContext(raw=raw, cols=cols, key=owner_key(), boundary=_boundary(area), lang=lang)
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
    return _finish(raw, problems, cameras, contacts_df, lenient, warnings, names, lang)


def _known_names(raw: RawTable, cols: Columns) -> set[str]:
    """Return every contact name the register holds (name column, contacts sheet)."""
    names: set[str] = set()
    tables = [(raw, cols)]
    if raw.contacts is not None:
        tables.append((raw.contacts, map_columns(raw.contacts, [])))
    for tab, tc in tables:
        i = tc.idx.get("owner_name")
        if i is not None:
            names.update(P.text(values[i]) for _, values in tab.rows if i < len(values))
    names.discard("")
    return names


def _extra_problems(raw: RawTable, lang: str) -> list[Problem]:
    """Return a problem for each other sheet or layer of cameras that is not read."""
    out = []
    for kind, name, main, columns, n in raw.extra:
        shown = ", ".join(f"'{c}'" for c in columns[:8])
        key = "extra_sheet" if kind == "sheet" else "extra_layer"
        msg = survey_report(key, lang, sheet=name, main=main, columns=shown, n=n)
        out.append(Problem(msg, raw.file.split(" [")[0]))
    return out


def _merge_contacts(
    raw: RawTable, contacts: dict[str, dict[str, Any]], problems: list[Problem], key: bytes
) -> None:
    """Add the owners of a contacts sheet to ``contacts`` (those not already there)."""
    cols = map_columns(raw, problems)
    for rownum, values in raw.rows:
        r = RowProblems(raw.file, rownum, raw.headers, cols)
        name = cols.get(values, "owner_name")
        phone_s = cols.get(values, "phone")
        phones: list[P.Phone] = []
        if phone_s:
            try:
                phones = P.parse_phones(phone_s)
            except ValueError as err:
                r.add("phone", phone_s, str(err))
        address = cols.get(values, "address")
        phone = phones[0] if phones else None
        oid = cols.get(values, "owner_id") or owner_pseudonym(name, address, phone, key)
        problems += r.problems
        if oid and oid not in contacts:
            contacts[oid] = {
                "owner_id": oid,
                "name": name,
                "role": cols.get(values, "role"),
                "phone": "; ".join(p.e164 for p in phones),
                "address": address,
            }


def _safe(problem: Problem, names: KnownNames, seen: dict[str, str]) -> Problem:
    """Return ``problem`` with personal data and secrets masked by what they are.

    A name or a phone in a shifted column, an e-mail, a password in a URL: wherever the
    value sits, its message, value and column header go through the one redaction
    (:func:`covplan._redact.redact`); ``seen`` remembers texts already redacted (the
    same message repeats on thousands of rows).
    """

    def safe(text: str) -> str:
        out = seen.get(text)
        if out is None:
            out = seen[text] = redact(text, names=names)
        return out

    message = safe(problem.message)
    column = safe(problem.column) if problem.column else problem.column
    value = problem.value
    if value is not None:
        shown = safe(str(value))
        if shown != str(value):
            value = shown
    if (message, column, value) == (problem.message, problem.column, problem.value):
        return problem
    return dataclasses.replace(problem, message=message, column=column, value=value)


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
    warnings: list[Problem] | None = None,
    names: set[str] | None = None,
    lang: str = "en",
) -> Survey:
    known, seen = KnownNames.of(names or ()), dict[str, str]()
    problems = [_safe(p, known, seen) for p in problems]
    warnings = [_safe(p, known, seen) for p in warnings or []]
    if problems and not lenient:
        msg = message("survey.problems", lang, file=raw.file, n=len(problems))
        raise InputError(msg, file=raw.file, problems=problems)
    for w in warnings:
        logger.warning("%s", w)
    logger.info(
        "%s: %d cameras, %d owners with contacts, %d problems, %d warnings",
        raw.file,
        len(cameras),
        len(contacts),
        len(problems),
        len(warnings),
    )
    return Survey(
        cameras=cameras, contacts=contacts, problems=problems, source=raw.file, warnings=warnings
    )


# ===================================================================================== public


def read_survey(
    path: str | os.PathLike[str], *, area: Any = None, lenient: bool = False, lang: str = "en"
) -> Survey:
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
    lang
        ``"en"`` or ``"vi"``: the language of the report's sentences on what was read
        but not used (other sheets of cameras, unknown columns, repeated ids).

    Returns
    -------
    Survey
        ``cameras`` (indexed by camera_id), ``contacts`` (indexed by owner_id), the
        ``problems`` and the ``warnings`` (columns with unknown headers). Every message
        is masked: no phone, e-mail, contact name or password appears in it.

    Raises
    ------
    InputError
        Listing every problem found (file, row as the spreadsheet shows it, column,
        value, what to do), unless ``lenient``; always when the file cannot be read.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(message("survey.no_file", lang), file=p)
    with use_lang(lang):  # the readers' messages (covplan.survey.formats) in ``lang``
        return _read(p, area=area, lenient=lenient, lang=lang)


def _read(p: Path, *, area: Any, lenient: bool, lang: str) -> Survey:
    """Read and validate ``p`` (its suffix known to be a file's)."""
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError(message("survey.bad_suffix", lang, suffix=repr(p.suffix)), file=p)
    try:
        raw = reader(p)
    except OSError as err:
        msg = message("survey.cannot_read", lang, why=os_error_text(err, lang))
        raise InputError(msg, file=p) from None
    return _build(raw, area=area, lenient=lenient, lang=lang)


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
