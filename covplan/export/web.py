"""The phone map: one self-contained HTML file that works with no network.

Leaflet 1.9.4 (from the npm registry, shipped in ``covplan/export/static/leaflet/`` with
its licence) and covplan's own script and style are inlined in the page, its images as
``data:`` URIs, so the file opens from a phone's storage with no network. Every layer is
a vector layer embedded in the page: routes coloured by coverage, buildings, view cones,
points left unseen, and cameras (new, re-aim, keep) with their codes; tapping a camera
opens its install- or re-aim-list fields, with links that open the spot in a phone's map
app (``geo:``), OpenStreetMap or Google Maps. An OpenStreetMap background is offered as
a layer that is off by default (it needs the network); when it cannot load, the page
says so. The page is laid out for a phone (390 × 844 px): a title bar with the offline
notice, the map, and a collapsible legend and camera list below it.

Every text from data (route names, codes, addresses, notes, the title) is escaped with
:func:`covplan._text.html_text` in Python; the script puts those strings in the page as
they are. The data are written as ``geo_json_<layer>_add({...});`` lines, one a layer.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from covplan._io import atomic_write_text
from covplan._style import BUILDING, CAMERA, COVERAGE
from covplan._text import html_text as escape
from covplan.export._layers import to_4326, with_reaim_details
from covplan.vocab import compass_word, format_vnd, header, label, translate_value
from covplan.vocab.maps import map_word

logger = logging.getLogger(__name__)

__all__ = ["TILES", "html_map", "leaflet_asset", "write_html_map"]

#: Background tiles by name (a URL template is used as it is).
TILES: dict[str, str] = {"OpenStreetMap": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
#: Coordinates are written to 1e-6° (about 0.1 m).
_GRID = 1e-6
#: Camera codes show on the map from this zoom on.
_CODE_ZOOM = 17

#: Popup fields, in this order, when the layer has them; other columns with a vocabulary
#: header (e.g. the human location the lists add) follow, unless in :data:`_SKIP`.
_NEW_FIELDS = (
    "route_name",
    "location",
    "group_name",
    "site_kind",
    "mount",
    "consent",
    "heading_deg",
    "mount_height_m",
    "spec_name",
    "range_m",
    "price_vnd",
    "cost_vnd",
    "phase",
)
_EXISTING_FIELDS = (
    "address",
    "route_name",
    "group_name",
    "owner_id",
    "owner_kind",
    "heading_now_deg",
    "heading_new_deg",
    "turn_deg",
    "retention_days",
    "status",
    "phase",
)
_SKIP = frozenset(
    {
        *("geometry", "lat", "lon", "no", "code", "number", "role", "source", "site_id"),
        *("route_id", "group_id", "spec_id", "camera_id", "compass", "compass_now"),
        *("compass_new", "is_ip", "adjustable", "hfov_deg", "name", "phone", "contact_address"),
        *("arrow", "arrow_now", "arrow_new", "map_geo", "map_osm", "map_google"),
    }
)
_HEADINGS = ("heading_deg", "heading_now_deg", "heading_new_deg")
_MONEY = ("price_vnd", "cost_vnd")


# ----------------------------------------------------------------------------- assets
@cache
def leaflet_asset(name: str) -> str:
    """Return a file of the vendored Leaflet (``leaflet.js``, ``leaflet.css``) as text.

    The stylesheet's images are inlined as ``data:`` URIs, so nothing is fetched.

    Parameters
    ----------
    name
        ``"leaflet.js"`` or ``"leaflet.css"``.

    Returns
    -------
    str
        The file's text.
    """
    root = resources.files("covplan.export") / "static" / "leaflet"
    text = (root / name).read_text(encoding="utf-8")
    if name.endswith(".css"):

        def inline(m: re.Match[str]) -> str:
            data = (root / "images" / m.group(1)).read_bytes()
            return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

        text = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, text)
    else:  # "<svg" occurs only in two string literals: "\x3c" is the same "<", so the
        # page's source never holds markup a scanner would take for an element
        text = text.replace("<svg", "\\x3csvg")
    return text


@cache
def _own_asset(name: str) -> str:
    return (resources.files("covplan.export") / "static" / name).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- data
def _geojson(geom: Any) -> str:
    return str(shapely.to_geojson(geom))


def _collection(geoms: Sequence[Any], props: Iterable[Mapping[str, Any]]) -> str:
    """Return a GeoJSON FeatureCollection on one line (coordinates to 1e-6°, empty ones dropped)."""
    arr = shapely.set_precision(
        shapely.from_wkb(shapely.to_wkb(list(geoms))), _GRID, mode="pointwise"
    )
    feats = []
    empty = shapely.is_empty(arr) | shapely.is_missing(arr)
    for geom, prop, skip in zip(arr, props, empty, strict=True):
        if skip:
            continue
        feats.append(
            '{"type":"Feature","geometry":'
            + _geojson(geom)
            + ',"properties":'
            + json.dumps(prop, ensure_ascii=False, allow_nan=False)
            + "}"
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}"


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and not math.isfinite(v):
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, list | tuple) else False
    except (TypeError, ValueError):
        return False


def _deg(v: Any) -> str:
    return f"{float(v):.0f}"


def _value_text(field: str, v: Any, row: Mapping[str, Any], lang: str) -> str:
    """Return the text of one popup field, as a person reads it."""
    if field in _HEADINGS and isinstance(v, int | float):
        if field == "heading_new_deg" and not _missing(row.get("heading_now_deg")):
            now = float(row["heading_now_deg"])
            return map_word(
                "turn_text",
                lang,
                now=_deg(now),
                new=_deg(v),
                word=compass_word(float(v), lang=lang),
            )
        return map_word("heading_text", lang, deg=_deg(v), word=compass_word(float(v), lang=lang))
    if field in _MONEY and isinstance(v, int | float):
        return format_vnd(float(v), lang)
    if field == "turn_deg" and isinstance(v, int | float):
        return f"{float(v):+.0f}°"
    if isinstance(v, float):
        return f"{v:.1f}".rstrip("0").rstrip(".") if not v.is_integer() else str(int(v))
    return str(translate_value(v, lang))


def _rows(
    row: Mapping[str, Any], fields: Sequence[str], lang: str, columns: Sequence[str]
) -> list[list[str]]:
    """Popup rows ``[header, text]`` (both escaped): ``fields`` first, then other known columns."""
    order = [f for f in fields if f in columns]
    order += [c for c in columns if c not in order and c not in _SKIP and header(c, lang) != c]
    if "heading_new_deg" in order and "heading_now_deg" in order:
        order.remove("heading_now_deg")  # shown with the new heading: "120° → 200°"
    out = []
    for f in order:
        v = row.get(f)
        if _missing(v) or v == "":
            continue
        text = _value_text(f, v, row, lang)
        if text:
            out.append([escape(header(f, lang)), escape(text)])
    return out


def _records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``gdf`` without geometry, as dicts (quicker than ``iterrows``)."""
    records: list[dict[str, Any]] = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).to_dict(
        "records"
    )  # type: ignore[assignment]
    return records


def _buildings_json(buildings: gpd.GeoDataFrame) -> str:
    b = to_4326(buildings)
    geoms = shapely.simplify(b.geometry.to_numpy(), 2e-6, preserve_topology=True)
    return _collection(geoms, ({} for _ in range(len(geoms))))


def _routes_json(
    routes: gpd.GeoDataFrame, lang: str, titles: Mapping[str, str] | None = None
) -> str:
    r = to_4326(routes)
    props = []
    for row in _records(r):
        cls = str(row.get("coverage_class") or "not_planned")
        name = row.get("name")
        name = "" if _missing(name) else str(name)
        title = (titles or {}).get(str(row.get("route_id")), "") or name
        if not title:
            kind = row.get("kind")
            title = map_word(
                "unnamed_alley" if kind in ("alley", "lane") else "unnamed_route", lang
            )
        rows = [[escape(header("coverage_class", lang)), escape(translate_value(cls, lang))]]
        cov = row.get("coverage")
        if isinstance(cov, float) and math.isfinite(cov):
            rows.append([escape(header("coverage", lang)), escape(f"{cov:.0%}")])
        kind = row.get("kind")
        if isinstance(kind, str) and kind:
            rows.append([escape(header("kind", lang)), escape(translate_value(kind, lang))])
        props.append(
            {
                "name": escape(name),
                "title": escape(title),
                "colour": COVERAGE.get(cls, COVERAGE["not_planned"]),
                "rows": rows,
            }
        )
    return _collection(r.geometry.to_numpy(), props)


def _cones_json(cones: gpd.GeoDataFrame) -> str:
    c = to_4326(cones)
    src = c["source"] if "source" in c.columns else pd.Series("new", index=c.index)
    geoms = shapely.simplify(c.geometry.to_numpy(), 2e-6, preserve_topology=True)
    props = [{"colour": CAMERA.get(str(s), CAMERA["new"])} for s in src]
    return _collection(geoms, props)


def _unseen_json(unseen: gpd.GeoDataFrame, lang: str) -> str:
    u = to_4326(unseen)
    cols = [c for c in ("kind", "level", "k_required", "cover_count") if c in u.columns]
    props = [
        {"title": escape(label("unseen_target", lang)), "rows": _rows(row, cols, lang, cols)}
        for row in _records(u)
    ]
    return _collection(u.geometry.to_numpy(), props)


def camera_table(
    new: gpd.GeoDataFrame | None, existing: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Return the cameras of the phone map as one table: new ones, then re-aim, keep, unused.

    Parameters
    ----------
    new
        The install list (``code``…).
    existing
        Existing cameras with ``role`` and ``number``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, with ``code`` and ``role`` on every row.
    """
    parts = []
    if new is not None and len(new):
        parts.append(to_4326(new).assign(role="new"))
    if existing is not None and len(existing):
        e = to_4326(existing)
        role = e["role"].astype(str) if "role" in e.columns else pd.Series("unused", e.index)
        code = e["number"] if "number" in e.columns else pd.Series("", index=e.index)
        e = e.assign(role=role, code=code.fillna("").astype(str))
        order = {"reaim": 0, "keep": 1, "unused": 2}
        parts.append(e.iloc[sorted(range(len(e)), key=lambda i: order.get(role.iloc[i], 3))])
    if not parts:
        return gpd.GeoDataFrame({"code": [], "role": []}, geometry=[], crs=4326)
    both = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(both, geometry="geometry", crs=4326)


def _cameras_json(cams: gpd.GeoDataFrame, lang: str) -> str:
    columns = list(cams.columns)
    props = []
    for row in _records(cams):
        role = str(row["role"])
        fields = _NEW_FIELDS if role == "new" else _EXISTING_FIELDS
        code = "" if _missing(row.get("code")) else str(row.get("code"))
        word = translate_value(role, lang)
        props.append(
            {
                "code": escape(code),
                "role": role if role in CAMERA else "unused",
                "colour": CAMERA.get(role, CAMERA["unused"]),
                "title": escape(f"{code} · {word}" if code else str(word)),
                "rows": _rows(row, fields, lang, columns),
            }
        )
    return _collection(cams.geometry.to_numpy(), props)


# ----------------------------------------------------------------------------- markup
def _swatch(colour: str, shape: str = "") -> str:
    cls = f"covplan-swatch {shape}".strip()
    return f"<span class='{cls}' style='background:{colour};border-color:{colour}'></span>"


def _legend(present: Mapping[str, bool], n_cams: Mapping[str, int], lang: str, tiles: bool) -> str:
    """Return the legend: one checkbox a layer (the layers the page has), with its keys."""
    items = []

    def box(layer: str, text: str, on: bool, swatch: str = "", keys: str = "") -> None:
        checked = " checked" if on else ""
        items.append(
            f"<label><input type='checkbox' data-layer='{layer}'{checked}>{swatch}"
            f"<span>{escape(text)}</span></label>{keys}"
        )

    if present.get("routes"):
        keys = "".join(
            f"<div>{_swatch(COVERAGE[k])}<span>{escape(label(k, lang))}</span></div>"
            for k in ("covered", "partial", "uncovered", "not_planned")
        )
        box(
            "routes",
            label("routes_layer", lang),
            True,
            keys=f"<div class='covplan-keys'>{keys}</div>",
        )
    if n_cams.get("new"):
        text = f"{label('new_camera', lang)} ({n_cams['new']})"
        box("new", text, True, _swatch(CAMERA["new"], "covplan-tri"))
    if n_cams.get("existing"):
        keys = "".join(
            f"<div>{_swatch(CAMERA[r], 'covplan-dot')}<span>"
            f"{escape(label(k, lang))} ({n_cams.get(r, 0)})</span></div>"
            for r, k in (("reaim", "reaim_camera"), ("keep", "keep_camera"))
            if n_cams.get(r)
        )
        box(
            "existing",
            label("existing_cameras_layer", lang),
            True,
            keys=f"<div class='covplan-keys'>{keys}</div>",
        )
    if n_cams.get("unused"):
        text = f"{label('unused_camera', lang)} ({n_cams['unused']})"
        box("unused", text, False, _swatch(CAMERA["unused"], "covplan-dot"))
    if present.get("cones"):
        box("cones", label("view_cones_layer", lang), True, _swatch(CAMERA["new"]))
    if present.get("unseen"):
        text = label("unseen_layer", lang)
        box("unseen", text, True, _swatch(COVERAGE["uncovered"], "covplan-x"))
    if present.get("buildings"):
        box("buildings", map_word("buildings_layer", lang), True, _swatch(BUILDING["face"]))
    if tiles:
        box("background", map_word("background", lang), False)
    return (
        f"<details id='covplan-legend'><summary>{escape(map_word('legend', lang))}</summary>"
        f"<div class='covplan-body'>{''.join(items)}</div></details>"
    )


def _camera_list(cams: gpd.GeoDataFrame, lang: str) -> str:
    """Return the camera list below the map (new, re-aim, keep): tap one to see it."""
    shown = cams[cams["role"].isin(["new", "reaim", "keep"])] if len(cams) else cams
    items = []
    for row in _records(shown):
        code = "" if _missing(row.get("code")) else str(row["code"])
        where = [
            str(row[c])
            for c in ("route_name", "location", "address")
            if c in row and not _missing(row[c]) and str(row[c])
        ]
        role = translate_value(str(row["role"]), lang)
        text = " — ".join(where)
        items.append(
            f"<li data-code='{escape(code)}'><b>{escape(code)}</b> "
            f"{escape(role)}{': ' if text else ''}{escape(text)}</li>"
        )
    summary = map_word("camera_list", lang, n=len(shown))
    body = (
        f"<ol id='covplan-cams' title='{escape(map_word('show_on_map', lang))}'>"
        f"{''.join(items)}</ol>"
        if items
        else f"<div class='covplan-body'>{escape(map_word('no_cameras', lang))}</div>"
    )
    return f"<details id='covplan-list'><summary>{escape(summary)}</summary>{body}</details>"


def _bounds(layers: Mapping[str, gpd.GeoDataFrame | None]) -> list[float]:
    for key in ("routes", "new_cameras", "existing_cameras", "view_cones"):
        g = layers.get(key)
        if g is not None and len(g):
            b = [float(v) for v in to_4326(g).total_bounds]
            if all(map(math.isfinite, b)):
                return b
    return [107.58, 16.46, 107.6, 16.47]


def html_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    buildings: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    tiles: str | None = "OpenStreetMap",
    title: str = "",
    reaim: pd.DataFrame | None = None,
    route_titles: Mapping[str, str] | None = None,
    fallback_png: bytes | None = None,
) -> str:
    """Build the phone map of a plan: one HTML page that needs no network.

    Parameters
    ----------
    layers
        The plan's layers: ``routes`` (``coverage_class``, ``name``), ``view_cones``
        (``source``), ``unseen_targets``, ``existing_cameras`` (``role``, ``number``),
        ``new_cameras`` (the install list).
    buildings
        Building footprints, drawn when given.
    lang
        ``"vi"`` or ``"en"``.
    tiles
        A background offered as a layer, off by default (``"OpenStreetMap"`` or a URL
        template ``…/{z}/{x}/{y}.png``); None offers none.
    title
        Shown in the title bar.
    reaim
        The re-aim list: its address, group and turn are added to the popups of the
        cameras to re-aim (matched on ``code`` = ``number``).
    route_titles
        Route id → a human title (e.g. :func:`covplan.export.maps.route_titles`), shown
        in a route's popup; a route's name, else "unnamed alley", by default.
    fallback_png
        Ignored: the page needs no picture to fall back on (kept for older callers).

    Returns
    -------
    str
        The HTML page.
    """
    del fallback_png
    tile_url = TILES.get(tiles, tiles) if tiles else None
    existing = layers.get("existing_cameras")
    if existing is not None and reaim is not None and len(existing):
        existing = with_reaim_details(existing, reaim)
    cams = camera_table(layers.get("new_cameras"), existing)
    data: list[tuple[str, str]] = []
    present: dict[str, bool] = {}
    if buildings is not None and len(buildings):
        data.append(("buildings", _buildings_json(buildings)))
        present["buildings"] = True
    routes = layers.get("routes")
    if routes is not None and len(routes):
        data.append(("routes", _routes_json(routes, lang, route_titles)))
        present["routes"] = True
    cones = layers.get("view_cones")
    if cones is not None and len(cones):
        data.append(("cones", _cones_json(cones)))
        present["cones"] = True
    unseen = layers.get("unseen_targets")
    if unseen is not None and len(unseen):
        data.append(("unseen", _unseen_json(unseen, lang)))
        present["unseen"] = True
    if len(cams):
        data.append(("cameras", _cameras_json(cams, lang)))
    roles = cams["role"].value_counts().to_dict() if len(cams) else {}
    n_cams = {
        **{str(k): int(v) for k, v in roles.items()},
        "existing": int(roles.get("reaim", 0) + roles.get("keep", 0)),
    }
    words = {
        k: escape(map_word(k, lang))
        for k in ("open_map_app", "open_osm", "open_google", "offline_tiles")
    }
    words["credit"] = escape(label("osm_credit", lang))
    config = {
        "words": words,
        "colours": {
            "building_face": BUILDING["face"],
            "building_edge": BUILDING["edge"],
            "unseen": COVERAGE["uncovered"],
        },
        "tiles": tile_url,
        "bounds": _bounds(layers),
        "code_zoom": _CODE_ZOOM,
    }
    shown_title = title or label("ward_map", lang)
    calls = "\n".join(f"geo_json_{name}_add({payload});" for name, payload in data)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(shown_title)}</title>\n"
        f"<style>\n{leaflet_asset('leaflet.css')}\n</style>\n"
        f"<style>\n{_own_asset('covplan-map.css')}\n</style>\n"
        "</head>\n<body>\n"
        f"<header id='covplan-bar'><h1>{escape(shown_title)}</h1>"
        "<div id='covplan-offline' role='status'>"
        f"<span>{escape(map_word('offline_ready', lang))}</span>"
        "<button type='button' id='covplan-offline-close' aria-label='×'>×</button></div>"
        "</header>\n"
        "<div id='covplan-map'></div>\n"
        f"<div id='covplan-panel'>{_legend(present, n_cams, lang, bool(tile_url))}"
        f"{_camera_list(cams, lang)}</div>\n"
        f"<script>\n{leaflet_asset('leaflet.js')}\n</script>\n"
        f"<script>\nvar COVPLAN = {json.dumps(config, ensure_ascii=False)};\n"
        f"{_own_asset('covplan-map.js')}\n</script>\n"
        f"<script>\n{calls}\ncovplan_start();\n</script>\n"
        "</body>\n</html>\n"
    )


def write_html_map(
    path: str | os.PathLike[str],
    layers: Mapping[str, gpd.GeoDataFrame],
    **kwargs: Any,
) -> Path:
    """Write :func:`html_map` to ``path`` atomically.

    Parameters
    ----------
    path
        The ``.html`` file.
    layers
        The plan's layers.
    **kwargs
        Passed to :func:`html_map`.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    atomic_write_text(path, html_map(layers, **kwargs))
    logger.info("wrote %s", path)
    return Path(path)
