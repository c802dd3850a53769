"""The notebook explorer: knobs and a live map that re-solve the plan through the one pipeline."""

from __future__ import annotations

import html
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import display

from covplan._io import atomic_write_text
from covplan.area import Area
from covplan.camera.spec import CameraSpec, load_catalogue
from covplan.plan import (
    LEVELS,
    PIPELINE_STAGES,
    Plan,
    PlanCache,
    PlanOptions,
    plan_ward,
)
from covplan.plan.options import CAMERA_CLASSES
from covplan.plan.pareto import pareto_table, pareto_text
from covplan.survey import Survey
from covplan.vocab import format_vnd, label
from covplan.vocab.explorer import explorer_word
from covplan.widgets._draw import figures_html, result_bundle, site_choices
from covplan.widgets._map import _NEW_ROW, _ROUTE_ROW, _SITE_ROW, PlanMap, row_html
from covplan.widgets._scenarios import scenario_html, scenario_table

__all__ = ["PlanExplorer"]

# the knob widgets, in the order the panel shows them
_KNOBS = (
    "spec",
    "camera_class",
    "hfov",
    "level",
    "spacing",
    "site_spacing",
    "headings",
    "k_at_ends",
    "budget_mvnd",
    "solver",
    "time_limit",
)
# the explorer's word (and tooltip, ``<key>_tip``) of each knob
_KNOB_WORDS = {
    "spec": "spec",
    "camera_class": "camera_class",
    "hfov": "fov",
    "level": "level",
    "spacing": "spacing",
    "site_spacing": "site_spacing",
    "headings": "headings",
    "k_at_ends": "k_at_ends",
    "budget_mvnd": "budget",
    "solver": "solver",
    "time_limit": "time_limit",
}
# layer check boxes: control name → (word, map layer key)
_LAYER_BOXES = {
    "show_routes": "routes",
    "show_buildings": "buildings",
    "show_sites": "sites",
    "show_existing": "existing",
    "show_new": "new",
    "show_cones": "cones",
    "show_gaps": "unseen",
    "osm_tiles": "osm",
}
_MODES = ("show", "pin", "forbid", "release")
_ANY = ""  # the camera-model dropdown's value for "any model" (None would show blank)


def _same(a: PlanOptions, b: PlanOptions) -> bool:
    """True when two options plan the same (a level given as one word sorts differently)."""
    return a == b or a.replace() == b.replace()


def _worker_context() -> Any:
    """Return the multiprocessing context of worker solves.

    A plain fork would copy the solver's thread pool in a broken state (HiGHS runs
    threads, and a forked child of a process that has solved before hangs). The
    forkserver starts one clean process that imports covplan once; each solve is
    forked from it.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["covplan.plan", "covplan.widgets._explorer"])
        return ctx
    return mp.get_context("spawn")


def _warm_worker() -> None:
    """Start the forkserver now (it imports covplan once), so the first change is quick."""
    if "forkserver" in mp.get_all_start_methods():
        _worker_context()
        forkserver.ensure_running()


def _child_solve(
    conn: Any,
    area: Area,
    survey: Survey | None,
    catalogue: Mapping[str, CameraSpec],
    options: PlanOptions,
    cache: PlanCache,
) -> None:  # pragma: no cover - runs in the forked worker
    def progress(stage: str, total: int) -> Callable[[int], None]:
        conn.send(("stage", stage))
        return lambda n: None

    try:
        plan = plan_ward(
            area, survey=survey, catalogue=catalogue, options=options, cache=cache,
            progress=progress,
        )  # fmt: skip
        conn.send(("done", (plan, cache)))
    except Exception as err:
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


class PlanExplorer:
    """Turn the planning knobs, click the map and see the plan change: an ipywidgets panel.

    Every solve is :func:`covplan.plan.plan_ward` with the panel's
    :class:`covplan.plan.PlanOptions` and a :class:`covplan.plan.PlanCache` (only the
    stages whose knobs changed are rebuilt), so the plan on show is exactly the plan
    ``covplan plan`` writes for the same options; :meth:`write` writes it (lists,
    maps, GeoPackage) and :meth:`write_sites` the pinned / forbidden sites for
    ``covplan plan --sites``.

    The map is an ipyleaflet map (pan, zoom; no basemap unless the planner ticks the
    OpenStreetMap box): routes coloured by how well they are seen, buildings, candidate
    mounts, view cones, new (■ N01…), re-aimed (◆ R…) and kept (● K…) cameras with their
    codes. Clicking a mount pins, forbids or releases it (the click mode above the map)
    and re-solves; clicking a camera or a route shows its row (the install list's fields).
    Every scenario solved since the explorer opened is kept in a table with its Pareto
    front; one can be shown again or written out. Solves started from the panel run in a
    worker process with their stages on a progress bar and a Stop button that ends the
    worker (the plan on show and its knobs come back); :meth:`solve` runs in-process.

    Displayed in a notebook, the explorer also leaves the last plan as a static picture
    and table (an ``image/png`` + ``text/html`` output updated after each solve), so a
    saved notebook shows its result without the kernel.

    Parameters
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    survey
        The camera register, or None (new cameras only).
    catalogue
        Camera specs (default :func:`covplan.load_catalogue`).
    options
        Starting options; keyword arguments override single fields (e.g. ``headings=4``).
    lang
        ``"vi"`` (default) or ``"en"`` for every word on the panel.
    background
        Run solves triggered by the widgets in a worker process (True in a notebook);
        False solves in-process (scripts, tests).
    solve_now
        Solve once on construction (unless ``plan`` is given).
    cache
        A :class:`covplan.plan.PlanCache` to share (e.g. the one the notebook's
        :func:`covplan.plan.plan_ward` filled), so the first change rebuilds nothing.
    plan
        A plan already solved for these options, shown at once.
    write_options
        Keyword arguments of :func:`covplan.plan.write_plan` for the panel's write
        button (e.g. ``{"pages": "group"}``); tiles are off unless given.
    **overrides
        Fields of :class:`covplan.plan.PlanOptions`.

    Attributes
    ----------
    options : PlanOptions
        The knobs of the next solve.
    plan : Plan or None
        The plan on show (the same object :func:`covplan.plan.plan_ward` returns).
    history : list of dict
        The summary of every finished solve, with its options.
    scenarios : list of Plan
        Every distinct scenario solved since the explorer opened.
    seconds : list of float
        Wall seconds of every finished solve (change to plan on screen).
    selected : dict
        The row last clicked on the map, ``clicked`` saying what: camera, route or site.
    controls : dict
        The widgets by name (``budget_mvnd``, ``headings``, ``level``, ``map`` ...).
    """

    def __init__(
        self,
        area: Area,
        *,
        survey: Survey | None = None,
        catalogue: Mapping[str, CameraSpec] | None = None,
        options: PlanOptions | None = None,
        lang: str = "vi",
        background: bool = True,
        solve_now: bool = True,
        cache: PlanCache | None = None,
        plan: Plan | None = None,
        write_options: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> None:
        explorer_word("solve", lang)  # a bad language fails here, not in a callback
        self.area = area
        self.survey = survey
        self.catalogue = dict(catalogue or load_catalogue())
        self.options = (options or PlanOptions()).replace(**overrides)
        self.base_options = self.options
        self.lang = lang
        self.background = background
        self.write_options: dict[str, Any] = {"tiles": None, **(write_options or {})}
        self.plan: Plan | None = None
        self.history: list[dict[str, Any]] = []
        self.scenarios: list[Plan] = []
        self.seconds: list[float] = []
        self.selected: dict[str, Any] = {}
        self.cache = cache if cache is not None else PlanCache()
        self._proc: Any = None
        self._watch: threading.Thread | None = None
        self._lock = threading.Lock()
        self._syncing = False
        self._handles: list[Any] = []
        self._t_change = 0.0
        self._build_widgets()
        if background:
            threading.Thread(target=_warm_worker, daemon=True).start()
        if plan is not None:
            self._accept(plan, None, 0.0, record=False)
        elif solve_now:
            self.solve()

    # -------------------------------------------------------------- options API
    def set_options(self, **changes: Any) -> None:
        """Change options (fields of :class:`PlanOptions`, or ``level``) and mirror the widgets.

        Parameters
        ----------
        **changes
            New values; ``level=`` asks that DORI level along every route kind.
        """
        level = changes.pop("level", None)
        opts = self.options.replace(**changes)
        self.options = opts.with_level(level) if level is not None else opts
        self._sync_widgets()

    def pin(self, site_id: str) -> None:
        """Force a new camera at ``site_id`` (undoes a forbid) and re-solve."""
        self.options = self.options.with_site(site_id, "pin")
        self._changed()

    def forbid(self, site_id: str) -> None:
        """Forbid new cameras at ``site_id`` (undoes a pin) and re-solve."""
        self.options = self.options.with_site(site_id, "forbid")
        self._changed()

    def release(self, site_id: str) -> None:
        """Neither pin nor forbid ``site_id`` any more, and re-solve."""
        self.options = self.options.with_site(site_id, None)
        self._changed()

    def click_site(self, site_id: str) -> None:
        """Do what a click on mount ``site_id`` does in the current click mode.

        ``show`` shows the mount's row; ``pin``, ``forbid`` and ``release`` change it
        and re-solve. The map's click handler calls this.
        """
        mode = self.controls["click_mode"].value
        if mode == "pin":
            self.pin(site_id)
        elif mode == "forbid":
            self.forbid(site_id)
        elif mode == "release":
            self.release(site_id)
        self._show_site(site_id)

    def click_camera(self, code: str) -> None:
        """Show the row of the camera ``code`` (N01, R01, K01…) as a click on it does."""
        self._show_row("camera", code)

    # -------------------------------------------------------------- solving
    def solve(self) -> Plan:
        """Solve for the current options in-process, show the result and return it.

        Returns
        -------
        covplan.plan.Plan
            The plan.
        """
        self._starting()
        plan = plan_ward(
            self.area,
            survey=self.survey,
            catalogue=self.catalogue,
            options=self.options,
            cache=self.cache,
            progress=self._stage_progress,
        )
        self._accept(plan, None, time.perf_counter() - self._t_change)
        return plan

    def _starting(self) -> None:
        self._t_change = time.perf_counter()
        self.controls["progress"].value = 0.02
        self.controls["progress"].bar_style = "info"
        self._status(explorer_word("starting", self.lang))

    def _stage_progress(self, stage: str, total: int) -> Callable[[int], None]:
        self._show_stage(stage, time.perf_counter() - self._t_change)
        return lambda n: None

    def _show_stage(self, stage: str, elapsed: float) -> None:
        i = PIPELINE_STAGES.index(stage) if stage in PIPELINE_STAGES else 0
        self.controls["progress"].value = (i + 0.5) / len(PIPELINE_STAGES)
        name = label(f"stage_{stage}", self.lang) if stage in PIPELINE_STAGES else stage
        self._status(
            explorer_word(
                "stage", self.lang, i=i + 1, n=len(PIPELINE_STAGES), name=name, seconds=elapsed
            )
        )

    def solve_async(self) -> None:
        """Start a solve for the current options in a worker process (stops a running one)."""
        self.stop(quiet=True, restore=False)
        self._starting()
        ctx = _worker_context()
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_child_solve,
            args=(child, self.area, self.survey, self.catalogue, self.options, self.cache),
            daemon=True,
        )
        proc.start()
        child.close()
        self._proc = proc
        self.controls["stop"].disabled = False
        self._watch = threading.Thread(target=self._watch_worker, args=(proc, parent), daemon=True)
        self._watch.start()

    @property
    def running(self) -> bool:
        """True while a worker solve is running."""
        return self._proc is not None and self._proc.is_alive()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for a worker solve to finish; True when none is left running."""
        watch = self._watch
        if watch is not None:
            watch.join(timeout_s)
        return not (watch is not None and watch.is_alive())

    def stop(self, *, quiet: bool = False, restore: bool = True) -> None:
        """Stop a running worker solve; the plan on show and its knobs come back.

        Parameters
        ----------
        quiet
            Say nothing (a new solve replaces the stopped one).
        restore
            Put the knobs, pins and forbids back to the plan on show.
        """
        proc = self._proc
        self._proc = None
        if proc is not None and proc.is_alive():
            proc.terminate()
            proc.join(5)
            if not quiet:
                self._status(explorer_word("stopped", self.lang))
        if restore and self.plan is not None:
            self.options = self.plan.options
            self._sync_widgets()
            self._show_pinned()
        if self._watch is not None and self._watch is not threading.current_thread():
            self._watch.join(5)
        self.controls["stop"].disabled = True
        self.controls["progress"].value = 0.0

    def _watch_worker(self, proc: Any, conn: Any) -> None:
        stage = PIPELINE_STAGES[0]
        try:
            while True:
                if conn.poll(0.2):
                    try:
                        kind, payload = conn.recv()
                    except (EOFError, OSError):
                        break
                    if kind == "stage":
                        stage = str(payload)
                    elif kind == "done":
                        if self._proc is proc:
                            plan, cache = payload
                            self._accept(plan, cache, time.perf_counter() - self._t_change)
                        return
                    else:
                        self._status(explorer_word("error", self.lang, error=payload))
                        return
                elif not proc.is_alive():
                    break
                if self._proc is not proc:
                    return
                self._show_stage(stage, time.perf_counter() - self._t_change)
        finally:
            conn.close()
            proc.join(1)
            if self._proc is proc or self._proc is None:
                self.controls["progress"].value = 0.0
                self.controls["stop"].disabled = True
                self._proc = None

    def _accept(
        self, plan: Plan, cache: PlanCache | None, seconds: float, *, record: bool = True
    ) -> None:
        with self._lock:
            if cache is not None:
                self.cache = cache
            self.plan = plan
            self.options = plan.options
            if record:
                self.history.append({**plan.summary, "options": plan.options})
                self.seconds.append(round(seconds, 3))
            if not any(_same(p.options, plan.options) for p in self.scenarios):
                self.scenarios.append(plan)
        self._sync_widgets()
        self._refresh_sites()
        self.redraw(picture=False)
        self.controls["progress"].value = 0.0
        self.controls["progress"].bar_style = "success"
        self.controls["stop"].disabled = True
        self._status(explorer_word("solved_in", self.lang, seconds=seconds))
        self._update_result()  # the saved picture last: the live map is already there

    # -------------------------------------------------------------- scenarios
    def scenario_table(self) -> pd.DataFrame:
        """Return every scenario solved since the explorer opened, Pareto front marked.

        Returns
        -------
        pandas.DataFrame
            :func:`covplan.widgets.scenario_table`: knobs, new cameras, whole
            cost, share seen (overall and per residential group), proven or gap, pareto.
        """
        return scenario_table(self.scenarios, self.base_options, self.lang)

    def show_scenario(self, number: int) -> Plan:
        """Show scenario ``number`` (1 = the first solved) again, knobs and all.

        Parameters
        ----------
        number
            The scenario's number in :meth:`scenario_table`.

        Returns
        -------
        covplan.plan.Plan
            The plan now on show.
        """
        self.stop(quiet=True, restore=False)
        plan = self.scenarios[number - 1]
        self._accept(plan, None, 0.0, record=False)
        return plan

    def write_scenario(
        self, number: int, out_dir: str | os.PathLike[str], **kwargs: Any
    ) -> list[Path]:
        """Show scenario ``number`` and write it (see :meth:`write`).

        Parameters
        ----------
        number
            The scenario's number in :meth:`scenario_table`.
        out_dir
            The output folder.
        **kwargs
            As :func:`covplan.plan.write_plan`.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        if self.plan is not self.scenarios[number - 1]:
            self.show_scenario(number)
        return self.write(out_dir, **kwargs)

    # -------------------------------------------------------------- writing
    def write(self, out_dir: str | os.PathLike[str], **kwargs: Any) -> list[Path]:
        """Write the plan on show: lists, maps, GeoPackage… (see :meth:`covplan.plan.Plan.write`).

        Parameters
        ----------
        out_dir
            The output folder.
        **kwargs
            As :func:`covplan.plan.write_plan` (``lang`` defaults to the panel's).

        Returns
        -------
        list of pathlib.Path
            The files written.

        Raises
        ------
        RuntimeError
            When no plan has been solved yet.
        """
        if self.plan is None:
            msg = "no plan yet: solve first"
            raise RuntimeError(msg)
        kwargs.setdefault("lang", self.lang)
        files = self.plan.write(out_dir, **kwargs)
        self.write_sites(Path(out_dir) / "sites.txt")
        return [*files, Path(out_dir) / "sites.txt"]

    def write_sites(self, path: str | os.PathLike[str]) -> Path:
        """Write the pinned and forbidden sites of the plan on show, for ``covplan plan --sites``.

        Parameters
        ----------
        path
            The file to write (lines ``pin SITE`` / ``forbid SITE``).

        Returns
        -------
        pathlib.Path
            The file.
        """
        o = self.plan.options if self.plan is not None else self.options
        lines = ["# covplan plan --sites FILE: the explorer's pinned and forbidden sites"]
        lines += [f"pin {s}" for s in sorted(o.pinned_sites)]
        lines += [f"forbid {s}" for s in sorted(o.forbidden_sites)]
        atomic_write_text(Path(path), "\n".join(lines) + "\n")
        return Path(path)

    # -------------------------------------------------------------- widgets
    def _word(self, key: str) -> str:
        return explorer_word(key, self.lang)

    def _spec_options(self) -> list[tuple[str, str]]:
        opts = [(self._word("any_spec"), _ANY)]
        opts += [(f"{s.name} ({s.hfov_deg:.0f}°)", sid) for sid, s in self.catalogue.items()]
        return opts

    def _spec_value(self, specs: tuple[str, ...] | None) -> str:
        if specs is not None and len(specs) == 1 and specs[0] in self.catalogue:
            return specs[0]
        return _ANY

    def _knob_widgets(self) -> dict[str, Any]:
        o, lang = self.options, self.lang
        return {
            "spec": w.Dropdown(options=self._spec_options(), value=self._spec_value(o.specs)),
            "camera_class": w.Dropdown(
                options=[(label(f"class_{c}", lang), c) for c in CAMERA_CLASSES],
                value=o.camera_class,
            ),
            "hfov": w.IntSlider(value=int(o.hfov_deg or 0), min=0, max=120, step=5),
            "level": w.Dropdown(
                options=[(label(f"level_{lv}", lang), lv) for lv in LEVELS], value=o.level
            ),
            "spacing": w.FloatSlider(value=o.spacing_m, min=2, max=25, step=1),
            "site_spacing": w.FloatSlider(value=o.site_spacing_m, min=5, max=40, step=5),
            "headings": w.Dropdown(
                options=sorted({4, 6, 8, 12, 16, int(o.headings)}), value=int(o.headings)
            ),
            "k_at_ends": w.Dropdown(options=[1, 2], value=int(o.k_at_ends)),
            "budget_mvnd": w.FloatText(value=0.0 if o.budget_vnd is None else o.budget_vnd / 1e6),
            "solver": w.Dropdown(options=["highs", "cbc"], value=o.solver),
            "time_limit": w.IntSlider(value=int(o.time_limit_s), min=2, max=600, step=1),
        }

    def _build_widgets(self) -> None:
        c: dict[str, Any] = self._knob_widgets()
        style = {"description_width": "initial"}
        for name in _KNOBS:
            word = _KNOB_WORDS[name]
            c[name].description = self._word(word)
            c[name].tooltip = self._word(f"{word}_tip")
            c[name].style = style
            c[name].layout = w.Layout(width="98%")
            if hasattr(c[name], "continuous_update"):
                c[name].continuous_update = False
            c[name].observe(self._on_knob, names="value")
        self.map = PlanMap(self.area, lang=self.lang, on_site=self._map_site, on_row=self._show_row)
        for name, key in _LAYER_BOXES.items():
            word = self._word(name)
            c[name] = w.Checkbox(
                value=key != "osm",
                description=word,
                tooltip=self._word(f"{name}_tip") if name == "osm_tiles" else word,
                indent=False,
                layout=w.Layout(width="auto"),
            )
            c[name].observe(lambda change: self._layers_changed(), names="value")
        c["click_mode"] = w.ToggleButtons(
            options=[(self._word(f"mode_{m}"), m) for m in _MODES],
            value="show",
            tooltips=[self._word(f"mode_{m}_tip") for m in _MODES],
            style={"button_width": "auto"},
        )
        c["click_mode"].add_class("covplan-click-mode")
        c["click_mode"].observe(self._mode_changed, names="value")
        # the mount list: the keyboard way to what a click on the map does
        c["site"] = w.Dropdown(
            options=[("—", "")],
            description=self._word("site"),
            tooltip=self._word("site"),
            style=style,
            layout=w.Layout(width="98%"),
        )
        c["pin"] = w.Button(
            description=self._word("mode_pin"),
            tooltip=self._word("mode_pin_tip"),
            icon="thumb-tack",
        )
        c["forbid"] = w.Button(
            description=self._word("mode_forbid"), tooltip=self._word("mode_forbid_tip"), icon="ban"
        )
        c["release"] = w.Button(
            description=self._word("mode_release"), tooltip=self._word("mode_release_tip")
        )
        c["pinned"] = w.HTML()
        c["pinned"].add_class("covplan-pinned")
        c["solve"] = w.Button(
            description=self._word("solve"), tooltip=self._word("solve"), icon="refresh"
        )
        c["stop"] = w.Button(
            description=self._word("stop"), tooltip=self._word("stop"), icon="stop",
            button_style="danger", disabled=True,
        )  # fmt: skip
        c["progress"] = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout=w.Layout(width="160px"))
        c["status"] = w.HTML()
        c["status"].add_class("covplan-status")
        c["headline"] = w.HTML()
        c["headline"].add_class("covplan-headline")
        c["numbers"] = w.HTML()
        c["row"] = w.HTML(f"<i>{html.escape(self._word('click_hint'))}</i>")
        c["row"].add_class("covplan-row")
        c["map"] = self.map.map
        c["scenarios"] = w.HTML()
        c["scenarios"].add_class("covplan-scenarios")
        c["scenario"] = w.Dropdown(
            options=[("—", 0)],
            description=self._word("scenario"),
            tooltip=self._word("scenario"),
            style=style,
        )
        c["show_scenario"] = w.Button(
            description=self._word("show_scenario"),
            tooltip=self._word("show_scenario"),
            icon="eye",
            layout=w.Layout(width="auto"),
        )
        c["write_scenario"] = w.Button(
            description=self._word("write_scenario"),
            tooltip=self._word("write_scenario"),
            icon="save",
            layout=w.Layout(width="auto"),
        )
        c["write"] = c["write_scenario"]
        c["write"].add_class("covplan-write")
        c["out_dir"] = w.Text(
            value="plan-explorer",
            description=self._word("out_dir"),
            tooltip=self._word("out_dir"),
            style=style,
        )
        c["out_dir"].add_class("covplan-out-dir")
        c["pareto"] = w.Button(
            description=self._word("trade_offs"),
            tooltip=self._word("trade_offs"),
            icon="table",
            layout=w.Layout(width="auto"),
        )
        c["pareto_table"] = w.HTML()
        c["pin"].on_click(lambda b: self._site_action(self.pin))
        c["forbid"].on_click(lambda b: self._site_action(self.forbid))
        c["release"].on_click(lambda b: self._site_action(self.release))
        c["solve"].on_click(lambda b: self._changed())
        c["stop"].on_click(lambda b: self.stop())
        c["show_scenario"].on_click(lambda b: self._scenario_clicked(write=False))
        c["write_scenario"].on_click(lambda b: self._scenario_clicked(write=True))
        c["pareto"].on_click(lambda b: self.trade_offs())
        self.controls = c
        self.widget = self._layout(c)

    def _layout(self, c: Mapping[str, Any]) -> w.Widget:
        knobs = w.VBox([c[n] for n in _KNOBS], layout=w.Layout(width="100%"))
        layers = w.VBox(
            [w.HTML(f"<b>{html.escape(self._word('layers'))}</b>")] + [c[n] for n in _LAYER_BOXES]
        )
        sites = w.Accordion(
            children=[w.VBox([c["site"], w.HBox([c["pin"], c["forbid"], c["release"]])])],
            titles=(self._word("site"),),
            selected_index=None,
        )
        left = w.VBox(
            [knobs, layers, sites, c["pinned"], c["numbers"]],
            layout=w.Layout(width="360px", min_width="320px"),
        )
        mode = w.HBox(
            [w.HTML(f"<b>{html.escape(self._word('click_mode'))}</b>&nbsp;"), c["click_mode"]]
        )
        run = w.HBox([c["solve"], c["stop"], c["progress"], c["status"]])
        right = w.VBox(
            [self.map.css, c["headline"], run, mode, c["map"], self.map.legend, c["row"]],
            layout=w.Layout(flex="1 1 auto", min_width="400px"),
        )
        scen = w.VBox(
            [
                w.HTML(f"<b>{html.escape(self._word('scenarios'))}</b>"),
                c["scenarios"],
                w.HBox([c["scenario"], c["show_scenario"], c["out_dir"], c["write_scenario"]]),
                c["pareto"],
                c["pareto_table"],
            ]
        )
        box = w.VBox([w.HBox([left, right], layout=w.Layout(width="100%")), scen])
        box.add_class("covplan-explorer")
        return box

    def trade_offs(self, budgets: Iterable[int] = ()) -> pd.DataFrame:
        """Plan every quality rule and camera class from these options; show and return the table.

        Parameters
        ----------
        budgets
            Budgets (whole VND) to add, each with the ward's rule (whole alleys first).

        Returns
        -------
        pandas.DataFrame
            :func:`covplan.plan.pareto_table` of the explorer's area and options, solved
            through the explorer's cache (the geometry already built is reused).
        """
        self._status(label("pareto_title", self.lang) + "…")
        table = pareto_table(
            self.area,
            survey=self.survey,
            catalogue=self.catalogue,
            options=self.options,
            cache=self.cache,
            budgets=budgets,
        )
        self.controls["pareto_table"].value = (
            f"<b>{html.escape(label('pareto_title', self.lang))}</b>"
            f"<pre>{html.escape(pareto_text(table, self.lang))}</pre>"
        )
        self._status(self._word("done"))
        return table

    def _scenario_clicked(self, *, write: bool) -> None:
        number = int(self.controls["scenario"].value or 0)
        if number < 1:
            return
        if not write:
            self.show_scenario(number)
            return
        out = self.controls["out_dir"].value or "plan-explorer"
        try:
            files = self.write_scenario(number, out, **self.write_options)
        except Exception as err:  # shown on the panel: a callback has no other voice
            self._status(explorer_word("error", self.lang, error=f"{type(err).__name__}: {err}"))
            return
        self._status(explorer_word("written", self.lang, n=len(files), out=out))

    def _site_action(self, action: Callable[[str], None]) -> None:
        site = self.controls["site"].value
        if site:
            action(site)

    def _map_site(self, site_id: str) -> None:
        self.click_site(site_id)

    def _mode_changed(self, change: Mapping[str, Any]) -> None:
        self.map.site_mode = str(change["new"])

    def _layers_changed(self) -> None:
        c = self.controls
        self.map.show({key: bool(c[name].value) for name, key in _LAYER_BOXES.items()})

    def _options_from_widgets(self) -> PlanOptions:
        c = self.controls
        budget = float(c["budget_mvnd"].value or 0.0)
        spec = c["spec"].value
        opts = self.options.replace(
            specs=None if spec == _ANY else (spec,),
            camera_class=c["camera_class"].value,
            hfov_deg=float(c["hfov"].value) or None,
            spacing_m=float(c["spacing"].value),
            site_spacing_m=float(c["site_spacing"].value),
            headings=int(c["headings"].value),
            k_at_ends=int(c["k_at_ends"].value),
            budget_vnd=round(budget * 1e6) if budget > 0 else None,
            solver=c["solver"].value,
            time_limit_s=float(c["time_limit"].value),
        )
        return opts if c["level"].value == opts.level else opts.with_level(c["level"].value)

    def _sync_widgets(self) -> None:
        c, o = self.controls, self.options
        self._syncing = True
        try:
            c["spec"].value = self._spec_value(o.specs)
            c["camera_class"].value = o.camera_class
            c["hfov"].value = int(o.hfov_deg or 0)
            c["level"].value = o.level
            c["spacing"].value = float(o.spacing_m)
            c["site_spacing"].value = float(o.site_spacing_m)
            if int(o.headings) not in c["headings"].options:
                c["headings"].options = sorted({*c["headings"].options, int(o.headings)})
            c["headings"].value = int(o.headings)
            c["k_at_ends"].value = int(o.k_at_ends)
            c["budget_mvnd"].value = 0.0 if o.budget_vnd is None else o.budget_vnd / 1e6
            c["solver"].value = o.solver
            c["time_limit"].value = int(o.time_limit_s)
        finally:
            self._syncing = False

    def _on_knob(self, change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        self.options = self._options_from_widgets()
        self._changed()

    def _changed(self) -> None:
        self._show_pinned()
        if self.background:
            self.solve_async()
        else:
            self.solve()

    def _status(self, text: str) -> None:
        """Show a status line; the text is escaped here (it may quote data: paths, errors)."""
        self.controls["status"].value = f"<i>{html.escape(text)}</i>"

    def _show_pinned(self) -> None:
        """List the pinned and forbidden mounts as text lines (empty when there are none)."""
        o = self.options
        parts = [
            html.escape(f"{self._word(key)}: {', '.join(sorted(sites))}")
            for key, sites in (("pinned", o.pinned_sites), ("forbidden", o.forbidden_sites))
            if sites
        ]
        self.controls["pinned"].value = "<br>".join(parts)

    def _refresh_sites(self) -> None:
        if self.plan is None:
            return
        opts = site_choices(self.plan.sites, getattr(self.area, "routes", None))
        used = set(self.plan.new_sites)
        opts = [((("● " if sid in used else "") + text), sid) for text, sid in opts]
        dd = self.controls["site"]
        current = dd.value
        dd.options = opts
        if current in {sid for _, sid in opts}:
            dd.value = current

    def headline(self) -> str:
        """Return the headline of the plan on show (new, re-aimed, kept, whole cost, seen)."""
        if self.plan is None:
            return ""
        s = self.plan.summary
        cov = s["coverage"].get("overall")
        text = explorer_word(
            "headline",
            self.lang,
            new=s["new_cameras"],
            reaim=s["reaimed_cameras"],
            keep=s["kept_cameras"],
            cost=format_vnd(s["cost_vnd"], self.lang),
            share="—" if cov is None else f"{cov:.1%}",
        )
        o = self.plan.options
        for key, sites in (("pinned", o.pinned_sites), ("forbidden", o.forbidden_sites)):
            if sites:
                text += f" · {self._word(key)} {len(sites)}"
        return text

    def redraw(self, *, picture: bool = True) -> None:
        """Redraw the map, headline, figures and scenario table for the plan on show.

        Parameters
        ----------
        picture
            Also renew the static picture a saved notebook keeps (when displayed).
        """
        if self.plan is None:
            return
        c, o = self.controls, self.plan.options
        self.map.draw(self.plan, pinned=o.pinned_sites, forbidden=o.forbidden_sites)
        c["headline"].value = f"<b>{html.escape(self.headline())}</b>"
        c["numbers"].value = figures_html(self.plan.summary, self.lang)
        self._show_pinned()
        number = next(
            (i for i, p in enumerate(self.scenarios, start=1) if _same(p.options, o)), None
        )
        table = self.scenario_table()
        c["scenarios"].value = scenario_html(table, number, self.lang)
        c["scenario"].options = [
            (f"#{r['scenario']} · {r['knobs']}", int(r["scenario"]))
            for r in table.to_dict("records")
        ]
        if number is not None:
            c["scenario"].value = number
        if picture:
            self._update_result()

    # -------------------------------------------------------------- rows on click
    def _show_row(self, kind: str, key: Any) -> None:
        if self.plan is None:
            return
        lang = self.lang
        if kind == "route":
            row = {c: key.get(c) for c in _ROUTE_ROW}
            title = str(key.get("name") or key.get("route_id") or "")
        else:
            row, title = self._camera_row(str(key))
        self.selected = {**row, "clicked": kind}
        self.controls["row"].value = row_html(f"{self._word('selected')}: {title}", row, lang)

    def _camera_row(self, code: str) -> tuple[dict[str, Any], str]:
        plan = self.plan
        assert plan is not None
        if len(plan.install) and code in set(plan.install["code"].astype(str)):
            r = plan.install[plan.install["code"].astype(str) == code].iloc[0]
            return {c: r[c] for c in _NEW_ROW if c in r.index}, code
        if (
            len(plan.reaim)
            and "code" in plan.reaim.columns
            and code in set(plan.reaim["code"].astype(str))
        ):
            r = plan.reaim[plan.reaim["code"].astype(str) == code].iloc[0]
            cols = [c for c in r.index if c not in ("geometry", "name", "phone", "contact_address")]
            return {c: r[c] for c in cols}, code
        cams = plan.layers()["existing_cameras"]
        hit = cams[(cams["number"].astype(str) == code) | (cams["camera_id"].astype(str) == code)]
        if len(hit):
            r = hit.iloc[0]
            return {c: r[c] for c in r.index if c != "geometry"}, code
        return {"code": code}, code

    def _show_site(self, site_id: str) -> None:
        plan = self.plan
        if plan is None:
            return
        s = plan.sites[plan.sites["site_id"].astype(str) == site_id]
        if not len(s):
            return
        r = s.iloc[0]
        row = {c: r[c] for c in _SITE_ROW if c in r.index}
        codes = []
        if len(plan.install):
            codes = sorted(
                plan.install.loc[plan.install["site_id"].astype(str) == site_id, "code"].astype(str)
            )
        note = (
            explorer_word("site_used", self.lang, codes=", ".join(codes))
            if codes
            else self._word("site_free")
        )
        self.selected = {**row, "clicked": "site"}
        title = explorer_word("site_row", self.lang, site=site_id, kind=str(r.get("kind", "")))
        self.controls["row"].value = row_html(title, row, self.lang) + f"<i>{html.escape(note)}</i>"

    # -------------------------------------------------------------- display
    def result_bundle(self) -> dict[str, Any]:
        """Return the plan on show as a static picture, table and text (see ``result_bundle``)."""
        if self.plan is None:
            return {"text/plain": ""}
        return result_bundle(
            self.plan, title=self._word("saved_result"), headline=self.headline(), lang=self.lang
        )

    def _update_result(self) -> None:
        if not self._handles:
            return
        bundle = self.result_bundle()
        for handle in self._handles:
            handle.update(bundle, raw=True)

    def _ipython_display_(self) -> None:
        display(self.widget)
        self._handles.append(display(self.result_bundle(), raw=True, display_id=True))
