"""The CLI under bad flags, bad folders, a full disk and Ctrl-C (issue 18, class 10).

Every case exits 2 (130 for Ctrl-C) with one line and no traceback, before any
planning work, and the plan already in ``--out`` stays whole.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from covplan import datasets
from covplan.cli import main
from covplan.plan import write as w
from covplan.vocab.messages import message

pytestmark = pytest.mark.timeout(300)
OSM = str(datasets.get_path("demo-ward.osm"))
FAST = ["--headings", "4", "--spacing", "10", "--site-spacing", "20", "--no-maps", "--quiet",
        "--no-tiles", "--lang", "en"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]

BAD_FLAGS = [
    ["--spacing", "nan"], ["--spacing", "inf"], ["--spacing", "-1"], ["--spacing", "0"],
    ["--site-spacing", "nan"], ["--headings", "0"], ["--headings", "-3"],
    ["--headings", "73"], ["--headings", "1000"], ["--headings", "x"],
    ["--time-limit", "0"], ["--time-limit", "-1"], ["--time-limit", "nan"],
    ["--time-limit", "inf"], ["--budget", "nan"], ["--budget", "-5"], ["--budget", "0"],
    ["--budget", "1.5"], ["--level", "foo=detect"], ["--level", "alley=foo"],
    ["--level", "alley"], ["--level", "=detect"], ["--spec", "nosuch"],
    ["--end-level", "bogus"], ["--capacity", "0"], ["--k-at-ends", "0"],
    ["--retention", "0"], ["--fov", "0"], ["--fov", "400"], ["--fov", "nan"],
    ["--solver", "gurobi"],
]  # fmt: skip


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``covplan`` in-process; return the exit status and stderr."""
    try:
        code = main(["--lang", "en", *argv])  # the words checked are the English messages
    except SystemExit as exit_:  # argparse's own errors
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err.strip()


@pytest.fixture()
def no_planning(monkeypatch):
    """Fail the test if a bad command gets as far as planning."""
    from covplan import _plan_cli

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("planning started before the bad input was found")

    monkeypatch.setattr(_plan_cli, "plan_ward", boom)
    monkeypatch.setattr(_plan_cli, "area_from_xml", boom)


@pytest.mark.parametrize("flag", BAD_FLAGS, ids=lambda f: " ".join(f))
def test_bad_flags_are_one_line_exit_2(tmp_path, capsys, no_planning, flag):
    argv = ["plan", "--osm", OSM, "--out", str(tmp_path / "out"), *FAST, *flag]
    code, err = run(argv, capsys)
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("covplan")


def test_bad_osm_inputs_are_one_line(tmp_path, capsys):
    folder = tmp_path / "ward.osm"
    folder.mkdir()
    bomb = tmp_path / "bomb.osm"
    bomb.write_text('<!DOCTYPE osm [<!ENTITY a "aaaa">]><osm>&a;</osm>', encoding="utf-8")
    utf16 = tmp_path / "u16.osm"
    utf16.write_bytes('<?xml version="1.0" encoding="UTF-16"?><osm/>'.encode("utf-16"))
    cases = (
        (folder, "folder"),
        (bomb, "DTD"),
        (utf16, "UTF-16"),
        (tmp_path / "no.osm", "not found"),
    )
    for path, word in cases:
        code, err = run(["plan", "--osm", str(path), "--out", str(tmp_path / "o"), *FAST], capsys)
        assert code == 2 and word in err and len(err.splitlines()) == 1, err


@pytest.mark.parametrize("what", ["file", "read-only", "no permission"])
def test_a_bad_out_is_found_before_planning(tmp_path, capsys, monkeypatch, no_planning, what):
    out = tmp_path / "out"
    if what == "file":
        out.write_text("x")
    else:
        code = errno.EROFS if what == "read-only" else errno.EACCES

        def mkstemp(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(w.tempfile, "mkstemp", mkstemp)
    rc, err = run(["plan", "--osm", OSM, "--out", str(out), *FAST], capsys)
    assert rc == 2 and len(err.splitlines()) == 1 and "out" in err, err
    assert ("a file" in err) if what == "file" else ("cannot write" in err)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A folder holding a plan of the demo ward, written by the CLI."""
    out = tmp_path_factory.mktemp("cli") / "out"
    assert main(["plan", "--osm", OSM, "--out", str(out), *FAST]) == 0
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()
            and not p.name.startswith(".")}  # fmt: skip


def test_disk_full_is_one_line_and_keeps_the_plan(planned, capsys, monkeypatch):
    before = _snapshot(planned)

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    code, err = run(["plan", "--osm", OSM, "--out", str(planned), *FAST, "--spacing", "15"], capsys)
    assert code == 2 and "No space left" in err and len(err.splitlines()) == 1, err
    assert _snapshot(planned) == before
    assert not list(planned.glob(f"{w.STAGING_PREFIX}*"))


@pytest.mark.parametrize("when", ["planning", "writing"])
def test_ctrl_c_exits_130_with_one_line(planned, tmp_path, when):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(planned, out, symlinks=True)
    before = _snapshot(out)
    cmd = [sys.executable, "-m", "covplan.cli", "-v", "plan", "--osm", OSM, "--out", str(out),
           *FAST, "--spacing", "15"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stderr is not None
    marker = "area_from_xml" if when == "planning" else "covplan.export"
    lines = []
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        lines.append(line)
        if marker in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, rest
    tail = [ln for ln in rest.splitlines() if not ln.startswith(("INFO", "WARNING"))]
    tail = [ln for ln in tail if ln.strip() and "Warning" not in ln and "warn" not in ln]
    assert tail == ["covplan: interrupted; files already written are unchanged"], rest
    after = _snapshot(out)
    if when == "planning":
        assert after == before
    else:  # the old plan, or the new one if the switch came first: whole
        summary = json.loads(after["summary.json"])
        assert summary["new_cameras"] == after["install.csv"].decode("utf-8-sig").count("\n") - 1


@pytest.mark.parametrize("after_s", [0.2, 0.6, 1.2])
def test_ctrl_c_while_the_command_loads_is_one_line(tmp_path, after_s):
    # the first second or so is spent importing: a Ctrl-C there is one line and 130 too
    exe = Path(sys.executable).with_name("covplan")
    proc = subprocess.Popen(
        [str(exe), "demo", "--out", str(tmp_path / "out"), "--no-maps"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(after_s)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (130, 0), err  # 0: it finished first (a fast machine)
    assert "Traceback" not in err
    if proc.returncode == 130:
        starting = message("cli.interrupted_starting", "vi")  # still importing
        assert message("cli.interrupted", "vi") in err or starting in err
