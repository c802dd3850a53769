"""KML and KMZ for phones and Google Earth: cameras with descriptions, view cones, routes.

Colours are the one palette (:mod:`covplan._style`): new cameras blue, cameras to re-aim
orange, kept cameras green, unused ones grey (hidden by default), routes dark teal / amber /
red by coverage.

Names and descriptions from data are XML-escaped (:func:`covplan._text.xml_text`, which
also drops what XML cannot carry); descriptions are HTML in a CDATA section that no text
can close (:func:`covplan._text.cdata`).
"""

from __future__ import annotations

import io
import logging
import math
import os
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from covplan._io import atomic_write_bytes, atomic_write_text
from covplan._style import CAMERA, COVERAGE, kml_colour
from covplan._text import cdata
from covplan._text import xml_text as escape
from covplan.export._layers import to_4326
from covplan.vocab import compass_word, header, label, translate_value

logger = logging.getLogger(__name__)

__all__ = ["kml_document", "write_kml", "write_kmz"]

# KML colours (aabbggrr) from the one palette: (icon/line colour, polygon fill colour)
_STYLES: dict[str, tuple[str, str]] = {
    **{role: (kml_colour(c), kml_colour(c, 0x59)) for role, c in CAMERA.items()},
    **{cls: (kml_colour(c), "00000000") for cls, c in COVERAGE.items()},
}
_STYLES["unused"] = (kml_colour(CAMERA["unused"]), kml_colour(CAMERA["unused"], 0x33))
_ICON = "http://maps.google.com/mapfiles/kml/shapes/camera.png"

_NEW_FIELDS = (
    "route_name",
    "location",
    "group_name",
    "site_kind",
    "heading_deg",
    "mount_height_m",
    "spec_name",
    "price_vnd",
    "phase",
)
_EXISTING_FIELDS = (
    "role",
    "owner_id",
    "owner_kind",
    "route_name",
    "heading_now_deg",
    "heading_new_deg",
    "retention_days",
    "status",
)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}".replace(",", " ") if abs(value) >= 10_000 else str(int(value))
    return str(value)


def _description(row: Mapping[str, Any], fields: Iterable[str], lang: str) -> str:
    rows = []
    for f in fields:
        if f not in row:
            continue
        v = row[f]
        text = _fmt(translate_value(v, lang))
        if f in ("heading_deg", "heading_now_deg", "heading_new_deg") and text:
            text = f"{text}° ({compass_word(float(v), lang=lang)})"
        if not text:
            continue
        rows.append(
            f"<tr><th align='left'>{escape(header(f, lang))}</th><td>{escape(text)}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _coords(geom: Any) -> str:
    return " ".join(f"{x:.7f},{y:.7f},0" for x, y in shapely.get_coordinates(geom))


def _geometry_kml(geom: Any) -> str:
    if geom is None or geom.is_empty:
        return ""
    kind = geom.geom_type
    if kind == "Point":
        return f"<Point><coordinates>{geom.x:.7f},{geom.y:.7f},0</coordinates></Point>"
    if kind == "LineString":
        return (
            "<LineString><tessellate>1</tessellate>"
            f"<coordinates>{_coords(geom)}</coordinates></LineString>"
        )
    if kind == "Polygon":
        return (
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{_coords(geom.exterior)}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
        )
    parts = "".join(_geometry_kml(g) for g in getattr(geom, "geoms", []))
    return f"<MultiGeometry>{parts}</MultiGeometry>"


def _placemark(name: str, style: str, geom: Any, description: str = "") -> str:
    desc = f"<description>{cdata(description)}</description>" if description else ""
    return (
        f"<Placemark><name>{escape(name)}</name>{desc}<styleUrl>#{escape(style)}</styleUrl>"
        f"{_geometry_kml(geom)}</Placemark>"
    )


def _folder(name: str, placemarks: list[str], visible: bool = True) -> str:
    vis = "" if visible else "<visibility>0</visibility>"
    return f"<Folder><name>{escape(name)}</name>{vis}{''.join(placemarks)}</Folder>"


def kml_document(
    layers: Mapping[str, gpd.GeoDataFrame], *, lang: str = "vi", title: str = ""
) -> str:
    """Build a KML document from the plan's layers.

    Parameters
    ----------
    layers
        Any of ``routes`` (with ``coverage_class``), ``view_cones`` (with ``source``),
        ``existing_cameras`` (with ``role``, ``number``) and ``new_cameras`` (the install
        list: ``code``…).
    lang
        ``"vi"`` or ``"en"``.
    title
        Document name.

    Returns
    -------
    str
        The KML text.
    """
    styles = []
    for sid, (colour, fill) in _STYLES.items():
        styles.append(
            f'<Style id="{sid}"><IconStyle><color>{colour}</color><scale>1.1</scale>'
            f"<Icon><href>{_ICON}</href></Icon></IconStyle>"
            f"<LabelStyle><scale>0.8</scale></LabelStyle>"
            f"<LineStyle><color>{colour}</color><width>{3 if fill == '00000000' else 1}</width>"
            f"</LineStyle><PolyStyle><color>{fill}</color></PolyStyle></Style>"
        )
    folders = []
    routes = layers.get("routes")
    if routes is not None and len(routes):
        r = to_4326(routes)
        marks = []
        for _, row in r.iterrows():
            cls = str(row.get("coverage_class", "not_planned"))
            cov = row.get("coverage")
            desc = ""
            if isinstance(cov, float) and math.isfinite(cov):
                desc = f"{escape(label('coverage', lang))}: {cov:.0%}"
            marks.append(
                _placemark(str(row.get("name") or row.get("route_id", "")), cls, row.geometry, desc)
            )
        folders.append(_folder(label("routes_layer", lang), marks))
    cones = layers.get("view_cones")
    if cones is not None and len(cones):
        c = to_4326(cones)
        marks = [
            _placemark(str(row.get("number", "")), str(row.get("source", "new")), row.geometry)
            for _, row in c.iterrows()
        ]
        folders.append(_folder(label("view_cones_layer", lang), marks))
    new = layers.get("new_cameras")
    if new is not None and len(new):
        n = to_4326(new)
        marks = [
            _placemark(
                str(row.get("code", "")), "new", row.geometry, _description(row, _NEW_FIELDS, lang)
            )
            for _, row in n.iterrows()
        ]
        folders.append(_folder(label("new_cameras_layer", lang), marks))
    existing = layers.get("existing_cameras")
    if existing is not None and len(existing):
        e = to_4326(existing)
        for role, key in (
            ("reaim", "reaim_camera"),
            ("keep", "keep_camera"),
            ("unused", "unused_camera"),
        ):
            sub = e[e["role"] == role] if "role" in e.columns else e.iloc[0:0]
            if not len(sub):
                continue
            marks = [
                _placemark(
                    str(row.get("number") or row.get("camera_id", "")),
                    role,
                    row.geometry,
                    _description(row, _EXISTING_FIELDS, lang),
                )
                for _, row in sub.iterrows()
            ]
            folders.append(_folder(label(key, lang), marks, visible=role != "unused"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>{escape(title or label('ward_map', lang))}</name>"
        f"{''.join(styles)}{''.join(folders)}</Document></kml>\n"
    )


def write_kml(
    path: str | os.PathLike[str],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    lang: str = "vi",
    title: str = "",
) -> Path:
    """Write the plan's layers as KML (atomically); see :func:`kml_document`.

    Parameters
    ----------
    path
        The ``.kml`` file.
    layers
        The plan's layers.
    lang
        ``"vi"`` or ``"en"``.
    title
        Document name.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    atomic_write_text(path, kml_document(layers, lang=lang, title=title))
    logger.info("wrote %s", path)
    return Path(path)


def write_kmz(
    path: str | os.PathLike[str],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    lang: str = "vi",
    title: str = "",
) -> Path:
    """Write the plan's layers as KMZ (zipped ``doc.kml``), for phones.

    Parameters
    ----------
    path
        The ``.kmz`` file.
    layers
        The plan's layers.
    lang
        ``"vi"`` or ``"en"``.
    title
        Document name.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", kml_document(layers, lang=lang, title=title))
    atomic_write_bytes(path, buf.getvalue())
    logger.info("wrote %s", path)
    return Path(path)
