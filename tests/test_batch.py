"""A batch of wards on Dask (issue 16): same plans as one ward at a time, a killed worker
loses nothing, an interrupted batch resumes, a failed ward is reported, bad manifests say
where they are wrong.

Wards are small: the embedded demo ward and tiles of the real HCMC extract (tests that
need it skip where ../shared/data is absent), with small options, no maps.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from covplan import InputError, datasets
from covplan.area import area_from_xml, read_osm_bounds
from covplan.batch import MARKER, WardResult, cut_extract, plan_batch, read_manifest, ward_key
from covplan.cli import main
from covplan.plan import PlanOptions, plan_ward
from covplan.vocab.messages import use_lang

HCMC_OSM = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "osm" / "hcmc-dakao-1km.osm.bz2"
)
OPTS = PlanOptions(headings=4, spacing_m=10, site_spacing_m=20, time_limit_s=30)
DEMO = datasets.get_path("demo-ward.osm")
GROUPS = datasets.get_path("demo-groups.geojson")
SURVEY = datasets.get_path("demo-survey.csv")
WRITE: dict[str, Any] = {"maps": False, "tiles": None}

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the kill plugin, on the workers


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


class KillOnce(WorkerPlugin):
    """Kill the worker that starts the first ward task, ``delay`` seconds into it, once."""

    name = "kill-once"

    def __init__(self, flag: str, delay: float) -> None:
        self.flag, self.delay = flag, delay

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith("covplan-ward-"):
            return
        try:
            fd = os.open(self.flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, json.dumps({"pid": os.getpid(), "key": str(key)}).encode())
        os.close(fd)
        threading.Timer(self.delay, os._exit, (1,)).start()


def _tiles(n: int) -> list[tuple[float, float, float, float]]:
    (w, s, e, nn), _, _ = read_osm_bounds(HCMC_OSM)
    dx, dy = (e - w) / 3, (nn - s) / 3
    return [(w + i * dx, s, w + (i + 1) * dx, s + dy) for i in range(n)]


def _write_manifest(path: Path, rows: list[dict[str, Any]]) -> Path:
    cols = sorted({k for r in rows for k in r}, key=lambda c: (c != "name", c))
    lines = [",".join(cols)] + [",".join(f'"{r.get(c, "")}"' for c in cols) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client() -> Any:
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit="3GB",
        dashboard_address=":0",
        silence_logs=40,
    )
    with Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def killed_batch(client: Client, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Demo ward + 2 HCMC tiles (a box, a polygon file) + a broken ward; a worker killed."""
    if not HCMC_OSM.exists():
        pytest.skip(f"real HCMC extract not found at {HCMC_OSM} (../shared/data is absent)")
    tmp = tmp_path_factory.mktemp("batch")
    t1, t2 = _tiles(2)
    poly = tmp / "tile-2.geojson"
    w, s, e, n = t2
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    poly.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    (tmp / "broken.osm").write_text("<osm><node", encoding="utf-8")
    manifest = _write_manifest(
        tmp / "wards.csv",
        [
            {"name": "Demo ward", "osm": DEMO, "groups": GROUPS, "survey": SURVEY},
            {"name": "Đa Kao 1", "osm": HCMC_OSM, "boundary": ",".join(map(str, t1))},
            {"name": "Đa Kao 2", "osm": HCMC_OSM, "boundary": "tile-2.geojson", "headings": 2},
            {"name": "Hỏng", "osm": "broken.osm"},
        ],
    )
    flag = tmp / "killed.json"
    client.register_plugin(KillOnce(str(flag), 0.8))
    seen: list[str] = []
    try:
        result = plan_batch(
            manifest,
            tmp / "out",
            options=OPTS,
            client=client,
            progress=lambda r, done, total: seen.append(r.slug),
            **WRITE,
        )
    finally:
        client.unregister_worker_plugin("kill-once")
    return {"result": result, "manifest": manifest, "flag": flag, "seen": seen}


def _running(dask_worker: Any) -> int:
    return len(dask_worker.state.all_running_tasks)


def _direct(ward: Any) -> Any:
    area = area_from_xml(ward.osm, bbox=ward.bbox, groups=ward.groups)
    return plan_ward(area, survey=ward.survey, options=ward.options, name=ward.name)


def _poses(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("source", "camera_id", "site_id", "heading_deg", "spec_id")
    return sorted(tuple(str(r.get(k)) for k in keys) for r in rows)


def test_every_ward_is_planned_as_plan_ward_would(killed_batch: dict[str, Any]) -> None:
    result = killed_batch["result"]
    wards = {w.slug: w for w in read_manifest(killed_batch["manifest"], options=OPTS)}
    planned = [r for r in result.wards if r.status == "planned"]
    assert {r.slug for r in planned} == {"demo-ward", "da-kao-1", "da-kao-2"}
    for r in planned:
        plan = _direct(wards[r.slug])
        on_disk = json.loads((result.out_dir / r.slug / "summary.json").read_text("utf-8"))
        for k in ("new_cameras", "reaimed_cameras", "kept_cameras", "cost_vnd", "cost_parts"):
            assert on_disk[k] == plan.summary[k], (r.slug, k)
        assert on_disk["coverage"] == plan.summary["coverage"]
        assert on_disk["options"] == plan.summary["options"]
        assert isinstance(on_disk["cost_vnd"], int)
        assert _poses(r.chosen) == _poses(plan.chosen.to_dict("records")), r.slug
        assert len(r.chosen) == len(plan.chosen) > 0
    assert wards["da-kao-2"].options.headings == 2  # a row's option column wins


def test_a_killed_worker_loses_no_output(killed_batch: dict[str, Any]) -> None:
    result, flag = killed_batch["result"], killed_batch["flag"]
    assert flag.exists(), "the plugin never killed a worker"
    killed = json.loads(flag.read_text())
    slug = next(w.slug for w in result.wards if killed["key"].startswith(f"covplan-ward-{w.slug}-"))
    victim = next(w for w in result.wards if w.slug == slug)
    if victim.status != "failed":  # the broken ward may be the one killed: it fails anyway
        assert victim.status == "planned" and victim.pid != killed["pid"]
    for w in result.wards:
        if w.status == "planned":
            folder = result.out_dir / w.slug
            assert (folder / "summary.json").exists() and (folder / "install.xlsx").exists()
            assert json.loads((folder / MARKER).read_text("utf-8"))["key"] == w.key
            assert not list(folder.glob(".covplan-staging-*"))
    assert sorted(killed_batch["seen"]) == sorted(w.slug for w in result.wards)


def test_a_failed_ward_is_reported_and_the_city_summary_adds_up(
    killed_batch: dict[str, Any],
) -> None:
    result = killed_batch["result"]
    (bad,) = [w for w in result.wards if w.status == "failed"]
    assert bad.slug == "hong" and "broken.osm" in bad.error and "\n" not in bad.error
    assert not (result.out_dir / "hong" / MARKER).exists()
    city = json.loads((result.out_dir / "city-summary.json").read_text("utf-8"))
    ok = [w for w in result.wards if w.status == "planned"]
    assert city["total"]["failed"] == 1 and city["total"]["planned"] == 3
    assert city["total"]["cost_vnd"] == sum(w.summary["cost_vnd"] for w in ok)
    assert city["total"]["new_cameras"] == sum(w.summary["new_cameras"] for w in ok)
    assert {g["ward"] for g in city["groups"]} >= {"Demo ward"}
    for name in ("city-summary.xlsx", "city-summary.csv", "city-map.png"):
        assert (result.out_dir / name).stat().st_size > 0


def test_an_interrupted_batch_resumes_with_only_the_unfinished_wards(
    client: Client, tmp_path: Path
) -> None:
    rows = [{"name": f"Demo {i}", "osm": DEMO, "groups": GROUPS} for i in range(4)]
    manifest = _write_manifest(tmp_path / "wards.csv", rows)
    out = tmp_path / "out"

    def stop(res: WardResult, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        plan_batch(manifest, out, options=OPTS, client=client, progress=stop, **WRITE)
    deadline = time.monotonic() + 60
    while sum(client.run(_running).values()) and time.monotonic() < deadline:
        time.sleep(0.2)  # cancelled wards already running finish on their own
    finished = {p.parent.name: p.stat().st_mtime_ns for p in out.glob(f"*/{MARKER}")}
    assert 1 <= len(finished) < 4
    again = plan_batch(manifest, out, options=OPTS, client=client, **WRITE)
    assert set(again.by_status("skipped")) == set(finished)
    assert set(again.by_status("planned")) == {f"demo-{i}" for i in range(4)} - set(finished)
    for slug, mtime in finished.items():
        assert (out / slug / MARKER).stat().st_mtime_ns == mtime  # not redone


def test_the_key_follows_inputs_and_options(tmp_path: Path) -> None:
    osm = tmp_path / "w.osm"
    shutil.copy(DEMO, osm)
    manifest = _write_manifest(tmp_path / "m.csv", [{"name": "W", "osm": "w.osm"}])
    (ward,) = read_manifest(manifest, options=OPTS)
    key = ward_key(ward, WRITE)
    assert ward_key(ward, WRITE) == key
    assert ward_key(ward, {**WRITE, "lang": "en"}) != key
    (other,) = read_manifest(manifest, options=OPTS.replace(headings=8))
    assert ward_key(other, WRITE) != key
    time.sleep(0.01)
    osm.write_bytes(osm.read_bytes().replace(b"</osm>", b"<!-- edited -->\n</osm>"))
    (edited,) = read_manifest(manifest, options=OPTS)
    assert ward_key(edited, WRITE) != key


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([{"place": "Huế"}], "column name"),
        ([{"name": "A", "osm": "a.osm", "colour": "red"}], "row 1, column colour"),
        ([{"name": "A", "osm": "missing.osm"}], "row 2, column osm: 'missing.osm' file not found"),
        ([{"name": "A", "osm": "a.osm", "place": "Huế"}], "row 2, column osm"),
        ([{"name": "A", "osm": "a.osm", "headings": "four"}], "row 2, column headings"),
        ([{"name": "A", "osm": "a.osm", "spacing_m": "-3"}], "row 2: bad planning option"),
        ([{"name": "A", "osm": "a.osm", "boundary": "1,2,3"}], "row 2, column boundary"),
        ([{"name": "A", "osm": "a.osm"}, {"name": "A", "osm": "a.osm"}], "row 3, column name"),
    ],
)
def test_a_bad_manifest_says_file_row_column_and_what_to_do(
    tmp_path: Path, rows: list[dict[str, Any]], where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DEMO, tmp_path / "a.osm")
    manifest = _write_manifest(tmp_path / "wards.csv", rows)
    with pytest.raises(InputError) as err:
        read_manifest(manifest)
    assert str(err.value).startswith(str(manifest)) and where in str(err.value), str(err.value)
    assert main(["batch", str(manifest), "--out", str(tmp_path / "out")]) == 2
    msg = capsys.readouterr().err.strip()
    assert msg.startswith("covplan: bad input") and where in msg and "\n" not in msg


def test_a_regional_pbf_is_cut_once_into_the_same_wards(tmp_path: Path) -> None:
    if not HCMC_OSM.exists():
        pytest.skip(f"real HCMC extract not found at {HCMC_OSM} (../shared/data is absent)")
    import osmium

    pbf = tmp_path / "region.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(HCMC_OSM)):
            writer.add(obj)
    boxes = {"a": _tiles(1)[0]}
    cuts = cut_extract(pbf, boxes, tmp_path / "cuts")
    for slug, bbox in boxes.items():
        whole, cut = area_from_xml(HCMC_OSM, bbox=bbox), area_from_xml(cuts[slug], bbox=bbox)
        for layer in ("routes", "buildings", "poles"):
            a, b = getattr(whole, layer), getattr(cut, layer)
            assert list(a.index) == list(b.index), layer
            assert a.geometry.geom_equals(b.geometry).all(), layer


def test_the_command_plans_an_xlsx_manifest_on_a_scheduler_and_then_skips_it(
    client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "wards.xlsx"
    pd.DataFrame(
        [{"name": "Phường Demo", "osm": str(DEMO), "survey": str(SURVEY), "spacing_m": 12}]
    ).to_excel(manifest, index=False)
    args = [
        "batch",
        str(manifest),
        "--out",
        str(tmp_path / "out"),
        "--scheduler",
        client.scheduler.address,
        "--headings",
        "4",
        "--spacing",
        "10",
        "--site-spacing",
        "20",
        "--time-limit",
        "30",
        "--no-maps",
        "--no-tiles",
        "--lang",
        "en",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "[1/1] Phường Demo:" in out and "(planned," in out and "Done: 1 planned" in out
    summary = json.loads((tmp_path / "out" / "phuong-demo" / "summary.json").read_text("utf-8"))
    assert summary["options"]["spacing_m"] == 12 and summary["options"]["headings"] == 4
    assert main(args) == 0
    assert "Done: 0 planned, 1 skipped" in capsys.readouterr().out
