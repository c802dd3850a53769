"""The room's workflows: officers and reach in, server configuration, sheets and pages out.

Each is one call the CLI (``covplan watch …``) and notebooks share.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from covplan._errors import InputError, Problem
from covplan.watch.health import HealthResult, StreamTarget, check_streams
from covplan.watch.mediamtx import (
    hash_password,
    mediamtx_config,
    new_password,
    path_name,
    start_script,
    to_yaml,
    write_atomic,
)
from covplan.watch.officers import Officer, PlanCameras, read_officers, read_plan_cameras
from covplan.watch.register import METHODS, AccessRegister, Reach
from covplan.watch.sheets import (
    SheetCamera,
    officer_sheet_html,
    problems_html,
    status_page_html,
    write_sheet_pdf,
)

__all__ = [
    "ConfigOutcome",
    "HealthOutcome",
    "Setup",
    "check_health",
    "import_officers",
    "import_reach",
    "load_setup",
    "read_reach",
    "write_config",
    "write_sheets",
]

logger = logging.getLogger(__name__)


@dataclass
class Setup:
    """Who may watch what, and how each camera is reached.

    Attributes
    ----------
    plan
        The plan folder's cameras and routes.
    officers
        Officer id → ``{"role", "unit", "name"}`` (name private: sheets only).
    grants
        Officer id → camera codes the officer may watch.
    reach
        Camera code → :class:`~covplan.watch.register.Reach`.
    hashes
        Officer id → stored argon2 hash (from the register), if any.
    """

    plan: PlanCameras
    officers: dict[str, dict[str, Any]]
    grants: dict[str, list[str]]
    reach: dict[str, Reach]
    hashes: dict[str, str]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as plain dicts (column name → value)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _days(value: Any) -> int | None:
    return int(value) if value is not None and pd.notna(value) else None


def _text(value: Any) -> str | None:
    return str(value) if value is not None and pd.notna(value) and str(value) else None


def _env_key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", text).upper()


def _default_reach(plan: PlanCameras) -> dict[str, Reach]:
    """Without a register: new cameras go through the ward's server, residents' via their app."""
    out = {}
    for r in _records(plan.cameras):
        method = "server" if r["role"] == "new" else "cloud"
        days = _days(r["retention_days"])
        out[str(r["code"])] = Reach(str(r["code"]), method, retention_days=days)
    return out


def _grants_of(officers: Sequence[Officer], plan: PlanCameras) -> dict[str, list[str]]:
    cams = plan.cameras
    out: dict[str, list[str]] = {}
    for o in officers:
        codes = set(o.cameras)
        for g in o.groups:
            codes |= set(cams.loc[cams["group_id"] == g, "code"])
        out[o.officer_id] = sorted(codes)
    return out


def load_setup(
    plan_dir: str | os.PathLike[str],
    *,
    officers_file: str | os.PathLike[str] | None = None,
    access: AccessRegister | None = None,
) -> Setup:
    """Gather the plan's cameras, the officers and their grants, and how cameras are reached.

    Parameters
    ----------
    plan_dir
        The plan folder.
    officers_file
        The officers CSV/XLSX; when None, the register's officers and access table.
    access
        The access register (its reach table and stored password hashes are used).

    Returns
    -------
    Setup
        Everything the configuration and the sheets need.
    """
    plan = read_plan_cameras(plan_dir)
    codes, groups = set(plan.cameras["code"]), set(plan.cameras["group_id"])
    reach = _default_reach(plan)
    hashes: dict[str, str] = {}
    if access is not None:
        for r in _records(access.reach()):
            code = str(r["code"])
            reach[code] = Reach(
                code,
                str(r["method"]),
                _text(r["app"]),
                _text(r["device_id"]),
                _text(r["stream_url"]),
                _days(r["retention_days"]),
            )
        hashes = access.password_hashes()
    if officers_file is not None:
        found = read_officers(officers_file, codes=codes, groups=groups)
        officers: dict[str, dict[str, Any]] = {
            o.officer_id: {"role": o.role, "unit": o.unit, "name": o.name} for o in found
        }
        grants = _grants_of(found, plan)
    elif access is not None:
        names = access.contacts().set_index("officer_id")["name"].to_dict()
        officers = {
            str(r["officer_id"]): {
                "role": r["role"],
                "unit": r["unit"],
                "name": names.get(r["officer_id"]),
            }
            for r in _records(access.officers())
        }
        table = access.access()
        grants = {oid: sorted(table.loc[table["officer_id"] == oid, "code"]) for oid in officers}
    else:
        msg = "give the officers file (--officers) or the register (--db)"
        raise InputError(msg, column="--officers")
    return Setup(plan, officers, grants, reach, hashes)


def import_officers(access: AccessRegister, path: str | os.PathLike[str]) -> int:
    """Add the officers of a file to the register, with the cameras and groups granted.

    Returns
    -------
    int
        The number of officers read.
    """
    cams = access.cameras()
    found = read_officers(path, codes=set(cams["code"]), groups=set(cams["group_id"]))
    for o in found:
        access.add_officer(o.officer_id, role=o.role, unit=o.unit, name=o.name, phone=o.phone)
        access.grant(o.officer_id, cameras=o.cameras, groups=o.groups)
    return len(found)


def read_reach(path: str | os.PathLike[str], codes: set[str]) -> list[Reach]:
    """Read a reach file: code, method (cloud/server), app, device_id, stream_url, retention_days.

    Returns
    -------
    list of Reach
        One per row; every problem (file, row, column, what to do) raised at once.
    """
    file = Path(path)
    if not file.is_file():
        msg = "the reach file does not exist; give a CSV with code, method, app, device_id, ..."
        raise InputError(msg, file=file)
    text = file.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    problems: list[Problem] = []
    out: list[Reach] = []
    for n, row in enumerate(rows, start=2):
        row = {
            (k or "").strip().lower(): unicodedata.normalize("NFC", (v or "").strip())
            for k, v in row.items()
        }
        code = row.get("code", "").upper()
        method = row.get("method", "").lower()
        here = len(problems)
        if code not in codes:
            problems.append(Problem("camera code not in the plan", str(file), n, "code", code))
        if method not in METHODS:
            problems.append(
                Problem("method must be cloud or server", str(file), n, "method", method or None)
            )
        days_text = row.get("retention_days", "")
        days = None
        if days_text:
            if not days_text.isdigit() or int(days_text) < 1:
                problems.append(
                    Problem("give whole days (e.g. 7)", str(file), n, "retention_days", days_text)
                )
            else:
                days = int(days_text)
        if len(problems) == here:
            out.append(
                Reach(
                    code,
                    method,
                    row.get("app") or None,
                    row.get("device_id") or None,
                    row.get("stream_url") or None,
                    days,
                )
            )
    if problems:
        raise InputError(problems=problems)
    return out


def import_reach(access: AccessRegister, path: str | os.PathLike[str]) -> int:
    """Record how each camera of a reach file is reached; return the rows read."""
    rows = read_reach(path, set(access.cameras()["code"]))
    for r in rows:
        access.set_reach(r)
    return len(rows)


@dataclass(frozen=True)
class ConfigOutcome:
    """What :func:`write_config` wrote."""

    config: Path
    script: Path
    passwords: Path | None
    paths: int
    users: dict[str, list[str]]


def write_config(
    setup: Setup,
    out: str | os.PathLike[str],
    *,
    access: AccessRegister | None = None,
    passwords_out: str | os.PathLike[str] | None = None,
) -> ConfigOutcome:
    """Write the MediaMTX configuration, its start script and (new) officer passwords.

    An officer's password comes from ``COVPLAN_OFFICER_PASSWORD_<ID>``, else the hash
    stored in the register is reused, else a new one is made: its hash goes into the
    configuration (and the register), the password itself only into the private
    ``passwords_out`` CSV (mode 0600, default ``<out>.passwords.csv``) to hand out.

    Returns
    -------
    ConfigOutcome
        The files written, the number of paths and each user's cameras.
    """
    target = Path(out)
    paths = {
        code: {"stream_url": r.stream_url, "retention_days": r.retention_days}
        for code, r in setup.reach.items()
        if r.method == "server"
    }
    users: dict[str, tuple[str, list[str]]] = {}
    fresh: list[tuple[str, str]] = []
    for oid in sorted(setup.officers):
        given = os.environ.get(f"COVPLAN_OFFICER_PASSWORD_{_env_key(oid)}")
        if given:
            pass_hash = hash_password(given)
        elif oid in setup.hashes:
            pass_hash = setup.hashes[oid]
        else:
            plain = new_password()
            fresh.append((oid, plain))
            pass_hash = hash_password(plain)
        if access is not None and setup.hashes.get(oid) != pass_hash:
            info = setup.officers[oid]
            access.add_officer(
                oid,
                role=str(info["role"]),
                unit=str(info.get("unit") or ""),
                name=info.get("name"),
                pass_hash=pass_hash,
            )
        users[oid] = (pass_hash, [c for c in setup.grants.get(oid, []) if c in paths])
    config = mediamtx_config(paths, users, retention_days=setup.plan.retention_days)
    header = (
        "MediaMTX configuration for the ward's cameras, written by `covplan watch config`.\n"
        "No camera password is in this file: start-mediamtx.sh sets MTX_PATHS_<CODE>_SOURCE\n"
        "from COVPLAN_CAMERA_PASSWORD_<CODE> or the keyring. Officers' passwords are argon2id\n"
        "hashes. Keys follow MediaMTX's documented mediamtx.yml."
    )
    write_atomic(target, to_yaml(config, header=header), mode=0o644)
    script = write_atomic(
        target.with_name("start-mediamtx.sh"),
        start_script(paths, config_name=target.name),
        mode=0o755,
    )
    pw_file = None
    if fresh:
        pw_file = (
            Path(passwords_out)
            if passwords_out
            else target.with_name(f"{target.stem}.passwords.csv")
        )
        lines = ["officer_id,password"] + [f"{oid},{pw}" for oid, pw in fresh]
        write_atomic(pw_file, "\n".join(lines) + "\n", mode=0o600)
        logger.warning(
            "%d new officer password(s) written to %s (private: hand out, then delete)",
            len(fresh),
            pw_file,
        )
    return ConfigOutcome(target, script, pw_file, len(paths), {k: v[1] for k, v in users.items()})


def _place(row: Mapping[str, Any]) -> str:
    """Return the place in words: route, distance along it, and the group."""
    parts = [str(row.get(k) or "").strip() for k in ("route_name", "location")]
    words = ", ".join(p for p in parts if p and p != "nan")
    group = str(row.get("group_name") or "")
    return f"{words} ({group})" if words else group


def sheet_cameras(setup: Setup, codes: Iterable[str], server: str) -> list[SheetCamera]:
    """Return the sheet entries of the cameras ``codes``: place, how to reach, QR payload."""
    out = []
    rows = {str(r["code"]): r for r in _records(setup.plan.cameras)}
    for code in sorted(set(codes)):
        if code not in rows:
            continue
        row = rows[code]
        r = setup.reach.get(code) or Reach(code, "server")
        link = f"{server.rstrip('/')}/{path_name(code)}/" if r.method == "server" else None
        days = r.retention_days or setup.plan.retention_days
        place = _place(row)
        out.append(
            SheetCamera(
                code,
                place,
                float(row["lat"]),
                float(row["lon"]),
                r.method,
                r.app,
                r.device_id,
                link,
                int(days),
            )
        )
    return out


def write_sheets(
    setup: Setup,
    out_dir: str | os.PathLike[str],
    *,
    server: str = "http://mediamtx.local:8889",
    pdf: bool = True,
    lang: str = "vi",
) -> list[Path]:
    """Write every officer's sheet: ``<officer_id>.html`` (and ``.pdf``).

    Parameters
    ----------
    setup
        From :func:`load_setup`.
    out_dir
        The folder to write to (private: the sheets hold the officers' names).
    server
        The ward server's WebRTC address (the live-view links and QR codes).
    pdf
        Also write the PDF pages.
    lang
        ``"vi"`` (default) or ``"en"``.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for oid, info in sorted(setup.officers.items()):
        cams = sheet_cameras(setup, setup.grants.get(oid, []), server)
        officer = {"officer_id": oid, **info}
        page = officer_sheet_html(officer, cams, routes=setup.plan.routes, lang=lang)
        written.append(write_atomic(folder / f"{oid}.html", page, mode=0o600))
        if pdf:
            written.append(
                write_sheet_pdf(
                    folder / f"{oid}.pdf", officer, cams, routes=setup.plan.routes, lang=lang
                )
            )
    return written


@dataclass(frozen=True)
class HealthOutcome:
    """What :func:`check_health` found and wrote."""

    results: list[HealthResult]
    table: pd.DataFrame
    status_page: Path
    problem_pages: list[Path]
    seconds: float


def check_health(
    access: AccessRegister,
    out_dir: str | os.PathLike[str],
    *,
    plan: PlanCameras | None = None,
    frames: int = 12,
    open_timeout_s: float = 3.0,
    read_timeout_s: float = 3.0,
    max_seconds: float = 8.0,
    lang: str = "vi",
) -> HealthOutcome:
    """Check every registered camera's stream at once, record the results, write the pages.

    Parameters
    ----------
    access
        The access register: every camera with a stream URL in its reach table is checked.
    out_dir
        Where ``index.html`` (the status page) and ``problems-<group>.html`` go.
    plan
        The plan's cameras (for the place in words); codes alone without it.
    frames, open_timeout_s, read_timeout_s, max_seconds
        As for :func:`covplan.watch.check_streams`.
    lang
        ``"vi"`` (default) or ``"en"``.

    Returns
    -------
    HealthOutcome
        The results (in the register too) and the pages written.
    """
    t0 = datetime.now(UTC)
    reach = access.reach()
    reach = reach[reach["stream_url"].notna()]
    targets = [StreamTarget(str(r.code), str(r.stream_url)) for r in reach.itertuples()]
    results = check_streams(
        targets,
        references=access.references(),
        frames=frames,
        open_timeout_s=open_timeout_s,
        read_timeout_s=read_timeout_s,
        max_seconds=max_seconds,
    )
    for res in results:
        cid = access.record_health(
            res.code,
            res.status,
            reason=res.reason,
            seconds=res.seconds,
            frames=res.frames,
            source=res.source,
        )
        if res.reference is not None:
            access.set_reference(res.code, res.reference, check_id=cid)
    cams = access.cameras().set_index("code")
    info = plan.cameras.set_index("code") if plan is not None else None
    rows = []
    for res in results:
        gid = str(cams["group_id"].get(res.code, ""))
        place, gname = res.code, gid
        if info is not None and res.code in info.index:
            row = info.loc[res.code]
            gname = str(row["group_name"])
            bits = [str(row["route_name"] or ""), str(row["location"] or "")]
            place = ", ".join(b for b in bits if b) or res.code
        rows.append(
            {
                "code": res.code,
                "group_id": gid,
                "group_name": gname,
                "place": place,
                "status": res.status,
                "reason": res.reason,
                "seconds": round(res.seconds, 2),
            }
        )
    table = pd.DataFrame(
        rows, columns=["code", "group_id", "group_name", "place", "status", "reason", "seconds"]
    )
    stamp = t0.astimezone().strftime("%d/%m/%Y %H:%M")
    folder = Path(out_dir)
    status = write_atomic(
        folder / "index.html", status_page_html(table, checked_at=stamp, lang=lang)
    )
    in_charge = access.group_grants()
    pages = []
    for group, part in table.groupby("group_id", sort=True):
        gid = str(group)
        chiefs = in_charge.loc[in_charge["group_id"] == gid, "officer_id"].astype(str)
        bad = part[part["status"] != "online"]
        page = problems_html(
            str(part["group_name"].iloc[0]), bad, in_charge=chiefs, checked_at=stamp, lang=lang
        )
        pages.append(write_atomic(folder / f"problems-{gid}.html", page))
    seconds = (datetime.now(UTC) - t0).total_seconds()
    return HealthOutcome(results, table, status, pages, seconds)
