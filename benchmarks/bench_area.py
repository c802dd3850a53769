"""Load areas: seconds and peak memory to turn an OSM file into an Area.

Each load runs in a fresh Python process, so the peak resident memory (ru_maxrss)
is the load's own plus the imports, reported separately from the imports alone.
Rows: the embedded demo ward and the real HCMC extract (when ../shared/data is present).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from benchmarks.run import SHARED_DATA

_CHILD = r"""
import json, resource, sys, time, tracemalloc
t0 = time.perf_counter()
import covplan
t_import = time.perf_counter() - t0
rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tracemalloc.start()
t1 = time.perf_counter()
area = covplan.area_from_xml(sys.argv[1])
seconds = time.perf_counter() - t1
peak = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
t2 = time.perf_counter()
area = covplan.area_from_xml(sys.argv[1])
seconds_untraced = time.perf_counter() - t2
s = area.summary()
print(json.dumps({
    "import_s": round(t_import, 2), "load_s": round(seconds_untraced, 2),
    "load_traced_s": round(seconds, 2), "py_heap_peak_mib": round(peak, 1),
    "rss_after_import_mib": round(rss_import, 1),
    "rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "routes": int(s["routes"]), "routes_planned": int(s["routes_planned"]),
    "length_km": float(s["length_km"]), "buildings": int(s["buildings"]),
    "poles": int(s["poles"]), "segments": len(area.segments),
}))
"""


def _load(path: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, path], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> pd.DataFrame:
    """Time loading the demo ward and the HCMC extract into an Area."""
    from covplan import datasets

    cases = {"demo ward (synthetic)": str(datasets.get_path("demo-ward.osm"))}
    hcmc = SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2"
    if hcmc.exists():
        cases["HCMC Đa Kao 1.1×1.2 km (real)"] = str(hcmc)
    rows = []
    for name, path in cases.items():
        for repeat in range(1 if quick else 3):
            rows.append({"area": name, "repeat": repeat + 1, **_load(path)})
    return pd.DataFrame(rows)
