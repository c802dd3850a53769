"""Outreach status updates, verification records, the blank form and the CLI."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely import box

from covplan import InputError
from covplan.cli import main
from covplan.survey import (
    read_survey,
    record_verification,
    set_status,
    write_survey,
    write_template,
)
from covplan.survey.register import verifications_path
from covplan.vocab.messages import use_lang

DATA = Path(__file__).parent / "input_data" / "survey"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


@pytest.fixture(autouse=True)
def _owner_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))


def test_csv_status_and_verification(tmp_path: Path) -> None:
    reg = tmp_path / "survey.csv"
    shutil.copy(DATA / "demo-survey.csv", reg)
    before = reg.read_bytes().decode("utf-8-sig").splitlines()
    set_status(reg, "C02", "agreed")
    after = reg.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    lines = after.decode("utf-8-sig").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, lines, strict=True)) if a != b]
    assert changed == [2] and lines[2].endswith(",agreed")
    record = {
        "verdict": "in view",
        "px_per_m": 131.5,
        "sharpness": 212.0,
        "evidence": "evidence/C02.jpg",
        "stream": "rtsp://admin:secret@10.0.0.5/live",
    }
    record_verification(reg, "C02", record)
    s = read_survey(reg)
    assert s.cameras.loc["C02", "status"] == "verified"
    assert s.cameras.loc["C01", "status"] == "surveyed"
    record_verification(
        reg, "C01", {"verdict": "moved", "time": "2025-03-04T10:00:00+07:00"}, status=None
    )
    assert read_survey(reg).cameras.loc["C01", "status"] == "surveyed"
    side = verifications_path(reg)
    assert side.name == "survey.verifications.csv" and side.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(side, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["camera_id"] for r in rows] == ["C02", "C01"]
    assert rows[0]["px_per_m"] == "131.5" and rows[0]["verdict"] == "in view"
    assert rows[1]["time"] == "2025-03-04T10:00:00+07:00" and rows[1]["px_per_m"] == ""
    assert "secret" not in side.read_text(encoding="utf-8-sig")


def test_xlsx_status_keeps_the_rest(tmp_path: Path) -> None:
    survey = read_survey(DATA / "vi-headers.csv")
    reg = write_survey(survey, tmp_path / "register.xlsx", include_contacts=True, lang="vi")
    set_status(reg, "K02", "adjusted")
    record_verification(reg, "K03", {"verdict": "ok", "px_per_m": 90.0})
    record_verification(reg, "K03", {"verdict": "ok", "motion_share": 0.4})
    wb = openpyxl.load_workbook(reg)
    assert wb.sheetnames == ["cameras", "contacts", "verifications"]
    ver = wb["verifications"]
    header = [c.value for c in ver[1]]
    assert header[:2] == ["camera_id", "time"] and {"px_per_m", "motion_share"} <= set(header)
    assert ver.max_row == 3
    back = read_survey(reg)
    assert back.cameras.loc["K02", "status"] == "adjusted"
    assert back.cameras.loc["K03", "status"] == "verified"
    other = back.cameras.drop(index=["K02", "K03"])
    assert (other["status"] == survey.cameras.drop(index=["K02", "K03"])["status"]).all()
    assert back.contacts.equals(survey.contacts)
    # the status is written in the sheet's language
    ws = wb["cameras"]
    col = [c.value for c in ws[1]].index("Trạng thái") + 1
    # the project's one vocabulary (covplan.vocab) words it "đã điều chỉnh"
    assert ws.cell(row=3, column=col).value == "đã điều chỉnh"


def test_status_errors_touch_nothing(tmp_path: Path) -> None:
    reg = tmp_path / "survey.csv"
    shutil.copy(DATA / "demo-survey.csv", reg)
    data = reg.read_bytes()
    with pytest.raises(InputError, match="not a camera"):
        set_status(reg, "C99", "agreed")
    with pytest.raises(InputError, match="not an outreach status"):
        set_status(reg, "C01", "happy")
    with pytest.raises(InputError, match="not a camera"):
        record_verification(reg, "C99", {"verdict": "ok"})
    assert reg.read_bytes() == data and not verifications_path(reg).exists()
    with pytest.raises(InputError, match="XLSX or CSV"):
        set_status(DATA / "cameras.geojson", "G01", "agreed")


def test_template_reads_back_and_is_a_valid_xlsform(tmp_path: Path) -> None:
    paths = write_template(tmp_path, lang="vi")
    empty = read_survey(paths["sheet"])
    assert len(empty.cameras) == 0 and not empty.problems
    wb = openpyxl.load_workbook(paths["sheet"])
    ws = wb["cameras"]
    ws.append(
        [
            "T01",
            "Ai Đó",
            "chủ hộ",
            "hộ gia đình",
            "0905 123 456",
            "3 Kiệt 1 Lê Lợi",
            16.47,
            107.59,
            "ĐN",
            90,
            "2MP",
            3,
            10,
            7,
            "có",
            "có",
            "chưa rõ",
            "",
        ]
    )
    wb.save(paths["sheet"])
    s = read_survey(paths["sheet"])
    assert s.cameras.loc["T01", "heading_deg"] == 135 and s.contacts["role"].iloc[0] == "chủ hộ"
    pyxform = pytest.importorskip("pyxform")
    from pyxform.xls2xform import convert

    result = convert(xlsform=str(paths["xlsform"]), validate=False)
    xml = result.xform
    assert "geopoint" in xml and "Tiếng Việt (vi)" in xml and "English (en)" in xml
    for field in ("camera_id", "owner_kind", "heading_deg", "participates", "adjustable"):
        assert f"/{field}" in xml
    assert pyxform is not None


def test_kobo_export_of_the_template_fields_reads(tmp_path: Path) -> None:
    """A KoboToolbox CSV export of the XLSForm (XML names as headers) reads clean."""
    form = openpyxl.load_workbook(write_template(tmp_path)["xlsform"])["survey"]
    names = [r[1] for r in form.iter_rows(min_row=2, values_only=True)]
    values = {
        "camera_id": "F1",
        "owner_name": "Ai",
        "role": "",
        "owner_kind": "household",
        "phone": "0905123456",
        "address": "1 Kiệt 2 Lê Lợi",
        "location": "16.47 107.59 10 4",
        "heading_deg": "90",
        "hfov_deg": "90",
        "resolution_px": "1920",
        "mount_height_m": "3",
        "tilt_deg": "10",
        "retention_days": "7",
        "is_ip": "yes",
        "participates": "yes",
        "adjustable": "unknown",
        "status": "surveyed",
    }
    assert set(names) == set(values)
    header = [
        *names,
        "_location_latitude",
        "_location_longitude",
        "_location_altitude",
        "_location_precision",
        "_id",
        "_uuid",
    ]
    row = [values[n] for n in names] + ["16.47", "107.59", "10", "4", "7", "abc"]
    out = tmp_path / "export.csv"
    out.write_text(";".join(header) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    s = read_survey(out)
    assert list(s.cameras.index) == ["F1"] and s.cameras.loc["F1", "heading_deg"] == 90


def test_cli_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "survey", "check", str(DATA / "demo-survey.csv")]) == 0
    assert "6 cameras read" in capsys.readouterr().out
    assert main(["--lang", "en", "survey", "check", str(DATA / "problems.csv")]) == 1
    out = capsys.readouterr().out
    assert "11 problem(s)" in out and "row 4, column lat" in out and "row 9:" in out
    ward = tmp_path / "ward.geojson"
    gpd.GeoDataFrame(geometry=[box(107.58, 16.46, 107.60, 16.48)], crs=4326).to_file(ward)
    assert (
        main(
            ["--lang", "en", "survey", "check", str(DATA / "problems.csv"), "--boundary", str(ward)]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "12 problem(s)" in out and "outside the ward" in out
    assert main(["--lang", "en", "survey", "check", str(tmp_path / "missing.csv")]) == 2


def test_cli_template_and_convert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survey", "template", "--out", str(tmp_path / "form"), "--lang", "en"]) == 0
    assert (tmp_path / "form" / "survey-form.xlsx").exists()
    assert (tmp_path / "form" / "survey-xlsform.xlsx").exists()
    out = tmp_path / "s.gpkg"
    assert main(["--lang", "en", "survey", "convert", str(DATA / "demo-survey.csv"), str(out)]) == 0
    assert len(read_survey(out).cameras) == 6 and len(read_survey(out).contacts) == 0
    assert main(["--lang", "en", "survey", "convert", str(DATA / "problems.csv"), str(out)]) == 2
    assert "InputError" in capsys.readouterr().err
