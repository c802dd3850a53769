"""The notebook explorer and its drawing: a view over :mod:`covplan.plan`, not a pipeline.

- :class:`PlanExplorer` — the ipywidgets panel: knobs that re-solve through
  :func:`covplan.plan.plan_ward` (with its stage cache), a live map (:class:`PlanMap`)
  where a click pins or forbids a mount or shows a camera's or a route's row, progress
  by stage and a Stop button, every scenario solved side by side with its Pareto front;
  :attr:`PlanExplorer.plan` is the same :class:`covplan.plan.Plan` ``covplan plan``
  writes, and :meth:`PlanExplorer.write` writes it.
- :class:`PlanMap` — the ipyleaflet map of a plan: vector layers only (works offline),
  OpenStreetMap tiles when asked.
- :func:`scenario_table` — scenarios (plans) side by side, Pareto front marked.
- :func:`draw_plan` — the ward map of a plan (a matplotlib ``Figure``, no pyplot state);
  :func:`result_bundle` — it as a picture and table a saved notebook keeps.
- :func:`site_choices` — candidate sites as dropdown labels, poles and alley ends first.
- :func:`synthetic_road_clip` — a clip rendered from a camera pose, for the picture
  checks where no real clip is at hand.

Examples
--------
>>> import covplan
>>> from covplan.widgets import PlanExplorer
>>> area = covplan.area_from_xml(covplan.datasets.get_path("demo-ward.osm"))  # doctest: +SKIP
>>> explorer = PlanExplorer(area, headings=4)  # doctest: +SKIP
>>> explorer  # doctest: +SKIP
"""

from __future__ import annotations

from covplan.plan.options import LEVELS
from covplan.widgets._clip import synthetic_road_clip
from covplan.widgets._draw import draw_plan, figures_html, result_bundle, site_choices
from covplan.widgets._explorer import PlanExplorer
from covplan.widgets._map import PlanMap
from covplan.widgets._scenarios import scenario_table

__all__ = [
    "LEVELS",
    "PlanExplorer",
    "PlanMap",
    "draw_plan",
    "figures_html",
    "result_bundle",
    "scenario_table",
    "site_choices",
    "synthetic_road_clip",
]
