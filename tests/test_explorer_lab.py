"""The explorer as a planner uses it: JupyterLab on 127.0.0.1, driven in headless Chromium.

One JupyterLab server (free port, token auth, ``--no-browser``, settings / runtime / workspace
dirs in a temp folder) serves a copy of notebook 00 with small parameters. Chromium (network
blocked but 127.0.0.1) opens it, runs all cells, sets the map's click mode to **Cấm** (forbid),
clicks a mount that carries a new camera, and sees the plan's headline and the map change;
then it writes the plan with the panel's button. A second test plans the same ward with
``covplan plan --forbid SITE`` and finds the same cameras, poses and cost.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser import chromium, console_errors, external_requests

from covplan import datasets
from covplan.cli import main as covplan_main

pytestmark = pytest.mark.timeout(400)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00-quickstart.ipynb"
SHOT = Path("/tmp/explorer-shot.png")
# the notebook's knobs for a quick run (as tests/test_notebooks.py's SMALL)
SMALL = {
    "HEADINGS": 4,
    "SPACING_M": 10.0,
    "SITE_SPACING_M": 20.0,
    "TIME_LIMIT_S": 30.0,
    "MAP_PAGES": "none",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _small_notebook(src: Path, dst: Path, params: dict[str, Any]) -> None:
    nb = nbformat.read(src, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    lines = cell.source.splitlines()
    for name, value in params.items():
        pattern = re.compile(rf"^{name} = .*$")
        hits = [i for i, line in enumerate(lines) if pattern.match(line)]
        assert len(hits) == 1, name
        lines[hits[0]] = f"{name} = {value!r}"
    cell.source = "\n".join(lines)
    nbformat.write(nb, dst)


def _settings(settings: Path) -> None:
    """Lab settings: save widget state in the notebook, no news, every cell in the DOM."""
    files = {
        "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True},
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, value in files.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


def _wait(what: str, check: Callable[[], Any], timeout_s: float, step_s: float = 0.25) -> Any:
    end = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < end:
        try:
            last = check()
        except Exception as err:  # the page is still loading
            last = err
        if last and not isinstance(last, Exception):
            return last
        time.sleep(step_s)
    pytest.fail(f"waited {timeout_s:.0f} s for {what}; last: {last!r}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Start JupyterLab on 127.0.0.1 over a temp folder holding a small copy of notebook 00."""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium chromium-driver)")
    root = tmp_path_factory.mktemp("lab")
    work = root / "work"
    work.mkdir()
    _small_notebook(
        NOTEBOOK, work / "00-quickstart.ipynb", {**SMALL, "OUT_DIR": str(work / "files")}
    )
    _settings(root / "settings")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "IPYTHONDIR": str(root / "ipython"),
        "MPLBACKEND": "Agg",
    }
    log = (root / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.allow_root=True",
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
            return r.status == 200

    try:
        _wait("JupyterLab to answer", up, 60, 0.5)
        yield {"url": url, "token": token, "work": work, "root": root, "log": root / "lab.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _js(driver: Any, script: str) -> Any:
    return driver.execute_script(script)


def _headline(driver: Any) -> str:
    return str(
        _js(driver, "const e=document.querySelector('.covplan-headline');return e?e.innerText:''")
    )


def _new_camera_sites(driver: Any) -> list[str]:
    return list(
        _js(
            driver,
            "return [...document.querySelectorAll('.covplan-cam-new')].map(e=>e.dataset.site)",
        )
    )


@pytest.fixture(scope="module")
def clicked(lab: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Run notebook 00 in Chromium, forbid a used mount by clicking it, write the plan."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    t0 = time.perf_counter()
    out = lab["work"] / "explorer-out"
    with chromium(1400, 1000) as driver:
        driver.get(f"{lab['url']}/lab/tree/00-quickstart.ipynb?token={lab['token']}")
        kernel_idle = (
            "const w=window.jupyterapp&&window.jupyterapp.shell.currentWidget;"
            "const k=w&&w.sessionContext&&w.sessionContext.session&&"
            "w.sessionContext.session.kernel;return !!k&&k.status==='idle';"
        )
        _wait("the notebook and its kernel", lambda: _js(driver, kernel_idle), 90, 0.5)
        _js(driver, "window.jupyterapp.commands.execute('notebook:run-all-cells');")
        headline = _wait("the explorer's headline", lambda: _headline(driver), 180, 0.5)
        _wait(
            "the map's mounts",
            lambda: driver.find_elements(By.CSS_SELECTOR, "path.covplan-sites-used"),
            30,
        )
        t_ran = time.perf_counter() - t0
        before = sorted(_new_camera_sites(driver))
        assert before, "no new camera drawn on the map"
        assert not driver.find_elements(By.CSS_SELECTOR, "path.covplan-sites-forbidden")
        # the click mode: Cấm (forbid)
        mode = _wait(
            "the click-mode buttons",
            lambda: [
                b
                for b in driver.find_elements(By.CSS_SELECTOR, ".covplan-click-mode button")
                if b.text.strip() == "Cấm"
            ],
            10,
        )[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mode)
        mode.click()
        _wait("forbid mode", lambda: "mod-active" in mode.get_attribute("class"), 10)
        mount = driver.find_elements(By.CSS_SELECTOR, "path.covplan-sites-used")[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mount)

        def settled() -> bool:  # the page and the map have stopped moving under the pointer
            where = mount.rect
            time.sleep(0.5)
            return mount.rect == where

        _wait("the map to settle", settled, 20)
        t_click = time.perf_counter()
        ActionChains(driver).move_to_element(mount).click().perform()
        after = _wait(
            "the headline to change", lambda: (h := _headline(driver)) != headline and h, 90
        )
        t_resolve = time.perf_counter() - t_click
        _wait(
            "the forbidden ring",
            lambda: driver.find_elements(By.CSS_SELECTOR, "path.covplan-sites-forbidden"),
            15,
        )
        pinned = driver.find_element(By.CSS_SELECTOR, ".covplan-pinned").text
        site = pinned.split(":", 1)[1].strip()
        moved = sorted(_new_camera_sites(driver))
        driver.execute_script(
            "document.querySelector('.covplan-headline').scrollIntoView({block: 'start'})"
        )
        time.sleep(0.5)
        shot = lab["root"] / "explorer-shot.png"
        driver.save_screenshot(str(shot))
        shutil.copyfile(shot, SHOT)
        print(f"\nexplorer screenshot: {shot} (and {SHOT})")
        # write the plan on show with the panel's button
        box = driver.find_element(By.CSS_SELECTOR, ".covplan-out-dir input")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.clear()
        box.send_keys(str(out))
        time.sleep(0.5)  # the text is synced to the kernel as typed
        driver.find_element(By.CSS_SELECTOR, "button.covplan-write").click()
        _wait("the written plan", lambda: (out / "summary.json").is_file(), 120, 0.5)
        status = _wait(
            "the write's status",
            lambda: (
                (t := driver.find_element(By.CSS_SELECTOR, ".covplan-status").text)
                and str(out) in t
                and t
            ),
            30,
        )
        # save: the widget state (the lab setting is on) and the static picture go in the file
        saved_at = (lab["work"] / "00-quickstart.ipynb").stat().st_mtime
        _js(driver, "window.jupyterapp.commands.execute('docmanager:save');")

        def saved() -> bool:  # written anew and whole (the server may still be writing it)
            path = lab["work"] / "00-quickstart.ipynb"
            if path.stat().st_mtime <= saved_at:
                return False
            json.loads(path.read_text(encoding="utf-8"))  # a half-written file raises: retried
            return True

        _wait("the notebook to be saved", saved, 30)
        extern = external_requests(driver)
        errors = console_errors(driver)
    seconds = time.perf_counter() - t0
    print(
        f"JupyterLab test: notebook ran in {t_ran:.1f} s, click → new headline {t_resolve:.1f} s, "
        f"{seconds:.1f} s in the browser"
    )
    yield {
        "headline": headline,
        "after": after,
        "site": site,
        "before": before,
        "moved": moved,
        "shot": shot,
        "out": out,
        "status": status,
        "external": extern,
        "errors": errors,
        "resolve_s": t_resolve,
    }


def test_clicking_a_mount_forbids_it_and_resolves(clicked: dict[str, Any]) -> None:
    c = clicked
    assert c["site"] in c["before"], "the clicked mount carried a new camera"
    assert c["site"] not in c["moved"], "no new camera left on the forbidden mount"
    assert c["after"] != c["headline"] and "Cấm 1" in c["after"]
    assert c["moved"] != c["before"]  # the map changed
    assert c["shot"].is_file() and c["shot"].stat().st_size > 20_000
    assert not c["external"], c["external"]  # offline: no tile, icon or font fetched
    assert not [e for e in c["errors"] if "leaflet" in e.lower() or "widget" in e.lower()]
    assert c["resolve_s"] < 60


def test_saved_notebook_shows_the_plan(lab: dict[str, Any], clicked: dict[str, Any]) -> None:
    nb = json.loads((lab["work"] / "00-quickstart.ipynb").read_text())
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = {m["model_name"] for m in state.values()}
    assert {"LeafletMapModel", "LeafletGeoJSONModel", "HTMLModel"} <= models
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    last = [o for o in pictures if "covplan-result" in "".join(o["data"].get("text/html", ""))]
    assert len(last) == 1  # the explorer's static picture and table, beside the widget
    text = "".join(last[0]["data"]["text/plain"])
    assert clicked["after"].replace("\n", " ").split(" · ")[0] in text and "Cấm 1" in text


def _install_rows(out: Path) -> list[tuple[str, ...]]:
    with (out / "install.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    return sorted(tuple(r[i] for i in range(len(head))) for r in rows[1:])


def test_written_plan_equals_covplan_plan_forbid(
    clicked: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, written = clicked["site"], clicked["out"]
    assert (written / "sites.txt").read_text().splitlines()[1:] == [f"forbid {site}"]
    cli_out = tmp_path / "cli"
    argv = [
        "plan",
        "--osm",
        str(datasets.get_path("demo-ward.osm")),
        "--groups",
        str(datasets.get_path("demo-groups.geojson")),
        "--survey",
        str(datasets.get_path("demo-survey.csv")),
        "--spacing",
        str(SMALL["SPACING_M"]),
        "--site-spacing",
        str(SMALL["SITE_SPACING_M"]),
        "--headings",
        str(SMALL["HEADINGS"]),
        *(
            a
            for kind in ("street", "alley", "lane", "path")
            for a in ("--level", f"{kind}=observe")
        ),
        "--time-limit",
        str(SMALL["TIME_LIMIT_S"]),
        "--forbid",
        site,
        "--out",
        str(cli_out),
        "--no-maps",
        "--no-tiles",
        "--quiet",
    ]
    assert covplan_main(argv) == 0
    capsys.readouterr()
    ours = json.loads((written / "summary.json").read_text())
    theirs = json.loads((cli_out / "summary.json").read_text())
    assert ours["options"] == theirs["options"]
    assert ours["options"]["forbidden_sites"] == [site]
    for key in ("new_cameras", "reaimed_cameras", "kept_cameras", "cost_vnd", "proven"):
        assert ours[key] == theirs[key], key
    assert _install_rows(written) == _install_rows(cli_out)  # same cameras, poses and prices
    assert (written / "reaim.csv").read_bytes() == (cli_out / "reaim.csv").read_bytes()
