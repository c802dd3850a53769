"""The notebook suite: committed clean, executed headless on the demo ward, headline checked.

Every notebook runs top to bottom with papermill, in-process from the venv's python (the
``python3`` kernel then starts ``sys.executable``), with small parameters; outputs go to
``tmp_path``, never into the repository.
"""

from __future__ import annotations

import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

import covplan
from covplan import datasets

papermill = pytest.importorskip("papermill")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
VIDEO = ROOT.parent / "shared" / "data" / "video" / "road-overhead-640x360.avi"
NAMES = [
    "00-quickstart",
    "01-area-and-routes",
    "02-survey-register",
    "03-camera-views",
    "04-optimiser",
    "05-exports",
    "06-checking-pictures",
    "07-campaign",
]

# small parameters: the whole suite in a few minutes on two cores
SMALL: dict[str, dict[str, Any]] = {
    "00-quickstart": {"HEADINGS": 4, "SPACING_M": 10.0, "TIME_LIMIT_S": 30.0, "MAP_PAGES": "none"},
    "01-area-and-routes": {"ATLAS_ROUTES": [], "DPI": 60},
    "02-survey-register": {},
    "03-camera-views": {"HEADINGS": 4, "SPACING_M": 10.0, "SITE_SPACING_M": 20.0},
    "04-optimiser": {
        "HEADINGS": 4,
        "SPACING_M": 10.0,
        "SITE_SPACING_M": 20.0,
        "TIME_LIMIT_S": 30.0,
        "BUDGET_VND": 10_000_000,
    },
    "05-exports": {
        "HEADINGS": 4,
        "SPACING_M": 10.0,
        "TIME_LIMIT_S": 30.0,
        "MAP_PAGES": "none",
        "LANG": "en",
    },
    # absolute: papermill's cwd is process-wide, so two notebooks run at once race for it
    "06-checking-pictures": {"MAX_FRAMES": 30, "VIDEO_PATH": str(VIDEO)},
    "07-campaign": {"HEADINGS": 4, "SPACING_M": 10.0, "SITE_SPACING_M": 20.0, "LANG": "en"},
}


def _notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _run(name: str, out_dir: Path, **extra: Any) -> tuple[nbformat.NotebookNode, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    params = {"OUT_DIR": str(out_dir / "files"), **SMALL[name], **extra}
    params = {k: v for k, v in params.items() if k in _parameter_names(name)}
    out = out_dir / f"{name}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=params,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        execution_timeout=300,
    )
    return nbformat.read(out, as_version=4), out_dir


def _parameter_names(name: str) -> set[str]:
    cell = next(c for c in _notebook(name).cells if "parameters" in c.metadata.get("tags", []))
    lhs = re.findall(r"^([A-Z][A-Z0-9_]*(?:, [A-Z][A-Z0-9_]*)*) =", cell.source, re.M)
    return {n for names in lhs for n in names.split(", ")}


def _dirty_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Code cells with outputs or an execution count."""
    return [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", ""))
            for key in ("text/plain", "text/html"):
                parts.append(str(o.get("data", {}).get(key, "")))
    return "\n".join(parts)


# ---------------------------------------------------------------- the committed files


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name: str) -> None:
    nb = _notebook(name)
    nbformat.validate(nb)
    assert _dirty_cells(nb) == [], f"{name}: strip outputs and execution counts before commit"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_every_notebook_is_listed() -> None:
    found = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == NAMES
    assert all(re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", n) for n in found)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_layout(name: str) -> None:
    nb = _notebook(name)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "print(covplan.__version__)" in code[0].source
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    # the knobs are ALL_CAPS assignments, nothing else
    for line in tagged[0].source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert re.match(r"^[A-Z][A-Z0-9_]*(, [A-Z][A-Z0-9_]*)* = ", line), line
    # notebooks define nothing of their own
    for c in code:
        assert not re.search(r"^\s*(def|class) ", c.source, re.M), f"{name} defines something"
        assert "lambda" not in c.source


def test_a_notebook_with_outputs_fails() -> None:
    nb = _notebook("02-survey-register")
    assert _dirty_cells(nb) == []
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="0.1.0\n")]
    assert _dirty_cells(nb) == [1]
    nb.cells[1].outputs = []
    nb.cells[1].execution_count = 1
    assert _dirty_cells(nb) == [1]


def test_kernel_is_this_python() -> None:
    """papermill's python3 kernel starts the interpreter running the tests (the venv's)."""
    from jupyter_client.manager import KernelManager

    cmd = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert Path(cmd[0]).resolve() == Path(sys.executable).resolve()


# ---------------------------------------------------------------- executed headless
# One test runs the notebooks (two kernels at a time), so that pytest-xdist never runs
# the suite twice; the optimiser notebook has its own test.


@pytest.mark.timeout(600)
def test_every_notebook_runs_headless(tmp_path: Path) -> None:
    names = [n for n in NAMES if n != "04-optimiser"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {n: pool.submit(_run, n, tmp_path / n) for n in names}
        executed = {n: f.result() for n, f in futures.items()}
    raw = pd.read_csv(datasets.get_path("demo-survey.csv"), dtype=str, encoding="utf-8-sig")
    secrets = [*raw["owner_name"].dropna(), *raw["phone"].dropna()]
    for name, (nb, out_dir) in executed.items():
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, name
        text = _outputs_text(nb)
        assert covplan.__version__ in text, name
        for secret in secrets:  # owners' names and phones never shown
            assert secret not in text, f"{name} shows personal data"
        assert (out_dir / f"{name}.ipynb").is_file()
    # what each step wrote, into tmp_path
    files = tmp_path / "05-exports" / "files"
    for name in ("install.xlsx", "reaim.csv", "plan.gpkg", "plan.kml", "map.png", "summary.json"):
        assert (files / name).is_file(), name
    assert (tmp_path / "01-area-and-routes" / "files" / "route-atlas.pdf").is_file()
    assert (tmp_path / "02-survey-register" / "files" / "register.xlsx").is_file()
    assert "has latitude and longitude swapped" in _outputs_text(executed["02-survey-register"][0])
    assert (tmp_path / "00-quickstart" / "files" / "summary.json").is_file()
    text = _outputs_text(executed["06-checking-pictures"][0])
    if VIDEO.is_file():
        assert "road-overhead-640x360.avi: 30 frames" in text
    else:
        assert "a rendered clip" in text
    assert "picture check: pass" in text
    assert "route check: pass" in text and "turned away: fail" in text
    assert (tmp_path / "06-checking-pictures" / "files" / "route.png").is_file()
    # the campaign: reports' figures equal the entries, burn-up plots drawn
    text = _outputs_text(executed["07-campaign"][0])
    assert text.count("equal to the entries: True") == 3
    assert "equal to the entries: False" not in text
    assert (tmp_path / "07-campaign" / "files" / "report" / "burnup-TDP-01.png").is_file()


@pytest.mark.timeout(300)
def test_pictures_notebook_without_shared_data(tmp_path: Path) -> None:
    """Where ../shared/data is absent the notebook renders its clip and still checks it."""
    nb, _ = _run("06-checking-pictures", tmp_path, VIDEO_PATH=str(tmp_path / "absent.avi"))
    text = _outputs_text(nb)
    assert "a rendered clip (no real clip here): 20 frames" in text
    assert "route check: pass" in text and "turned away: fail" in text


@pytest.mark.timeout(600)
def test_optimiser_headline_equals_camera_cover(tmp_path: Path) -> None:
    """The notebook's headline number of new cameras is the library's, same inputs."""
    from covplan.plan import PlanOptions, build_layers

    result = tmp_path / "headline.json"
    nb, _ = _run("04-optimiser", tmp_path, RESULT_JSON=str(result))
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    headline = json.loads(result.read_text())
    p = SMALL["04-optimiser"]
    area = covplan.area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    survey = covplan.read_survey(datasets.get_path("demo-survey.csv"), area=area)
    options = PlanOptions(
        spacing_m=p["SPACING_M"],
        site_spacing_m=p["SITE_SPACING_M"],
        headings=p["HEADINGS"],
    ).with_level("detect")
    layers = build_layers(
        area, cameras=survey.cameras, catalogue=covplan.load_catalogue(), options=options
    )
    # solved here straight on the model, not through plan_ward: an independent path
    model = covplan.CameraCover.from_geodataframes(
        layers.targets, layers.poses, layers.coverage, sites=layers.sites, allow_uncovered=True
    ).solve("highs", time_limit_s=p["TIME_LIMIT_S"])
    assert model.result.proven and model.result.status == "optimal"
    assert headline["status"] == "optimal" and headline["proven"]
    assert headline["new_cameras"] == model.n_new
    assert headline["new_cameras_bound"] == model.n_new
    assert headline["reaimed_cameras"] == model.n_reaim
    assert headline["greedy_cameras"] >= headline["new_cameras"]
    assert headline["new_cameras"] > 0
