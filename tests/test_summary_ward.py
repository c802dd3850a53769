"""The summary a ward office reads (issue 13) and the printable XLSX lists of a written plan."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from covplan import datasets
from covplan.plan import plan_ward, summary_text
from covplan.plan.summary import share_text, sure_text, unseen_reasons


def test_share_never_rounds_up_to_100() -> None:
    assert share_text(9992, 10000) == "99,9 % (8 điểm chưa thấy)"
    assert share_text(1999, 2000) == "99,9 % (1 điểm chưa thấy)"
    assert share_text(7, 7) == "100 %"
    assert share_text(2, 3, "en") == "66.6 % (1 points not seen)"
    assert "100" not in share_text(99_999, 100_000)


def test_sure_comes_from_the_camera_bound_never_the_objective() -> None:
    # the budget run: a weighted objective 1351.39 must never become "≥ 1352 cameras"
    s = {"new_cameras": 51, "proven": False, "bound_new_cameras": None, "bound": None}
    assert sure_text({**s, "budget": {"spent_vnd": 1}}) == (
        "kế hoạch theo ngân sách: thấy nhiều nhất có thể trong số tiền đã cho"
    )
    assert "1352" not in sure_text({**s, "bound": 1351.39})
    assert sure_text({**s, "bound_new_cameras": 47.2}) == (
        "cách tối ưu tối đa 3 camera (ít nhất cũng cần 48 camera mới)"
    )
    assert sure_text({**s, "bound_new_cameras": 51}).startswith("tối ưu đã chứng minh")
    assert sure_text({**s, "proven": True}).startswith("tối ưu đã chứng minh")
    assert sure_text(s) == "chưa chứng minh được là ít camera nhất"
    assert sure_text({**s, "bound_new_cameras": 50}, "en").startswith("at most 1 cameras")


def test_unseen_reasons() -> None:
    import scipy.sparse as sp

    targets = pd.DataFrame(
        {
            "seen": [True, False, False, False, False],
            "cover_count": [1, 0, 0, 1, 0],
            "k_required": [1, 1, 2, 2, 1],
        }
    )
    A = sp.csr_matrix(np.array([[1, 0], [0, 0], [1, 0], [1, 1], [1, 1]], dtype=bool))
    model = type("M", (), {"instance": type("I", (), {"A": A, "banned": np.zeros(2, bool)})()})()
    got = unseen_reasons(targets, model)
    assert got == {"no_view": 1, "too_few_views": 1, "one_view": 1, "not_chosen": 1}
    assert unseen_reasons(targets, model, budget=True)["budget"] == 2


@pytest.fixture(scope="module")
def written(demo_area, tmp_path_factory):  # type: ignore[no-untyped-def]
    plan = plan_ward(
        demo_area,
        survey=datasets.get_path("demo-survey.csv"),
        specs=["bullet-2mp-3.6"],
        time_limit_s=8,
        phases=True,
        name="Phường mẫu",
    )
    out = tmp_path_factory.mktemp("plan")
    plan.write(out, lang="vi", maps=False, html=False, region="south")
    return plan, out


def test_summary_text_reads_for_a_ward_office(written) -> None:  # type: ignore[no-untyped-def]
    _, out = written
    text = (out / "summary.txt").read_text(encoding="utf-8")
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert f"Camera lắp mới: {s['new_cameras']}" in text
    assert "Camera giữ nguyên" in text and "Chi phí trọn gói" in text
    assert "Tổ dân phố 1:" in text and "Độ chắc chắn:" in text
    for solver_word in ("tham lam", "giây", "gap", "Cận dưới", "bộ giải:", "objective"):
        assert solver_word not in text, solver_word
    # the solver's details are in summary.json only
    assert {"bound_new_cameras", "gap", "greedy_cameras", "stages", "seconds"} <= set(s)
    assert s["region"] == "south" and "Hẻm thí điểm" in text  # --region south overrides Huế
    assert "alley-" not in text  # the pilot alley has a human title
    en = summary_text(s, "en")
    assert "How sure:" in en and "New cameras" in en


def test_printable_install_xlsx(written) -> None:  # type: ignore[no-untyped-def]
    plan, out = written
    wb = openpyxl.load_workbook(out / "install.xlsx")
    assert wb.sheetnames == ["Danh sách lắp mới", "Tổng hợp"]
    ws = wb["Danh sách lắp mới"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows in ("$1:$1", "1:1")
    head = [c.value for c in ws[1]]
    n = len(plan.install)
    assert ws.max_row == n + 2
    total = ws.cell(row=n + 2, column=head.index("Chi phí trọn gói (VNĐ)") + 1).value
    assert total == int(plan.install["cost_vnd"].sum())
    assert str(ws.cell(row=n + 2, column=1).value) == f"Tổng cộng: {n} dòng"
    hidden = {head[i] for i in range(len(head)) if ws.column_dimensions[_col(i)].hidden}
    visible = [h for h in head if h not in hidden]
    assert {"Mã vị trí", "Vĩ độ", "Kinh độ", "Mã tuyến"} <= hidden
    assert len(visible) <= 16
    link = head.index("Bản đồ Google") + 1
    for r in range(2, n + 2):  # every install row: a map link and a human location
        assert "google.com/maps" in ws.cell(row=r, column=link).hyperlink.target
        assert ws.cell(row=r, column=head.index("Vị trí trên tuyến") + 1).value
        assert ws.cell(row=r, column=head.index("Tuyến") + 1).value
    # --region south: the demo's unnamed alley is a hẻm in the lists
    csv = (out / "install.csv").read_text(encoding="utf-8-sig")
    assert "Hẻm không tên thông ra đường Nguyễn Du" in csv and "geo:" in csv
    summary = wb["Tổng hợp"]
    items = [summary.cell(row=r, column=1).value for r in range(1, summary.max_row + 1)]
    assert "Theo tổ dân phố" in items and "Chi phí trọn gói (VNĐ)" in items
    names = {p.name for p in out.iterdir()}
    assert {"worksheets.xlsx", "outreach.xlsx"} <= names
    assert "worksheets.pdf" not in names  # PDFs come with the maps (maps=False here)


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)
