"""The plan folder switches in one step (issue 18, class 8): old plan or new, whole.

A fault (an OSError) or a SIGKILL at every filesystem step of the switch, a full disk
at every file, a second writer, stale files and an older covplan's real files: after
each, ``out`` shows either the old plan or the new one, whole, and the next run
tidies up.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from covplan.plan import PlanOptions, plan_ward
from covplan.plan import write as w

pytestmark = pytest.mark.timeout(300)
STEPS = ("rename", "replace", "symlink", "unlink", "link", "chmod")


@pytest.fixture(scope="module")
def plans(demo_area):
    """Two different plans of the demo ward (A with the HTML map, B with VN-2000)."""
    a = plan_ward(demo_area, options=PlanOptions(headings=4, spacing_m=10, site_spacing_m=20))
    b = plan_ward(demo_area, options=PlanOptions(headings=4, spacing_m=15, site_spacing_m=25))
    return a, b


@pytest.fixture(scope="module")
def folders(plans, tmp_path_factory):
    """A folder showing plan A, and a staged copy of plan B (written once)."""
    a, b = plans
    root = tmp_path_factory.mktemp("switch")
    w.write_plan(a, root / "A", lang="en", maps=False, html=True, tiles=None)
    w.write_plan(b, root / "B", lang="en", maps=False, html=False, vn2000=True)
    return root / "A", w.current_plan(root / "B")


def snapshot(out: Path) -> dict[str, bytes]:
    """What a user sees in ``out``: every visible name, links followed."""
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")
            and p.is_file()}  # fmt: skip


def whole(out: Path, *allowed: dict[str, bytes]) -> int:
    """Assert ``out`` shows exactly one of ``allowed``, consistent in itself; return which."""
    snap = snapshot(out)
    assert snap in allowed, f"a mix: {sorted(snap)}"
    summary = json.loads(snap["summary.json"])
    rows = len(pd.read_csv(out / "install.csv"))
    assert summary["new_cameras"] == rows
    return allowed.index(snap)


def fresh(template: Path, dst: Path) -> Path:
    shutil.copytree(template, dst, symlinks=True)
    return dst


def staged(version: Path, out: Path) -> Path:
    dst = out / f"{w.STAGING_PREFIX}test"
    shutil.copytree(version, dst)
    return dst


class Faults:
    """Count the filesystem steps of a switch; raise (or SIGKILL) at step ``at``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int = -1, kill: bool = False):
        self.n, self.at, self.kill, self.armed = 0, at, kill, False
        for name in STEPS:
            monkeypatch.setattr(w.os, name, self._wrap(getattr(os, name)))
        monkeypatch.setattr(w.shutil, "rmtree", self._wrap(shutil.rmtree))

    def _wrap(self, fn):  # type: ignore[no-untyped-def]
        def step(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not self.armed:
                return fn(*args, **kwargs)
            self.n += 1
            if self.n - 1 == self.at:
                if self.kill:
                    os.kill(os.getpid(), signal.SIGKILL)
                raise OSError(errno.EIO, "injected fault")
            return fn(*args, **kwargs)

        return step


def commit(out: Path, version: Path, faults: Faults | None = None) -> None:
    """Switch ``out`` to a copy of ``version``; ``faults`` count only the switch's steps."""
    with w.plan_lock(out):
        w.sweep_staging(out)
        staging = staged(version, out)
        if faults is not None:
            faults.armed = True
        try:
            w._commit(staging, out)
        finally:
            if faults is not None:
                faults.armed = False


def test_switch_counts(folders, tmp_path, monkeypatch):
    a_dir, b_version = folders
    out = fresh(a_dir, tmp_path / "out")
    old = snapshot(out)
    with pytest.MonkeyPatch.context() as m:
        f = Faults(m)
        commit(out, b_version, f)
    assert f.n >= 15
    new = snapshot(out)
    assert whole(out, new) == 0 and new != old
    assert "map.html" in old and "map.html" not in new and "plan-vn2000.gpkg" in new


def _steps(folders, tmp_path) -> int:
    out = fresh(folders[0], tmp_path / "count")
    with pytest.MonkeyPatch.context() as m:
        f = Faults(m)
        commit(out, folders[1], f)
    return f.n


def test_a_fault_at_every_step_leaves_one_whole_plan(folders, tmp_path):
    a_dir, b_version = folders
    n = _steps(folders, tmp_path)
    old = snapshot(a_dir)
    new = snapshot(fresh(a_dir, tmp_path / "ref")) if False else None
    ref = fresh(a_dir, tmp_path / "ref")
    commit(ref, b_version)
    new = snapshot(ref)
    seen = {0: 0, 1: 0}
    for k in range(n):
        out = fresh(a_dir, tmp_path / f"k{k}")
        with pytest.MonkeyPatch.context() as m:
            try:
                commit(out, b_version, Faults(m, at=k))
            except OSError as err:
                assert "injected" in str(err)
        seen[whole(out, old, new)] += 1
        commit(out, b_version)  # the next run succeeds and tidies up
        assert whole(out, new) == 0
        state = out / w.STATE_DIR
        assert len([p for p in state.iterdir() if p.name.startswith("v-")]) == 1
        assert not list(out.glob(f"{w.STAGING_PREFIX}*"))
        assert not [p for p in out.iterdir() if p.name.startswith(".covplan-link-")]
    assert seen[0] and seen[1], seen  # faults before and after the switch were both hit


def test_sigkill_at_every_step_leaves_one_whole_plan(folders, tmp_path):
    a_dir, b_version = folders
    n = _steps(folders, tmp_path)
    old = snapshot(a_dir)
    ref = fresh(a_dir, tmp_path / "ref")
    commit(ref, b_version)
    new = snapshot(ref)
    for k in range(n):
        out = fresh(a_dir, tmp_path / f"k{k}")
        pid = os.fork()
        if pid == 0:  # the child dies at step k
            try:
                with pytest.MonkeyPatch.context() as m:
                    commit(out, b_version, Faults(m, at=k, kill=True))
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        whole(out, old, new)
        commit(out, b_version)
        assert whole(out, new) == 0


LOOP = """
import shutil, sys, pathlib
from covplan.plan import write as w
out, a, b = map(pathlib.Path, sys.argv[1:4])
(out / "ready").write_text("1")
i = 0
while True:
    v = (a, b)[i % 2]
    with w.plan_lock(out):
        w.sweep_staging(out)
        s = out / (w.STAGING_PREFIX + "loop")
        shutil.copytree(v, s)
        w._commit(s, out)
    i += 1
"""


@pytest.mark.parametrize("seed", range(4))
def test_sigkill_at_random_times(folders, tmp_path, seed):
    import random

    a_dir, b_version = folders
    old = snapshot(a_dir)
    ref = fresh(a_dir, tmp_path / "ref")
    commit(ref, b_version)
    new = snapshot(ref)
    out = fresh(a_dir, tmp_path / "out")
    a_version = w.current_plan(a_dir)
    assert a_version is not None
    cmd = [sys.executable, "-c", LOOP, str(out), str(a_version), str(b_version)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (out / "ready").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(random.Random(seed).uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    (out / "ready").unlink()
    whole(out, old, new)


@pytest.mark.parametrize("k", range(0, 40, 3))
def test_disk_full_at_any_file_keeps_the_old_plan(plans, folders, tmp_path, monkeypatch, k):
    out = fresh(folders[0], tmp_path / "out")
    old = snapshot(out)
    calls = {"n": 0}
    real = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] > k:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    try:
        w.write_plan(plans[1], out, lang="en", maps=False, html=False)
    except OSError as err:
        assert "No space left" in str(err) and "unchanged" in str(err)
        assert whole(out, old) == 0
    else:
        assert calls["n"] <= k  # fewer files than k: it finished
    assert not list(out.glob(f"{w.STAGING_PREFIX}*"))


def test_stale_files_go_and_the_users_own_stay(plans, tmp_path):
    out = tmp_path / "out"
    w.write_plan(plans[0], out, lang="en", maps=False, html=True, tiles=None)
    (out / "notes.txt").write_text("mine")
    w.write_plan(plans[1], out, lang="en", maps=False, html=False)
    assert not (out / "map.html").exists() and not os.path.lexists(out / "map.html")
    assert (out / "notes.txt").read_text() == "mine"
    whole(out, snapshot(out))


def test_an_older_covplans_real_files_are_taken_over(plans, folders, tmp_path):
    out = tmp_path / "legacy"
    out.mkdir()
    for p in folders[0].iterdir():  # what an older covplan wrote: real files
        if p.name.startswith("."):
            continue
        if p.is_dir():  # pages/, kmz/
            shutil.copytree(p, out / p.name)
        else:
            shutil.copy(p, out / p.name)
    (out / "maps.pdf").write_bytes(b"%PDF old")
    (out / "pages").mkdir()
    (out / "pages" / "old.png").write_bytes(b"png")
    (out / "mine.docx").write_bytes(b"mine")
    w.write_plan(plans[1], out, lang="en", maps=False, html=False)
    assert not os.path.lexists(out / "maps.pdf") and not os.path.lexists(out / "pages")
    assert (out / "mine.docx").read_bytes() == b"mine"
    whole(out, snapshot(out))
    assert all((out / n).is_symlink() for n in snapshot(out) if n in w.PLAN_NAMES)


def test_a_second_writer_is_locked_out(plans, tmp_path, capsys):
    from covplan import datasets
    from covplan.cli import main

    out = tmp_path / "out"
    w.write_plan(plans[0], out, lang="en", maps=False, html=False)
    before = snapshot(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,sys,time; f=open(sys.argv[1],'a+'); "
         "f.seek(0); f.truncate(); f.write('4242'); f.flush(); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('held', flush=True); "
         "time.sleep(60)", str(out / w.STATE_DIR / "lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(BlockingIOError, match="locked"):
            w.write_plan(plans[1], out, lang="en", maps=False, html=False)
        t0 = time.perf_counter()
        osm = str(datasets.get_path("demo-ward.osm"))
        code = main(["plan", "--osm", osm, "--out", str(out), "--quiet", "--no-maps"])
        assert code == 2 and time.perf_counter() - t0 < 10  # before planning
        err = capsys.readouterr().err.strip()
        assert "locked" in err and len(err.splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()
    assert snapshot(out) == before
    w.write_plan(plans[1], out, lang="en", maps=False, html=False)  # free again
