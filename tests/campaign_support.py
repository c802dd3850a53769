"""Shared by the campaign tests: the demo ward's plan folder and a real PostgreSQL server.

The server is Debian's PostgreSQL (``.ci/run`` installs it): ``initdb`` and ``pg_ctl``
from /usr/lib/postgresql/*/bin, on 127.0.0.1 and a free port, its data in a temporary
folder; as root it runs as the ``nobody`` user (PostgreSQL refuses to run as root).
Tests that need it skip, saying why, when the binaries are absent.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from covplan import datasets
from covplan.area import area_from_xml
from covplan.plan import plan_ward

START = "2026-06-01"


def write_demo_plan(out: Path) -> Path:
    """Plan the demo ward with the small options and write the plan folder."""
    area = area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
    plan = plan_ward(
        area,
        survey=datasets.get_path("demo-survey.csv"),
        headings=4,
        spacing_m=10,
        site_spacing_m=20,
        phases=True,
    )
    plan.write(out)
    return out


@pytest.fixture(scope="session")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_plan(tmp_path_factory.mktemp("campaign-plan") / "plan")


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1; yields a URL of its ``postgres`` DB."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found (apt-get install postgresql; .ci/run does)")
    root = Path(tempfile.mkdtemp(prefix="covplan-pg-"))
    data = root / "data"
    port = _free_port()
    as_user: list[str] = []
    user = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:  # postgres refuses root: run it as nobody
        user = "nobody"
        os.chown(root, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
        as_user = ["runuser", "-u", user, "--"]
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    opts = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=50"
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            env=env,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_database(server_url: str, name: str) -> str:
    """Create an empty database on the test server; return its URL."""
    import psycopg

    with psycopg.connect(
        server_url.replace("postgresql://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"
