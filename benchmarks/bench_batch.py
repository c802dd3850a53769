"""A batch of wards on Dask: throughput on 2 workers against 1, and how time grows.

Wards: tiles of the real HCMC extract (../shared/data) in three sizes — a 3×3, a 2×2 and a
1×2 grid over the 1.1 × 1.2 km extract, all cut from the one regional file read once per
batch — and copies of the embedded demo ward (Huế-like, with its groups and survey).
Options are small (4 headings, targets every 10 m, sites every 20 m, no maps) so one
ward takes seconds; the same wards run on a 2-worker and a 1-worker LocalCluster,
side by side. Each cluster is started and warmed up (covplan imported on every worker)
before the clock starts, so the rows time the batch itself; ``startup_s`` says what
starting the cluster cost.

Rows: ``throughput`` (every ward, 2 workers vs 1, and the ratio), ``number`` (batches
of 5, 10 and 20 wards on 2 workers), ``size`` (6 wards of each tile size on 2 workers)
and ``rerun`` (the whole batch again: every ward skipped). ``load_1min`` is the machine's
load average when each row ended: these machines are shared, and a load above the number
of cores means other work took CPU from the batch.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.run import SHARED_DATA

HCMC = SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2"


def _warm(dask_worker: Any) -> bool:
    import covplan.batch.run  # noqa: F401  (the first ward must not pay for the imports)

    return True


def _wards(quick: bool) -> list[dict[str, Any]]:
    from covplan import datasets
    from covplan.area import read_osm_bounds

    rows: list[dict[str, Any]] = []
    if HCMC.exists():
        (w, s, e, n), _, _ = read_osm_bounds(HCMC)
        for size, (nx, ny) in {"small": (3, 3), "medium": (2, 2), "large": (2, 1)}.items():
            dx, dy = (e - w) / nx, (n - s) / ny
            for i in range(nx):
                for j in range(ny):
                    box = (w + i * dx, s + j * dy, w + (i + 1) * dx, s + (j + 1) * dy)
                    rows.append(
                        {
                            "name": f"HCMC {size} {i}{j}",
                            "osm": str(HCMC),
                            "size": size,
                            "boundary": ",".join(f"{x:.6f}" for x in box),
                        }
                    )
    demo = {
        "osm": str(datasets.get_path("demo-ward.osm")),
        "groups": str(datasets.get_path("demo-groups.geojson")),
        "survey": str(datasets.get_path("demo-survey.csv")),
        "size": "demo",
    }
    rows += [{"name": f"Demo {k}", **demo} for k in range(max(20 - len(rows), 6))]
    return rows[:6] if quick else rows


def _manifest(rows: list[dict[str, Any]], folder: Path) -> Path:
    path = folder / f"wards-{len(rows)}-{time.monotonic_ns()}.csv"
    pd.DataFrame(rows).drop(columns="size").to_csv(path, index=False)
    return path


def _batch(client: Any, rows: list[dict[str, Any]], folder: Path, out: Path) -> dict[str, Any]:
    from covplan.batch import plan_batch
    from covplan.plan import PlanOptions

    opts = PlanOptions(headings=4, spacing_m=10, site_spacing_m=20, time_limit_s=60)
    t0 = time.perf_counter()
    res = plan_batch(
        _manifest(rows, folder), out, options=opts, client=client, maps=False, tiles=None
    )
    seconds = time.perf_counter() - t0
    ok = [w for w in res.wards if w.status != "failed"]
    return {
        "wards": len(rows),
        "planned": len(res.by_status("planned")),
        "skipped": len(res.by_status("skipped")),
        "failed": len(res.by_status("failed")),
        "new_cameras": sum(int(w.summary.get("new_cameras") or 0) for w in ok),
        "targets": sum(int(w.summary.get("targets") or 0) for w in ok),
        "seconds": round(seconds, 2),
        "ward_seconds": round(sum(w.seconds for w in res.wards if w.status == "planned"), 2),
        "wards_per_min": round(60 * len(rows) / seconds, 2),
        "load_1min": round(os.getloadavg()[0], 2),  # a shared machine: others' load shows here
    }


def _cluster(workers: int) -> tuple[Any, Any, float]:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    client.run(_warm)
    return cluster, client, round(time.perf_counter() - t0, 2)


def run(quick: bool = False) -> pd.DataFrame:
    """Time a batch of ≥ 20 wards on 2 workers and on 1, and batches of growing number and size."""
    wards = _wards(quick)
    folder = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    rows: list[dict[str, Any]] = []
    try:
        by_workers: dict[int, dict[str, Any]] = {}
        for workers in (2, 1):
            cluster, client, startup = _cluster(workers)
            try:
                out = folder / f"all-{workers}"
                rec = _batch(client, wards, folder, out)
                by_workers[workers] = rec
                rows.append(
                    {
                        "row": "throughput",
                        "case": f"all wards, {workers} workers",
                        "workers": workers,
                        "startup_s": startup,
                        **rec,
                    }
                )
                if workers == 2:
                    rerun = _batch(client, wards, folder, out)
                    rows.append(
                        {
                            "row": "rerun",
                            "case": "all wards again (all skipped)",
                            "workers": 2,
                            "startup_s": startup,
                            **rerun,
                        }
                    )
                    rows += _growth(client, wards, folder, startup, quick)
            finally:
                client.close()
                cluster.close()
        ratio = by_workers[1]["seconds"] / by_workers[2]["seconds"]
        rows.append(
            {
                "row": "throughput",
                "case": "ratio 2 workers / 1 worker",
                "workers": 2,
                "wards": len(wards),
                "wards_per_min": round(ratio, 2),
            }
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return pd.DataFrame(rows)


def _growth(
    client: Any, wards: list[dict[str, Any]], folder: Path, startup: float, quick: bool
) -> list[dict[str, Any]]:
    rows = []
    for n in (2, 4) if quick else (5, 10, 20):
        pick = (wards * 2)[:n]
        pick = [{**w, "name": f"{w['name']} #{k}"} for k, w in enumerate(pick)]
        rec = _batch(client, pick, folder, folder / f"n{n}")
        rows.append(
            {"row": "number", "case": f"{n} wards", "workers": 2, "startup_s": startup, **rec}
        )
    for size in ("small", "medium", "large", "demo"):
        same = [w for w in wards if w["size"] == size]
        if not same:
            continue
        pick = [{**w, "name": f"{w['name']} #{k}"} for k, w in enumerate((same * 6)[:6])]
        rec = _batch(client, pick, folder, folder / f"size-{size}")
        rows.append(
            {"row": "size", "case": f"6 {size} wards", "workers": 2, "startup_s": startup, **rec}
        )
    return rows
