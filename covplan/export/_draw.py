"""Drawing the layers of one map page, one function a layer (the printed maps' style)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import Polygon as MplPolygon

from covplan._style import BUILDING, CAMERA, COVERAGE, KIND, OUTLINE

if TYPE_CHECKING:  # maps.py imports this module
    from covplan.export.maps import MapData

HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]
#: A white box behind a label: cheaper to draw than a halo, and the label stays text in
#: a PDF (a path effect turns text into outlines that ``pdftotext`` cannot read).
LABEL_BOX: dict[str, Any] = {
    "boxstyle": "square,pad=0.12",
    "fc": "white",
    "ec": "none",
    "alpha": 0.8,
}
#: The residential-group outline, on the map and in its legend.
GROUP_LINE: dict[str, Any] = {"color": OUTLINE["group"], "lw": 1.0, "ls": (0, (6, 3))}
_LABEL = "#222222"


def polys_to_patches(geoms: Sequence[Any]) -> list[MplPolygon]:
    patches = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        for p in getattr(g, "geoms", [g]):
            if p.geom_type != "Polygon":
                continue
            patches.append(MplPolygon(np.asarray(p.exterior.coords)[:, :2], closed=True))
    return patches


def lines(geoms: Sequence[Any]) -> list[np.ndarray]:
    out = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        for line in getattr(g, "geoms", [g]):
            if line.geom_type == "LineString":
                out.append(np.asarray(line.coords)[:, :2])
    return out


def _boundaries(ax: Any, data: MapData, box: shapely.Polygon) -> None:
    groups = data.clip("groups", box)
    if groups is not None and len(groups):
        for _, g in groups.iterrows():
            for xy in lines([g.geometry.boundary]):
                ax.plot(xy[:, 0], xy[:, 1], **GROUP_LINE, zorder=2)
    if data.boundary is not None:
        for xy in lines([data.boundary.boundary]):
            ax.plot(
                xy[:, 0],
                xy[:, 1],
                color=OUTLINE["boundary"],
                lw=1.4,
                ls=(0, (8, 3, 2, 3)),
                zorder=2,
            )


def _buildings(ax: Any, data: MapData, box: shapely.Polygon) -> None:
    b = data.clip("buildings", box)
    if b is None or not len(b):
        return
    ax.add_collection(
        PatchCollection(
            polys_to_patches(b.geometry.to_numpy()),
            facecolor=BUILDING["face"],
            edgecolor=BUILDING["edge"],
            linewidth=0.3,
            zorder=3,
        )
    )


def _cones(ax: Any, data: MapData, box: shapely.Polygon) -> None:
    cones = data.clip("cones", box)
    if cones is None or not len(cones):
        return
    src = cones["source"] if "source" in cones.columns else pd.Series("new", index=cones.index)
    for s, sub in cones.groupby(src):
        colour = CAMERA.get(str(s), CAMERA["new"])
        ax.add_collection(
            PatchCollection(
                polys_to_patches(sub.geometry.to_numpy()),
                facecolor=colour,
                edgecolor=colour,
                alpha=0.22,
                linewidth=0.5,
                zorder=4,
            )
        )


def _segments(ax: Any, data: MapData, box: shapely.Polygon, focus: set[str] | None) -> None:
    segs = data.clip("segments", box)
    if segs is None or not len(segs):
        return
    if data.colour_by == "coverage" and "coverage_class" in segs.columns:
        keys, colours = segs["coverage_class"].fillna("not_planned").astype(str), COVERAGE
    else:
        keys, colours = segs["kind"].fillna("path").astype(str), KIND
    in_focus = (
        segs["route_id"].astype(str).isin(focus)
        if focus is not None
        else pd.Series(True, index=segs.index)
    )
    for key, sub in segs.groupby(keys):
        for focused in (False, True):
            part = sub[in_focus.loc[sub.index] == focused]
            if not len(part):
                continue
            lw = 1.2 if key in ("not_planned", "street") else 2.2
            if focus is not None:
                lw = lw * 1.8 if focused else 0.9
            ax.add_collection(
                LineCollection(
                    lines(part.geometry.to_numpy()),
                    colors=colours.get(str(key), KIND["street"]),
                    linewidths=lw,
                    alpha=1.0 if focused or focus is None else 0.55,
                    capstyle="round",
                    zorder=6 if focused else 5,
                )
            )


def _unseen(ax: Any, data: MapData, box: shapely.Polygon, marker_scale: float) -> None:
    unseen = data.clip("unseen", box)
    if unseen is None or not len(unseen):
        return
    ax.scatter(
        unseen.geometry.x,
        unseen.geometry.y,
        marker="x",
        s=14 * marker_scale,
        c=COVERAGE["uncovered"],
        linewidths=0.9,
        zorder=7,
    )


def _label_place(line: Any, box: shapely.Polygon) -> tuple[Any, float]:
    """Where along a route its name goes, and the text angle (never upside down)."""
    p = line.interpolate(0.5, normalized=True)
    inside = box.intersection(line)
    if not inside.is_empty and not box.contains(p):
        p = inside.representative_point()
    p2 = line.interpolate(min(line.length, line.project(p) + 2.0))
    p1 = line.interpolate(max(0.0, line.project(p) - 2.0))
    angle = math.degrees(math.atan2(p2.y - p1.y, p2.x - p1.x))
    if angle > 90:
        angle -= 180
    if angle < -90:
        angle += 180
    return p, angle


def _route_labels(ax: Any, data: MapData, box: shapely.Polygon, focus: set[str] | None) -> None:
    r = data.clip("routes", box)
    if r is None:
        return
    if focus is not None:
        r = r[r["route_id"].astype(str).isin(focus)]
    shown: list[Any] = []
    for _, row in r.sort_values("length_m", ascending=False).iterrows():
        name = str(row.get("name") or "")
        if not name or row.geometry is None or row.geometry.is_empty:
            continue
        line = shapely.line_merge(row.geometry)
        if line.geom_type != "LineString":
            line = max(line.geoms, key=lambda g: g.length)
        p, angle = _label_place(line, box)
        if any(p.distance(q) < 25 for q in shown):
            continue
        shown.append(p)
        ax.text(
            p.x,
            p.y,
            name,
            fontsize=6.5 if focus is None else 8,
            rotation=angle,
            rotation_mode="anchor",
            ha="center",
            va="center",
            style="italic",
            color=_LABEL,
            zorder=9,
            bbox=LABEL_BOX,
            clip_on=True,
            parse_math=False,
        )


def _camera_codes(ax: Any, sub: Any, colour: str, marker_scale: float) -> None:
    code_col = "code" if "code" in sub.columns else "number"
    for x, y, code in zip(sub.geometry.x, sub.geometry.y, sub[code_col], strict=True):
        ax.annotate(
            str(code),
            (x, y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7.5 if marker_scale >= 1 else 6,
            fontweight="bold",
            color=colour,
            zorder=11,
            bbox=LABEL_BOX,
            annotation_clip=True,
            parse_math=False,
        )


def _cameras(
    ax: Any, data: MapData, box: shapely.Polygon, marker_scale: float, codes: bool = True
) -> None:
    for layer, key in (("existing", "role"), ("new", None)):
        cams = data.clip(layer, box)
        if cams is None or not len(cams):
            continue
        roles = (
            cams[key].astype(str) if key and key in cams.columns else pd.Series("new", cams.index)
        )
        for role, sub in cams.groupby(roles):
            colour = CAMERA.get(str(role), CAMERA["new"])
            ax.scatter(
                sub.geometry.x,
                sub.geometry.y,
                marker="^" if role == "new" else "o",
                s=(46 if role != "unused" else 18) * marker_scale,
                c=colour,
                edgecolors="white",
                linewidths=0.7,
                zorder=10 if role != "unused" else 8,
            )
            if role != "unused" and codes:
                _camera_codes(ax, sub, colour, marker_scale)


def draw_layers(
    ax: Any,
    data: MapData,
    box: shapely.Polygon,
    *,
    focus_routes: set[str] | None,
    lang: str,
    label_routes: bool,
    marker_scale: float,
    codes: bool = True,
    sheets: Sequence[tuple[tuple[float, float, float, float], str]] = (),
) -> None:
    """Draw every layer of ``data`` that meets ``box``, bottom to top.

    Group and ward boundaries, buildings, view cones, routes (by coverage or kind;
    ``focus_routes`` drawn bold), unseen points, route names, cameras with their codes
    (``codes=False``: symbols only, on an overview), and the outlines of the ``sheets``
    printed apart, each with its number.
    """
    del lang  # the layers carry no words; the legend and furniture do
    _boundaries(ax, data, box)
    _buildings(ax, data, box)
    _cones(ax, data, box)
    _segments(ax, data, box, focus_routes)
    _unseen(ax, data, box, marker_scale)
    if label_routes and data.routes is not None and len(data.routes):
        _route_labels(ax, data, box, focus_routes)
    _cameras(ax, data, box, marker_scale, codes)
    for (x0, y0, x1, y1), text in sheets:
        ax.plot(
            [x0, x1, x1, x0, x0],
            [y0, y0, y1, y1, y0],
            color="#444444",
            lw=0.9,
            ls=(0, (4, 2)),
            zorder=12,
        )
        ax.text(
            x0 + (x1 - x0) * 0.03,
            y1 - (y1 - y0) * 0.03,
            text,
            ha="left",
            va="top",
            fontsize=14,
            fontweight="bold",
            color="#444444",
            zorder=12,
            bbox=LABEL_BOX,
            parse_math=False,
        )
