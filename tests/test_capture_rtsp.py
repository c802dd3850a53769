"""Capture from a real RTSP server: GStreamer's gst-rtsp-server serving the real clip as H.264."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers.rtsp import gstreamer_missing, rtsp_server

from covplan._errors import CaptureError
from covplan.check import forget_rejection
from covplan.check.capture import capture
from covplan.check.quality import assess_clip

VIDEO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "video"
ROAD = VIDEO / "road-overhead-640x360.avi"
SECRET = "Rtsp-s3cr3t#42"

_why = None if ROAD.exists() else f"real clips not found in {VIDEO} (../shared/data absent)"
_why = _why or gstreamer_missing()
pytestmark = pytest.mark.skipif(_why is not None, reason=_why or "")


@pytest.fixture(scope="module")
def rtsp_url() -> Iterator[str]:
    with rtsp_server(ROAD, user="admin", password=SECRET) as url:
        yield url


def test_rtsp_frames_captured_and_checked(
    rtsp_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    forget_rejection()
    monkeypatch.setenv("COVPLAN_CAMERA_PASSWORD_KIET_7", SECRET)
    clip = capture(rtsp_url, camera_id="kiet-7", max_frames=15, open_timeout_s=5, read_timeout_s=3)
    assert clip.kind == "rtsp" and len(clip) == 15
    assert (clip.width, clip.height) == (640, 360)
    assert clip.fps and 20 <= clip.fps <= 31
    report = assess_clip(clip.frames)
    assert not {"covered", "exposure", "blur"} & set(report.failures), report.reasons
    assert SECRET not in caplog.text and SECRET not in clip.source


def test_rtsp_wrong_password_once_and_redacted(
    rtsp_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    forget_rejection()
    bad = rtsp_url.replace("admin@", f"admin:{SECRET}x@")
    with pytest.raises(CaptureError, match="rejected the login") as first:
        capture(bad, camera_id="kiet-8", open_timeout_s=5)
    with pytest.raises(CaptureError, match="not trying again"):
        capture(bad, camera_id="kiet-8", open_timeout_s=5)
    with pytest.raises(CaptureError, match="asks for a password"):
        capture(rtsp_url, camera_id="kiet-9", open_timeout_s=5)
    assert SECRET not in str(first.value) and SECRET not in caplog.text


def test_rtsp_missing_path(rtsp_url: str) -> None:
    forget_rejection()
    wrong = rtsp_url.rsplit("/", 1)[0] + "/nothing"
    with pytest.raises(CaptureError, match="404"):
        capture(wrong, password=SECRET, open_timeout_s=5)
