"""The `covplan plan`, `covplan demo` and `covplan atlas` commands, and a run killed mid-write."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from covplan.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--time-limit", "5", "--spec", "bullet-2mp-3.6", "--quiet", "--no-tiles"]


def test_help_reads_well(capsys):
    parser = build_parser()
    for cmd in ("plan", "demo", "atlas"):
        with pytest.raises(SystemExit):
            parser.parse_args([cmd, "--help"])
        out = capsys.readouterr().out
        assert "--out" in out and "--lang" in out
    with pytest.raises(SystemExit):
        parser.parse_args(["plan", "--help"])
    out = capsys.readouterr().out
    for flag in ("--osm", "--place", "--gpkg", "--survey", "--spacing", "--headings", "--level",
                 "--k-at-ends", "--budget", "--phases", "--solver", "--time-limit"):  # fmt: skip
        assert flag in out


def test_bad_level_is_rejected(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["plan", "--osm", "x.osm", "--level", "alley=sharp"])
    assert "KIND=LEVEL" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--no-maps", "--no-atlas", *FAST]) == 0
    return out


def test_demo_writes_summary(demo_out, capsys):
    s = json.loads((demo_out / "summary.json").read_text(encoding="utf-8"))
    for key in ("new_cameras", "reaimed_cameras", "cost_vnd", "coverage", "bound", "gap",
                "greedy_cameras", "seconds"):  # fmt: skip
        assert key in s
    assert s["new_cameras"] > 0 and "overall" in s["coverage"] and "area" in s["seconds"]
    assert (demo_out / "install.xlsx").exists() and (demo_out / "plan.gpkg").exists()


def test_plan_from_osm_without_survey(tmp_path, capsys):
    from covplan import datasets

    osm = datasets.get_path("demo-ward.osm")
    code = main(["plan", "--osm", str(osm), "--out", str(tmp_path), "--lang", "en",
                 "--no-maps", "--level", "alley=detect", *FAST])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "New cameras" in out and "summary.json" in out
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s["reaimed_cameras"] == 0 and s["kept_cameras"] == 0


def test_atlas_command(tmp_path):
    from covplan import datasets

    osm = datasets.get_path("demo-ward.osm")
    assert main(["atlas", "--osm", str(osm), "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "route-atlas.pdf").stat().st_size > 10_000
    assert (tmp_path / "routes.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def _valid(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".pdf":
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    elif path.suffix in (".xlsx", ".kmz"):
        import zipfile

        assert zipfile.ZipFile(path).testzip() is None
    elif path.suffix == ".gpkg":
        import pyogrio

        assert len(pyogrio.list_layers(path)) >= 5


def test_killed_run_leaves_no_half_written_file(demo_out):
    """SIGKILL a second run while it writes: the first run's files stay whole and unchanged."""
    before = {p.name: p.read_bytes() for p in demo_out.iterdir() if p.is_file()}
    names_before = {p.name for p in demo_out.iterdir()}  # files and folders (pages/, kmz/)
    cmd = [sys.executable, "-m", "covplan.cli", "demo", "--out", str(demo_out), "--no-atlas",
           "--lang", "en", *FAST]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        staged: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            staged = [f for d in demo_out.glob(".covplan-staging-*") for f in d.iterdir()]
            if any(f.name.startswith(("plan.", ".plan.")) for f in staged):
                break  # lists written, the GeoPackage (or later) is being written
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed"
        assert staged, "never saw the run writing"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    visible = {p.name: p for p in demo_out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert set(visible) == set(before)
    for name, path in visible.items():
        assert path.read_bytes() == before[name], f"{name} changed by a killed run"
        _valid(path)
    # what the killed run left is hidden, and the next run sweeps it
    assert all(p.name.startswith(".") for p in demo_out.iterdir() if p.name not in names_before)
    assert main(["demo", "--out", str(demo_out), "--no-maps", "--no-atlas", *FAST]) == 0
    # only the plan's own versioned store stays hidden there (the visible names link into it)
    assert [p.name for p in demo_out.iterdir() if p.name.startswith(".")] == [".covplan"]
    assert not list(demo_out.glob(".covplan-staging-*"))
