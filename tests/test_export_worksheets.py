"""The technician's work sheets per alley (issue 13): XLSX sheets and searchable PDF pages."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest

from covplan import datasets
from covplan.export.place import area_places
from covplan.export.worksheets import located_lists, work_rows, write_worksheets
from covplan.plan import plan_ward

MACHINE = ("alley-", "path-", "node/", "way/", "#0@")


@pytest.fixture(scope="module")
def plan(demo_area):  # type: ignore[no-untyped-def]
    return plan_ward(
        demo_area,
        survey=datasets.get_path("demo-survey.csv"),
        specs=["bullet-2mp-3.6"],
        time_limit_s=8,
        name="Phường mẫu",
    )


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("ws")
    files = write_worksheets(plan, out, lang="vi")
    return plan, out, files


def test_located_lists_keep_codes_and_find_the_spot(plan) -> None:  # type: ignore[no-untyped-def]
    install, _reaim = located_lists(plan, lang="vi")
    assert list(install["code"]) == list(plan.install["code"])
    assert list(install.index) == list(plan.install.index)
    assert (install["route_name"] != "").all() and (install["location"] != "").all()
    assert install["map_geo"].str.startswith("geo:").all()
    assert not install["route_name"].str.contains("|".join(MACHINE)).any()
    assert "đầu tuyến" not in " ".join(install["location"])
    # the unnamed alley of the demo is titled by what it opens onto, in Huế's word
    assert "Kiệt không tên thông ra đường Nguyễn Du" in set(install["route_name"])
    en, _ = located_lists(plan, lang="en", places=area_places(plan.area, region="south"))
    assert "Unnamed alley off Đường Nguyễn Du" in set(en["route_name"])


def test_worksheet_xlsx(written) -> None:  # type: ignore[no-untyped-def]
    plan, out, _ = written
    rows = work_rows(*located_lists(plan))
    wb = openpyxl.load_workbook(out / "worksheets.xlsx")
    routes = rows["route_id"].nunique()
    assert len(wb.sheetnames) == routes + 1 and wb.sheetnames[-1] == "Tổng hợp"
    assert "Kiệt 12 Chi Lăng" in wb.sheetnames
    ws = wb["Kiệt 12 Chi Lăng"]
    head = [c.value for c in ws[1]]
    assert {"Đã lắp", "Đã kiểm tra hình", "Việc cần làm", "Gắn lên"} <= set(head)
    codes = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row)]
    assert codes == sorted(rows.loc[rows["route_name"] == "Kiệt 12 Chi Lăng", "code"])
    assert ws.cell(row=2, column=head.index("Đã lắp") + 1).value == "☐"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1" or ws.print_title_rows == "1:1"
    assert str(ws.cell(row=ws.max_row, column=1).value).startswith("Tổng cộng")
    link = ws.cell(row=2, column=head.index("Bản đồ OpenStreetMap") + 1)
    assert link.hyperlink is not None and "openstreetmap.org" in link.hyperlink.target
    summary = wb["Tổng hợp"]
    assert summary.max_row == routes + 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_worksheet_pdf_is_searchable(written) -> None:  # type: ignore[no-untyped-def]
    plan, out, _ = written
    rows = work_rows(*located_lists(plan))
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "worksheets.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert text.count("Phiếu thi công") == rows["route_id"].nunique()  # one page per route
    for name in ("Kiệt 12 Chi Lăng", "Kiệt 15 Huỳnh Thúc Kháng", "Cáp và nguồn điện"):
        assert name in text, name
    assert "Đã kiểm tra" in text and "Lắp mới" in text
    assert not any(m in text for m in MACHINE)
    fonts = subprocess.run(
        ["pdffonts", str(out / "worksheets.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "CID TrueType" in fonts and "Type 3" not in fonts


def test_two_alleys_with_one_title_get_two_sheets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """HCMC has many "Hẻm không tên thông ra đường Tú Xương": each keeps its own sheet."""
    import pandas as pd

    from covplan.export.worksheets import WORKSHEET_COLUMNS, write_worksheets_xlsx

    base = {c: "" for c in WORKSHEET_COLUMNS}
    rows = pd.DataFrame(
        [
            {**base, "route_id": rid, "route_name": "Hẻm không tên thông ra đường Tú Xương",
             "group_name": "", "source": "new", "lat": 10.79, "lon": 106.69, "code": code}
            for rid, code in (("alley-a", "N01"), ("alley-b", "N02"), ("alley-b", "N03"))
        ]
    )  # fmt: skip
    write_worksheets_xlsx(rows, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert len(wb.sheetnames) == 3  # two routes and the summary
    assert wb.sheetnames[1].endswith("(2)")
    assert wb.worksheets[0].oddHeader.center.text.startswith("Phiếu thi công: Hẻm không tên")
    assert [wb.worksheets[1].cell(row=r, column=1).value for r in (2, 3)] == ["N02", "N03"]
