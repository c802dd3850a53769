"""Compose a :class:`~covplan.optimise.result.CoverResult` from a run's stages and plan."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from covplan.optimise._instance import KEEP, NEW, REAIM, Instance
from covplan.optimise._run import Run
from covplan.optimise._stages import prices_vary
from covplan.optimise.result import CoverResult, StageReport, decode_new_bound

__all__ = ["cover_result"]


def _stage_seconds(run: Run) -> dict[str, float]:
    seconds = dict(run.seconds)
    for st in run.stages:
        seconds[st.name] = seconds.get(st.name, 0.0) + st.seconds
    return seconds


def _cost_bound(inst: Instance, stage: StageReport | None, cost_vnd: int) -> int | None:
    """Whole-VND lower bound on cost from the cost stage (rounded up if prices are whole)."""
    if stage is None or stage.bound is None or not math.isfinite(stage.bound):
        return None
    whole = bool(np.all(inst.cost == np.round(inst.cost)))
    b = math.ceil(stage.bound - 1e-6) if whole else math.floor(stage.bound + 1e-6)
    return min(int(b), cost_vnd)


def _status(stages: Sequence[StageReport], skipped: Sequence[str], conflict: bool) -> str:
    if conflict:
        return "infeasible"
    if all(s.proven for s in stages) and not skipped:
        return "optimal"
    if skipped or any(s.status == "time_limit" for s in stages):
        return "time_limit"
    return "feasible"


def cover_result(
    inst: Instance,
    x: NDArray[np.bool_],
    cover_count: NDArray[np.int64],
    run: Run,
    *,
    conflict: bool,
) -> CoverResult:
    """Return what plan ``x`` of the (demand-capped) instance ``inst`` achieved and proved."""
    stages = tuple(run.stages)
    by_name = {s.name: s for s in stages}
    n_new = int((x & (inst.kind == NEW)).sum())
    cost_vnd = round(float(inst.cost[x].sum()))
    met = (inst.k > 0) & (cover_count >= inst.k)
    covered = float(inst.weight[met].sum())
    new_bound: int | None = None
    cov_bound: float | None = None
    coverage = by_name.get("coverage")
    if coverage is not None:
        if coverage.bound is not None:
            cov_bound = max(coverage.bound, covered)
        tol = 1e-6 * max(1.0, abs(covered))
        proven = coverage.proven or (cov_bound is not None and cov_bound - covered <= tol)
        cost_bound = _cost_bound(inst, by_name.get("cost"), cost_vnd)
    else:
        cams = by_name.get("cameras")
        decoded = decode_new_bound(cams.bound if cams else None, inst.lex_weight())
        new_bound = None if decoded is None else min(decoded, n_new)
        proven = new_bound == n_new
        if "cost" in by_name:
            cost_bound = _cost_bound(inst, by_name["cost"], cost_vnd)
        else:
            cost_bound = cost_vnd if not prices_vary(inst) else None
    return CoverResult(
        new_cameras=n_new,
        reaimed_cameras=int((x & (inst.kind == REAIM)).sum()),
        kept_cameras=int((x & (inst.kind == KEEP)).sum()),
        cost_vnd=cost_vnd,
        new_cameras_bound=new_bound,
        cost_bound_vnd=cost_bound,
        covered_weight=covered,
        covered_weight_bound=cov_bound,
        proven=bool(proven),
        status=_status(stages, run.skipped, conflict),
        stages=stages,
        seconds=_stage_seconds(run),
        skipped=tuple(run.skipped),
    )
