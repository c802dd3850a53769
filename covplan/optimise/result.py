r"""What a solve proves: :class:`StageReport` per solver stage, :class:`CoverResult` overall.

The stage-1 objective of a cover-all plan is :math:`W\cdot\text{new} + \text{re-aims}`
(see :class:`~covplan.optimise.cover.CameraCover`); :func:`decode_new_bound` turns the
solver's bound on it into a bound on new cameras, so no caller decodes the weighting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["CoverResult", "StageReport", "decode_new_bound", "relative_gap"]


@dataclass(frozen=True)
class StageReport:
    """One lexicographic stage as the solver left it.

    Attributes
    ----------
    name
        ``"cameras"`` (W·new + re-aims), ``"cost"`` (VND), ``"second_views"`` (targets
        seen twice among those needing one view), ``"coverage"`` (weighted coverage of a
        budget plan).
    status
        ``"optimal"`` (the bound meets the objective) or ``"time_limit"``.
    objective
        The stage's own objective value, in its own units (see ``units``).
    bound
        The solver's bound on it (lower for a minimum, upper for a maximum); None when
        the solver gave none.
    gap
        Relative gap ``|objective - bound| / |objective|``; 0.0 when proven; None when
        there is no bound.
    seconds
        Solver seconds of the stage.
    units
        What ``objective`` counts, e.g. ``"52·new + re-aims"`` or ``"VND"``.
    sense
        ``"min"`` or ``"max"``.
    """

    name: str
    status: str
    objective: float
    bound: float | None
    gap: float | None
    seconds: float
    units: str = ""
    sense: str = "min"

    @property
    def proven(self) -> bool:
        """True when the solver proved this stage optimal."""
        return self.status == "optimal"


@dataclass(frozen=True)
class CoverResult:
    """The plan's figures and what the solver proved about them.

    A claim of optimality is a bound that meets the incumbent: ``proven`` is True only
    when the primary objective's bound equals the plan's value (new cameras for a
    cover-all plan, weighted coverage for a budget plan).

    Attributes
    ----------
    new_cameras, reaimed_cameras, kept_cameras
        Poses chosen by source.
    cost_vnd
        Cost of the chosen poses, whole VND.
    new_cameras_bound
        Cover-all plans: a proven lower bound on the new cameras of *any* plan of this
        model (its fixings, capacities and capped demands included), decoded from the
        stage-1 bound; equals ``new_cameras`` when proven. None for budget plans (they
        do not minimise new cameras) and when the solver gave no bound.
    cost_bound_vnd
        A proven lower bound on the cost of any plan with the plan's stage-1 value (its
        new cameras and re-aims; for a budget plan: its coverage); None if unknown.
    covered_weight
        Weight of the targets whose demand (``k``, capped at the views any pose can
        give) is met and positive. Budget plans maximise it.
    covered_weight_bound
        Budget plans: the solver's upper bound on ``covered_weight``; else None.
    proven
        True only if the primary objective's bound meets the plan.
    status
        ``"optimal"``: every stage that ran is proven; ``"time_limit"``: a stage stopped
        at the time limit or was skipped for want of time; ``"feasible"``: a plan, no
        proof; ``"infeasible"``: the cover-all model has no plan (site capacities or
        forced sites conflict) and the plan covers the most weight instead.
    stages
        One :class:`StageReport` per stage, in order.
    seconds
        Seconds per stage (``cameras``, ``cost``, ``second_views``, ``coverage``) and of
        ``check``, ``reduce``, ``build`` (PuLP model building), ``greedy``, ``total``.
    skipped
        Stages not run for want of time.
    """

    new_cameras: int
    reaimed_cameras: int
    kept_cameras: int
    cost_vnd: int
    new_cameras_bound: int | None
    cost_bound_vnd: int | None
    covered_weight: float
    covered_weight_bound: float | None
    proven: bool
    status: str
    stages: tuple[StageReport, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    @property
    def budget(self) -> bool:
        """True for a plan that maximised coverage (a budget, or conflicting capacities)."""
        return any(s.name == "coverage" for s in self.stages)

    @property
    def gap(self) -> float | None:
        """Relative gap of the primary objective (new cameras; coverage for budgets).

        0.0 when proven; None when no bound is known.
        """
        if self.budget:
            if self.covered_weight_bound is None:
                return None
            return (
                0.0 if self.proven else relative_gap(self.covered_weight, self.covered_weight_bound)
            )
        if self.new_cameras_bound is None:
            return None
        return 0.0 if self.proven else relative_gap(self.new_cameras, self.new_cameras_bound)

    def stage(self, name: str) -> StageReport | None:
        """Return the report of stage ``name``, or None if it did not run."""
        return next((s for s in self.stages if s.name == name), None)


def relative_gap(objective: float, bound: float | None) -> float | None:
    """``|objective - bound| / max(|objective|, 1e-9)``; None without a finite bound."""
    if bound is None or not (math.isfinite(objective) and math.isfinite(bound)):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def decode_new_bound(bound: float | None, weight: int) -> int | None:
    """Lower bound on new cameras from a lower bound on ``W·new + re-aims``.

    Every plan re-aims fewer than ``W`` cameras, so ``W·N + R ≥ bound`` with
    ``R ≤ W - 1`` gives ``N ≥ (bound - (W - 1)) / W``, rounded up.
    """
    if bound is None or not math.isfinite(bound):
        return None
    w = max(int(weight), 1)
    return max(0, math.ceil((float(bound) - (w - 1)) / w - 1e-9))
