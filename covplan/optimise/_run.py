"""What every stage of a solve shares: the run's settings and records, side rows, reports."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from covplan.optimise._instance import Instance, unit_matrix
from covplan.optimise._solve import MipResult, solve_mip
from covplan.optimise.result import StageReport, relative_gap

__all__ = ["Run", "feasible", "side_rows", "stage_report"]

Rows = tuple[list[sp.csr_matrix], list[NDArray[np.float64]], list[NDArray[np.float64]]]


@dataclass
class Run:
    """One :meth:`CameraCover.solve`: its settings, and what the stages record."""

    solver: str
    deadline: float
    warm: bool = True
    msg: bool = False
    exact: bool = True
    seconds: dict[str, float] = field(default_factory=dict)
    reduction: dict[str, int] = field(default_factory=dict)
    stages: list[StageReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def left(self, share: int = 1) -> float:
        """Seconds left (at least half a second), divided among ``share`` solves."""
        return max(self.deadline - time.perf_counter(), 0.5) / max(share, 1)

    def add_seconds(self, key: str, seconds: float) -> None:
        """Add ``seconds`` to ``self.seconds[key]``."""
        self.seconds[key] = self.seconds.get(key, 0.0) + float(seconds)

    def mip(
        self,
        c: NDArray[np.float64],
        M: sp.csr_matrix,
        lo: NDArray[np.float64],
        hi: NDArray[np.float64],
        *,
        time_limit_s: float,
        start: NDArray[np.float64] | None = None,
        integral_objective: bool = False,
    ) -> MipResult:
        """:func:`~covplan.optimise._solve.solve_mip` with this run's solver; build seconds kept."""
        r = solve_mip(
            c,
            M,
            lo,
            hi,
            solver=self.solver,
            time_limit_s=time_limit_s,
            start=start,
            integral_objective=integral_objective,
            msg=self.msg,
        )
        self.add_seconds("build", r.build_seconds)
        return r


def feasible(
    M: sp.csr_matrix, lo: NDArray[np.float64], hi: NDArray[np.float64], x: NDArray[np.bool_]
) -> bool:
    """True when ``lo ≤ M x ≤ hi``."""
    v = M @ x.astype(float)
    return bool(np.all(v >= lo - 1e-9) and np.all(v <= hi + 1e-9))


def side_rows(
    inst: Instance,
    cols: NDArray[np.int64],
    cap: NDArray[np.int64],
    forced: NDArray[np.bool_],
) -> Rows:
    """Rows over ``cols``: one pose per camera, site capacities that bind, forced sites."""
    blocks, lo, hi = [], [], []
    cam = inst.camera[cols]
    if inst.n_cameras and (cam >= 0).any():
        U = unit_matrix(cam, inst.n_cameras).T.tocsr()
        present = np.flatnonzero(np.diff(U.indptr) > 0)
        blocks.append(U[present])
        lo.append(np.ones(present.size))
        hi.append(np.ones(present.size))
    site = inst.site[cols]
    if inst.n_sites and (site >= 0).any():
        S = unit_matrix(site, inst.n_sites).T.tocsr()
        n_at = np.diff(S.indptr)
        binding = np.flatnonzero((n_at > cap) & (n_at > 0))
        blocks.append(S[binding])
        lo.append(np.full(binding.size, -np.inf))
        hi.append(cap[binding].astype(float))
        f = np.flatnonzero(forced & (n_at > 0))
        blocks.append(S[f])
        lo.append(np.ones(f.size))
        hi.append(np.full(f.size, np.inf))
    return blocks, lo, hi


def stage_report(
    name: str,
    results: list[MipResult],
    const: float = 0.0,
    *,
    units: str = "",
    sense: str = "min",
    sign: float = 1.0,
) -> StageReport:
    """Sum the parts' results of one stage into its report.

    The parts are independent, so the stage's objective and bound are the sums of
    theirs (plus ``const``, the fixed poses' share); with ``sign=-1`` a minimised
    ``-f`` is reported as ``f`` (then ``const`` is added after the sign).
    """
    obj = const + sign * sum(r.objective for r in results)
    raw = [r.bound for r in results]
    bound: float | None = const + sign * sum(raw) if all(math.isfinite(b) for b in raw) else None
    proven = all(r.status == "optimal" for r in results)
    if proven:
        bound = obj if bound is None else bound
    return StageReport(
        name=name,
        status="optimal" if proven else "time_limit",
        objective=float(obj),
        bound=None if bound is None else float(bound),
        gap=0.0 if proven else relative_gap(obj, bound),
        seconds=float(sum(r.seconds for r in results)),
        units=units,
        sense=sense,
    )
