"""Readers for the survey register: CSV, XLSX, KoboToolbox/ODK exports, GeoJSON, GeoPackage, OSM.

Every reader turns its file into a raw table (headers, rows numbered as a spreadsheet
shows them, optional point geometries) and one builder validates it into a
:class:`~covplan.survey.schema.Survey`, collecting every problem at once.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from covplan import settings
from covplan._errors import InputError, Problem
from covplan.survey import parse as P  # noqa: N812
from covplan.survey.privacy import owner_key, pseudonym
from covplan.survey.schema import (
    ADDRESS_PARTS,
    BOOL_COLUMNS,
    CAMERA_COLUMNS,
    CONTACT_COLUMNS,
    FLOAT_COLUMNS,
    Survey,
    canonical_field,
    empty_cameras,
    empty_contacts,
)

__all__ = ["read_survey", "survey_from_osm_cameras"]

logger = logging.getLogger(__name__)

#: Mainland Vietnam with its near islands (lat, lon ranges), to tell swapped coordinates.
VN_LAT = (8.0, 23.5)
VN_LON = (102.0, 110.0)

_SPLIT_GEOPOINT = re.compile(
    r"^_?(?:.*/)?(?P<name>.+?)[_-](?P<part>latitude|longitude|altitude|precision|accuracy)$",
    re.IGNORECASE,
)
_KOBO_META = re.compile(r"^_(id|uuid|index|submission_time|validation_status|notes|status|tags)")


@dataclass
class RawTable:
    """A file's table before validation: headers, numbered rows and optional points."""

    file: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    points: dict[int, tuple[float, float] | None] | None = None  # row → (lon, lat)
    contacts: RawTable | None = None
    problems: list[Problem] = field(default_factory=list)
    osm: bool = False


# ===================================================================================== readers


def _find_header(rows: list[tuple[int, list[Any]]]) -> int:
    """Index of the header row: the first of the first 10 with two known column names."""
    for i, (_, values) in enumerate(rows[:10]):
        known = {canonical_field(P.text(v)) for v in values if P.text(v)} - {None}
        split = [v for v in values if _SPLIT_GEOPOINT.match(P.text(v))]
        if len(known) + len(split) >= 2:
            return i
    return 0


def _table(file: str, records: list[tuple[int, list[Any]]]) -> RawTable:
    records = [(n, r) for n, r in records if any(P.text(v) for v in r)]
    if not records:
        msg = "the file has no header row; use the blank form from `covplan survey template`"
        raise InputError(msg, file=file)
    h = _find_header(records)
    header_row, header = records[h]
    headers = [P.text(v) for v in header]
    rows = []
    for n, values in records[h + 1 :]:
        vals = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
        rows.append((n, vals))
    if header_row != 1:
        logger.info("%s: header found on row %d", file, header_row)
    return RawTable(file=file, headers=headers, rows=rows)


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        out = data.decode("cp1258")
    except UnicodeDecodeError:
        msg = "is not UTF-8 text; save it again as 'CSV UTF-8' from Excel"
        raise InputError(msg, file=file) from None
    logger.warning("%s is not UTF-8; read it as Windows-1258 (Vietnamese)", file)
    return out


def _read_csv(path: Path) -> RawTable:
    file = str(path)
    data = path.read_bytes()
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = "is not a text file (it has NUL bytes); export the sheet as CSV UTF-8 or XLSX"
        raise InputError(msg, file=file)
    try:
        content = _decode(data, file)
    except UnicodeDecodeError:
        msg = "is not readable text; save it again as 'CSV UTF-8' from Excel"
        raise InputError(msg, file=file) from None
    if "\x00" in content:
        msg = "has NUL characters; export the sheet again as CSV UTF-8 or XLSX"
        raise InputError(msg, file=file)
    first = next((ln for ln in content.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delim = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delim)
        records = [(i + 1, list(rec)) for i, rec in enumerate(reader)]
    except csv.Error as err:
        msg = f"is not a valid CSV file ({err}); export it again from the spreadsheet"
        raise InputError(msg, file=file) from None
    return _table(file, records)


_SKIP_SHEETS = {"contacts", "liên hệ", "verifications", "kiểm tra", "hướng dẫn", "guide"}
_SKIP_SHEETS |= {"choices", "settings"}


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl

    file = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on a damaged file
        msg = f"is not a readable XLSX workbook ({type(err).__name__}); save it again from Excel"
        raise InputError(msg, file=file) from None
    try:
        names = list(wb.sheetnames)
        main = next((n for n in names if n.strip().lower() in {"cameras", "camera"}), None)
        main = main or next((n for n in names if n.strip().lower() not in _SKIP_SHEETS), None)
        if main is None:
            msg = "has no sheet of cameras; put them on the first sheet"
            raise InputError(msg, file=file)

        def sheet_rows(name: str) -> list[tuple[int, list[Any]]]:
            ws = wb[name]
            return [(i + 1, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True))]

        try:
            raw = _table(f"{file} [{main}]" if len(names) > 1 else file, sheet_rows(main))
            contact_sheet = next(
                (n for n in names if n.strip().lower() in {"contacts", "liên hệ"}), None
            )
            if contact_sheet is not None:
                rows = sheet_rows(contact_sheet)
                if any(any(P.text(v) for v in r) for _, r in rows):
                    raw.contacts = _table(f"{file} [{contact_sheet}]", rows)
        except InputError:
            raise
        except Exception as err:
            msg = f"has a damaged sheet ({type(err).__name__}); save it again from Excel"
            raise InputError(msg, file=file) from None
    finally:
        wb.close()
    return raw


def _read_geojson(path: Path) -> RawTable:
    file = str(path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        msg = f"is not valid GeoJSON ({type(err).__name__}); export it again as GeoJSON"
        raise InputError(msg, file=file) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not (isinstance(doc, dict) and isinstance(doc.get("features"), list)):
        msg = "is not a GeoJSON FeatureCollection of camera points"
        raise InputError(msg, file=file)
    headers: list[str] = []
    props: list[dict[str, Any]] = []
    points: dict[int, tuple[float, float] | None] = {}
    problems: list[Problem] = []
    for i, feat in enumerate(doc["features"]):
        row = i + 2  # feature 1 is "row 2", as if the properties were a sheet
        if not isinstance(feat, dict):
            problems.append(Problem("is not a GeoJSON feature", file, row, None, None))
            props.append({})
            points[row] = None
            continue
        p = feat.get("properties") or {}
        p = p if isinstance(p, dict) else {}
        for k in p:
            if str(k) not in headers:
                headers.append(str(k))
        props.append(p)
        geom = feat.get("geometry")
        pt: tuple[float, float] | None = None
        if isinstance(geom, dict) and geom.get("type") == "Point":
            c = geom.get("coordinates")
            if (
                isinstance(c, list)
                and len(c) >= 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in c[:2])
            ):
                pt = (float(c[0]), float(c[1]))
        elif geom is not None:
            problems.append(
                Problem("geometry is not a point; draw each camera as a point", file, row)
            )
        points[row] = pt
    rows = [(i + 2, [p.get(h) for h in headers]) for i, p in enumerate(props)]
    # geometry from the feature wins over lat/lon properties only when present
    raw = RawTable(file=file, headers=headers, rows=rows, points=points, problems=problems)
    return raw


def _read_gpkg(path: Path) -> RawTable:
    import pyogrio

    file = str(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        layer = next((n for n in layers if n.lower() == "cameras"), None) or next(
            (n for n in layers if n.lower() != "contacts"), None
        )
        if layer is None:
            msg = "has no layer of cameras"
            raise InputError(msg, file=file)
        gdf = pyogrio.read_dataframe(path, layer=layer)
        contacts = None
        if "contacts" in layers:
            contacts = pyogrio.read_dataframe(path, layer="contacts", read_geometry=False)
    except InputError:
        raise
    except Exception as err:  # pyogrio/GDAL errors on a damaged file
        msg = f"is not a readable GeoPackage ({type(err).__name__}); export it again"
        raise InputError(msg, file=file) from None
    raw = _from_frame(file, gdf)
    if contacts is not None and len(contacts):
        raw.contacts = _from_frame(f"{file} [contacts]", pd.DataFrame(contacts))
    return raw


def _from_frame(file: str, df: pd.DataFrame) -> RawTable:
    points: dict[int, tuple[float, float] | None] | None = None
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df.columns:
        gdf = df
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            gdf = gdf.to_crs("EPSG:4326")
        points = {}
        for i, geom in enumerate(gdf.geometry):
            ok = geom is not None and not geom.is_empty and geom.geom_type == "Point"
            points[i + 2] = (float(geom.x), float(geom.y)) if ok else None
        df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    headers = [str(c) for c in df.columns]
    rows = [(i + 2, list(r)) for i, r in enumerate(df.itertuples(index=False, name=None))]
    return RawTable(file=file, headers=headers, rows=rows, points=points)


def _osm_rows(file: str, nodes: Iterable[tuple[str, float, float, dict[str, Any]]]) -> RawTable:
    """Rows from OSM surveillance nodes: (camera_id, lon, lat, tags)."""
    headers: list[str] = ["camera_id"]
    items = list(nodes)
    for _, _, _, tags in items:
        for k in tags:
            canon = canonical_field(str(k))
            if canon is None or canon == "camera_id" or str(k) in {"name", "x", "y"}:
                continue  # a node's name is the camera's, not its owner's
            if str(k) not in headers:
                headers.append(str(k))
    rows: list[tuple[int, list[Any]]] = []
    points: dict[int, tuple[float, float] | None] = {}
    for i, (cid, lon, lat, tags) in enumerate(items):
        tag_id = tags.get("covplan:camera_id") or tags.get("ref")
        vals = [tag_id or cid] + [tags.get(h) for h in headers[1:]]
        rows.append((i + 2, vals))
        points[i + 2] = (lon, lat)
    return RawTable(file=file, headers=headers, rows=rows, points=points, osm=True)


def _read_osm(path: Path) -> RawTable:
    from defusedxml import ElementTree

    file = str(path)
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except Exception as err:  # ParseError, entity bombs (defusedxml), bad encodings
        msg = f"is not valid OSM XML ({type(err).__name__}); export it again from JOSM"
        raise InputError(msg, file=file) from None
    nodes = []
    problems: list[Problem] = []
    for el in root.iter("node"):
        tags = {t.get("k", ""): t.get("v", "") for t in el.findall("tag")}
        if not (tags.get("man_made") == "surveillance" or "surveillance:type" in tags):
            continue
        try:
            lat = float(el.get("lat", "nan"))
            lon = float(el.get("lon", "nan"))
        except ValueError:
            lat = lon = math.nan
        nid = el.get("id", "")
        nodes.append((f"osm-node-{nid}", lon, lat, tags))
    raw = _osm_rows(file, nodes)
    raw.problems += problems
    return raw


_READERS = {
    ".csv": _read_csv,
    ".txt": _read_csv,
    ".tsv": _read_csv,
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".geojson": _read_geojson,
    ".json": _read_geojson,
    ".gpkg": _read_gpkg,
    ".osm": _read_osm,
}


# ===================================================================================== builder


@dataclass
class _Columns:
    """Where each register field is in a raw table (column index and header)."""

    idx: dict[str, int]
    split: dict[str, int]  # latitude/longitude/precision of a split geopoint

    def get(self, values: Sequence[Any], name: str) -> str:
        i = self.idx.get(name)
        return P.text(values[i]) if i is not None and i < len(values) else ""


def _map_columns(raw: RawTable, problems: list[Problem]) -> _Columns:
    idx: dict[str, int] = {}
    split: dict[str, int] = {}
    for i, h in enumerate(raw.headers):
        if not h:
            continue
        canon = canonical_field(h)
        m = _SPLIT_GEOPOINT.match(h)
        if canon is None and m and not _KOBO_META.match(h):
            part = m.group("part").lower().replace("accuracy", "precision")
            if part != "altitude" and part not in split:
                split[part] = i
            continue
        if canon is None:
            continue
        if canon in idx:
            problems.append(
                Problem(
                    f"repeats the column '{raw.headers[idx[canon]]}' ({canon}); "
                    "delete or rename one of them",
                    raw.file,
                    1,
                    h,
                )
            )
            continue
        idx[canon] = i
    unknown = [h for h in raw.headers if h and canonical_field(h) is None]
    if unknown:
        logger.info("%s: ignoring %d unknown columns: %s", raw.file, len(unknown), unknown[:8])
    return _Columns(idx=idx, split=split)


def _parse_coord(s: str) -> float:
    s = s.strip().replace("°", " ").replace("′", "'").replace("″", '"')
    m = re.match(r"""^(\d+)\s+(\d+)'\s*(\d+(?:[.,]\d+)?)?"?\s*([NSEW])?$""", s, re.IGNORECASE)
    if m:
        deg = (
            int(m.group(1))
            + int(m.group(2)) / 60
            + float((m.group(3) or "0").replace(",", ".")) / 3600
        )
        return -deg if (m.group(4) or "").upper() in {"S", "W"} else deg
    return P.parse_number(s)


def _in_vn(lat: float, lon: float) -> bool:
    return VN_LAT[0] <= lat <= VN_LAT[1] and VN_LON[0] <= lon <= VN_LON[1]


def _redact_url(url: str) -> tuple[str, bool]:
    """Return the URL with user and password replaced by placeholders, and whether it had any."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url, False
    if parts.password is None and parts.username is None:
        return url, False
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = "{user}:{password}@" + host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), True


def _mask(value: str) -> str:
    """Show the first two and last two characters of a personal value."""
    return value if len(value) <= 4 else f"{value[:2]}…{value[-2:]}"


class _Row:
    """Problems of one row, with where they are."""

    def __init__(self, file: str, row: int, headers: list[str], cols: _Columns) -> None:
        self.file, self.row, self.headers, self.cols = file, row, headers, cols
        self.problems: list[Problem] = []

    def add(self, field_name: str | None, value: Any, message: str) -> None:
        if field_name in {"phone", "owner_name"} and value:
            value = _mask(str(value))  # personal data: enough to find the cell, no more
        column = None
        if field_name is not None:
            i = self.cols.idx.get(field_name, self.cols.split.get(field_name))
            column = self.headers[i] if i is not None else field_name
        self.problems.append(Problem(message, self.file, self.row, column, value))


def _number(
    r: _Row,
    values: Sequence[Any],
    name: str,
    lo: float,
    hi: float,
    what: str,
    units: tuple[str, ...],
) -> float:
    s = r.cols.get(values, name)
    if not s:
        return math.nan
    try:
        if name == "resolution_px":
            x = P.parse_resolution(s)
        elif name == "retention_days":
            x = P.parse_retention(s)
        else:
            x = P.parse_number(s, units=units)
    except ValueError as err:
        r.add(name, s, f"{err}; write {what}")
        return math.nan
    if not lo <= x <= hi:
        r.add(name, s, f"is out of range; write {what} ({lo:g}–{hi:g})")
        return math.nan
    return x


_NUMBERS: dict[str, tuple[float, float, str, tuple[str, ...]]] = {
    "hfov_deg": (
        1.0,
        360.0,
        "the horizontal angle of view in degrees, e.g. 90",
        ("°", "độ", "deg"),
    ),
    "resolution_px": (160.0, 16000.0, "the horizontal pixels, e.g. 1920", ("px",)),
    "mount_height_m": (0.1, 60.0, "the height above the ground in metres, e.g. 3.5", ("m", "mét")),
    "tilt_deg": (-90.0, 90.0, "the downward tilt in degrees, e.g. 15", ("°", "độ", "deg")),
    "retention_days": (0.0, 3650.0, "the days of footage kept, e.g. 7", ("ngày", "days")),
}


def _build(raw: RawTable, *, area: Any = None, lenient: bool = False) -> Survey:
    """Validate a raw table into a Survey, collecting every problem."""
    file = raw.file
    problems: list[Problem] = list(raw.problems)
    cols = _map_columns(raw, problems)
    has_latlon = "lat" in cols.idx and "lon" in cols.idx
    has_split = "latitude" in cols.split and "longitude" in cols.split
    has_geopoint = "location" in cols.idx
    if not (has_latlon or has_split or has_geopoint or raw.points is not None):
        msg = (
            "has no coordinate columns; add 'lat' and 'lon' (Vĩ độ, Kinh độ) in decimal "
            "degrees, or a geopoint column 'location' ('lat lon alt accuracy')"
        )
        problems.append(Problem(msg, file, 1))
        return _finish(raw, problems, empty_cameras(), empty_contacts(), lenient)

    key = owner_key()
    boundary = getattr(area, "boundary", None) if area is not None else None
    if boundary is not None and not isinstance(boundary, shapely.Geometry):
        boundary = None
    records: list[dict[str, Any]] = []
    contacts: dict[str, dict[str, Any]] = {}
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple[Any, ...], int] = {}
    n_generated = 0
    for n_data, (rownum, values) in enumerate(raw.rows):
        if not any(P.text(v) for v in values) and not (raw.points and raw.points.get(rownum)):
            continue
        r = _Row(file, rownum, raw.headers, cols)
        rec: dict[str, Any] = {}
        # --- id
        cid = cols.get(values, "camera_id")
        if not cid:
            if "camera_id" in cols.idx:
                r.add("camera_id", None, "has no camera id; give each camera one, e.g. C01")
                keep = False
            else:
                keep = True
            cid = f"C{n_data + 1:03d}"
            n_generated += 1
        else:
            keep = True
        rec["camera_id"] = cid
        # --- coordinates
        lat = lon = math.nan
        lat_s = lon_s = ""
        coord_field = "lat"
        if has_latlon:
            lat_s, lon_s = cols.get(values, "lat"), cols.get(values, "lon")
        elif has_split:
            lat_s = P.text(values[cols.split["latitude"]])
            lon_s = P.text(values[cols.split["longitude"]])
            coord_field = "latitude"
        if not (lat_s or lon_s) and has_geopoint:
            gp = cols.get(values, "location")
            coord_field = "location"
            parts = [p for p in re.split(r"[\s,;]+", gp) if p]
            if len(parts) >= 2:
                lat_s, lon_s = parts[0], parts[1]
            elif gp:
                r.add("location", gp, "is not a geopoint; write 'lat lon' e.g. '16.4712 107.5923'")
            if len(parts) >= 4 and "precision" not in cols.split:
                try:
                    acc = float(parts[3])
                except ValueError:
                    acc = math.nan
                if acc > settings.survey_max_gps_error_m:
                    r.add(
                        "location",
                        gp,
                        f"has a GPS accuracy of {acc:g} m, coarser than "
                        f"{settings.survey_max_gps_error_m:g} m; take the point again outdoors "
                        "or place it on the map",
                    )
        if not (lat_s or lon_s) and raw.points is not None and raw.points.get(rownum):
            pt = raw.points[rownum]
            assert pt is not None
            lon, lat = pt
            lat_s, lon_s = repr(lat), repr(lon)
        coords_ok = False
        if not lat_s or not lon_s:
            r.add(
                coord_field,
                None,
                "has no coordinates; put the camera on the map (lat, lon in decimal degrees)",
            )
        else:
            try:
                lat, lon = _parse_coord(lat_s), _parse_coord(lon_s)
            except ValueError:
                r.add(
                    coord_field,
                    f"{lat_s}, {lon_s}",
                    "are not coordinates; write decimal degrees, e.g. 16.4712, 107.5923",
                )
            else:
                if lat == 0.0 and lon == 0.0:
                    r.add(
                        coord_field,
                        f"{lat_s}, {lon_s}",
                        "is 0, 0: the GPS had no fix; take the point again",
                    )
                elif _in_vn(lat, lon):
                    coords_ok = True
                elif _in_vn(lon, lat):
                    r.add(
                        coord_field,
                        f"{lat_s}, {lon_s}",
                        "has latitude and longitude swapped (Vietnam's latitudes are 8–23.5, "
                        "longitudes 102–110); swap the two columns",
                    )
                    lat, lon = lon, lat
                    coords_ok = True
                elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    r.add(
                        coord_field,
                        f"{lat_s}, {lon_s}",
                        "are impossible coordinates; write decimal degrees",
                    )
                else:
                    r.add(
                        coord_field,
                        f"{lat_s}, {lon_s}",
                        "is outside Vietnam; check the point (decimal degrees, latitude first)",
                    )
        if has_split and "precision" in cols.split:
            acc_s = P.text(values[cols.split["precision"]])
            try:
                acc = float(acc_s) if acc_s else math.nan
            except ValueError:
                acc = math.nan
            if acc > settings.survey_max_gps_error_m:
                r.add(
                    "precision",
                    acc_s,
                    f"is a GPS accuracy coarser than {settings.survey_max_gps_error_m:g} m; "
                    "take the point again outdoors or place it on the map",
                )
        if coords_ok and boundary is not None:
            pt_geom = shapely.Point(lon, lat)
            if not boundary.covers(pt_geom):
                dist_m = boundary.distance(pt_geom) * 111_000
                r.add(
                    coord_field,
                    f"{lat:.6f}, {lon:.6f}",
                    f"is outside the ward (about {dist_m:.0f} m beyond its boundary); "
                    "check the point or the ward",
                )
        rec["lat"], rec["lon"] = lat, lon
        # --- owner and contact
        name = cols.get(values, "owner_name")
        phone_s = cols.get(values, "phone")
        phone = None
        if phone_s:
            try:
                phone = P.parse_phone(phone_s)
            except ValueError as err:
                r.add("phone", phone_s, str(err))
            else:
                if phone is not None and phone.warning:
                    r.add("phone", phone_s, phone.warning)
        address = cols.get(values, "address")
        kind_s = cols.get(values, "owner_kind")
        if not kind_s and raw.osm and not cols.get(values, "participates"):
            # a mapper's node says nothing of its owner: infer it from the tags; a node
            # covplan wrote (it always carries covplan:participates) keeps what the
            # register said, so a register read back is the register written
            surv = P._key(cols.get(values, "surveillance"))
            kind_s = "public" if surv == "public" else "household"
        try:
            rec["owner_kind"] = P.parse_owner_kind(kind_s) if kind_s else ""
            if not kind_s:
                r.add(
                    "owner_kind",
                    None,
                    "is empty; say who owns the camera: household, business, agency, "
                    "school or public",
                )
        except ValueError as err:
            r.add("owner_kind", kind_s, str(err))
            rec["owner_kind"] = ""
        owner_id = cols.get(values, "owner_id")
        if not owner_id:
            if phone is not None:
                owner_id = pseudonym(phone.e164, key=key)
            elif name:
                owner_id = pseudonym(f"{name.casefold()}|{address.casefold()}", key=key)
        rec["owner_id"] = owner_id
        if owner_id and (name or phone is not None) and owner_id not in contacts:
            contacts[owner_id] = {
                "owner_id": owner_id,
                "name": name,
                "role": cols.get(values, "role"),
                "phone": phone.e164 if phone is not None else "",
                "address": cols.get(values, "contact_address") or address,
            }
        rec["address"] = address
        rec.update(P.parse_address(address))
        # --- direction
        heading_s = cols.get(values, "heading_deg")
        try:
            hd = P.parse_heading(heading_s)
        except ValueError as err:
            r.add("heading_deg", heading_s, str(err))
            hd = P.Heading()
        lo_s, hi_s = cols.get(values, "heading_min_deg"), cols.get(values, "heading_max_deg")
        if lo_s or hi_s:
            try:
                lo = P.parse_number(lo_s, units=("°", "độ"))
                hi = P.parse_number(hi_s, units=("°", "độ"))
                if not (0 <= lo <= 360 and 0 <= hi <= 360):
                    raise ValueError
            except ValueError:
                r.add(
                    "heading_min_deg",
                    f"{lo_s}–{hi_s}",
                    "is not a panning range; write both ends in degrees 0–360 (e.g. 90 and 180)",
                )
            else:
                span = (hi - lo) % 360.0 or (360.0 if hi != lo else 0.0)
                mid = hd.deg if not math.isnan(hd.deg) else (lo + span / 2.0) % 360.0
                hd = P.Heading(deg=mid, min_deg=lo, max_deg=hi)
        rec["heading_deg"], rec["heading_min_deg"], rec["heading_max_deg"] = (
            hd.deg,
            hd.min_deg,
            hd.max_deg,
        )
        type_s = cols.get(values, "camera_type")
        if type_s:
            try:
                P.parse_camera_type(type_s)
            except ValueError as err:
                r.add("camera_type", type_s, str(err))
        # --- numbers
        for name_, (lo_, hi_, what, units) in _NUMBERS.items():
            rec[name_] = _number(r, values, name_, lo_, hi_, what, units)
        # --- yes/no and enums
        for name_ in BOOL_COLUMNS:
            s = cols.get(values, name_)
            try:
                rec[name_] = P.parse_bool(s)
            except ValueError as err:
                r.add(name_, s, str(err))
                rec[name_] = False
        s = cols.get(values, "adjustable")
        try:
            rec["adjustable"] = P.parse_adjustable(s)
        except ValueError as err:
            r.add("adjustable", s, str(err))
            rec["adjustable"] = "unknown"
        s = cols.get(values, "status")
        try:
            rec["status"] = P.parse_status(s)
        except ValueError as err:
            r.add("status", s, str(err))
            rec["status"] = "surveyed"
        url = cols.get(values, "stream_url")
        if url:
            clean, had_secret = _redact_url(url)
            if had_secret:
                r.add(
                    "stream_url",
                    clean,
                    "contains a user name or password; it was removed: keep passwords in "
                    "the system keyring, never in the survey",
                )
            if not re.match(r"^(rtsp|rtsps|http|https|file)://", clean, re.IGNORECASE):
                r.add("stream_url", clean, "is not a stream URL; write rtsp://… or http://…")
                clean = ""
            url = clean
        rec["stream_url"] = url
        # --- duplicates
        if cid in seen_ids and keep:
            r.add(
                "camera_id",
                cid,
                f"is also the id on row {seen_ids[cid]}; give each camera its own id",
            )
            keep = False
        if coords_ok:
            dup_key = (round(lat, 6), round(lon, 6), rec["heading_deg"], owner_id)
            if dup_key in seen_keys and keep:
                r.add(
                    None,
                    None,
                    f"repeats row {seen_keys[dup_key]} (same place, direction and owner); "
                    "delete one of them",
                )
                keep = False
            seen_keys.setdefault(dup_key, rownum)
        problems += r.problems
        if keep:
            seen_ids.setdefault(cid, rownum)
        if keep and coords_ok:
            records.append(rec)
    if n_generated and "camera_id" not in cols.idx:
        logger.info("%s: no camera id column; numbered the cameras C001…", file)
    if raw.contacts is not None:
        _merge_contacts(raw.contacts, contacts, problems, key)
    cameras = _cameras_frame(records)
    contacts_df = (
        pd.DataFrame(list(contacts.values()), columns=list(CONTACT_COLUMNS))
        if contacts
        else empty_contacts()
    )
    contacts_df.index = pd.Index(contacts_df["owner_id"].to_numpy(), dtype="object")
    return _finish(raw, problems, cameras, contacts_df, lenient)


def _merge_contacts(
    raw: RawTable, contacts: dict[str, dict[str, Any]], problems: list[Problem], key: bytes
) -> None:
    cols = _map_columns(raw, problems)
    for rownum, values in raw.rows:
        r = _Row(raw.file, rownum, raw.headers, cols)
        name = cols.get(values, "owner_name")
        phone_s = cols.get(values, "phone")
        phone = None
        if phone_s:
            try:
                phone = P.parse_phone(phone_s)
            except ValueError as err:
                r.add("phone", phone_s, str(err))
        address = cols.get(values, "address")
        oid = cols.get(values, "owner_id")
        if not oid and phone is not None:
            oid = pseudonym(phone.e164, key=key)
        elif not oid and name:
            oid = pseudonym(f"{name.casefold()}|{address.casefold()}", key=key)
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
    reader = _READERS.get(p.suffix.lower())
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
    raw = _osm_rows("OpenStreetMap cameras", nodes)
    for rownum, vals in raw.rows:
        vals[0] = nodes[rownum - 2][0]
    return _build(raw, area=area, lenient=lenient)
