"""``covplan survey``: check a register, write the blank form, convert between formats."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import geopandas as gpd

from covplan._errors import InputError, Problem
from covplan._redact import redact
from covplan.survey.read import read_survey
from covplan.survey.template import write_template
from covplan.survey.write import write_survey


def register(sub: argparse._SubParsersAction) -> None:
    survey = sub.add_parser("survey", help="the camera register: check, template, convert")
    ssub = survey.add_subparsers(dest="survey_command", metavar="SUBCOMMAND")
    survey.set_defaults(func=lambda args: (survey.print_help(), 0)[1])

    check = ssub.add_parser(
        "check", help="report every problem in a survey file; exit 1 when there is one"
    )
    check.add_argument("file", type=Path, help="survey file (.csv, .xlsx, .geojson, .gpkg, .osm)")
    check.add_argument(
        "--boundary",
        type=Path,
        default=None,
        help="the ward's boundary (GeoJSON/GeoPackage polygon): cameras outside are problems",
    )
    check.add_argument(
        "--lang", choices=["vi", "en"], default="en", help="language of the report (default en)"
    )
    check.set_defaults(func=_check)

    tpl = ssub.add_parser("template", help="write the blank survey sheet and KoboToolbox XLSForm")
    tpl.add_argument("--out", type=Path, default=Path("."), help="output folder (default .)")
    tpl.add_argument("--lang", choices=["vi", "en"], default=None, help="sheet column language")
    tpl.set_defaults(func=_template)

    conv = ssub.add_parser("convert", help="read a survey and write it in another format")
    conv.add_argument("file", type=Path)
    conv.add_argument("out", type=Path, help="output (.xlsx, .csv, .gpkg, .osm)")
    conv.add_argument("--lang", choices=["vi", "en"], default=None)
    conv.add_argument(
        "--include-contacts",
        action="store_true",
        help="also write owners' names and phones (personal data)",
    )
    conv.set_defaults(func=_convert)


def _check(args: argparse.Namespace) -> int:
    area = None
    if args.boundary is not None:
        try:
            shapes = gpd.read_file(args.boundary)
        except Exception as err:  # pyogrio/GDAL errors on a bad file
            print(f"{args.boundary}: cannot be read as a boundary ({type(err).__name__})")
            return 2
        if shapes.crs is not None:
            shapes = shapes.to_crs("EPSG:4326")
        area = argparse.Namespace(boundary=shapes.geometry.union_all())
    try:
        survey = read_survey(args.file, lenient=True, area=area, lang=getattr(args, "lang", "en"))
    except InputError as err:
        print(f"{args.file}: cannot be read\n  - {redact(str(err))}")
        return 2
    n = len(survey.problems)
    print(
        f"{args.file}: {len(survey.cameras)} cameras read, "
        f"{len(survey.contacts)} owners with contacts, {n} problem(s), "
        f"{len(survey.warnings)} warning(s)"
    )
    lines = [_line(p) for p in survey.problems]
    lines += [f"{_line(w)} (warning)" for w in survey.warnings]
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    if n:
        by_column = Counter(p.column or "-" for p in survey.problems)
        summary = ", ".join(f"{c}: {k}" for c, k in by_column.most_common())
        print(f"problems by column: {summary}")
    sys.stdout.flush()
    return 1 if n else 0


def _line(p: Problem) -> str:
    """Return one report line: where, the value (masked by the reader), what to do."""
    where = ", ".join(
        x
        for x in (
            f"row {p.row}" if p.row is not None else "",
            f"column {p.column}" if p.column else "",
        )
        if x
    )
    val = f"{p.value!r} " if p.value is not None else ""
    return f"  {where}: {val}{p.message}"


def _template(args: argparse.Namespace) -> int:
    paths = write_template(args.out, lang=args.lang)
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    return 0


def _convert(args: argparse.Namespace) -> int:
    survey = read_survey(args.file)
    out = write_survey(survey, args.out, include_contacts=args.include_contacts, lang=args.lang)
    print(f"{len(survey.cameras)} cameras written to {out}")
    return 0
