"""The planning pipeline every caller shares: options → layers → solve → :class:`Plan`.

- :class:`PlanOptions` — every planning knob, once (frozen; validated on creation).
- :func:`plan_ward` — area, survey and options in, a :class:`Plan` out; the staged
  functions behind it (:func:`build_layers`, :func:`solve_layers`,
  :func:`assemble_plan`) and a :class:`PlanCache` that keeps every stage whose knobs
  did not change.
- :class:`Plan` — the plan, its lists, layers and summary; :meth:`Plan.write` writes
  every file a planner opens (:func:`write_plan`, all or nothing).
- :func:`summary_text` — the summary a planner reads.

``covplan plan``, the notebooks and :class:`covplan.widgets.PlanExplorer` are thin
callers of this package.
"""

from __future__ import annotations

from covplan.plan.options import LEVELS, ROUTE_KINDS, STAGES, PlanOptions
from covplan.plan.pareto import pareto_table
from covplan.plan.pipeline import (
    PIPELINE_STAGES,
    assemble_plan,
    greedy_baseline,
    plan_ward,
    solve_layers,
)
from covplan.plan.result import Plan
from covplan.plan.stages import (
    Layers,
    PlanCache,
    build_coverage,
    build_layers,
    build_occluders,
    build_poses,
    build_sites,
    build_targets,
)
from covplan.plan.summary import plan_summary, summary_text
from covplan.plan.write import STAGING_PREFIX, Progress, write_plan

__all__ = [
    "LEVELS",
    "PIPELINE_STAGES",
    "ROUTE_KINDS",
    "STAGES",
    "STAGING_PREFIX",
    "Layers",
    "Plan",
    "PlanCache",
    "PlanOptions",
    "Progress",
    "assemble_plan",
    "build_coverage",
    "build_layers",
    "build_occluders",
    "build_poses",
    "build_sites",
    "build_targets",
    "greedy_baseline",
    "pareto_table",
    "plan_summary",
    "plan_ward",
    "solve_layers",
    "summary_text",
    "write_plan",
]
