"""Reading and validating the survey register."""

from __future__ import annotations

import bz2
import csv
import json
import math
import os
import stat
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely import box
from shapely.geometry import Point

import covplan
from covplan import InputError
from covplan.survey import CAMERA_COLUMNS, CONTACT_COLUMNS, read_survey, survey_from_osm_cameras
from covplan.survey.privacy import owner_key, pseudonym

DATA = Path(__file__).parent / "input_data" / "survey"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEMO_EMBEDDED = Path(covplan.__file__).parent / "datasets" / "data" / "demo-survey.csv"


class Ward:
    """Stands in for an Area: only the boundary is used."""

    boundary = box(107.58, 16.46, 107.60, 16.48)


@pytest.fixture(autouse=True)
def _owner_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))


def test_demo_sheet_reads_clean() -> None:
    s = covplan.read_survey(DATA / "demo-survey.csv", area=Ward())
    assert list(s.cameras.columns) == list(CAMERA_COLUMNS)
    assert list(s.contacts.columns) == list(CONTACT_COLUMNS)
    assert s.cameras.crs.to_epsg() == 4326
    assert list(s.cameras.index) == list(s.cameras["camera_id"])
    c01 = s.cameras.loc["C01"]
    assert (c01.geometry.x, c01.geometry.y) == (107.5923, 16.4712)
    assert c01.heading_deg == 135 and c01.hfov_deg == 90 and c01.resolution_px == 1920
    assert c01.is_ip and c01.participates and c01.adjustable == "yes"
    assert (c01.house_number, c01.alley, c01.street) == ("12", "Kiệt 34", "Chi Lăng")
    assert s.cameras["status"].tolist() == [
        "surveyed",
        "contacted",
        "agreed",
        "declined",
        "adjusted",
        "verified",
    ]
    # C01 and C05 share an owner (same phone): one pseudonym, one contact
    assert s.cameras.loc["C01", "owner_id"] == s.cameras.loc["C05", "owner_id"]
    assert len(s.contacts) == 5
    assert s.contacts.loc[c01.owner_id, "phone"] == "+84905123456"
    assert s.contacts.loc[c01.owner_id, "name"] == "Nguyễn Văn An"
    # no personal data in the cameras table
    flat = [str(v) for v in s.cameras.drop(columns="geometry").to_numpy().ravel()]
    assert not any("Nguyễn Văn An" in v or "0905" in v or "+84" in v for v in flat)


@pytest.mark.skipif(not DEMO_EMBEDDED.exists(), reason="the lead's demo ward survey is not built")
def test_embedded_demo_survey_reads_clean() -> None:
    s = covplan.read_survey(DEMO_EMBEDDED)
    assert len(s.cameras) > 0 and not s.problems


def test_vietnamese_headers_and_spellings() -> None:
    s = read_survey(DATA / "vi-headers.csv")
    cams = s.cameras
    assert cams.loc["K01", "heading_deg"] == 45 and cams.loc["K01", "mount_height_m"] == 3.5
    assert cams.loc["K01", "geometry"].y == pytest.approx(16.4630)
    assert cams.loc["K02", "heading_deg"] == 126 and cams.loc["K02", "owner_kind"] == "business"
    assert cams.loc["K02", "retention_days"] == 14 and cams.loc["K02", "adjustable"] == "unknown"
    assert cams.loc["K03", "heading_deg"] == 0 and cams.loc["K03", "resolution_px"] == 2560
    assert cams.loc["K03", "retention_days"] == 30 and cams.loc["K03", "status"] == "agreed"
    k04 = cams.loc["K04"]
    assert (k04.heading_min_deg, k04.heading_max_deg, k04.heading_deg) == (90, 180, 135)
    assert k04.alley == "Ngõ 12 Ngách 3" and k04.status == "surveyed"
    assert sorted(s.contacts["phone"]) == sorted(
        ["+84905222333", "+84914555666", "+842343823456", "+84913666777"]
    )


def test_kobo_export_geopoint_and_precision() -> None:
    with pytest.raises(InputError) as err:
        read_survey(DATA / "kobo-export.csv")
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (3, "_location_precision")
    s = read_survey(DATA / "kobo-export.csv", lenient=True)
    assert list(s.cameras["camera_id"]) == ["C001", "C002"]  # kept, and reported
    assert s.cameras.geometry.iloc[0].coords[0] == (107.5901, 16.4701)


def test_kobo_geopoint_string_only(tmp_path: Path) -> None:
    text = (DATA / "kobo-export.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(text, delimiter=";"))
    keep = [i for i, h in enumerate(rows[0]) if not h.startswith("_location")]
    out = tmp_path / "kobo.csv"
    out.write_text("\n".join(",".join(r[i] for i in keep) for r in rows), encoding="utf-8")
    s = read_survey(out, lenient=True)
    assert s.cameras.geometry.iloc[0].coords[0] == (107.5901, 16.4701)  # latitude first
    assert [(p.row, p.column) for p in s.problems] == [(3, "location")]  # accuracy 60 m


def test_odk_central_export() -> None:
    s = read_survey(DATA / "odk-export.csv")
    assert s.cameras.loc["O01"].geometry.coords[0] == (107.5880, 16.4660)
    assert (
        s.cameras.loc["O02", "heading_deg"] == 225
        and s.cameras.loc["O02", "owner_kind"] == "public"
    )


def test_geojson() -> None:
    s = read_survey(DATA / "cameras.geojson")
    assert list(s.cameras.index) == ["G01", "G02"]
    assert s.cameras.loc["G01", "heading_deg"] == 45 and not s.cameras.loc["G02", "participates"]
    assert len(s.contacts) == 0


def test_every_problem_is_reported_with_row_and_column() -> None:
    with pytest.raises(InputError) as err:
        read_survey(DATA / "problems.csv", area=Ward())
    got = [(p.row, p.column or "", p.message) for p in err.value.problems]
    with open(DATA / "problems-expected.csv", encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    assert len(got) == len(expected)
    for exp in expected:
        hits = [
            g
            for g in got
            if g[0] == int(exp["row"]) and g[1] == exp["column"] and exp["kind"] in g[2]
        ]
        assert hits, f"expected a problem {exp} in {got}"
    text = str(err.value)
    assert "problems.csv" in text and "row 4, column lat" in text and "swap" in text
    # personal data is masked in the report
    assert "01689 123 456" not in text and "01…56" in text


def test_lenient_report_keeps_the_usable_cameras() -> None:
    s = read_survey(DATA / "problems.csv", lenient=True, area=Ward())
    assert len(s.problems) == 12
    # swapped coordinates are fixed, bad values become unknown, duplicates and
    # rows without a usable position are left out
    assert set(s.cameras.index) == {"B01", "B03", "B04", "B05", "B07", "B10"}
    assert s.cameras.loc["B03"].geometry.coords[0] == (107.5925, 16.4714)
    assert math.isnan(s.cameras.loc["B04", "heading_deg"])
    assert s.cameras.loc["B07", "owner_id"] == pseudonym("+84389123456", key=owner_key())


def test_read_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_survey(tmp_path / "nope.csv")
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xlsx"):
        read_survey(tmp_path / "a.xls")
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"b\.xlsx.*not a readable XLSX"):
        read_survey(tmp_path / "b.xlsx")
    (tmp_path / "c.csv").write_text("camera_id,owner_kind\nC1,household\n", encoding="utf-8")
    with pytest.raises(InputError, match="no coordinate columns"):
        read_survey(tmp_path / "c.csv")
    (tmp_path / "d.csv").write_bytes(b"")
    with pytest.raises(InputError, match="no header"):
        read_survey(tmp_path / "d.csv")


def test_xlsx_with_title_rows_numbers_rows_as_excel(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CAMERA TỔ 5"])
    ws.append([])
    ws.append(["Mã camera", "Chủ hộ", "Điện thoại", "Loại chủ", "Vĩ độ", "Kinh độ", "Hướng"])
    ws.append(["X1", "Ai Đó", 905123456, "hộ dân", 16.47, 107.59, "Nam"])
    ws.append(["X2", "Ai Khác", "0905123457", "hộ dân", 16.471, 107.591, "Tây"])
    ws.append(["X3", "Ai Nữa", "0905123458", "hộ dân", 16.472, 107.592, "lung tung"])
    wb.save(tmp_path / "s.xlsx")
    s = read_survey(tmp_path / "s.xlsx", lenient=True)
    assert s.contacts["phone"].tolist()[0] == "+84905123456"  # a number cell lost its 0
    assert s.cameras.loc["X1", "heading_deg"] == 180 and s.cameras.loc["X2", "heading_deg"] == 270
    ((p),) = s.problems
    assert (p.row, p.column, p.value) == (6, "Hướng", "lung tung")


def test_owner_key_file_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys" / "owner.key"
    assert not path.exists()
    a = read_survey(DATA / "demo-survey.csv")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    b = read_survey(DATA / "demo-survey.csv")
    assert a.cameras["owner_id"].tolist() == b.cameras["owner_id"].tolist()
    # another key gives other pseudonyms; the env variable wins over the file
    monkeypatch.setenv("COVPLAN_OWNER_KEY", "another secret")
    c = read_survey(DATA / "demo-survey.csv")
    assert set(c.cameras["owner_id"]).isdisjoint(a.cameras["owner_id"])
    assert os.environ["COVPLAN_OWNER_KEY"] not in path.read_text()


def test_owner_id_is_keyed_not_a_plain_hash() -> None:
    import hashlib

    oid = pseudonym("+84905123456", key=b"k1")
    assert oid != pseudonym("+84905123456", key=b"k2")
    plain = hashlib.sha256(b"+84905123456").hexdigest()
    assert oid[4:] not in plain and len(oid) == 20


def _osm_frame() -> gpd.GeoDataFrame:
    tags = [
        {
            "man_made": "surveillance",
            "surveillance": "public",
            "camera:direction": "NE",
            "camera:type": "fixed",
            "height": "4 m",
            "surveillance:zone": "traffic",
        },
        {
            "man_made": "surveillance",
            "surveillance": "outdoor",
            "camera:direction": "90-180",
            "camera:type": "panning",
            "camera:mount": "wall",
        },
        {"man_made": "surveillance", "camera:type": "spinning-top"},
    ]
    cols = [
        "camera:direction",
        "camera:type",
        "camera:mount",
        "height",
        "surveillance",
        "surveillance:type",
        "surveillance:zone",
    ]
    return gpd.GeoDataFrame(
        {
            "camera_id": ["osm-node-1", "osm-node-2", "osm-node-3"],
            "osm_id": [1, 2, 3],
            "tags": tags,
            **{c: [t.get(c) for t in tags] for c in cols},
        },
        geometry=[Point(107.59, 16.47), Point(107.591, 16.471), Point(107.592, 16.472)],
        crs="EPSG:4326",
    )


def test_osm_cameras_of_an_area() -> None:
    with pytest.raises(InputError, match="spinning-top"):
        survey_from_osm_cameras(_osm_frame())
    s = survey_from_osm_cameras(_osm_frame(), lenient=True, area=Ward())
    cams = s.cameras
    assert list(cams.index) == ["osm-node-1", "osm-node-2", "osm-node-3"]
    assert cams.loc["osm-node-1", "heading_deg"] == 45
    assert cams.loc["osm-node-1", "mount_height_m"] == 4
    assert cams.loc["osm-node-1", "owner_kind"] == "public"
    assert cams.loc["osm-node-2", "owner_kind"] == "household"
    assert (
        cams.loc["osm-node-2", "heading_min_deg"],
        cams.loc["osm-node-2", "heading_max_deg"],
    ) == (90, 180)
    assert not cams["participates"].any() and set(cams["adjustable"]) == {"unknown"}
    assert len(s.contacts) == 0 and (cams["owner_id"] == "").all()
    assert [(p.row, p.column) for p in s.problems] == [(4, "camera:type")]

    class AreaLike:
        osm_cameras = _osm_frame().iloc[:2]
        boundary = box(107.5905, 16.4705, 107.60, 16.48)

    s2 = survey_from_osm_cameras(AreaLike(), lenient=True)
    assert ["outside the ward" in p.message for p in s2.problems] == [True]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is absent (a fresh clone)")
def test_real_osm_extract_surveillance_node(tmp_path: Path) -> None:
    osm = tmp_path / "dakao.osm"
    osm.write_bytes(bz2.decompress((SHARED / "osm" / "hcmc-dakao-1km.osm.bz2").read_bytes()))
    s = read_survey(osm)
    assert list(s.cameras.index) == ["osm-node-5009158322"]
    pt = s.cameras.geometry.iloc[0]
    assert (pt.x, pt.y) == (106.6958950, 10.7880257)
    assert math.isnan(s.cameras["heading_deg"].iloc[0])


def test_geojson_problems(tmp_path: Path) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[107.5, 16.4], [107.6, 16.5]]},
                "properties": {"camera_id": "L1", "owner_kind": "household"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {
                    "camera_id": "L2",
                    "owner_kind": "household",
                    "lat": 16.47,
                    "lon": 107.59,
                },
            },
        ],
    }
    (tmp_path / "x.geojson").write_text(json.dumps(fc), encoding="utf-8")
    s = read_survey(tmp_path / "x.geojson", lenient=True)
    assert list(s.cameras.index) == ["L2"]
    assert [p.row for p in s.problems] == [2, 2]  # not a point; so no coordinates


def test_demo_ward_area(demo_area) -> None:  # type: ignore[no-untyped-def]
    """The real Area of the embedded demo ward: its OSM cameras and its survey sheet."""
    osm = survey_from_osm_cameras(demo_area)
    assert len(osm.cameras) == len(demo_area.osm_cameras) > 0
    assert list(osm.cameras.index) == list(demo_area.osm_cameras["camera_id"])
    want = demo_area.osm_cameras["camera:direction"].astype(float).to_numpy()
    assert osm.cameras["heading_deg"].to_numpy() == pytest.approx(want)
    sheet = read_survey(DEMO_EMBEDDED, area=demo_area)
    assert len(sheet.cameras) > 0 and not sheet.problems


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/ISAPI/Streaming/channels/101/picture?password=secret",
        "http://10.0.0.5/cgi-bin/snapshot.cgi?user=admin&pwd=secret",
        "rtsp://admin:secret@10.0.0.5:554/Streaming/Channels/101",
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_stream_url_secrets_never_kept(url: str, suffix: str, tmp_path: Path) -> None:
    from covplan.survey import write_survey

    src = tmp_path / "survey.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["camera_id", "owner_kind", "lat", "lon", "heading_deg", "stream_url"])
        w.writerow(["S01", "household", "16.4712", "107.5923", "90", url])
    s = read_survey(src, lenient=True)
    # the secret is a problem for the survey team, shown without the secret
    flagged = [p for p in s.problems if p.column == "stream_url"]
    assert len(flagged) == 1 and "password" in flagged[0].message
    assert "secret" not in str(flagged[0].value)
    # the camera is kept, with a credential-free template in place of the secret
    kept = s.cameras.loc["S01", "stream_url"]
    assert "{password}" in kept and "secret" not in kept
    assert not s.cameras.astype(str).apply(lambda col: col.str.contains("secret")).any().any()
    # nor in a written register
    out = write_survey(s, tmp_path / f"out{suffix}", lang="vi")
    if suffix == ".csv":
        text = out.read_text(encoding="utf-8-sig")
    else:
        wb = openpyxl.load_workbook(out)
        text = "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    assert "secret" not in text and "{password}" in text
