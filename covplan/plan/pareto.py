"""Trade-offs a ward can see: cameras and whole cost against the quality rule and camera class.

:func:`pareto_table` plans the same ward under each combination of

- the DORI level asked **along** the alleys, branch alleys and paths (``detect``,
  ``observe``, ``recognise``; streets keep their own level unless it is weaker; the
  ends keep the options' ``end_level``),
- the **camera class** (``ordinary``: 2 MP / 4 MP bullets and domes; ``all``: the
  whole catalogue, fisheyes included),
- and, where given, a **budget** (whole alleys, highest priority first),

all through one :class:`covplan.plan.PlanCache`, and marks the **Pareto front**: the
scenarios no other scenario beats on every count at once (no more cameras, no more
cost, at least the same level along the routes and at least the same share seen).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from covplan.area import Area
from covplan.camera.spec import CameraSpec
from covplan.plan.options import LEVELS, PlanOptions
from covplan.plan.pipeline import plan_ward
from covplan.plan.stages import PlanCache
from covplan.survey import Survey
from covplan.vocab import format_vnd, label

__all__ = ["PARETO_COLUMNS", "pareto_front", "pareto_table", "pareto_text", "scenario_options"]

#: Columns of :func:`pareto_table`.
PARETO_COLUMNS: tuple[str, ...] = (
    "scenario",
    "level_along",
    "camera_class",
    "budget_vnd",
    "new_cameras",
    "cost_vnd",
    "camera_vnd",
    "share_seen",
    "routes_complete",
    "proven",
    "pareto",
)


def scenario_options(
    base: PlanOptions, level_along: str, camera_class: str, budget_vnd: int | None
) -> PlanOptions:
    """Return ``base`` with one scenario's quality rule, camera class and budget.

    Parameters
    ----------
    base
        The ward's options (spacing, headings, end level, pins… stay).
    level_along
        Level asked along alleys, branch alleys and paths; a street asks at least it.
    camera_class
        ``"ordinary"`` or ``"all"``.
    budget_vnd
        Whole VND, or None for the full plan.

    Returns
    -------
    PlanOptions
    """
    return base.with_level(level_along).replace(
        camera_class=camera_class,
        budget_vnd=budget_vnd,
        specs=None if camera_class == "all" else base.specs,
    )


def pareto_front(table: pd.DataFrame) -> np.ndarray:
    """Return which scenarios no other beats on every count (bool per row).

    A scenario is dominated when another has no more new cameras, no higher cost, a
    level along the routes at least as high and a share seen at least as high, and is
    strictly better on one of them.

    Parameters
    ----------
    table
        With ``new_cameras``, ``cost_vnd``, ``level_along`` and ``share_seen``.

    Returns
    -------
    numpy.ndarray of bool
    """
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    cams = table["new_cameras"].to_numpy(float)
    cost = table["cost_vnd"].to_numpy(float)
    level = table["level_along"].map(rank).to_numpy(float)
    share = table["share_seen"].fillna(0.0).to_numpy(float)
    n = len(table)
    front = np.ones(n, dtype=bool)
    for i in range(n):  # a handful of scenarios
        no_worse = (cams <= cams[i]) & (cost <= cost[i]) & (level >= level[i]) & (share >= share[i])
        better = (cams < cams[i]) | (cost < cost[i]) | (level > level[i]) | (share > share[i])
        front[i] = not (no_worse & better).any()
    return front


def pareto_table(
    area: Area,
    *,
    survey: Survey | None = None,
    catalogue: Mapping[str, CameraSpec] | None = None,
    options: PlanOptions | None = None,
    levels: Sequence[str] = ("detect", "observe", "recognise"),
    classes: Sequence[str] = ("ordinary", "all"),
    budgets: Iterable[int] = (),
    cache: PlanCache | None = None,
) -> pd.DataFrame:
    """Plan the ward under every scenario and return the table with its Pareto front.

    Parameters
    ----------
    area
        The ward.
    survey
        The camera register, or None.
    catalogue
        Camera specs (default: the shipped catalogue).
    options
        The ward's options; each scenario changes only the level along the routes,
        the camera class and the budget.
    levels
        Levels asked along alleys, branch alleys and paths.
    classes
        Camera classes.
    budgets
        Budgets in whole VND, each planned with the first level and class (whole
        alleys, priority first).
    cache
        Stage results to share (one is made when None).

    Returns
    -------
    pandas.DataFrame
        :data:`PARETO_COLUMNS`: scenario (a short name), level_along, camera_class,
        budget_vnd (None for the full plan), new_cameras, cost_vnd (whole one-off
        bill, int), camera_vnd (the cameras' price alone, int), share_seen (of the
        targets), routes_complete (planned routes fully seen), proven (the camera
        count is proven the fewest), pareto (on the front).
    """
    base = options or PlanOptions()
    cache = cache if cache is not None else PlanCache()
    rows: list[dict[str, Any]] = []
    runs: list[tuple[str, str, int | None]] = [(lv, cl, None) for lv in levels for cl in classes]
    runs += [(levels[0], classes[0], int(b)) for b in budgets]
    for level, cls, budget in runs:
        opts = scenario_options(base, level, cls, budget)
        plan = plan_ward(area, survey=survey, catalogue=catalogue, options=opts, cache=cache)
        rows.append(_row(plan, level, cls, budget))
    table = pd.DataFrame(rows, columns=list(PARETO_COLUMNS))
    table["pareto"] = pareto_front(table)
    return table


def _row(plan: Any, level: str, cls: str, budget: int | None) -> dict[str, Any]:
    s = plan.summary
    targets = plan.targets
    complete = targets.groupby("route_id")["seen"].all() if len(targets) else pd.Series([])
    name = f"{level}/{cls}" + ("" if budget is None else f"/{budget // 1_000_000}M")
    return {
        "scenario": name,
        "level_along": level,
        "camera_class": cls,
        "budget_vnd": budget,
        "new_cameras": int(s["new_cameras"]),
        "cost_vnd": int(s["cost_vnd"]),
        "camera_vnd": int(s.get("cost_parts", {}).get("camera", 0)),
        "share_seen": s["coverage"]["overall"],
        "routes_complete": int(complete.sum()),
        "proven": bool(s["proven"]),
        "pareto": False,
    }


def pareto_text(table: pd.DataFrame, lang: str = "vi") -> str:
    """Return the Pareto table as aligned text for the summary (front marked with ``*``).

    Parameters
    ----------
    table
        From :func:`pareto_table`.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
    """
    head = [
        label("pareto_level", lang),
        label("pareto_class", lang),
        label("budget", lang),
        label("new_cameras", lang),
        label("cost_vnd", lang),
        label("coverage", lang),
        "",
    ]
    records: list[dict[Any, Any]] = table.to_dict("records")
    body = [
        [
            label(f"level_{r['level_along']}", lang),
            label(f"class_{r['camera_class']}", lang),
            "—" if pd.isna(r["budget_vnd"]) else format_vnd(int(r["budget_vnd"]), lang),
            str(r["new_cameras"]),
            format_vnd(int(r["cost_vnd"]), lang),
            "—" if pd.isna(r["share_seen"]) else f"{float(r['share_seen']):.1%}",
            "*" if r["pareto"] else "",
        ]
        for r in records
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in [head, *body]
    ]
    lines.append(f"* {label('pareto_front', lang)}")
    return "\n".join(line.rstrip() for line in lines)
