"""The survey's file formats: each reader turns a file into a raw table.

CSV (UTF-8 with or without BOM, ``,`` ``;`` or tab), XLSX (the cameras sheet and a
``contacts`` sheet), GeoJSON, GeoPackage and OSM XML (surveillance nodes). Rows are
numbered as a spreadsheet shows them; GeoJSON features and layer rows start at row 2.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from defusedxml import ElementTree

from covplan._errors import InputError, Problem
from covplan._text import revive_cell
from covplan.survey import parse as P  # noqa: N812
from covplan.survey._sheets import (
    CONTACT_SHEETS,
    SKIP_SHEETS,
    RawTable,
    camera_sheet,
    decode,
    delimiter,
    looks_like_cameras,
    table,
)
from covplan.survey.schema import canonical_field
from covplan.vocab.messages import message

__all__ = ["READERS", "osm_rows"]


def _read_csv(path: Path) -> RawTable:
    file = str(path)
    data = path.read_bytes()
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = message("survey.nul_bytes")
        raise InputError(msg, file=file)
    try:
        content = decode(data, file)
    except UnicodeDecodeError:
        msg = message("survey.not_text")
        raise InputError(msg, file=file) from None
    if "\x00" in content:
        msg = message("survey.nul_chars")
        raise InputError(msg, file=file)
    delim = delimiter(content)
    try:
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=delim)
        # a cell covplan defused ('=…, issue 18) reads back as the text it was written from
        records = [(i + 1, [revive_cell(v) for v in rec]) for i, rec in enumerate(reader)]
    except csv.Error as err:
        msg = message("survey.bad_csv", why=err)
        raise InputError(msg, file=file) from None
    return table(file, records)


def _read_xlsx(path: Path) -> RawTable:
    file = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on a damaged file
        msg = message("survey.bad_xlsx", why=type(err).__name__)
        raise InputError(msg, file=file) from None
    try:
        names = list(wb.sheetnames)
        main = camera_sheet(names)
        if main is None:
            msg = message("survey.no_sheet")
            raise InputError(msg, file=file)

        def sheet_rows(name: str) -> list[tuple[int, list[Any]]]:
            ws = wb[name]
            return [(i + 1, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True))]

        try:
            raw = table(f"{file} [{main}]" if len(names) > 1 else file, sheet_rows(main))
            contact_sheet = next((n for n in names if n.strip().lower() in CONTACT_SHEETS), None)
            if contact_sheet is not None:
                rows = sheet_rows(contact_sheet)
                if any(any(P.text(v) for v in r) for _, r in rows):
                    raw.contacts = table(f"{file} [{contact_sheet}]", rows)
            for name in names:  # cameras on another sheet would be lost: say so
                if name in {main, contact_sheet} or name.strip().lower() in SKIP_SHEETS:
                    continue
                seen = looks_like_cameras(sheet_rows(name))
                if seen is not None:
                    raw.extra.append(("sheet", name, main, seen[0], seen[1]))
        except InputError:
            raise
        except Exception as err:
            msg = message("survey.damaged_sheet", why=type(err).__name__)
            raise InputError(msg, file=file) from None
    finally:
        wb.close()
    return raw


def _read_geojson(path: Path) -> RawTable:
    file = str(path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        msg = message("survey.bad_geojson", why=type(err).__name__)
        raise InputError(msg, file=file) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not (isinstance(doc, dict) and isinstance(doc.get("features"), list)):
        msg = message("survey.not_collection")
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
    file = str(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        layer = next((n for n in layers if n.lower() == "cameras"), None) or next(
            (n for n in layers if n.lower() != "contacts"), None
        )
        if layer is None:
            msg = message("survey.no_layer")
            raise InputError(msg, file=file)
        gdf = pyogrio.read_dataframe(path, layer=layer)
        contacts = None
        if "contacts" in layers:
            contacts = pyogrio.read_dataframe(path, layer="contacts", read_geometry=False)
    except InputError:
        raise
    except Exception as err:  # pyogrio/GDAL errors on a damaged file
        msg = message("survey.bad_gpkg", why=type(err).__name__)
        raise InputError(msg, file=file) from None
    raw = _from_frame(file, gdf)
    if contacts is not None and len(contacts):
        raw.contacts = _from_frame(f"{file} [contacts]", pd.DataFrame(contacts))
    raw.extra += _extra_layers(path, layers, layer)
    return raw


def _extra_layers(
    path: Path, layers: list[str], main: str
) -> list[tuple[str, str, str, list[str], int]]:
    """Return the other point layers of a GeoPackage (not contacts): cameras not read."""
    out: list[tuple[str, str, str, list[str], int]] = []
    for name in layers:
        if name in {main, "contacts"} or name.strip().lower() in SKIP_SHEETS:
            continue
        try:
            info = pyogrio.read_info(path, layer=name)
        except Exception:  # a layer GDAL cannot describe is not cameras
            continue
        if str(info.get("geometry_type") or "").lower().endswith("point") and info["features"]:
            out.append(
                ("layer", name, main, [str(f) for f in info["fields"]], int(info["features"]))
            )
    return out


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


def osm_rows(file: str, nodes: Iterable[tuple[str, float, float, dict[str, Any]]]) -> RawTable:
    """Return the raw table of OSM surveillance nodes: (camera_id, lon, lat, tags).

    Parameters
    ----------
    file
        The source's name, for problems.
    nodes
        (camera_id, lon, lat, tags) of each surveillance node.

    Returns
    -------
    RawTable
        One row per node, with its point.
    """
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
    file = str(path)
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except Exception as err:  # ParseError, entity bombs (defusedxml), bad encodings
        msg = message("survey.bad_osm", why=type(err).__name__)
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
    raw = osm_rows(file, nodes)
    raw.problems += problems
    return raw


#: The reader of each file suffix.
READERS: dict[str, Callable[[Path], RawTable]] = {
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
