"""``covplan campaign``: the roll-out register from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from covplan import settings
from covplan.campaign import (
    METHODS,
    PAYER_KINDS,
    PHASES,
    PURPOSES,
    export_xlsx,
    import_xlsx,
    init_campaign,
    open_register,
    report_json,
    write_report,
)
from covplan.campaign.register import Register
from covplan.vocab import campaign_word, format_vnd
from covplan.vocab.messages import message


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    p.add_argument("--campaign", help="the campaign's name (when the register holds several)")
    p.add_argument("--by", help="who records this (default: your login name)")
    p.add_argument("--lang", choices=["vi", "en"], default=settings.lang)


def _dated(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", help="YYYY-MM-DD or DD/MM/YYYY (default today)")
    p.add_argument("--note", default="", help="what was said, seen or done")


def _open(args: argparse.Namespace) -> Register:
    return open_register(args.db, campaign=args.campaign, by=args.by)


def _state_line(reg: Register, code: str, eid: int, lang: str) -> int:
    cams = reg.cameras().set_index("code")
    homes = reg.households().set_index("household_id")
    state = cams["state"].get(code) if code in cams.index else homes["state"].get(code)
    print(f"{code}: {campaign_word(str(state), lang)} (#{eid})")
    return 0


def _init(args: argparse.Namespace) -> int:
    reg = init_campaign(
        args.plan_dir, args.db, survey=args.survey, name=args.name, start=args.start, by=args.by
    )
    cams = reg.cameras()
    print(
        f"{reg.name}: {len(cams)} {campaign_word('cameras', args.lang).lower()}, "
        f"{len(reg.households())} {campaign_word('household', args.lang)}, "
        f"{len(reg.groups())} {campaign_word('group_name', args.lang).lower()} → {args.db}"
    )
    return 0


def _visit(args: argparse.Namespace) -> int:
    reg = _open(args)
    eid = reg.visit(args.subject, date=args.date, note=args.note)
    return _state_line(reg, args.subject, eid, args.lang)


def _consent(args: argparse.Namespace) -> int:
    reg = _open(args)
    eid = reg.consent(args.subject, agreed=not args.declined, date=args.date, note=args.note)
    return _state_line(reg, args.subject, eid, args.lang)


def _install(args: argparse.Namespace) -> int:
    reg = _open(args)
    eid = reg.install(args.code, date=args.date, note=args.note)
    return _state_line(reg, args.code, eid, args.lang)


def _verify(args: argparse.Namespace) -> int:
    reg = _open(args)
    if args.records is not None:
        done = reg.import_verifications(args.records)
        print(f"{done} {campaign_word('verified', args.lang)}")
        return 0
    if not args.code:
        print(message("campaign.need_code", args.lang), file=sys.stderr)
        return 2
    eid = reg.verify(args.code, passed=not args.failed, date=args.date, note=args.note)
    return _state_line(reg, args.code, eid, args.lang)


def _decide(args: argparse.Namespace) -> int:
    reg = _open(args)
    did = reg.decide(
        args.group,
        args.phase,
        date=args.date,
        method=args.method,
        households_for=args.households_for,
        households_total=args.households_total,
        amount_per_household_vnd=args.amount,
        minutes_ref=args.minutes,
    )
    print(f"{campaign_word('decision_id', args.lang)} {did}: {args.group} {args.phase}")
    return 0


def _money_line(reg: Register, eid: int, group: str, lang: str) -> int:
    bal = reg.balances().to_dict(orient="index")[group]
    print(
        f"#{eid} {group}: {campaign_word('balance_vnd', lang)} "
        f"{format_vnd(int(bal['balance_vnd']), lang)}"
    )
    return 0


def _contribute(args: argparse.Namespace) -> int:
    reg = _open(args)
    eid = reg.contribute(
        args.group,
        args.amount,
        args.receipt,
        date=args.date,
        household=args.household,
        payer_kind=args.payer,
        collector=args.collector,
        phase=args.phase,
        note=args.note,
    )
    return _money_line(reg, eid, args.group, args.lang)


def _spend(args: argparse.Namespace) -> int:
    reg = _open(args)
    cams = [c.strip() for c in (args.cameras or "").split(",") if c.strip()]
    eid = reg.spend(
        args.group,
        args.amount,
        args.supplier,
        args.invoice,
        purpose=args.purpose,
        cameras=cams,
        date=args.date,
        note=args.note,
    )
    return _money_line(reg, eid, args.group, args.lang)


def _reverse(args: argparse.Namespace) -> int:
    reg = _open(args)
    eid = reg.reverse(args.entry, reason=args.reason, date=args.date)
    group = str(reg.entries().set_index("entry_id").loc[eid, "group_id"])
    return _money_line(reg, eid, group, args.lang)


def _deadline(args: argparse.Namespace) -> int:
    reg = _open(args)
    reg.set_deadline(args.group, args.phase, args.due, note=args.note)
    print(f"{args.group} {campaign_word(args.phase, args.lang)}: {args.due}")
    return 0


def _report(args: argparse.Namespace) -> int:
    reg = _open(args)
    on = args.on or None
    if args.json:
        print(json.dumps(report_json(reg, on=on), ensure_ascii=False, indent=2, default=str))
        return 0
    written = write_report(reg, args.out, lang=args.lang, on=on, plots=not args.no_plots)
    for path in written.values():
        print(path)
    return 0


def _export(args: argparse.Namespace) -> int:
    print(export_xlsx(_open(args), args.out, lang=args.lang, private=args.private))
    return 0


def _import(args: argparse.Namespace) -> int:
    counts = import_xlsx(_open(args), args.workbook)
    sheets = {"decisions": "sheet_decisions", "entries": "sheet_money", "events": "sheet_events"}
    sheets["deadlines"] = "sheet_deadlines"
    words = {k: campaign_word(sheets.get(k, k), args.lang) for k in counts}
    print(", ".join(f"{words[k]}: {v}" for k, v in counts.items()))
    return 0


def _subject_cmd(
    cs: Any, name: str, helptext: str, func: Any, what: str, *, optional: bool = False
) -> argparse.ArgumentParser:
    p = cs.add_parser(name, help=helptext)
    p.add_argument(
        what, nargs="?" if optional else None, help="camera code (N01, R01, K01) or household id"
    )
    _common(p)
    _dated(p)
    p.set_defaults(func=func)
    return p


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``covplan campaign`` and its subcommands."""
    top = sub.add_parser(
        "campaign",
        help="the roll-out register: visits, consent, installs, money, decisions, deadlines",
        description=(
            "Run a ward's roll-out from a plan folder: every camera and household, their "
            "states (to visit → visited → agreed/declined → installed/re-aimed → verified), "
            "the residents' decisions, contributions and spending in whole VND (append-only; "
            "correct with `reverse`), deadlines per group, and reports. DB is a SQLite file "
            "(default) or a postgresql:// URL."
        ),
    )
    cs = top.add_subparsers(dest="campaign_command", metavar="COMMAND", required=True)

    p = cs.add_parser("init", help="start a register from a plan folder (covplan plan)")
    p.add_argument("plan_dir", type=Path, metavar="PLAN_DIR")
    p.add_argument("--survey", type=Path, help="survey register: households and private contacts")
    p.add_argument("--name", help="the campaign's name (default: the ward's)")
    p.add_argument("--start", help="the campaign's first day (default today)")
    _common(p)
    p.set_defaults(func=_init)

    _subject_cmd(
        cs, "visit", "record a visit to a camera's owner or site, or a household", _visit, "subject"
    )
    p = _subject_cmd(
        cs, "consent", "record an answer: agreed (default) or --declined", _consent, "subject"
    )
    p.add_argument("--declined", action="store_true", help="the owner or household said no")
    _subject_cmd(
        cs, "install", "record a new camera installed or a camera re-aimed", _install, "code"
    )
    p = _subject_cmd(
        cs,
        "verify",
        "record a picture check (pass; --failed to note a fail)",
        _verify,
        "code",
        optional=True,
    )
    p.add_argument("--failed", action="store_true", help="the picture check failed")
    p.add_argument(
        "--from",
        dest="records",
        type=Path,
        help="import covplan verify's records (*.verifications.csv) instead",
    )

    p = cs.add_parser("decide", help="record the residents' decision of a group on a phase")
    _common(p)
    p.add_argument("--group", required=True)
    p.add_argument("--phase", required=True, choices=PHASES)
    p.add_argument("--date", required=True)
    p.add_argument("--method", required=True, choices=METHODS)
    p.add_argument("--for", dest="households_for", required=True, help="households for")
    p.add_argument("--total", dest="households_total", required=True, help="households in all")
    p.add_argument("--amount", required=True, help="agreed VND per household")
    p.add_argument("--minutes", required=True, help="the minutes' (biên bản) reference")
    p.set_defaults(func=_decide)

    p = cs.add_parser("contribute", help="record a contribution (against a decision)")
    _common(p)
    _dated(p)
    p.add_argument("--group", required=True)
    p.add_argument("--amount", required=True, help="whole VND, e.g. 200000")
    p.add_argument("--receipt", required=True, help="receipt number (unique)")
    p.add_argument("--household", help="the payer's pseudonymous id (own-…)")
    p.add_argument("--payer", default="household", choices=PAYER_KINDS)
    p.add_argument("--collector", help="who collected it (default: --by)")
    p.add_argument("--phase", choices=PHASES, help="the decision's phase (default: latest)")
    p.set_defaults(func=_contribute)

    p = cs.add_parser("spend", help="record spending: an invoice paid")
    _common(p)
    _dated(p)
    p.add_argument("--group", required=True)
    p.add_argument("--amount", required=True, help="whole VND")
    p.add_argument("--supplier", required=True)
    p.add_argument("--invoice", required=True, help="invoice number")
    p.add_argument("--purpose", default="camera", choices=PURPOSES)
    p.add_argument("--cameras", help="camera codes it paid for, comma-separated (N01,N02)")
    p.set_defaults(func=_spend)

    p = cs.add_parser("reverse", help="correct an entry by a reversing entry")
    p.add_argument("entry", type=int, metavar="ENTRY_ID")
    _common(p)
    p.add_argument("--reason", required=True)
    p.add_argument("--date")
    p.set_defaults(func=_reverse)

    p = cs.add_parser("deadline", help="set a group's deadline for a phase")
    _common(p)
    p.add_argument("--group", required=True)
    p.add_argument("--phase", required=True, choices=PHASES)
    p.add_argument("--due", required=True)
    p.add_argument("--note", default="")
    p.set_defaults(func=_deadline)

    p = cs.add_parser("report", help="accounting, public and progress reports, plots, JSON")
    _common(p)
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", type=Path, help="folder for the XLSX workbooks and PNG plots")
    out.add_argument("--json", action="store_true", help="print per-group figures as JSON")
    p.add_argument("--on", help="judge lateness on this day (default today)")
    p.add_argument("--no-plots", action="store_true")
    p.set_defaults(func=_report)

    p = cs.add_parser("export", help="the whole register as an XLSX workbook (no contacts)")
    _common(p)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--private", action="store_true", help="add names, phones and addresses")
    p.set_defaults(func=_export)

    p = cs.add_parser("import", help="replay an exported XLSX register into this one")
    p.add_argument("workbook", type=Path, metavar="XLSX")
    _common(p)
    p.set_defaults(func=_import)
