"""The explorer's live map: an ipyleaflet map of a :class:`covplan.plan.Plan`, vector layers only.

Nothing here fetches a tile or an icon: routes, buildings, cones and mounts are GeoJSON
vector layers, cameras are ``DivIcon`` markers (a glyph and the camera's code), and the
OpenStreetMap basemap is added only when the planner turns it on. The map calls back the
explorer with what was clicked (a mount, a camera, a route); it never solves anything.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import geopandas as gpd
import ipywidgets as w
import pandas as pd
from ipyleaflet import DivIcon, GeoJSON, LayerGroup, Map, Marker, TileLayer
from shapely.geometry import MultiLineString

from covplan._style import BUILDING, CAMERA, COVERAGE, SITE, SYMBOL
from covplan.area import Area
from covplan.plan import Plan
from covplan.vocab import header, translate_value
from covplan.vocab.explorer import explorer_word

__all__ = ["OSM_URL", "PlanMap", "feature_collection", "row_html"]

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = "© OpenStreetMap contributors"

#: Pane of the candidate mounts: above the camera markers (z 600), so a mount under a
#: camera is still the thing a click on it reaches.
SITE_PANE = "covplan-sites"

#: Install-list columns shown for a new camera, re-aim columns for a re-aimed one.
_NEW_ROW = (
    "code",
    "site_id",
    "site_kind",
    "route_name",
    "location",
    "group_name",
    "mount",
    "consent",
    "mount_height_m",
    "heading_deg",
    "compass",
    "spec_name",
    "price_vnd",
    "cost_vnd",
    "range_m",
    "phase",
)
_ROUTE_ROW = ("name", "route_id", "kind", "length_m", "n_targets", "n_seen", "coverage")
_SITE_ROW = ("site_id", "kind", "mount", "mount_height_m", "route_name")

_CSS = """<style>
.covplan-map .leaflet-div-icon { background: transparent; border: none; }
.covplan-map .covplan-cam { font: bold 15px/14px sans-serif; text-shadow: 0 0 2px #fff; }
.covplan-map .covplan-cam span { position: absolute; left: 15px; top: -3px; font-size: 11px;
  color: #000; background: rgba(255,255,255,.85); padding: 0 2px; white-space: nowrap; }
.covplan-map .covplan-mark { font: bold 20px/20px sans-serif; text-shadow: 0 0 2px #fff; }
.covplan-map { background: #f7f7f5; }
.covplan-legend { font: 12px/1.35 sans-serif; }
.covplan-legend .widget-html-content { white-space: normal; line-height: 1.5; }
.covplan-legend .widget-html-content div { display: inline-block; margin-right: 14px;
  white-space: nowrap; }
</style>"""


def _clean(value: Any) -> Any:
    """A JSON-ready scalar: NaN and NA become None, numpy numbers plain."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value


def feature_collection(
    frame: Any, columns: Iterable[str] = (), style: Callable[[Any], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Return a GeoDataFrame as a GeoJSON FeatureCollection in EPSG:4326.

    Parameters
    ----------
    frame
        A GeoDataFrame (any CRS).
    columns
        Columns to keep as properties (those present).
    style
        Per row, a Leaflet path style put in ``properties.style``.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``; NaN properties are null.
    """
    if frame is None or not len(frame):
        return {"type": "FeatureCollection", "features": []}
    gdf = frame.to_crs(4326) if frame.crs is not None else frame
    cols = [c for c in columns if c in gdf.columns]
    features = []
    for (_, row), geom in zip(gdf.iterrows(), gdf.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        props = {c: _clean(row[c]) for c in cols}
        if style is not None:
            props["style"] = style(row)
        features.append(
            {"type": "Feature", "geometry": geom.__geo_interface__, "properties": props}
        )
    return {"type": "FeatureCollection", "features": json.loads(json.dumps(features, default=str))}


def row_html(title: str, row: Mapping[str, Any], lang: str) -> str:
    """Return one row (a camera of the install list, a route, a mount) as an HTML table.

    Parameters
    ----------
    title
        The heading (escaped here).
    row
        Column → value; empty values are left out.
    lang
        ``"vi"`` or ``"en"`` for the column headers and values.

    Returns
    -------
    str
        ``<b>title</b><table>…</table>``, every value escaped.
    """
    cells = []
    for col, value in row.items():
        value = _clean(value)
        if value is None or value == "":
            continue
        if col == "coverage" and isinstance(value, float):
            text = f"{value:.0%}"
        elif isinstance(value, float):
            text = f"{value:,.1f}".rstrip("0").rstrip(".")
        else:
            text = str(translate_value(value, lang))
        cells.append(
            f"<tr><td>{html.escape(header(col, lang))}</td><td><b>{html.escape(text)}</b></td></tr>"
        )
    return f"<b>{html.escape(title)}</b><table>{''.join(cells)}</table>"


def _route_style(row: Any) -> dict[str, Any]:
    cls = str(row.get("coverage_class") or "not_planned")
    dashed = cls == "uncovered"
    return {
        "color": COVERAGE.get(cls, COVERAGE["not_planned"]),
        "weight": 5 if cls != "not_planned" else 3,
        "opacity": 0.9,
        "dashArray": "6 5" if dashed else None,
    }


def _view(area: Area) -> tuple[tuple[float, float], int]:
    """Centre and zoom that show the whole ward in about 700 × 560 px."""
    west, south, east, north = area.routes.to_crs(4326).total_bounds
    lat = (south + north) / 2
    span_x = max(east - west, 1e-5)
    span_y = max((north - south) / max(math.cos(math.radians(lat)), 0.1), 1e-5)
    zoom = math.floor(
        min(math.log2(700 * 360 / (256 * span_x)), math.log2(560 * 360 / (256 * span_y)))
    )
    return (float(lat), float((west + east) / 2)), int(max(3, min(zoom, 20)))


class PlanMap:
    """The live map of a plan: pan, zoom, click a mount, a camera or a route.

    Parameters
    ----------
    area
        The ward (its bounds set the first view; its buildings are drawn once).
    lang
        ``"vi"`` or ``"en"``.
    on_site
        Called with the site id of a clicked mount (or of the mount under a clicked new
        camera, when the explorer is in a pin / forbid / release mode).
    on_row
        Called with ``(kind, key)`` for a clicked camera (``"camera"``, its code) or
        route (``"route"``, its segment's properties as a dict).

    Attributes
    ----------
    map : ipyleaflet.Map
        The widget.
    layers : dict
        The map's layers by name (``routes``, ``buildings``, ``cones``, ``unseen``,
        ``sites``, ``sites_used``, ``sites_pinned``, ``sites_forbidden``, ``cameras``,
        ``marks``, ``osm``).
    """

    def __init__(
        self,
        area: Area,
        *,
        lang: str = "vi",
        on_site: Callable[[str], None],
        on_row: Callable[[str, Any], None],
    ) -> None:
        self.lang = lang
        self._on_site = on_site
        self._on_row = on_row
        center, zoom = _view(area)
        self.map = Map(
            layers=(),
            center=center,
            zoom=zoom,
            max_zoom=21,
            scroll_wheel_zoom=True,
            # Leaflet's keyboard handler focuses the map on mousedown, and JupyterLab then
            # scrolls the notebook under the pointer: the click would land elsewhere
            keyboard=False,
            panes={SITE_PANE: {"zIndex": 650}},
            layout=w.Layout(height="560px", width="100%", flex="none"),  # never stretched
        )
        self.map.add_class("covplan-map")
        self.layers: dict[str, Any] = {}
        self.layers["buildings"] = GeoJSON(
            data=feature_collection(area.buildings),
            style={
                "color": BUILDING["edge"],
                "weight": 1,
                "fillColor": BUILDING["face"],
                "fillOpacity": 0.9,
                "interactive": False,
            },
            name="buildings",
        )
        self.layers["routes"] = GeoJSON(data=feature_collection(None), name="routes")
        self.layers["routes"].on_click(self._route_clicked)
        self.layers["cones"] = GeoJSON(data=feature_collection(None), name="cones")
        self.layers["cones"].on_click(self._cone_clicked)
        # unseen points as small vector crosses ✖ (one layer, however many points)
        self.layers["unseen"] = GeoJSON(
            data=feature_collection(None),
            style={"color": COVERAGE["uncovered"], "weight": 3, "opacity": 1.0},
            name="unseen",
        )
        for key, style in {
            "sites": {"radius": 4, "color": SITE["free"], "weight": 1, "fillOpacity": 0.5},
            "sites_used": {"radius": 7, "color": CAMERA["new"], "weight": 1, "fillOpacity": 0.05},
            "sites_pinned": {
                "radius": 10,
                "color": SITE["pinned"],
                "weight": 3,
                "fillOpacity": 0.05,
            },
            "sites_forbidden": {
                "radius": 10,
                "color": SITE["forbidden"],
                "weight": 3,
                "dashArray": "3 3",
                "fillOpacity": 0.05,
            },
        }.items():
            name = key.replace("_", "-")
            self.layers[key] = GeoJSON(
                data=feature_collection(None),
                point_style={
                    **style,
                    "fillColor": style["color"],
                    "pane": SITE_PANE,
                    "className": f"covplan-site covplan-{name}",
                },
                name=key,
            )
            self.layers[key].on_click(self._site_clicked)
        self.layers["cameras"] = LayerGroup(name="cameras")
        self.layers["marks"] = LayerGroup(name="marks")
        self.layers["osm"] = TileLayer(
            url=OSM_URL, attribution=_OSM_ATTRIBUTION, max_native_zoom=19, max_zoom=21, name="osm"
        )
        self.visible: dict[str, bool] = {}
        self.legend = w.HTML(self.legend_html())
        self.legend.add_class("covplan-legend")
        self.css = w.HTML(_CSS)
        self._plan: Plan | None = None
        self._camera_sites: dict[str, str] = {}
        self.site_mode = "show"
        self.show(
            {
                "buildings": True,
                "routes": True,
                "cones": True,
                "unseen": True,
                "sites": True,
                "existing": True,
                "new": True,
                "osm": False,
            }
        )

    # -------------------------------------------------------------- visibility
    def show(self, visible: Mapping[str, bool]) -> None:
        """Show or hide the layers ``buildings``, ``routes``, ``cones``, ``unseen``, ``sites``…

        Parameters
        ----------
        visible
            Layer name → shown. ``existing`` and ``new`` choose the cameras drawn (they
            take effect at the next :meth:`draw`).
        """
        self.visible.update(visible)
        order = [
            ("osm", ["osm"]),
            ("buildings", ["buildings"]),
            ("cones", ["cones"]),
            ("routes", ["routes"]),
            ("unseen", ["unseen"]),
            ("sites", ["sites", "sites_used", "sites_pinned", "sites_forbidden"]),
            (None, ["cameras", "marks"]),
        ]
        wanted = [
            self.layers[n]
            for key, names in order
            for n in names
            if key is None or self.visible[key]
        ]
        current = list(self.map.layers)
        if [id(x) for x in current] != [id(x) for x in wanted]:
            self.map.layers = tuple(wanted)
        if self._plan is not None and ("existing" in visible or "new" in visible):
            self._draw_cameras(self._plan)

    # -------------------------------------------------------------- drawing
    def draw(
        self, plan: Plan, *, pinned: Iterable[str] = (), forbidden: Iterable[str] = ()
    ) -> None:
        """Draw ``plan``: routes by how well they are seen, cones, unseen points, mounts, cameras.

        Parameters
        ----------
        plan
            The plan on show.
        pinned, forbidden
            Site ids marked as pinned (◎, solid black ring) and forbidden (⊘, dashed red).
        """
        self._plan = plan
        layers = plan.layers()
        self.layers["routes"].data = feature_collection(
            layers["routes"], (*_ROUTE_ROW, "segment_id", "coverage_class"), _route_style
        )
        cones = layers["view_cones"]
        self.layers["cones"].data = feature_collection(
            cones,
            ("number", "source", "level", "range_m"),
            lambda r: {
                "color": CAMERA.get(str(r["source"]), CAMERA["new"]),
                "weight": 0,
                "fillOpacity": 0.16,
            },
        )
        self.layers["unseen"].data = feature_collection(
            _crosses(plan.targets[~plan.targets["seen"].astype(bool)], plan.area.crs),
            ("target_id", "route_id", "level"),
        )
        pinned, forbidden = {str(s) for s in pinned}, {str(s) for s in forbidden}
        used = set(plan.new_sites)
        sites = plan.sites.copy()
        sites["route_name"] = sites["route_id"].map(_route_names(plan)).astype(object)
        sid = sites["site_id"].astype(str)
        cols = _SITE_ROW
        free = ~sid.isin(used | pinned | forbidden)
        self.layers["sites"].data = feature_collection(sites[free], cols)
        self.layers["sites_used"].data = feature_collection(
            sites[sid.isin(used) & ~sid.isin(pinned | forbidden)], cols
        )
        self.layers["sites_pinned"].data = feature_collection(sites[sid.isin(pinned)], cols)
        self.layers["sites_forbidden"].data = feature_collection(sites[sid.isin(forbidden)], cols)
        marks = []
        for kind, which in (("pinned", pinned), ("forbidden", forbidden)):
            for _, s in sites[sid.isin(which)].to_crs(4326).iterrows():
                marks.append(self._mark(kind, s.geometry.y, s.geometry.x, str(s["site_id"])))
        _replace(self.layers["marks"], marks)
        self._draw_cameras(plan)

    def _draw_cameras(self, plan: Plan) -> None:
        chosen = plan.chosen.to_crs(4326)
        markers = []
        self._camera_sites = {}
        roles = (["new"] if self.visible.get("new", True) else []) + (
            ["reaim", "keep"] if self.visible.get("existing", True) else []
        )
        for _, row in chosen[chosen["source"].isin(roles)].iterrows():
            code = str(row.get("number") or "")
            site = row.get("site_id")
            if isinstance(site, str) and row["source"] == "new":
                self._camera_sites[code] = site
            markers.append(
                self._camera(str(row["source"]), row.geometry.y, row.geometry.x, code, site)
            )
        if self.visible.get("existing", True) and plan.cameras is not None and len(plan.cameras):
            cams = plan.cameras.to_crs(4326)
            if "role" in cams.columns:
                for cid, row in cams[cams["role"] == "unused"].iterrows():
                    markers.append(
                        self._camera("unused", row.geometry.y, row.geometry.x, str(cid), None)
                    )
        _replace(self.layers["cameras"], markers)

    def _camera(self, role: str, lat: float, lon: float, code: str, site: Any) -> Marker:
        colour = CAMERA.get(role, CAMERA["unused"])
        site_attr = f' data-site="{html.escape(str(site))}"' if isinstance(site, str) else ""
        label = f"<span>{html.escape(code)}</span>" if role != "unused" else ""
        icon = DivIcon(
            html=(
                f'<div class="covplan-cam covplan-cam-{role}" data-code="{html.escape(code)}"'
                f'{site_attr} style="color:{colour}">{SYMBOL[role]}{label}</div>'
            ),
            icon_size=[14, 14],
            icon_anchor=[7, 7],
        )
        m = Marker(
            location=(lat, lon),
            icon=icon,
            draggable=False,
            keyboard=False,
            title=code or explorer_word(f"legend_{role}", self.lang),
            name=code,
        )
        m.on_click(lambda **kw: self._camera_clicked(role, code))
        return m

    def _mark(self, kind: str, lat: float, lon: float, site: str) -> Marker:
        colour = SITE[kind]
        icon = DivIcon(
            html=(
                f'<div class="covplan-mark covplan-mark-{kind}" data-site="{html.escape(site)}" '
                f'style="color:{colour}">{SYMBOL[kind]}</div>'
            ),
            icon_size=[20, 20],
            icon_anchor=[10, 24],
        )
        return Marker(
            location=(lat, lon),
            icon=icon,
            draggable=False,
            keyboard=False,
            title=f"{explorer_word(kind, self.lang)}: {site}",
            name=site,
        )

    # -------------------------------------------------------------- clicks
    def _site_clicked(self, **event: Any) -> None:
        props = event.get("properties") or {}
        if props.get("site_id"):
            self._on_site(str(props["site_id"]))

    def _camera_clicked(self, role: str, code: str) -> None:
        site = self._camera_sites.get(code)
        if site is not None and self.site_mode != "show":
            self._on_site(site)
        else:
            self._on_row("camera", code)

    def _cone_clicked(self, **event: Any) -> None:
        props = event.get("properties") or {}
        if props.get("number"):
            self._on_row("camera", str(props["number"]))

    def _route_clicked(self, **event: Any) -> None:
        props = dict(event.get("properties") or {})
        props.pop("style", None)
        self._on_row("route", props)

    # -------------------------------------------------------------- legend
    def legend_html(self) -> str:
        """Return the legend: each symbol with its colour and words (escaped)."""
        lang = self.lang

        def item(glyph: str, colour: str, key: str, line: bool = False) -> str:
            mark = (
                f'<span style="display:inline-block;width:18px;border-top:4px '
                f"{'dashed' if key == 'legend_uncovered' else 'solid'} {colour};"
                f'vertical-align:middle"></span>'
                if line
                else f'<b style="color:{colour};font-size:14px">{glyph}</b>'
            )
            return f"<div>{mark} {html.escape(explorer_word(key, lang))}</div>"

        rows = [
            item(SYMBOL["new"], CAMERA["new"], "legend_new"),
            item(SYMBOL["reaim"], CAMERA["reaim"], "legend_reaim"),
            item(SYMBOL["keep"], CAMERA["keep"], "legend_keep"),
            item(SYMBOL["unused"], CAMERA["unused"], "legend_unused"),
            item(SYMBOL["pinned"], SITE["pinned"], "legend_pinned"),
            item(SYMBOL["forbidden"], SITE["forbidden"], "legend_forbidden"),
            item("●", SITE["free"], "legend_site"),
            item(SYMBOL["unseen"], COVERAGE["uncovered"], "legend_unseen"),
            *(item("", COVERAGE[k], f"legend_{k}", line=True) for k in COVERAGE),
        ]
        return "".join(rows)


def _crosses(points: Any, crs: Any, arm_m: float = 2.5) -> Any:
    """Return each point as an ✖ of two diagonals ``arm_m`` metres long each way."""
    if not len(points):
        return points
    pts = points.to_crs(crs)
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    crosses = [
        MultiLineString([[(a - arm_m, b - arm_m), (a + arm_m, b + arm_m)],
                         [(a - arm_m, b + arm_m), (a + arm_m, b - arm_m)]])
        for a, b in zip(x, y, strict=True)
    ]  # fmt: skip
    return pts.set_geometry(gpd.GeoSeries(crosses, index=pts.index, crs=crs))


def _route_names(plan: Plan) -> dict[str, str]:
    routes = plan.area.routes
    if "name" not in routes.columns:
        return {}
    ids = routes["route_id"] if "route_id" in routes.columns else routes.index
    return {str(r): str(n) for r, n in zip(ids, routes["name"], strict=True) if isinstance(n, str)}


def _replace(group: LayerGroup, layers: list[Any]) -> None:
    """Put ``layers`` in ``group`` and close the widgets they replace (no comm left open)."""
    old = list(group.layers)
    group.layers = tuple(layers)
    for layer in old:
        icon = getattr(layer, "icon", None)
        layer.close()
        if icon is not None:
            icon.close()
