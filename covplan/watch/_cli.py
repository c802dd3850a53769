"""``covplan watch``: officers' access, the MediaMTX configuration, sheets and stream health."""

from __future__ import annotations

import argparse
from pathlib import Path

from covplan import settings
from covplan.vocab.watch import watch_word
from covplan.watch import (
    check_health,
    import_officers,
    import_reach,
    load_setup,
    open_access,
    read_plan_cameras,
    write_config,
    write_sheets,
)
from covplan.watch.register import AccessRegister


def _db(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument(
        "--db", required=required, help="the campaign register (SQLite file or postgresql:// URL)"
    )
    p.add_argument("--campaign", help="the campaign's name (when the register holds several)")
    p.add_argument("--by", help="who records this (default: your login name)")


def _lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["vi", "en"], default=settings.lang)


def _open(args: argparse.Namespace) -> AccessRegister | None:
    if not getattr(args, "db", None):
        return None
    access, _ = open_access(args.db, campaign=args.campaign, by=args.by)
    return access


def _officers(args: argparse.Namespace) -> int:
    access = _open(args)
    assert access is not None
    n = import_officers(access, args.officers)
    print(watch_word("imported", args.lang, n=n, db=args.db))
    return 0


def _reach(args: argparse.Namespace) -> int:
    access = _open(args)
    assert access is not None
    n = import_reach(access, args.file)
    print(watch_word("imported", args.lang, n=n, db=args.db))
    return 0


def _access(args: argparse.Namespace) -> int:
    access = _open(args)
    assert access is not None
    table = access.access()  # officer ids and camera codes only: no names, no phones
    print(table.to_csv(index=False), end="")
    return 0


def _config(args: argparse.Namespace) -> int:
    access = _open(args)
    setup = load_setup(args.plan, officers_file=args.officers, access=access)
    done = write_config(setup, args.out, access=access, passwords_out=args.passwords)
    print(
        watch_word(
            "config_done",
            args.lang,
            file=done.config,
            paths=done.paths,
            users=len(done.users),
            script=done.script,
        )
    )
    if done.passwords:
        print(watch_word("passwords_done", args.lang, file=done.passwords))
    return 0


def _sheets(args: argparse.Namespace) -> int:
    access = _open(args)
    setup = load_setup(args.plan, officers_file=args.officers, access=access)
    files = write_sheets(setup, args.out, server=args.server, pdf=not args.no_pdf, lang=args.lang)
    print(watch_word("sheets_done", args.lang, n=len(files), folder=args.out))
    return 0


def _health(args: argparse.Namespace) -> int:
    access = _open(args)
    assert access is not None
    plan = read_plan_cameras(args.plan) if args.plan else None
    done = check_health(
        access,
        args.out,
        plan=plan,
        frames=args.frames,
        open_timeout_s=args.open_timeout,
        read_timeout_s=args.read_timeout,
        max_seconds=args.budget,
        lang=args.lang,
    )
    for r in done.table.itertuples():
        print(f"{r.code}\t{watch_word(str(r.status), args.lang)}\t{r.seconds:.1f} s\t{r.reason}")
    if done.table.empty:
        print(watch_word("no_streams", args.lang))
        return 0
    bad = int((done.table["status"] != "online").sum())
    print(
        watch_word(
            "health_done",
            args.lang,
            n=len(done.table),
            seconds=done.seconds,
            problems=bad,
            page=done.status_page,
        )
    )
    return 1 if bad else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``covplan watch …`` to the command's subparsers."""
    watch = sub.add_parser(
        "watch", help="police access to the cameras: register, MediaMTX config, sheets, health"
    )
    cmds = watch.add_subparsers(dest="watch_command", metavar="SUBCOMMAND", required=True)

    p = cmds.add_parser("officers", help="add the officers of a CSV/XLSX to the register")
    _db(p, required=True)
    p.add_argument("--officers", type=Path, required=True, help="officers CSV or XLSX")
    _lang(p)
    p.set_defaults(func=_officers)

    p = cmds.add_parser("reach", help="record how each camera is reached (CSV)")
    _db(p, required=True)
    p.add_argument(
        "--file",
        type=Path,
        required=True,
        help="CSV: code, method (cloud/server), app, device_id, stream_url, retention_days",
    )
    _lang(p)
    p.set_defaults(func=_reach)

    p = cmds.add_parser("access", help="print who may watch which camera (ids only)")
    _db(p, required=True)
    p.set_defaults(func=_access)

    p = cmds.add_parser("config", help="write the MediaMTX configuration (mediamtx.yml)")
    p.add_argument("--plan", type=Path, required=True, help="the plan folder")
    p.add_argument("--officers", type=Path, help="officers CSV/XLSX (else the register's)")
    _db(p, required=False)
    p.add_argument("--out", type=Path, required=True, help="the configuration to write")
    p.add_argument("--passwords", type=Path, help="where new officer passwords go (private)")
    _lang(p)
    p.set_defaults(func=_config)

    p = cmds.add_parser("sheets", help="write each officer's sheet (HTML and PDF)")
    p.add_argument("--plan", type=Path, required=True, help="the plan folder")
    p.add_argument("--officers", type=Path, help="officers CSV/XLSX (else the register's)")
    _db(p, required=False)
    p.add_argument("--out", type=Path, required=True, help="folder for the sheets")
    p.add_argument(
        "--server", default="http://mediamtx.local:8889", help="the ward server's WebRTC address"
    )
    p.add_argument("--no-pdf", action="store_true", help="HTML only")
    _lang(p)
    p.set_defaults(func=_sheets)

    p = cmds.add_parser("health", help="check every registered camera's stream at once")
    _db(p, required=True)
    p.add_argument("--plan", type=Path, help="the plan folder (for places in words)")
    p.add_argument("--out", type=Path, required=True, help="folder for the status pages")
    p.add_argument("--frames", type=int, default=12, help="frames read per camera")
    p.add_argument("--open-timeout", type=float, default=3.0, help="seconds to open a stream")
    p.add_argument("--read-timeout", type=float, default=3.0, help="seconds for each read")
    p.add_argument("--budget", type=float, default=8.0, help="seconds for one camera, in all")
    _lang(p)
    p.set_defaults(func=_health)
