"""`covplan verify`: one source with --json, and a batch over a register; no password shown."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from servers.http_camera import http_camera, stalling_server

from covplan.check import forget_rejection
from covplan.cli import main
from covplan.vocab.messages import use_lang

VIDEO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "video"
ROAD = VIDEO / "road-overhead-640x360.avi"
SURVEY = Path(__file__).parent / "input_data" / "survey" / "demo-survey.csv"
SECRET = "Cli-s3cr3t-77"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


def frames(n: int = 8) -> list[np.ndarray]:
    c = cv2.VideoCapture(str(ROAD))
    out = []
    for i in range(n * 20):
        ok, f = c.read()
        if not ok:
            break
        if i % 20 == 0:
            out.append(f)
    return out


@pytest.mark.skipif(not ROAD.exists(), reason=f"real clips not found in {VIDEO}")
def test_verify_source_json_and_exit_codes(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    forget_rejection()
    with http_camera(frames(), user="admin", password=SECRET, fps=50) as url:
        src = url.replace("http://", f"http://admin:{SECRET}@") + "/mjpeg"
        code = main(["verify", "--source", src, "--frames", "8", "--json",
                     "--evidence", str(tmp_path / "ev.png")])  # fmt: skip
        out, err = capsys.readouterr()
        record = json.loads(out)
        assert code == 0 and record["verdict"] == "pass" and record["reasons"] == []
        assert (tmp_path / "ev.png").exists()
        # the same camera, blurred on purpose: covplan says fail, exit 1
        blurred = [cv2.GaussianBlur(f, (0, 0), 3) for f in frames()]
    with http_camera(blurred, fps=50) as url2:
        code = main(["verify", "--source", f"{url2}/mjpeg", "--frames", "8", "--json"])
        out2, err2 = capsys.readouterr()
    assert code == 1 and json.loads(out2)["verdict"] == "fail"
    assert any("out of focus" in r for r in json.loads(out2)["reasons"])
    for text in (out, err, out2, err2, caplog.text):
        assert SECRET not in text


def test_verify_stalling_source_is_an_error_without_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with stalling_server() as port:
        code = main(["verify", "--source", f"rtsp://admin:{SECRET}@127.0.0.1:{port}/x",
                     "--open-timeout", "0.5", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2 and "CaptureError" in err
    assert SECRET not in out + err


@pytest.mark.skipif(
    not (ROAD.exists() and SURVEY.exists()), reason="clips or survey fixture absent"
)
def test_verify_survey_batch_continues_past_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from covplan.survey.register import verifications_path

    monkeypatch.delenv("COVPLAN_OWNER_KEY", raising=False)
    monkeypatch.setenv("COVPLAN_OWNER_KEY_FILE", str(tmp_path / "keys" / "owner.key"))
    forget_rejection()
    with (
        http_camera(frames(), user="admin", password=SECRET, fps=50) as url,
        stalling_server() as dead,
    ):
        rows = list(csv.reader(SURVEY.read_text(encoding="utf-8-sig").splitlines()))
        rows[0].append("stream_url")
        for i, r in enumerate(rows[1:], start=1):
            r.append({1: url + "/mjpeg",
                      2: f"http://127.0.0.1:{dead}/mjpeg"}.get(i, ""))  # fmt: skip
        reg = tmp_path / "survey.csv"
        with open(reg, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
        first, second = rows[1][0], rows[2][0]
        monkeypatch.setenv(f"COVPLAN_CAMERA_PASSWORD_{first}", SECRET)
        code = main(["verify", "--survey", str(reg), "--frames", "6", "--open-timeout", "0.5",
                     "--read-timeout", "0.5", "--evidence", str(tmp_path / "ev")])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1, err  # one camera failed
    assert f"{first}: PASS" in out and f"{second}: FAIL" in out
    assert (tmp_path / "ev" / f"{first}.png").exists()
    side = verifications_path(reg).read_text(encoding="utf-8-sig")
    assert first in side and second in side
    assert SECRET not in out + err + side
