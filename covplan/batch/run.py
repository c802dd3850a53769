"""Plan many wards on Dask: :func:`plan_batch`, one ward per task.

Each ward is planned exactly as ``covplan plan`` plans it (the same area loading,
:func:`covplan.plan.plan_ward` and :meth:`covplan.plan.Plan.write`) into
``<out>/<ward-slug>/``. When its files are complete, a marker
(``<out>/<ward-slug>/.covplan-batch.json``) records the ward's input key: a hash of the
bytes of its input files, its options, the output options and covplan's version. A
rerun skips every ward whose marker holds the same key, so an interrupted batch resumes
where it stopped, and a ward whose inputs or options changed is planned again.

A worker that dies mid-ward (killed, or past its memory limit) loses nothing: the
ward's files are written all or nothing, its marker after them, and the scheduler runs
the task again on another worker (up to ``retries`` times). A ward that fails (bad
input, no route in its box…) is reported with its one-line error; the others finish.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import dask
import geopandas as gpd
import shapely
from distributed import Client, LocalCluster, as_completed
from shapely.geometry.base import BaseGeometry

from covplan import settings
from covplan._errors import CovplanError
from covplan._io import atomic_write_text
from covplan.area import Area, area_from_place, area_from_xml
from covplan.batch.city import write_city_summary
from covplan.batch.extract import cut_extract
from covplan.batch.manifest import Ward, read_manifest
from covplan.plan import PlanOptions, plan_ward
from covplan.survey import read_survey

logger = logging.getLogger(__name__)

__all__ = ["MARKER", "BatchResult", "WardResult", "plan_batch", "plan_one_ward", "ward_key"]

try:  # the installed version (covplan/__init__.py is the public API, above this room)
    __version__ = metadata.version("covplan")
except metadata.PackageNotFoundError:  # a source tree that is not installed
    __version__ = "unknown"

#: The marker a ward's folder gets when its files are complete.
MARKER = ".covplan-batch.json"
#: Where a batch keeps its own work files (the wards' cuts of a regional extract).
WORK_DIR = ".covplan-batch"
#: ``progress(result, done, total)``: called once per ward as it finishes (or is skipped).
BatchProgress = Callable[["WardResult", int, int], None]

_WRITE_DEFAULTS: dict[str, Any] = {
    "lang": settings.lang,
    "maps": True,
    "pages": "route",
    "page_png": False,
    "vn2000": False,
    "include_contacts": False,
    "tiles": "OpenStreetMap",
}


@dataclass
class WardResult:
    """What one ward of a batch came to.

    Parameters
    ----------
    name, slug, row
        The ward, its folder and its manifest row.
    status
        ``"planned"``, ``"skipped"`` (already planned with the same key) or ``"failed"``.
    error
        The one-line error of a failed ward.
    key
        The ward's input key (see :func:`ward_key`).
    summary
        The figures of the plan: ``new_cameras``, ``reaimed_cameras``, ``kept_cameras``,
        ``cost_vnd`` and ``monthly_vnd`` (whole VND), ``coverage`` (``overall`` and
        ``by_group``), ``targets``, ``unseen_targets``.
    bbox
        The ward's box ``(west, south, east, north)``.
    chosen
        The plan's poses: ``source``, ``camera_id``, ``site_id``, ``heading_deg``,
        ``spec_id``, ``lon``, ``lat``.
    seconds
        Time the ward took (loading, planning and writing).
    pid
        The process that planned it.
    """

    name: str
    slug: str
    row: int
    status: str
    error: str = ""
    key: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    bbox: tuple[float, float, float, float] | None = None
    chosen: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    pid: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready values."""
        return asdict(self)


@dataclass
class BatchResult:
    """A whole batch: every ward's result and the city summary's files.

    Parameters
    ----------
    wards
        One :class:`WardResult` per manifest row, in the manifest's order.
    files
        The city summary's files.
    out_dir
        The batch's output folder.
    seconds
        Wall time of the batch.
    """

    wards: list[WardResult]
    files: list[Path]
    out_dir: Path
    seconds: float

    def by_status(self, status: str) -> list[str]:
        """Return the slugs of the wards with a status.

        Parameters
        ----------
        status
            ``"planned"``, ``"skipped"`` or ``"failed"``.

        Returns
        -------
        list of str
            The wards' slugs, in the manifest's order.
        """
        return [w.slug for w in self.wards if w.status == status]


# --------------------------------------------------------------------------- keys
_DIGESTS: dict[tuple[str, int, int], str] = {}


def _digest(path: Path) -> str:
    st = path.stat()
    memo = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if memo not in _DIGESTS:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _DIGESTS[memo] = h.hexdigest()
    return _DIGESTS[memo]


def ward_key(ward: Ward, write: Mapping[str, Any] | None = None) -> str:
    """Return a ward's input key: what its plan depends on, hashed.

    Parameters
    ----------
    ward
        The ward.
    write
        The output options (``lang``, ``maps``…; see :func:`plan_batch`).

    Returns
    -------
    str
        The SHA-256 (hex) of the bytes of every input file, the ward's inputs and
        options, the output options and covplan's version.
    """
    doc = {
        "covplan": __version__,
        "ward": ward.describe(),
        "files": {str(f): _digest(f) for f in ward.files},
        "write": dict(sorted({**_WRITE_DEFAULTS, **(write or {})}.items())),
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------- one ward
@dataclass(frozen=True)
class _Job:
    ward: Ward
    key: str
    out_dir: Path
    osm: Path | None  # the ward's own file, or its cut of a regional extract
    write: dict[str, Any]
    error: str = ""  # a failure found before the task (the extract could not be cut)


def _load_area(ward: Ward, osm: Path | None) -> Area:
    """Load the ward as ``covplan plan`` does (``--osm`` / ``--place``, ``--streets``)."""
    kinds = ("street", *settings.planned_kinds) if ward.streets else None
    groups = str(ward.groups) if ward.groups else None
    if osm is not None:
        outline = _outline(ward.boundary) if ward.boundary else None
        return area_from_xml(osm, bbox=ward.bbox, groups=groups, kinds=kinds, boundary=outline)
    return area_from_place(str(ward.place), groups=groups, kinds=kinds)


def _outline(path: Path) -> BaseGeometry:
    """Return the ward's boundary polygon (EPSG:4326) from its file."""
    polys = gpd.read_file(path).to_crs(4326)
    polys = polys[polys.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    return shapely.union_all(polys.geometry.to_numpy())


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text if isinstance(err, CovplanError) else f"{type(err).__name__}: {text}"


def _chosen(plan: Any) -> list[dict[str, Any]]:
    c = plan.chosen.to_crs(4326)
    rows = []
    for rec, geom in zip(c.to_dict("records"), c.geometry, strict=True):
        rows.append(
            {
                "source": str(rec.get("source")),
                "camera_id": None if _isna(rec.get("camera_id")) else str(rec["camera_id"]),
                "site_id": None if _isna(rec.get("site_id")) else str(rec["site_id"]),
                "heading_deg": float(rec["heading_deg"]),
                "spec_id": None if _isna(rec.get("spec_id")) else str(rec["spec_id"]),
                "lon": round(float(geom.x), 7),
                "lat": round(float(geom.y), 7),
            }
        )
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def _isna(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


_SUMMARY_KEYS = (
    "new_cameras",
    "reaimed_cameras",
    "kept_cameras",
    "cost_vnd",
    "monthly_vnd",
    "coverage",
    "targets",
    "unseen_targets",
    "status",
)


def plan_one_ward(job: _Job) -> WardResult:
    """Plan one ward into its folder and mark it done (the task each worker runs).

    Parameters
    ----------
    job
        The ward, its key, its output folder, its OSM file and the output options.

    Returns
    -------
    WardResult
        ``planned``, or ``failed`` with the error's one line (never raises for a
        ward's own problem, so the other wards finish).
    """
    ward = job.ward
    t0 = time.perf_counter()
    base: dict[str, Any] = {"name": ward.name, "slug": ward.slug, "row": ward.row, "key": job.key}
    if job.error:
        return WardResult(**base, status="failed", error=job.error, pid=os.getpid())
    folder = job.out_dir / ward.slug
    try:
        area = _load_area(ward, job.osm)
        t_area = time.perf_counter() - t0
        survey = read_survey(ward.survey, area=area) if ward.survey else None
        plan = plan_ward(area, survey=survey, options=ward.options, name=ward.name)
        plan.summary["seconds"] = {"area": round(t_area, 2), **plan.summary["seconds"]}
        plan.write(folder, **job.write)
        w, s, e, n = (float(x) for x in area.boundary.bounds)
        result = WardResult(
            **base,
            status="planned",
            summary={k: plan.summary.get(k) for k in _SUMMARY_KEYS},
            bbox=(w, s, e, n),
            chosen=_chosen(plan),
            seconds=round(time.perf_counter() - t0, 2),
            pid=os.getpid(),
        )
        record = {**result.as_dict(), "covplan": __version__, "inputs": ward.describe()}
        atomic_write_text(folder / MARKER, json.dumps(record, ensure_ascii=False, indent=1))
    except Exception as err:  # a ward's failure is reported; it must not stop the batch
        logger.debug("ward %s failed:\n%s", ward.slug, traceback.format_exc())
        return WardResult(
            **base,
            status="failed",
            error=_one_line(err),
            seconds=round(time.perf_counter() - t0, 2),
            pid=os.getpid(),
        )
    logger.info("ward %s: planned in %.1f s", ward.slug, result.seconds)
    return result


# --------------------------------------------------------------------------- the batch
def _skipped(ward: Ward, key: str, out: Path) -> WardResult | None:
    marker = _marker(out / ward.slug)
    if not marker or marker.get("key") != key or not (out / ward.slug / "summary.json").exists():
        return None
    fields = {k: marker[k] for k in ("summary", "chosen", "seconds", "pid") if k in marker}
    bbox = marker.get("bbox")
    return WardResult(
        name=ward.name,
        slug=ward.slug,
        row=ward.row,
        status="skipped",
        key=key,
        bbox=None if bbox is None else (bbox[0], bbox[1], bbox[2], bbox[3]),
        **fields,
    )


def _jobs(todo: Sequence[tuple[Ward, str]], out: Path, write: dict[str, Any]) -> list[_Job]:
    """Make the wards' jobs, cutting each regional extract once for all its wards."""
    by_source: dict[Path, dict[str, Any]] = {}
    for ward, _ in todo:
        if ward.osm is not None and ward.bbox is not None:
            by_source.setdefault(ward.osm, {})[ward.slug] = ward.bbox
    cuts: dict[str, Path] = {}
    errors: dict[str, str] = {}
    for src, boxes in by_source.items():
        try:
            cuts.update(cut_extract(src, boxes, out / WORK_DIR / "extracts"))
        except CovplanError as err:
            errors.update(dict.fromkeys(boxes, _one_line(err)))
    return [
        _Job(ward, key, out, cuts.get(ward.slug, ward.osm), write, errors.get(ward.slug, ""))
        for ward, key in todo
    ]


@contextlib.contextmanager
def _dask_client(
    client: Client | None,
    scheduler: str | None,
    workers: int | None,
    memory_limit: str | float | None,
    retries: int,
) -> Iterator[Client]:
    if client is not None:
        yield client
        return
    if scheduler:
        with Client(scheduler) as remote:
            yield remote
        return
    # a task whose worker dies is run again on another one, `retries` times
    with dask.config.set({"distributed.scheduler.allowed-failures": max(retries, 0)}):
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit if memory_limit is not None else "auto",
            dashboard_address=":0",  # no fixed port: batches may run side by side
            silence_logs=logging.ERROR,
        )
    try:
        with Client(cluster) as local:
            yield local
    finally:
        cluster.close()


def _failed_task(job: _Job, err: BaseException) -> WardResult:
    """Report a task the scheduler gave up on: its worker died too often (memory, a crash)."""
    return WardResult(
        name=job.ward.name,
        slug=job.ward.slug,
        row=job.ward.row,
        status="failed",
        key=job.key,
        error=_one_line(err),
    )


def _run(
    client: Client, jobs: Sequence[_Job], retries: int, report: Callable[[WardResult], None]
) -> list[WardResult]:
    run = uuid.uuid4().hex[:8]  # a key of its own: a cancelled run's tasks may still be running
    futures = {
        client.submit(
            plan_one_ward,
            job,
            key=f"covplan-ward-{job.ward.slug}-{run}",
            retries=retries,
            pure=False,
        ): job
        for job in jobs
    }
    results = []
    try:
        for fut in as_completed(futures):
            try:
                res = fut.result()
            except Exception as err:  # KilledWorker, a lost scheduler: the ward is reported
                res = _failed_task(futures[fut], err)
            results.append(res)
            report(res)
    except BaseException:  # interrupted: stop what is still queued; finished wards are kept
        client.cancel(list(futures))
        raise
    return results


def plan_batch(
    manifest: str | os.PathLike[str] | Sequence[Ward],
    out_dir: str | os.PathLike[str],
    *,
    options: PlanOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    memory_limit: str | float | None = "auto",
    retries: int = 2,
    lang: str = settings.lang,
    maps: bool = True,
    pages: str = "route",
    page_png: bool = False,
    vn2000: bool = False,
    include_contacts: bool = False,
    tiles: str | None = "OpenStreetMap",
    progress: BatchProgress | None = None,
) -> BatchResult:
    """Plan every ward of a manifest on Dask, each into ``out_dir/<ward-slug>/``.

    Parameters
    ----------
    manifest
        The manifest (CSV or XLSX; see :func:`covplan.batch.read_manifest`), or wards.
    out_dir
        The batch's folder: one folder per ward, and the city summary beside them.
    options
        The batch's planning options (each ward's option columns override them).
    workers
        Workers of the local cluster (default: the machine's cores), one ward each at a time.
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``) instead of a local cluster;
        its workers need covplan and the input files at the same paths.
    client
        A Dask client to use as it is (neither ``workers`` nor ``scheduler`` then apply).
    memory_limit
        Memory of each local worker (``"4GB"``, bytes, or ``"auto"``: the machine's
        memory shared out); a worker past it is restarted and its ward run again.
    retries
        Times a ward is run again when its worker dies (killed, out of memory).
    lang, maps, pages, page_png, vn2000, include_contacts, tiles
        Output options, as :meth:`covplan.plan.Plan.write` (``covplan plan``'s flags).
    progress
        Called as ``progress(result, done, total)`` once per ward as it finishes.

    Returns
    -------
    BatchResult
        Every ward's result and the city summary's files.

    Raises
    ------
    covplan.InputError
        For a bad manifest (before any ward runs).
    """
    t0 = time.perf_counter()
    wards = (
        read_manifest(manifest, options=options)
        if isinstance(manifest, str | os.PathLike)
        else list(manifest)
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write = {
        "lang": lang,
        "maps": maps,
        "pages": pages,
        "page_png": page_png,
        "vn2000": vn2000,
        "include_contacts": include_contacts,
        "tiles": tiles,
    }
    done: dict[str, WardResult] = {}
    todo: list[tuple[Ward, str]] = []
    count = [0]

    def report(res: WardResult) -> None:
        done[res.slug] = res
        count[0] += 1
        if progress is not None:
            progress(res, count[0], len(wards))

    for ward in wards:
        key = ward_key(ward, write)
        skipped = _skipped(ward, key, out)
        if skipped is not None:
            report(skipped)
        else:
            todo.append((ward, key))
    if todo:
        jobs = _jobs(todo, out, write)
        with _dask_client(client, scheduler, workers, memory_limit, retries) as c:
            _run(c, jobs, retries, report)
    results = [done[w.slug] for w in wards]
    files = write_city_summary(results, out, lang=lang)
    seconds = time.perf_counter() - t0
    logger.info(
        "plan_batch: %d wards (%d planned, %d skipped, %d failed) in %.1f s",
        len(results),
        sum(r.status == "planned" for r in results),
        sum(r.status == "skipped" for r in results),
        sum(r.status == "failed" for r in results),
        seconds,
    )
    return BatchResult(results, files, out, round(seconds, 2))
