"""The register as an XLSX workbook, and back: :func:`export_xlsx`, :func:`import_xlsx`.

The workbook has one sheet per table (cameras, households, work log, decisions, money
entries, spending by camera, deadlines) with headers in Vietnamese or English
(:func:`covplan.vocab.campaign_word`). Contacts (names, phones, addresses) are written
only with ``private=True``. :func:`import_xlsx` reads such a workbook, in either
language, into a register started from the same plan, replaying every decision, entry,
state change and deadline through the register's checks, in one transaction.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import openpyxl

from covplan._errors import InputError
from covplan.campaign.register import (
    METHODS,
    PAYER_KINDS,
    PHASES,
    PURPOSES,
    STATES,
    Register,
)
from covplan.campaign.reports import _localise, _write_xlsx, ledger
from covplan.vocab import CAMPAIGN, LANGS, campaign_word
from covplan.vocab.messages import message

__all__ = ["export_xlsx", "import_xlsx"]

logger = logging.getLogger(__name__)

_SHEETS = (
    "sheet_cameras",
    "sheet_households",
    "sheet_events",
    "sheet_decisions",
    "sheet_money",
    "sheet_allocations",
    "sheet_deadlines",
)


def export_xlsx(
    register: Register,
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    private: bool = False,
) -> Path:
    """Write the whole register as an XLSX workbook (a copy the office can keep).

    Parameters
    ----------
    register
        The campaign register.
    path
        The workbook to write (atomically).
    lang
        ``"vi"`` or ``"en"`` headers and values.
    private
        Whether to add the contacts sheet (names, phones, addresses); off by default.

    Returns
    -------
    pathlib.Path
        The written workbook.
    """
    sheets = {
        "sheet_cameras": register.cameras(),
        "sheet_households": register.households(),
        "sheet_events": register.events(),
        "sheet_decisions": register.decisions(),
        "sheet_money": ledger(register),
        "sheet_allocations": register.allocations(),
        "sheet_deadlines": register.deadlines(),
    }
    if private:
        sheets["sheet_contacts"] = register.contacts()
    out = _write_xlsx(Path(path), {k: _localise(v, lang) for k, v in sheets.items()}, lang)
    logger.info("campaign %s exported to %s", register.name, out)
    return out


def _words() -> tuple[dict[str, str], dict[str, str]]:
    """Header word → column, and value word → stored value, in every language."""
    heads: dict[str, str] = {}
    for key, entry in CAMPAIGN.items():
        heads[key] = key
        for lang in LANGS:
            heads.setdefault(entry[lang], key)
    keys = {
        *STATES,
        *PHASES,
        *METHODS,
        *PURPOSES,
        *PAYER_KINDS,
        "camera",
        "household",
        "contribution",
        "spending",
        "plan",
        "visit",
        "consent",
        "install",
        "verify",
        "check_failed",
        "yes",
        "no",
    }
    values = {campaign_word(k, lang): k for k in keys for lang in LANGS}
    return heads, values


def _read(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every known sheet as records with internal column names and values."""
    heads, values = _words()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as err:
        msg = message("campaign.bad_workbook", name=path.name, err=err)
        raise InputError(msg, file=path) from None
    out: dict[str, list[dict[str, Any]]] = {}
    for ws in wb.worksheets:
        key = heads.get(ws.title.strip())
        if key not in _SHEETS:
            continue
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            continue
        cols = [heads.get(str(h).strip(), str(h)) if h is not None else "" for h in rows[0]]
        records = []
        for row in rows[1:]:
            rec: dict[str, Any] = {}
            for col, v in zip(cols, row, strict=False):
                if isinstance(v, float) and v.is_integer():
                    v = int(v)  # Excel keeps every number as a double: 200000.0 is 200000
                rec[col] = values.get(v, v) if isinstance(v, str) else v
            if any(v is not None and v != "" for v in rec.values()):
                records.append(rec)
        out[key] = records
    wb.close()
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _replay_money(register: Register, rows: list[dict[str, Any]], phases: dict[Any, str]) -> int:
    new_id: dict[Any, int] = {}
    for r in rows:
        if not _empty(r.get("reverses")):
            new_id[r.get("entry_id")] = register.reverse(
                new_id[r["reverses"]],
                reason=str(r.get("note") or "reversal"),
                date=r.get("entry_date"),
            )
        elif r.get("kind") == "contribution":
            new_id[r.get("entry_id")] = register.contribute(
                r["group_id"],
                r["amount_vnd"],
                str(r["receipt_no"]),
                date=r.get("entry_date"),
                household=r.get("household_id") or None,
                payer_kind=r.get("payer_kind") or "household",
                collector=r.get("collector"),
                phase=phases.get(r.get("decision_id")),
                note=str(r.get("note") or ""),
            )
        elif r.get("kind") == "spending":
            cams = [c.strip() for c in str(r.get("cameras") or "").split(",") if c.strip()]
            new_id[r.get("entry_id")] = register.spend(
                r["group_id"],
                r["amount_vnd"],
                str(r["supplier"]),
                str(r["invoice_no"]),
                purpose=r.get("purpose") or "other",
                cameras=cams,
                date=r.get("entry_date"),
                note=str(r.get("note") or ""),
            )
        else:
            msg = message("campaign.bad_kind", entry=r.get("entry_id"), kind=r.get("kind"))
            raise InputError(msg, column="kind")
    return len(new_id)


def _replay_events(register: Register, rows: list[dict[str, Any]]) -> int:
    done = 0
    for r in rows:
        action, sid = r.get("action"), str(r.get("subject_id"))
        when, note = r.get("event_date"), str(r.get("note") or "")
        if action == "visit":
            register.visit(sid, date=when, note=note)
        elif action == "consent":
            register.consent(sid, agreed=r.get("state") == "agreed", date=when, note=note)
        elif action == "install":
            register.install(sid, date=when, note=note)
        elif action in ("verify", "check_failed"):
            register.verify(sid, passed=action == "verify", date=when, note=note)
        else:
            continue  # "plan": written by init from the plan itself
        done += 1
    return done


def import_xlsx(register: Register, path: str | os.PathLike[str]) -> dict[str, int]:
    """Replay an exported XLSX register into this one, all of it or nothing.

    Parameters
    ----------
    register
        A register started from the same plan (``covplan campaign init``), usually empty.
    path
        The workbook (:func:`export_xlsx`, either language).

    Returns
    -------
    dict of str to int
        How many decisions, money entries, state changes and deadlines were recorded.
    """
    book = _read(Path(path))
    if "sheet_money" not in book and "sheet_events" not in book:
        msg = message("campaign.no_sheets")
        raise InputError(msg, file=os.fspath(path))
    counts = {"decisions": 0, "entries": 0, "events": 0, "deadlines": 0}
    with register.batch():
        phases: dict[Any, str] = {}
        for r in book.get("sheet_decisions", []):
            register.decide(
                r["group_id"],
                r["phase"],
                date=r["decided_on"],
                method=r["method"],
                households_for=r["households_for"],
                households_total=r["households_total"],
                amount_per_household_vnd=r["amount_per_household_vnd"],
                minutes_ref=str(r["minutes_ref"]),
            )
            phases[r.get("decision_id")] = str(r["phase"])
            counts["decisions"] += 1
        counts["entries"] = _replay_money(register, book.get("sheet_money", []), phases)
        counts["events"] = _replay_events(register, book.get("sheet_events", []))
        for r in book.get("sheet_deadlines", []):
            if str(r.get("note") or "") != "plan default":
                register.set_deadline(
                    r["group_id"], r["phase"], r["due_date"], note=str(r.get("note") or "")
                )
                counts["deadlines"] += 1
    logger.info("campaign %s: imported %s from %s", register.name, counts, path)
    return counts
