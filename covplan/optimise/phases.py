"""Phased plans per residential group: pilot alley, phase 1, phase 2.

The pilot is the highest-priority alley of the ward; phase 1 covers the one or two
highest-priority alleys of each group fully; phase 2 covers everything. Each phase is
a :class:`~covplan.optimise.cover.CameraCover` whose poses chosen in earlier phases
are fixed (installed cameras stay; a re-aimed camera keeps its new direction).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from covplan.optimise.cover import CameraCover

logger = logging.getLogger(__name__)

__all__ = ["assign_phases", "plan_phases"]


def assign_phases(
    targets: pd.DataFrame,
    *,
    priority: Mapping[str, float] | pd.Series | None = None,
    per_group: int = 2,
) -> pd.Series:
    """Return the phase of each target: 0 pilot, 1 phase 1, 2 phase 2.

    Parameters
    ----------
    targets
        Targets with route_id and group_id.
    priority
        Route priority (route_id → number, higher first); by default the number of
        targets on the route (longer alleys first).
    per_group
        Alleys per group in phase 1 (the ward's plan says one or two).

    Returns
    -------
    pandas.Series
        Named ``phase``, aligned with ``targets``.
    """
    route = targets["route_id"].astype(str)
    group = targets["group_id"].fillna("").astype(str) if "group_id" in targets else route.map(str)
    prio: pd.Series = (
        route.value_counts().astype(float)
        if priority is None
        else pd.Series(dict(priority), dtype=float)
    )
    routes = pd.DataFrame({"route_id": route, "group_id": group}).drop_duplicates("route_id")
    routes["priority"] = routes["route_id"].map(prio).fillna(0.0).astype(float)
    routes = routes.sort_values(["priority", "route_id"], ascending=[False, True])
    pilot = routes["route_id"].iloc[0] if len(routes) else None
    phase1 = set(routes.groupby("group_id", sort=False).head(per_group)["route_id"])
    phase = np.where(route == pilot, 0, np.where(route.isin(phase1), 1, 2))
    return pd.Series(phase, index=targets.index, name="phase")


def plan_phases(
    A: Any,
    phase: np.ndarray | pd.Series,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    **kwargs: Any,
) -> list[CameraCover]:
    """Solve the pilot, phase 1 and phase 2 in turn, keeping earlier phases' poses.

    Parameters
    ----------
    A
        Coverage matrix, targets × poses.
    phase
        Phase per target (0, 1, 2; see :func:`assign_phases`): phase *p* covers every
        target with phase ≤ *p*.
    solver, time_limit_s
        Passed to :meth:`CameraCover.solve` (the limit is per phase).
    **kwargs
        Passed to :meth:`CameraCover.from_coverage_matrix` (cost, k, source, camera,
        site, capacity, ...).

    Returns
    -------
    list of CameraCover
        One solved model per phase that has targets; each one's ``selected`` contains
        the previous one's.
    """
    ph = np.asarray(phase)
    k = np.asarray(kwargs.pop("k", np.ones(ph.size, np.int64))).astype(np.int64)
    kwargs.pop("fixed", None)
    fixed: np.ndarray | None = None
    plans: list[CameraCover] = []
    for p in sorted(set(ph.tolist())):
        k_p = np.where(ph <= p, k, 0)
        model = CameraCover.from_coverage_matrix(A, k=k_p, fixed=fixed, **kwargs)
        model.solve(solver, time_limit_s=time_limit_s)
        plans.append(model)
        # installed and re-aimed cameras stay; a camera left as it is may turn later
        fixed = model.selected & (model.instance.kind != 0)
        logger.info("phase %d: %d new, %d re-aimed in all", p, model.n_new, model.n_reaim)
    return plans
