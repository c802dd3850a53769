"""Interactive helpers for the notebooks: re-solve a plan as the planner turns knobs.

The notebooks in ``notebooks/`` define nothing of their own; what they need beyond the
pipeline lives here, tested without a browser.

- :class:`Knobs` — every planning knob a slider or dropdown turns (spacing, headings,
  DORI level, FOV, k at alley ends, budget, solver, time limit, pinned and forbidden
  sites).
- :func:`solve_plan` — targets → sites → poses → coverage → :class:`covplan.CameraCover`
  for one set of knobs, reusing the geometry of the previous call when only the
  solve's knobs changed; returns a :class:`PlanState`.
- :func:`draw_plan` — the ward map of a plan with toggles for existing cameras, new
  cameras, view cones and unseen gaps (a matplotlib ``Figure``, no pyplot state).
- :class:`PlanExplorer` — the ipywidgets panel: sliders and dropdowns that re-solve and
  redraw the map and the figures, pin / forbid a site, a progress bar and a Stop
  button. Solves triggered from the panel run in a worker process, so a long
  solve can be stopped for real; :meth:`PlanExplorer.solve` runs in-process.
- :func:`synthetic_road_clip` — a clip rendered from a camera pose (a road plane with
  moving cars), for the picture checks where no real clip is at hand.

Examples
--------
>>> import covplan
>>> from covplan.widgets import PlanExplorer
>>> area = covplan.area_from_xml(covplan.datasets.get_path("demo-ward.osm"))  # doctest: +SKIP
>>> explorer = PlanExplorer(area, budget_vnd=None)  # doctest: +SKIP
>>> explorer  # doctest: +SKIP
"""

from __future__ import annotations

import io
import logging
import math
import multiprocessing as mp
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from covplan import settings

logger = logging.getLogger(__name__)

__all__ = [
    "LEVELS",
    "Knobs",
    "PlanExplorer",
    "PlanState",
    "draw_plan",
    "plan_figures",
    "site_choices",
    "solve_plan",
    "synthetic_road_clip",
]

#: DORI levels, weakest first (IEC 62676-4).
LEVELS: tuple[str, ...] = ("detect", "observe", "recognise", "identify")

ROUTE_KINDS: tuple[str, ...] = ("street", "alley", "lane", "path")

_COLOURS = {
    "new": "#d7301f",
    "keep": "#1a9850",
    "reaim": "#fdae61",
    "unused": "#969696",
    "seen": "#2c7bb6",
    "unseen": "#e31a1c",
    "building": "#d9d9d9",
    "route": "#bdbdbd",
}


# ---------------------------------------------------------------------------- knobs


@dataclass(frozen=True)
class Knobs:
    """The planning knobs one solve uses.

    Parameters
    ----------
    spacing_m
        Target spacing along routes (m).
    site_spacing_m
        Candidate-site spacing along routes (m).
    headings
        Headings tried for new and re-aimed cameras.
    level
        DORI level asked along every route (``detect`` … ``identify``).
    end_level
        DORI level asked at alley ends and intersections.
    k_at_ends
        Views asked at alley ends and intersections (2: one each way).
    spec_ids
        Catalogue specs new cameras may use (None: every spec).
    hfov_deg
        Override the horizontal FOV of new cameras (a hypothetical lens; the range
        follows from the resolution); None keeps each spec's own.
    budget_vnd
        Spend at most this and maximise weighted coverage; None covers everything.
    solver
        ``"highs"`` or ``"cbc"``.
    time_limit_s
        Solver time limit (all stages together).
    forced_sites
        Sites that must get a new camera (pinned).
    forbidden_sites
        Sites that must not get one.
    second_views
        Tie-break on most targets seen twice (slower; off by default here).
    """

    spacing_m: float = settings.sample_spacing_m
    site_spacing_m: float = settings.site_spacing_m
    headings: int = settings.headings
    level: str = "observe"
    end_level: str = settings.end_level
    k_at_ends: int = 1
    spec_ids: tuple[str, ...] | None = None
    hfov_deg: float | None = None
    budget_vnd: float | None = None
    solver: str = settings.solver
    time_limit_s: float = 30.0
    forced_sites: frozenset[str] = frozenset()
    forbidden_sites: frozenset[str] = frozenset()
    second_views: bool = False

    def targets_key(self) -> tuple[Any, ...]:
        """Knobs the targets depend on."""
        return (float(self.spacing_m), self.level, self.end_level, int(self.k_at_ends))

    def sites_key(self) -> tuple[Any, ...]:
        """Knobs the candidate sites depend on."""
        return (float(self.site_spacing_m),)

    def poses_key(self) -> tuple[Any, ...]:
        """Knobs the poses depend on."""
        return (*self.sites_key(), int(self.headings), self.spec_ids, self.hfov_deg)

    def coverage_key(self) -> tuple[Any, ...]:
        """Knobs the coverage matrix depends on."""
        return (*self.targets_key(), *self.poses_key())


@dataclass
class PlanState:
    """One solved plan and the layers it was solved on.

    Attributes
    ----------
    knobs
        The knobs of this solve.
    targets
        Targets (EPSG:4326) with ``cover_count`` and ``seen`` added.
    sites
        Candidate sites (EPSG:4326).
    poses
        Every pose considered (EPSG:4326), ``selected`` added.
    coverage
        The coverage matrix (:class:`covplan.geometry.Coverage`).
    selected
        Bool over ``poses``: the plan.
    figures
        The headline numbers (see :func:`plan_figures`).
    """

    knobs: Knobs
    targets: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    poses: gpd.GeoDataFrame
    coverage: Any
    selected: np.ndarray
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def chosen(self) -> gpd.GeoDataFrame:
        """The plan's poses (keep, re-aim and new)."""
        return self.poses[self.selected]

    @property
    def new_sites(self) -> list[str]:
        """Sites that get at least one new camera, sorted."""
        c = self.chosen
        return sorted({str(s) for s in c.loc[c["source"] == "new", "site_id"].dropna()})


# ---------------------------------------------------------------------------- solving

Cache = dict[str, tuple[tuple[Any, ...], Any]]


def _cached(cache: Cache, stage: str, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    hit = cache.get(stage)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = build()
    cache[stage] = (key, value)
    return value


def _poses(
    cameras: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame,
    specs: Mapping[str, Any],
    knobs: Knobs,
) -> gpd.GeoDataFrame:
    from covplan.optimise.options import poses_from

    poses = poses_from(
        cameras if cameras is not None and len(cameras) else None,
        sites,
        specs,
        headings=int(knobs.headings),
    )
    poses = gpd.GeoDataFrame(poses.to_crs(4326), geometry="geometry", crs=4326)
    poses.index = pd.RangeIndex(len(poses), name="pose_id")
    poses["pose_id"] = poses.index
    if knobs.hfov_deg is not None:
        new = (poses["source"] == "new").to_numpy()
        poses.loc[new, "hfov_deg"] = float(knobs.hfov_deg)
        if "vfov_deg" in poses.columns:
            poses.loc[new, "vfov_deg"] = np.nan  # derived from the new hfov
    return poses


def plan_figures(
    targets: pd.DataFrame,
    poses: pd.DataFrame,
    selected: np.ndarray,
    model: Any = None,
    *,
    greedy_cameras: int | None = None,
) -> dict[str, Any]:
    """Return the headline numbers of a plan.

    Parameters
    ----------
    targets
        Targets with ``k_required`` and ``cover_count``.
    poses
        Every pose, with ``source`` and ``cost``.
    selected
        Bool over ``poses``.
    model
        The solved :class:`covplan.CameraCover` (status, gap, seconds), if any.
    greedy_cameras
        New cameras of the greedy baseline, if computed.

    Returns
    -------
    dict
        ``new_cameras``, ``reaimed_cameras``, ``kept_cameras``, ``cost_vnd``,
        ``coverage`` (share of targets seen as often as asked), ``unseen_targets``,
        ``targets``, ``poses``, ``greedy_cameras``, ``status``, ``gap``, ``seconds``.
    """
    src = poses["source"].to_numpy()
    sel = np.asarray(selected, dtype=bool)
    cover = targets["cover_count"].to_numpy() if len(targets) else np.zeros(0)
    k = targets["k_required"].to_numpy() if len(targets) else np.zeros(0)
    seen = cover >= k
    out: dict[str, Any] = {
        "new_cameras": int((sel & (src == "new")).sum()),
        "reaimed_cameras": int((sel & (src == "reaim")).sum()),
        "kept_cameras": int((sel & (src == "keep")).sum()),
        "cost_vnd": float(poses["cost"].to_numpy(dtype=float)[sel].sum()),
        "coverage": float(seen.mean()) if len(seen) else None,
        "unseen_targets": int((~seen).sum()),
        "targets": len(targets),
        "poses": len(poses),
        "greedy_cameras": greedy_cameras,
    }
    if model is not None:
        out["status"] = dict(model.status)
        out["gap"] = {k_: float(v) for k_, v in model.gap.items()}
        out["seconds"] = {k_: round(float(v), 2) for k_, v in model.seconds.items()}
    return out


def solve_plan(
    area: Any,
    *,
    survey: Any = None,
    catalogue: Mapping[str, Any] | None = None,
    knobs: Knobs | None = None,
    cache: Cache | None = None,
    progress: Callable[[str], None] | None = None,
) -> PlanState:
    """Solve one plan for a set of knobs, reusing cached geometry.

    The stages are the library's: :func:`covplan.sample_targets`,
    :func:`covplan.candidate_sites`, :func:`covplan.optimise.options.poses_from`,
    :func:`covplan.coverage_matrix`, :meth:`covplan.CameraCover.from_geodataframes`
    (with forced / forbidden sites and the budget) and :func:`covplan.greedy_cover`.

    Parameters
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    survey
        The camera register (:class:`covplan.survey.Survey`), or None (new cameras only).
    catalogue
        Camera specs by spec_id (default :func:`covplan.load_catalogue`).
    knobs
        The knobs (defaults: :class:`Knobs`).
    cache
        A dict this function keeps the targets, sites, poses and coverage in between
        calls; only stages whose knobs changed are rebuilt.
    progress
        Called with the name of each stage as it starts.

    Returns
    -------
    PlanState
        The plan and the layers it was solved on.

    Raises
    ------
    ValueError
        When ``knobs.level`` or ``knobs.spec_ids`` are unknown.
    """
    from covplan.camera.spec import load_catalogue
    from covplan.geometry import candidate_sites, coverage_matrix, sample_targets
    from covplan.optimise import CameraCover, greedy_cover

    knobs = knobs or Knobs()
    cache = {} if cache is None else cache
    say = progress or (lambda stage: None)
    for lvl in (knobs.level, knobs.end_level):
        if lvl not in LEVELS:
            msg = f"unknown DORI level {lvl!r}; use one of {', '.join(LEVELS)}"
            raise ValueError(msg)
    catalogue = dict(catalogue or load_catalogue())
    specs = {k: v for k, v in catalogue.items() if knobs.spec_ids is None or k in knobs.spec_ids}
    if not specs:
        msg = f"no camera spec left: {knobs.spec_ids} not in the catalogue {sorted(catalogue)}"
        raise ValueError(msg)
    cameras = survey.cameras if survey is not None else None

    say("targets")
    targets = _cached(
        cache,
        "targets",
        knobs.targets_key(),
        lambda: sample_targets(
            area,
            spacing_m=knobs.spacing_m,
            k_at_ends=knobs.k_at_ends,
            level_by_kind=dict.fromkeys(ROUTE_KINDS, knobs.level),
            end_level=knobs.end_level,
        ),
    )
    say("sites")
    sites = _cached(
        cache,
        "sites",
        knobs.sites_key(),
        lambda: candidate_sites(area, site_spacing_m=knobs.site_spacing_m),
    )
    say("poses")
    poses = _cached(cache, "poses", knobs.poses_key(), lambda: _poses(cameras, sites, specs, knobs))
    say("coverage")
    coverage = _cached(
        cache,
        "coverage",
        knobs.coverage_key(),
        lambda: coverage_matrix(targets, poses, area.buildings, crs=area.crs),
    )
    known = set(sites["site_id"].astype(str))
    unknown = sorted((set(knobs.forced_sites) | set(knobs.forbidden_sites)) - known)
    if unknown:
        logger.warning("sites %s are not candidate sites at this spacing; ignored", unknown)
    say("solve")
    model = CameraCover.from_geodataframes(
        targets,
        poses,
        coverage,
        sites=sites,
        forced_sites=sorted(set(knobs.forced_sites) & known),
        forbidden_sites=sorted(set(knobs.forbidden_sites) & known),
        budget_vnd=knobs.budget_vnd,
        allow_uncovered=True,
        second_views=knobs.second_views,
    ).solve(knobs.solver, time_limit_s=knobs.time_limit_s)
    say("greedy")
    greedy = _cached(
        cache,
        "greedy",
        knobs.coverage_key(),
        lambda: greedy_cover(
            coverage.seen,
            cost=poses["cost"].to_numpy(dtype=float),
            k=targets["k_required"].to_numpy(),
            source=poses["source"].to_numpy(),
            camera=list(poses["camera_id"]),
            site=list(poses["site_id"]),
            capacity=dict(zip(sites["site_id"], sites["capacity"], strict=True)),
        ),
    )
    greedy_new = int((greedy & (poses["source"].to_numpy() == "new")).sum())
    selected = np.asarray(model.selected, dtype=bool)
    t = targets.copy()
    t["cover_count"] = np.asarray(model.cover_count, dtype=int)
    t["seen"] = t["cover_count"] >= t["k_required"]
    p = poses.copy()
    p["selected"] = selected
    figures = plan_figures(t, p, selected, model, greedy_cameras=greedy_new)
    if knobs.budget_vnd is None:
        figures["greedy_cameras"] = greedy_new
    logger.info(
        "solve_plan: %d new, %d re-aimed, coverage %.1f%%",
        figures["new_cameras"],
        figures["reaimed_cameras"],
        100 * (figures["coverage"] or 0.0),
    )
    return PlanState(knobs, t, sites, p, coverage, selected, figures)


def site_choices(sites: pd.DataFrame, routes: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Return ``(label, site_id)`` pairs for a site dropdown, poles and alley ends first.

    Parameters
    ----------
    sites
        Candidate sites (``site_id``, ``kind``, optional ``route_id``).
    routes
        The area's routes (for route names in the labels), optional.

    Returns
    -------
    list of tuple
        Label (``"pole · Kiệt 12 · node/123"``) and site_id.
    """
    names: dict[str, str] = {}
    if routes is not None and "name" in routes.columns:
        rid = routes["route_id"] if "route_id" in routes.columns else routes.index
        names = {str(r): str(n or r) for r, n in zip(rid, routes["name"], strict=True)}
    order = {"pole": 0, "street_lamp": 1, "alley_end": 2, "intersection": 3, "wall": 4, "edge": 5}
    rows = []
    for _, s in sites.iterrows():
        route = s.get("route_id")
        where = names.get(str(route), str(route)) if isinstance(route, str) else ""
        text = " · ".join(x for x in (str(s["kind"]), where, str(s["site_id"])) if x)
        rows.append((order.get(str(s["kind"]), 9), where, text, str(s["site_id"])))
    rows.sort()
    return [(text, sid) for _, _, text, sid in rows]


# ---------------------------------------------------------------------------- drawing


def draw_plan(
    state: PlanState,
    area: Any,
    *,
    cameras: gpd.GeoDataFrame | None = None,
    show_existing: bool = True,
    show_new: bool = True,
    show_cones: bool = True,
    show_gaps: bool = True,
    highlight_sites: Iterable[str] = (),
    lang: str = "vi",
    figsize: tuple[float, float] = (8.0, 7.0),
) -> Any:
    """Draw the ward map of a plan.

    Buildings, routes, targets coloured seen / unseen, existing cameras by role, new
    cameras, their view cones (the FOV sector to the DORI range of the plan's level,
    without occlusion) and pinned or forbidden sites.

    Parameters
    ----------
    state
        The plan (:func:`solve_plan`).
    area
        The ward.
    cameras
        Surveyed cameras (drawn grey when unused).
    show_existing, show_new, show_cones, show_gaps
        Layer toggles: existing cameras, new cameras, view cones, unseen targets.
    highlight_sites
        Site ids to ring (pinned or forbidden).
    lang
        ``"vi"`` or ``"en"`` for the legend.
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The map (no pyplot state: safe from threads).
    """
    from matplotlib.figure import Figure

    from covplan.export import view_cones

    vi = lang == "vi"
    crs = area.crs
    fig = Figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    ax.set_aspect("equal")
    if len(area.buildings):
        area.buildings.to_crs(crs).plot(ax=ax, color=_COLOURS["building"], linewidth=0)
    segs = area.segments if len(area.segments) else area.routes
    segs.to_crs(crs).plot(ax=ax, color=_COLOURS["route"], linewidth=1.2)
    t = state.targets.to_crs(crs)
    seen = t["seen"].to_numpy(bool)
    ax.scatter(t.geometry.x[seen], t.geometry.y[seen], s=3, c=_COLOURS["seen"], zorder=3)
    handles: list[Any] = []
    if show_gaps and (~seen).any():
        handles.append(
            ax.scatter(
                t.geometry.x[~seen],
                t.geometry.y[~seen],
                s=18,
                marker="x",
                c=_COLOURS["unseen"],
                zorder=6,
                label="điểm chưa thấy" if vi else "unseen targets",
            )
        )
    chosen = state.chosen
    show = []
    if show_new:
        show.append("new")
    if show_existing:
        show += ["keep", "reaim"]
    if show_cones and len(chosen):
        c = chosen[chosen["source"].isin(show)]
        if len(c):
            level = state.knobs.level
            cones = view_cones(c, crs=crs, level=level).to_crs(crs)
            for src, sub in cones.groupby(c.loc[cones.index, "source"]):
                sub.plot(ax=ax, color=_COLOURS[str(src)], alpha=0.18, linewidth=0, zorder=2)
    names = {
        "new": ("camera mới", "new cameras"),
        "keep": ("giữ nguyên", "kept as is"),
        "reaim": ("xoay lại", "re-aimed"),
        "unused": ("không dùng", "not used"),
    }
    if show_existing and cameras is not None and len(cameras):
        cam = cameras.to_crs(crs)
        used = set(chosen["camera_id"].dropna().astype(str))
        unused = cam[~cam.index.astype(str).isin(used)]
        if len(unused):
            handles.append(
                ax.scatter(
                    unused.geometry.x,
                    unused.geometry.y,
                    s=22,
                    c=_COLOURS["unused"],
                    zorder=7,
                    label=names["unused"][0 if vi else 1],
                )
            )
    for src in show:
        sub = chosen[chosen["source"] == src].to_crs(crs)
        if len(sub):
            handles.append(
                ax.scatter(
                    sub.geometry.x,
                    sub.geometry.y,
                    s=40,
                    marker="^" if src == "new" else "o",
                    c=_COLOURS[src],
                    edgecolors="white",
                    linewidths=0.6,
                    zorder=8,
                    label=f"{names[src][0 if vi else 1]} ({len(sub)})",
                )
            )
    ring = set(highlight_sites)
    if ring:
        s = state.sites[state.sites["site_id"].astype(str).isin(ring)].to_crs(crs)
        if len(s):
            handles.append(
                ax.scatter(
                    s.geometry.x,
                    s.geometry.y,
                    s=140,
                    facecolors="none",
                    edgecolors="black",
                    linewidths=1.4,
                    zorder=9,
                    label="điểm ghim / cấm" if vi else "pinned / forbidden",
                )
            )
    f = state.figures
    cov = f.get("coverage")
    title = (
        f"{f['new_cameras']} {'camera mới' if vi else 'new cameras'}, "
        f"{f['reaimed_cameras']} {'xoay lại' if vi else 're-aimed'}, "
        f"{(cov or 0):.0%} {'được thấy' if vi else 'seen'}"
    )
    ax.set_title(title, fontsize=11)
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.85)
    if "demo-ward" in str(getattr(area, "source", "")):
        fig.text(0.01, 0.01, "DỮ LIỆU MÔ PHỎNG" if vi else "SYNTHETIC DATA", fontsize=7)
    fig.tight_layout()
    return fig


def _png(fig: Any, dpi: int = 90) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _numbers_html(figures: Mapping[str, Any], lang: str) -> str:
    vi = lang == "vi"

    def num(v: float) -> str:
        return f"{v:,.0f}".replace(",", "." if vi else ",")

    cov = figures.get("coverage")
    rows = [
        ("Camera mới" if vi else "New cameras", str(figures["new_cameras"])),
        ("Camera xoay lại" if vi else "Re-aimed cameras", str(figures["reaimed_cameras"])),
        ("Camera giữ nguyên" if vi else "Kept as is", str(figures["kept_cameras"])),
        ("Chi phí (VND)" if vi else "Cost (VND)", num(figures["cost_vnd"])),
        ("Độ phủ" if vi else "Coverage", "—" if cov is None else f"{cov:.1%}"),
        ("Điểm chưa thấy" if vi else "Unseen targets", str(figures["unseen_targets"])),
    ]
    if figures.get("greedy_cameras") is not None:
        rows.append(
            ("Tham lam (so sánh)" if vi else "Greedy baseline", str(figures["greedy_cameras"]))
        )
    status = figures.get("status") or {}
    if status:
        first = next(iter(status))
        gap = (figures.get("gap") or {}).get(first, 0.0)
        rows.append(("Trạng thái" if vi else "Solver", f"{status[first]} (gap {gap:.2%})"))
    secs = (figures.get("seconds") or {}).get("total")
    if secs is not None:
        rows.append(("Giây" if vi else "Seconds", f"{secs:.1f}"))
    body = "".join(f"<tr><td>{k}</td><td><b>{v}</b></td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


# ---------------------------------------------------------------------------- explorer


def _worker_context() -> Any:
    """Return the multiprocessing context of worker solves.

    A plain fork would copy the solver's thread pool in a broken state (HiGHS runs
    threads, and a forked child of a process that has solved before hangs). The
    forkserver starts one clean process that imports covplan once; each solve is
    forked from it.
    """
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["covplan.widgets", "covplan.geometry", "covplan.optimise"])
        return ctx
    return mp.get_context("spawn")


def _child_solve(
    conn: Any, area: Any, survey: Any, catalogue: Any, knobs: Knobs, cache: Cache
) -> None:  # pragma: no cover - runs in the forked worker
    try:
        state = solve_plan(
            area,
            survey=survey,
            catalogue=catalogue,
            knobs=knobs,
            cache=cache,
            progress=lambda stage: conn.send(("stage", stage)),
        )
        conn.send(("done", state))
    except Exception as err:
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


class PlanExplorer:
    """Turn the planning knobs and see the plan change: an ipywidgets panel.

    Sliders and dropdowns (camera spec, FOV, DORI level, target and site spacing,
    headings, k at alley ends, budget, solver, time limit) re-solve the plan and redraw
    the map and the figures; check boxes show or hide existing cameras, new cameras,
    view cones and unseen targets (redraw only); a site dropdown with Pin / Forbid /
    Release buttons forces or forbids a new camera there. Solves started from the
    panel run in a forked worker process with a progress bar and a Stop button that
    ends the worker (the previous plan stays); :meth:`solve` runs in-process and is
    what scripts and tests call. Workers are forked from a clean forkserver process
    (the first worker solve waits for it to import covplan once).

    Parameters
    ----------
    area
        The ward (:class:`covplan.area.Area`).
    survey
        The camera register, or None (new cameras only).
    catalogue
        Camera specs (default :func:`covplan.load_catalogue`).
    knobs
        Starting knobs; keyword arguments override single fields (e.g. ``budget_vnd=``).
    lang
        ``"vi"`` or ``"en"`` for labels.
    background
        Run solves triggered by the widgets in a worker process (True in a notebook);
        False solves in-process (scripts, tests).
    solve_now
        Solve once on construction.
    **overrides
        Fields of :class:`Knobs`.

    Attributes
    ----------
    state : PlanState or None
        The plan on show.
    history : list of dict
        The figures of every finished solve, with its knobs.
    controls : dict
        The widgets by name (``budget_mvnd``, ``headings``, ``level`` ...).
    """

    def __init__(
        self,
        area: Any,
        *,
        survey: Any = None,
        catalogue: Mapping[str, Any] | None = None,
        knobs: Knobs | None = None,
        lang: str = "vi",
        background: bool = True,
        solve_now: bool = True,
        **overrides: Any,
    ) -> None:
        from covplan.camera.spec import load_catalogue

        self.area = area
        self.survey = survey
        self.catalogue = dict(catalogue or load_catalogue())
        self.knobs = replace(knobs or Knobs(), **overrides)
        self.lang = lang
        self.background = background
        self.state: PlanState | None = None
        self.history: list[dict[str, Any]] = []
        self.cache: Cache = {}
        self._proc: Any = None
        self._watch: threading.Thread | None = None
        self._lock = threading.Lock()
        self._syncing = False
        self._build_widgets()
        if solve_now:
            self.solve()

    # -------------------------------------------------------------- knobs API
    def set_knobs(self, **changes: Any) -> None:
        """Change knobs (fields of :class:`Knobs`) and mirror them on the widgets."""
        self.knobs = replace(self.knobs, **changes)
        self._sync_widgets()

    def pin(self, site_id: str) -> None:
        """Force a new camera at ``site_id`` (undoes a forbid) and re-solve."""
        k = self.knobs
        self.knobs = replace(
            k,
            forced_sites=k.forced_sites | {site_id},
            forbidden_sites=k.forbidden_sites - {site_id},
        )
        self._changed()

    def forbid(self, site_id: str) -> None:
        """Forbid new cameras at ``site_id`` (undoes a pin) and re-solve."""
        k = self.knobs
        self.knobs = replace(
            k,
            forbidden_sites=k.forbidden_sites | {site_id},
            forced_sites=k.forced_sites - {site_id},
        )
        self._changed()

    def release(self, site_id: str) -> None:
        """Neither pin nor forbid ``site_id`` any more, and re-solve."""
        k = self.knobs
        self.knobs = replace(
            k,
            forced_sites=k.forced_sites - {site_id},
            forbidden_sites=k.forbidden_sites - {site_id},
        )
        self._changed()

    # -------------------------------------------------------------- solving
    def solve(self) -> PlanState:
        """Solve for the current knobs in-process, show the result and return it."""
        self._status("…")
        t0 = time.perf_counter()
        state = solve_plan(
            self.area,
            survey=self.survey,
            catalogue=self.catalogue,
            knobs=self.knobs,
            cache=self.cache,
            progress=lambda s: self._status(f"{s}…"),
        )
        self._accept(state, time.perf_counter() - t0)
        return state

    def solve_async(self) -> None:
        """Start a solve for the current knobs in a worker process (stops a running one)."""
        self.stop(quiet=True)
        ctx = _worker_context()
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_child_solve,
            args=(child, self.area, self.survey, self.catalogue, self.knobs, self.cache),
            daemon=True,
        )
        proc.start()
        child.close()
        self._proc = proc
        self.controls["stop"].disabled = False
        self._watch = threading.Thread(
            target=self._watch_worker, args=(proc, parent, self.knobs), daemon=True
        )
        self._watch.start()

    @property
    def running(self) -> bool:
        """True while a worker solve is running."""
        return self._proc is not None and self._proc.is_alive()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for a worker solve to finish; True when none is left running."""
        w = self._watch
        if w is not None:
            w.join(timeout_s)
        return not (w is not None and w.is_alive())

    def stop(self, *, quiet: bool = False) -> None:
        """Stop a running worker solve; the plan on show stays."""
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.terminate()
            proc.join(5)
            if not quiet:
                self._status(
                    "Đã dừng — vẫn hiện phương án trước"
                    if self.lang == "vi"
                    else "Stopped — showing the previous plan"
                )
        self._proc = None
        if self._watch is not None and self._watch is not threading.current_thread():
            self._watch.join(5)
        self.controls["stop"].disabled = True
        self.controls["progress"].value = 0.0

    def _watch_worker(self, proc: Any, conn: Any, knobs: Knobs) -> None:
        t0 = time.perf_counter()
        bar = self.controls["progress"]
        limit = max(1.0, float(knobs.time_limit_s))
        stage = ""
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
                            self._accept(payload, time.perf_counter() - t0)
                        return
                    else:
                        self._status(f"⚠ {payload}")
                        return
                elif not proc.is_alive():
                    break
                elapsed = time.perf_counter() - t0
                bar.value = min(1.0, elapsed / limit) if stage == "solve" else 0.05
                self._status(f"{stage}… {elapsed:.0f} s / ≤ {limit:.0f} s")
        finally:
            conn.close()
            proc.join(1)
            bar.value = 0.0
            self.controls["stop"].disabled = True

    def _accept(self, state: PlanState, seconds: float) -> None:
        with self._lock:
            for stage, key in (
                ("targets", state.knobs.targets_key()),
                ("sites", state.knobs.sites_key()),
                ("poses", state.knobs.poses_key()),
                ("coverage", state.knobs.coverage_key()),
            ):
                value = {
                    "targets": state.targets.drop(columns=["cover_count", "seen"]),
                    "sites": state.sites,
                    "poses": state.poses.drop(columns=["selected"]),
                    "coverage": state.coverage,
                }[stage]
                if self.cache.get(stage, ((),))[0] != key:
                    self.cache[stage] = (key, value)
            self.state = state
            self.history.append({**state.figures, "knobs": state.knobs})
        self._refresh_sites()
        self.redraw()
        self._status(
            ("Xong" if self.lang == "vi" else "Done")
            + f" ({seconds:.1f} s): {state.figures['new_cameras']} "
            + ("camera mới" if self.lang == "vi" else "new cameras")
        )

    # -------------------------------------------------------------- widgets
    def _build_widgets(self) -> None:
        import ipywidgets as w

        vi = self.lang == "vi"
        k = self.knobs
        lay = w.Layout(width="320px")
        style = {"description_width": "130px"}
        spec_opts: list[tuple[str, Any]] = [("mọi loại" if vi else "any spec", None)]
        spec_opts += [
            (f"{s.name} ({s.hfov_deg:.0f}°)", (sid,)) for sid, s in self.catalogue.items()
        ]
        c: dict[str, Any] = {
            "spec": w.Dropdown(
                options=spec_opts,
                value=k.spec_ids if k.spec_ids in [o[1] for o in spec_opts] else None,
                description="Camera" if not vi else "Loại camera",
            ),
            "hfov": w.IntSlider(
                value=int(k.hfov_deg or 0),
                min=0,
                max=120,
                step=5,
                description="FOV° (0 = spec)" if not vi else "Góc nhìn° (0 = mặc định)",
            ),
            "level": w.Dropdown(options=list(LEVELS), value=k.level, description="DORI"),
            "spacing": w.FloatSlider(
                value=k.spacing_m,
                min=2,
                max=25,
                step=1,
                description="Target spacing m" if not vi else "Khoảng điểm (m)",
            ),
            "site_spacing": w.FloatSlider(
                value=k.site_spacing_m,
                min=5,
                max=40,
                step=5,
                description="Site spacing m" if not vi else "Khoảng vị trí (m)",
            ),
            "headings": w.Dropdown(
                options=sorted({4, 6, 8, 12, 16, int(k.headings)}),
                value=int(k.headings),
                description="Headings" if not vi else "Số hướng",
            ),
            "k_at_ends": w.Dropdown(
                options=[1, 2],
                value=int(k.k_at_ends),
                description="k at alley ends" if not vi else "k ở đầu kiệt",
            ),
            "budget_mvnd": w.FloatText(
                value=0.0 if k.budget_vnd is None else k.budget_vnd / 1e6,
                description="Budget M VND (0 = none)" if not vi else "Ngân sách tr.đ (0 = không)",
            ),
            "solver": w.Dropdown(options=["highs", "cbc"], value=k.solver, description="Solver"),
            "time_limit": w.IntSlider(
                value=int(k.time_limit_s),
                min=2,
                max=600,
                step=1,
                description="Time limit s" if not vi else "Giới hạn (giây)",
            ),
            "show_existing": w.Checkbox(
                value=True, description="existing cameras" if not vi else "camera hiện có"
            ),
            "show_new": w.Checkbox(
                value=True, description="new cameras" if not vi else "camera mới"
            ),
            "show_cones": w.Checkbox(
                value=True, description="view cones" if not vi else "vùng nhìn"
            ),
            "show_gaps": w.Checkbox(
                value=True, description="unseen gaps" if not vi else "chỗ chưa thấy"
            ),
            "site": w.Dropdown(options=[("—", "")], description="Site" if not vi else "Vị trí"),
            "pin": w.Button(description="Pin" if not vi else "Ghim", icon="thumb-tack"),
            "forbid": w.Button(description="Forbid" if not vi else "Cấm", icon="ban"),
            "release": w.Button(description="Release" if not vi else "Bỏ ghim/cấm"),
            "pinned": w.HTML(),
            "solve": w.Button(description="Solve" if not vi else "Giải lại", icon="refresh"),
            "stop": w.Button(
                description="Stop" if not vi else "Dừng",
                icon="stop",
                button_style="danger",
                disabled=True,
            ),
            "progress": w.FloatProgress(value=0.0, min=0.0, max=1.0),
            "status": w.HTML(),
            "numbers": w.HTML(),
            "map": w.Image(format="png"),
        }
        for name in (
            "spec",
            "hfov",
            "level",
            "spacing",
            "site_spacing",
            "headings",
            "k_at_ends",
            "budget_mvnd",
            "solver",
            "time_limit",
            "site",
        ):
            c[name].layout = lay
            c[name].style = style
            if hasattr(c[name], "continuous_update"):
                c[name].continuous_update = False
        self.controls = c
        for name in (
            "spec",
            "hfov",
            "level",
            "spacing",
            "site_spacing",
            "headings",
            "k_at_ends",
            "budget_mvnd",
            "solver",
            "time_limit",
        ):
            c[name].observe(self._on_knob, names="value")
        for name in ("show_existing", "show_new", "show_cones", "show_gaps"):
            c[name].observe(lambda change: self.redraw(), names="value")
        c["pin"].on_click(lambda b: self._site_action(self.pin))
        c["forbid"].on_click(lambda b: self._site_action(self.forbid))
        c["release"].on_click(lambda b: self._site_action(self.release))
        c["solve"].on_click(lambda b: self._changed())
        c["stop"].on_click(lambda b: self.stop())
        knobs_box = w.VBox(
            [
                c[n]
                for n in (
                    "spec",
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
            ]
        )
        layers = w.VBox([c["show_existing"], c["show_new"], c["show_cones"], c["show_gaps"]])
        sites = w.VBox([c["site"], w.HBox([c["pin"], c["forbid"], c["release"]]), c["pinned"]])
        run = w.HBox([c["solve"], c["stop"], c["progress"]])
        left = w.VBox([knobs_box, layers, sites, run, c["status"], c["numbers"]])
        self.widget = w.HBox([left, c["map"]])

    def _site_action(self, action: Callable[[str], None]) -> None:
        site = self.controls["site"].value
        if site:
            action(site)

    def _knobs_from_widgets(self) -> Knobs:
        c = self.controls
        budget = float(c["budget_mvnd"].value or 0.0)
        return replace(
            self.knobs,
            spec_ids=c["spec"].value,
            hfov_deg=float(c["hfov"].value) or None,
            level=c["level"].value,
            spacing_m=float(c["spacing"].value),
            site_spacing_m=float(c["site_spacing"].value),
            headings=int(c["headings"].value),
            k_at_ends=int(c["k_at_ends"].value),
            budget_vnd=budget * 1e6 if budget > 0 else None,
            solver=c["solver"].value,
            time_limit_s=float(c["time_limit"].value),
        )

    def _sync_widgets(self) -> None:
        c, k = self.controls, self.knobs
        self._syncing = True
        try:
            if k.spec_ids in [o[1] for o in c["spec"].options]:
                c["spec"].value = k.spec_ids
            c["hfov"].value = int(k.hfov_deg or 0)
            c["level"].value = k.level
            c["spacing"].value = float(k.spacing_m)
            c["site_spacing"].value = float(k.site_spacing_m)
            if int(k.headings) not in c["headings"].options:
                c["headings"].options = sorted({*c["headings"].options, int(k.headings)})
            c["headings"].value = int(k.headings)
            c["k_at_ends"].value = int(k.k_at_ends)
            c["budget_mvnd"].value = 0.0 if k.budget_vnd is None else k.budget_vnd / 1e6
            c["solver"].value = k.solver
            c["time_limit"].value = int(k.time_limit_s)
        finally:
            self._syncing = False

    def _on_knob(self, change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        self.knobs = self._knobs_from_widgets()
        self._changed()

    def _changed(self) -> None:
        self._show_pinned()
        if self.background:
            self.solve_async()
        else:
            self.solve()

    def _status(self, text: str) -> None:
        self.controls["status"].value = f"<i>{text}</i>"

    def _show_pinned(self) -> None:
        k = self.knobs
        vi = self.lang == "vi"
        parts = []
        if k.forced_sites:
            parts.append(("Ghim: " if vi else "Pinned: ") + ", ".join(sorted(k.forced_sites)))
        if k.forbidden_sites:
            parts.append(("Cấm: " if vi else "Forbidden: ") + ", ".join(sorted(k.forbidden_sites)))
        self.controls["pinned"].value = "<br>".join(parts)

    def _refresh_sites(self) -> None:
        if self.state is None:
            return
        opts = site_choices(self.state.sites, getattr(self.area, "routes", None))
        used = set(self.state.new_sites)
        opts = [((("● " if sid in used else "") + text), sid) for text, sid in opts]
        dd = self.controls["site"]
        current = dd.value
        dd.options = opts
        if current in {sid for _, sid in opts}:
            dd.value = current

    def redraw(self) -> None:
        """Redraw the map and the figures for the plan on show (no re-solve)."""
        if self.state is None:
            return
        c = self.controls
        fig = draw_plan(
            self.state,
            self.area,
            cameras=self.survey.cameras if self.survey is not None else None,
            show_existing=c["show_existing"].value,
            show_new=c["show_new"].value,
            show_cones=c["show_cones"].value,
            show_gaps=c["show_gaps"].value,
            highlight_sites=self.knobs.forced_sites | self.knobs.forbidden_sites,
            lang=self.lang,
        )
        c["map"].value = _png(fig)
        c["numbers"].value = _numbers_html(self.state.figures, self.lang)
        self._show_pinned()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


# ---------------------------------------------------------------------------- pictures


def synthetic_road_clip(
    pose: Any,
    *,
    n_frames: int = 24,
    fps: float = 6.0,
    road_offset_m: float = 0.0,
    road_half_width_m: float = 2.0,
    road_length_m: float = 40.0,
) -> tuple[list[np.ndarray], gpd.GeoDataFrame]:
    """Render a clip of an alley seen from a camera pose, and the route targets on it.

    A ground plane is ray-cast from the pose: a textured road (an alley) running
    straight along the camera's heading, ``road_offset_m`` to its right, with cars
    moving along it, textured ground either side and sky above the horizon. Use it
    where no real clip of the camera is at hand: :func:`covplan.camera.verify.verify_camera`
    should find the targets in frame and in motion.

    Parameters
    ----------
    pose
        A :class:`covplan.camera.verify.CameraPose` (resolution, FOV, height, tilt,
        heading, position).
    n_frames
        Frames to render.
    fps
        Frames per second (cars move 5–7 m/s).
    road_offset_m
        Road centre line, metres to the right of the camera.
    road_half_width_m
        Half the road's width.
    road_length_m
        Targets are placed every 2.5 m from 4 m to this distance ahead.

    Returns
    -------
    frames : list of numpy.ndarray
        BGR frames of the pose's resolution.
    targets : geopandas.GeoDataFrame
        ``target_id``, ``route_id`` and Point geometry (EPSG:4326) on the road's
        centre line.
    """
    from shapely.geometry import Point

    crs = pose.crs if pose.x is not None and pose.crs is not None else None
    if crs is None:
        crs = gpd.GeoSeries([Point(pose.lon, pose.lat)], crs=4326).estimate_utm_crs()
    cx, cy = pose.position(crs)
    W, H = int(pose.width_px), int(pose.height_px)
    right, down, forward = pose.axes()
    fx, fy = pose.focal_px
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    d = (
        right[None, None] * ((u - W / 2) / fx)[..., None]
        + down[None, None] * ((v - H / 2) / fy)[..., None]
        + forward[None, None]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        s = pose.mount_height_m / -d[..., 2]
    ground = s > 0
    ex = np.where(ground, s * d[..., 0], np.nan)  # metres east of the camera
    ny = np.where(ground, s * d[..., 1], np.nan)  # metres north
    h = math.radians(pose.heading_deg)
    along = ex * math.sin(h) + ny * math.cos(h)  # metres ahead
    across = ex * math.cos(h) - ny * math.sin(h)  # metres to the right
    road = ground & (np.abs(across - road_offset_m) < road_half_width_m)
    base = np.zeros((H, W, 3), np.float32)
    base[:] = (235, 206, 135)
    tex = 0.5 + 0.25 * np.sin(ex * 3.1) * np.cos(ny * 2.3) + 0.15 * np.sin(ny * 7.7)
    base[ground] = np.stack([60 * tex, 120 * tex, 150 * tex], -1)[ground]
    grey = 90 + 12 * np.sin(along * 11.0) * np.sin(across * 13.0)
    base[road] = np.stack([grey, grey, grey], -1)[road]
    frames = []
    for i in range(n_frames):
        t = i / fps
        img = base.copy()
        for lane, speed in ((-0.8, 5.0), (0.8, -6.5)):
            for start in (5.0, 20.0, 35.0):
                pos = 4.0 + np.mod(start + speed * t, road_length_m)
                car = (
                    ground
                    & (np.abs(across - (road_offset_m + lane)) < 0.9)
                    & (np.abs(along - pos) < 1.8)
                )
                img[car] = (30, 30, 170) if speed > 0 else (160, 60, 20)
        frames.append(img.clip(0, 255).astype(np.uint8))
    ahead = np.arange(4.0, road_length_m + 1e-9, 2.5)
    pts = [
        Point(
            cx + a * math.sin(h) + road_offset_m * math.cos(h),
            cy + a * math.cos(h) - road_offset_m * math.sin(h),
        )
        for a in ahead
    ]
    targets = gpd.GeoDataFrame(
        {"target_id": np.arange(len(pts)), "route_id": "synthetic-alley"}, geometry=pts, crs=crs
    ).to_crs(4326)
    return frames, targets
