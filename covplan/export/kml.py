"""KML and KMZ for phones and Google Earth: cameras with descriptions, view cones, routes.

A KMZ carries its icons: small PNGs covplan draws (:func:`icon_png`: a triangle for a new
camera, a disc for a camera to re-aim, keep or leave), stored in the archive under
``files/`` and referenced relatively, so a phone shows them with no network. A plain KML
names no icon (the viewer's default pin, tinted). Besides the ward's KMZ, a plan writes
one KMZ per residential group and one per roll-out phase (:func:`write_kmz_set`).

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
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from PIL import Image, ImageDraw

from covplan._io import atomic_write_bytes, atomic_write_text
from covplan._style import CAMERA, COVERAGE, kml_colour
from covplan._text import cdata, slugify
from covplan._text import xml_text as escape
from covplan.export._layers import to_4326, with_reaim_details
from covplan.vocab import compass_word, header, label, translate_value
from covplan.vocab.maps import map_word

logger = logging.getLogger(__name__)

__all__ = [
    "ICON_ROLES",
    "icon_png",
    "kml_document",
    "layer_subsets",
    "write_kml",
    "write_kmz",
    "write_kmz_set",
]

# KML colours (aabbggrr) from the one palette: (icon/line colour, polygon fill colour)
_STYLES: dict[str, tuple[str, str]] = {
    **{role: (kml_colour(c), kml_colour(c, 0x59)) for role, c in CAMERA.items()},
    **{cls: (kml_colour(c), "00000000") for cls, c in COVERAGE.items()},
}
_STYLES["unused"] = (kml_colour(CAMERA["unused"]), kml_colour(CAMERA["unused"], 0x33))
#: Camera roles that get an icon of their own (a PNG inside the KMZ).
ICON_ROLES: tuple[str, ...] = ("new", "reaim", "keep", "unused")
#: Phase numbers of ``summary["phases"]["route_phase"]`` and the install list's values.
_PHASES: tuple[str, ...] = ("pilot", "phase_1", "phase_2")


@cache
def icon_png(role: str, size: int = 32) -> bytes:
    """Draw the icon of a camera role as a small PNG (transparent, white outline).

    Parameters
    ----------
    role
        ``"new"`` (a triangle, pointing up), ``"reaim"``, ``"keep"`` or ``"unused"``
        (discs), in the palette's colour (:data:`covplan._style.CAMERA`).
    size
        Width and height in pixels.

    Returns
    -------
    bytes
        The PNG file.
    """
    scale = 4  # drawn large, then reduced: smooth edges
    big = size * scale
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    colour = CAMERA.get(role, CAMERA["unused"])
    pad = 3 * scale
    if role == "new":
        pts = [(big / 2, pad), (big - pad, big - pad), (pad, big - pad)]
        draw.polygon(pts, fill=colour, outline="white", width=2 * scale)
    else:
        r = (big / 2 - pad) * (0.6 if role == "unused" else 1.0)
        c = big / 2
        draw.ellipse((c - r, c - r, c + r, c + r), fill=colour, outline="white", width=2 * scale)
    im = im.resize((size, size), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _icon_path(role: str) -> str:
    return f"files/camera-{role}.png"


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
    "address",
    "group_name",
    "owner_id",
    "owner_kind",
    "route_name",
    "heading_now_deg",
    "heading_new_deg",
    "turn_deg",
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
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    lang: str = "vi",
    title: str = "",
    icons: bool = False,
    reaim: pd.DataFrame | None = None,
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
    icons
        Name the icons of a KMZ (``files/camera-<role>.png``, relative to the archive);
        False names none (a plain KML: the viewer's own pin, tinted).
    reaim
        The re-aim list: its address and turn join the re-aim cameras' descriptions.

    Returns
    -------
    str
        The KML text.
    """
    styles = []
    for sid, (colour, fill) in _STYLES.items():
        if icons and sid in ICON_ROLES:
            icon = (
                f"<IconStyle><color>ffffffff</color><scale>1.0</scale>"
                f"<Icon><href>{_icon_path(sid)}</href></Icon></IconStyle>"
            )
        else:
            icon = f"<IconStyle><color>{colour}</color><scale>1.0</scale></IconStyle>"
        styles.append(
            f'<Style id="{sid}">{icon}'
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
        if reaim is not None:
            existing = with_reaim_details(existing, reaim)
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
    reaim: pd.DataFrame | None = None,
) -> Path:
    """Write the plan's layers as KMZ: ``doc.kml`` and its icons under ``files/``.

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
    reaim
        The re-aim list (addresses in the re-aim cameras' descriptions).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    doc = kml_document(layers, lang=lang, title=title, icons=True, reaim=reaim)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", doc)  # first: the document a viewer opens
        for role in ICON_ROLES:  # every icon its styles name (a few hundred bytes each)
            zf.writestr(_icon_path(role), icon_png(role))
    atomic_write_bytes(path, buf.getvalue())
    logger.info("wrote %s", path)
    return Path(path)


def _codes(gdf: gpd.GeoDataFrame | None, col: str) -> set[str]:
    if gdf is None or not len(gdf) or col not in gdf.columns:
        return set()
    return {str(v) for v in gdf[col] if isinstance(v, str) and v}


def _subset(
    layers: Mapping[str, gpd.GeoDataFrame],
    route_ids: set[str],
    new_mask: pd.Series | None,
) -> dict[str, gpd.GeoDataFrame]:
    """Return the layers of some routes: their segments, unseen points, cameras and cones.

    New cameras are those of ``new_mask`` (their route's otherwise); existing cameras
    those watching or standing on the routes; cones those of the cameras kept.
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for key in ("routes", "unseen_targets"):
        g = layers.get(key)
        if g is not None:
            out[key] = g[g["route_id"].astype(str).isin(route_ids)] if "route_id" in g else g
    new = layers.get("new_cameras")
    if new is not None:
        if new_mask is not None:
            out["new_cameras"] = new[new_mask.reindex(new.index, fill_value=False).astype(bool)]
        elif "route_id" in new.columns:
            out["new_cameras"] = new[new["route_id"].astype(str).isin(route_ids)]
        else:
            out["new_cameras"] = new.iloc[0:0]
    ex = layers.get("existing_cameras")
    if ex is not None:
        on = ex["route_id"].astype(str).isin(route_ids) if "route_id" in ex else None
        if on is not None and "role" in ex.columns:
            on &= ex["role"].isin(["reaim", "keep"])
        out["existing_cameras"] = ex[on] if on is not None else ex.iloc[0:0]
    cones = layers.get("view_cones")
    if cones is not None:
        codes = _codes(out.get("new_cameras"), "code") | _codes(
            out.get("existing_cameras"), "number"
        )
        out["view_cones"] = (
            cones[cones["number"].astype(str).isin(codes)] if "number" in cones else cones
        )
    return out


def layer_subsets(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    groups: gpd.GeoDataFrame | None = None,
    route_phase: Mapping[str, int] | None = None,
    lang: str = "vi",
) -> list[tuple[str, str, str, dict[str, gpd.GeoDataFrame]]]:
    """Cut the plan's layers per residential group and per roll-out phase.

    A group's file holds its routes (``group_id`` of the route segments), the new
    cameras of the group (the install list's ``group_id``), the existing cameras to
    re-aim or keep on its routes, their cones and its unseen points. A phase's file holds
    the routes finished in that phase (``route_phase``: 0 pilot, 1 phase 1, 2 phase 2),
    the new cameras installed in it (the install list's ``phase``) and the cameras
    already on those routes.

    Parameters
    ----------
    layers
        The plan's layers (:meth:`covplan.Plan.layers`).
    groups
        The residential groups (``group_id``, ``name``); None or empty: no group files.
    route_phase
        Route id → phase number, from ``plan.summary["phases"]["route_phase"]``; None:
        no phase files.
    lang
        ``"vi"`` or ``"en"`` (the file names and the words in them).

    Returns
    -------
    list of (str, str, str, dict)
        ``(file stem, "group" or "phase", its name, layers)``, groups first, then
        phases; empty ones left out.
    """
    out: list[tuple[str, str, str, dict[str, gpd.GeoDataFrame]]] = []
    routes = layers.get("routes")
    if routes is None or not len(routes) or "route_id" not in routes.columns:
        return out
    rid = routes["route_id"].astype(str)
    seen_stems: set[str] = set()

    def stem_of(text: str) -> str:
        base = slugify(text) or "x"
        stem, n = base, 2
        while stem in seen_stems:
            stem, n = f"{base}-{n}", n + 1
        seen_stems.add(stem)
        return stem

    new = layers.get("new_cameras")
    if groups is not None and len(groups) and "group_id" in routes.columns:
        gids = groups["group_id"] if "group_id" in groups.columns else pd.Series(groups.index)
        names = groups["name"] if "name" in groups.columns else gids
        for gid, name in zip(gids.astype(str), names, strict=True):
            on = set(rid[routes["group_id"].astype(str) == gid])
            mask = (
                new["group_id"].astype(str) == gid
                if new is not None and "group_id" in new.columns
                else None
            )
            sub = _subset(layers, on, mask)
            if not on and not len(sub.get("new_cameras", ())):
                continue
            text = str(name) if isinstance(name, str) and name else gid
            out.append((stem_of(text), "group", text, sub))
    if route_phase:
        for number, key in enumerate(_PHASES):
            on = {str(r) for r, p in route_phase.items() if int(p) == number}
            mask = new["phase"] == key if new is not None and "phase" in new.columns else None
            sub = _subset(layers, on, mask)
            if not on and not len(sub.get("new_cameras", ())):
                continue
            text = str(translate_value(key, lang))
            out.append((stem_of(text), "phase", text, sub))
    return out


def write_kmz_set(
    folder: str | os.PathLike[str],
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    groups: gpd.GeoDataFrame | None = None,
    route_phase: Mapping[str, int] | None = None,
    lang: str = "vi",
    ward: str = "",
    reaim: pd.DataFrame | None = None,
) -> list[Path]:
    """Write one KMZ per residential group and one per roll-out phase into ``folder``.

    See :func:`layer_subsets` for what each holds; each carries its icons.

    Parameters
    ----------
    folder
        The folder (created when there is a file to write).
    layers
        The plan's layers.
    groups
        The residential groups.
    route_phase
        Route id → phase number (``plan.summary["phases"]["route_phase"]``).
    lang
        ``"vi"`` or ``"en"``.
    ward
        The ward's name, in each document's name.
    reaim
        The re-aim list (addresses in descriptions).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    written = []
    ward = ward or label("ward_map", lang)
    for stem, kind, what, sub in layer_subsets(
        layers, groups=groups, route_phase=route_phase, lang=lang
    ):
        title = map_word(f"kmz_{kind}", lang, ward=ward, group=what, phase=what)
        Path(folder).mkdir(parents=True, exist_ok=True)
        written.append(
            write_kmz(Path(folder) / f"{stem}.kmz", sub, lang=lang, title=title, reaim=reaim)
        )
    return written
