"""The campaign register: start it from a plan folder, record the work and the money.

:func:`init_campaign` writes a register from a plan folder (``covplan plan``) and the
survey register; :class:`Register` records, one transaction per command, every state
change of a camera or household (:meth:`Register.visit`, :meth:`~Register.consent`,
:meth:`~Register.install`, :meth:`~Register.verify`), the residents' decisions
(:meth:`~Register.decide`), contributions and spending (:meth:`~Register.contribute`,
:meth:`~Register.spend`, :meth:`~Register.reverse`) and deadlines
(:meth:`~Register.set_deadline`). Bad input raises :class:`covplan.InputError` and
changes nothing. Balances are sums of entries, computed on every read.

States follow the work::

    to_visit → visited → agreed | declined (declined → visited again)
    new camera:   agreed → installed → verified
    re-aim:       agreed → reaimed  → verified
    keep:         agreed → verified
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from covplan._errors import InputError
from covplan._redact import redact_url
from covplan.campaign import _values as V  # noqa: N812
from covplan.campaign._plan import PHASES, default_deadlines, read_plan_folder
from covplan.campaign.schema import (
    ALLOCATIONS,
    CAMERAS,
    CAMPAIGN,
    CONTACTS,
    DEADLINES,
    DECISIONS,
    EVENTS,
    GROUPS,
    HOUSEHOLDS,
    MONEY,
    ROUTES,
    connect,
)
from covplan.vocab.messages import message

__all__ = [
    "METHODS",
    "PAYER_KINDS",
    "PHASES",
    "PURPOSES",
    "STATES",
    "Register",
    "init_campaign",
    "open_register",
]

logger = logging.getLogger(__name__)

#: Every state a camera or household can be in, in the order of the work.
STATES: tuple[str, ...] = (
    "to_visit",
    "visited",
    "agreed",
    "declined",
    "installed",
    "reaimed",
    "verified",
)
#: What a spending entry may pay for (the parts of the plan's bill, and other).
PURPOSES: tuple[str, ...] = (
    "camera",
    "mount",
    "cable",
    "power",
    "labour",
    "storage",
    "connectivity",
    "reaim",
    "other",
)
#: How residents took a decision.
METHODS: tuple[str, ...] = ("meeting", "ballot")
#: Who pays a contribution.
PAYER_KINDS: tuple[str, ...] = ("household", "business", "agency", "school", "other")

_COMMON = {"to_visit": {"visited"}, "visited": {"agreed", "declined"}, "declined": {"visited"}}
_NEXT: dict[str, dict[str, set[str]]] = {
    "new": {**_COMMON, "agreed": {"installed"}, "installed": {"verified"}},
    "reaim": {**_COMMON, "agreed": {"reaimed"}, "reaimed": {"verified"}},
    "keep": {**_COMMON, "agreed": {"verified"}},
    "household": dict(_COMMON),
}


def _actor(by: str | None) -> str:
    if by:
        return V.text(by, "by")
    try:
        return os.environ.get("COVPLAN_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container): say so rather than guess
        return "unknown"


def _pk(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every insert here has a primary key
        msg = message("campaign.no_id")
        raise RuntimeError(msg)
    return int(key[0])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def init_campaign(
    plan_dir: str | os.PathLike[str],
    db: str | os.PathLike[str],
    *,
    survey: str | os.PathLike[str] | None = None,
    name: str | None = None,
    start: date | str | None = None,
    by: str | None = None,
) -> Register:
    """Start a campaign register from a plan folder and, optionally, the survey register.

    Parameters
    ----------
    plan_dir
        A folder written by ``covplan plan`` (``summary.json``, ``plan.gpkg``…).
    db
        A SQLite file path (created if missing) or a ``postgresql://`` URL.
    survey
        The survey register (CSV/XLSX): every owner becomes a household to visit, their
        names, phones and addresses go to the private ``contacts`` table only. Without
        it the households are the owners the plan names, without contacts.
    name
        The campaign's name (unique in the register; default: the ward's name).
    start
        The campaign's first day (default today); no entry may be dated before it.
    by
        Who starts it (default: the login name).

    Returns
    -------
    Register
        The new register, every camera and household ``to_visit``, default deadlines set.
    """
    folder = read_plan_folder(plan_dir, survey)
    start_day = V.day(start or date.today(), "start")
    ward = str(folder.summary.get("ward") or Path(plan_dir).name)
    cname = V.text(name or ward, "name")
    engine = connect(db, create=True)
    actor, stamp = _actor(by), _now()
    with engine.begin() as conn:
        if conn.execute(sa.select(CAMPAIGN.c.campaign_id).where(CAMPAIGN.c.name == cname)).first():
            msg = message("campaign.name_taken", name=cname)
            raise InputError(msg, column="name", value=cname)
        cid = _pk(
            conn.execute(
                CAMPAIGN.insert().values(
                    name=cname,
                    ward=ward,
                    plan_dir=str(Path(plan_dir).resolve()),
                    start_date=start_day,
                    summary_json=json.dumps(folder.summary, ensure_ascii=False),
                    recorded_at=stamp,
                    recorded_by=actor,
                )
            )
        )
        _rows(conn, GROUPS, folder.groups, cid)
        _rows(conn, ROUTES, folder.routes, cid)
        _rows(conn, CAMERAS, folder.cameras, cid)
        _rows(conn, HOUSEHOLDS, folder.households, cid)
        _rows(conn, CONTACTS, folder.contacts, cid)
        firsts = [{"subject": "camera", "subject_id": c} for c in folder.cameras["code"]] + [
            {"subject": "household", "subject_id": h} for h in folder.households["household_id"]
        ]
        if firsts:
            conn.execute(
                EVENTS.insert(),
                [
                    {
                        **f,
                        "campaign_id": cid,
                        "action": "plan",
                        "state": "to_visit",
                        "event_date": start_day,
                        "note": "",
                        "recorded_at": stamp,
                        "recorded_by": actor,
                    }
                    for f in firsts
                ],
            )
        phases: dict[str, set[str]] = {g: set() for g in folder.groups["group_id"]}
        for g, p in zip(folder.cameras["group_id"], folder.cameras["phase"], strict=True):
            phases.setdefault(g, set()).add(p)
        dues = default_deadlines(start_day, phases)
        if dues:
            conn.execute(
                DEADLINES.insert(),
                [
                    {
                        **d,
                        "campaign_id": cid,
                        "note": "plan default",
                        "recorded_at": stamp,
                        "recorded_by": actor,
                    }
                    for d in dues
                ],
            )
    logger.info(
        "campaign %r started: %d cameras, %d households, %d groups",
        cname,
        len(folder.cameras),
        len(folder.households),
        len(folder.groups),
    )
    return Register(engine, int(cid), by=by)


def _rows(conn: Connection, table: sa.Table, frame: pd.DataFrame, cid: int) -> None:
    if frame.empty:
        return
    cols = [c.name for c in table.columns if c.name != "campaign_id"]
    records = frame.reindex(columns=cols).astype(object).where(frame.notna(), None)
    conn.execute(
        table.insert(),
        [
            {**{str(k): v for k, v in r.items()}, "campaign_id": cid}
            for r in records.to_dict(orient="records")
        ],
    )


def open_register(
    db: str | os.PathLike[str], *, campaign: str | None = None, by: str | None = None
) -> Register:
    """Open an existing campaign register.

    Parameters
    ----------
    db
        A SQLite file path or a ``postgresql://`` URL.
    campaign
        The campaign's name; may be omitted when the register holds only one.
    by
        Who records (default: the login name).

    Returns
    -------
    Register
        The register.
    """
    engine = connect(db)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(CAMPAIGN.c.campaign_id, CAMPAIGN.c.name)).all()
    if campaign is not None:
        rows = [r for r in rows if r.name == campaign]
    if len(rows) != 1:
        names = ", ".join(sorted(r.name for r in rows)) or message("campaign.none_word")
        msg = message(
            "campaign.no_campaign" if not rows else "campaign.several",
            db=redact_url(os.fspath(db)),
            names=names,
        )
        raise InputError(msg, column="--campaign")
    return Register(engine, int(rows[0].campaign_id), by=by)


class Register:
    """One campaign in a register: the commands that record the work, and its tables.

    Parameters
    ----------
    engine
        The database (see :func:`covplan.campaign.schema.connect`).
    campaign_id
        The campaign's id in it.
    by
        Who records (default: the login name; ``COVPLAN_USER`` overrides it).
    """

    def __init__(self, engine: Engine, campaign_id: int, *, by: str | None = None) -> None:
        self.engine = engine
        self.campaign_id = campaign_id
        self.by = _actor(by)
        self._conn: Connection | None = None
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(CAMPAIGN).where(CAMPAIGN.c.campaign_id == campaign_id)
            ).one()
        self.name: str = row.name
        self.ward: str = row.ward
        self.start_date: date = row.start_date
        self.summary: dict[str, Any] = json.loads(row.summary_json)

    def __repr__(self) -> str:
        return f"Register({self.name!r}, {self.engine.url.render_as_string(hide_password=True)})"

    # ------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def batch(self) -> Iterator[Register]:
        """Run several commands in one transaction: all of them are kept, or none.

        Yields
        ------
        Register
            This register; every command inside the block joins the transaction.
        """
        if self._conn is not None:
            yield self
            return
        with self.engine.begin() as conn:
            self._conn = conn
            try:
                yield self
            finally:
                self._conn = None

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Connection]:
        if self._conn is not None:  # inside batch(): the batch's transaction
            yield self._conn
            return
        with self.engine.begin() as conn:
            yield conn

    def _where(self, table: sa.Table) -> sa.ColumnElement[bool]:
        return table.c.campaign_id == self.campaign_id

    def _date(self, value: date | str | None, what: str = "date") -> date:
        day = V.day(value if value is not None else date.today(), what)
        if day < self.start_date:
            msg = message(
                "campaign.before_start",
                what=what,
                day=day.isoformat(),
                start=self.start_date.isoformat(),
            )
            raise InputError(msg, column=what, value=None)
        return day

    def _stamp(self) -> dict[str, str]:
        return {"recorded_at": _now(), "recorded_by": self.by}

    def _group(self, conn: Connection, group: str) -> str:
        gid = V.text(group, "group")
        if (
            conn.execute(
                sa.select(GROUPS.c.group_id).where(self._where(GROUPS), GROUPS.c.group_id == gid)
            ).first()
            is None
        ):
            known = conn.execute(sa.select(GROUPS.c.group_id).where(self._where(GROUPS))).scalars()
            msg = message("campaign.unknown_group", gid=gid, groups=", ".join(sorted(known)))
            raise InputError(msg, column="group", value=None)
        return gid

    # ------------------------------------------------------------ state changes

    def _subject(self, conn: Connection, subject_id: str) -> tuple[str, str]:
        """(subject, kind) of a camera code or household id; locks the row on PostgreSQL."""
        sid = V.text(subject_id, "camera or household")
        cam = conn.execute(
            sa.select(CAMERAS.c.role)
            .where(self._where(CAMERAS), CAMERAS.c.code == sid)
            .with_for_update()
        ).first()
        if cam is not None:
            return "camera", str(cam.role)
        home = conn.execute(
            sa.select(HOUSEHOLDS.c.kind)
            .where(self._where(HOUSEHOLDS), HOUSEHOLDS.c.household_id == sid)
            .with_for_update()
        ).first()
        if home is not None:
            return "household", "household"
        codes = (
            conn.execute(
                sa.select(CAMERAS.c.code).where(self._where(CAMERAS)).order_by(CAMERAS.c.code)
            )
            .scalars()
            .all()
        )
        msg = (
            message("campaign.unknown_subject_codes", sid=sid, first=codes[0], last=codes[-1])
            if codes
            else message("campaign.unknown_subject", sid=sid)
        )
        raise InputError(msg)

    def _last(self, conn: Connection, subject: str, sid: str) -> tuple[str, date]:
        row = conn.execute(
            sa.select(EVENTS.c.state, EVENTS.c.event_date)
            .where(self._where(EVENTS), EVENTS.c.subject == subject, EVENTS.c.subject_id == sid)
            .where(EVENTS.c.action != "check_failed")
            .order_by(EVENTS.c.event_id.desc())
            .limit(1)
        ).one()
        return str(row.state), row.event_date

    def _change(
        self, subject_id: str, action: str, state: str | None, day: date | str | None, note: str
    ) -> int:
        when = self._date(day)
        with self._tx() as conn:
            subject, kind = self._subject(conn, subject_id)
            sid = V.text(subject_id, "camera")
            now, last_day = self._last(conn, subject, sid)
            if state is None:  # install: installed or re-aimed, by the camera's role
                state = {"new": "installed", "reaim": "reaimed"}.get(kind, "")
            allowed = _NEXT[kind].get(now, set())
            if state not in allowed:
                nxt = message("campaign.or").join(sorted(allowed)) or message(
                    "campaign.nothing_next"
                )
                what = (
                    message("campaign.kind_camera", kind=kind)
                    if subject == "camera"
                    else message("campaign.household")
                )
                msg = message(
                    "campaign.skips_step", sid=sid, what=what, now=now, to=state or action, nxt=nxt
                )
                raise InputError(msg)
            if when < last_day:
                msg = message("campaign.before_last", when=when, sid=sid, last=last_day)
                raise InputError(msg, column="date", value=None)
            eid = _pk(
                conn.execute(
                    EVENTS.insert().values(
                        campaign_id=self.campaign_id,
                        subject=subject,
                        subject_id=sid,
                        action=action,
                        state=state,
                        event_date=when,
                        note=V.text(note, "note", required=False),
                        **self._stamp(),
                    )
                )
            )
        logger.info("campaign %s: %s %s → %s", self.name, action, sid, state)
        return int(eid)

    def visit(self, subject_id: str, *, date: date | str | None = None, note: str = "") -> int:
        """Record a visit to a camera's owner or site, or to a household.

        Parameters
        ----------
        subject_id
            A camera code (``N01``, ``R01``, ``K01``) or a household's pseudonymous id.
        date
            The day of the visit (default today; not before the campaign started).
        note
            What was said or seen.

        Returns
        -------
        int
            The event's id.
        """
        return self._change(subject_id, "visit", "visited", date, note)

    def consent(
        self,
        subject_id: str,
        *,
        agreed: bool = True,
        date: date | str | None = None,
        note: str = "",
    ) -> int:
        """Record an owner's or household's answer: agreed or declined.

        Parameters
        ----------
        subject_id
            A camera code or a household's pseudonymous id (visited before).
        agreed
            True for agreed, False for declined.
        date, note
            As for :meth:`visit`.

        Returns
        -------
        int
            The event's id.
        """
        return self._change(subject_id, "consent", "agreed" if agreed else "declined", date, note)

    def install(self, code: str, *, date: date | str | None = None, note: str = "") -> int:
        """Record a new camera installed, or an existing camera re-aimed.

        Parameters
        ----------
        code
            The camera's code (``N…`` installed, ``R…`` re-aimed; agreed before).
        date, note
            As for :meth:`visit`.

        Returns
        -------
        int
            The event's id.
        """
        return self._change(code, "install", None, date, note)

    def verify(
        self,
        code: str,
        *,
        passed: bool = True,
        date: date | str | None = None,
        note: str = "",
    ) -> int:
        """Record a picture check: a pass makes the camera verified, a fail is noted only.

        Parameters
        ----------
        code
            The camera's code (installed, re-aimed, or a kept camera agreed).
        passed
            Whether the picture shows the route well enough.
        date, note
            As for :meth:`visit`.

        Returns
        -------
        int
            The event's id.
        """
        if passed:
            return self._change(code, "verify", "verified", date, note)
        when = self._date(date)
        with self._tx() as conn:
            subject, _ = self._subject(conn, code)
            now, _ = self._last(conn, subject, code)
            eid = _pk(
                conn.execute(
                    EVENTS.insert().values(
                        campaign_id=self.campaign_id,
                        subject=subject,
                        subject_id=code,
                        action="check_failed",
                        state=now,
                        event_date=when,
                        note=V.text(note, "note", required=False),
                        **self._stamp(),
                    )
                )
            )
        return int(eid)

    def import_verifications(self, path: str | os.PathLike[str]) -> int:
        """Record the passes of ``covplan verify`` from its ``*.verifications.csv`` file.

        A row's ``camera_id`` may be a plan code (``N01``) or a survey camera id (``C03``);
        rows of cameras already verified, or not ready for a check, are skipped.

        Parameters
        ----------
        path
            The verification records (``<register>.verifications.csv``).

        Returns
        -------
        int
            How many verifications were recorded.
        """
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        cams = self.cameras()
        code_of = {
            **dict(zip(cams["source_id"], cams["code"], strict=True)),
            **{c: c for c in cams["code"]},
        }
        done = 0
        with self.batch():
            for row in rows:
                code = code_of.get(str(row.get("camera_id", "")))
                state = cams.set_index("code")["state"].get(code) if code else None
                if code is None or state not in {"installed", "reaimed", "agreed"}:
                    continue
                if state == "agreed" and cams.set_index("code").loc[code, "role"] != "keep":
                    continue
                passed = str(row.get("verdict", "")).lower() == "pass"
                when = str(row.get("time", ""))[:10] or None
                self.verify(code, passed=passed, date=when, note="covplan verify")
                done += int(passed)
                cams = self.cameras()
        return done

    # ------------------------------------------------------------ decisions, money, deadlines

    def decide(
        self,
        group: str,
        phase: str,
        *,
        date: date | str,
        method: str,
        households_for: int,
        households_total: int,
        amount_per_household_vnd: int | str,
        minutes_ref: str,
    ) -> int:
        """Record the residents' decision of a group on a phase's contributions.

        Parameters
        ----------
        group
            The residential group's id (``TDP-01``).
        phase
            ``pilot``, ``phase_1`` or ``phase_2``.
        date
            The day of the meeting or ballot.
        method
            ``meeting`` or ``ballot``.
        households_for, households_total
            How many households voted for, of how many in the group.
        amount_per_household_vnd
            The agreed contribution per household, whole VND.
        minutes_ref
            The reference of the minutes (biên bản) or ballot record.

        Returns
        -------
        int
            The decision's id.
        """
        ph = V.choice(phase, PHASES, "phase")
        how = V.choice(method, METHODS, "method")
        yes = V.count(households_for, "households_for")
        total = V.count(households_total, "households_total")
        if total == 0 or yes > total:
            msg = message("campaign.households_for", yes=yes, total=total)
            raise InputError(msg, column="households_for")
        amount = V.amount_vnd(amount_per_household_vnd, "amount_per_household_vnd", zero_ok=True)
        ref = V.text(minutes_ref, "minutes_ref")
        when = self._date(date)
        with self._tx() as conn:
            gid = self._group(conn, group)
            did = _pk(
                conn.execute(
                    DECISIONS.insert().values(
                        campaign_id=self.campaign_id,
                        group_id=gid,
                        phase=ph,
                        decided_on=when,
                        method=how,
                        households_for=yes,
                        households_total=total,
                        amount_per_household_vnd=amount,
                        minutes_ref=ref,
                        **self._stamp(),
                    )
                )
            )
        return int(did)

    def _decision(self, conn: Connection, gid: str, phase: str | None, when: date) -> int:
        q = sa.select(DECISIONS).where(self._where(DECISIONS), DECISIONS.c.group_id == gid)
        if phase is not None:
            q = q.where(DECISIONS.c.phase == V.choice(phase, PHASES, "phase"))
        rows = conn.execute(q.order_by(DECISIONS.c.decision_id)).all()
        if not rows:
            self._group(conn, gid)  # an unknown group says so
        adopted = [r for r in rows if 2 * r.households_for > r.households_total]
        if not adopted:
            what = message("campaign.group_word", gid=gid) + (f" {phase}" if phase else "")
            why = message("campaign.none_adopted" if rows else "campaign.none_recorded")
            msg = message("campaign.no_decision", what=what, why=why)
            raise InputError(msg, column="group", value=None)
        dec = adopted[-1]
        if when < dec.decided_on:
            msg = message("campaign.before_decision", when=when, decided=dec.decided_on)
            raise InputError(msg, column="date", value=None)
        return int(dec.decision_id)

    def contribute(
        self,
        group: str,
        amount_vnd: int | str,
        receipt_no: str,
        *,
        date: date | str | None = None,
        household: str | None = None,
        payer_kind: str = "household",
        collector: str | None = None,
        phase: str | None = None,
        note: str = "",
    ) -> int:
        """Record a contribution, against the group's residents' decision.

        Parameters
        ----------
        group
            The residential group's id.
        amount_vnd
            Whole VND, positive (an int, or digits such as ``"200.000"``).
        receipt_no
            The receipt's number, unique in the campaign.
        date
            The day it was paid (default today).
        household
            The payer's pseudonymous id, if known.
        payer_kind
            ``household``, ``business``, ``agency``, ``school`` or ``other``.
        collector
            Who collected it (default: who records).
        phase
            The decision's phase (default: the group's latest adopted decision).
        note
            Anything else.

        Returns
        -------
        int
            The entry's id.
        """
        amount = V.amount_vnd(amount_vnd, "amount")
        receipt = V.text(receipt_no, "receipt")
        kind = V.choice(payer_kind, PAYER_KINDS, "payer_kind")
        when = self._date(date)
        with self._tx() as conn:
            gid = V.text(group, "group")
            decision = self._decision(conn, gid, phase, when)
            home = self._household(conn, household)
            dup = conn.execute(
                sa.select(MONEY.c.entry_id).where(self._where(MONEY), MONEY.c.receipt_no == receipt)
            ).first()
            if dup is not None:
                msg = message("campaign.receipt_taken", receipt=receipt, entry=dup.entry_id)
                raise InputError(msg, column="receipt", value=None)
            eid = self._insert_money(
                conn,
                {
                    "kind": "contribution",
                    "group_id": gid,
                    "amount_vnd": amount,
                    "entry_date": when,
                    "receipt_no": receipt,
                    "household_id": home,
                    "payer_kind": kind,
                    "collector": V.text(collector, "collector", required=False) or self.by,
                    "decision_id": decision,
                    "note": V.text(note, "note", required=False),
                },
            )
        return eid

    def _household(self, conn: Connection, household: str | None) -> str | None:
        if not household:
            return None
        hid = V.text(household, "household")
        found = conn.execute(
            sa.select(HOUSEHOLDS.c.household_id).where(
                self._where(HOUSEHOLDS), HOUSEHOLDS.c.household_id == hid
            )
        ).first()
        if found is None:
            msg = message("campaign.unknown_household", hid=hid)
            raise InputError(msg, column="household", value=None)
        return hid

    def _insert_money(self, conn: Connection, values: dict[str, Any]) -> int:
        try:  # a failed insert aborts the command's whole transaction: nothing half-written
            eid = _pk(
                conn.execute(
                    MONEY.insert().values(campaign_id=self.campaign_id, **values, **self._stamp())
                )
            )
        except sa.exc.IntegrityError as err:
            text = str(err.orig)
            what = "receipt" if "receipt" in text else "invoice" if "invoice" in text else "entry"
            msg = message("campaign.number_taken", what=message(f"campaign.word.{what}"))
            raise InputError(msg, column=what) from None
        return int(eid)

    def _cameras_of(self, conn: Connection, gid: str, codes: Sequence[str]) -> dict[str, int]:
        rows = conn.execute(
            sa.select(CAMERAS.c.code, CAMERAS.c.group_id, CAMERAS.c.cost_vnd).where(
                self._where(CAMERAS), CAMERAS.c.code.in_(list(codes))
            )
        ).all()
        found = {r.code: r for r in rows}
        for code in codes:
            if code not in found:
                msg = message("campaign.unknown_camera", code=code)
                raise InputError(msg, column="cameras", value=None)
            if found[code].group_id != gid:
                msg = message(
                    "campaign.camera_group", code=code, group=found[code].group_id, gid=gid
                )
                raise InputError(msg, column="cameras", value=None)
        return {c: int(found[c].cost_vnd) for c in codes}

    def spend(
        self,
        group: str,
        amount_vnd: int | str,
        supplier: str,
        invoice_no: str,
        *,
        purpose: str = "camera",
        cameras: Iterable[str] = (),
        date: date | str | None = None,
        note: str = "",
    ) -> int:
        """Record spending: an invoice paid from a group's contributions.

        Parameters
        ----------
        group
            The residential group's id.
        amount_vnd
            Whole VND, positive.
        supplier, invoice_no
            Who was paid, and the invoice's number (unique per supplier and group).
        purpose
            What it paid for: one of :data:`PURPOSES`.
        cameras
            The plan's camera codes it paid for; the amount is shared among them in
            proportion to their planned cost (whole VND, nothing lost).
        date
            The invoice's day (default today).
        note
            Anything else.

        Returns
        -------
        int
            The entry's id.
        """
        amount = V.amount_vnd(amount_vnd, "amount")
        what = V.choice(purpose, PURPOSES, "purpose")
        who = V.text(supplier, "supplier")
        invoice = V.text(invoice_no, "invoice")
        codes = list(dict.fromkeys(V.text(c, "cameras") for c in cameras))
        when = self._date(date)
        with self._tx() as conn:
            gid = self._group(conn, group)
            costs = self._cameras_of(conn, gid, codes)
            eid = self._insert_money(
                conn,
                {
                    "kind": "spending",
                    "group_id": gid,
                    "amount_vnd": amount,
                    "entry_date": when,
                    "supplier": who,
                    "invoice_no": invoice,
                    "purpose": what,
                    "note": V.text(note, "note", required=False),
                },
            )
            shares = _share(amount, costs)
            if shares:
                conn.execute(
                    ALLOCATIONS.insert(),
                    [
                        {
                            "campaign_id": self.campaign_id,
                            "entry_id": eid,
                            "code": c,
                            "amount_vnd": v,
                        }
                        for c, v in shares.items()
                    ],
                )
        return eid

    def reverse(self, entry_id: int, *, reason: str, date: date | str | None = None) -> int:
        """Correct a mistaken entry by a reversing entry that cites it (never by editing).

        Parameters
        ----------
        entry_id
            The entry to reverse (a contribution or spending, not yet reversed).
        reason
            Why (kept in the entry's note).
        date
            The day of the correction (default today).

        Returns
        -------
        int
            The reversing entry's id.
        """
        why = V.text(reason, "reason")
        when = self._date(date)
        with self._tx() as conn:
            old = conn.execute(
                sa.select(MONEY).where(self._where(MONEY), MONEY.c.entry_id == int(entry_id))
            ).first()
            if old is None or old.reverses is not None:
                msg = message("campaign.not_entry", entry=entry_id)
                raise InputError(msg, column="entry", value=None)
            done = conn.execute(
                sa.select(MONEY.c.entry_id).where(MONEY.c.reverses == old.entry_id)
            ).first()
            if done is not None:
                msg = message("campaign.already_reversed", entry=entry_id, by=done.entry_id)
                raise InputError(msg, column="entry", value=None)
            keep = (
                "kind",
                "group_id",
                "household_id",
                "payer_kind",
                "collector",
                "decision_id",
                "supplier",
                "purpose",
            )
            eid = self._insert_money(
                conn,
                {
                    **{k: getattr(old, k) for k in keep},
                    "amount_vnd": -int(old.amount_vnd),
                    "entry_date": when,
                    "reverses": int(old.entry_id),
                    "note": why,
                },
            )
            allocs = conn.execute(
                sa.select(ALLOCATIONS.c.code, ALLOCATIONS.c.amount_vnd).where(
                    ALLOCATIONS.c.entry_id == old.entry_id
                )
            ).all()
            if allocs:
                conn.execute(
                    ALLOCATIONS.insert(),
                    [
                        {
                            "campaign_id": self.campaign_id,
                            "entry_id": eid,
                            "code": a.code,
                            "amount_vnd": -int(a.amount_vnd),
                        }
                        for a in allocs
                    ],
                )
        return eid

    def set_deadline(self, group: str, phase: str, due: date | str, *, note: str = "") -> int:
        """Set a group's deadline for a phase (a new entry; the newest one counts).

        Parameters
        ----------
        group
            The residential group's id.
        phase
            ``pilot``, ``phase_1`` or ``phase_2``.
        due
            The new due date.
        note
            Why it changed.

        Returns
        -------
        int
            The deadline entry's id.
        """
        ph = V.choice(phase, PHASES, "phase")
        when = self._date(due, "due")
        with self._tx() as conn:
            gid = self._group(conn, group)
            did = _pk(
                conn.execute(
                    DEADLINES.insert().values(
                        campaign_id=self.campaign_id,
                        group_id=gid,
                        phase=ph,
                        due_date=when,
                        note=V.text(note, "note", required=False),
                        **self._stamp(),
                    )
                )
            )
        return int(did)

    # ------------------------------------------------------------ tables

    def _frame(self, query: sa.Select[Any]) -> pd.DataFrame:
        if self._conn is not None:
            result = self._conn.execute(query)
            return pd.DataFrame(result.all(), columns=list(result.keys()), dtype=object)
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.all(), columns=list(result.keys()), dtype=object)

    def _states(self, subject: str) -> pd.DataFrame:
        ev = self.events()
        ev = ev[(ev["subject"] == subject) & (ev["action"] != "check_failed")]
        last = ev.groupby("subject_id", sort=False).tail(1)
        return last.set_index("subject_id")[["state", "event_date"]]

    def groups(self) -> pd.DataFrame:
        """Return the campaign's residential groups: ``group_id``, ``name``."""
        return self._frame(
            sa.select(GROUPS.c.group_id, GROUPS.c.name)
            .where(self._where(GROUPS))
            .order_by(GROUPS.c.group_id)
        )

    def routes(self) -> pd.DataFrame:
        """Return the planned routes: ``route_id``, ``name``, ``group_id``, ``phase``."""
        cols = [c for c in ROUTES.c if c.name != "campaign_id"]
        return self._frame(sa.select(*cols).where(self._where(ROUTES)).order_by(ROUTES.c.route_id))

    def cameras(self) -> pd.DataFrame:
        """Return every camera of the plan with its current ``state`` and the day it changed."""
        cols = [c for c in CAMERAS.c if c.name != "campaign_id"]
        cams = self._frame(sa.select(*cols).where(self._where(CAMERAS)).order_by(CAMERAS.c.code))
        states = self._states("camera")
        cams["state"] = cams["code"].map(states["state"])
        cams["since"] = cams["code"].map(states["event_date"])
        return cams

    def households(self) -> pd.DataFrame:
        """Return the households to visit (pseudonymous ids, no contacts) with their ``state``."""
        cols = [c for c in HOUSEHOLDS.c if c.name != "campaign_id"]
        homes = self._frame(
            sa.select(*cols).where(self._where(HOUSEHOLDS)).order_by(HOUSEHOLDS.c.household_id)
        )
        homes["state"] = homes["household_id"].map(self._states("household")["state"])
        return homes

    def contacts(self) -> pd.DataFrame:
        """Return the private part: names, phones, addresses (never in a default report)."""
        cols = [c for c in CONTACTS.c if c.name != "campaign_id"]
        return self._frame(sa.select(*cols).where(self._where(CONTACTS)))

    def events(self) -> pd.DataFrame:
        """Return every state change, in the order recorded."""
        cols = [c for c in EVENTS.c if c.name != "campaign_id"]
        return self._frame(sa.select(*cols).where(self._where(EVENTS)).order_by(EVENTS.c.event_id))

    def decisions(self) -> pd.DataFrame:
        """Return the residents' decisions, with ``adopted`` (a majority for)."""
        cols = [c for c in DECISIONS.c if c.name != "campaign_id"]
        out = self._frame(
            sa.select(*cols).where(self._where(DECISIONS)).order_by(DECISIONS.c.decision_id)
        )
        out["adopted"] = 2 * out["households_for"] > out["households_total"]
        return out

    def entries(self) -> pd.DataFrame:
        """Return every money entry, in the order recorded (amounts as Python ints)."""
        cols = [c for c in MONEY.c if c.name != "campaign_id"]
        out = self._frame(sa.select(*cols).where(self._where(MONEY)).order_by(MONEY.c.entry_id))
        out["amount_vnd"] = [int(a) for a in out["amount_vnd"]]
        return out

    def allocations(self) -> pd.DataFrame:
        """Return which cameras each spending paid for: ``entry_id``, ``code``, ``amount_vnd``."""
        cols = [ALLOCATIONS.c.entry_id, ALLOCATIONS.c.code, ALLOCATIONS.c.amount_vnd]
        return self._frame(
            sa.select(*cols).where(self._where(ALLOCATIONS)).order_by(ALLOCATIONS.c.allocation_id)
        )

    def deadlines(self) -> pd.DataFrame:
        """Return the deadline in force per group and phase (the newest entry)."""
        cols = [c for c in DEADLINES.c if c.name != "campaign_id"]
        out = self._frame(
            sa.select(*cols).where(self._where(DEADLINES)).order_by(DEADLINES.c.deadline_id)
        )
        return out.groupby(["group_id", "phase"], sort=True).tail(1).reset_index(drop=True)

    def balances(self) -> pd.DataFrame:
        """Contributed, spent and balance per group, summed in the database on every call.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``group_id`` (every group, zeros included): ``contributed_vnd``,
            ``spent_vnd``, ``balance_vnd``, Python ints.
        """
        q = (
            sa.select(MONEY.c.group_id, MONEY.c.kind, sa.func.sum(MONEY.c.amount_vnd).label("s"))
            .where(self._where(MONEY))
            .group_by(MONEY.c.group_id, MONEY.c.kind)
        )
        sums = self._frame(q)
        out = pd.DataFrame(index=pd.Index(self.groups()["group_id"], name="group_id"))
        for kind, col in (("contribution", "contributed_vnd"), ("spending", "spent_vnd")):
            part = sums[sums["kind"] == kind].set_index("group_id")["s"]
            out[col] = [int(part.get(g, 0) or 0) for g in out.index]
        out["balance_vnd"] = [
            int(c - s) for c, s in zip(out["contributed_vnd"], out["spent_vnd"], strict=True)
        ]
        return out.astype(object)


def _share(amount: int, costs: dict[str, int]) -> dict[str, int]:
    """Share whole VND among cameras in proportion to their cost (largest remainders)."""
    if not costs:
        return {}
    weights = {c: v if sum(costs.values()) > 0 else 1 for c, v in costs.items()}
    total = sum(weights.values())
    exact = {c: amount * w for c, w in weights.items()}
    out = {c: e // total for c, e in exact.items()}
    left = amount - sum(out.values())
    for c in sorted(exact, key=lambda c: -(exact[c] % total))[:left]:
        out[c] += 1
    return out
