"""Unicost set cover: covplan's exact method against flat HiGHS and flat CBC, in one run.

Instances: OR-Library scp42–45 with unit costs and GECCO 2020's AC_01 (from
``../shared/data/setcover/``, best known 37, 38, 38, 38 and 7), the HCMC extract with
every non-arterial way (``minor_ways=True``; 5 m targets, 10 m sites, issue 5's 90°/25 m
camera, 8 headings, built by :func:`covplan.plan.build_layers`) and the same with the
arterials too, and the generated family of :func:`covplan.optimise.family.camera_family`.

Methods, one after the other on each instance: ``covplan`` —
``CameraCover.from_coverage_matrix(A).solve(solver)`` (reductions, parts, the exact
method of :class:`covplan.optimise.exact.ExactCover`); ``covplan-before`` — the same
with ``exact=False`` (the solve before issue 17); ``flat-highs`` — the whole 0/1
programme passed to HiGHS (highspy, one model); ``flat-cbc`` — the same through PuLP to
CBC. Columns: value, bound, gap, seconds; ``x_flat_highs_s`` is flat HiGHS's seconds
over covplan's (a ratio measured in the same run: the machine is shared).
"""

from __future__ import annotations

import bz2
import logging
import math
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from benchmarks.run import SHARED_DATA

logger = logging.getLogger(__name__)

SETCOVER = SHARED_DATA / "setcover"
BEST_KNOWN = {"scp42": 37, "scp43": 38, "scp44": 38, "scp45": 38, "AC_01": 7}
TIME_LIMIT_S = 60.0
SCP_METHODS = ("covplan", "flat-highs", "flat-cbc")


def public_instances() -> dict[str, sp.csr_matrix]:
    """Read the OR-Library and GECCO instances that are present (unit costs)."""
    from covplan.optimise.exact import ExactCover

    out: dict[str, sp.csr_matrix] = {}
    for name in ("scp42", "scp43", "scp44", "scp45"):
        path = SETCOVER / f"{name}.txt.bz2"
        if path.exists():
            text = bz2.open(path, "rt").read()
            out[name] = ExactCover.from_beasley(text, unit_cost=True).A
    path = SETCOVER / "AC_01_cover.txt.bz2"
    if path.exists():
        out["AC_01"] = ExactCover.from_element_lists(bz2.open(path, "rt").read()).A
    return out


def hcmc_instance(arterials: bool = False) -> sp.csr_matrix:
    """The HCMC all-ways instance through the plan's own stages (unseeable targets dropped)."""
    import covplan
    from benchmarks.bench_optimise_hcmc import EXTRACT, issue_spec
    from covplan.plan import PlanOptions, build_layers

    area = covplan.area_from_xml(EXTRACT, minor_ways=True, arterials=arterials)
    spec = issue_spec()
    opts = PlanOptions(
        spacing_m=5, site_spacing_m=10, headings=8, specs=(spec.spec_id,),
        level_by_kind="observe", end_level="observe", k_at_ends=1,
    )  # fmt: skip
    layers = build_layers(area, cameras=None, catalogue={spec.spec_id: spec}, options=opts)
    A = layers.coverage.seen.tocsr()
    return A[np.diff(A.indptr) > 0].tocsr()


def _covplan(A: sp.csr_matrix, tl: float, solver: str, exact: bool) -> dict[str, Any]:
    from covplan import CameraCover

    t0 = time.perf_counter()
    m = CameraCover.from_coverage_matrix(A, second_views=False).solve(
        solver, time_limit_s=tl, exact=exact
    )
    s = m.summary()
    bound = s["new_bound"]
    return {
        "value": s["new"], "bound": bound, "status": s["status"],
        "seconds": round(time.perf_counter() - t0, 2),
    }  # fmt: skip


def _flat_highs(A: sp.csr_matrix, tl: float) -> dict[str, Any]:
    from covplan.optimise._highs import highs_solve

    t0 = time.perf_counter()
    n = A.shape[1]
    out = highs_solve(
        np.ones(n), A, np.ones(A.shape[0]), np.full(A.shape[0], np.inf),
        integer=True, time_limit_s=tl, gap_abs=1 - 1e-6,
    )  # fmt: skip
    value = round(out.objective) if out.x is not None else math.nan
    bound = math.ceil(out.bound - 1e-6) if math.isfinite(out.bound) else math.nan
    return {
        "value": value, "bound": bound,
        "status": "optimal" if value == bound else "time_limit",
        "seconds": round(time.perf_counter() - t0, 2),
    }  # fmt: skip


def _flat_cbc(A: sp.csr_matrix, tl: float) -> dict[str, Any]:
    from covplan.optimise._solve import solve_mip

    t0 = time.perf_counter()
    n = A.shape[1]
    r = solve_mip(
        np.ones(n), A.astype(float), np.ones(A.shape[0]), np.full(A.shape[0], np.inf),
        solver="cbc", time_limit_s=tl, integral_objective=True,
    )  # fmt: skip
    bound = math.ceil(r.bound - 1e-6) if math.isfinite(r.bound) else math.nan
    return {
        "value": round(r.objective), "bound": bound, "status": r.status,
        "seconds": round(time.perf_counter() - t0, 2),
    }  # fmt: skip


METHODS: dict[str, Callable[[sp.csr_matrix, float], dict[str, Any]]] = {
    "covplan": lambda A, tl: _covplan(A, tl, "highs", True),
    "covplan-cbc": lambda A, tl: _covplan(A, tl, "cbc", True),
    "covplan-before": lambda A, tl: _covplan(A, tl, "highs", False),
    "flat-highs": _flat_highs,
    "flat-cbc": _flat_cbc,
}


def instance_rows(
    name: str, A: sp.csr_matrix, methods: tuple[str, ...], tl: float = TIME_LIMIT_S
) -> list[dict[str, Any]]:
    """Every method on one instance, one after the other; with ratios to covplan's seconds."""
    rows: list[dict[str, Any]] = []
    for method in methods:
        try:
            r = METHODS[method](A, tl)
        except Exception as err:  # a solver missing must not lose the other rows
            logger.warning("%s on %s failed: %s", method, name, traceback.format_exc())
            r = {"note": f"{type(err).__name__}: {err}"}
        v, b = r.get("value", math.nan), r.get("bound", math.nan)
        gap = (v - b) / v if v and b is not None and math.isfinite(b) else math.nan
        rows.append({
            "instance": name, "rows": A.shape[0], "columns": A.shape[1], "nnz": int(A.nnz),
            "best_known": BEST_KNOWN.get(name, math.nan), "method": method,
            "time_limit_s": tl, **r, "gap": round(gap, 4) if math.isfinite(gap) else gap,
        })  # fmt: skip
        logger.info("%s", rows[-1])
    base = next((r["seconds"] for r in rows if r["method"] == "covplan" and "seconds" in r), None)
    for r in rows:
        if base and "seconds" in r:
            r["seconds_over_covplan"] = round(r["seconds"] / max(base, 1e-3), 2)
    return rows


def run(quick: bool = False, only: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run the set-cover benchmark and return its table (``quick``: 10 s, small family)."""
    tl = 10.0 if quick else TIME_LIMIT_S
    methods = ("covplan", "flat-highs", "flat-cbc") if quick else tuple(METHODS)
    instances: list[tuple[str, Callable[[], sp.csr_matrix]]] = []
    pub = public_instances()
    instances += [(n, lambda a=a: a) for n, a in pub.items()]
    if not pub:
        logger.warning("no public set-cover instance under %s", SETCOVER)
    if (SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2").exists():
        instances.append(("hcmc-allways", hcmc_instance))
        instances.append(("hcmc-allways-arterials", lambda: hcmc_instance(True)))
    for seed, size in ((1, 4), (2, 6), (3, 8)) if not quick else ((1, 4),):
        instances.append((f"family-s{seed}-{size}x{size}", lambda s=seed, z=size: _fam(s, z)))
    rows: list[dict[str, Any]] = []
    for name, make in instances:
        if only and name not in only:
            continue
        # the 60-s OR-Library rows: covplan (HiGHS) against both flat solvers only
        use = methods if quick or not name.startswith("scp") else SCP_METHODS
        rows += instance_rows(name, make(), use, tl)
    return pd.DataFrame(rows)


def _fam(seed: int, size: int) -> sp.csr_matrix:
    from covplan.optimise.family import camera_family

    return camera_family(seed, size=size).A


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    table = run(only=tuple(sys.argv[1:]))
    print(table.to_string(index=False))
    table.to_csv(f"/tmp/covplan-sc/setcover-{'-'.join(sys.argv[1:]) or 'all'}.csv", index=False)
