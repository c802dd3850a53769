"""The campaign register's tables, its migrations and the connection to SQLite or PostgreSQL.

One register holds one or more campaigns (a ward each). Tables:

- ``schema_version`` — the migrations applied, in order (:data:`MIGRATIONS`).
- ``campaign`` — one row per ward: name, plan folder, start date, the plan's summary.
- ``groups``, ``routes``, ``cameras``, ``households`` — what the plan asks for, written
  once by :func:`covplan.campaign.init_campaign`: residential groups, planned routes
  (group, phase), every camera of the plan (``N01`` new, ``R01`` re-aim, ``K01`` keep)
  and every household or business to visit, by pseudonymous id.
- ``contacts`` — the private part: names, phones and addresses of households. No report
  or default export reads it.
- ``events`` — append-only: every state change of a camera or household (who, when, note).
- ``decisions`` — append-only: the residents' decision per group and phase.
- ``money`` — append-only: contributions and spending, in whole VND (BIGINT); a
  mistake is corrected by a reversing entry that cites the entry it reverses.
- ``allocations`` — append-only: which cameras a spending entry paid for, and how much.
- ``deadlines`` — append-only: the due date per group and phase; the newest entry wins.

Append-only tables refuse UPDATE and DELETE with triggers, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from covplan._errors import InputError
from covplan._redact import redact_url
from covplan.vocab.messages import message

__all__ = [
    "APPEND_ONLY",
    "BIGINT",
    "METADATA",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "append_only_triggers",
    "campaign_id_column",
    "connect",
    "database_url",
    "migrate",
    "schema_version",
    "stamp_columns",
]

logger = logging.getLogger(__name__)

METADATA = sa.MetaData()
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # INTEGER PRIMARY KEY on SQLite


def _id(name: str) -> sa.Column[int]:
    return sa.Column(name, BIGINT, primary_key=True, autoincrement=True)


def campaign_id_column() -> sa.Column[int]:
    """Return a new ``campaign_id`` column (a foreign key to the campaign, indexed)."""
    return sa.Column(
        "campaign_id", BIGINT, sa.ForeignKey("campaign.campaign_id"), nullable=False, index=True
    )


def stamp_columns() -> list[sa.Column[str]]:
    """Return new ``recorded_at`` and ``recorded_by`` columns: who made an entry, and when."""
    return [
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    ]


SCHEMA_TABLE = sa.Table(
    "schema_version",
    METADATA,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

CAMPAIGN = sa.Table(
    "campaign",
    METADATA,
    _id("campaign_id"),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("ward", sa.String(200), nullable=False),
    sa.Column("plan_dir", sa.String(1000), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("summary_json", sa.Text, nullable=False),
    *stamp_columns(),
)

GROUPS = sa.Table(
    "groups",
    METADATA,
    campaign_id_column(),
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.PrimaryKeyConstraint("campaign_id", "group_id"),
)

ROUTES = sa.Table(
    "routes",
    METADATA,
    campaign_id_column(),
    sa.Column("route_id", sa.String(200), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.Column("phase", sa.String(20), nullable=False),
    sa.PrimaryKeyConstraint("campaign_id", "route_id"),
    sa.ForeignKeyConstraint(["campaign_id", "group_id"], ["groups.campaign_id", "groups.group_id"]),
)

CAMERAS = sa.Table(
    "cameras",
    METADATA,
    campaign_id_column(),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),  # new, reaim, keep
    sa.Column("source_id", sa.String(200), nullable=False),  # site id or survey camera id
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.Column("route_id", sa.String(200), nullable=True),
    sa.Column("phase", sa.String(20), nullable=False),
    sa.Column("owner_id", sa.String(100), nullable=True),
    sa.Column("spec_id", sa.String(100), nullable=True),
    sa.Column("cost_vnd", sa.BigInteger, nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.PrimaryKeyConstraint("campaign_id", "code"),
    sa.ForeignKeyConstraint(["campaign_id", "group_id"], ["groups.campaign_id", "groups.group_id"]),
    sa.CheckConstraint("role IN ('new', 'reaim', 'keep')", name="camera_role"),
    sa.CheckConstraint("cost_vnd >= 0", name="camera_cost"),
)

HOUSEHOLDS = sa.Table(
    "households",
    METADATA,
    campaign_id_column(),
    sa.Column("household_id", sa.String(100), nullable=False),  # pseudonymous owner id
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.PrimaryKeyConstraint("campaign_id", "household_id"),
    sa.ForeignKeyConstraint(["campaign_id", "group_id"], ["groups.campaign_id", "groups.group_id"]),
)

CONTACTS = sa.Table(
    "contacts",
    METADATA,
    campaign_id_column(),
    sa.Column("household_id", sa.String(100), nullable=False),
    sa.Column("name", sa.String(300), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("address", sa.String(500), nullable=True),
    sa.PrimaryKeyConstraint("campaign_id", "household_id"),
    sa.ForeignKeyConstraint(
        ["campaign_id", "household_id"], ["households.campaign_id", "households.household_id"]
    ),
)

EVENTS = sa.Table(
    "events",
    METADATA,
    _id("event_id"),
    campaign_id_column(),
    sa.Column("subject", sa.String(10), nullable=False),  # camera, household
    sa.Column("subject_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("event_date", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    *stamp_columns(),
    sa.CheckConstraint("subject IN ('camera', 'household')", name="event_subject"),
)

DECISIONS = sa.Table(
    "decisions",
    METADATA,
    _id("decision_id"),
    campaign_id_column(),
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.Column("phase", sa.String(20), nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("method", sa.String(20), nullable=False),
    sa.Column("households_for", sa.Integer, nullable=False),
    sa.Column("households_total", sa.Integer, nullable=False),
    sa.Column("amount_per_household_vnd", sa.BigInteger, nullable=False),
    sa.Column("minutes_ref", sa.String(200), nullable=False),
    *stamp_columns(),
    sa.ForeignKeyConstraint(["campaign_id", "group_id"], ["groups.campaign_id", "groups.group_id"]),
    sa.CheckConstraint("method IN ('meeting', 'ballot')", name="decision_method"),
    sa.CheckConstraint(
        "households_total > 0 AND households_for >= 0 AND households_for <= households_total",
        name="decision_counts",
    ),
    sa.CheckConstraint("amount_per_household_vnd >= 0", name="decision_amount"),
)

MONEY = sa.Table(
    "money",
    METADATA,
    _id("entry_id"),
    campaign_id_column(),
    sa.Column("kind", sa.String(20), nullable=False),  # contribution, spending
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.Column("amount_vnd", sa.BigInteger, nullable=False),
    sa.Column("entry_date", sa.Date, nullable=False),
    sa.Column("receipt_no", sa.String(100), nullable=True),
    sa.Column("household_id", sa.String(100), nullable=True),
    sa.Column("payer_kind", sa.String(20), nullable=True),
    sa.Column("collector", sa.String(200), nullable=True),
    sa.Column("decision_id", BIGINT, sa.ForeignKey("decisions.decision_id"), nullable=True),
    sa.Column("supplier", sa.String(300), nullable=True),
    sa.Column("invoice_no", sa.String(100), nullable=True),
    sa.Column("purpose", sa.String(30), nullable=True),
    sa.Column("reverses", BIGINT, sa.ForeignKey("money.entry_id"), nullable=True, unique=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    *stamp_columns(),
    sa.ForeignKeyConstraint(["campaign_id", "group_id"], ["groups.campaign_id", "groups.group_id"]),
    sa.UniqueConstraint("campaign_id", "receipt_no", name="receipt_once"),
    sa.UniqueConstraint("campaign_id", "group_id", "supplier", "invoice_no", name="invoice_once"),
    sa.CheckConstraint("kind IN ('contribution', 'spending')", name="money_kind"),
    sa.CheckConstraint(
        "(reverses IS NULL AND amount_vnd > 0) OR (reverses IS NOT NULL AND amount_vnd < 0)",
        name="money_sign",
    ),
)

ALLOCATIONS = sa.Table(
    "allocations",
    METADATA,
    _id("allocation_id"),
    campaign_id_column(),
    sa.Column("entry_id", BIGINT, sa.ForeignKey("money.entry_id"), nullable=False, index=True),
    sa.Column("code", sa.String(20), nullable=False),
    sa.Column("amount_vnd", sa.BigInteger, nullable=False),
    sa.ForeignKeyConstraint(["campaign_id", "code"], ["cameras.campaign_id", "cameras.code"]),
)

DEADLINES = sa.Table(
    "deadlines",
    METADATA,
    _id("deadline_id"),
    campaign_id_column(),
    sa.Column("group_id", sa.String(100), nullable=False),
    sa.Column("phase", sa.String(20), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    *stamp_columns(),
    sa.ForeignKeyConstraint(["campaign_id", "group_id"], ["groups.campaign_id", "groups.group_id"]),
)

#: Tables whose rows are never changed nor removed (triggers refuse UPDATE and DELETE).
APPEND_ONLY: tuple[str, ...] = ("events", "decisions", "money", "allocations", "deadlines")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION covplan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'covplan: % is append-only; correct a mistake with a new entry', TG_TABLE_NAME;
END $$
"""


def _create_tables(conn: Connection) -> None:
    METADATA.create_all(conn, tables=[t for t in METADATA.sorted_tables if t is not SCHEMA_TABLE])


def append_only_triggers(conn: Connection, tables: Sequence[str] = APPEND_ONLY) -> None:
    """Create the triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) on ``tables``.

    The one mechanism behind every append-only table of the database (the campaign's and
    the access register's, :mod:`covplan.watch.register`).

    Parameters
    ----------
    conn
        A connection inside the migration's transaction.
    tables
        The tables, created already.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(_PG_FUNCTION))
        for table in tables:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION covplan_append_only()"
            )
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION covplan_append_only()"
            )
        return
    for table in tables:
        for op in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, 'covplan: {table} is append-only; "
                "correct a mistake with a new entry'); END"
            )


#: Ordered migration steps: (version, description, step). A register is brought up to
#: date by running, in one transaction each, every step newer than its schema_version.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "campaign, plan, households, events, decisions, money, deadlines", _create_tables),
    (
        2,
        "append-only triggers on events, decisions, money, allocations, deadlines",
        append_only_triggers,
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def database_url(db: str | os.PathLike[str]) -> str:
    """Turn a SQLite file path or a ``postgresql://`` URL into a SQLAlchemy URL.

    Parameters
    ----------
    db
        A file path (SQLite, the default), ``sqlite:///…``, or ``postgresql://user@host/db``.

    Returns
    -------
    str
        The URL, with PostgreSQL on the psycopg 3 driver.
    """
    text = os.fspath(db)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if text.startswith(("postgresql+", "sqlite:")):
        return text
    if "://" in text:
        shown = redact_url(text)
        msg = message("campaign.bad_db", shown=shown)
        raise InputError(msg, column="--db")
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_events(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock


def connect(db: str | os.PathLike[str], *, create: bool = False) -> Engine:
    """Open a register's database and bring its schema up to date.

    Parameters
    ----------
    db
        A SQLite file path (foreign keys on, WAL, a 30 s busy timeout) or a
        ``postgresql://`` URL.
    create
        Whether a missing SQLite file may be created; otherwise a missing file is an error.

    Returns
    -------
    sqlalchemy.engine.Engine
        The engine, its schema at :data:`SCHEMA_VERSION`.
    """
    url = database_url(db)
    if url.startswith("sqlite:///") and not create:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            msg = message("campaign.no_register", path=path)
            raise InputError(msg, column="--db")
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        _sqlite_events(engine)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        migrate(engine)
    except sa.exc.OperationalError as err:  # server down, wrong host, file not writable
        first = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
        msg = message("campaign.cannot_open", url=redact_url(url), first=first)
        raise InputError(msg, column="--db") from None
    return engine


def schema_version(engine: Engine) -> int:
    """Return the newest migration applied to a register (0 for an empty database).

    Parameters
    ----------
    engine
        The register's engine.

    Returns
    -------
    int
        The schema version.
    """
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        got = conn.execute(sa.select(sa.func.max(SCHEMA_TABLE.c.version))).scalar()
        return int(got or 0)


def migrate(engine: Engine) -> int:
    """Apply, in order and one transaction each, every migration the register lacks.

    Parameters
    ----------
    engine
        The register's engine.

    Returns
    -------
    int
        The schema version after migrating.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one migrator at a time on a shared server
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(14014)")
        SCHEMA_TABLE.create(conn, checkfirst=True)
    for version, description, step in MIGRATIONS:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(14014)")
            done = conn.execute(
                sa.select(SCHEMA_TABLE.c.version).where(SCHEMA_TABLE.c.version == version)
            ).first()
            if done:
                continue
            step(conn)
            conn.execute(
                SCHEMA_TABLE.insert().values(
                    version=version,
                    description=description,
                    applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
            )
            logger.info("campaign register: migration %d applied (%s)", version, description)
    return SCHEMA_VERSION
