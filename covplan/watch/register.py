"""The access register: who may watch which camera, how each camera is reached, its health.

Kept in the campaign register's database (SQLite or PostgreSQL, :mod:`covplan.campaign`),
in tables of its own, created by :func:`ensure_schema` (versioned in ``watch_schema``):

- ``watch_officers`` — officer id, role (``chi_huy``, ``cskv``, ``trinh_sat``), unit and
  the officer's stream-server password *hash* (argon2id); no name, no phone;
- ``watch_officer_contacts`` — the private part: name and phone (E.164). No export,
  page or log reads it but the officer's own sheet;
- ``watch_grants`` — append-only: grant, revoke or check of an officer's access to a
  camera (by code) or a whole residential group, with its date;
- ``watch_reach`` — how each camera is reached: the vendor's cloud app and the device's
  serial/P2P id, or a stream through the ward's own server (a credential-free URL), and
  the days of footage it keeps;
- ``watch_health`` — append-only: every stream check (class, reason, seconds);
- ``watch_references`` — append-only: the reference frame of a camera (PNG), stored when
  it is first verified; the newest wins.

Append-only tables refuse UPDATE and DELETE with triggers, as the campaign's do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import cv2
import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from covplan._errors import InputError
from covplan._redact import redact_url
from covplan.campaign import open_register
from covplan.campaign.schema import (
    BIGINT,
    CAMERAS,
    CAMPAIGN,
    GROUPS,
    append_only_triggers,
    campaign_id_column,
    stamp_columns,
)
from covplan.check.urls import normalise_userinfo
from covplan.vocab.watch import APP_NAMES

__all__ = [
    "APPS",
    "METHODS",
    "ROLES",
    "WATCH_APPEND_ONLY",
    "AccessRegister",
    "ensure_schema",
    "open_access",
]

logger = logging.getLogger(__name__)

#: Officer roles: the ward police commander, area officers, investigators.
ROLES: tuple[str, ...] = ("chi_huy", "cskv", "trinh_sat")
#: How a camera is reached: the vendor's cloud app, or the ward's own stream server.
METHODS: tuple[str, ...] = ("cloud", "server")
#: Vendor apps an officer adds a camera to (by its serial / P2P id).
APPS: dict[str, str] = dict(APP_NAMES)

WATCH_METADATA = sa.MetaData()
# copies of the campaign tables referred to, so that foreign keys resolve
for _table in (CAMPAIGN, GROUPS, CAMERAS):
    _table.to_metadata(WATCH_METADATA)
SCHEMA = sa.Table(
    "watch_schema",
    WATCH_METADATA,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)
OFFICERS = sa.Table(
    "watch_officers",
    WATCH_METADATA,
    campaign_id_column(),
    sa.Column("officer_id", sa.String(60), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("unit", sa.String(200), nullable=False, default=""),
    sa.Column("pass_hash", sa.String(300), nullable=True),
    *stamp_columns(),
    sa.PrimaryKeyConstraint("campaign_id", "officer_id"),
    sa.CheckConstraint("role IN ('chi_huy', 'cskv', 'trinh_sat')", name="watch_officer_role"),
)
CONTACTS = sa.Table(
    "watch_officer_contacts",
    WATCH_METADATA,
    campaign_id_column(),
    sa.Column("officer_id", sa.String(60), nullable=False),
    sa.Column("name", sa.String(300), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.PrimaryKeyConstraint("campaign_id", "officer_id"),
    sa.ForeignKeyConstraint(
        ["campaign_id", "officer_id"], ["watch_officers.campaign_id", "watch_officers.officer_id"]
    ),
)
GRANTS = sa.Table(
    "watch_grants",
    WATCH_METADATA,
    sa.Column("grant_id", BIGINT, primary_key=True, autoincrement=True),
    campaign_id_column(),
    sa.Column("officer_id", sa.String(60), nullable=False),
    sa.Column("scope", sa.String(10), nullable=False),  # camera, group
    sa.Column("target", sa.String(100), nullable=False),  # camera code or group id
    sa.Column("action", sa.String(10), nullable=False),  # grant, revoke, check
    sa.Column("event_date", sa.Date, nullable=False),
    *stamp_columns(),
    sa.ForeignKeyConstraint(
        ["campaign_id", "officer_id"], ["watch_officers.campaign_id", "watch_officers.officer_id"]
    ),
    sa.CheckConstraint("scope IN ('camera', 'group')", name="watch_grant_scope"),
    sa.CheckConstraint("action IN ('grant', 'revoke', 'check')", name="watch_grant_action"),
)
REACH = sa.Table(
    "watch_reach",
    WATCH_METADATA,
    campaign_id_column(),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("app", sa.String(40), nullable=True),
    sa.Column("device_id", sa.String(100), nullable=True),
    sa.Column("stream_url", sa.String(1000), nullable=True),  # credential-free
    sa.Column("retention_days", sa.Integer, nullable=True),
    *stamp_columns(),
    sa.PrimaryKeyConstraint("campaign_id", "code"),
    sa.ForeignKeyConstraint(["campaign_id", "code"], ["cameras.campaign_id", "cameras.code"]),
    sa.CheckConstraint("method IN ('cloud', 'server')", name="watch_reach_method"),
)
HEALTH = sa.Table(
    "watch_health",
    WATCH_METADATA,
    sa.Column("check_id", BIGINT, primary_key=True, autoincrement=True),
    campaign_id_column(),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("checked_at", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("frames", sa.Integer, nullable=False),
    sa.Column("source", sa.String(1000), nullable=False),  # redacted
    *stamp_columns(),
    sa.ForeignKeyConstraint(["campaign_id", "code"], ["cameras.campaign_id", "cameras.code"]),
)
REFERENCES = sa.Table(
    "watch_references",
    WATCH_METADATA,
    sa.Column("reference_id", BIGINT, primary_key=True, autoincrement=True),
    campaign_id_column(),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("png", sa.LargeBinary, nullable=False),
    sa.Column("check_id", BIGINT, sa.ForeignKey("watch_health.check_id"), nullable=True),
    *stamp_columns(),
    sa.ForeignKeyConstraint(["campaign_id", "code"], ["cameras.campaign_id", "cameras.code"]),
)

#: Tables whose rows are never changed nor removed.
WATCH_APPEND_ONLY: tuple[str, ...] = ("watch_grants", "watch_health", "watch_references")
_OWN = (SCHEMA, OFFICERS, CONTACTS, GRANTS, REACH, HEALTH, REFERENCES)
_VERSION = 1


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as plain dicts (column name → value)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ensure_schema(engine: Engine) -> int:
    """Create the access register's tables in a campaign register's database, once.

    Parameters
    ----------
    engine
        The campaign register's engine (:func:`covplan.campaign.connect`).

    Returns
    -------
    int
        The access register's schema version.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(14015)")
        SCHEMA.create(conn, checkfirst=True)
        done = conn.execute(sa.select(SCHEMA.c.version).where(SCHEMA.c.version == _VERSION))
        if done.first() is None:
            WATCH_METADATA.create_all(conn, tables=list(_OWN[1:]))
            append_only_triggers(conn, WATCH_APPEND_ONLY)
            conn.execute(SCHEMA.insert().values(version=_VERSION, applied_at=_now()))
            logger.info("access register: tables created (version %d)", _VERSION)
    return _VERSION


@dataclass(frozen=True)
class Reach:
    """How one camera is reached.

    Attributes
    ----------
    code
        The camera's code in the plan (``N01``, ``R01``, ``K01``).
    method
        ``"cloud"`` (the vendor's app) or ``"server"`` (the ward's stream server).
    app, device_id
        The vendor's app and the device's serial or P2P id (cloud cameras).
    stream_url
        The camera's credential-free RTSP/HTTP URL (server cameras).
    retention_days
        Days of footage the camera (or the server, for it) keeps.
    """

    code: str
    method: str
    app: str | None = None
    device_id: str | None = None
    stream_url: str | None = None
    retention_days: int | None = None


def _clean_url(url: str | None, code: str) -> str | None:
    if not url:
        return None
    text = normalise_userinfo(str(url).strip())
    if redact_url(text) != text:
        msg = (
            f"camera {code}: the stream URL {redact_url(url)} holds a password; store the URL "
            f"without it and set COVPLAN_CAMERA_PASSWORD_{code.upper()} (or the keyring) instead"
        )
        raise InputError(msg, column="stream_url", value=redact_url(url))
    return text


class AccessRegister:
    """The access register of one campaign (see the module's description).

    Parameters
    ----------
    engine
        The campaign register's engine.
    campaign_id
        The campaign's id.
    by
        Who records (stored with every entry).
    """

    def __init__(self, engine: Engine, campaign_id: int, *, by: str) -> None:
        self.engine = engine
        self.campaign_id = campaign_id
        self.by = by
        ensure_schema(engine)

    # -------------------------------------------------------------- helpers

    def _stamp(self) -> dict[str, str]:
        return {"recorded_at": _now(), "recorded_by": self.by}

    def _where(self, table: sa.Table) -> sa.ColumnElement[bool]:
        return table.c.campaign_id == self.campaign_id

    def _frame(self, query: sa.Select[Any]) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def cameras(self) -> pd.DataFrame:
        """Return the plan's cameras: code, role, group_id, route_id, lat, lon."""
        c = CAMERAS.c
        q = sa.select(c.code, c.role, c.group_id, c.route_id, c.lat, c.lon).where(
            c.campaign_id == self.campaign_id
        )
        return self._frame(q.order_by(c.code))

    def _codes_and_groups(self) -> tuple[set[str], set[str]]:
        cams = self.cameras()
        return set(cams["code"]), set(cams["group_id"])

    # -------------------------------------------------------------- officers

    def add_officer(
        self,
        officer_id: str,
        *,
        role: str,
        unit: str = "",
        name: str | None = None,
        phone: str | None = None,
        pass_hash: str | None = None,
    ) -> None:
        """Add an officer, or update their role, unit, contact and password hash.

        Parameters
        ----------
        officer_id
            A short id, also the officer's user name on the stream server (``cskv-01``).
        role
            ``chi_huy``, ``cskv`` or ``trinh_sat``.
        unit
            The officer's unit (``Công an phường …``).
        name, phone
            Private: the officer's name and phone (E.164).
        pass_hash
            The stream-server password as an argon2id hash (never the password itself).
        """
        if role not in ROLES:
            msg = f"officer {officer_id}: role {role!r} unknown; use one of {', '.join(ROLES)}"
            raise InputError(msg, column="role", value=role)
        o, k = OFFICERS.c, CONTACTS.c
        with self.engine.begin() as conn:
            key = (o.campaign_id == self.campaign_id) & (o.officer_id == officer_id)
            old = conn.execute(sa.select(o.pass_hash).where(key)).first()
            values = {"role": role, "unit": unit or "", **self._stamp()}
            if pass_hash:
                values["pass_hash"] = pass_hash
            if old is None:
                conn.execute(
                    OFFICERS.insert().values(
                        campaign_id=self.campaign_id, officer_id=officer_id, **values
                    )
                )
                conn.execute(
                    CONTACTS.insert().values(
                        campaign_id=self.campaign_id, officer_id=officer_id, name=name, phone=phone
                    )
                )
            else:
                conn.execute(OFFICERS.update().where(key).values(**values))
                ckey = (k.campaign_id == self.campaign_id) & (k.officer_id == officer_id)
                given = {f: v for f, v in (("name", name), ("phone", phone)) if v is not None}
                if given:  # None keeps what is recorded
                    conn.execute(CONTACTS.update().where(ckey).values(**given))

    def officers(self) -> pd.DataFrame:
        """Officers without personal data: officer_id, role, unit, has_password."""
        o = OFFICERS.c
        q = sa.select(o.officer_id, o.role, o.unit, o.pass_hash.is_not(None).label("has_password"))
        return self._frame(q.where(self._where(OFFICERS)).order_by(o.officer_id))

    def password_hashes(self) -> dict[str, str]:
        """Officer id → stored argon2id hash (for the stream server's configuration)."""
        o = OFFICERS.c
        frame = self._frame(sa.select(o.officer_id, o.pass_hash).where(self._where(OFFICERS)))
        return {
            str(r["officer_id"]): str(r["pass_hash"]) for r in _records(frame) if r["pass_hash"]
        }

    def contacts(self) -> pd.DataFrame:
        """Return the private part (officer_id, name, phone): for the officers' own sheets."""
        k = CONTACTS.c
        q = sa.select(k.officer_id, k.name, k.phone).where(self._where(CONTACTS))
        return self._frame(q.order_by(k.officer_id))

    # -------------------------------------------------------------- grants

    def _grant_event(
        self,
        officer_id: str,
        action: str,
        cameras: Iterable[str],
        groups: Iterable[str],
        when: date | None,
    ) -> int:
        codes, group_ids = self._codes_and_groups()
        rows = [("camera", str(c)) for c in cameras] + [("group", str(g)) for g in groups]
        with self.engine.begin() as conn:
            o = OFFICERS.c
            known = conn.execute(
                sa.select(o.officer_id).where(
                    (o.campaign_id == self.campaign_id) & (o.officer_id == officer_id)
                )
            ).first()
            if known is None:
                msg = f"officer {officer_id} is not in the access register; add them first"
                raise InputError(msg, column="officer_id", value=officer_id)
            for scope, target in rows:
                pool = codes if scope == "camera" else group_ids
                if target not in pool:
                    what = "camera code" if scope == "camera" else "group id"
                    msg = (
                        f"{what} {target!r} is not in the plan; use one of "
                        f"{', '.join(sorted(pool)[:8])}…"
                    )
                    raise InputError(msg, column="cameras" if scope == "camera" else "groups")
                conn.execute(
                    GRANTS.insert().values(
                        campaign_id=self.campaign_id,
                        officer_id=officer_id,
                        scope=scope,
                        target=target,
                        action=action,
                        event_date=when or date.today(),
                        **self._stamp(),
                    )
                )
        return len(rows)

    def grant(
        self,
        officer_id: str,
        *,
        cameras: Iterable[str] = (),
        groups: Iterable[str] = (),
        on: date | None = None,
    ) -> int:
        """Let an officer watch cameras (by code) or every camera of residential groups.

        Returns
        -------
        int
            The number of entries recorded.
        """
        return self._grant_event(officer_id, "grant", cameras, groups, on)

    def revoke(
        self,
        officer_id: str,
        *,
        cameras: Iterable[str] = (),
        groups: Iterable[str] = (),
        on: date | None = None,
    ) -> int:
        """Withdraw an officer's access to cameras or groups (a new entry; history is kept).

        Returns
        -------
        int
            The number of entries recorded.
        """
        return self._grant_event(officer_id, "revoke", cameras, groups, on)

    def check(self, officer_id: str, *, on: date | None = None) -> int:
        """Record that an officer's current access was checked (still needed, still works).

        Returns
        -------
        int
            The number of entries recorded (one per current grant).
        """
        current = self._grants()
        mine = current[current["officer_id"] == officer_id]
        cams = mine.loc[mine["scope"] == "camera", "target"]
        groups = mine.loc[mine["scope"] == "group", "target"]
        return self._grant_event(officer_id, "check", cams, groups, on)

    def _grants(self) -> pd.DataFrame:
        """Return the current grants: officer_id, scope, target, granted_on, checked_on."""
        g = GRANTS.c
        events = self._frame(
            sa.select(g.grant_id, g.officer_id, g.scope, g.target, g.action, g.event_date)
            .where(self._where(GRANTS))
            .order_by(g.grant_id)
        )
        cols = ["officer_id", "scope", "target", "granted_on", "checked_on"]
        if events.empty:
            return pd.DataFrame(columns=cols)
        rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        for e in _records(events):
            key = (str(e["officer_id"]), str(e["scope"]), str(e["target"]))
            if e["action"] == "grant":
                rows[key] = {"granted_on": e["event_date"], "checked_on": e["event_date"]}
            elif e["action"] == "revoke":
                rows.pop(key, None)
            elif key in rows:
                rows[key]["checked_on"] = e["event_date"]
        out = [{"officer_id": k[0], "scope": k[1], "target": k[2], **v} for k, v in rows.items()]
        return pd.DataFrame(out, columns=cols)

    def access(self) -> pd.DataFrame:
        """Who may watch which camera now: one row per officer and camera.

        Returns
        -------
        pandas.DataFrame
            ``officer_id``, ``code``, ``via`` (``"camera"`` or the group id that grants
            it), ``granted_on``, ``checked_on``; sorted by officer and code.
        """
        grants = self._grants()
        cams = self.cameras()
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for g in grants.itertuples():
            if g.scope == "camera":
                codes = [g.target]
                via = "camera"
            else:
                codes = list(cams.loc[cams["group_id"] == g.target, "code"])
                via = str(g.target)
            for code in codes:
                key = (str(g.officer_id), str(code))
                if key not in rows or via == "camera":
                    rows[key] = {"via": via, "granted_on": g.granted_on, "checked_on": g.checked_on}
        out = [{"officer_id": k[0], "code": k[1], **v} for k, v in sorted(rows.items())]
        return pd.DataFrame(out, columns=["officer_id", "code", "via", "granted_on", "checked_on"])

    def group_grants(self) -> pd.DataFrame:
        """Officers granted whole groups (the officers in charge): officer_id, group_id, role."""
        grants = self._grants()
        groups = grants[grants["scope"] == "group"].rename(columns={"target": "group_id"})
        roles = self.officers().set_index("officer_id")["role"]
        groups = groups.assign(role=groups["officer_id"].map(roles))
        return groups[["officer_id", "group_id", "role"]].reset_index(drop=True)

    # -------------------------------------------------------------- reach

    def set_reach(self, reach: Reach) -> None:
        """Record (or replace) how a camera is reached.

        Parameters
        ----------
        reach
            The camera's reach; a stream URL holding a password is refused.
        """
        codes, _ = self._codes_and_groups()
        if reach.code not in codes:
            msg = f"camera code {reach.code!r} is not in the plan; use a code of the install list"
            raise InputError(msg, column="code", value=reach.code)
        if reach.method not in METHODS:
            msg = f"camera {reach.code}: method {reach.method!r} unknown; use cloud or server"
            raise InputError(msg, column="method", value=reach.method)
        url = _clean_url(reach.stream_url, reach.code)
        if reach.method == "server" and not url:
            msg = f"camera {reach.code}: a camera on the ward's server needs its stream URL"
            raise InputError(msg, column="stream_url")
        values = {
            "method": reach.method,
            "app": reach.app,
            "device_id": reach.device_id,
            "stream_url": url,
            "retention_days": reach.retention_days,
            **self._stamp(),
        }
        r = REACH.c
        key = (r.campaign_id == self.campaign_id) & (r.code == reach.code)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(r.code).where(key)).first() is None:
                conn.execute(
                    REACH.insert().values(campaign_id=self.campaign_id, code=reach.code, **values)
                )
            else:
                conn.execute(REACH.update().where(key).values(**values))

    def reach(self) -> pd.DataFrame:
        """How each camera is reached: code, method, app, device_id, stream_url, retention_days."""
        r = REACH.c
        q = sa.select(r.code, r.method, r.app, r.device_id, r.stream_url, r.retention_days)
        return self._frame(q.where(self._where(REACH)).order_by(r.code))

    # -------------------------------------------------------------- health

    def record_health(
        self, code: str, status: str, *, reason: str, seconds: float, frames: int, source: str
    ) -> int:
        """Append one stream check; return its id. ``source`` must already be redacted."""
        with self.engine.begin() as conn:
            result = conn.execute(
                HEALTH.insert().values(
                    campaign_id=self.campaign_id,
                    code=code,
                    checked_at=_now(),
                    status=status,
                    reason=reason,
                    seconds=float(seconds),
                    frames=int(frames),
                    source=redact_url(source),
                    **self._stamp(),
                )
            )
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

    def health(self, *, latest: bool = True) -> pd.DataFrame:
        """Stream checks: code, checked_at, status, reason, seconds, frames, source."""
        h = HEALTH.c
        q = sa.select(
            h.check_id, h.code, h.checked_at, h.status, h.reason, h.seconds, h.frames, h.source
        ).where(self._where(HEALTH))
        frame = self._frame(q.order_by(h.check_id))
        if latest and not frame.empty:
            frame = frame.drop_duplicates("code", keep="last").sort_values("code")
        return frame.reset_index(drop=True)

    def set_reference(self, code: str, frame: np.ndarray, *, check_id: int | None = None) -> None:
        """Store a camera's reference frame (PNG); the newest stored is the one used."""
        ok, png = cv2.imencode(".png", frame)
        if not ok:
            msg = f"camera {code}: the reference frame cannot be encoded as PNG"
            raise InputError(msg)
        with self.engine.begin() as conn:
            conn.execute(
                REFERENCES.insert().values(
                    campaign_id=self.campaign_id,
                    code=code,
                    png=png.tobytes(),
                    check_id=check_id,
                    **self._stamp(),
                )
            )

    def references(self) -> dict[str, np.ndarray]:
        """Return the newest reference frame of every camera that has one (BGR images)."""
        f = REFERENCES.c
        rows = self._frame(
            sa.select(f.code, f.png).where(self._where(REFERENCES)).order_by(f.reference_id)
        )
        out: dict[str, np.ndarray] = {}
        for r in _records(rows):
            img = cv2.imdecode(np.frombuffer(bytes(r["png"]), np.uint8), cv2.IMREAD_COLOR)
            if img is not None:
                out[str(r["code"])] = img
        return out


def open_access(
    db: str, *, campaign: str | None = None, by: str | None = None
) -> tuple[AccessRegister, dict[str, Any]]:
    """Open the access register stored with a campaign register.

    Parameters
    ----------
    db
        The campaign register: a SQLite file path or a ``postgresql://`` URL.
    campaign
        The campaign's name, when the register holds several.
    by
        Who records (default: the login name).

    Returns
    -------
    tuple of (AccessRegister, dict)
        The access register and the campaign's plan summary (retention, ward).
    """
    reg = open_register(db, campaign=campaign, by=by)
    return AccessRegister(reg.engine, reg.campaign_id, by=reg.by), dict(reg.summary)
