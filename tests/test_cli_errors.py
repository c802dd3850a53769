"""Bad flags and bad files: exit status 2, one line naming the problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from covplan import datasets
from covplan.cli import main

pytestmark = pytest.mark.timeout(600)

OSM = str(datasets.get_path("demo-ward.osm"))
PLAN = ["plan", "--osm", OSM, "--no-maps", "--quiet", "--no-tiles", "--headings", "4"]


def _bad_files(tmp: Path) -> dict[str, Path]:
    (tmp / "folder.osm").mkdir(exist_ok=True)
    (tmp / "garbage.osm").write_bytes(b"\x00\xffnot xml at all<<<")
    (tmp / "empty.csv").write_text("", encoding="utf-8")
    (tmp / "sites.txt").write_text("pin node/1\nplease node/2\n", encoding="utf-8")
    (tmp / "binary.txt").write_bytes(b"\xff\xfe\x00\x00\xff")
    return {p.name: p for p in tmp.iterdir()}


# (argv after `covplan`, a word the one line must contain)
CASES: list[tuple[list[str], str]] = [
    ([*PLAN, "--spacing", "-5"], "spacing_m"),
    ([*PLAN, "--spacing", "0"], "spacing_m"),
    ([*PLAN, "--site-spacing", "-1"], "site_spacing_m"),
    ([*PLAN, "--headings", "0"], "headings"),
    ([*PLAN, "--headings", "x"], "--headings"),
    ([*PLAN, "--time-limit", "0"], "time_limit_s"),
    ([*PLAN, "--time-limit", "-3"], "time_limit_s"),
    ([*PLAN, "--k-at-ends", "0"], "k_at_ends"),
    ([*PLAN, "--capacity", "0"], "capacity"),
    ([*PLAN, "--fov", "0"], "hfov_deg"),
    ([*PLAN, "--budget", "1.5"], "--budget"),
    ([*PLAN, "--budget", "-100"], "budget_vnd"),
    ([*PLAN, "--spec", "no-such-camera"], "no-such-camera"),
    ([*PLAN, "--pin", "node/0"], "node/0"),
    ([*PLAN, "--forbid", "nowhere"], "nowhere"),
    ([*PLAN, "--level", "alley=sharp"], "KIND=LEVEL"),
    ([*PLAN, "--level", "boulevard=detect"], "boulevard"),
    ([*PLAN, "--solver", "gurobi"], "--solver"),
    ([*PLAN, "--frobnicate"], "--frobnicate"),
    (["plan"], "--osm"),
    (["no-such-command"], "no-such-command"),
    (["plan", "--osm", "/nonexistent/ward.osm", "--no-maps"], "ward.osm"),
    (["atlas", "--osm", "/nonexistent/ward.osm"], "ward.osm"),
]
FILE_CASES: list[tuple[list[str], str]] = [
    (["plan", "--osm", "@folder.osm", "--no-maps"], "folder.osm"),
    (["plan", "--osm", "@garbage.osm", "--no-maps"], "garbage.osm"),
    ([*PLAN, "--survey", "/nonexistent/survey.csv"], "survey.csv"),
    ([*PLAN, "--survey", "@empty.csv"], "empty.csv"),
    ([*PLAN, "--sites", "@sites.txt"], "sites.txt"),
    ([*PLAN, "--sites", "@binary.txt"], "binary.txt"),
    ([*PLAN, "--sites", "/nonexistent/sites.txt"], "sites.txt"),
]


def _check(capsys: pytest.CaptureFixture[str], argv: list[str], word: str) -> None:
    try:
        code = main(["--lang", "en", *argv])  # the words checked are the English messages
    except SystemExit as exit_:  # argparse's own exit, after our one-line message
        code = exit_.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (argv, err)
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert word in lines[0], (word, lines[0])


@pytest.mark.parametrize(("argv", "word"), CASES, ids=[" ".join(c[0][-2:]) for c in CASES])
def test_bad_flag_is_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], word: str
) -> None:
    _check(capsys, argv, word)


@pytest.mark.parametrize(
    ("argv", "word"), FILE_CASES, ids=[" ".join(c[0][-2:]) for c in FILE_CASES]
)
def test_bad_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], word: str
) -> None:
    files = _bad_files(tmp_path)
    argv = [str(files[a[1:]]) if a.startswith("@") else a for a in argv]
    argv = [*argv, "--out", str(tmp_path / "out")] if argv[0] == "plan" else argv
    _check(capsys, argv, word)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    """End to end through a real process: stderr is one line, status 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "covplan.cli", *PLAN, "--headings", "0", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "headings" in proc.stderr
