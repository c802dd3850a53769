"""GeoPackage export with QGIS styles, so the plan's layers open coloured.

QGIS keeps a layer's default style inside a GeoPackage in a ``layer_styles`` table
(one row per layer: QML and SLD text, ``useAsDefault``) registered in
``gpkg_contents``; :func:`write_geopackage` writes that table as QGIS does. The QML
templates live in ``covplan/export/styles/<layer>.qml`` with ``$placeholders`` for
the legend words, filled in the plan's language.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import string
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from covplan._io import atomic_path
from covplan.export._layers import to_4326
from covplan.vocab import LABELS
from covplan.vocab.fields import CODED, field_alias, value_words

logger = logging.getLogger(__name__)

__all__ = ["LAYERS", "qgis_style", "style_names", "write_geopackage"]

#: The plan's layers in drawing order (bottom first) and their geometry types.
LAYERS: dict[str, str] = {
    "routes": "LineString",
    "view_cones": "Polygon",
    "unseen_targets": "Point",
    "existing_cameras": "Point",
    "new_cameras": "Point",
}


def style_names() -> list[str]:
    """Return the layers that have a QGIS style template.

    Returns
    -------
    list of str
        Layer names (``routes``, ``new_cameras``…).
    """
    folder = resources.files("covplan.export").joinpath("styles")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".qml"))


def _rgba(text: str) -> tuple[str, float]:
    parts = [int(p) for p in text.split(",")]
    r, g, b = parts[:3]
    a = parts[3] / 255 if len(parts) > 3 else 1.0
    return f"#{r:02x}{g:02x}{b:02x}", a


def _sld(layer: str, qml: str) -> str:
    """Render the QML's categories as plain SLD 1.1 (for tools that read SLD only)."""
    root = ET.fromstring(qml)
    renderer = root.find("renderer-v2")
    rules = []
    if renderer is not None:
        attr = renderer.get("attr")
        symbols = {s.get("name"): s for s in renderer.iter("symbol")}
        cats = list(renderer.iter("category")) or [ET.Element("category", symbol="0", label=layer)]
        for cat in cats:
            sym = symbols.get(cat.get("symbol"))
            if sym is None:
                continue
            opts = {o.get("name"): o.get("value", "") for o in sym.iter("Option") if o.get("name")}
            alpha = float(sym.get("alpha", "1"))
            kind = sym.get("type")
            if kind == "line":
                colour, _ = _rgba(opts.get("line_color", "0,0,0"))
                body = (
                    "<se:LineSymbolizer><se:Stroke>"
                    f'<se:SvgParameter name="stroke">{colour}</se:SvgParameter>'
                    '<se:SvgParameter name="stroke-width">'
                    f"{float(opts.get('line_width', 1)) * 3.6:.1f}"
                    "</se:SvgParameter></se:Stroke></se:LineSymbolizer>"
                )
            elif kind == "fill":
                colour, _ = _rgba(opts.get("color", "0,0,0"))
                body = (
                    "<se:PolygonSymbolizer><se:Fill>"
                    f'<se:SvgParameter name="fill">{colour}</se:SvgParameter>'
                    f'<se:SvgParameter name="fill-opacity">{alpha:.2f}</se:SvgParameter>'
                    "</se:Fill></se:PolygonSymbolizer>"
                )
            else:
                colour, _ = _rgba(opts.get("color", "0,0,0"))
                shape = {"triangle": "triangle", "cross2": "x"}.get(opts.get("name", ""), "circle")
                body = (
                    "<se:PointSymbolizer><se:Graphic><se:Mark>"
                    f"<se:WellKnownName>{shape}</se:WellKnownName><se:Fill>"
                    f'<se:SvgParameter name="fill">{colour}</se:SvgParameter></se:Fill></se:Mark>'
                    f"<se:Size>{float(opts.get('size', 3)) * 3.6:.0f}</se:Size>"
                    "</se:Graphic></se:PointSymbolizer>"
                )
            value = cat.get("value")
            flt = ""
            if attr and value is not None and renderer.get("type") == "categorizedSymbol":
                flt = (
                    "<ogc:Filter><ogc:PropertyIsEqualTo>"
                    f"<ogc:PropertyName>{escape(attr)}</ogc:PropertyName>"
                    f"<ogc:Literal>{escape(value)}</ogc:Literal>"
                    "</ogc:PropertyIsEqualTo></ogc:Filter>"
                )
            name = escape(cat.get("label") or value or layer)
            rules.append(f"<se:Rule><se:Name>{name}</se:Name>{flt}{body}</se:Rule>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" '
        'xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" '
        'version="1.1.0"><NamedLayer>'
        f"<se:Name>{escape(layer)}</se:Name><UserStyle><se:Name>{escape(layer)}</se:Name>"
        f"<se:FeatureTypeStyle>{''.join(rules)}</se:FeatureTypeStyle>"
        "</UserStyle></NamedLayer></StyledLayerDescriptor>"
    )


#: A layer's fields for its style and aliases: field name → its distinct coded values.
Fields = Mapping[str, list[str]]


def _field_config(fields: Fields, lang: str) -> str:
    """Return the QML of the fields' aliases and value maps (QGIS shows these words)."""
    aliases = "".join(
        f'<alias field="{escape(f)}" index="{i}" name="{escape(field_alias(f, lang), _Q)}"/>'
        for i, f in enumerate(fields)
    )
    config = []
    for f, values in fields.items():
        words = value_words(f, values, lang) if f in CODED else {}
        if not words:
            continue
        entries = "".join(
            '<Option type="Map">'
            f'<Option type="QString" name="{escape(w, _Q)}" value="{escape(v, _Q)}"/>'
            "</Option>"
            for v, w in words.items()
        )
        config.append(
            f'<field name="{escape(f)}" configurationFlags="NoFlag"><editWidget type="ValueMap">'
            f'<config><Option type="Map"><Option type="List" name="map">{entries}</Option>'
            "</Option></config></editWidget></field>"
        )
    return f"<fieldConfiguration>{''.join(config)}</fieldConfiguration><aliases>{aliases}</aliases>"


_Q = {'"': "&quot;"}


def qgis_style(layer: str, lang: str = "vi", fields: Fields | None = None) -> tuple[str, str]:
    """Return the QGIS style (QML and SLD text) of a plan layer in a language.

    Parameters
    ----------
    layer
        A layer name with a template (see :func:`style_names`).
    lang
        ``"vi"`` or ``"en"`` for the legend words.
    fields
        The layer's fields and their coded values: the QML then carries each field's
        alias and a value map of its codes (``edge`` shown as "mép đường").

    Returns
    -------
    tuple of str
        ``(qml, sld)``.

    Raises
    ------
    KeyError
        When the layer has no style template.
    """
    path = resources.files("covplan.export").joinpath("styles", f"{layer}.qml")
    if not path.is_file():
        msg = f"no QGIS style for layer {layer!r}; styled layers: {', '.join(style_names())}"
        raise KeyError(msg)
    words = {k: escape(v[lang], {'"': "&quot;"}) for k, v in LABELS.items()}
    qml = string.Template(path.read_text(encoding="utf-8")).safe_substitute(words)
    if fields:
        at = qml.rindex("</qgis>")
        qml = qml[:at] + _field_config(fields, lang) + qml[at:]
    return qml, _sld(layer, qml)


_LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def _add_styles(path: Path, layers: list[str], lang: str, fields: dict[str, Fields]) -> int:
    con = sqlite3.connect(path)
    try:
        geom_cols = dict(
            con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        )
        con.execute(_LAYER_STYLES_DDL)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
        con.execute(
            "INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, "
            "description, last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
            "'', ?)",
            (now,),
        )
        available = set(style_names())
        n = 0
        for layer in layers:
            if layer not in available or layer not in geom_cols:
                continue
            qml, sld = qgis_style(layer, lang, fields.get(layer))
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                (layer, geom_cols[layer], layer, qml, sld, f"covplan {layer} ({lang})", now),
            )
            n += 1
        con.commit()
    finally:
        con.close()
    return n


_DATA_COLUMNS_DDL = (
    """CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  name TEXT,
  title TEXT,
  description TEXT,
  mime_type TEXT,
  constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name)
)""",
    """CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL,
  constraint_type TEXT NOT NULL,
  value TEXT,
  min NUMERIC,
  min_is_inclusive BOOLEAN,
  max NUMERIC,
  max_is_inclusive BOOLEAN,
  description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value)
)""",
)


def _add_data_columns(path: Path, fields: dict[str, Fields], lang: str) -> None:
    """Write the fields' aliases and coded values (GeoPackage schema extension).

    ``gpkg_data_columns`` gives every field its alias (``name``, ``title``: what GDAL
    and QGIS show instead of ``site_kind``) and, for a coded field, an enum constraint in
    ``gpkg_data_column_constraints`` whose descriptions are the words of its codes (GDAL
    reads it as a coded field domain).
    """
    con = sqlite3.connect(path)
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
            "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
            "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        for ddl in _DATA_COLUMNS_DDL:
            con.execute(ddl)
        for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
            con.execute(
                "INSERT OR REPLACE INTO gpkg_extensions (table_name, column_name, "
                "extension_name, definition, scope) VALUES (?, NULL, 'gpkg_schema', "
                "'http://www.geopackage.org/spec/#extension_schema', 'read-write')",
                (table,),
            )
        for layer, cols in fields.items():
            for col, values in cols.items():
                words = value_words(col, values, lang) if col in CODED else {}
                constraint = f"{layer}_{col}_{lang}" if words else None
                alias = field_alias(col, lang)
                con.execute(
                    "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, "
                    "title, description, mime_type, constraint_name) "
                    "VALUES (?, ?, ?, ?, ?, NULL, ?)",
                    (layer, col, alias, alias, alias, constraint),
                )
                for value, word in words.items():
                    con.execute(
                        "INSERT OR REPLACE INTO gpkg_data_column_constraints (constraint_name, "
                        "constraint_type, value, description) VALUES (?, 'enum', ?, ?)",
                        (constraint, value, word),
                    )
        con.commit()
    finally:
        con.close()


def _prepare(gdf: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    out = to_4326(gdf) if gdf.crs is not None else gdf.set_crs(4326)
    out = out.to_crs(crs)
    out = out.reset_index(drop=True)
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].dtype == object:
            out[col] = [
                None
                if v is None or (isinstance(v, float) and v != v)
                else str(v)
                if not isinstance(v, bool | int | float)
                else v
                for v in out[col]
            ]
            if all(v is None or isinstance(v, str) for v in out[col]):
                out[col] = out[col].astype(object)
    return out


def write_geopackage(
    path: str | os.PathLike[str],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    lang: str = "vi",
    crs: Any = 4326,
    styles: bool = True,
) -> Path:
    """Write the plan's layers to one GeoPackage, with QGIS default styles.

    Parameters
    ----------
    path
        The ``.gpkg`` file (replaced atomically).
    layers
        Layer name → GeoDataFrame (e.g. ``routes``, ``unseen_targets``, ``existing_cameras``,
        ``new_cameras``, ``view_cones``). Empty layers are written too (with their columns),
        so a reader always finds every layer.
    lang
        Language of the legend words in the styles.
    crs
        CRS of the written layers: EPSG:4326 by default; ``9214`` for the VN-2000 /
        TM-3 107°00' copy that official maps use.
    styles
        Write the ``layer_styles`` table.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    target_crs = CRS.from_user_input(crs)
    fields: dict[str, Fields] = {}
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            out = _prepare(gdf, target_crs)
            fields[name] = {
                str(c): sorted({str(v) for v in out[c].dropna()}) if c in CODED else []
                for c in out.columns
                if c != out.geometry.name
            }
            geom_type = LAYERS.get(name)
            types = set(out.geometry.geom_type.dropna()) if len(out) else set()
            if types and geom_type and not types <= {geom_type}:
                geom_type = None
            kwargs: dict[str, Any] = {"layer": name, "driver": "GPKG", "engine": "pyogrio"}
            if geom_type and not types:
                kwargs["geometry_type"] = geom_type
            elif not geom_type:
                kwargs["promote_to_multi"] = True
            if len(out) == 0:
                out = out.astype({c: "object" for c in out.columns if c != out.geometry.name})
                for c in out.columns:
                    if c != out.geometry.name:
                        out[c] = pd.Series(dtype="string")
            out.to_file(tmp, **kwargs)
        _add_data_columns(tmp, fields, lang)
        if styles:
            n = _add_styles(tmp, list(layers), lang, fields)
            logger.debug("added %d QGIS styles", n)
    logger.info("wrote %s (%d layers, %s)", path, len(layers), target_crs.to_string())
    return Path(path)
