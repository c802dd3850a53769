"""Writers: round trips for every format, text cells, BOM, privacy and atomic failure."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas.testing as gt
import openpyxl
import pandas as pd
import pandas.testing as pt
import pytest

import covplan
from covplan import InputError
from covplan.survey import Survey, read_survey, write_survey

DATA = Path(__file__).parent / "input_data" / "survey"
DEMO_EMBEDDED = Path(covplan.__file__).parent / "datasets" / "data" / "demo-survey.csv"
FORMATS = [".xlsx", ".csv", ".gpkg", ".osm"]


@pytest.fixture(autouse=True)
def _owner_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))


@pytest.fixture
def demo() -> Survey:
    return read_survey(DATA / "vi-headers.csv")  # ranges, Vietnamese text, several kinds


def _same(a: Survey, b: Survey, *, contacts: bool) -> None:
    gt.assert_geodataframe_equal(a.cameras, b.cameras)
    want = a.contacts if contacts else a.contacts.iloc[:0]
    pt.assert_frame_equal(
        want.reset_index(drop=True), b.contacts.reset_index(drop=True), check_dtype=False
    )
    assert list(b.contacts.index) == list(want.index)


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("include_contacts", [False, True])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_round_trip(
    demo: Survey, tmp_path: Path, suffix: str, include_contacts: bool, lang: str
) -> None:
    out = write_survey(demo, tmp_path / f"s{suffix}", include_contacts=include_contacts, lang=lang)
    back = read_survey(out)
    _same(demo, back, contacts=include_contacts)
    again = write_survey(
        back, tmp_path / f"t{suffix}", include_contacts=include_contacts, lang=lang
    )
    _same(back, read_survey(again), contacts=include_contacts)


def test_csv_has_bom_and_vietnamese_intact(demo: Survey, tmp_path: Path) -> None:
    out = write_survey(demo, tmp_path / "s.csv", lang="vi")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text.splitlines()[0].startswith("Mã camera,Mã chủ (ẩn danh),Loại chủ,Địa chỉ")
    assert "Ngõ 12 Ngách 3 Nguyễn Huệ" in text and "hộ gia đình" in text


def test_xlsx_phones_ids_and_house_numbers_are_text(demo: Survey, tmp_path: Path) -> None:
    out = write_survey(demo, tmp_path / "s.xlsx", include_contacts=True, lang="en")
    ws = openpyxl.load_workbook(out)["cameras"]
    header = [c.value for c in ws[1]]
    phone_col = header.index("phone") + 1
    addr_col = header.index("address") + 1
    lat_col = header.index("lat") + 1
    for r in range(2, ws.max_row + 1):
        phone = ws.cell(row=r, column=phone_col)
        assert isinstance(phone.value, str) and phone.value.startswith("0")
        assert phone.number_format == "@"
        assert ws.cell(row=r, column=addr_col).number_format == "@"
        assert isinstance(ws.cell(row=r, column=lat_col).value, float)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["cameras", "contacts"]


def _bytes_of(path: Path) -> bytes:
    if path.suffix == ".xlsx":  # a zip: search the XML inside
        with zipfile.ZipFile(path) as z:
            return b"".join(z.read(n) for n in z.namelist())
    return path.read_bytes()


def _needles(survey: Survey) -> list[bytes]:
    import phonenumbers

    out = []
    for _, c in survey.contacts.iterrows():
        out.append(c["name"].encode("utf-8"))
        num = phonenumbers.parse(c["phone"], "VN")
        national = "0" + str(num.national_number)
        out += [c["phone"].encode(), national.encode(), national[1:].encode()]
        out.append(
            phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL).encode()
        )
    return out


@pytest.mark.parametrize("source", [DATA / "demo-survey.csv", DEMO_EMBEDDED])
def test_no_owner_name_or_phone_in_default_outputs(source: Path, tmp_path: Path) -> None:
    survey = read_survey(source)
    needles = _needles(survey)
    assert len(survey.contacts) >= 5 and needles
    for suffix in FORMATS:
        default = _bytes_of(write_survey(survey, tmp_path / f"default{suffix}"))
        found = [n for n in needles if n in default]
        assert not found, f"{suffix} leaks {found[:3]}"
        # the search does find them when contacts are asked for
        full = _bytes_of(write_survey(survey, tmp_path / f"full{suffix}", include_contacts=True))
        names = [c.encode("utf-8") for c in survey.contacts["name"]]
        assert all(n in full for n in names), suffix
        for _, c in survey.contacts.iterrows():
            forms = _needles(Survey(cameras=survey.cameras, contacts=pd.DataFrame([c])))[1:]
            assert any(f in full for f in forms), suffix


def test_failed_write_leaves_the_old_file(demo: Survey, tmp_path: Path) -> None:
    for suffix in FORMATS:
        out = tmp_path / f"keep{suffix}"
        out.write_bytes(b"precious")
        broken = Survey(cameras=demo.cameras.drop(columns="status"), contacts=demo.contacts)
        with pytest.raises(InputError, match="lacks columns"):
            write_survey(broken, out)
        assert out.read_bytes() == b"precious"
        bad = demo.cameras.copy()
        bad["hfov_deg"] = bad["hfov_deg"].astype(object)
        bad.loc[bad.index[0], "hfov_deg"] = "wide"
        with pytest.raises(InputError, match="not numeric"):
            write_survey(Survey(cameras=bad, contacts=demo.contacts), out)
        assert out.read_bytes() == b"precious"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")) == []
    with pytest.raises(InputError, match="cannot write"):
        write_survey(demo, tmp_path / "s.pdf")


def test_osm_output_is_marked_never_upload(demo: Survey, tmp_path: Path) -> None:
    text = write_survey(demo, tmp_path / "s.osm").read_text(encoding="utf-8")
    assert 'upload="never"' in text and 'k="camera:direction" v="45"' in text
    assert 'k="camera:type" v="panning"' in text  # K04 pans 90–180


def test_empty_survey_round_trips(tmp_path: Path) -> None:
    empty = read_survey(DATA / "demo-survey.csv")
    empty = Survey(cameras=empty.cameras.iloc[:0], contacts=empty.contacts.iloc[:0])
    for suffix in (".xlsx", ".csv", ".osm"):
        back = read_survey(write_survey(empty, tmp_path / f"e{suffix}"))
        assert len(back.cameras) == 0 and isinstance(back.cameras, pd.DataFrame)
