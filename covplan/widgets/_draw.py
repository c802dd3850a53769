"""The explorer's ward map and figures table, drawn from a :class:`covplan.plan.Plan`."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from covplan._style import PALETTE, SITE
from covplan.plan import Plan
from covplan.vocab import format_vnd, label

__all__ = ["draw_plan", "figures_html", "png_bytes", "result_bundle", "site_choices"]

_ROLE_LABEL = {
    "new": "new_camera",
    "keep": "keep_camera",
    "reaim": "reaim_camera",
    "unused": "unused_camera",
}


def site_choices(sites: pd.DataFrame, routes: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Return ``(label, site_id)`` pairs for a site dropdown, poles and alley ends first.

    Parameters
    ----------
    sites
        Candidate sites (``site_id``, ``kind``, optional ``route_id``).
    routes
        The area's routes (for route names in the labels), optional.

    Returns
    -------
    list of tuple
        Label (``"pole · Kiệt 12 · node/123"``) and site_id.
    """
    names: dict[str, str] = {}
    if routes is not None and "name" in routes.columns:
        rid = routes["route_id"] if "route_id" in routes.columns else routes.index
        names = {str(r): str(n or r) for r, n in zip(rid, routes["name"], strict=True)}
    order = {"pole": 0, "street_lamp": 1, "alley_end": 2, "intersection": 3, "wall": 4, "edge": 5}
    rows = []
    for _, s in sites.iterrows():
        route = s.get("route_id")
        where = names.get(str(route), str(route)) if isinstance(route, str) else ""
        text = " · ".join(x for x in (str(s["kind"]), where, str(s["site_id"])) if x)
        rows.append((order.get(str(s["kind"]), 9), where, text, str(s["site_id"])))
    rows.sort()
    return [(text, sid) for _, _, text, sid in rows]


def _base(ax: Axes, plan: Plan) -> None:
    area, crs = plan.area, plan.area.crs
    if len(area.buildings):
        area.buildings.to_crs(crs).plot(ax=ax, color=PALETTE["building"], linewidth=0)
    segs = area.segments if len(area.segments) else area.routes
    segs.to_crs(crs).plot(ax=ax, color=PALETTE["route"], linewidth=1.2)


def _targets(ax: Axes, plan: Plan, show_gaps: bool, lang: str) -> list[Any]:
    t = plan.targets.to_crs(plan.area.crs)
    seen = t["seen"].to_numpy(bool)
    ax.scatter(t.geometry.x[seen], t.geometry.y[seen], s=3, c=PALETTE["seen"], zorder=3)
    if not (show_gaps and (~seen).any()):
        return []
    return [
        ax.scatter(
            t.geometry.x[~seen],
            t.geometry.y[~seen],
            s=22,
            marker="x",
            c=PALETTE["unseen"],
            linewidths=1.4,
            zorder=6,
            label=label("unseen_target", lang),
        )
    ]


def _cones(ax: Axes, plan: Plan, show: list[str]) -> None:
    cones = plan.layers()["view_cones"]
    if not len(cones) or "source" not in cones.columns:
        return
    cones = cones[cones["source"].isin(show)].to_crs(plan.area.crs)
    for src, sub in cones.groupby("source"):
        sub.plot(ax=ax, color=PALETTE[str(src)], alpha=0.18, linewidth=0, zorder=2)


def _cameras(ax: Axes, plan: Plan, show: list[str], show_existing: bool, lang: str) -> list[Any]:
    crs = plan.area.crs
    chosen = plan.chosen
    handles: list[Any] = []
    if show_existing and plan.cameras is not None and len(plan.cameras):
        cam = plan.cameras.to_crs(crs)
        unused = cam[cam["role"] == "unused"] if "role" in cam.columns else cam.iloc[0:0]
        if len(unused):
            handles.append(
                ax.scatter(
                    unused.geometry.x,
                    unused.geometry.y,
                    s=22,
                    c=PALETTE["unused"],
                    zorder=7,
                    label=label("unused_camera", lang),
                )
            )
    for src in show:
        sub = chosen[chosen["source"] == src].to_crs(crs)
        if not len(sub):
            continue
        handles.append(
            ax.scatter(
                sub.geometry.x,
                sub.geometry.y,
                s=40,
                marker={"new": "s", "reaim": "D"}.get(src, "o"),
                c=PALETTE[src],
                edgecolors="white",
                linewidths=0.6,
                zorder=8,
                label=f"{label(_ROLE_LABEL[src], lang)} ({len(sub)})",
            )
        )
        for _, row in sub.iterrows():
            if row.get("number"):
                ax.annotate(
                    str(row["number"]),
                    (row.geometry.x, row.geometry.y),
                    xytext=(4, 4),
                    textcoords="offset points",
                    fontsize=6,
                    zorder=9,
                    parse_math=False,
                )
    return handles


def _rings(ax: Axes, plan: Plan, sites: Iterable[str], marker: str, text: str) -> list[Any]:
    """Mark pinned sites with a solid black ring (``marker="o"``), forbidden ones dashed red."""
    ring = {str(s) for s in sites}
    if not ring:
        return []
    s = plan.sites[plan.sites["site_id"].astype(str).isin(ring)].to_crs(plan.area.crs)
    if not len(s):
        return []
    if marker == "o":
        style: dict[str, Any] = {
            "marker": "o",
            "facecolors": "none",
            "edgecolors": SITE["pinned"],
            "linewidths": 2.0,
        }
    else:  # a dashed dark-red ring: apart from the pin's solid ring and the unseen ✕
        style = {
            "marker": "o",
            "facecolors": "none",
            "edgecolors": SITE["forbidden"],
            "linewidths": 2.0,
            "linestyles": "--",
        }
    return [ax.scatter(s.geometry.x, s.geometry.y, s=150, zorder=9, label=text, **style)]


def draw_plan(
    plan: Plan,
    *,
    show_existing: bool = True,
    show_new: bool = True,
    show_cones: bool = True,
    show_gaps: bool = True,
    pinned_sites: Iterable[str] = (),
    forbidden_sites: Iterable[str] = (),
    lang: str = "vi",
    figsize: tuple[float, float] = (8.0, 7.0),
) -> Figure:
    """Draw the ward map of a plan.

    Buildings, routes, targets coloured seen / unseen, existing cameras by role, new
    cameras with their codes, their view cones (as the plan models them: to the DORI
    range, cut by buildings — the same cones as the printed maps) and pinned (ring)
    and forbidden (cross) sites. Colours are the printed maps' (:mod:`covplan._style`).

    Parameters
    ----------
    plan
        The plan (:func:`covplan.plan.plan_ward` or :attr:`PlanExplorer.plan`).
    show_existing, show_new, show_cones, show_gaps
        Layer toggles: existing cameras, new cameras, view cones, unseen targets.
    pinned_sites, forbidden_sites
        Site ids to mark.
    lang
        ``"vi"`` or ``"en"`` for the legend.
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The map (no pyplot state: safe from threads).
    """
    fig = Figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _base(ax, plan)
    handles = _targets(ax, plan, show_gaps, lang)
    show = (["new"] if show_new else []) + (["keep", "reaim"] if show_existing else [])
    if show_cones:
        _cones(ax, plan, show)
    handles += _cameras(ax, plan, show, show_existing, lang)
    handles += _rings(ax, plan, pinned_sites, "o", label("pinned_site", lang))
    handles += _rings(ax, plan, forbidden_sites, "x", label("forbidden_site", lang))
    s = plan.summary
    cov = s["coverage"].get("overall") or 0.0
    ax.set_title(
        f"{s['new_cameras']} {label('new_cameras', lang).lower()}, "
        f"{s['reaimed_cameras']} {label('reaimed_cameras', lang).lower()}, "
        f"{label('coverage', lang).lower()} {cov:.0%}",
        fontsize=11,
    )
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.85)
    if plan.synthetic:
        fig.text(0.01, 0.01, label("synthetic", lang).upper(), fontsize=7)
    fig.tight_layout()
    return fig


def png_bytes(fig: Figure, dpi: int = 90) -> bytes:
    """Return the figure as PNG bytes (for an ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def figures_html(summary: Mapping[str, Any], lang: str) -> str:
    """Return the plan's headline figures as an HTML table (text escaped).

    Parameters
    ----------
    summary
        ``Plan.summary``.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        ``<table>…</table>``.
    """
    cov = summary["coverage"].get("overall")
    rows = [
        (label("new_cameras", lang), str(summary["new_cameras"])),
        (label("reaimed_cameras", lang), str(summary["reaimed_cameras"])),
        (label("kept_cameras", lang), str(summary["kept_cameras"])),
        (label("cost_vnd", lang), format_vnd(summary["cost_vnd"], lang)),
        (label("coverage", lang), "—" if cov is None else f"{cov:.1%}"),
        (label("unseen_targets", lang), str(summary["unseen_targets"])),
    ]
    if summary.get("greedy_cameras") is not None:
        rows.append((label("greedy_cameras", lang), str(summary["greedy_cameras"])))
    if summary.get("bound_new_cameras") is not None:
        proven = f" ({label('proven_optimal', lang)})" if summary.get("proven") else ""
        rows.append((label("bound", lang), f"{summary['bound_new_cameras']}{proven}"))
    body = "".join(
        f"<tr><td>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


def result_bundle(plan: Plan, *, title: str, headline: str, lang: str = "vi") -> dict[str, Any]:
    """Return the plan as a display bundle a saved notebook keeps: PNG, HTML and text.

    The picture and the figures table survive in the ``.ipynb`` without the kernel or
    the widget state: ``image/png`` (the ward map), ``text/html`` (the same picture
    inlined beside the figures table) and ``text/plain`` (the headline).

    Parameters
    ----------
    plan
        The plan on show.
    title
        A heading (escaped here).
    headline
        The plan's headline (escaped here).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    dict
        Mimetype → data, for ``IPython.display.display(bundle, raw=True)``.
    """
    png = png_bytes(draw_plan(plan, lang=lang, figsize=(6.5, 5.5)), dpi=72)
    b64 = base64.b64encode(png).decode("ascii")
    page = (
        f'<div class="covplan-result"><b>{html.escape(title)}</b> — {html.escape(headline)}'
        f'<div style="display:flex;gap:12px;align-items:flex-start">'
        f'<img alt="{html.escape(headline)}" style="max-width:420px" '
        f'src="data:image/png;base64,{b64}"/>{figures_html(plan.summary, lang)}</div></div>'
    )
    return {"image/png": b64, "text/html": page, "text/plain": f"{title}: {headline}"}
