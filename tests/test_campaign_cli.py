"""``covplan campaign``: every subcommand once, and bad input that exits 2 with one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from campaign_support import START, plan_dir  # noqa: F401

from covplan import datasets
from covplan.campaign import open_register
from covplan.cli import main
from covplan.vocab import campaign_word


def _ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _bad(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    try:
        code = main(["--lang", "en", *argv])  # the words checked are the English messages
    except SystemExit as stop:  # argparse's own errors
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_campaign_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
    plan_dir: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "ward.db")
    survey = str(datasets.get_path("demo-survey.csv"))
    out = _ok(
        capsys,
        "campaign",
        "init",
        str(plan_dir),
        "--db",
        db,
        "--survey",
        survey,
        "--start",
        START,
        "--by",
        "CSKV Lan",
        "--lang",
        "en",
    )
    assert "37 cameras" in out and "3 residential group" in out
    d = ["--db", db, "--by", "Tổ trưởng 2"]
    assert "N10: đã vận động" in _ok(capsys, "campaign", "visit", "N10", *d, "--date", "2026-06-05")
    _ok(capsys, "campaign", "consent", "N10", *d, "--date", "2026-06-06")
    _ok(capsys, "campaign", "install", "N10", *d, "--date", "2026-06-25")
    _ok(
        capsys,
        "campaign",
        "decide",
        *d,
        "--group",
        "TDP-02",
        "--phase",
        "pilot",
        "--date",
        "2026-06-10",
        "--method",
        "meeting",
        "--for",
        "28",
        "--total",
        "40",
        "--amount",
        "200000",
        "--minutes",
        "BB-02-01",
    )
    out = _ok(
        capsys,
        "campaign",
        "contribute",
        *d,
        "--group",
        "TDP-02",
        "--amount",
        "200000",
        "--receipt",
        "0001",
        "--date",
        "2026-06-12",
        "--lang",
        "en",
    )
    assert out.strip() == "#1 TDP-02: Balance (VND) 200,000"
    _ok(
        capsys,
        "campaign",
        "contribute",
        *d,
        "--group",
        "TDP-02",
        "--amount",
        "1.500.000",
        "--receipt",
        "0002",
        "--date",
        "12/06/2026",
        "--payer",
        "business",
    )
    _ok(
        capsys,
        "campaign",
        "spend",
        *d,
        "--group",
        "TDP-02",
        "--amount",
        "1910000",
        "--supplier",
        "Cty Camera Huế",
        "--invoice",
        "HD-7",
        "--cameras",
        "N10",
        "--date",
        "2026-06-20",
    )
    _ok(capsys, "campaign", "reverse", "2", *d, "--reason", "written twice", "--date", "2026-06-21")
    _ok(
        capsys,
        "campaign",
        "deadline",
        *d,
        "--group",
        "TDP-02",
        "--phase",
        "pilot",
        "--due",
        "2026-08-15",
        "--note",
        "storm",
    )
    # covplan verify's records land here (a pass for the installed camera)
    records = tmp_path / "register.verifications.csv"
    with records.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["camera_id", "time", "verdict"])
        w.writerow(["N10", "2026-06-26T09:00:00+07:00", "pass"])
        w.writerow(["N11", "2026-06-26T09:00:00+07:00", "pass"])  # not installed: skipped
    assert _ok(capsys, "campaign", "verify", *d, "--from", str(records)).startswith("1 ")
    doc = json.loads(_ok(capsys, "campaign", "report", "--db", db, "--json", "--on", "2026-09-01"))
    g = doc["groups"]["TDP-02"]
    assert (g["contributed_vnd"], g["spent_vnd"], g["balance_vnd"]) == (
        200_000,
        1_910_000,
        -1_710_000,
    )
    assert g["cameras_verified"] == 1 and g["late_phases"] == ""  # its pilot camera, verified
    assert doc["groups"]["TDP-03"]["late_phases"] == "pilot"  # N21 not installed by 30/7
    assert doc["groups"]["TDP-01"]["contributed_vnd"] == 0
    out = _ok(
        capsys, "campaign", "report", "--db", db, "--out", str(tmp_path / "rep"), "--no-plots"
    )
    assert "accounting.xlsx" in out and "public-TDP-02.xlsx" in out
    book = tmp_path / "register.xlsx"
    _ok(capsys, "campaign", "export", "--db", db, "--out", str(book), "--lang", "en")
    copy = str(tmp_path / "copy.db")
    _ok(
        capsys,
        "campaign",
        "init",
        str(plan_dir),
        "--db",
        copy,
        "--survey",
        survey,
        "--start",
        START,
    )
    assert f"{campaign_word('sheet_money')}: 4" in _ok(
        capsys, "campaign", "import", str(book), "--db", copy
    )
    assert open_register(copy).balances().equals(open_register(db).balances())
    assert open_register(db).events()["recorded_by"].iloc[-1] == "Tổ trưởng 2"

    before = len(open_register(db).entries())
    money = ["campaign", "contribute", "--db", db, "--group", "TDP-02", "--date", "2026-07-01"]
    for args, words in [
        ([*money, "--amount", "-200000", "--receipt", "9"], "positive whole number of VND"),
        ([*money, "--amount", "2000.5", "--receipt", "9"], "not whole VND"),
        ([*money, "--amount", "2000", "--receipt", "0001"], "already entry 1"),
        (
            [
                "campaign",
                "contribute",
                "--db",
                db,
                "--group",
                "TDP-7",
                "--amount",
                "1",
                "--receipt",
                "9",
            ],
            "unknown group 'TDP-7'",
        ),
        (
            [*money[:-2], "--date", "2026-01-01", "--amount", "1", "--receipt", "9"],
            "before the campaign started",
        ),
        (["campaign", "install", "N11", "--db", db], "skips a step; next is visited"),
        (["campaign", "visit", "X42", "--db", db], "unknown camera or household 'X42'"),
        (
            ["campaign", "report", "--db", str(tmp_path / "none.db"), "--json"],
            "no campaign register at",
        ),
        (
            [
                "campaign",
                "spend",
                "--db",
                db,
                "--group",
                "TDP-02",
                "--amount",
                "5",
                "--supplier",
                "A",
                "--invoice",
                "B",
                "--cameras",
                "N99",
            ],
            "unknown camera 'N99'",
        ),
        (["campaign", "contribute", "--db", db], "required"),
    ]:
        line = _bad(capsys, *args)
        assert words in line, line
    assert len(open_register(db).entries()) == before
    line = _bad(capsys, "campaign", "report", "--db", "postgresql://u:pw@127.0.0.1:1/x", "--json")
    assert "cannot open the register" in line and ":pw@" not in line
