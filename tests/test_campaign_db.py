"""The campaign register on real databases: a SQLite file and a real PostgreSQL server.

Two writer processes at once, a writer killed mid-transaction, append-only triggers,
migrations, and balances that are always the sum of the entries.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from campaign_support import START, new_database, plan_dir, postgres_server  # noqa: F401

from covplan import datasets
from covplan.campaign import SCHEMA_VERSION, init_campaign, open_register, schema_version
from covplan.campaign.schema import connect

pytestmark = pytest.mark.timeout(300)

WRITER = textwrap.dedent(
    """
    import sys, time
    from covplan.campaign import open_register
    db, prefix, n, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    reg = open_register(db, by=f"writer-{prefix}")
    if mode == "hang":  # write inside one transaction, then wait to be killed
        with reg.batch():
            for i in range(n):
                reg.contribute("TDP-02", 1000 + i, f"{prefix}-{i:04d}", date="2026-06-15")
            print("inside", flush=True)
            time.sleep(120)
    else:
        for i in range(n):
            group = ("TDP-01", "TDP-02", "TDP-03")[i % 3]
            reg.contribute(group, 1000 + i, f"{prefix}-{i:04d}", date="2026-06-15")
        print("done", flush=True)
    """
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "campaign.db")
    server = request.getfixturevalue("postgres_server")
    return new_database(server, f"covplan_{tmp_path.name.lower().replace('-', '_')}"[:60])


def _register(db: str, plan_dir: Path):  # noqa: F811
    reg = init_campaign(
        plan_dir, db, survey=datasets.get_path("demo-survey.csv"), start=START, by="tester"
    )
    for group in ("TDP-01", "TDP-02", "TDP-03"):
        reg.decide(
            group,
            "phase_1",
            date="2026-06-10",
            method="meeting",
            households_for=30,
            households_total=40,
            amount_per_household_vnd=200_000,
            minutes_ref=f"BB-{group}",
        )
    return reg


def _writer(db: str, prefix: str, n: int, mode: str = "append") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, db, prefix, str(n), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _sum_check(reg) -> None:  # type: ignore[no-untyped-def]
    """Balances from the register's query equal sums of the entries, done here by hand."""
    entries = reg.entries()
    bal = reg.balances()
    for gid in bal.index:
        mine = entries[entries["group_id"] == gid]
        c = sum(
            int(a)
            for a, k in zip(mine["amount_vnd"], mine["kind"], strict=True)
            if k == "contribution"
        )
        s = sum(
            int(a) for a, k in zip(mine["amount_vnd"], mine["kind"], strict=True) if k == "spending"
        )
        assert (bal.loc[gid, "contributed_vnd"], bal.loc[gid, "spent_vnd"]) == (c, s)
        assert bal.loc[gid, "balance_vnd"] == c - s
        assert all(type(v) is int for v in bal.loc[gid])


def test_two_writers_append_500_entries_each(db: str, plan_dir: Path) -> None:  # noqa: F811
    reg = _register(db, plan_dir)
    writers = [_writer(db, "A", 500), _writer(db, "B", 500)]
    for w in writers:
        out, err = w.communicate(timeout=240)
        assert w.returncode == 0, err
        assert out.strip() == "done"
    entries = reg.entries()
    assert len(entries) == 1000
    assert entries["receipt_no"].nunique() == 1000
    assert set(entries["recorded_by"]) == {"writer-A", "writer-B"}
    # both wrote at once: their entries interleave in the order recorded
    order = "".join(r[0] for r in entries["receipt_no"])
    assert "AB" in order or "BA" in order
    assert sum(entries["amount_vnd"]) == 2 * sum(1000 + i for i in range(500))
    _sum_check(reg)


def test_a_writer_killed_mid_transaction_leaves_the_register_consistent(
    db: str,
    plan_dir: Path,  # noqa: F811
) -> None:
    reg = _register(db, plan_dir)
    reg.contribute("TDP-02", 50_000, "OK-1", date="2026-06-12")
    before = reg.balances()
    w = _writer(db, "K", 50, "hang")
    assert w.stdout is not None
    assert w.stdout.readline().strip() == "inside"  # 50 entries written, not committed
    w.send_signal(signal.SIGKILL)
    w.wait(timeout=30)
    entries = reg.entries()
    assert list(entries["receipt_no"]) == ["OK-1"]
    assert reg.balances().equals(before)
    _sum_check(reg)
    # the lock is gone: the next writer gets through at once
    reg.contribute("TDP-02", 70_000, "OK-2", date="2026-06-13")
    assert int(reg.balances().loc["TDP-02", "contributed_vnd"]) == 120_000
    if db.endswith(".db"):
        with reg.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_append_only_tables_refuse_update_and_delete(db: str, plan_dir: Path) -> None:  # noqa: F811
    reg = _register(db, plan_dir)
    e = reg.contribute("TDP-01", 200_000, "R-1", date="2026-06-11")
    reg.spend("TDP-01", 100_000, "Cty A", "HD-1", cameras=["N01"], date="2026-06-12")
    reg.reverse(e, reason="wrong group", date="2026-06-13")
    columns = {
        "money": "note",
        "events": "note",
        "decisions": "minutes_ref",
        "deadlines": "note",
        "allocations": "code",
    }
    for table, col in columns.items():
        for sql in (f"UPDATE {table} SET {col} = 'x'", f"DELETE FROM {table}"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                with reg.engine.begin() as conn:
                    conn.exec_driver_sql(sql)
    _sum_check(reg)
    assert int(reg.balances().loc["TDP-01", "contributed_vnd"]) == 0
    assert int(reg.balances().loc["TDP-01", "spent_vnd"]) == 100_000


def test_schema_migrations_and_sqlite_settings(tmp_path: Path, plan_dir: Path) -> None:  # noqa: F811
    db = tmp_path / "ward.db"
    reg = _register(str(db), plan_dir)
    assert schema_version(reg.engine) == SCHEMA_VERSION == 2
    with reg.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        versions = conn.exec_driver_sql("SELECT version FROM schema_version").scalars().all()
    assert versions == [1, 2]
    # reopening migrates nothing twice; a copied file is a working backup
    engine = connect(db)
    assert schema_version(engine) == 2
    copy = tmp_path / "backup.db"
    reg.engine.dispose()  # the office copies the file while nobody writes
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    back = open_register(copy)
    assert back.decisions()["minutes_ref"].tolist() == reg.decisions()["minutes_ref"].tolist()


def test_postgres_register_is_the_same_code(postgres_server: str, plan_dir: Path) -> None:  # noqa: F811
    url = new_database(postgres_server, "covplan_same_code")
    reg = _register(url, plan_dir)
    assert reg.engine.dialect.name == "postgresql"
    assert schema_version(reg.engine) == SCHEMA_VERSION
    reg.contribute("TDP-03", "1.250.000", "P-1", date="01/07/2026")
    assert open_register(url).balances().loc["TDP-03", "balance_vnd"] == 1_250_000
