"""``--lang`` on every command, and messages in the language asked (issue 13)."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

from covplan._errors import InputError
from covplan.check.quality import assess_clip
from covplan.cli import build_parser, main
from covplan.survey import parse as P  # noqa: N812
from covplan.survey import read_survey
from covplan.vocab.messages import MESSAGES, current_lang, message, os_error_text, use_lang

DATA = Path(__file__).parent / "input_data" / "survey"


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every (sub)command path of the parser, the top level included."""
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commands(child, (*path, name))
    return found


def test_every_command_takes_lang() -> None:
    parser = build_parser()
    commands = _commands(parser)
    assert len(commands) > 20  # plan, demo, atlas, survey …, verify, campaign …, batch
    for cmd in commands:
        sub = parser
        for name in cmd:
            sub = next(
                a for a in sub._actions if isinstance(a, argparse._SubParsersAction)
            ).choices[name]
        flags = [a for a in sub._actions if "--lang" in a.option_strings]
        assert flags, f"covplan {' '.join(cmd)} has no --lang"
        assert list(flags[0].choices or []) == ["vi", "en"], cmd


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "survey", "check", str(DATA / "problems.csv")],
        ["survey", "check", str(DATA / "problems.csv"), "--lang", "en"],
    ],
)
def test_lang_before_or_after_the_command_agrees(argv: list[str]) -> None:
    code, out, _ = _run(argv)
    assert code == 1
    assert "problem(s)" in out and "row 4, column lat" in out


def test_the_default_is_vietnamese_everywhere() -> None:
    code, out, _ = _run(["survey", "check", str(DATA / "problems.csv")])
    assert code == 1
    assert "dòng 4, cột lat" in out and "lỗi theo cột" in out
    assert "problem(s)" not in out and " row " not in out
    code, _, err = _run(["plan", "--osm", "x.osm", "--solver", "gurobi"])
    assert code == 2 and "giá trị không hợp lệ" in err and "xem: covplan plan --help" in err
    code, _, err = _run(["--lang", "en", "plan", "--osm", "x.osm", "--solver", "gurobi"])
    assert code == 2 and "invalid choice" in err


def test_an_input_error_names_row_and_column_in_the_language_asked(tmp_path: Path) -> None:
    sites = tmp_path / "sites.txt"
    sites.write_text("pin\n", encoding="utf-8")
    argv = ["plan", "--osm", "x.osm", "--sites", str(sites), "--out", str(tmp_path / "o")]
    code, _, err = _run(argv)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "dòng 1" in err and "sites.txt" in err and "`pin" in err
    code, _, err = _run(["--lang", "en", *argv])
    assert code == 2 and "row 1" in err and "write 'pin SITE_ID'" in err


def test_cell_errors_render_in_each_language() -> None:
    with pytest.raises(P.CellError) as err:
        P.parse_heading("somewhere")
    assert str(err.value).startswith("is not a direction")  # the library's text: English
    assert err.value.text("vi").startswith("không phải hướng")
    with pytest.raises(P.CellError) as again:  # the cached outcome keeps its key
        P.parse_heading("somewhere")
    assert again.value.key == err.value.key
    phone = P.parse_phone("01223 456 789")
    assert phone is not None and phone.warning is not None
    assert "renumbered" in phone.warning and "0122" in (phone.warning_text("vi") or "")


def test_read_survey_reports_in_the_language_asked() -> None:
    vi = read_survey(DATA / "problems.csv", lenient=True, lang="vi")
    en = read_survey(DATA / "problems.csv", lenient=True, lang="en")
    assert len(vi.problems) == len(en.problems)
    assert [(p.row, p.column) for p in vi.problems] == [(p.row, p.column) for p in en.problems]
    assert all(p.message != q.message for p, q in zip(vi.problems, en.problems, strict=True))
    with pytest.raises(InputError, match="có đuôi tệp lạ"):
        read_survey(Path(__file__), lang="vi")


def test_picture_check_reasons_follow_the_language() -> None:
    dark = [np.full((120, 160, 3), 2, np.uint8) for _ in range(4)]
    vi = assess_clip(dark, lang="vi")
    en = assess_clip(dark, lang="en")
    assert vi.failures == en.failures == ["covered"]
    assert en.reasons[0].startswith("lens covered") and vi.reasons[0].startswith("ống kính")
    with use_lang("en"):
        assert assess_clip(dark).reasons == en.reasons
    assert current_lang() == "vi"


def test_messages_and_os_errors() -> None:
    with pytest.raises(KeyError):
        message("no.such.key")
    assert message("plan.files", "en", n=3, out="x") == "3 files → x/"
    assert os_error_text(FileNotFoundError(2, "No such file")) == message("os.ENOENT")
    assert os_error_text(FileNotFoundError(2, "No such file"), "en") == "No such file"
    assert os_error_text(OSError("odd"), "en") == message("os.other", "en", code="OSError")
    keys = [k for k in MESSAGES if k.startswith("verdict.")]
    assert {message(k, "vi") for k in keys} == {"ĐẠT", "KHÔNG ĐẠT", "CHƯA KIỂM TRA ĐƯỢC"}


@pytest.mark.parametrize(("lang", "alias", "word"), [("vi", "Loại vị trí", "mép đường"),
                                                      ("en", "Site kind", "roadside")])  # fmt: skip
def test_geopackage_fields_have_aliases_and_value_words(
    tmp_path: Path, lang: str, alias: str, word: str
) -> None:
    import sqlite3
    import xml.etree.ElementTree as ET

    import geopandas as gpd
    from shapely.geometry import Point

    from covplan.export import write_geopackage

    layer = gpd.GeoDataFrame(
        {"code": ["N01", "N02"], "site_kind": ["edge", "wall"], "compass": ["SE", "N"],
         "source": ["new", "new"]},
        geometry=[Point(107.59, 16.47), Point(107.591, 16.471)],
        crs=4326,
    )  # fmt: skip
    path = write_geopackage(tmp_path / "plan.gpkg", {"new_cameras": layer}, lang=lang)
    back = gpd.read_file(path, layer="new_cameras")
    assert list(back["site_kind"]) == ["edge", "wall"]  # stored values stay codes
    con = sqlite3.connect(path)
    try:
        aliases = dict(con.execute("SELECT column_name, name FROM gpkg_data_columns"))
        words = dict(
            con.execute(
                "SELECT value, description FROM gpkg_data_column_constraints "
                "WHERE constraint_name = ?",
                (f"new_cameras_site_kind_{lang}",),
            )
        )
        ext = {r[0] for r in con.execute("SELECT table_name FROM gpkg_extensions")}
        (qml,) = con.execute("SELECT styleQML FROM layer_styles").fetchone()
    finally:
        con.close()
    assert aliases["site_kind"] == alias and words["edge"] == word
    assert {"gpkg_data_columns", "gpkg_data_column_constraints"} <= ext
    root = ET.fromstring(qml)
    assert {a.get("field"): a.get("name") for a in root.iter("alias")}["site_kind"] == alias
    value_map = [o.attrib for o in root.iter("Option") if o.get("value") == "SE"]
    assert value_map and value_map[0]["name"] == ("Đông Nam" if lang == "vi" else "SE")
