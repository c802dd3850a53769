"""Geometry benchmark: the coverage matrix on the real HCMC extract and the demo ward.

Per area and sliver tolerance: targets (5 m), candidate sites (10 m), poses (sites × the
whole catalogue × 8 headings), non-zeros, seconds and peak memory of ``coverage_matrix``,
the share and causes of unseeable targets; and, on a slice (the full brute force over
every pair would take hours), the fast matrix against the per-pair shapely reference of
tests/test_geometry_reference.py, timed in the same run, with a check that they are equal.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from shapely.geometry import box

import covplan
from benchmarks._measure import measure, timed
from benchmarks.run import SHARED_DATA
from covplan import datasets
from covplan.camera.spec import load_catalogue
from covplan.geometry import candidate_sites, coverage_matrix, sample_targets, site_poses

HCMC = SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2"
REASONS = ["inside_building", "no_pose_in_range", "outside_every_view", "occluded"]


def _reference():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.test_geometry_reference import brute_force_coverage

    return brute_force_coverage


def _slice(targets, sites, buildings, crs, half_m):
    tm = targets.to_crs(crs)
    pts = np.column_stack([tm.geometry.x, tm.geometry.y])
    crowd = cKDTree(pts).query_ball_point(pts, half_m, return_length=True)
    cx, cy = pts[int(np.argmax(crowd))]
    win = box(cx - half_m, cy - half_m, cx + half_m, cy + half_m)
    t = targets[tm.within(win).to_numpy()]
    s = sites[sites.to_crs(crs).within(win).to_numpy()]
    b = buildings[buildings.to_crs(crs).intersects(win.buffer(60)).to_numpy()]
    return t, s, b


def _rows(name: str, area: Any, quick: bool, slice_half_m: float) -> list[dict[str, Any]]:
    targets = sample_targets(area, spacing_m=5)
    sites = candidate_sites(area, site_spacing_m=10)
    specs = load_catalogue()
    poses = site_poses(sites, specs, headings=8)
    rows = []
    for tol in (0.0, covplan.settings.sliver_tolerance_m):
        args = (targets, poses, area.buildings)
        kw = {"crs": area.crs, "sliver_tolerance_m": tol}
        cov, secs = timed(coverage_matrix, *args, **kw)  # seconds without tracing overhead
        _, _, peak = measure(coverage_matrix, *args, **kw)  # peak heap, traced run
        causes = cov.unseeable["reason"].value_counts()
        row: dict[str, Any] = {
            "area": name,
            "sliver_tolerance_m": tol,
            "targets": len(targets),
            "sites": len(sites),
            "poses": len(poses),
            "sight_lines": cov.stats["sight_lines"],
            "nnz": cov.nnz,
            "seconds": round(secs, 3),
            "peak_mib": round(peak, 1),
            "unseeable": len(cov.unseeable),
            "unseeable_share": round(len(cov.unseeable) / max(1, len(targets)), 4),
        }
        row.update({f"unseeable_{r}": int(causes.get(r, 0)) for r in REASONS})
        rows.append(row)
    # fast vs brute force, same run, on a slice
    brute = _reference()
    t, s, b = _slice(targets, sites, area.buildings, area.crs, slice_half_m)
    p = site_poses(s, specs, headings=8)
    if quick:
        p = p.iloc[: max(1, len(p) // 4)]
    for tol in (0.0, covplan.settings.sliver_tolerance_m):
        t0 = time.perf_counter()
        cov = coverage_matrix(t, p, b, crs=area.crs, sliver_tolerance_m=tol)
        fast_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        seen, _ = brute(t, p, b, crs=area.crs, sliver_tolerance_m=tol)
        slow_s = time.perf_counter() - t0
        rows.append(
            {
                "area": f"{name} slice {2 * slice_half_m:.0f} m",
                "sliver_tolerance_m": tol,
                "targets": len(t),
                "sites": len(s),
                "poses": len(p),
                "nnz": cov.nnz,
                "seconds": round(fast_s, 3),
                "brute_force_seconds": round(slow_s, 2),
                "speed_ratio": round(slow_s / fast_s, 1),
                "identical": bool((cov.seen.toarray() == seen).all()),
            }
        )
    return rows


def run(quick: bool = False) -> pd.DataFrame:
    """Time coverage_matrix on the demo ward and the HCMC extract; compare with brute force."""
    rows: list[dict[str, Any]] = []
    demo = covplan.area_from_xml(datasets.get_path("demo-ward.osm"))
    rows += _rows("demo-ward", demo, quick, 60.0)
    if HCMC.exists():
        area = covplan.area_from_xml(HCMC)
        rows += _rows("hcmc-dakao-1km", area, quick, 50.0 if quick else 100.0)
    else:
        rows.append({"area": f"hcmc-dakao-1km (skipped: {HCMC} absent)"})
    return pd.DataFrame(rows)


if __name__ == "__main__":  # pragma: no cover
    gpd.options.io_engine = "pyogrio"
    print(run(quick="--quick" in sys.argv).to_string(index=False))
