"""Run covplan's benchmarks and write their tables to ``benchmarks/results/``.

Each ``benchmarks/bench_<topic>.py`` defines ``run(quick: bool = False) -> pandas.DataFrame``;
this runner calls each (or those named on the command line), writes
``benchmarks/results/<topic>.csv`` and prints the table. Comparisons are measured side by
side in the same run and reported as ratios: these machines are shared and noisy.

Usage: ``python -m benchmarks.run [--quick] [topic ...]``.
``write`` runs a commit's covplan and this checkout in fresh processes, one after the other.
``setcover`` runs covplan's exact set-cover method against flat HiGHS and flat CBC, 60 s each.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
RESULTS = HERE / "results"
SHARED_DATA = HERE.parent.parent / "shared" / "data"


def topics() -> list[str]:
    """Return the benchmark topics found in this folder."""
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(HERE)])
        if m.name.startswith("bench_")
    )


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmark topics (all by default) and write their tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("topic", nargs="*", help=f"topics to run (default all: {topics()})")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    pd.set_option("display.width", 200)
    for topic in args.topic or topics():
        module = importlib.import_module(f"benchmarks.bench_{topic}")
        table: pd.DataFrame = module.run(quick=args.quick)
        out = RESULTS / f"{topic}{'-quick' if args.quick else ''}.csv"
        table.to_csv(out, index=False)
        print(f"\n== {topic} -> {out}\n{table.to_string(index=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
