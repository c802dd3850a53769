"""The notebook explorer and its drawing: a view over :mod:`covplan.plan`, not a pipeline.

- :class:`PlanExplorer` — the ipywidgets panel: knobs that re-solve through
  :func:`covplan.plan.plan_ward` (with its stage cache), pin / forbid a site, a
  progress bar and a Stop button; :attr:`PlanExplorer.plan` is the same
  :class:`covplan.plan.Plan` ``covplan plan`` writes, and :meth:`PlanExplorer.write`
  writes it.
- :func:`draw_plan` — the ward map of a plan (a matplotlib ``Figure``, no pyplot state).
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
from covplan.widgets._draw import draw_plan, figures_html, site_choices
from covplan.widgets._explorer import PlanExplorer

__all__ = [
    "LEVELS",
    "PlanExplorer",
    "draw_plan",
    "figures_html",
    "site_choices",
    "synthetic_road_clip",
]
