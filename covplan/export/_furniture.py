"""Map furniture of the printed maps: scale bar, north arrow, legend, camera table, extent."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Rectangle

from covplan._style import BUILDING, CAMERA, COVERAGE, KIND
from covplan.export._draw import GROUP_LINE
from covplan.export._draw import HALO as _HALO
from covplan.vocab import compass_word, label, translate_value

if TYPE_CHECKING:  # maps.py imports this module
    from covplan.export.maps import MapData

__all__ = [
    "add_north_arrow",
    "add_scale_bar",
    "camera_line",
    "camera_lines",
    "camera_rows",
    "legend",
    "legend_items",
    "set_extent",
]

BUILDING_FACE = BUILDING["face"]
BUILDING_EDGE = BUILDING["edge"]
COVERAGE_COLOURS = COVERAGE
KIND_COLOURS = KIND
CAMERA_COLOURS = CAMERA


def _nice_length(width_m: float) -> float:
    target = width_m / 5.0
    for nice in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if nice >= target * 0.7:
            return float(nice)
    return float(10 ** math.floor(math.log10(target)))


def add_scale_bar(ax: Any, lang: str = "vi") -> None:
    """Draw a two-tone scale bar in the lower-left corner of a metric map axes."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    h = (y1 - y0) * 0.012
    bx = x0 + (x1 - x0) * 0.04
    by = y0 + (y1 - y0) * 0.04
    ax.add_patch(
        Rectangle(
            (bx - (x1 - x0) * 0.01, by - h * 1.2),
            length + (x1 - x0) * 0.02,
            h * 5.2,
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=20,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (bx + i * length / 4, by),
                length / 4,
                h,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=21,
            )
        )
    for frac, text in ((0.0, "0"), (0.5, f"{length / 2:g}"), (1.0, f"{length:g} m")):
        ax.text(
            bx + frac * length,
            by + h * 1.6,
            text,
            ha="center",
            va="bottom",
            fontsize=7,
            zorder=22,
        )


def add_north_arrow(ax: Any, lang: str = "vi") -> None:
    """Draw a north arrow in the upper-right corner (grid north of the metric CRS)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    cx, cy = x1 - w * 0.05, y1 - h * 0.16
    length = h * 0.08
    ax.add_patch(
        FancyArrow(
            cx,
            cy,
            0,
            length,
            width=w * 0.008,
            head_width=w * 0.03,
            head_length=length * 0.45,
            length_includes_head=True,
            facecolor="black",
            edgecolor="white",
            linewidth=0.8,
            zorder=22,
        )
    )
    ax.text(
        cx,
        cy + length + h * 0.01,
        label("north", lang),
        ha="center",
        va="bottom",
        fontsize=12,
        fontweight="bold",
        zorder=22,
        path_effects=_HALO,
    )


def set_extent(ax: Any, bounds: tuple[float, float, float, float], pad_m: float) -> None:
    minx, miny, maxx, maxy = bounds
    minx, miny, maxx, maxy = minx - pad_m, miny - pad_m, maxx + pad_m, maxy + pad_m
    # expand to the axes' aspect so the map fills it at an equal scale
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = (bbox.width * fig_w) / (bbox.height * fig_h)
    w, h = maxx - minx, maxy - miny
    if w / max(h, 1e-9) < aspect:
        extra = h * aspect - w
        minx, maxx = minx - extra / 2, maxx + extra / 2
    else:
        extra = w / aspect - h
        miny, maxy = miny - extra / 2, maxy + extra / 2
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")


def legend_items(data: MapData, lang: str) -> list[tuple[str, dict[str, Any], str]]:
    """Return the legend's entries: ``(kind, style, text)``, kind ``patch|line|marker``.

    Parameters
    ----------
    data
        The page's layers (what they hold decides the entries).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    list of tuple
        One entry a symbol on the map.
    """
    items: list[tuple[str, dict[str, Any], str]] = [
        ("patch", {"fc": BUILDING_FACE, "ec": BUILDING_EDGE}, label("buildings", lang))
    ]
    if data.colour_by == "coverage":
        for key in ("covered", "partial", "uncovered", "not_planned"):
            items.append(("line", {"color": COVERAGE_COLOURS[key], "lw": 2.2}, label(key, lang)))
    else:
        kinds = set(data.segments["kind"].astype(str)) if len(data.segments) else set()
        for kind, colour in KIND_COLOURS.items():
            if kind in kinds:
                text = str(translate_value(kind, lang))
                items.append(("line", {"color": colour, "lw": 2.2}, text[:1].upper() + text[1:]))
    if data.new is not None:
        style = {"marker": "^", "color": CAMERA_COLOURS["new"], "ms": 8}
        items.append(("marker", style, label("new_camera", lang)))
    if data.existing is not None and len(data.existing):
        roles = set(data.existing.get("role", pd.Series(dtype=str)).astype(str))
        for role, key in (
            ("reaim", "reaim_camera"),
            ("keep", "keep_camera"),
            ("unused", "unused_camera"),
        ):
            if role in roles:
                style = {
                    "marker": "o",
                    "color": CAMERA_COLOURS[role],
                    "ms": 7 if role != "unused" else 5,
                }
                items.append(("marker", style, label(key, lang)))
    if data.cones is not None and len(data.cones):
        style = {"fc": CAMERA_COLOURS["new"], "ec": "none", "alpha": 0.25}
        items.append(("patch", style, label("view_cone", lang)))
    if data.unseen is not None and len(data.unseen):
        style = {"marker": "x", "color": COVERAGE_COLOURS["uncovered"], "ms": 6}
        items.append(("marker", style, label("unseen_target", lang)))
    if data.groups is not None and len(data.groups):
        items.append(("line", dict(GROUP_LINE), label("group", lang)))
    return items


def legend(ax: Any, data: MapData, lang: str, top: float = 0.80) -> None:
    """Draw the legend in the side panel ``ax`` (axes coordinates), from ``top`` down.

    Drawn as plain symbols and texts, not a matplotlib legend: the same on every page,
    quick to draw, and its words stay text in the PDF.
    """
    y, step = top, 0.03
    for kind, style, text in legend_items(data, lang):
        if kind == "patch":
            ax.add_patch(
                Rectangle((0.0, y - 0.008), 0.07, 0.016, transform=ax.transAxes, lw=0.5, **style)
            )
        elif kind == "line":
            st = dict(style)
            ax.add_line(
                Line2D(
                    [0.0, 0.07],
                    [y, y],
                    transform=ax.transAxes,
                    color=st.pop("color"),
                    lw=st.pop("lw", 2.2),
                    ls=st.pop("ls", "-"),
                )
            )
        else:
            st = dict(style)
            ax.add_line(
                Line2D(
                    [0.035],
                    [y],
                    transform=ax.transAxes,
                    ls="",
                    marker=st["marker"],
                    color=st["color"],
                    ms=st["ms"],
                    mec="white",
                    mew=0.6,
                )
            )
        ax.text(0.1, y, text, va="center", fontsize=7.5, transform=ax.transAxes, parse_math=False)
        y -= step


def _on_focus(cams: gpd.GeoDataFrame | None, focus: set[str] | None) -> gpd.GeoDataFrame | None:
    if cams is None or focus is None or "route_id" not in cams.columns:
        return cams
    return cams[cams["route_id"].astype(str).isin(focus)]


def camera_rows(
    data: MapData,
    box: shapely.Polygon | None,
    focus: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Return the cameras of a page: new ones, then those to re-aim and keep.

    Parameters
    ----------
    data
        The layers.
    box
        The page's extent (None: every camera).
    focus
        Route ids: only the cameras on these routes (None: every camera in ``box``).

    Returns
    -------
    list of dict
        ``code``, ``role``, ``heading_deg``, ``heading_now_deg``, ``route_id``,
        ``route_name``, ``spec_name``, ``phase`` and position ``x``, ``y`` of each camera.
    """
    rows: list[dict[str, Any]] = []
    for layer in ("new", "existing"):
        gdf = data.clip(layer, box) if box is not None else getattr(data, layer)
        cams = _on_focus(gdf, focus)
        if cams is None or not len(cams):
            continue
        if layer == "existing":
            role = cams.get("role", pd.Series("", index=cams.index)).astype(str)
            cams = cams[role.isin(["reaim", "keep"])]
        for _, r in cams.iterrows():
            role = "new" if layer == "new" else str(r.get("role"))
            rows.append(
                {
                    "code": str(r.get("code") if layer == "new" else r.get("number") or ""),
                    "role": role,
                    "heading_deg": r.get("heading_deg" if layer == "new" else "heading_new_deg"),
                    "heading_now_deg": r.get("heading_now_deg"),
                    "route_id": r.get("route_id"),
                    "route_name": r.get("route_name"),
                    "spec_name": r.get("spec_name") if layer == "new" else "",
                    "phase": r.get("phase"),
                    "x": float(r.geometry.x),
                    "y": float(r.geometry.y),
                }
            )
    return rows


def camera_line(row: dict[str, Any], lang: str) -> str:
    """Return one camera as a line of the side panel: code, heading, model or turn, phase.

    Parameters
    ----------
    row
        One of :func:`camera_rows`.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"N01  ĐB 45°  IP dome 2 MP · Giai đoạn 1"``, ``"R01  90° → 180°  N"``.
    """
    phase = row.get("phase")
    when = f" · {translate_value(phase, lang)}" if isinstance(phase, str) and phase else ""
    if row["role"] == "new":
        h = row.get("heading_deg")
        return (
            f"{row['code']}  {compass_word(_num(h), lang=lang, short=True)} {_deg(h)}"
            f"  {row.get('spec_name') or ''}{when}"
        )
    if row["role"] == "reaim":
        return (
            f"{row['code']}  {_deg(row.get('heading_now_deg'))} → {_deg(row.get('heading_deg'))}"
            f"  {compass_word(_num(row.get('heading_deg')), lang=lang, short=True)}"
        )
    return f"{row['code']}  {_deg(row.get('heading_now_deg'))}"


def camera_lines(
    data: MapData,
    box: shapely.Polygon,
    lang: str,
    limit: int | None = None,
    focus: set[str] | None = None,
) -> list[str]:
    """Return the side-panel lines of the cameras on a page (every one by default).

    Parameters
    ----------
    data, box, focus
        As :func:`camera_rows`.
    lang
        ``"vi"`` or ``"en"``.
    limit
        At most this many lines (None: all; the printed maps continue the list on
        pages of their own instead of cutting it).

    Returns
    -------
    list of str
        One line a camera.
    """
    lines = [camera_line(r, lang) for r in camera_rows(data, box, focus)]
    return lines if limit is None else lines[:limit]


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _deg(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "?"
    return f"{v:.0f}°" if math.isfinite(v) else "?"
