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
from covplan.vocab.messages import MESSAGES as _WORDS
from covplan.vocab.messages import current_lang, message


def register(sub: argparse._SubParsersAction) -> None:
    survey = sub.add_parser("survey", help=message("survey.help"))
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
        "--lang", choices=["vi", "en"], default=None, help="language of the report (default vi)"
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


def _lang_of(args: argparse.Namespace) -> str:
    """The command's language: its ``--lang``, else the language in use."""
    return str(getattr(args, "lang", None) or current_lang())


def _check(args: argparse.Namespace) -> int:
    lang = _lang_of(args)
    area = None
    if args.boundary is not None:
        try:
            shapes = gpd.read_file(args.boundary)
        except Exception as err:  # pyogrio/GDAL errors on a bad file
            why = type(err).__name__
            print(message("survey.boundary_unreadable", lang, file=args.boundary, why=why))
            return 2
        if shapes.crs is not None:
            shapes = shapes.to_crs("EPSG:4326")
        area = argparse.Namespace(boundary=shapes.geometry.union_all())
    try:
        survey = read_survey(args.file, lenient=True, area=area, lang=lang)
    except InputError as err:
        text = err.render(
            message("survey.row", lang, row="{row}"),
            message("survey.column", lang, column="{column}"),
        )
        print(message("survey.unreadable", lang, file=args.file) + f"\n  - {redact(text)}")
        return 2
    n = len(survey.problems)
    print(
        message(
            "survey.check_head",
            lang,
            file=args.file,
            cameras=len(survey.cameras),
            contacts=len(survey.contacts),
            problems=n,
            warnings=len(survey.warnings),
        )
    )
    tag = message("survey.warning_tag", lang)
    lines = [_line(p, lang) for p in survey.problems]
    lines += [f"{_line(w, lang)} {tag}" for w in survey.warnings]
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    if n:
        by_column = Counter(p.column or "-" for p in survey.problems)
        summary = ", ".join(f"{c}: {k}" for c, k in by_column.most_common())
        print(message("survey.by_column", lang, summary=summary))
    sys.stdout.flush()
    return 1 if n else 0


def _line(p: Problem, lang: str = "en") -> str:
    """Return one report line: where, the value (masked by the reader), what to do."""
    where = ", ".join(
        x
        for x in (
            message("survey.row", lang, row=p.row) if p.row is not None else "",
            message("survey.column", lang, column=p.column) if p.column else "",
        )
        if x
    )
    val = f"{p.value!r} " if p.value is not None else ""
    return f"  {where}: {val}{p.message}"


def _template(args: argparse.Namespace) -> int:
    lang = _lang_of(args)
    paths = write_template(args.out, lang=lang)
    for kind, path in paths.items():
        word = f"survey.template.{kind}"
        print(f"{message(word, lang) if word in _WORDS else kind}: {path}")
    return 0


def _convert(args: argparse.Namespace) -> int:
    lang = _lang_of(args)
    survey = read_survey(args.file, lang=lang)
    out = write_survey(survey, args.out, include_contacts=args.include_contacts, lang=lang)
    print(message("survey.converted", lang, n=len(survey.cameras), out=out))
    return 0
