"""The write stage of a plan, before and after (issue 13): seconds, PDF pages, file sizes.

Plans a ward and writes it (``plan.write``: lists, GeoPackage, KML/KMZ, the printed maps,
the phone map) with two versions of covplan in the same run, one after the other in
fresh processes: **before** is a commit's ``covplan`` (``git archive``, read only; the
commit before issue 13 by default), **after** is this checkout. The wards: the real HCMC
extract (Đa Kao 1 km, no survey, as ``covplan plan --osm`` on it; skipped when absent)
and the synthetic demo ward with its survey and phases. Each row: the write stage's
seconds (``summary["seconds"]["write"]``: every file, the lists and work sheets too),
then the printed maps alone (``maps_s``: ``covplan.plan.write._write_maps``) and the
phone map alone (``html_s``) drawn again, the pages of ``maps.pdf``, the sizes of
``maps.pdf`` and ``map.html``, the KMZ files; a ``ratio`` row per ward divides after by
before. These machines are shared and noisy: compare the ratio, not the seconds.

Usage: ``python -m benchmarks.run write`` (``--quick``: the demo ward only), or
``python benchmarks/bench_write.py [--before COMMIT]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
EXTRACT = ROOT.parent / "shared" / "data" / "osm" / "hcmc-dakao-1km.osm.bz2"
#: The commit before issue 13's outputs (offline phone map, KMZ icons, printed pages).
BEFORE = "f076e57"
COLUMNS = [
    "ward",
    "side",
    "commit",
    "write_s",
    "maps_s",
    "html_s",
    "plan_s",
    "pdf_pages",
    "pdf_mb",
    "html_mb",
    "kmz_files",
    "note",
]

_SCRIPT = textwrap.dedent(
    """
    import json, re, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import covplan
    from covplan.plan import plan_ward
    ward, out = sys.argv[2], Path(sys.argv[3])
    t0 = time.perf_counter()
    if ward == "demo":
        from covplan import datasets
        from covplan.survey import read_survey
        area = covplan.area_from_xml(datasets.get_path("demo-ward.osm"),
                                     groups=datasets.get_path("demo-groups.geojson"))
        survey = read_survey(datasets.get_path("demo-survey.csv"), area=area)
        plan = plan_ward(area, survey=survey, phases=True, name="demo")
    else:
        plan = plan_ward(covplan.area_from_xml(sys.argv[4]))
    plan_s = time.perf_counter() - t0
    plan.write(out, lang="vi")
    pdf = (out / "maps.pdf").read_bytes()
    import tempfile
    import covplan.plan.write as w
    from covplan.export import write_html_map
    stage = {}
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        w._write_maps(plan, Path(d), "vi", "route", False, 130, w.no_progress)
        stage["maps_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        write_html_map(Path(d) / "map.html", plan.layers(), buildings=plan.area.buildings,
                       lang="vi", title="x")
        stage["html_s"] = round(time.perf_counter() - t, 2)
    print(json.dumps({
        "covplan": covplan.__file__,
        "write_s": plan.summary["seconds"]["write"],
        "plan_s": round(plan_s, 2),
        "pdf_pages": len(re.findall(rb"/Type\\s*/Page[^s]", pdf)),
        "pdf_mb": round(len(pdf) / 1e6, 2),
        "html_mb": round((out / "map.html").stat().st_size / 1e6, 2),
        "kmz_files": len(list(out.glob("*.kmz"))) + len(list(out.glob("kmz/*.kmz"))),
        **stage,
    }))
    """
)


def _checkout(commit: str, dest: Path) -> Path:
    """Extract ``commit``'s ``covplan`` package into ``dest`` (``git archive``: read only)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "covplan"], capture_output=True, check=True
    )
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def _measure(root: Path, ward: str, tmp: Path) -> dict[str, Any]:
    out = tmp / f"out-{ward}-{root.name}"
    env = {**os.environ, "PYTHONPATH": str(root)}
    args = [sys.executable, "-c", _SCRIPT, str(root), ward, str(out), str(EXTRACT)]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp, check=False)
    if done.returncode != 0:
        return {"note": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not row.pop("covplan").startswith(str(root)):
        row["note"] = "imported another covplan"
    return row


def run(quick: bool = False, before: str = BEFORE) -> pd.DataFrame:
    """Measure the write stage before and after, side by side; return the table.

    Parameters
    ----------
    quick
        The demo ward only.
    before
        The commit measured as "before".

    Returns
    -------
    pandas.DataFrame
        One row per ward and side, and a ``ratio`` row per ward (after / before).
    """
    wards = ["demo"] if quick or not EXTRACT.exists() else ["hcmc-dakao", "demo"]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        old = _checkout(before, tmp / "before")
        for ward in wards:
            sides = {}
            for side, root, commit in (("before", old, before), ("after", ROOT, "working tree")):
                row = {"ward": ward, "side": side, "commit": commit, **_measure(root, ward, tmp)}
                rows.append(row)
                sides[side] = row
            ratio: dict[str, Any] = {"ward": ward, "side": "ratio", "commit": "after / before"}
            for col in ("write_s", "maps_s", "html_s", "pdf_pages", "pdf_mb", "html_mb"):
                a, b = sides["after"].get(col), sides["before"].get(col)
                if isinstance(a, int | float) and isinstance(b, int | float) and b:
                    ratio[col] = round(a / b, 3)
            rows.append(ratio)
    if not EXTRACT.exists():
        rows.append({"ward": "hcmc-dakao", "note": f"skipped: {EXTRACT} absent"})
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``results/write.csv``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the demo ward only")
    parser.add_argument("--before", default=BEFORE, help=f"the 'before' commit ({BEFORE})")
    args = parser.parse_args(argv)
    table = run(quick=args.quick, before=args.before)
    RESULTS.mkdir(exist_ok=True)
    table.to_csv(RESULTS / f"write{'-quick' if args.quick else ''}.csv", index=False)
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
