"""The figures of a plan (``summary.json``) and the text a planner reads.

One owner for the headline numbers: the command, the notebooks and the explorer all
show :func:`plan_summary`'s figures, through :func:`summary_text` or directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan._frames import with_id
from covplan.area import Area, map_quality
from covplan.camera.costs import CostModel
from covplan.export import route_coverage
from covplan.export.place import route_title
from covplan.plan.options import PlanOptions
from covplan.plan.solved import Solved
from covplan.vocab import cost_label, format_vnd, label
from covplan.vocab.lists import summary_word
from covplan.vocab.places import alley_word, resolve_region

__all__ = [
    "PHASE_KEYS",
    "UNSEEN_REASONS",
    "bill",
    "plan_summary",
    "share_text",
    "summary_text",
    "sure_text",
    "unseen_reasons",
]

#: Vocabulary keys of the phases: 0 pilot (thí điểm), 1 phase 1, 2 phase 2.
PHASE_KEYS: tuple[str, ...] = ("phase_pilot", "phase_1", "phase_2")


def bill(
    poses: pd.DataFrame,
    selected: np.ndarray,
    costs: CostModel,
    catalogue: Mapping[str, Any],
    *,
    lang: str = "vi",
) -> pd.DataFrame:
    """Return the plan's one-off bill by part (:meth:`CostModel.itemise`).

    Parameters
    ----------
    poses
        Every pose, with ``source``, ``site_id``, ``spec_id`` and ``mount``.
    selected
        Bool over ``poses``: the plan.
    costs
        The cost model.
    catalogue
        Camera specs by spec_id.
    lang
        Language of the notes.

    Returns
    -------
    pandas.DataFrame
        One row per part (``part``, ``label_vi``, ``label_en``, ``quantity``, ``unit``,
        ``vnd``, ``share``, ``note``); ``attrs["total_vnd"]`` and ``attrs["monthly_vnd"]``.
    """
    chosen = poses[selected]
    new = chosen[chosen["source"] == "new"]
    cams = pd.DataFrame(
        {
            "site_id": new["site_id"].astype(str).to_numpy(),
            "mount_kind": new["mount"].astype(str).to_numpy(),
            "spec_id": new["spec_id"].astype(str).to_numpy(),
        }
    )
    reaims = int((chosen["source"] == "reaim").sum())
    return costs.itemise(cams, catalogue=catalogue, reaims=reaims, lang=lang)


def _phases(area: Area, solved: Solved) -> dict[str, Any] | None:
    ph = solved.phases
    if ph is None:
        return None
    rows: list[dict[Any, Any]] = ph.by_group.to_dict("records")
    by_group = [
        {
            "group_id": str(r["group_id"]),
            "phase": int(r["phase"]),
            "routes": int(r["routes"]),
            "cameras": int(r["cameras"]),
            "cost_vnd": int(r["cost_vnd"]),
        }
        for r in rows
    ]
    phase, count = np.unique(ph.pose_phase[ph.pose_phase >= 0], return_counts=True)
    per_phase = {int(k): int(v) for k, v in zip(phase, count, strict=True)}
    routes = area.routes
    pilot_name = ""
    if ph.pilot_route and ph.pilot_route in routes.index:
        pilot_name = route_title(routes.loc[ph.pilot_route], routes)
    return {
        "pilot_route": ph.pilot_route,
        "pilot_name": pilot_name or ph.pilot_route,
        "cameras_by_phase": per_phase,
        "extra_cameras": int(ph.extra_cameras),
        "by_group": by_group,
        "route_phase": {str(k): int(v) for k, v in ph.route_phase.items()},
    }


def _region(area: Area) -> str:
    """Return the alley word's region: the setting, else where the ward lies."""
    c = area.boundary.centroid if not area.boundary.is_empty else None
    return resolve_region(None, c.x, c.y) if c is not None else resolve_region(None)


def _consent(mounts: pd.Series, costs: CostModel) -> dict[str, int]:
    """Count the new cameras whose mount needs someone's agreement, by who must agree."""
    who = [costs.mount(m).consent for m in mounts if costs.mount(m).needs_consent]
    return {str(k): int(v) for k, v in pd.Series(who, dtype=object).value_counts().items()}


def _budget(solved: Solved) -> dict[str, Any] | None:
    b = solved.budget
    if b is None:
        return None
    return {
        "full_plan_new_cameras": int(solved.model.result.new_cameras),
        "routes_done": list(b.routes_done),
        "spent_vnd": int(b.spent_vnd),
        "left_vnd": int(b.left_vnd),
        "skipped": list(b.skipped),
    }


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
    solved: Solved,
    *,
    options: PlanOptions,
    costs: CostModel,
    the_bill: pd.DataFrame,
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
    solved
        The solved model (its typed ``result``), phases and budget cut.
    options
        The options of the plan (written out, so a plan says how it was made).
    costs
        The cost model (who must agree to each mount).
    the_bill
        The plan's bill by part (:func:`bill`).
    greedy_new
        New cameras of the greedy baseline (None when not run).
    seconds
        Seconds per pipeline stage.
    name
        The ward's name (default: the area's source file name).

    Returns
    -------
    dict
        ``ward``, ``synthetic``, ``region`` (the alley word's region:
        :func:`covplan.vocab.places.region_of`), ``new_cameras``, ``reaimed_cameras``,
        ``kept_cameras``,
        ``cost_vnd`` (int: the whole one-off bill), ``cost_parts`` (part → VND),
        ``monthly_vnd``, ``mounts`` (new cameras per mount kind), ``consent`` (new
        cameras whose mount needs someone's agreement), ``map_quality`` (how far the
        map can be trusted: :func:`covplan.area.map_quality`), ``phases`` and ``budget``
        (or None), ``coverage`` (``overall``, ``by_group``), ``bound`` and
        ``bound_new_cameras`` (the proven lower bound on new cameras; None for a budget
        plan), ``gap`` (relative, of the primary objective), ``proven``, ``status``,
        ``stages`` (each solver stage's own status, objective, bound, gap, seconds),
        ``greedy_cameras``, counts of targets, unseen targets, sites, poses and
        non-zeros, ``unseen_reasons`` (why points are left unseen:
        :func:`unseen_reasons`), ``unseen_by_route`` (the routes with unseen points,
        most first), ``seconds`` and ``options``. Solver details (bound, gap, greedy,
        stages, seconds) are for this file only; :func:`summary_text` says in one
        line how sure the plan is.
    """
    model = solved.model
    res = model.result
    src = poses["source"].to_numpy()
    new_mounts = poses.loc[selected & (src == "new"), "mount"].astype(str)
    overall = float(targets["seen"].mean()) if len(targets) else None
    source = str(getattr(area, "source", "") or "")
    sec = dict(seconds)
    for k, v in res.seconds.items():
        sec[f"solve.{k}"] = round(float(v), 2)
    return {
        "ward": name or (Path(source).name.split(".")[0] if source else ""),
        "synthetic": "demo-ward" in source,
        "region": _region(area),
        "new_cameras": int((selected & (src == "new")).sum()),
        "reaimed_cameras": int((selected & (src == "reaim")).sum()),
        "kept_cameras": int((selected & (src == "keep")).sum()),
        "cost_vnd": int(the_bill.attrs["total_vnd"]),
        "cost_parts": {
            str(p): int(v) for p, v in zip(the_bill["part"], the_bill["vnd"], strict=True)
        },
        "monthly_vnd": int(the_bill.attrs["monthly_vnd"]),
        "retention_days": int(options.retention_days),
        "mounts": {str(k): int(v) for k, v in new_mounts.value_counts().items()},
        "consent": _consent(new_mounts, costs),
        "map_quality": _map_quality(area),
        "cameras_left_out": int(poses.attrs.get("cameras_left_out", {}).get("n", 0)),
        "phases": _phases(area, solved),
        "budget": _budget(solved),
        "coverage": {
            "overall": None if overall is None else round(overall, 4),
            "by_group": _by_group(area, targets),
        },
        "bound": None if solved.budget is not None else res.new_cameras_bound,
        "bound_new_cameras": None if solved.budget is not None else res.new_cameras_bound,
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
        "unseen_reasons": unseen_reasons(targets, model, budget=solved.budget is not None),
        "unseen_by_route": _unseen_by_route(area, targets),
        "sites": len(sites),
        "poses": len(poses),
        "nnz": int(model.instance.A.nnz),
        "solver": options.solver,
        "time_limit_s": float(options.time_limit_s),
        "seconds": sec,
        "options": options.as_dict(),
    }


#: Why a point is left unseen, in the order the summary gives them.
UNSEEN_REASONS: tuple[str, ...] = ("no_view", "too_few_views", "budget", "one_view", "not_chosen")


def unseen_reasons(targets: pd.DataFrame, model: Any, *, budget: bool = False) -> dict[str, int]:
    """Count the unseen points by why they are unseen.

    ``no_view``: no camera position the plan considered can see the point (houses
    block it, or it is out of every camera's reach); ``too_few_views``: fewer
    positions see it than the views it needs (two at alley ends); ``budget``: a
    budget plan ran out of money; ``one_view``: seen, but by fewer cameras than it
    needs; ``not_chosen``: it could be seen, but the solver stopped first.

    Parameters
    ----------
    targets
        Targets with ``seen``, ``cover_count`` and ``k_required``.
    model
        The solved :class:`covplan.optimise.CameraCover` (its ``instance.A``: which
        pose sees which target), or None.
    budget
        The plan is a budget plan.

    Returns
    -------
    dict
        Reason → number of unseen points (reasons with none left out).
    """
    seen = targets["seen"].astype(bool).to_numpy()
    if seen.all():
        return {}
    n = len(seen)
    k_col = (
        targets["k_required"]
        if "k_required" in targets.columns
        else pd.Series(1, index=targets.index)
    )
    c_col = (
        targets["cover_count"]
        if "cover_count" in targets.columns
        else pd.Series(0, index=targets.index)
    )
    k_arr = pd.to_numeric(k_col, errors="coerce").fillna(1).to_numpy(dtype=float)
    c_arr = pd.to_numeric(c_col, errors="coerce").fillna(0).to_numpy(dtype=float)
    possible = np.full(n, np.inf)
    inst = getattr(model, "instance", None)
    A = getattr(inst, "A", None)
    if A is not None and A.shape[0] == n:
        banned = np.asarray(getattr(inst, "banned", np.zeros(0, bool)), dtype=bool)
        sub = A[:, ~banned] if banned.size == A.shape[1] else A
        possible = np.asarray(sub.sum(axis=1), dtype=float).ravel()
    why = np.select(
        [possible == 0, possible < k_arr, np.full(n, bool(budget)), c_arr > 0],
        ["no_view", "too_few_views", "budget", "one_view"],
        default="not_chosen",
    )[~seen]
    counts = pd.Series(why).value_counts()
    return {r: int(counts[r]) for r in UNSEEN_REASONS if r in counts.index}


def _unseen_by_route(area: Area, targets: pd.DataFrame, top: int = 10) -> list[dict[str, Any]]:
    unseen = targets[~targets["seen"].astype(bool)]
    if not len(unseen) or "route_id" not in unseen.columns:
        return []
    counts = unseen["route_id"].astype(str).value_counts().head(top)
    routes = area.routes
    out = []
    for rid, n in counts.items():
        title = str(rid)
        if rid in routes.index:
            title = route_title(routes.loc[rid], routes)
        out.append({"route_id": str(rid), "name": title, "n": int(n)})
    return out


def share_text(n_seen: int, n_targets: int, lang: str = "vi") -> str:
    """Write a share seen so that it never reads 100 % while a point is unseen.

    The percentage is rounded down to one decimal (99.96 % is "99,9 %"), and the
    unseen points are counted ("8 điểm chưa thấy").

    Parameters
    ----------
    n_seen, n_targets
        Points seen, and all points.
    lang
        ``"vi"`` (decimal comma) or ``"en"``.

    Returns
    -------
    str
        E.g. ``"99,2 % (8 điểm chưa thấy)"`` or ``"100 %"``.

    Examples
    --------
    >>> share_text(9992, 10000)
    '99,9 % (8 điểm chưa thấy)'
    """
    if n_targets <= 0:
        return "—"
    missing = n_targets - n_seen
    if missing <= 0:
        return "100 %"
    tenths = math.floor(1000 * n_seen / n_targets)  # floor: never up to 100 %
    text = f"{tenths // 10},{tenths % 10} %" if lang == "vi" else f"{tenths / 10:.1f} %"
    return f"{text} ({summary_word('unseen_n', lang, n=missing)})"


def sure_text(summary: Mapping[str, Any], lang: str = "vi") -> str:
    """Say in one line how sure the plan is, from the new-camera bound (never the objective).

    Parameters
    ----------
    summary
        The figures (``proven``, ``new_cameras``, ``bound_new_cameras``, ``budget``).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        "tối ưu đã chứng minh", or "cách tối ưu tối đa N camera" where N is the plan's
        new cameras less the proven lower bound on them (a whole number: the bound on
        a count rounded up).
    """
    if summary.get("budget"):
        return summary_word("sure_budget", lang)
    if summary.get("proven"):
        return summary_word("sure_proven", lang)
    bound = summary.get("bound_new_cameras")
    new = int(summary.get("new_cameras") or 0)
    if isinstance(bound, int | float) and math.isfinite(float(bound)):
        lower = max(0, min(new, math.ceil(float(bound) - 1e-6)))
        if new - lower <= 0:
            return summary_word("sure_proven", lang)
        return summary_word("sure_gap", lang, n=new - lower, bound=lower)
    return summary_word("sure_unknown", lang)


def _coverage_lines(summary: Mapping[str, Any], lang: str) -> list[str]:
    cov = summary.get("coverage", {})
    lines = []
    n_all = int(summary.get("targets") or 0)
    unseen = int(summary.get("unseen_targets") or 0)
    if cov.get("overall") is not None and n_all:
        share = share_text(n_all - unseen, n_all, lang)
        lines.append(f"  {label('coverage_overall', lang)}: {share}")
    by_group = cov.get("by_group") or {}
    if by_group:
        lines.append(f"  {label('coverage_by_group', lang)}:")
        for gid, g in by_group.items():
            n_t, n_s = int(g.get("n_targets") or 0), int(g.get("n_seen") or 0)
            gname = g.get("name") or (label("no_group", lang) if gid == "none" else gid)
            lines.append(f"    {gname}: {share_text(n_s, n_t, lang)}")
    if unseen:
        lines.append(f"  {summary_word('unseen_title', lang, n=unseen)}:")
        for reason, n in (summary.get("unseen_reasons") or {}).items():
            lines.append(f"    - {summary_word('why_' + reason, lang, n=n)}")
        routes = summary.get("unseen_by_route") or []
        if routes:
            text = "; ".join(f"{r['name']} ({r['n']})" for r in routes[:5])
            lines.append(f"    {summary_word('unseen_where', lang)}: {text}")
    return lines


def _quality_lines(summary: Mapping[str, Any], lang: str) -> list[str]:
    q = summary.get("map_quality")
    if not q:
        return []
    lines = [f"  {label('map_trust_title', lang)}: {label('verdict_' + q['verdict'], lang)}"]
    lines += [f"    - {w}" for w in q.get("warnings", {}).get(lang, [])]
    return lines


def _map_quality(area: Area) -> dict[str, Any]:
    """Return the map's measures (:func:`covplan.area.map_quality`) and warnings in vi and en."""
    q = map_quality(area)
    return {**q.as_dict(), "warnings": {lang: q.warnings(lang) for lang in ("vi", "en")}}


def _cost_lines(summary: Mapping[str, Any], lang: str) -> list[str]:
    parts = summary.get("cost_parts") or {}
    lines = []
    if parts:
        lines.append(f"  {label('cost_parts_title', lang)}:")
        for part, vnd in parts.items():
            if vnd:
                lines.append(f"    {cost_label('part', part, lang)}: {format_vnd(vnd, lang)}")
        if summary.get("retention_days"):
            lines.append(
                f"    ({label('retention_days_text', lang, days=summary['retention_days'])})"
            )
    if summary.get("monthly_vnd"):
        lines.append(f"  {label('monthly_vnd', lang)}: {format_vnd(summary['monthly_vnd'], lang)}")
    mounts = summary.get("mounts") or {}
    if mounts:
        text = ", ".join(f"{cost_label('mount_kind', k, lang)} {v}" for k, v in mounts.items())
        lines.append(f"  {label('mounts_title', lang)}: {text}")
    consent = summary.get("consent") or {}
    if consent:
        text = ", ".join(f"{cost_label('consent', k, lang)} {v}" for k, v in consent.items())
        lines.append(f"  {label('consent_title', lang)}: {text}")
    return lines


def _phase_lines(
    summary: Mapping[str, Any], lang: str, group_names: Mapping[str, str]
) -> list[str]:
    ph = summary.get("phases")
    lines = []
    if ph:
        lines.append(f"  {label('phases_title', lang)}:")
        if ph.get("pilot_route"):
            name = ph.get("pilot_name") or ph["pilot_route"]
            word = alley_word("alley", summary.get("region") or "central", lang, capital=True)
            lines.append(f"    {summary_word('pilot_alley', lang, alley=word)}: {name}")
        for row in ph.get("by_group", []):
            gid = row["group_id"]
            lines.append(
                "    "
                + label(
                    "phase_group_line",
                    lang,
                    group=group_names.get(gid) or gid or label("no_group", lang),
                    phase=label(PHASE_KEYS[row["phase"]], lang),
                    routes=row["routes"],
                    cameras=row["cameras"],
                    vnd=format_vnd(row["cost_vnd"], lang),
                )
            )
        lines.append(f"    {label('phase_extra', lang)}: {ph.get('extra_cameras', 0)}")
    b = summary.get("budget")
    if b:
        lines.append(f"  {label('budget_done', lang)}: {len(b['routes_done'])}")
        spent = format_vnd(b["spent_vnd"], lang)
        left = format_vnd(b["left_vnd"], lang)
        lines.append(f"    {label('budget_spent', lang, spent=spent, left=left)}")
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
        A few lines a ward office reads: cameras new, re-aimed and kept, the whole
        cost, the share of each group seen (never 100 % while a point is unseen:
        :func:`share_text`), what is not seen and why, and one line on how sure the
        plan is (:func:`sure_text`). Solver details are in ``summary.json`` only.
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
    lines += _cost_lines(summary, lang)
    lines += _quality_lines(summary, lang)
    if summary.get("cameras_left_out"):
        lines.append(f"  {label('cameras_left_out', lang)}: {summary['cameras_left_out']}")
    lines += _coverage_lines(summary, lang)
    names = {
        gid: g.get("name", "")
        for gid, g in (summary.get("coverage", {}).get("by_group") or {}).items()
    }
    lines += _phase_lines(summary, lang, names)
    lines.append(f"  {summary_word('sure_title', lang)}: {sure_text(summary, lang)}")
    if summary.get("pareto_text"):
        lines += ["", f"{label('pareto_title', lang)}:", summary["pareto_text"]]
    return "\n".join(lines)
