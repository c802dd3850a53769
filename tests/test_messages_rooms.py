"""The area, capture, planning, batch and campaign errors speak the language in use (issue 13)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

import covplan
from covplan._errors import InputError
from covplan.batch import read_manifest
from covplan.campaign._values import amount_vnd
from covplan.check.capture import capture
from covplan.cli import main
from covplan.plan import PlanOptions
from covplan.vocab.messages import message, use_lang


def _err(argv: list[str]) -> str:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(argv)
        except SystemExit:
            pass
    return err.getvalue()


def test_a_missing_osm_file_is_said_in_vietnamese_by_default(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        covplan.area_from_xml(tmp_path / "none.osm")
    assert message("osm.not_found", "vi") in str(err.value)
    assert "không tìm thấy tệp" in str(err.value)
    with use_lang("en"), pytest.raises(InputError, match="file not found; give the path"):
        covplan.area_from_xml(tmp_path / "none.osm")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_command_says_it_in_the_language_asked(tmp_path: Path, lang: str) -> None:
    line = _err(
        ["--lang", lang, "plan", "--osm", str(tmp_path / "x.osm"), "--out", str(tmp_path / "o")]
    )
    assert message("osm.not_found", lang) in line


def test_capture_and_options_follow_the_language(tmp_path: Path) -> None:
    with use_lang("vi"), pytest.raises(InputError, match="không tìm thấy tệp video"):
        capture(tmp_path / "none.avi")
    with use_lang("en"), pytest.raises(InputError, match=r"video file .* not found"):
        capture(tmp_path / "none.avi")
    with use_lang("vi"), pytest.raises(InputError, match="tuỳ chọn lập kế hoạch"):
        PlanOptions(spacing_m=-1)
    with use_lang("vi"), pytest.raises(InputError, match="không phải một số tiền"):
        amount_vnd(True, "amount_vnd")


def test_a_manifest_problem_is_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "wards.csv"
    path.write_text("name,osm\nA,missing.osm\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_manifest(path)
    assert message("batch.file_not_found", "vi", what=message("batch.what.osm", "vi")) in str(
        err.value
    )
