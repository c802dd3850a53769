"""covplan.optimise: which cameras to re-aim and where to put the fewest new ones.

- :mod:`~covplan.optimise.options` — :func:`poses_from`, the poses: keep / re-aim
  surveyed cameras, new cameras of catalogue specs at candidate sites and headings.
- :mod:`~covplan.optimise.cover` — :class:`CameraCover`, the lexicographic integer
  programme (HiGHS or CBC through PuLP), reduced exactly before solving; its stages in
  ``_cameras`` (1), ``_stages`` (2, 3) and ``_budget``.
- :mod:`~covplan.optimise.exact` — :class:`ExactCover`, the exact covering method
  (Lagrangian bound, fixing, local search, cutoff search) behind stage 1's pure
  covering parts, and for any set-cover instance; :mod:`~covplan.optimise.family`
  generates harder camera instances for tests and benchmarks.
- :mod:`~covplan.optimise.result` — :class:`CoverResult` and :class:`StageReport`,
  what a solve proves.
- :mod:`~covplan.optimise.greedy` — :func:`greedy_cover`, the baseline.
- :mod:`~covplan.optimise.phases` — :func:`phase_plan` (pilot, phase 1, phase 2) and
  :func:`budget_selection` (whole routes within a budget), both cut out of one full plan.
"""

from __future__ import annotations

from covplan.optimise.cover import CameraCover
from covplan.optimise.greedy import greedy_cover
from covplan.optimise.options import poses_from
from covplan.optimise.phases import BudgetSelection, PhasePlan, budget_selection, phase_plan
from covplan.optimise.result import CoverResult, StageReport

__all__ = [
    "BudgetSelection",
    "CameraCover",
    "CoverResult",
    "PhasePlan",
    "StageReport",
    "budget_selection",
    "greedy_cover",
    "phase_plan",
    "poses_from",
]
