"""Phased plans per residential group: pilot alley, phase 1, phase 2.

The pilot is the highest-priority alley of the ward; phase 1 covers the one or two
highest-priority alleys of each group fully; phase 2 covers everything. Each phase is
a :class:`~covplan.optimise.cover.CameraCover` whose poses chosen in earlier phases
are fixed (installed cameras stay; a re-aimed camera keeps its new direction);
:func:`solve_in_phases` is the one loop that plans them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from covplan.optimise.cover import CameraCover

logger = logging.getLogger(__name__)

__all__ = ["assign_phases", "solve_in_phases"]


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


def solve_in_phases(
    targets: pd.DataFrame,
    poses: pd.DataFrame,
    coverage: Any,
    *,
    sites: pd.DataFrame,
    forced_sites: Iterable[object] = (),
    forbidden_sites: Iterable[object] = (),
    budget_vnd: float | None = None,
    allow_uncovered: bool = True,
    second_views: bool = True,
    solver: str | None = None,
    time_limit_s: float | None = None,
) -> tuple[CameraCover, list[int | None]]:
    """Plan the pilot, phase 1 and phase 2 in turn, keeping each phase's cameras.

    Targets get their phase from :func:`assign_phases` (0 the pilot alley, 1 the one or
    two highest-priority alleys of each residential group, 2 the rest). Phase *p*
    covers every target of phases ≤ *p* (the others' ``k_required`` is 0) with the
    poses the earlier phases chose fixed — installed cameras stay, a re-aimed camera
    keeps its new direction; a camera left as it is (``keep``) may still turn later.
    Each chosen pose is labelled with the phase that first chose it.

    Parameters
    ----------
    targets
        Targets (route_id, group_id, k_required, ...), with a CRS.
    poses
        Poses (:func:`covplan.optimise.options.poses_from`).
    coverage
        Their coverage (a ``Coverage`` or a targets × poses matrix).
    sites
        Candidate sites with ``capacity``.
    forced_sites, forbidden_sites, budget_vnd, allow_uncovered, second_views
        As in :meth:`CameraCover.from_geodataframes`, for every phase (the budget is
        the whole plan's: earlier phases' cameras count against it).
    solver, time_limit_s
        Passed to :meth:`CameraCover.solve` (the limit is per phase).

    Returns
    -------
    model, phase
        The last phase's solved model (the whole plan) and, per pose, the phase that
        first chose it (None for poses not in the final plan).
    """
    t_phase = assign_phases(targets).to_numpy()
    k_all = targets["k_required"].to_numpy() if "k_required" in targets else np.ones(len(targets))
    movable = poses["source"].to_numpy() == "keep"
    phase: list[int | None] = [None] * len(poses)
    fixed: np.ndarray | None = None
    forced, forbidden = list(forced_sites), list(forbidden_sites)
    model: CameraCover | None = None
    for p in sorted(set(t_phase.tolist())) or [2]:
        step = targets.assign(k_required=np.where(t_phase <= p, k_all, 0).astype(np.int64))
        model = CameraCover.from_geodataframes(
            step,
            poses,
            coverage,
            sites=sites,
            forced_sites=forced,
            forbidden_sites=forbidden,
            fixed=fixed,
            budget_vnd=budget_vnd,
            allow_uncovered=allow_uncovered,
            second_views=second_views,
        ).solve(solver, time_limit_s=time_limit_s)
        chosen = np.asarray(model.selected, dtype=bool)
        for j in np.flatnonzero(chosen):
            if phase[j] is None:
                phase[j] = int(p)
        fixed = chosen & ~movable
        logger.info("phase %d: %d new, %d re-aimed in all", p, model.n_new, model.n_reaim)
    assert model is not None  # at least one phase ran
    # a kept camera that a later phase turns instead keeps its first phase; one dropped has none
    final = [ph if bool(sel) else None for ph, sel in zip(phase, model.selected, strict=True)]
    return model, final
