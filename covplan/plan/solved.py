"""What one solve of a plan gives: the full plan's model and what is cut out of it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from covplan.optimise import CameraCover
from covplan.optimise.phases import BudgetSelection, PhasePlan

__all__ = ["Solved"]


@dataclass(frozen=True)
class Solved:
    """One solve of the plan: the model of the full plan and what was cut out of it.

    Attributes
    ----------
    model
        The solved :class:`covplan.CameraCover` of the full plan (fewest cameras, then
        the lowest whole cost).
    selected
        Bool over poses: the plan — the full plan, or a budget's whole routes of it.
    phases
        The pilot, phase 1 and phase 2 (with ``options.phases``), else None.
    budget
        What the budget bought (with ``options.budget_vnd``), else None.
    """

    model: CameraCover
    selected: np.ndarray
    phases: PhasePlan | None = None
    budget: BudgetSelection | None = None
