"""Write a :class:`covplan.plan.Plan` into one folder, all or nothing, in one switch.

Layout of an output folder ``out``::

    out/install.xlsx -> .covplan/current/install.xlsx     (one link per name of the plan)
    out/pages        -> .covplan/current/pages
    out/.covplan/current -> v-20250101T120000-ab12cd       (THE switch: one symlink)
    out/.covplan/v-20250101T120000-ab12cd/                 (the plan: every file, whole)
    out/.covplan/lock                                      (fcntl lock: one writer at a time)

Every file is first written under a hidden staging folder; when all are complete the
folder becomes a version, the links of new names are made, and ``.covplan/current``
is switched to it by one atomic rename: a reader of ``out/…`` sees the old plan or
the new one, whole, never a mix. Names the new plan lacks are then removed, as is the
old version. A run that fails or is killed leaves the previous plan as it was; the
next run sweeps the leftovers. A second writer gets a clear "locked" error. Files of
one's own in ``out`` are never touched.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import logging
import math
import multiprocessing as mp
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from covplan import settings
from covplan._errors import InputError
from covplan._frames import with_id
from covplan._io import atomic_path, atomic_write_text
from covplan.export import (
    MapData,
    add_contacts,
    plan_maps,
    write_csv,
    write_geopackage,
    write_html_map,
    write_kml,
    write_kmz,
    write_table,
)
from covplan.export.kml import write_kmz_set
from covplan.export.maps import page_plan
from covplan.export.outreach import write_outreach
from covplan.export.place import area_places
from covplan.export.worksheets import located_lists, write_worksheets
from covplan.plan.summary import bill, summary_text
from covplan.vocab import cost_label, label

if TYPE_CHECKING:  # result.py imports this module for Plan.write
    from covplan.plan.result import Plan

logger = logging.getLogger(__name__)

__all__ = [
    "PLAN_NAMES",
    "STAGING_PREFIX",
    "STATE_DIR",
    "Progress",
    "check_out_dir",
    "current_plan",
    "no_progress",
    "plan_lock",
    "write_plan",
]

#: ``progress(stage, total)`` is called when a stage starts and returns ``tick(n)``,
#: called as the stage advances (``total`` ticks in all). The CLI draws tqdm bars.
Progress = Callable[[str, int], Callable[[int], None]]

STAGING_PREFIX = ".covplan-staging-"


def no_progress(stage: str, total: int) -> Callable[[int], None]:
    """Progress callback that shows nothing (see :data:`Progress`)."""
    return lambda n: None


def write_plan(
    plan: Plan,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "vi",
    include_contacts: bool = False,
    vn2000: bool = False,
    maps: bool = True,
    pages: str = "route",
    page_png: bool = False,
    html: bool = True,
    tiles: str | None = "OpenStreetMap",
    dpi: int = 130,
    progress: Progress | None = None,
    region: str | None = None,
) -> list[Path]:
    """Write the plan's files into ``out_dir`` (all or nothing).

    Files: ``install.xlsx|csv|geojson`` (new cameras), ``reaim.xlsx|csv|geojson``
    (cameras to turn), ``plan.gpkg`` (layers with QGIS styles), ``plan.kml``,
    ``plan.kmz``, ``targets.geojson`` (the route targets each camera is meant to see,
    for ``covplan verify --targets``), ``maps.pdf`` (ward map + one page per planned
    route or group), ``map.png`` (the ward map), ``map.html``, ``summary.json``,
    ``summary.txt``; ``plan-vn2000.gpkg`` with ``vn2000``; ``pages/*.png`` (one PNG
    per map page) with ``page_png``. For the ground (:mod:`covplan.export.worksheets`,
    :mod:`covplan.export.outreach`): ``worksheets.xlsx`` (a work sheet per route with
    cameras to install or re-aim) and ``outreach.xlsx`` (a door-to-door list per
    residential group), and with ``maps`` their PDF pages ``worksheets.pdf`` and
    ``outreach.pdf``. Every install and re-aim row says where to go: a human location
    (route, named end, nearest house number, mount) and map links.

    Parameters
    ----------
    plan
        The plan.
    out_dir
        The output folder (created).
    lang
        ``"vi"`` or ``"en"`` for headers, labels and the summary.
    include_contacts
        Add owners' names and phones to the re-aim list and the outreach lists
        (personal data: off by default, and never in any other file).
    vn2000
        Also write the GeoPackage in VN-2000 / TM-3 107°00' (EPSG:9214).
    maps
        Draw the PDF/PNG maps (the slowest step).
    pages
        ``"route"`` or ``"group"``: one map page per planned route or residential group.
    page_png
        Also write each map page as a PNG (doubles the time maps take).
    html
        Write the HTML map.
    tiles
        Background tiles of the HTML map (None: no background, works offline).
    dpi
        PNG resolution.
    progress
        Progress callback (see :data:`Progress`).
    region
        The alley word's region (``north``: ngõ, ``central``: kiệt, ``south``: hẻm;
        default: ``covplan.settings.alley_region``, else where the ward lies).

    Returns
    -------
    list of pathlib.Path
        The files written, in ``out_dir``.
    """
    with plan_lock(out_dir) as out:
        sweep_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        try:
            _write_all(plan, staging, lang, include_contacts, vn2000, maps, pages, page_png,
                       html, tiles, dpi, progress or no_progress, region)  # fmt: skip
            written = _commit(staging, out)
        except OSError as err:
            if isinstance(err, BlockingIOError):
                raise
            msg = (
                f"{err.strerror or err} while writing the plan; the plan this folder showed "
                "is unchanged: free disk space (or fix the folder) and run again"
            )
            raise OSError(err.errno, msg, str(out)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    logger.info("wrote %d files to %s", len(written), out)
    return written


def _write_all(
    plan: Plan,
    staging: Path,
    lang: str,
    include_contacts: bool,
    vn2000: bool,
    maps: bool,
    pages: str,
    page_png: bool,
    html: bool,
    tiles: str | None,
    dpi: int,
    progress: Progress,
    region: str | None = None,
) -> None:
    """Write every file of the plan into the staging folder."""
    t0 = time.perf_counter()
    title = f"{label('ward_map', lang)} — {plan.name}" if plan.name else ""
    # the printed maps are drawn in a forked process while this one writes the lists,
    # the work sheets and the GIS files: the two halves take about as long each
    plan.layers()  # computed (and cached) once, before the fork: both halves draw them
    job = _MapsJob.start(plan, staging, lang, pages, page_png, dpi) if maps else None
    try:
        _write_lists(plan, staging, lang, include_contacts, progress, region=region, pdf=maps)
        _write_gis(plan, staging, lang, vn2000, title, progress)
        if job is not None:
            job.finish(progress)
            job = None
        elif maps:
            _write_maps(plan, staging, lang, pages, page_png, dpi, progress)
    finally:
        if job is not None:
            job.stop()
    if html:
        write_html_map(
            staging / "map.html",
            plan.layers(),
            buildings=plan.area.buildings,
            lang=lang,
            tiles=tiles,
            title=title,
            reaim=plan.reaim,
        )
    _write_trade_offs(plan, staging, lang)
    plan.summary.setdefault("seconds", {})["write"] = round(time.perf_counter() - t0, 2)
    atomic_write_text(
        staging / "summary.json",
        json.dumps(jsonable(plan.summary), ensure_ascii=False, indent=2) + "\n",
    )
    atomic_write_text(staging / "summary.txt", summary_text(plan.summary, lang) + "\n")


def _write_trade_offs(plan: Plan, staging: Path, lang: str) -> None:
    """Write the bill by part (``cost.csv``) and the scenarios, when computed (``pareto.csv``)."""
    the_bill = bill(plan.poses, plan.selected, plan.options.cost_model(), plan.catalogue, lang=lang)
    # the part's words, not its code (the codes are in summary.json's cost_parts)
    cols = [f"label_{lang}", "quantity", "unit", "vnd", "share", "note"]
    table = the_bill[cols].rename(columns={f"label_{lang}": "part_label"})
    table["unit"] = [cost_label("unit", str(u), lang) for u in table["unit"]]
    table["share"] = table["share"].astype(float).round(3)
    write_csv(table, staging / "cost.csv", lang=lang)
    rows = plan.summary.get("pareto")
    if rows:
        write_csv(pd.DataFrame(rows), staging / "pareto.csv", lang=lang)


def _write_lists(
    plan: Plan,
    staging: Path,
    lang: str,
    include_contacts: bool,
    progress: Progress,
    *,
    region: str | None = None,
    pdf: bool = True,
) -> None:
    """Write the install and re-aim lists, the work sheets and the outreach lists."""
    tick = progress("lists", 4)
    places = area_places(plan.area, region=region)
    plan.summary["region"] = places.region  # the summary's alley word follows the lists'
    install, located = located_lists(plan, lang=lang, places=places)
    write_table(install, staging / "install", lang=lang, sheet=label("install_sheet", lang))
    tick(1)
    reaim = add_contacts(located, plan.contacts) if include_contacts else located
    write_table(reaim, staging / "reaim", lang=lang, sheet=label("reaim_sheet", lang))
    tick(1)
    write_worksheets(plan, staging, lang=lang, install=install, reaim=located, pdf=pdf)
    tick(1)
    write_outreach(
        plan,
        staging,
        lang=lang,
        include_contacts=include_contacts,
        install=install,
        reaim=located,
        places=places,
        pdf=pdf,
    )
    tick(1)


def _write_gis(
    plan: Plan, staging: Path, lang: str, vn2000: bool, title: str, progress: Progress
) -> None:
    layers = plan.layers()
    tick = progress("gis", 4 + int(vn2000))
    write_geopackage(staging / "plan.gpkg", layers, lang=lang)
    tick(1)
    with atomic_path(staging / "targets.geojson") as tmp:
        plan.view_targets().to_file(tmp, driver="GeoJSON")
    tick(1)
    if vn2000:
        write_geopackage(staging / "plan-vn2000.gpkg", layers, lang=lang, crs=settings.vn2000_epsg)
        tick(1)
    write_kml(staging / "plan.kml", layers, lang=lang, title=title)
    tick(1)
    write_kmz(staging / "plan.kmz", layers, lang=lang, title=title, reaim=plan.reaim)
    write_kmz_set(  # one KMZ per residential group and per phase, icons inside
        staging / "kmz",
        layers,
        groups=with_id(plan.area.groups, "group_id"),
        route_phase=(plan.summary.get("phases") or {}).get("route_phase"),
        lang=lang,
        ward=plan.name or "",
        reaim=plan.reaim,
    )
    tick(1)


def map_data(plan: Plan) -> MapData:
    """Return the layers of the plan's printed maps.

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    covplan.export.MapData
        Buildings, routes, groups, cameras, cones and unseen points in the area's CRS.
    """
    layers = plan.layers()
    routes = plan.area.routes
    return MapData.from_layers(
        buildings=plan.area.buildings,
        segments=layers["routes"],
        routes=routes.reset_index(drop=True)
        if "route_id" in routes.columns
        else routes.reset_index(),
        groups=with_id(plan.area.groups, "group_id"),
        boundary=plan.area.boundary,
        new=layers["new_cameras"],
        existing=layers["existing_cameras"],
        cones=layers["view_cones"],
        unseen=layers["unseen_targets"],
        crs=plan.area.crs,
        synthetic=plan.synthetic,
        title=plan.name,
    )


class _MapsJob:
    """The printed maps drawn by a forked child; its page ticks come back through a pipe.

    Linux only (``fork`` and ``PR_SET_PDEATHSIG``: the child dies with this process, so a
    killed run leaves nobody writing into its staging folder); elsewhere ``start`` gives
    None and the maps are drawn in this process.
    """

    def __init__(self, proc: Any, conn: Any) -> None:
        self.proc, self.conn = proc, conn

    @classmethod
    def start(
        cls, plan: Plan, staging: Path, lang: str, pages: str, page_png: bool, dpi: int
    ) -> _MapsJob | None:
        if "fork" not in mp.get_all_start_methods() or not hasattr(os, "sched_getaffinity"):
            return None
        if len(os.sched_getaffinity(0)) < 2:
            return None
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_maps_child,
            args=(child, plan, staging, lang, pages, page_png, dpi, os.getpid()),
            daemon=True,
        )
        proc.start()
        child.close()
        return cls(proc, parent)

    def finish(self, progress: Progress) -> None:
        """Wait for the child, advancing the ``maps`` bar as it reports; re-raise its error."""
        tick: Callable[[int], None] | None = None
        error: tuple[str, str, int | None] | None = None
        while True:
            try:
                kind, value = self.conn.recv()
            except EOFError:  # the child is gone
                break
            if kind == "total":
                tick = progress("maps", int(value))
            elif kind == "tick" and tick is not None:
                tick(int(value))
            elif kind == "error":
                error = value
            elif kind == "done":
                break
        self.proc.join()
        if error is not None:
            name, text, errno_ = error
            if name == "OSError":
                raise OSError(errno_ or errno.EIO, text)
            raise RuntimeError(f"drawing the printed maps failed: {text}")
        if self.proc.exitcode != 0:
            msg = f"drawing the printed maps stopped (exit {self.proc.exitcode}); run again"
            raise RuntimeError(msg)

    def stop(self) -> None:
        """Stop the child (this process is failing or interrupted)."""
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()


def _maps_child(
    conn: Any,
    plan: Plan,
    staging: Path,
    lang: str,
    pages: str,
    page_png: bool,
    dpi: int,
    parent: int,
) -> None:
    """Draw the maps in the forked child; report totals, ticks and errors through ``conn``."""
    # the folder lock stays the parent's alone: a killed parent frees it at once, whatever
    # this child is still doing
    for fd, _ in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    if os.getppid() != parent:  # the parent died before the line above: stop now
        os._exit(1)

    def progress(stage: str, total: int) -> Callable[[int], None]:
        conn.send(("total", total))
        return lambda n: conn.send(("tick", n))

    try:
        _write_maps(plan, staging, lang, pages, page_png, dpi, progress)
    except BaseException as err:
        conn.send(("error", (type(err).__name__, str(err), getattr(err, "errno", None))))
        conn.close()
        os._exit(1)
    conn.send(("done", None))
    conn.close()
    os._exit(0)


def _write_maps(
    plan: Plan,
    staging: Path,
    lang: str,
    pages: str,
    page_png: bool,
    dpi: int,
    progress: Progress,
) -> None:
    data = map_data(plan)
    # routes with cameras or gaps; on a large ward those pages are the work sheets
    # (worksheets.pdf, written with the lists), not matplotlib pages drawn again here
    page_list = page_plan(data, pages=pages, lang=lang, large_route_pages=False)
    plan_maps(
        data,
        pdf_path=staging / "maps.pdf",
        png_path=staging / "map.png",
        page_dir=staging / "pages" if page_png else None,
        pages=pages,
        lang=lang,
        dpi=dpi,
        progress=progress("maps", len(page_list)),
        page_list=page_list,
    )


#: The hidden folder in ``--out`` that holds the plan versions, the ``current`` link and the lock.
STATE_DIR = ".covplan"
#: Names a plan may have in ``--out`` (files, and the ``pages`` folder): an older covplan
#: wrote them as real files, and the first switch takes them over.
PLAN_NAMES: frozenset[str] = frozenset(
    {
        *(f"{stem}.{ext}" for stem in ("install", "reaim") for ext in ("xlsx", "csv", "geojson")),
        *("plan.gpkg", "plan-vn2000.gpkg", "plan.kml", "plan.kmz", "targets.geojson"),
        *("maps.pdf", "map.png", "map.html", "summary.json", "summary.txt"),
        *("cost.csv", "pareto.csv", "pages", "kmz"),
        *("worksheets.xlsx", "worksheets.pdf", "outreach.xlsx", "outreach.pdf"),
    }
)
_LINK_TMP = ".covplan-link-"
_held: dict[str, tuple[int, int]] = {}  # folder -> (fd, depth): this process's locks


def current_plan(out_dir: str | os.PathLike[str]) -> Path | None:
    """Return the folder of the plan ``out_dir`` shows now (one consistent version).

    Every name in ``out_dir`` (``install.xlsx``…) is a link through
    ``.covplan/current``; a program that reads several files and must not see a
    switch happen between two reads resolves this folder once and reads from it.

    Parameters
    ----------
    out_dir
        A plan's output folder.

    Returns
    -------
    pathlib.Path or None
        The version folder, or None when ``out_dir`` holds no plan.
    """
    link = Path(out_dir) / STATE_DIR / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def check_out_dir(out_dir: str | os.PathLike[str], *, plan: bool = True) -> Path:
    """Check that ``out_dir`` is a folder this process can write a plan into (created).

    The CLI calls it before computing a plan, so a bad ``--out`` fails at once.

    Parameters
    ----------
    out_dir
        The output folder.
    plan
        A plan folder: also create its hidden ``.covplan`` folder (False: only
        check that a file can be made in ``out_dir``, as for the route atlas).

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    covplan.InputError
        When it is a file, or cannot be created or written to (read-only, no
        permission).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        msg = "--out is a file, not a folder; give a folder (created when missing)"
        raise InputError(msg, file=out)
    where = out / STATE_DIR if plan else out
    missing = [d for d in (where, *where.parents) if not d.exists()]
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=where)
        os.close(fd)
        os.unlink(probe)
        for d in missing:  # a check leaves nothing behind: the writer makes them again
            d.rmdir()
    except OSError as err:
        msg = (
            f"cannot write to this folder ({err.strerror or err}); give an --out folder "
            "you can write to (not read-only)"
        )
        raise InputError(msg, file=out) from None
    return out


@contextlib.contextmanager
def plan_lock(out_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Hold the write lock of a plan folder (``.covplan/lock``, an ``fcntl`` lock).

    Reentrant within one process (the CLI takes it before planning, :func:`write_plan`
    again while writing). The lock goes with the process, so a killed run never
    leaves it held.

    Parameters
    ----------
    out_dir
        The output folder (created).

    Yields
    ------
    pathlib.Path
        The folder.

    Raises
    ------
    BlockingIOError
        When another process holds the lock: it is writing a plan into this folder.
    """
    created = not Path(out_dir).exists()
    out = check_out_dir(out_dir)
    (out / STATE_DIR).mkdir(parents=True, exist_ok=True)
    key = os.path.realpath(out)
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
    else:
        fd = _acquire(out)
        _held[key] = (fd, 1)
    try:
        yield out
    finally:
        fd, depth = _held[key]
        if depth > 1:
            _held[key] = (fd, depth - 1)
        else:
            del _held[key]
            os.close(fd)  # closing drops the flock
            if created and current_plan(out) is None:  # a run that failed leaves no folder
                shutil.rmtree(out / STATE_DIR, ignore_errors=True)
                with contextlib.suppress(OSError):
                    out.rmdir()


def _acquire(out: Path) -> int:
    path = out / STATE_DIR / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        words = os.pread(fd, 32, 0).decode("ascii", "replace").split()
        holder = words[0] if words and words[0].isdigit() else "?"
        os.close(fd)
        if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise
        msg = (
            f"locked: another covplan run (pid {holder}) is writing a plan into this "
            "folder; wait for it to finish, or give another --out"
        )
        raise BlockingIOError(errno.EWOULDBLOCK, msg, str(out)) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _is_our_link(path: Path) -> bool:
    return path.is_symlink() and os.readlink(path).startswith(f"{STATE_DIR}/current/")


def _link(target: str, dst: Path) -> None:
    """Make ``dst`` a symlink to ``target`` atomically (a temporary link renamed over it)."""
    tmp = dst.with_name(f"{_LINK_TMP}{secrets.token_hex(4)}.tmp")
    os.symlink(target, tmp)
    try:
        os.replace(tmp, dst)
    finally:
        if tmp.is_symlink():
            os.unlink(tmp)


def sweep_staging(out: Path) -> None:
    """Remove what a killed or failed run left in ``out``; call it under :func:`plan_lock`.

    Staging folders, temporary links, atomic-write temporaries, versions other than
    the current one, and links to names the current plan does not have.

    Parameters
    ----------
    out
        An output folder.
    """
    for p in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in [*out.glob(f"{_LINK_TMP}*"), *out.glob(".*.tmp*")]:
        if not p.is_dir() or p.is_symlink():
            p.unlink(missing_ok=True)
    state = out / STATE_DIR
    current = current_plan(out)
    if state.is_dir():
        for p in state.iterdir():
            if p.name.startswith(("v-", "trash-")) and (current is None or p.name != current.name):
                shutil.rmtree(p, ignore_errors=True)
            elif p.name.startswith(_LINK_TMP):
                p.unlink(missing_ok=True)
    for p in out.iterdir():
        if _is_our_link(p) and not p.exists():  # a name the current plan does not have
            p.unlink(missing_ok=True)


def _adopt_legacy(out: Path) -> None:
    """Take over plan files an older covplan wrote as real files (their content unchanged).

    They are hard-linked (or copied) into a version folder made current, then each is
    replaced by a link to itself there: a reader sees the same bytes throughout.
    """
    legacy = [
        p for p in out.iterdir() if p.name in PLAN_NAMES and not p.is_symlink() and p.exists()
    ]
    if not legacy:
        return
    state = out / STATE_DIR
    if current_plan(out) is None:
        version = state / f"v-{time.strftime('%Y%m%dT%H%M%S')}-legacy-{secrets.token_hex(3)}"
        version.mkdir()
        for p in legacy:
            if p.is_dir():
                shutil.copytree(p, version / p.name, copy_function=_hard_link)
            else:
                _hard_link(str(p), str(version / p.name))
        _link(version.name, state / "current")
    # else: real files beside the links of a plan: the linked plan is the one trusted
    for p in legacy:
        if p.is_dir():  # a folder cannot be renamed over: two renames
            os.rename(p, state / f"trash-{secrets.token_hex(4)}")
        _link(f"{STATE_DIR}/current/{p.name}", p)
    for p in state.glob("trash-*"):
        shutil.rmtree(p, ignore_errors=True)


def _hard_link(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def _commit(staging: Path, out: Path) -> list[Path]:
    """Make the staged plan the one ``out`` shows, in one atomic switch; old names go.

    1. the staging folder becomes a version ``.covplan/v-<id>`` (one rename);
    2. each name of the new plan gets its link ``out/NAME → .covplan/current/NAME``
       (a name the old plan lacks dangles: a reader finds no such file, as before);
    3. **the switch**: ``.covplan/current`` is pointed at the new version (a temporary
       link renamed over it, one ``rename(2)``);
    4. links to names the new plan lacks are removed, and the old version deleted.

    A failure or kill before 3 leaves the old plan, after it the new one, each whole;
    :func:`sweep_staging` removes the leftovers of steps 1, 2 and 4.
    """
    _adopt_legacy(out)
    state = out / STATE_DIR
    version = state / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the plan is the user's to share
    os.rename(staging, version)
    names = sorted(p.name for p in version.iterdir() if not p.name.startswith("."))
    for name in names:
        if not _is_our_link(out / name):
            _link(f"{STATE_DIR}/current/{name}", out / name)
    _link(version.name, state / "current")  # the switch
    try:  # the new plan is whole and shown: what follows only tidies
        for p in out.iterdir():
            if _is_our_link(p) and p.name not in names:
                os.unlink(p)
        sweep_staging(out)
    except OSError as err:
        logger.warning("plan written to %s; leftovers stay until the next run (%s)", out, err)
    files = sorted(p for p in version.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [out / p.relative_to(version) for p in files]


def jsonable(obj: Any) -> Any:
    """Return ``obj`` with numpy scalars, tuples and non-finite floats made JSON-ready.

    Parameters
    ----------
    obj
        Nested dicts, lists and scalars.

    Returns
    -------
    Any
        The same structure; NaN and infinities become None.
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        try:
            obj = obj.item()
        except (TypeError, ValueError):
            pass
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
