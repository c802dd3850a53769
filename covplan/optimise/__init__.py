"""covplan.optimise: which cameras to re-aim and where to put the fewest new ones.

- :mod:`~covplan.optimise.options` — :func:`poses_from`, the poses: keep / re-aim
  surveyed cameras, new cameras of catalogue specs at candidate sites and headings.
- :mod:`~covplan.optimise.cover` — :class:`CameraCover`, the lexicographic integer
  programme (HiGHS or CBC through PuLP), reduced exactly before solving; its stages in
  ``_cameras`` (1), ``_stages`` (2, 3) and ``_budget``.
- :mod:`~covplan.optimise.result` — :class:`CoverResult` and :class:`StageReport`,
  what a solve proves.
- :mod:`~covplan.optimise.greedy` — :func:`greedy_cover`, the baseline.
- :mod:`~covplan.optimise.phases` — :func:`solve_in_phases`: pilot, phase 1, phase 2.
"""

from __future__ import annotations

from covplan.optimise.cover import CameraCover
from covplan.optimise.greedy import greedy_cover
from covplan.optimise.options import poses_from
from covplan.optimise.phases import assign_phases, solve_in_phases
from covplan.optimise.result import CoverResult, StageReport

__all__ = [
    "CameraCover",
    "CoverResult",
    "StageReport",
    "assign_phases",
    "greedy_cover",
    "poses_from",
    "solve_in_phases",
]
