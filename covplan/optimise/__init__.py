"""covplan.optimise: which cameras to re-aim and where to put the fewest new ones.

- :mod:`~covplan.optimise.options` — the poses: keep / re-aim surveyed cameras, new
  cameras of catalogue specs at candidate sites and headings.
- :mod:`~covplan.optimise.cover` — :class:`CameraCover`, the lexicographic integer
  programme (HiGHS or CBC through PuLP), reduced exactly before solving.
- :mod:`~covplan.optimise.greedy` — :func:`greedy_cover`, the baseline.
- :mod:`~covplan.optimise.phases` — pilot, phase 1 and phase 2 plans per group.
"""

from __future__ import annotations

from covplan.optimise.cover import CameraCover
from covplan.optimise.greedy import greedy_cover

__all__ = ["CameraCover", "greedy_cover"]
