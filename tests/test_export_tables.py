import json

import openpyxl
import pytest
from toy_plan import toy_plan

from covplan.export.tables import (
    INSTALL_COLUMNS,
    REAIM_COLUMNS,
    add_contacts,
    install_list,
    reaim_list,
    write_table,
)


@pytest.fixture(scope="module")
def toy():
    return toy_plan()


@pytest.fixture(scope="module")
def lists(toy):
    a = toy.area
    new = toy.chosen[toy.chosen.source == "new"]
    il = install_list(
        new, sites=toy.sites, routes=a.routes, groups=a.groups, catalogue=toy.catalogue
    )
    ra = reaim_list(
        toy.chosen[toy.chosen.source == "reaim"], toy.cameras, routes=a.routes, groups=a.groups
    )
    return il, ra


def test_install_list_rows(lists):
    il, _ = lists
    assert list(il.columns) == [*INSTALL_COLUMNS, "geometry"]
    assert list(il["code"]) == ["N01", "N02", "N03"]
    assert sorted(il.index) == [101, 102, 103]  # pose index kept
    row = il.loc[103]
    assert row["site_kind"] == "intersection"
    assert row["route_name"] == "Kiệt 40 Lê Lợi"
    assert row["group_name"] == "Tổ dân phố 2"
    assert row["compass"] == "N"
    assert row["spec_name"] == "IP dome 4 MP 2.8 mm"
    assert row["price_vnd"] == 1_900_000
    assert il.loc[102, "location"] == "ngay cuối kiệt cụt"  # a named end, not "đầu tuyến"
    assert il.loc[102, "map_geo"].startswith("geo:")
    assert "openstreetmap.org" in il.loc[102, "map_osm"]
    assert il.crs.to_epsg() == 4326


def test_reaim_list_rows(lists):
    _, ra = lists
    assert list(ra.columns) == [*REAIM_COLUMNS, "geometry"]
    r = ra.set_index("camera_id").loc["CAM-002"]
    assert (r["heading_now_deg"], r["heading_new_deg"], r["turn_deg"]) == (180, 270, 90)
    assert r["owner_id"] == "o-0b9c22" and r["retention_days"] == 14
    assert "name" not in ra.columns and "phone" not in ra.columns  # no personal data by default


def test_xlsx_csv_geojson_read_back(lists, tmp_path):
    il, ra = lists
    write_table(il, tmp_path / "install", lang="vi")
    wb = openpyxl.load_workbook(tmp_path / "install.xlsx")
    ws = wb.active
    head = [c.value for c in ws[1]]
    assert head[:4] == ["STT", "Mã camera", "Mã vị trí", "Loại vị trí"]
    gcol = head.index("Mã tổ") + 1
    cell = ws.cell(row=2, column=gcol)
    assert cell.value == "01" and cell.data_type == "s" and cell.number_format == "@"
    assert ws.cell(row=2, column=head.index("Tuyến") + 1).value == "Kiệt 12 Lê Lợi"
    assert ws.cell(row=2, column=head.index("Hướng quay") + 1).value == "Đông"
    assert ws.cell(row=2, column=head.index("Loại vị trí") + 1).value == "cột điện"
    raw = (tmp_path / "install.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "Kiệt 40 Lê Lợi" in text and "Tổ dân phố 2" in text and ",01," in text
    gj = json.loads((tmp_path / "install.geojson").read_text(encoding="utf-8"))
    assert len(gj["features"]) == 3
    assert gj["features"][0]["properties"]["route_name"] == "Kiệt 12 Lê Lợi"
    write_table(ra, tmp_path / "reaim", lang="en")
    head = [c.value for c in openpyxl.load_workbook(tmp_path / "reaim.xlsx").active[1]]
    assert "Owner (pseudonym)" in head and "New direction" in head
    assert "Phone" not in head


def test_contacts_are_explicit(toy, lists, tmp_path):
    _, ra = lists
    with_c = add_contacts(ra, toy.contacts)
    write_table(with_c, tmp_path / "reaim", lang="vi", formats=("xlsx",))
    ws = openpyxl.load_workbook(tmp_path / "reaim.xlsx").active
    head = [c.value for c in ws[1]]
    phone = ws.cell(row=2, column=head.index("Số điện thoại") + 1)
    assert phone.value == "0905 123 456" and phone.data_type == "s"
    assert ws.cell(row=2, column=head.index("Họ tên") + 1).value == "Nguyễn Văn An"


def test_empty_lists(toy, tmp_path):
    il = install_list(toy.chosen.iloc[0:0])
    assert len(il) == 0 and "code" in il.columns
    paths = write_table(il, tmp_path / "empty")
    assert all(p.exists() for p in paths)
