"""Property-based tests: malformed rows and files give InputError or a lenient report, never
anything else, and a failed write never touches the file already saved.

Example counts (≈ 1,400 generated rows and files, plus 600 cells): CSV 150 files of 1–8
rows, XLSX 60 files of 1–6 rows, GeoJSON 200, OSM 150, raw bytes 200, cell parsers 600.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from covplan import InputError
from covplan.survey import CAMERA_COLUMNS, Survey, read_survey, write_survey
from covplan.survey import parse as P  # noqa: N812
from covplan.survey.read import VN_LAT, VN_LON

HEADERS = [
    "camera_id",
    "Mã camera",
    "owner_name",
    "Chủ hộ",
    "owner_kind",
    "Loại chủ",
    "phone",
    "Điện thoại",
    "address",
    "Địa chỉ",
    "lat",
    "Vĩ độ",
    "lon",
    "Kinh độ",
    "location",
    "_location_latitude",
    "_location_longitude",
    "_location_precision",
    "heading_deg",
    "Hướng",
    "heading_min_deg",
    "heading_max_deg",
    "hfov_deg",
    "resolution_px",
    "mount_height_m",
    "tilt_deg",
    "retention_days",
    "is_ip",
    "participates",
    "adjustable",
    "status",
    "stream_url",
    "camera:type",
    "Ghi chú",
    "",
    "lat",
]
TOKENS = [
    "",
    " ",
    "C01",
    "C02",
    "household",
    "hộ gia đình",
    "spaceship",
    "0905 123 456",
    "01689123456",
    "+84 234 3822 123",
    "12345",
    "16.4712",
    "107.5923",
    "16,47",
    "107,59",
    "0",
    "-1",
    "400",
    "90-180",
    "NE",
    "ĐB",
    "Hướng Bắc",
    "126° SE",
    "NE-ish",
    "2MP",
    "1080p",
    "3,5 m",
    "7 ngày",
    "yes",
    "có",
    "không",
    "maybe",
    "surveyed",
    "từ chối",
    "rtsp://u:p@1.2.3.4/x",
    "ftp://x",
    "16.47 107.59 10 4",
    "16.47 107.59 10 400",
    "nan",
    "inf",
    "1e309",
    "=1+1",
    '"',
    "\n",
    ";",
    "12 Kiệt 34 Chi Lăng",
    "123/45/6 Nguyễn Trãi",
    "Ngõ 12 Ngách 3",
    "\x00",
    "\u0301",
    "💥",
]
cell = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))
vn_lat = st.floats(VN_LAT[0], VN_LAT[1])
vn_lon = st.floats(VN_LON[0], VN_LON[1])
FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _owner_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))


def _check_survey(s: Survey) -> None:
    assert list(s.cameras.columns) == list(CAMERA_COLUMNS)
    assert s.cameras.index.is_unique
    for g in s.cameras.geometry:
        assert VN_LAT[0] <= g.y <= VN_LAT[1] and VN_LON[0] <= g.x <= VN_LON[1]
    for h in s.cameras["heading_deg"]:
        assert math.isnan(h) or 0 <= h < 360
    assert set(s.cameras["status"]) <= {
        "surveyed",
        "contacted",
        "agreed",
        "adjusted",
        "verified",
        "declined",
    }
    for url in s.cameras["stream_url"]:
        assert "u:p@" not in url


def _read_both(path: Path) -> Survey | None:
    try:
        strict = read_survey(path)
    except InputError as err:
        assert err.problems and all(str(p) for p in err.problems)
    else:
        _check_survey(strict)
        assert not strict.problems
    try:
        lenient = read_survey(path, lenient=True)
    except InputError:
        return None  # the file itself is unreadable: also an InputError, as it should be
    _check_survey(lenient)
    return lenient


def _write_over(survey: Survey, tmp: Path, suffix: str, lang: str) -> None:
    """Write over an existing file: success reads back the same; failure leaves it."""
    out = tmp / f"saved{suffix}"
    out.write_bytes(b"saved before")
    try:
        write_survey(survey, out, lang=lang)
    except InputError:
        assert out.read_bytes() == b"saved before"
        return
    # a register read leniently keeps its problems (e.g. an empty owner kind): reading the
    # written copy must find the same register, so it is read the same way
    back = read_survey(out, lenient=bool(survey.problems))
    assert back.cameras.drop(columns="owner_id").equals(survey.cameras.drop(columns="owner_id"))
    assert list(back.cameras["owner_id"]) == list(survey.cameras["owner_id"])


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, int]:
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10))
    if draw(st.booleans()):
        headers = ["camera_id", "owner_kind", "lat", "lon", *headers]
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        row = [draw(cell) for _ in headers]
        if headers[:4] == ["camera_id", "owner_kind", "lat", "lon"] and draw(st.booleans()):
            row[:4] = [f"C{i}", "household", repr(draw(vn_lat)), repr(draw(vn_lon))]
        rows.append(row)
    delim = draw(st.sampled_from([",", ";", "\t"]))

    def q(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in '",;\t\n\r') else v

    text = "\r\n".join(delim.join(q(v) for v in r) for r in [headers, *rows])
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:  # damage a few bytes
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=4)) + data[pos + 1 :]
    return data, n


# found by hypothesis in CI: a lenient register with an empty owner kind, written to OSM,
# came back as "household" (the reader inferred it as for a mapper's node)
_EMPTY_KIND = (
    b"owner_name,owner_name,location,owner_name,camera_id,camera_id,camera_id,camera_id,"
    b"camera_id,camera_id\r\n" + b",,,,,,,,,\r\n" * 5 + b",,16.47 107.59 10 4,,C01,,,,,",
    6,
)


@settings(FAST, max_examples=150)
@given(
    data=csv_files(),
    suffix=st.sampled_from([".xlsx", ".csv", ".gpkg", ".osm"]),
    lang=st.sampled_from(["vi", "en"]),
)
@example(data=_EMPTY_KIND, suffix=".osm", lang="vi")
@example(data=_EMPTY_KIND, suffix=".xlsx", lang="vi")
def test_csv_rows(tmp_path: Path, data: tuple[bytes, int], suffix: str, lang: str) -> None:
    path = tmp_path / "survey.csv"
    try:
        path.write_bytes(data[0])
    except UnicodeEncodeError:  # pragma: no cover - surrogates cannot be written
        return
    survey = _read_both(path)
    if survey is not None and len(survey.cameras):
        _write_over(survey, tmp_path, suffix, lang)


xlsx_cell = st.one_of(
    cell,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.none(),
)


@settings(FAST, max_examples=60)
@given(
    headers=st.lists(st.sampled_from(HEADERS), min_size=2, max_size=8),
    rows=st.lists(st.lists(xlsx_cell, min_size=0, max_size=9), min_size=1, max_size=6),
    title=st.booleans(),
)
def test_xlsx_rows(tmp_path: Path, headers: list[str], rows: list[list[Any]], title: bool) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append(["DANH SÁCH CAMERA"])
    ws.append(headers)
    for r in rows:
        try:
            ws.append(r)
        except Exception:  # openpyxl refuses some control characters: not our reader's input
            return
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    survey = _read_both(path)
    if survey is not None and len(survey.cameras):
        _write_over(survey, tmp_path, ".xlsx", "vi")


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), cell),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(cell, children, max_size=3),
    max_leaves=8,
)
feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": st.one_of(
            st.none(),
            json_value,
            st.builds(
                lambda x, y: {"type": "Point", "coordinates": [x, y]},
                st.one_of(vn_lon, st.floats(), json_value),
                st.one_of(vn_lat, st.floats(), json_value),
            ),
        ),
        "properties": st.one_of(
            json_value,
            st.dictionaries(st.sampled_from(HEADERS), st.one_of(cell, json_value), max_size=6),
        ),
    }
)


@settings(FAST, max_examples=200)
@given(
    doc=st.one_of(
        json_value,
        st.builds(
            lambda fs: {"type": "FeatureCollection", "features": fs},
            st.lists(st.one_of(feature, json_value), max_size=5),
        ),
    )
)
def test_geojson_files(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "survey.geojson"
    path.write_text(
        json.dumps(doc, ensure_ascii=False, allow_nan=True),
        encoding="utf-8",
        errors="surrogatepass",
    )
    _read_both(path)


@settings(FAST, max_examples=150)
@given(
    nodes=st.lists(
        st.tuples(
            st.one_of(vn_lat, st.floats(), st.sampled_from(["x", ""])),
            st.one_of(vn_lon, st.floats(), st.sampled_from(["y", ""])),
            st.dictionaries(
                st.sampled_from(
                    [
                        "camera:direction",
                        "height",
                        "camera:type",
                        "surveillance",
                        "covplan:owner_kind",
                        "covplan:status",
                        "ref",
                        "name",
                        "covplan:hfov_deg",
                        "operator",
                        "contact:phone",
                    ]
                ),
                cell,
                max_size=6,
            ),
        ),
        max_size=5,
    ),
    tail=st.sampled_from(["</osm>", "", "<node", "<!DOCTYPE x [<!ENTITY a 'b'>]>"]),
)
def test_osm_files(tmp_path: Path, nodes: list[Any], tail: str) -> None:
    from xml.sax.saxutils import quoteattr

    lines = ["<osm version='0.6'>"]
    for i, (lat, lon, tags) in enumerate(nodes):
        lines.append(f"<node id='{i}' lat={quoteattr(str(lat))} lon={quoteattr(str(lon))}>")
        lines.append("<tag k='man_made' v='surveillance'/>")
        lines += [f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("</node>")
    lines.append(tail)
    path = tmp_path / "survey.osm"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    _read_both(path)


@settings(FAST, max_examples=200)
@given(
    data=st.binary(max_size=200),
    suffix=st.sampled_from([".csv", ".xlsx", ".geojson", ".gpkg", ".osm"]),
)
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"survey{suffix}"
    path.write_bytes(data)
    _read_both(path)
    assert path.read_bytes() == data  # reading never changes the file


@settings(max_examples=600, deadline=None)
@given(value=cell)
def test_cell_parsers_raise_only_value_error(value: str) -> None:
    for parser in (
        P.parse_heading,
        P.parse_phone,
        P.parse_resolution,
        P.parse_retention,
        P.parse_bool,
        P.parse_owner_kind,
        P.parse_status,
        P.parse_address,
    ):
        try:
            parser(P.text(value))
        except ValueError as err:
            assert str(err)
