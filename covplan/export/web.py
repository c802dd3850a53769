"""An HTML map for a browser (folium / Leaflet), usable offline as far as a browser allows.

All data is embedded in the page (no data files beside it). Background tiles are
optional (``tiles=None`` draws on white, with the buildings from the plan). The
Leaflet library itself comes from a CDN; when it cannot load (no network) the page
shows the embedded static ward map (PNG) instead of an empty page.

Every text from data (route names, camera ids and numbers, notes, the title) is escaped
with :func:`covplan._text.html_text` before folium sees it: folium puts tooltips and
popups in JavaScript template strings and Leaflet sets them as ``innerHTML``.
"""

from __future__ import annotations

import base64
import logging
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from covplan._io import atomic_write_text
from covplan._style import BUILDING
from covplan._style import CAMERA as CAMERA_COLOURS
from covplan._style import COVERAGE as COVERAGE_COLOURS
from covplan._text import html_text as escape
from covplan.export._layers import to_4326
from covplan.vocab import compass_word, header, label, translate_value

logger = logging.getLogger(__name__)

__all__ = ["html_map", "write_html_map"]


def _popup(row: Mapping[str, Any], fields: tuple[str, ...], lang: str, title: str) -> str:
    rows = [f"<b>{escape(title)}</b>"]
    for f in fields:
        v = row.get(f)
        if v is None or (isinstance(v, float) and not math.isfinite(v)) or v == "":
            continue
        text = str(translate_value(v, lang))
        if f.startswith("heading") and isinstance(v, int | float):
            text = f"{v:.0f}° ({compass_word(float(v), lang=lang)})"
        if f == "price_vnd" and isinstance(v, int | float):
            text = f"{v:,.0f}".replace(",", ".")
        rows.append(f"{escape(header(f, lang))}: {escape(text)}")
    return "<br>".join(rows)


def _add_buildings(folium: Any, fmap: Any, buildings: gpd.GeoDataFrame | None, lang: str) -> None:
    """Add to the map: building footprints."""
    if buildings is not None and len(buildings):
        folium.GeoJson(
            to_4326(buildings)[["geometry"]],
            name=label("buildings", lang),
            style_function=lambda _f: {
                "fillColor": BUILDING["face"],
                "color": BUILDING["edge"],
                "weight": 0.5,
                "fillOpacity": 0.8,
            },
        ).add_to(fmap)


def _add_routes(folium: Any, fmap: Any, routes: gpd.GeoDataFrame | None, lang: str) -> None:
    """Add to the map: routes coloured by coverage, with name and share seen."""
    if routes is not None and len(routes):
        keep = [
            c for c in ("route_id", "name", "coverage", "coverage_class") if c in routes.columns
        ]
        r = to_4326(routes)[[*keep, "geometry"]].copy()
        if "coverage" in r.columns:
            r["coverage"] = [
                f"{v:.0%}" if isinstance(v, float) and math.isfinite(v) else ""
                for v in r["coverage"]
            ]
        if "coverage_class" in r.columns:
            r["coverage_class"] = [translate_value(v, lang) for v in routes["coverage_class"]]
        for col in ("name", "coverage", "coverage_class"):  # the tooltip sets innerHTML
            if col in r.columns:
                r[col] = [escape(v) if isinstance(v, str) else v for v in r[col]]
        classes = list(routes.get("coverage_class", ["not_planned"] * len(routes)))
        r["_colour"] = [
            COVERAGE_COLOURS.get(str(c), COVERAGE_COLOURS["not_planned"]) for c in classes
        ]
        folium.GeoJson(
            r,
            name=label("routes_layer", lang),
            style_function=lambda f: {"color": f["properties"]["_colour"], "weight": 4},
            tooltip=folium.GeoJsonTooltip(
                fields=[c for c in keep if c != "route_id"],
                aliases=[escape(header(c, lang)) for c in keep if c != "route_id"],
            ),
        ).add_to(fmap)


def _add_cones(folium: Any, fmap: Any, layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> None:
    """Add to the map: view cones coloured by camera role."""
    cones = layers.get("view_cones")
    if cones is not None and len(cones):
        c = to_4326(cones)[["source", "geometry"]].copy()
        c["_colour"] = [CAMERA_COLOURS.get(str(s), CAMERA_COLOURS["new"]) for s in c["source"]]
        c["source"] = [escape(translate_value(v, lang)) for v in c["source"]]
        folium.GeoJson(
            c,
            name=label("view_cones_layer", lang),
            style_function=lambda f: {
                "fillColor": f["properties"]["_colour"],
                "color": f["properties"]["_colour"],
                "weight": 0.5,
                "fillOpacity": 0.25,
            },
        ).add_to(fmap)


def _add_unseen(folium: Any, fmap: Any, layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> None:
    """Add to the map: points left unseen."""
    unseen = layers.get("unseen_targets")
    if unseen is not None and len(unseen):
        grp = folium.FeatureGroup(name=label("unseen_layer", lang))
        for geom in to_4326(unseen).geometry:
            folium.CircleMarker(
                [geom.y, geom.x], radius=3, color=COVERAGE_COLOURS["uncovered"], fill=True
            ).add_to(grp)
        grp.add_to(fmap)


def _add_existing(
    folium: Any, fmap: Any, layers: Mapping[str, gpd.GeoDataFrame], lang: str
) -> None:
    """Add to the map: existing cameras by role, with their re-aim popups."""
    existing = layers.get("existing_cameras")
    if existing is not None and len(existing):
        grp = folium.FeatureGroup(name=label("existing_cameras_layer", lang))
        e = to_4326(existing)
        for _, row in e.iterrows():
            role = str(row.get("role", "unused"))
            fields = ("owner_id", "owner_kind", "heading_now_deg", "heading_new_deg")
            folium.CircleMarker(
                [row.geometry.y, row.geometry.x],
                radius=6 if role != "unused" else 4,
                color="white",
                weight=1,
                fill=True,
                fill_color=CAMERA_COLOURS.get(role, CAMERA_COLOURS["unused"]),
                fill_opacity=1.0,
                tooltip=escape(row.get("number") or row.get("camera_id", "")),
                popup=folium.Popup(
                    _popup(
                        row, ("role", *fields, "retention_days"), lang, str(row.get("number") or "")
                    ),
                    max_width=300,
                ),
            ).add_to(grp)
        grp.add_to(fmap)


def _add_new(folium: Any, fmap: Any, layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> None:
    """Add to the map: new cameras (triangles) with their install-list popups."""
    new = layers.get("new_cameras")
    if new is not None and len(new):
        grp = folium.FeatureGroup(name=label("new_cameras_layer", lang))
        for _, row in to_4326(new).iterrows():
            new_fields = (
                "route_name",
                "location",
                "site_kind",
                "heading_deg",
                "mount_height_m",
                "spec_name",
                "price_vnd",
                "phase",
            )
            folium.RegularPolygonMarker(
                [row.geometry.y, row.geometry.x],
                number_of_sides=3,
                radius=8,
                rotation=30,
                color="white",
                weight=1,
                fill=True,
                fill_color=CAMERA_COLOURS["new"],
                fill_opacity=1.0,
                tooltip=escape(row.get("code", "")),
                popup=folium.Popup(
                    _popup(row, new_fields, lang, str(row.get("code", ""))), max_width=300
                ),
            ).add_to(grp)
        grp.add_to(fmap)


def html_map(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    buildings: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    tiles: str | None = "OpenStreetMap",
    title: str = "",
    fallback_png: bytes | None = None,
) -> str:
    """Build the HTML map of a plan.

    Parameters
    ----------
    layers
        The plan's layers: ``routes`` (``coverage_class``), ``view_cones`` (``source``),
        ``unseen_targets``, ``existing_cameras`` (``role``, ``number``), ``new_cameras``
        (install list).
    buildings
        Building footprints, drawn when given (useful without tiles).
    lang
        ``"vi"`` or ``"en"``.
    tiles
        A folium tile name, or None for no background (works offline).
    title
        Shown at the top of the map.
    fallback_png
        A static map shown when Leaflet cannot load.

    Returns
    -------
    str
        The HTML page.
    """
    import folium  # lazy: folium (with jinja2 and branca) is only needed for the HTML map

    routes = layers.get("routes")
    ref = routes if routes is not None and len(routes) else next(iter(layers.values()))
    minx, miny, maxx, maxy = to_4326(ref).total_bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        minx, miny, maxx, maxy = 107.58, 16.46, 107.6, 16.47
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=17,
        tiles=tiles,
        control_scale=True,
        max_zoom=21,
    )
    if tiles:
        fmap.options["attributionControl"] = True
    _add_buildings(folium, fmap, buildings, lang)
    _add_routes(folium, fmap, routes, lang)
    for add in (_add_cones, _add_unseen, _add_existing, _add_new):
        add(folium, fmap, layers, lang)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    if title:
        fmap.get_root().html.add_child(  # type: ignore[attr-defined]
            folium.Element(
                "<div style='position:fixed;top:8px;left:50px;z-index:9999;background:white;"
                "padding:4px 10px;font:bold 15px sans-serif;border-radius:4px;'>"
                f"{escape(title)}</div>"
            )
        )
    if fallback_png:
        data = base64.b64encode(fallback_png).decode("ascii")
        fmap.get_root().html.add_child(  # type: ignore[attr-defined]
            folium.Element(
                "<div id='covplan-offline' style='display:none;font:14px sans-serif;padding:8px'>"
                f"<p>{escape(label('tiles_offline', lang))}</p>"
                f"<img style='max-width:100%' src='data:image/png;base64,{data}'></div>"
                "<script>window.addEventListener('load', function () {"
                "if (typeof L === 'undefined') {"
                "document.getElementById('covplan-offline').style.display = 'block';}});"
                "</script>"
            )
        )
    return str(fmap.get_root().render())


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
