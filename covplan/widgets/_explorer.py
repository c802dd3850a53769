"""The notebook explorer: knobs that re-solve the plan through the one pipeline."""

from __future__ import annotations

import html
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
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
from covplan.vocab import label
from covplan.widgets._draw import draw_plan, figures_html, png_bytes, site_choices

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


def _worker_context() -> Any:
    """Return the multiprocessing context of worker solves.

    A plain fork would copy the solver's thread pool in a broken state (HiGHS runs
    threads, and a forked child of a process that has solved before hangs). The
    forkserver starts one clean process that imports covplan once; each solve is
    forked from it.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["covplan.plan", "covplan.geometry", "covplan.optimise"])
        return ctx
    return mp.get_context("spawn")


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
    """Turn the planning knobs and see the plan change: an ipywidgets panel.

    Every solve is :func:`covplan.plan.plan_ward` with the panel's
    :class:`covplan.plan.PlanOptions` and a :class:`covplan.plan.PlanCache` (only the
    stages whose knobs changed are rebuilt), so the plan on show is exactly the plan
    ``covplan plan`` writes for the same options; :meth:`write` writes it (lists,
    maps, GeoPackage) and :meth:`write_sites` the pinned / forbidden sites for
    ``covplan plan --sites``.

    Sliders and dropdowns (camera spec, FOV, DORI level, target and site spacing,
    headings, k at alley ends, budget, solver, time limit) re-solve the plan and redraw
    the map and the figures; check boxes show or hide existing cameras, new cameras,
    view cones and unseen targets (redraw only); a site dropdown with Pin / Forbid /
    Release buttons forces or forbids a new camera there. Solves started from the
    panel run in a worker process with a progress bar and a Stop button that ends the
    worker (the previous plan and its knobs stay); :meth:`solve` runs in-process and is
    what scripts and tests call.

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
        ``"vi"`` or ``"en"`` for labels.
    background
        Run solves triggered by the widgets in a worker process (True in a notebook);
        False solves in-process (scripts, tests).
    solve_now
        Solve once on construction.
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
    controls : dict
        The widgets by name (``budget_mvnd``, ``headings``, ``level`` ...).
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
        **overrides: Any,
    ) -> None:
        self.area = area
        self.survey = survey
        self.catalogue = dict(catalogue or load_catalogue())
        self.options = (options or PlanOptions()).replace(**overrides)
        self.lang = lang
        self.background = background
        self.plan: Plan | None = None
        self.history: list[dict[str, Any]] = []
        self.cache = PlanCache()
        self._proc: Any = None
        self._watch: threading.Thread | None = None
        self._lock = threading.Lock()
        self._syncing = False
        self._build_widgets()
        if solve_now:
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

    # -------------------------------------------------------------- solving
    def solve(self) -> Plan:
        """Solve for the current options in-process, show the result and return it.

        Returns
        -------
        covplan.plan.Plan
            The plan.
        """
        self._status("…")
        t0 = time.perf_counter()
        plan = plan_ward(
            self.area,
            survey=self.survey,
            catalogue=self.catalogue,
            options=self.options,
            cache=self.cache,
            progress=self._stage_progress,
        )
        self._accept(plan, None, time.perf_counter() - t0)
        return plan

    def _stage_progress(self, stage: str, total: int) -> Callable[[int], None]:
        self._show_stage(stage, 0.0)
        return lambda n: None

    def _show_stage(self, stage: str, elapsed: float) -> None:
        i = PIPELINE_STAGES.index(stage) if stage in PIPELINE_STAGES else 0
        self.controls["progress"].value = (i + 0.5) / len(PIPELINE_STAGES)
        name = label(f"stage_{stage}", self.lang) if stage in PIPELINE_STAGES else stage
        self._status(f"{i + 1}/{len(PIPELINE_STAGES)} {name}… {elapsed:.0f} s")

    def solve_async(self) -> None:
        """Start a solve for the current options in a worker process (stops a running one)."""
        self.stop(quiet=True)
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

    def stop(self, *, quiet: bool = False) -> None:
        """Stop a running worker solve; the plan on show and its knobs come back."""
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.terminate()
            proc.join(5)
            if self.plan is not None:
                self.options = self.plan.options
                self._sync_widgets()
            if not quiet:
                self._status(label("explorer_stopped", self.lang))
        self._proc = None
        if self._watch is not None and self._watch is not threading.current_thread():
            self._watch.join(5)
        self.controls["stop"].disabled = True
        self.controls["progress"].value = 0.0

    def _watch_worker(self, proc: Any, conn: Any) -> None:
        t0 = time.perf_counter()
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
                            self._accept(plan, cache, time.perf_counter() - t0)
                        return
                    else:
                        self._status(f"⚠ {payload}")
                        return
                elif not proc.is_alive():
                    break
                self._show_stage(stage, time.perf_counter() - t0)
        finally:
            conn.close()
            proc.join(1)
            self.controls["progress"].value = 0.0
            self.controls["stop"].disabled = True

    def _accept(self, plan: Plan, cache: PlanCache | None, seconds: float) -> None:
        with self._lock:
            if cache is not None:
                self.cache = cache
            self.plan = plan
            self.history.append({**plan.summary, "options": plan.options})
        self._refresh_sites()
        self.redraw()
        self._status(
            f"{label('explorer_done', self.lang)} ({seconds:.1f} s): "
            f"{plan.summary['new_cameras']} {label('new_cameras', self.lang).lower()}"
        )

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
    def _knob_widgets(self) -> dict[str, Any]:
        o, lang = self.options, self.lang
        any_spec = label("explorer_any_spec", lang)
        spec_opts: list[tuple[str, Any]] = [(any_spec, None)]
        spec_opts += [
            (f"{s.name} ({s.hfov_deg:.0f}°)", (sid,)) for sid, s in self.catalogue.items()
        ]
        return {
            "spec": w.Dropdown(
                options=spec_opts,
                value=o.specs if o.specs in [v for _, v in spec_opts] else None,
                description=label("spec", lang),
            ),
            "camera_class": w.Dropdown(
                options=[(label(f"class_{c}", lang), c) for c in CAMERA_CLASSES],
                value=o.camera_class,
                description=label("pareto_class", lang),
            ),
            "hfov": w.IntSlider(
                value=int(o.hfov_deg or 0),
                min=0,
                max=120,
                step=5,
                description=label("explorer_fov", lang),
            ),
            "level": w.Dropdown(
                options=[(label(f"level_{lv}", lang), lv) for lv in LEVELS],
                value=o.level,
                description=label("pareto_level", lang),
            ),
            "spacing": w.FloatSlider(
                value=o.spacing_m,
                min=2,
                max=25,
                step=1,
                description=label("explorer_spacing", lang),
            ),
            "site_spacing": w.FloatSlider(
                value=o.site_spacing_m,
                min=5,
                max=40,
                step=5,
                description=label("explorer_site_spacing", lang),
            ),
            "headings": w.Dropdown(
                options=sorted({4, 6, 8, 12, 16, int(o.headings)}),
                value=int(o.headings),
                description=label("explorer_headings", lang),
            ),
            "k_at_ends": w.Dropdown(
                options=[1, 2],
                value=int(o.k_at_ends),
                description=label("explorer_k_at_ends", lang),
            ),
            "budget_mvnd": w.FloatText(
                value=0.0 if o.budget_vnd is None else o.budget_vnd / 1e6,
                description=label("explorer_budget", lang),
            ),
            "solver": w.Dropdown(
                options=["highs", "cbc"], value=o.solver, description=label("explorer_solver", lang)
            ),
            "time_limit": w.IntSlider(
                value=int(o.time_limit_s),
                min=2,
                max=600,
                step=1,
                description=label("explorer_time_limit", lang),
            ),
        }

    def _build_widgets(self) -> None:
        lang = self.lang
        lay = w.Layout(width="340px")
        c = self._knob_widgets()
        for name in _KNOBS:
            c[name].layout = lay
            c[name].style = {"description_width": "150px"}
            if hasattr(c[name], "continuous_update"):
                c[name].continuous_update = False
            c[name].observe(self._on_knob, names="value")
        for name, key in (
            ("show_existing", "existing_cameras_layer"),
            ("show_new", "new_cameras_layer"),
            ("show_cones", "view_cones_layer"),
            ("show_gaps", "unseen_layer"),
        ):
            c[name] = w.Checkbox(value=True, description=label(key, lang))
            c[name].observe(lambda change: self.redraw(), names="value")
        c["site"] = w.Dropdown(options=[("—", "")], description=label("explorer_site", lang))
        c["site"].layout = lay
        c["pin"] = w.Button(description=label("explorer_pin", lang), icon="thumb-tack")
        c["forbid"] = w.Button(description=label("explorer_forbid", lang), icon="ban")
        c["release"] = w.Button(description=label("explorer_release", lang))
        c["pinned"] = w.HTML()
        c["solve"] = w.Button(description=label("explorer_solve", lang), icon="refresh")
        c["stop"] = w.Button(
            description=label("explorer_stop", lang), icon="stop", button_style="danger",
            disabled=True,
        )  # fmt: skip
        c["out_dir"] = w.Text(value="plan-explorer", description=label("outputs", lang))
        c["write"] = w.Button(description=label("explorer_write", lang), icon="save")
        c["pareto"] = w.Button(description=label("pareto_title", lang), icon="table")
        c["pareto_table"] = w.HTML()
        c["progress"] = w.FloatProgress(value=0.0, min=0.0, max=1.0)
        c["status"] = w.HTML()
        c["numbers"] = w.HTML()
        c["map"] = w.Image(format="png")
        c["pin"].on_click(lambda b: self._site_action(self.pin))
        c["forbid"].on_click(lambda b: self._site_action(self.forbid))
        c["release"].on_click(lambda b: self._site_action(self.release))
        c["solve"].on_click(lambda b: self._changed())
        c["stop"].on_click(lambda b: self.stop())
        c["write"].on_click(lambda b: self._write_clicked())
        c["pareto"].on_click(lambda b: self.trade_offs())
        self.controls = c
        layers = w.VBox([c["show_existing"], c["show_new"], c["show_cones"], c["show_gaps"]])
        sites = w.VBox([c["site"], w.HBox([c["pin"], c["forbid"], c["release"]]), c["pinned"]])
        run = w.HBox([c["solve"], c["stop"], c["progress"]])
        save = w.HBox([c["out_dir"], c["write"]])
        knobs = w.VBox([c[n] for n in _KNOBS])
        left = w.VBox([knobs, layers, sites, run, save, c["pareto"], c["status"], c["numbers"]])
        self.widget = w.VBox([w.HBox([left, c["map"]]), c["pareto_table"]])

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
        self._status(label("explorer_done", self.lang))
        return table

    def _write_clicked(self) -> None:
        out = self.controls["out_dir"].value or "plan-explorer"
        files = self.write(out, tiles=None)
        self._status(f"{len(files)} → {out}/")

    def _site_action(self, action: Callable[[str], None]) -> None:
        site = self.controls["site"].value
        if site:
            action(site)

    def _options_from_widgets(self) -> PlanOptions:
        c = self.controls
        budget = float(c["budget_mvnd"].value or 0.0)
        opts = self.options.replace(
            specs=c["spec"].value,
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
            if o.specs in [v for _, v in c["spec"].options]:
                c["spec"].value = o.specs
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
        o, lang = self.options, self.lang
        parts = []
        if o.pinned_sites:
            sites = html.escape(", ".join(sorted(o.pinned_sites)))
            parts.append(f"{html.escape(label('pinned_site', lang))}: {sites}")
        if o.forbidden_sites:
            sites = html.escape(", ".join(sorted(o.forbidden_sites)))
            parts.append(f"{html.escape(label('forbidden_site', lang))}: {sites}")
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

    def redraw(self) -> None:
        """Redraw the map and the figures for the plan on show (no re-solve)."""
        if self.plan is None:
            return
        c = self.controls
        fig = draw_plan(
            self.plan,
            show_existing=c["show_existing"].value,
            show_new=c["show_new"].value,
            show_cones=c["show_cones"].value,
            show_gaps=c["show_gaps"].value,
            pinned_sites=self.options.pinned_sites,
            forbidden_sites=self.options.forbidden_sites,
            lang=self.lang,
        )
        c["map"].value = png_bytes(fig)
        c["numbers"].value = figures_html(self.plan.summary, self.lang)
        self._show_pinned()

    def _ipython_display_(self) -> None:
        display(self.widget)
