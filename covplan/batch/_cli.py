"""``covplan batch``: many wards from a manifest, planned on Dask, and a city summary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from covplan._errors import InputError
from covplan._plan_cli import _add_output_args, _add_plan_args, plan_options
from covplan.batch.run import WardResult, plan_batch
from covplan.settings import time_limit_s
from covplan.vocab import batch_label, format_vnd
from covplan.vocab.messages import message

# `covplan plan` flags that belong to one ward: the manifest has a column for each
_PER_WARD = {"survey": "survey", "name": "name"}


def register(sub: Any) -> None:
    """Add ``batch`` to the ``covplan`` command.

    Parameters
    ----------
    sub
        The subparsers action of the main parser.
    """
    p = sub.add_parser(
        "batch",
        help="plan many wards from a manifest on Dask, and a city summary",
        description=(
            "Plan every ward of a manifest (CSV/XLSX: name, osm or place, optional boundary, "
            "groups, survey, streets and planning-option columns such as headings or "
            "budget_vnd) as `covplan plan` would, one Dask task per ward, each into "
            "--out/<ward>/ with its summary.json, and write the city summary "
            "(city-summary.json/.xlsx/.csv, city-map.png) beside them. Planning flags "
            "apply to every ward unless its row says otherwise. A rerun skips the wards "
            "already planned with the same inputs and options."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("manifest", metavar="MANIFEST", help="the wards: a CSV or XLSX file")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int, metavar="N", help="local workers (default: the machine's cores)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    p.add_argument(
        "--memory-limit",
        default="auto",
        metavar="SIZE",
        help="memory of each local worker, e.g. 4GB (auto: the machine's memory shared out)",
    )
    p.add_argument(
        "--retries", type=int, default=2, metavar="N", help="reruns of a ward whose worker dies"
    )
    _add_plan_args(p, time_limit_s)
    for action in p._actions:  # one ward's flags: the manifest has their columns
        if action.dest in (*_PER_WARD, "pareto"):
            action.help = argparse.SUPPRESS
    _add_output_args(p, "data/processed/batch")
    p.set_defaults(func=run_batch)


def _line(res: WardResult, done: int, total: int, lang: str) -> str:
    if res.status == "failed":
        return batch_label(
            "line_failed", lang, done=done, total=total, ward=res.name, error=res.error
        )
    s = res.summary
    seen = (s.get("coverage") or {}).get("overall")
    return batch_label(
        "line_ok",
        lang,
        done=done,
        total=total,
        ward=res.name,
        new=s.get("new_cameras", 0),
        reaim=s.get("reaimed_cameras", 0),
        cost=format_vnd(int(s.get("cost_vnd") or 0), lang),
        seen="–" if seen is None else f"{100 * seen:.1f}%",
        status=batch_label(res.status, lang),
        seconds=res.seconds,
    )


def run_batch(args: argparse.Namespace) -> int:
    """Run ``covplan batch``.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        0 when every ward is planned, 1 when some failed (the others are written).
    """
    lang = args.lang
    for flag, column in _PER_WARD.items():
        if getattr(args, flag, None):
            raise InputError(batch_label("not_in_batch", lang, flag=flag, column=column))
    if args.pareto:
        raise InputError(batch_label("not_in_batch", lang, flag="pareto", column="-"))
    if args.workers is not None and args.workers < 1:
        raise InputError(message("batch.workers", lang), value=args.workers)

    def progress(res: WardResult, done: int, total: int) -> None:
        if not args.quiet or res.status == "failed":
            print(_line(res, done, total, lang), file=sys.stdout, flush=True)

    result = plan_batch(
        args.manifest,
        args.out,
        options=plan_options(args),
        workers=args.workers,
        scheduler=args.scheduler,
        memory_limit=args.memory_limit,
        retries=args.retries,
        lang=lang,
        maps=not args.no_maps,
        pages=args.pages,
        page_png=args.page_png,
        vn2000=args.vn2000,
        include_contacts=args.include_contacts,
        tiles=None if args.no_tiles else "OpenStreetMap",
        progress=progress,
    )
    ok = [w for w in result.wards if w.status != "failed"]
    print(
        batch_label(
            "end",
            lang,
            planned=len(result.by_status("planned")),
            skipped=len(result.by_status("skipped")),
            failed=len(result.by_status("failed")),
            new=sum(int(w.summary.get("new_cameras") or 0) for w in ok),
            cost=format_vnd(sum(int(w.summary.get("cost_vnd") or 0) for w in ok), lang),
            out=result.out_dir,
        )
    )
    if result.by_status("failed"):
        print(batch_label("rerun", lang), file=sys.stderr)
        return 1
    return 0
