"""Issue 15: the access register, the MediaMTX configuration and the officers' sheets.

The demo ward's plan folder and campaign register, three officers (a commander with every
group, an area officer with one group, an investigator with three cameras), cameras reached
through the ward's server or a vendor app. The configuration is read back and compared with
the register, checked key by key against MediaMTX's documented mediamtx.yml (a reference copy
in tests/input_data/mediamtx/), and holds no plain-text password; the sheets open at 390 px
in headless Chromium with the network blocked, and their QR codes decode to what the officer
must add.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
import yaml
from argon2 import PasswordHasher
from browser import chromium, external_requests
from campaign_support import new_database, postgres_server, write_demo_plan  # noqa: F401

from covplan._errors import InputError
from covplan.campaign import init_campaign
from covplan.cli import main
from covplan.watch import Reach, open_access, path_name, read_officers

REFERENCE = Path(__file__).parent / "input_data" / "mediamtx" / "mediamtx.yml"
CAMERA_SECRET = "Cam-s3cret/15@x"
OFFICERS = """officer_id,name,role,unit,phone,cameras,groups
ch-01,Nguyễn Văn An,Chỉ huy,Công an phường Mẫu,0905 123 456,,TDP-01;TDP-02;TDP-03
cskv-02,Trần Thị Bình,CSKV,Công an phường Mẫu,0914 222 333,,TDP-02
ts-01,Lê Văn Cường,trinh sát,Công an phường Mẫu,0935 111 222,N01;R01;K02,
"""
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
PHONES = ("0905 123 456", "905123456", "0914 222 333", "914222333")


_PLANS: dict[str, Path] = {}


def demo_plan(factory: pytest.TempPathFactory) -> Path:
    """The demo ward's plan folder, written once per test process for both watch test files."""
    if "demo" not in _PLANS:
        _PLANS["demo"] = write_demo_plan(factory.mktemp("watch-plan") / "plan")
    return _PLANS["demo"]


@pytest.fixture(scope="session")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_plan(tmp_path_factory)


@pytest.fixture(scope="module")
def ward(plan_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("watch-access")
    db = root / "register.sqlite"
    init_campaign(plan_dir, db, name="demo-watch", start="2026-06-01", by="test")
    officers = root / "officers.csv"
    officers.write_text(OFFICERS, encoding="utf-8-sig")
    assert main(["watch", "officers", "--db", str(db), "--officers", str(officers)]) == 0
    access, _ = open_access(str(db), by="test")
    cams = access.cameras()
    reach = root / "reach.csv"
    lines = ["code,method,app,device_id,stream_url,retention_days"]
    for i, code in enumerate(cams["code"]):
        if code.startswith("N"):
            url = f"rtsp://admin@192.168.10.{10 + i}:554/Streaming/Channels/101"
            lines.append(f"{code},server,,,{url},{30 if code == 'N02' else ''}")
        elif code == "R01":
            lines.append(f"{code},cloud,imou,7F0A1B2CPAZ1234,,30")
        else:
            lines.append(f"{code},cloud,hik-connect,Q1234567{i:02d},,15")
    reach.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["watch", "reach", "--db", str(db), "--file", str(reach)]) == 0
    return {"db": db, "root": root, "officers": officers, "access": access, "plan": plan_dir}


@pytest.fixture(scope="module")
def config(ward: dict[str, Any]) -> dict[str, Any]:
    out = ward["root"] / "server" / "mediamtx.yml"
    mp = pytest.MonkeyPatch()
    mp.setenv("COVPLAN_CAMERA_PASSWORD_N01", CAMERA_SECRET)
    mp.setenv("COVPLAN_OFFICER_PASSWORD_TS_01", "ts-chosen-pass-01")
    try:
        code = main(
            [
                "watch",
                "config",
                "--plan",
                str(ward["plan"]),
                "--db",
                str(ward["db"]),
                "--out",
                str(out),
            ]
        )
    finally:
        mp.undo()
    assert code == 0
    text = out.read_text(encoding="utf-8")
    passwords = dict(
        line.split(",", 1)
        for line in (out.with_name("mediamtx.passwords.csv")).read_text().splitlines()[1:]
    )
    return {"path": out, "text": text, "yaml": yaml.safe_load(text), "passwords": passwords}


# --- the configuration ------------------------------------------------------------------


def test_config_grants_each_officer_exactly_the_registered_cameras(
    ward: dict[str, Any], config: dict[str, Any]
) -> None:
    cfg = config["yaml"]
    access = ward["access"]
    reach = access.reach().set_index("code")
    served = set(reach.index[reach["method"] == "server"])
    assert set(cfg["paths"]) == {path_name(c) for c in served}
    table = access.access()
    users = {u["user"]: u for u in cfg["authInternalUsers"] if u["user"] != "any"}
    assert set(users) == {"ch-01", "cskv-02", "ts-01"}
    for oid, user in users.items():
        granted = set(table.loc[table["officer_id"] == oid, "code"]) & served
        for action in ("read", "playback"):
            got = {p["path"] for p in user["permissions"] if p["action"] == action}
            assert got == {path_name(c) for c in granted}, (oid, action)
        assert {p["action"] for p in user["permissions"]} <= {"read", "playback"}
    # the commander sees every served camera, the investigator N01 only (R01, K02 are app-only)
    assert len(users["ch-01"]["permissions"]) == 2 * len(served)
    assert {p["path"] for p in users["ts-01"]["permissions"]} == {"n01"}
    groups = access.cameras().set_index("code")["group_id"]
    want = {path_name(c) for c in served if groups[c] == "TDP-02"}
    assert {p["path"] for p in users["cskv-02"]["permissions"]} == want
    # the anonymous user may only reach the API and metrics, from the server itself
    anyone = [u for u in cfg["authInternalUsers"] if u["user"] == "any"]
    assert all(set(u["ips"]) <= {"127.0.0.1", "::1"} for u in anyone)
    assert {p["action"] for u in anyone for p in u["permissions"]} <= {"api", "metrics"}


def test_config_holds_no_plain_password(ward: dict[str, Any], config: dict[str, Any]) -> None:
    cfg, text = config["yaml"], config["text"]
    assert CAMERA_SECRET not in text and "Cam-s3cret" not in text
    hasher = PasswordHasher()
    plain = {**config["passwords"], "ts-01": "ts-chosen-pass-01"}
    assert set(config["passwords"]) == {"ch-01", "cskv-02"}  # ts-01's came from the env
    for user in cfg["authInternalUsers"]:
        if user["user"] == "any":
            continue
        assert user["pass"].startswith("argon2:$argon2id$")
        assert hasher.verify(user["pass"].removeprefix("argon2:"), plain[user["user"]])
        assert plain[user["user"]] not in text
    for path in cfg["paths"].values():
        assert "@" not in path["source"] or ":" not in path["source"].split("@")[0][7:]
    assert os.stat(config["path"].with_name("mediamtx.passwords.csv")).st_mode & 0o077 == 0
    # the register keeps the hash, never the password
    with sqlite3.connect(ward["db"]) as conn:
        dump = "\n".join(conn.iterdump())
    assert all(pw not in dump for pw in plain.values()) and CAMERA_SECRET not in dump
    assert "argon2id" in dump


def test_config_recording_retention_and_access_log(config: dict[str, Any]) -> None:
    cfg = config["yaml"]
    defaults = cfg["pathDefaults"]
    assert defaults["record"] is True and defaults["recordDeleteAfter"] == "7d"  # the plan's
    assert cfg["paths"]["n02"]["recordDeleteAfter"] == "30d"  # the camera's own, registered
    assert "recordDeleteAfter" not in cfg["paths"]["n01"]
    assert "access.log" in defaults["runOnRead"] and "$MTX_PATH" in defaults["runOnRead"]
    assert "access.log" in defaults["runOnUnread"]
    assert cfg["paths"]["n01"]["source"].startswith("rtsp://admin@192.168.10.")


def _check_keys(ours: Any, ref: Any, where: str) -> list[str]:
    """Every key of ``ours`` documented in ``ref``, with the type of its documented default."""
    bad: list[str] = []
    if isinstance(ref, dict):
        if not isinstance(ours, dict):
            return [f"{where}: a mapping expected, got {type(ours).__name__}"]
        for key, value in ours.items():
            if key not in ref:
                bad.append(f"{where}{key}: not a documented key")
            else:
                bad += _check_keys(value, ref[key], f"{where}{key}.")
        return bad
    if isinstance(ref, list):
        if not isinstance(ours, list):
            return [f"{where}: a list expected"]
        if ref and isinstance(ref[0], dict):
            union: dict[str, Any] = {}
            for item in ref:
                for k, v in item.items():
                    union.setdefault(k, v) if v is not None else union.setdefault(k, None)
            for i, item in enumerate(ours):
                bad += _check_keys(item, union, f"{where}{i}.")
        return bad
    if ref is None:  # documented as empty: a string setting
        return [] if ours is None or isinstance(ours, str) else [f"{where}: a string expected"]
    for kind in (bool, int, float, str):
        if isinstance(ref, kind):
            ok = isinstance(ours, kind) and (kind is bool or not isinstance(ours, bool))
            return [] if ok else [f"{where}: {kind.__name__} expected, got {ours!r}"]
    return []


def test_config_matches_mediamtx_documented_reference(config: dict[str, Any]) -> None:
    ref = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    cfg = dict(config["yaml"])
    paths = cfg.pop("paths")
    bad = _check_keys(cfg, ref, "")
    for name, entry in paths.items():
        bad += _check_keys(entry, ref["pathDefaults"], f"paths.{name}.")
    assert not bad, "\n".join(bad)
    actions = {"publish", "read", "playback", "api", "metrics", "pprof"}
    for user in cfg["authInternalUsers"]:
        assert {p["action"] for p in user["permissions"]} <= actions
    # the deployment override MediaMTX documents: MTX_PATHS_<NAME>_SOURCE (map keys lower-cased)
    assert all(name == name.lower() and name.isalnum() for name in paths)


def test_start_script_takes_the_camera_password_from_the_environment(
    config: dict[str, Any], tmp_path: Path
) -> None:
    script = config["path"].with_name("start-mediamtx.sh")
    text = script.read_text()
    assert CAMERA_SECRET not in text and "MTX_PATHS_N01_SOURCE" in text
    # a stand-in for the mediamtx binary (not installable here) that shows its environment
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "mediamtx").write_text('#!/bin/sh\necho "$MTX_PATHS_N01_SOURCE|$1"\n')
    (fake / "mediamtx").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "HOME": str(tmp_path)}
    env |= {k: "pw" for k in _password_vars(text)}
    env["COVPLAN_CAMERA_PASSWORD_N01"] = CAMERA_SECRET
    res = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    url, _, conf = res.stdout.strip().partition("|")
    assert conf == "mediamtx.yml"
    assert url.startswith("rtsp://admin:Cam-s3cret%2F15%40x@192.168.10.")
    env.pop("COVPLAN_CAMERA_PASSWORD_N02")
    res = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "COVPLAN_CAMERA_PASSWORD_N02" in res.stderr


def _password_vars(script: str) -> set[str]:
    import re

    return set(re.findall(r"\$\{(COVPLAN_CAMERA_PASSWORD_\w+):-", script))


def test_config_from_the_officers_file_alone(ward: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "mediamtx.yml"
    code = main(
        [
            "watch",
            "config",
            "--plan",
            str(ward["plan"]),
            "--officers",
            str(ward["officers"]),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    cfg = yaml.safe_load(out.read_text())
    users = {u["user"]: u for u in cfg["authInternalUsers"]}
    # without a register: the plan's new cameras go through the ward's server
    assert {p["path"] for p in users["ts-01"]["permissions"]} == {"n01"}
    assert all(p["source"] == "publisher" for p in cfg["paths"].values())
    for name in NAMES:
        assert name not in out.read_text()


# --- the register -----------------------------------------------------------------------


def test_register_keeps_personal_data_apart(ward: dict[str, Any], capsys: Any) -> None:
    access = ward["access"]
    assert list(access.officers().columns) == ["officer_id", "role", "unit", "has_password"]
    contacts = access.contacts().set_index("officer_id")
    assert contacts.loc["cskv-02", "phone"] == "+84914222333"
    assert main(["watch", "access", "--db", str(ward["db"])]) == 0
    out = capsys.readouterr().out
    assert "ts-01,N01,camera" in out and "ch-01" in out
    for secret in (*NAMES, *PHONES, "+84"):
        assert secret not in out


def test_grants_are_append_only_and_revocable(ward: dict[str, Any]) -> None:
    access = ward["access"]
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with access.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE watch_grants SET target = 'N02'")
    access.grant("ts-01", cameras=["N03"])
    assert "N03" in set(access.access().query("officer_id == 'ts-01'")["code"])
    access.revoke("ts-01", cameras=["N03"])
    assert access.check("ts-01") == 3
    mine = access.access().query("officer_id == 'ts-01'")
    assert set(mine["code"]) == {"N01", "R01", "K02"} and mine["checked_on"].notna().all()


def test_reach_refuses_a_url_with_a_password(ward: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="holds a password") as err:
        ward["access"].set_reach(
            Reach("N03", "server", stream_url=f"rtsp://admin:{CAMERA_SECRET}@10.0.0.3/live")
        )
    assert CAMERA_SECRET not in str(err.value)


def test_bad_officers_file_is_one_line_per_problem(
    ward: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    bad = tmp_path / "officers.csv"
    bad.write_text(
        "officer_id,name,role,phone,cameras,groups\n"
        "cskv-09,Phạm Văn Dũng,đội trưởng,0905 123 456,N01,\n"
        "cskv-10,Hồ Thị Em,CSKV,12345,N99,TDP-09\n",
        encoding="utf-8",
    )
    code = main(
        [
            "watch",
            "config",
            "--plan",
            str(ward["plan"]),
            "--officers",
            str(bad),
            "--out",
            str(tmp_path / "m.yml"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err

    def said(row: int, column: str, rest: str = "") -> bool:  # "row 2, column" or "dòng 2, cột"
        return any(
            f"{bad} {r} {row}, {c} {column}{rest}" in err
            for r, c in (("row", "column"), ("dòng", "cột"))
        )

    assert said(2, "role") and "chỉ huy, CSKV or trinh sát" in err
    assert said(3, "phone")
    assert said(3, "cameras", ": 'N99'")
    assert said(3, "groups", ": 'TDP-09'")
    assert "Dũng" not in err and "12345" not in err and not (tmp_path / "m.yml").exists()
    with pytest.raises(InputError, match="lacks officer_id"):
        (tmp_path / "h.csv").write_text("id_x,name\n", encoding="utf-8")
        read_officers(tmp_path / "h.csv")


# --- the sheets -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sheets(ward: dict[str, Any]) -> Path:
    out = ward["root"] / "sheets"
    code = main(
        [
            "watch",
            "sheets",
            "--plan",
            str(ward["plan"]),
            "--db",
            str(ward["db"]),
            "--out",
            str(out),
            "--server",
            "https://camera.phuong-mau.vn:8889",
        ]
    )
    assert code == 0
    return out


def test_sheet_files_pdf_and_privacy(sheets: Path) -> None:
    names = sorted(p.name for p in sheets.iterdir())
    assert names == sorted(
        f"{o}.{x}" for o in ("ch-01", "cskv-02", "ts-01") for x in ("html", "pdf")
    )
    pdf = (sheets / "ts-01.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ")
    html = (sheets / "ts-01.html").read_text(encoding="utf-8")
    assert "Lê Văn Cường" in html  # the officer's own sheet
    assert NAMES[0] not in html and NAMES[1] not in html
    assert "7F0A1B2CPAZ1234" in html and "Imou Life" in html and "Hik-Connect" in html
    assert "https://camera.phuong-mau.vn:8889/n01/" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert os.stat(sheets / "ts-01.html").st_mode & 0o077 == 0


def _decode_qr(png: bytes) -> str:
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    img = cv2.copyMakeBorder(img, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(img)
    return str(text)


def test_sheet_on_a_phone_with_the_network_blocked(sheets: Path) -> None:
    with chromium(390, 844) as driver:
        driver.get((sheets / "ts-01.html").as_uri())
        assert not external_requests(driver)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        qrs = driver.find_elements("css selector", "svg.qr")
        assert len(qrs) == 3
        assert (
            driver.execute_script("return document.querySelectorAll('svg.map circle').length") == 3
        )
        found = {}
        for card in driver.find_elements("css selector", "div.card"):
            qr = card.find_element("css selector", "svg.qr")
            driver.execute_script("arguments[0].scrollIntoView()", qr)
            found[card.get_attribute("id")] = _decode_qr(qr.screenshot_as_png)
        assert found["cam-R01"] == "7F0A1B2CPAZ1234"
        assert found["cam-N01"] == "https://camera.phuong-mau.vn:8889/n01/"
        assert found["cam-K02"].startswith("Q1234567")
        driver.get((sheets / "ch-01.html").as_uri())
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        assert not external_requests(driver)


def test_access_register_on_postgresql(postgres_server: str, plan_dir: Path) -> None:  # noqa: F811
    url = new_database(postgres_server, "covplan_watch")
    init_campaign(plan_dir, url, name="demo-watch", start="2026-06-01", by="test")
    access, summary = open_access(url, by="test")
    assert summary["retention_days"] == 7
    access.add_officer("cskv-02", role="cskv", name="Trần Thị Bình", phone="+84914222333")
    access.grant("cskv-02", groups=["TDP-02"], cameras=["N01"])
    codes = set(access.access()["code"])
    assert "N01" in codes and len(codes) > 1
    access.set_reach(Reach("N01", "server", stream_url="rtsp://admin@10.0.0.1:554/live"))
    cid = access.record_health("N01", "online", reason="", seconds=1.0, frames=12, source="x")
    access.set_reference("N01", np.full((36, 64, 3), 128, np.uint8), check_id=cid)
    assert access.references()["N01"].shape == (36, 64, 3)
    for table in ("watch_grants", "watch_health", "watch_references"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with access.engine.begin() as conn:
                conn.exec_driver_sql(f"DELETE FROM {table}")
    open_access(url, by="test")  # a second open leaves the schema as it is


def test_officers_from_xlsx_read_as_from_csv(ward: dict[str, Any], tmp_path: Path) -> None:
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(io.StringIO(OFFICERS)):
        sheet.append(row)
    book.save(tmp_path / "officers.xlsx")
    assert read_officers(tmp_path / "officers.xlsx") == read_officers(ward["officers"])


def test_every_phrase_in_both_languages() -> None:
    from covplan.vocab.watch import STATUS_ORDER, WATCH_WORDS, watch_word

    for key, entry in WATCH_WORDS.items():
        assert entry["vi"] and entry["en"], key
    assert watch_word("moved") != watch_word("moved", lang="en")
    assert all(s in WATCH_WORDS for s in STATUS_ORDER)
    with pytest.raises(ValueError, match="not supported"):
        watch_word("moved", lang="fr")
