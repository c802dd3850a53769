"""``covplan plan``, ``covplan demo`` and ``covplan atlas``: plans and route maps from the shell."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from covplan import datasets, settings
from covplan._errors import InputError
from covplan.area import area_from_file, area_from_place, area_from_xml
from covplan.camera.spec import load_catalogue
from covplan.export import route_atlas, write_csv
from covplan.plan import PIPELINE_STAGES, PlanCache, PlanOptions, plan_ward, summary_text
from covplan.plan.pareto import pareto_table, pareto_text
from covplan.plan.write import check_out_dir, plan_lock
from covplan.survey import read_survey
from covplan.vocab import LABELS, campaign_word, header, label, translate_value
from covplan.vocab.messages import MESSAGES, current_lang, message

logger = logging.getLogger(__name__)


def _level(text: str) -> tuple[str, str]:
    kind, sep, level = text.partition("=")
    if not sep or level not in settings.dori_px_per_m:
        msg = message("plan.bad_level", text=repr(text), levels=", ".join(settings.dori_px_per_m))
        raise argparse.ArgumentTypeError(msg)
    return kind, level


def _add_area_args(p: argparse.ArgumentParser, required: bool = True) -> None:
    src = p.add_mutually_exclusive_group(required=required)
    src.add_argument("--osm", metavar="FILE", help="OpenStreetMap file (.osm, .osm.bz2, .osm.gz)")
    src.add_argument("--place", metavar="NAME", help="a place name to download (needs internet)")
    src.add_argument(
        "--gpkg",
        metavar="FILE",
        help="routes and buildings drawn in QGIS (GeoPackage, GeoJSON or Shapefile)",
    )
    p.add_argument("--groups", metavar="FILE", help="residential groups (tổ dân phố) polygons")
    p.add_argument(
        "--streets",
        action="store_true",
        help="plan for streets too (by default only alleys, lanes and paths)",
    )
    p.add_argument(
        "--arterials",
        action="store_true",
        help="plan for arterial streets too (primary, secondary, tertiary…; implies --streets)",
    )
    p.add_argument(
        "--minor-ways",
        action="store_true",
        help="plan for driveways, parking aisles, sidewalks, private ways and park paths too",
    )


def _add_output_args(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument(
        "--out", metavar="DIR", default=default_out, help=f"output folder ({default_out})"
    )
    p.add_argument(
        "--lang", choices=["vi", "en"], default=settings.lang, help="language of headers and labels"
    )
    p.add_argument(
        "--pages",
        choices=["route", "group"],
        default="route",
        help="one map page per planned route (default) or per residential group",
    )
    p.add_argument(
        "--no-maps", action="store_true", help="skip the PDF/PNG maps (the slowest step)"
    )
    p.add_argument("--page-png", action="store_true", help="also write every map page as a PNG")
    p.add_argument("--vn2000", action="store_true", help="also write plan-vn2000.gpkg (EPSG:9214)")
    p.add_argument(
        "--include-contacts",
        action="store_true",
        help="add owners' names and phones to the re-aim and outreach lists "
        "(personal data; off by default)",
    )
    p.add_argument(
        "--region",
        choices=["north", "central", "south"],
        default=None,
        help="the alley word of the outputs: north ngõ/ngách, central kiệt, south hẻm "
        "(default: from where the ward lies)",
    )
    p.add_argument(
        "--no-tiles", action="store_true", help="HTML map without background tiles (offline)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _add_plan_args(p: argparse.ArgumentParser, time_limit: float) -> None:
    g = p.add_argument_group("planning options")
    g.add_argument("--survey", metavar="FILE", help="the camera register (CSV, XLSX, GeoJSON…)")
    g.add_argument(
        "--spacing",
        type=float,
        metavar="M",
        default=None,
        help=f"target spacing along routes in metres ({settings.sample_spacing_m:g})",
    )
    g.add_argument(
        "--site-spacing",
        type=float,
        metavar="M",
        default=None,
        help=f"candidate-site spacing in metres ({settings.site_spacing_m:g})",
    )
    g.add_argument(
        "--headings",
        type=int,
        metavar="N",
        default=None,
        help=f"headings tried per camera ({settings.headings})",
    )
    g.add_argument(
        "--level",
        type=_level,
        action="append",
        metavar="KIND=LEVEL",
        help="DORI level along a route kind, e.g. --level alley=recognise (repeatable)",
    )
    g.add_argument(
        "--end-level",
        choices=list(settings.dori_px_per_m),
        default=None,
        help=f"DORI level at alley ends and intersections ({settings.end_level})",
    )
    g.add_argument(
        "--fov",
        type=float,
        metavar="DEG",
        default=None,
        help="override new cameras' horizontal field of view (a hypothetical lens)",
    )
    g.add_argument(
        "--capacity",
        type=int,
        metavar="N",
        default=None,
        help="new cameras per candidate site (2: back to back)",
    )
    g.add_argument(
        "--pin",
        action="append",
        metavar="SITE",
        help="a candidate site that must get a new camera (repeatable; ids as in the sites "
        "layer, e.g. node/123)",
    )
    g.add_argument(
        "--forbid",
        action="append",
        metavar="SITE",
        help="a candidate site that must not get a new camera (repeatable)",
    )
    g.add_argument(
        "--sites",
        metavar="FILE",
        help="pinned and forbidden sites: lines 'pin SITE' / 'forbid SITE', or a CSV "
        "site_id,action (the explorer writes one)",
    )
    g.add_argument(
        "--k-at-ends",
        type=int,
        default=None,
        metavar="K",
        help="cameras that must see each alley end and intersection (1)",
    )
    g.add_argument(
        "--budget",
        type=int,
        metavar="VND",
        help="spend at most this (whole VND, whole cost): finish whole alleys, priority first",
    )
    g.add_argument(
        "--phases",
        action="store_true",
        help="pilot alley, phase 1 (one or two whole alleys per group) and phase 2",
    )
    g.add_argument(
        "--pilot-group", metavar="GROUP", help="residential group whose alley is the pilot"
    )
    g.add_argument(
        "--priority",
        action="append",
        metavar="ROUTE",
        help="a route that comes first in phases and budgets (hot spot; repeatable)",
    )
    g.add_argument(
        "--cameras",
        choices=["ordinary", "all"],
        default=None,
        help="camera class: ordinary 2-4 MP bullets and domes (default) or the whole catalogue",
    )
    g.add_argument(
        "--retention",
        type=int,
        metavar="DAYS",
        default=None,
        help=f"days of recording each new camera keeps ({settings.retention_days})",
    )
    g.add_argument(
        "--costs",
        metavar="FILE",
        help="cost file (CSV like covplan/camera/costs.csv: parts and mounts in VND)",
    )
    g.add_argument(
        "--no-corridor",
        action="store_true",
        help="let sight lines cross unmapped blocks (only for maps with every house drawn)",
    )
    g.add_argument(
        "--pareto",
        action="store_true",
        help="also plan each quality rule and camera class and write the trade-offs table",
    )
    g.add_argument(
        "--spec",
        action="append",
        metavar="SPEC_ID",
        help="camera spec new cameras may use (repeatable; default the whole catalogue)",
    )
    g.add_argument("--solver", choices=["highs", "cbc"], default=settings.solver, help="ILP solver")
    g.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        default=time_limit,
        help=f"solver time limit in seconds ({time_limit:g})",
    )
    g.add_argument(
        "--strict",
        action="store_true",
        help="fail on route points no camera can see, instead of planning around them",
    )
    g.add_argument("--name", help="the ward's name for titles")


def register(sub: Any) -> None:
    """Add ``plan``, ``demo`` and ``atlas`` to the ``covplan`` command.

    Parameters
    ----------
    sub
        The subparsers action of the main parser.
    """
    p = sub.add_parser(
        "plan",
        help="plan a ward: cameras to re-aim, new cameras, lists and maps",
        description=(
            "Plan a ward's camera network: from an area (--osm, --place or --gpkg), an optional "
            "survey register and the camera catalogue to the install and re-aim lists "
            "(XLSX, CSV, GeoJSON), a GeoPackage with QGIS styles, KML/KMZ, PDF/PNG maps, an "
            "HTML map and summary.json in --out. Without --survey it plans new cameras only."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _add_area_args(p)
    _add_plan_args(p, settings.time_limit_s)
    _add_output_args(p, "data/processed/plan")
    p.set_defaults(func=run_plan)

    d = sub.add_parser(
        "demo",
        help="plan the embedded demo ward (synthetic), survey included",
        description=(
            "Run `covplan plan` on the embedded demo ward (synthetic data shaped like Huế's "
            "old quarters) with its survey register, and write its route atlas."
        ),
    )
    _add_plan_args(d, 20.0)
    _add_output_args(d, "data/processed/demo")
    d.add_argument("--no-atlas", action="store_true", help="skip the route atlas")
    d.set_defaults(func=run_demo)

    a = sub.add_parser(
        "atlas",
        help="draw the route atlas (sơ đồ tuyến): the ward and one page per route",
        description=(
            "Write route-atlas.pdf (the ward and one page per route, with buildings), "
            "route-atlas.png, route-atlas/<route>.png and routes.csv to --out."
        ),
    )
    _add_area_args(a)
    a.add_argument("--out", metavar="DIR", default="data/processed/atlas", help="output folder")
    a.add_argument("--lang", choices=["vi", "en"], default=settings.lang, help="language")
    a.add_argument("--quiet", action="store_true", help="no progress bars")
    a.set_defaults(func=run_atlas)


class _Bars:
    """tqdm bars: one for the planning stages, one per long writing stage."""

    def __init__(self, quiet: bool, lang: str | None = None) -> None:
        self.quiet = quiet
        self.lang = lang
        self.main: Any = None

    def _word(self, stage: str) -> str:
        """The stage's name in the bars' language (``stage_<name>`` or ``bar.<name>``)."""
        if f"stage_{stage}" in LABELS:
            return label(f"stage_{stage}", self.lang or _lang())
        if f"bar.{stage}" in MESSAGES:
            return message(f"bar.{stage}", self.lang)
        return stage

    def __call__(self, stage: str, total: int) -> Callable[[int], None]:
        if self.quiet:
            return lambda n: None
        if stage in PIPELINE_STAGES:
            if self.main is None:
                self.main = tqdm(
                    total=len(PIPELINE_STAGES),
                    desc=message("bar.plan", self.lang),
                    unit=" " + message("bar.stage", self.lang),
                    leave=True,
                )
            self.main.set_postfix_str(self._word(stage))
            bar = self.main
            return lambda n: bar.update(n)
        unit = message("bar.page" if stage in ("maps", "atlas") else "bar.file", self.lang)
        bar = tqdm(total=total, desc=self._word(stage), unit=" " + unit, leave=True)

        def tick(n: int) -> None:
            bar.update(n)
            if bar.total is not None and bar.n >= bar.total:
                bar.close()

        return tick


def _load_area(args: argparse.Namespace) -> Any:
    arterials = bool(getattr(args, "arterials", False))
    streets = arterials or getattr(args, "streets", False)
    kinds = tuple(dict.fromkeys(("street", *settings.planned_kinds))) if streets else None
    minor = bool(getattr(args, "minor_ways", False))
    if args.osm:
        return area_from_xml(
            args.osm, groups=args.groups, kinds=kinds, arterials=arterials, minor_ways=minor
        )
    if args.place:
        return area_from_place(
            args.place, groups=args.groups, kinds=kinds, arterials=arterials, minor_ways=minor
        )
    return area_from_file(
        args.gpkg, groups=args.groups, kinds=kinds, arterials=arterials, minor_ways=minor
    )


# why a route is off the plan -> the flag that brings it back
_REASON_FLAGS = {"arterial": "--arterials", "kind": "--streets"}


def check_planned(area: Any) -> None:
    """Raise :class:`covplan.InputError` when no route of ``area`` is planned, saying why.

    Parameters
    ----------
    area
        The loaded area.

    Raises
    ------
    covplan.InputError
        Counting the routes by the reason they are off the plan, each with the flag
        that brings them back (``--arterials``, ``--streets``, ``--minor-ways``).
    """
    routes = area.routes
    if len(routes) == 0 or bool(routes["planned"].any()):
        return
    counts = routes["unplanned_reason"].value_counts()
    parts = [
        message(
            "plan.none_planned_part",
            n=n,
            reason=_reason_word(str(reason)),
            flag=_REASON_FLAGS.get(str(reason), "--minor-ways"),
        )
        for reason, n in counts.items()
    ]
    msg = message("plan.none_planned", n=len(routes), parts=", ".join(parts))
    raise InputError(msg)


def _lang() -> str:
    """Return the language in use (the command's ``--lang``)."""
    return current_lang()


def _reason_word(reason: str) -> str:
    """Name why a route is off the plan, in the language in use."""
    if f"plan.reason.{reason}" in MESSAGES:
        return message(f"plan.reason.{reason}")
    return message("plan.reason.other", reason=translate_value(reason, _lang()))


def _read_site_file(path: str) -> tuple[list[str], list[str]]:
    """Read pinned and forbidden sites from a file: CSV ``site_id,action`` or text lines.

    Text lines are ``pin SITE`` or ``forbid SITE`` (``#`` starts a comment); a CSV has
    the columns ``site_id`` and ``action`` (pin / forbid; Vietnamese ghim / cấm too).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        msg = message("plan.site_file_unreadable", why=err.__class__.__name__)
        raise InputError(msg, file=file) from None
    actions = {"pin": "pin", "ghim": "pin", "forbid": "forbid", "cấm": "forbid", "cam": "forbid"}
    pins: list[str] = []
    forbids: list[str] = []
    lines = text.splitlines()
    first = lines[0].lower().replace(" ", "") if lines else ""
    csv_mode = first.startswith("site_id,")
    for row, line in enumerate(lines, start=1):
        line = line.strip()
        if line.startswith("#"):  # a comment line (site ids such as kiet-1#0@14m hold '#')
            continue
        line = line.split(" #", 1)[0].strip()
        if not line or (csv_mode and row == 1):
            continue
        parts = [p.strip() for p in line.split(",")] if csv_mode else line.split(None, 1)
        site, action = (
            (parts[0], parts[1])
            if csv_mode and len(parts) > 1
            else ((parts[1], parts[0]) if len(parts) > 1 else ("", ""))
        )
        kind = actions.get(action.strip().lower())
        if kind is None or not site:
            msg = message("plan.site_file_line")
            raise InputError(msg, file=file, row=row, value=line)
        (pins if kind == "pin" else forbids).append(site.strip())
    return pins, forbids


def plan_options(args: argparse.Namespace) -> PlanOptions:
    """Return the :class:`covplan.plan.PlanOptions` the command line asks for.

    Parameters
    ----------
    args
        Parsed ``covplan plan`` / ``covplan demo`` arguments.

    Returns
    -------
    covplan.plan.PlanOptions
        The options (defaults for every flag not given).

    Raises
    ------
    covplan.InputError
        For a bad value (negative spacing, zero headings…) or an unreadable site file.
    """
    pins, forbids = list(args.pin or []), list(args.forbid or [])
    if args.sites:
        more_pins, more_forbids = _read_site_file(args.sites)
        pins += more_pins
        forbids += more_forbids
    knobs = {
        "specs": tuple(args.spec) if args.spec else None,
        "spacing_m": args.spacing,
        "site_spacing_m": args.site_spacing,
        "headings": args.headings,
        "level_by_kind": dict(args.level) if args.level else None,
        "end_level": args.end_level,
        "hfov_deg": args.fov,
        "k_at_ends": args.k_at_ends,
        "capacity": args.capacity,
        "budget_vnd": args.budget,
        "phases": args.phases,
        "pilot_group": args.pilot_group,
        "priority_routes": frozenset(args.priority) if args.priority else None,
        "camera_class": args.cameras,
        "retention_days": args.retention,
        "costs": args.costs,
        "corridor": False if args.no_corridor else None,
        "pinned_sites": frozenset(pins),
        "forbidden_sites": frozenset(forbids),
        "solver": args.solver,
        "time_limit_s": args.time_limit,
        "allow_uncovered": not args.strict,
    }
    return PlanOptions().replace(**{k: v for k, v in knobs.items() if v is not None})


def _early_options(args: argparse.Namespace) -> PlanOptions:
    """Check the options and ``--out`` before any work: a bad flag fails at once."""
    options = plan_options(args)
    options.check_specs(load_catalogue())
    check_out_dir(args.out)
    return options


def _plan_and_write(
    args: argparse.Namespace, area: Any, name: str | None, t_area: float, options: PlanOptions
) -> int:
    bars = _Bars(args.quiet, args.lang)
    cache = PlanCache()
    survey = read_survey(args.survey, area=area) if args.survey else None
    plan = plan_ward(area, survey=survey, options=options, name=name, progress=bars, cache=cache)
    if bars.main is not None:
        bars.main.close()
    if getattr(args, "pareto", False):
        half = int(round(plan.summary["cost_vnd"] / 2, -6))  # what half the money buys
        budgets = [half] if half > 0 and options.budget_vnd is None else []
        table = pareto_table(area, survey=survey, options=options, cache=cache, budgets=budgets)
        plan.summary["pareto"] = table.to_dict("records")
        plan.summary["pareto_text"] = pareto_text(table, args.lang)
    plan.summary["seconds"] = {"area": round(t_area, 2), **plan.summary["seconds"]}
    files = plan.write(
        args.out,
        lang=args.lang,
        include_contacts=args.include_contacts,
        region=getattr(args, "region", None),
        vn2000=args.vn2000,
        maps=not args.no_maps,
        pages=args.pages,
        page_png=args.page_png,
        tiles=None if args.no_tiles else "OpenStreetMap",
        progress=bars,
    )
    print(summary_text(plan.summary, args.lang))
    out = Path(args.out)
    print("\n" + message("plan.files", args.lang, n=len(files), out=out))
    for f in files:
        if f.parent == out:
            print(f"  {f.name}")
    if any(f.parent.name == "pages" for f in files):
        n_png = sum(f.parent.name == "pages" for f in files)
        print(message("plan.pages_png", args.lang, n=n_png))
    return 0


def run_plan(args: argparse.Namespace) -> int:
    """Run ``covplan plan``.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        Exit status.
    """
    options = _early_options(args)
    with plan_lock(args.out):  # a second run into this folder stops here, not after planning
        t0 = time.perf_counter()
        area = _load_area(args)
        check_planned(area)
        return _plan_and_write(args, area, args.name, time.perf_counter() - t0, options)


def run_demo(args: argparse.Namespace) -> int:
    """Run ``covplan demo``: plan the embedded (synthetic) demo ward with its survey.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        Exit status.
    """
    options = _early_options(args)
    with plan_lock(args.out):
        return _run_demo(args, options)


def _run_demo(args: argparse.Namespace, options: PlanOptions) -> int:
    t0 = time.perf_counter()
    area = area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    if args.survey is None:
        args.survey = str(datasets.get_path("demo-survey.csv"))
    name = args.name or label("demo_ward_name", args.lang)
    status = _plan_and_write(args, area, name, time.perf_counter() - t0, options)
    if not args.no_atlas:
        _write_atlas(
            area,
            Path(args.out) / "atlas",
            args.lang,
            args.quiet,
            label("demo_ward_name", args.lang),
            True,
        )
    return status


def _write_atlas(
    area: Any,
    out: Path,
    lang: str,
    quiet: bool,
    title: str | None = None,
    synthetic: bool | None = None,
) -> list[Path]:
    bars = _Bars(quiet, lang)
    n = len(area.routes) + 1
    files = route_atlas(
        area, out, lang=lang, title=title, synthetic=synthetic, progress=bars("atlas", n)
    )
    routes = area.routes if "route_id" in area.routes.columns else area.routes.reset_index()
    files.append(write_csv(_routes_table(routes, lang), out / "routes.csv", lang=lang))
    print(message("plan.atlas_done", lang, n=len(area.routes), path=f"{out}/route-atlas.pdf"))
    return files


def _routes_table(routes: Any, lang: str) -> Any:
    """The atlas's route list: a route's name under "Tuyến", kinds and yes/no translated.

    Issue 13: the route name is not a person's name ("Họ tên"), and whether a route is in
    the plan is a translated column, not "planned" with True/False.
    """
    cols = [
        c for c in ("route_id", "name", "kind", "group_id", "length_m", "planned") if c in routes
    ]
    table = routes[cols].copy().rename(columns={"name": "route_name"})
    table["length_m"] = table["length_m"].round(1)
    if "kind" in table:
        table["kind"] = [translate_value(v, lang) for v in table["kind"]]
    if "planned" in table:
        yes, no = campaign_word("yes", lang), campaign_word("no", lang)
        table["planned"] = [yes if bool(v) else no for v in table["planned"]]
        table = table.rename(columns={"planned": message("plan.in_plan", lang)})
    return table.rename(columns={c: header(c, lang) for c in table.columns if c != "geometry"})


def run_atlas(args: argparse.Namespace) -> int:
    """Run ``covplan atlas``: the route atlas of an area.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        Exit status.
    """
    check_out_dir(args.out, plan=False)
    area = _load_area(args)
    _write_atlas(area, Path(args.out), args.lang, args.quiet)
    return 0


if __name__ == "__main__":  # pragma: no cover
    from covplan.cli import main

    sys.exit(main(["plan", *sys.argv[1:]]))
