"""The figures of a plan (``summary.json``) and the text a planner reads.

One owner for the headline numbers: the command, the notebooks and the explorer all
show :func:`plan_summary`'s figures, through :func:`summary_text` or directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from covplan._frames import with_id
from covplan.area import Area
from covplan.export import route_coverage
from covplan.optimise import CameraCover
from covplan.plan.options import PlanOptions
from covplan.vocab import format_vnd, label

__all__ = ["plan_summary", "summary_text"]


def _by_group(area: Area, targets: gpd.GeoDataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not len(targets):
        return out
    names: dict[str, str] = {}
    groups = with_id(area.groups, "group_id")
    if groups is not None and len(groups):
        names = dict(zip(groups["group_id"].astype(str), groups["name"], strict=True))
    for gid, row in route_coverage(targets, by="group_id").iterrows():
        key = str(gid) if isinstance(gid, str) else "none"
        out[key] = {
            "name": names.get(key, ""),
            "coverage": round(float(row["coverage"]), 4),
            "n_targets": int(row["n_targets"]),
            "n_seen": int(row["n_seen"]),
        }
    return out


def plan_summary(
    area: Area,
    targets: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    poses: gpd.GeoDataFrame,
    selected: np.ndarray,
    model: CameraCover,
    *,
    options: PlanOptions,
    greedy_new: int | None,
    seconds: Mapping[str, float],
    name: str | None,
) -> dict[str, Any]:
    """Return the figures of a plan, as written to ``summary.json``.

    Parameters
    ----------
    area
        The ward.
    targets
        Targets with ``seen``.
    sites
        Candidate sites.
    poses
        Every pose, with ``source`` and ``cost``.
    selected
        Bool over ``poses``: the plan.
    model
        The solved model (its typed ``result``).
    options
        The options of the plan (written out, so a plan says how it was made).
    greedy_new
        New cameras of the greedy baseline (None when not run).
    seconds
        Seconds per pipeline stage.
    name
        The ward's name (default: the area's source file name).

    Returns
    -------
    dict
        ``ward``, ``synthetic``, ``new_cameras``, ``reaimed_cameras``, ``kept_cameras``,
        ``cost_vnd`` (int), ``coverage`` (``overall``, ``by_group``), ``bound`` and
        ``bound_new_cameras`` (the proven lower bound on new cameras; None for a budget
        plan), ``gap`` (relative, of the primary objective), ``proven``, ``status``,
        ``stages`` (each solver stage's own status, objective, bound, gap, seconds),
        ``greedy_cameras``, counts of targets, unseen targets, sites, poses and
        non-zeros, ``seconds`` and ``options``.
    """
    res = model.result
    src = poses["source"].to_numpy()
    overall = float(targets["seen"].mean()) if len(targets) else None
    source = str(getattr(area, "source", "") or "")
    sec = dict(seconds)
    for k, v in res.seconds.items():
        sec[f"solve.{k}"] = round(float(v), 2)
    return {
        "ward": name or (Path(source).name.split(".")[0] if source else ""),
        "synthetic": "demo-ward" in source,
        "new_cameras": int((selected & (src == "new")).sum()),
        "reaimed_cameras": int((selected & (src == "reaim")).sum()),
        "kept_cameras": int((selected & (src == "keep")).sum()),
        "cost_vnd": round(float(poses["cost"].to_numpy(dtype=float)[selected].sum())),
        "coverage": {
            "overall": None if overall is None else round(overall, 4),
            "by_group": _by_group(area, targets),
        },
        "bound": res.new_cameras_bound,
        "bound_new_cameras": res.new_cameras_bound,
        "gap": res.gap,
        "proven": bool(res.proven),
        "status": res.status,
        "stages": [
            {
                "name": st.name,
                "status": st.status,
                "objective": st.objective,
                "bound": st.bound,
                "gap": st.gap,
                "seconds": round(float(st.seconds), 2),
            }
            for st in res.stages
        ],
        "greedy_cameras": greedy_new,
        "targets": len(targets),
        "unseen_targets": int((~targets["seen"].astype(bool)).sum()),
        "sites": len(sites),
        "poses": len(poses),
        "nnz": int(model.instance.A.nnz),
        "solver": options.solver,
        "time_limit_s": float(options.time_limit_s),
        "seconds": sec,
        "options": options.as_dict(),
    }


def _coverage_lines(summary: Mapping[str, Any], lang: str) -> list[str]:
    cov = summary.get("coverage", {})
    lines = []
    overall = cov.get("overall")
    if overall is not None:
        lines.append(f"  {label('coverage_overall', lang)}: {overall:.1%}")
    by_group = cov.get("by_group") or {}
    if by_group:
        lines.append(f"  {label('coverage_by_group', lang)}:")
        for gid, g in by_group.items():
            c = g.get("coverage")
            text = f"{c:.1%}" if isinstance(c, float) else "—"
            gname = g.get("name") or (label("no_group", lang) if gid == "none" else gid)
            lines.append(f"    {gname}: {text} ({g.get('n_targets', 0)})")
    if summary.get("unseen_targets"):
        lines.append(f"  {label('unseen_targets', lang)}: {summary['unseen_targets']}")
    return lines


def _solver_lines(summary: Mapping[str, Any], lang: str) -> list[str]:
    lines = []
    bound = summary.get("bound_new_cameras")
    if bound is not None:
        text = f"  {label('bound', lang)}: {bound}"
        if summary.get("proven"):
            text += f" ({label('proven_optimal', lang)})"
        lines.append(text)
    gap = summary.get("gap")
    if isinstance(gap, int | float) and not summary.get("proven"):
        lines.append(f"  {label('gap', lang)}: {gap:.2%}")
    if summary.get("greedy_cameras") is not None:
        lines.append(f"  {label('greedy_cameras', lang)}: {summary['greedy_cameras']}")
    seconds = summary.get("seconds") or {}
    if seconds:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in seconds.items() if "." not in k)
        lines.append(f"  {label('seconds', lang)}: {parts}")
    return lines


def summary_text(summary: Mapping[str, Any], lang: str = "vi") -> str:
    """Return the end-of-run summary a planner reads, in Vietnamese or English.

    Parameters
    ----------
    summary
        The figures (``Plan.summary``, see :func:`plan_summary`).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        A few lines of text.
    """
    lines = [f"{label('summary_title', lang)}: {summary.get('ward', '')}".rstrip(": ")]
    if summary.get("synthetic"):
        lines.append(f"  — {label('synthetic', lang)}")
    lines += [
        f"  {label('new_cameras', lang)}: {summary.get('new_cameras', 0)}",
        f"  {label('reaimed_cameras', lang)}: {summary.get('reaimed_cameras', 0)}",
        f"  {label('kept_cameras', lang)}: {summary.get('kept_cameras', 0)}",
        f"  {label('cost_vnd', lang)}: {format_vnd(summary.get('cost_vnd', 0), lang)}",
    ]
    lines += _coverage_lines(summary, lang)
    lines += _solver_lines(summary, lang)
    return "\n".join(lines)
