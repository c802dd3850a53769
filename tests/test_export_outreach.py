"""The outreach list per residential group (issue 13): who to visit, what to ask; no contacts."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from covplan import datasets
from covplan.export.outreach import outreach_rows, write_outreach
from covplan.plan import plan_ward


@pytest.fixture(scope="module")
def plan(demo_area):  # type: ignore[no-untyped-def]
    return plan_ward(
        demo_area,
        survey=datasets.get_path("demo-survey.csv"),
        specs=["bullet-2mp-3.6"],
        time_limit_s=8,
        name="Phường mẫu",
    )


def test_rows_cover_every_owner(plan) -> None:  # type: ignore[no-untyped-def]
    rows = outreach_rows(plan)
    roles = plan.cameras["role"].value_counts()
    kinds = rows["kind"].value_counts()
    assert kinds.get("keep", 0) == roles.get("keep", 0) > 0  # kept cameras: ask to share
    assert kinds.get("reaim", 0) == len(plan.reaim)
    assert kinds.get("join", 0) == roles.get("unused", 0)
    walls = int((plan.install["mount"] == "wall").sum())
    assert kinds.get("host", 0) == walls
    keep = rows[rows["kind"] == "keep"]
    assert keep["ask"].str.contains("chia sẻ hình").all()
    assert (keep["direction_now"].str.len() > 0).all()
    assert keep["address"].str.contains("Chi Lăng|Huỳnh Thúc Kháng|Nguyễn Du").all()
    assert (rows["location"] != "").all()
    assert set(rows["group_name"]) <= {"Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"}
    assert "name" not in rows.columns and "phone" not in rows.columns
    with_c = outreach_rows(plan, include_contacts=True)
    got = with_c.loc[with_c["kind"] == "keep", "phone"]
    assert got.str.match(r"^0\d{3} \d{3} \d{3}$").all()


def test_one_sheet_per_group_no_contacts(plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = write_outreach(plan, tmp_path, pdf=False)
    assert [f.name for f in files] == ["outreach.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "outreach.xlsx")
    groups = list(plan.area.groups["name"])
    assert wb.sheetnames[: len(groups)] == groups and wb.sheetnames[-1] == "Tổng hợp"
    rows = outreach_rows(plan)
    for name in groups:
        ws = wb[name]
        head = [c.value for c in ws[1]]
        assert {"Việc cần hỏi", "Hướng hiện tại", "Hướng cần", "Đã đến", "Ghi chú"} <= set(head)
        assert "Số điện thoại" not in head and "Họ tên" not in head
        n = int((rows["group_name"] == name).sum())
        assert ws.max_row == n + 2  # header, rows, totals
        assert ws.page_setup.orientation == "landscape"
    values = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    contacts = plan.contacts
    assert not ({str(p) for p in contacts["name"]} & values)  # no names anywhere by default
    write_outreach(plan, tmp_path, include_contacts=True, pdf=False)
    ws = openpyxl.load_workbook(tmp_path / "outreach.xlsx")["Tổ dân phố 1"]
    head = [c.value for c in ws[1]]
    assert "Số điện thoại" in head and "Họ tên" in head


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_page_per_group(plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    write_outreach(plan, tmp_path)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "outreach.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in plan.area.groups["name"]:
        assert f"Danh sách đến nhà vận động: {name}" in text
    assert "chia sẻ hình" in text and "Không có họ tên" in text
    assert "0905" not in text  # no phones by default
