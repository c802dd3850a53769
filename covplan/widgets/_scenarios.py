"""Scenarios side by side: every plan the explorer solved, its knobs, counts and Pareto front."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import pandas as pd

from covplan.plan import Plan, PlanOptions
from covplan.plan.pareto import pareto_front
from covplan.vocab import format_vnd, label
from covplan.vocab.explorer import explorer_word

__all__ = ["SCENARIO_COLUMNS", "knobs_text", "scenario_html", "scenario_table"]

#: Columns of :func:`scenario_table`.
SCENARIO_COLUMNS: tuple[str, ...] = (
    "scenario",
    "knobs",
    "level_along",
    "new_cameras",
    "reaimed_cameras",
    "cost_vnd",
    "share_seen",
    "share_by_group",
    "proven",
    "gap",
    "pareto",
)

# the explorer's word for a PlanOptions field it shows as a knob
_KNOB_WORD = {
    "specs": "spec",
    "camera_class": "camera_class",
    "hfov_deg": "fov",
    "spacing_m": "spacing",
    "site_spacing_m": "site_spacing",
    "headings": "headings",
    "k_at_ends": "k_at_ends",
    "budget_vnd": "budget",
    "solver": "solver",
    "time_limit_s": "time_limit",
    "level_by_kind": "level",
}


def knobs_text(options: PlanOptions, base: PlanOptions, lang: str = "vi") -> str:
    """Return what ``options`` changes from ``base``, in the planner's words.

    Parameters
    ----------
    options
        A scenario's options.
    base
        The options the explorer opened with.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"Số hướng thử 8 · Cấm node/25"``; the start's word when nothing changed.
    """
    parts = []
    for f in fields(PlanOptions):
        name = f.name
        new, old = getattr(options, name), getattr(base, name)
        if new == old or name in ("pinned_sites", "forbidden_sites"):
            continue
        word = explorer_word(_KNOB_WORD[name], lang) if name in _KNOB_WORD else name
        if name == "level_by_kind":
            value = label(f"level_{options.level}", lang)
        elif name == "budget_vnd":
            value = "—" if new is None else format_vnd(int(new), lang)
        elif name == "specs":
            value = explorer_word("any_spec", lang) if new is None else ", ".join(new)
        elif name == "camera_class":
            value = label(f"class_{new}", lang)
        else:
            value = "—" if new is None else f"{new:g}" if isinstance(new, float) else str(new)
        parts.append(f"{word.split(' (')[0].split(',')[0]} {value}")
    for key, sites in (("pinned", options.pinned_sites), ("forbidden", options.forbidden_sites)):
        if sites:
            parts.append(f"{explorer_word(key, lang)} {', '.join(sorted(sites))}")
    return " · ".join(parts) or explorer_word("base", lang)


def scenario_table(plans: Sequence[Plan], base: PlanOptions, lang: str = "vi") -> pd.DataFrame:
    """Return every scenario solved, one row each, with the Pareto front marked.

    Parameters
    ----------
    plans
        The plans, in the order they were solved.
    base
        The options the explorer opened with (knobs are shown as changes from it).
    lang
        ``"vi"`` or ``"en"`` for the knobs column.

    Returns
    -------
    pandas.DataFrame
        :data:`SCENARIO_COLUMNS`: scenario (1, 2…), knobs, level_along, new_cameras,
        reaimed_cameras, cost_vnd (whole cost), share_seen, share_by_group (group id →
        share), proven, gap (relative, None when proven), pareto
        (:func:`covplan.plan.pareto.pareto_front`).
    """
    rows: list[dict[str, Any]] = []
    for i, plan in enumerate(plans, start=1):
        s = plan.summary
        by_group = {
            str(g): v.get("coverage") for g, v in (s["coverage"].get("by_group") or {}).items()
        }
        rows.append(
            {
                "scenario": i,
                "knobs": knobs_text(plan.options, base, lang),
                "level_along": plan.options.level,
                "new_cameras": int(s["new_cameras"]),
                "reaimed_cameras": int(s["reaimed_cameras"]),
                "cost_vnd": int(s["cost_vnd"]),
                "share_seen": s["coverage"].get("overall"),
                "share_by_group": by_group,
                "proven": bool(s.get("proven")),
                "gap": None if s.get("proven") else s.get("gap"),
                "pareto": False,
            }
        )
    table = pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))
    if len(table):
        table["pareto"] = pareto_front(table)
    return table


def scenario_html(table: pd.DataFrame, on_show: int | None, lang: str = "vi") -> str:
    """Return the scenario table as HTML (every value escaped), the one on show in bold.

    Parameters
    ----------
    table
        From :func:`scenario_table`.
    on_show
        The scenario number on show, or None.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        ``<table class="covplan-scenarios">…</table>``.
    """
    groups = sorted({g for d in table["share_by_group"] for g in d}) if len(table) else []
    head = [
        "#",
        explorer_word("knobs", lang),
        explorer_word("new_cameras", lang),
        explorer_word("whole_cost", lang),
        explorer_word("share_seen", lang),
        *groups,
        explorer_word("proof", lang),
        explorer_word("pareto", lang),
    ]
    out = [
        '<table class="covplan-scenarios" style="border-collapse:collapse">',
        "<tr>"
        + "".join(f'<th style="text-align:left;padding:0 6px">{html.escape(h)}</th>' for h in head)
        + "</tr>",
    ]

    def share(v: Any) -> str:
        return "—" if v is None or pd.isna(v) else f"{float(v):.0%}"

    for r in table.to_dict("records"):
        proof = (
            explorer_word("proven", lang)
            if r["proven"]
            else explorer_word("gap", lang, gap=float(r["gap"] or 0.0))
        )
        cells = [
            str(r["scenario"]),
            r["knobs"],
            str(r["new_cameras"]),
            format_vnd(int(r["cost_vnd"]), lang),
            share(r["share_seen"]),
            *(share(r["share_by_group"].get(g)) for g in groups),
            proof,
            "★" if r["pareto"] else "",
        ]
        bold = r["scenario"] == on_show
        style = ' style="font-weight:bold;background:#eef3f8"' if bold else ""
        mark = f" ({explorer_word('on_show', lang)})" if bold else ""
        cells[0] += mark
        out.append(
            f"<tr{style}>"
            + "".join(f'<td style="padding:0 6px">{html.escape(c)}</td>' for c in cells)
            + "</tr>"
        )
    out.append("</table>")
    return "".join(out)
