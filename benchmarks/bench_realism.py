"""Plan realism: how a ward would judge the default plan, before and after a change.

Plans the embedded demo ward (synthetic, with its survey, as ``covplan demo`` does) and
the real HCMC extract (Đa Kao 1 km, no survey, as ``covplan plan`` on it) with the
default :class:`covplan.plan.PlanOptions`, and measures each plan with
:func:`covplan.plan.realism.realism`: new cameras per 100 m of alley, alley ends with a
camera within 5 m, new cameras on a mount (pole, lamp, wall, gate) or on a bare
``edge`` point, nearest-neighbour spacing of new cameras' sites, cameras on the longest
alleys, cost.

Two modes:

- ``python -m benchmarks.run realism`` (or :func:`run`) measures the code on the path
  and writes ``benchmarks/results/realism.csv`` (``ward, measure, value, unit, before,
  ratio, detail``), ``before`` from ``results/realism_before.csv`` when it exists;
- ``python benchmarks/bench_realism.py --before`` measures whatever ``covplan`` the
  interpreter imports and writes ``results/realism_before.csv``. To measure an older
  commit, check it out in a worktree and run from outside this checkout, e.g.::

      git worktree add /tmp/covplan-before <commit>
      cd /tmp && PYTHONPATH=/tmp/covplan-before python /path/to/benchmarks/bench_realism.py --before

  The older code has no :mod:`covplan.plan.realism`; this script then loads the module
  from this checkout by path, so both sides are measured by the same functions.

HCMC planning takes about two minutes; ``--quick`` plans the demo ward only.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BEFORE_CSV = RESULTS / "realism_before.csv"
# as benchmarks.run.SHARED_DATA, computed here: under --before the ``benchmarks``
# package on the path may be another checkout's
SHARED_DATA = HERE.parent.parent / "shared" / "data"
EXTRACT = SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2"

WARDS = ("demo", "hcmc-dakao")
COLUMNS = ["ward", "measure", "value", "unit", "before", "ratio", "detail"]
# measures whose ratio says nothing: the same ward's route lengths and end counts
_NO_RATIO = ("planned_route_m", "planned_alley_m", "alley_ends", "dead_ends", "mouths")
_NO_RATIO += ("alley_route_ends",)


def realism_module() -> ModuleType:
    """Return :mod:`covplan.plan.realism`, from this checkout when ``covplan`` lacks it."""
    try:
        return importlib.import_module("covplan.plan.realism")
    except ModuleNotFoundError:
        path = HERE.parent / "covplan" / "plan" / "realism.py"
        spec = importlib.util.spec_from_file_location("covplan_realism_here", path)
        if spec is None or spec.loader is None:
            raise
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _owner_key_outside_home() -> None:
    """Read the demo survey with a throw-away pseudonym key, never the user's ~/.config one."""
    if "COVPLAN_OWNER_KEY" not in os.environ and "COVPLAN_OWNER_KEY_FILE" not in os.environ:
        key = Path(tempfile.mkdtemp(prefix="covplan-bench-")) / "owner.key"
        os.environ["COVPLAN_OWNER_KEY_FILE"] = str(key)


def load_ward(ward: str) -> tuple[Any, Any] | None:
    """Return (area, survey path or None) of a ward, None when its data is absent."""
    import covplan
    from covplan import datasets

    if ward == "demo":
        _owner_key_outside_home()
        area = covplan.area_from_xml(
            datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
        )
        return area, datasets.get_path("demo-survey.csv")
    if ward == "hcmc-dakao":
        if not EXTRACT.exists():
            return None
        return covplan.area_from_xml(EXTRACT), None
    raise ValueError(f"unknown ward {ward!r}; choose from {WARDS}")


def measure_ward(ward: str) -> pd.DataFrame:
    """Plan one ward with the default options and return its realism rows.

    Returns
    -------
    pandas.DataFrame
        ``ward, measure, value, unit, detail``, timings (``seconds_*``) last; a single
        ``skipped`` row when the ward's data is absent.
    """
    from covplan.plan import plan_ward

    t0 = time.perf_counter()
    loaded = load_ward(ward)
    if loaded is None:
        msg = f"skipped: {EXTRACT} absent"
        print(f"[realism] {ward}: {msg}", file=sys.stderr)
        return pd.DataFrame(
            [{"ward": ward, "measure": "skipped", "value": math.nan, "unit": "", "detail": msg}]
        )
    area, survey = loaded
    t1 = time.perf_counter()
    plan = plan_ward(area, survey=survey)
    t2 = time.perf_counter()
    table = realism_module().realism(plan, area)
    t3 = time.perf_counter()
    timing = pd.DataFrame(
        [
            ("seconds_load", t1 - t0, "s", "area (and nothing else) from the file"),
            ("seconds_plan", t2 - t1, "s", "plan_ward, default options"),
            ("seconds_realism", t3 - t2, "s", "realism()"),
        ],
        columns=["measure", "value", "unit", "detail"],
    )
    print(
        f"[realism] {ward}: {int(plan.summary['new_cameras'])} new, "
        f"load {t1 - t0:.1f} s, plan {t2 - t1:.1f} s, realism {t3 - t2:.2f} s",
        file=sys.stderr,
    )
    out = pd.concat([table, timing], ignore_index=True)
    out.insert(0, "ward", ward)
    return out[["ward", "measure", "value", "unit", "detail"]]


def measure(wards: tuple[str, ...] = WARDS) -> pd.DataFrame:
    """Measure every ward in ``wards`` with the ``covplan`` on the path."""
    return pd.concat([measure_ward(w) for w in wards], ignore_index=True)


def with_before(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``before`` and ``ratio`` (now / before) columns to ``now``.

    A ratio is given when both values are finite and ``before`` is not zero, except for
    the area's own counts (lengths, ends: the same ward either side) and for a longest
    alley whose route differs either side.
    """
    out = now.copy()
    out["before"] = math.nan
    out["ratio"] = math.nan
    if before is None or not len(before):
        return out[COLUMNS]
    b = before.drop_duplicates(["ward", "measure"]).set_index(["ward", "measure"])
    key = pd.MultiIndex.from_frame(out[["ward", "measure"]])
    out["before"] = b["value"].reindex(key).to_numpy(float)
    same_detail = (
        b["detail"].reindex(key).fillna("").astype(str).to_numpy() == out["detail"].fillna("")
    ).to_numpy()
    value, prev = out["value"].to_numpy(float), out["before"].to_numpy(float)
    ok = pd.Series(value).notna().to_numpy() & pd.Series(prev).notna().to_numpy() & (prev != 0)
    ok &= ~out["measure"].isin(_NO_RATIO).to_numpy()
    ok &= ~(out["measure"].str.endswith("_length_m")).to_numpy()
    ok &= ~(out["measure"].str.startswith("longest_alley_").to_numpy() & ~same_detail)
    ratio = pd.Series(math.nan, index=out.index)
    ratio[ok] = value[ok] / prev[ok]
    out["ratio"] = ratio.round(3)
    return out[COLUMNS]


def read_before(path: Path = BEFORE_CSV) -> pd.DataFrame | None:
    """Read the before figures, None when they were never measured."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() else None


def run(quick: bool = False) -> pd.DataFrame:
    """Measure the current code on both wards (``quick``: the demo only), with before."""
    now = measure(WARDS[:1] if quick else WARDS)
    return with_before(now, read_before())


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--before`` writes the before figures; otherwise as :func:`run`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", action="store_true", help=f"write {BEFORE_CSV.name}")
    parser.add_argument("--quick", action="store_true", help="the demo ward only")
    parser.add_argument("--out", type=Path, help="output CSV (default in results/)")
    args = parser.parse_args(argv)
    import covplan

    where = Path(covplan.__file__).resolve()
    print(f"[realism] covplan from {where}", file=sys.stderr)
    wards = WARDS[:1] if args.quick else WARDS
    RESULTS.mkdir(exist_ok=True)
    if args.before:
        if HERE.parent in where.parents:
            print("[realism] warning: measuring this checkout's code as 'before'", file=sys.stderr)
        table = measure(wards)
        out = args.out or BEFORE_CSV
    else:
        table = with_before(measure(wards), read_before())
        out = args.out or RESULTS / f"realism{'-quick' if args.quick else ''}.csv"
    table.to_csv(out, index=False)
    pd.set_option("display.width", 200)
    print(f"\n== realism -> {out}\n{table.to_string(index=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
