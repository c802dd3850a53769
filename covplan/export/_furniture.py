"""Map furniture of the printed maps: scale bar, north arrow, legend, camera table, extent."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle

from covplan._style import BUILDING, CAMERA, COVERAGE, KIND
from covplan.export._draw import GROUP_LINE
from covplan.export._draw import HALO as _HALO
from covplan.vocab import compass_word, label, translate_value

if TYPE_CHECKING:  # maps.py imports this module
    from covplan.export.maps import MapData

__all__ = ["add_north_arrow", "add_scale_bar", "camera_lines", "legend", "set_extent"]

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


def legend(ax: Any, data: MapData, lang: str) -> None:
    handles: list[Any] = [
        Patch(facecolor=BUILDING_FACE, edgecolor=BUILDING_EDGE, label=label("buildings", lang))
    ]
    if data.colour_by == "coverage":
        for key in ("covered", "partial", "uncovered", "not_planned"):
            handles.append(
                Line2D([], [], color=COVERAGE_COLOURS[key], lw=2.2, label=label(key, lang))
            )
    else:
        kinds = set(data.segments["kind"].astype(str)) if len(data.segments) else set()
        for kind, colour in KIND_COLOURS.items():
            if kind in kinds:
                text = str(translate_value(kind, lang))
                handles.append(
                    Line2D([], [], color=colour, lw=2.2, label=text[:1].upper() + text[1:])
                )
    if data.new is not None:
        handles.append(
            Line2D(
                [],
                [],
                marker="^",
                ls="",
                color=CAMERA_COLOURS["new"],
                ms=8,
                label=label("new_camera", lang),
            )
        )
    if data.existing is not None and len(data.existing):
        roles = set(data.existing.get("role", pd.Series(dtype=str)).astype(str))
        for role, key in (
            ("reaim", "reaim_camera"),
            ("keep", "keep_camera"),
            ("unused", "unused_camera"),
        ):
            if role in roles:
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        ls="",
                        color=CAMERA_COLOURS[role],
                        ms=7 if role != "unused" else 5,
                        label=label(key, lang),
                    )
                )
    if data.cones is not None and len(data.cones):
        handles.append(
            Patch(facecolor=CAMERA_COLOURS["new"], alpha=0.25, label=label("view_cone", lang))
        )
    if data.unseen is not None and len(data.unseen):
        handles.append(
            Line2D(
                [],
                [],
                marker="x",
                ls="",
                color=COVERAGE_COLOURS["uncovered"],
                ms=6,
                label=label("unseen_target", lang),
            )
        )
    if data.groups is not None and len(data.groups):
        handles.append(Line2D([], [], **GROUP_LINE, label=label("group", lang)))
    ax.legend(
        handles=handles, loc="upper left", fontsize=7.5, frameon=False, bbox_to_anchor=(0, 0.80)
    )


def _on_focus(cams: gpd.GeoDataFrame | None, focus: set[str] | None) -> gpd.GeoDataFrame | None:
    if cams is None or focus is None or "route_id" not in cams.columns:
        return cams
    return cams[cams["route_id"].astype(str).isin(focus)]


def camera_lines(
    data: MapData,
    box: shapely.Polygon,
    lang: str,
    limit: int = 17,
    focus: set[str] | None = None,
) -> list[str]:
    lines = []
    new = _on_focus(data.clip("new", box), focus)
    if new is not None and len(new):
        for _, r in new.iterrows():
            h = r.get("heading_deg")
            phase = r.get("phase")
            when = f" · {translate_value(phase, lang)}" if isinstance(phase, str) and phase else ""
            lines.append(
                f"{r.get('code', '')}  {compass_word(h, lang=lang, short=True)} {_deg(h)}"
                f"  {r.get('spec_name', '') or ''}{when}"
            )
    ex = _on_focus(data.clip("existing", box), focus)
    if ex is not None and len(ex):
        ex = ex[ex.get("role", pd.Series("", index=ex.index)).isin(["reaim", "keep"])]
        for _, r in ex.iterrows():
            if r.get("role") == "reaim":
                lines.append(
                    f"{r.get('number', '')}  {_deg(r.get('heading_now_deg'))}"
                    f" → {_deg(r.get('heading_new_deg'))}"
                    f"  {compass_word(r.get('heading_new_deg'), lang=lang, short=True)}"
                )
            else:
                lines.append(f"{r.get('number', '')}  {_deg(r.get('heading_now_deg'))}")
    if len(lines) > limit:
        lines = [*lines[: limit - 1], f"… (+{len(lines) - limit + 1})"]
    return lines


def _deg(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "?"
    return f"{v:.0f}°" if math.isfinite(v) else "?"
