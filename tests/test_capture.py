"""Capture from a file, a real HTTP MJPEG/snapshot server, a stalling server, and (in
test_capture_rtsp.py) a real RTSP server; passwords never show."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from servers.http_camera import http_camera, stalling_server

from covplan._errors import CaptureError, InputError
from covplan._redact import redact, redact_url
from covplan.check import _credentials, forget_rejection, resolve_credentials
from covplan.check.capture import capture
from covplan.check.quality import assess_clip
from covplan.check.urls import snapshot_url, stream_url, with_credentials
from covplan.vocab.messages import use_lang


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


VIDEO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "video"
ROAD = VIDEO / "road-overhead-640x360.avi"
needs_video = pytest.mark.skipif(
    not ROAD.exists(), reason=f"real clips not found in {VIDEO} (../shared/data absent)"
)
SECRET = "Zx9-s3cr3t!pw"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("COVPLAN_CAMERA_PASSWORD", "COVPLAN_CAMERA_USER"):
        monkeypatch.delenv(var, raising=False)
    forget_rejection()


@pytest.fixture(scope="module")
def road_frames() -> list[np.ndarray]:
    if not ROAD.exists():
        pytest.skip(f"real clips not found in {VIDEO}")
    c = cv2.VideoCapture(str(ROAD))
    frames = []
    for i in range(200):
        ok, f = c.read()
        if not ok:
            break
        if i % 20 == 0:
            frames.append(f)
    return frames


def test_raw_passwords_with_url_characters() -> None:
    raw = "rtsp://admin:p#ss/w@rd@10.0.0.5:554/cam/realmonitor?channel=1&subtype=0"
    assert redact_url(raw) == "rtsp://admin:***@10.0.0.5:554/cam/realmonitor?channel=1&subtype=0"
    assert resolve_credentials(raw) == ("admin", "p#ss/w@rd")


def test_redact_url() -> None:
    assert redact_url("rtsp://admin:pa:ss@10.0.0.5:554/x") == "rtsp://admin:***@10.0.0.5:554/x"
    assert redact_url("http://u:p%40ss@h/cgi?channel=1&pwd=abc&x=2") == (
        "http://u:***@h/cgi?channel=1&pwd=***&x=2"
    )
    assert redact_url("rtsp://admin@h:554/x") == "rtsp://admin@h:554/x"
    assert redact_url("videos/clip.avi") == "videos/clip.avi"
    text = f"failed rtsp://a:{SECRET}@h/x and again {SECRET}"
    assert SECRET not in redact(text, SECRET)


def test_brand_templates() -> None:
    assert stream_url("Hikvision", "10.0.0.2") == "rtsp://admin@10.0.0.2:554/Streaming/Channels/101"
    assert stream_url("hikvision", "h", channel=3, substream=True).endswith("/Channels/302")
    for brand in ("dahua", "imou", "KBVision"):
        assert stream_url(brand, "h", username=None) == (
            "rtsp://h:554/cam/realmonitor?channel=1&subtype=0"
        )
    assert snapshot_url("dahua", "h").startswith("http://admin@h/cgi-bin/snapshot.cgi")
    with pytest.raises(InputError, match="unknown camera brand"):
        stream_url("acme", "h")


def test_with_credentials_quotes_and_roundtrips() -> None:
    url = with_credentials("rtsp://admin@h:554/x?a=1", None, "p@ss:w/rd")
    assert url == "rtsp://admin:p%40ss%3Aw%2Frd@h:554/x?a=1"
    assert resolve_credentials(url) == ("admin", "p@ss:w/rd")


def test_credentials_order(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "rtsp://h/x"
    assert resolve_credentials(url, camera_id="cam-9") == (None, None)
    monkeypatch.setenv("COVPLAN_CAMERA_PASSWORD", "global")
    assert resolve_credentials(url, camera_id="cam-9") == ("admin", "global")
    monkeypatch.setenv("COVPLAN_CAMERA_PASSWORD_CAM_9", "own")
    monkeypatch.setenv("COVPLAN_CAMERA_USER_CAM_9", "viewer")
    assert resolve_credentials(url, camera_id="cam-9") == ("viewer", "own")
    assert resolve_credentials(url, camera_id="cam-9", password="caller") == (None, "caller")


def test_credentials_from_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        store: dict[tuple[str, str], str] = {("covplan", "cam-7"): "from-keyring"}  # noqa: RUF012

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    old = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        assert resolve_credentials("rtsp://h/x", camera_id="cam-7") == ("admin", "from-keyring")
        assert resolve_credentials("rtsp://h/x", camera_id="cam-8") == (None, None)
    finally:
        keyring.set_keyring(old)


@needs_video
def test_file_capture_is_bounded() -> None:
    clip = capture(ROAD, max_frames=12, stride=3)
    assert len(clip) == 12 and (clip.width, clip.height) == (640, 360)
    assert clip.kind == "file" and clip.fps == 30.0
    assert clip.timestamps_s[1] - clip.timestamps_s[0] == pytest.approx(0.1)
    short = capture(ROAD, max_frames=1000, max_seconds=1.0)
    assert len(short) == 31


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        capture(tmp_path / "nope.avi")
    bad = tmp_path / "bad.avi"
    bad.write_bytes(b"not a video")
    with pytest.raises(InputError, match=r"bad\.avi"):
        capture(bad)
    with pytest.raises(InputError, match="unsupported stream scheme"):
        capture(f"ftp://u:{SECRET}@h/x")


@pytest.mark.parametrize("content_length", [True, False])
def test_mjpeg_frames_captured_and_checked(
    road_frames: list[np.ndarray], content_length: bool
) -> None:
    with http_camera(road_frames, content_length=content_length, fps=60) as url:
        clip = capture(f"{url}/mjpeg", max_frames=len(road_frames) * 2)
    assert clip.kind == "mjpeg" and len(clip) == 2 * len(road_frames)
    assert (clip.width, clip.height) == (640, 360)
    # JPEG round trip of the real frames, in order
    for got, sent in zip(clip.frames, road_frames * 2, strict=True):
        assert np.abs(got.astype(int) - sent.astype(int)).mean() < 3
    assert assess_clip(clip.frames).ok


def test_snapshot_with_password(
    road_frames: list[np.ndarray], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with http_camera(road_frames, user="admin", password=SECRET) as url:
        url_with = url.replace("http://", f"http://admin:{SECRET}@")
        clip = capture(f"{url_with}/snapshot.jpg", max_frames=3, snapshot_interval_s=0.05)
    assert clip.kind == "snapshot" and len(clip) == 3
    assert SECRET not in clip.source and "***" in clip.source
    assert SECRET not in caplog.text


def test_wrong_password_tried_once_and_never_shown(
    road_frames: list[np.ndarray], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    with http_camera(road_frames[:2], user="admin", password="right") as url:
        monkeypatch.setenv("COVPLAN_CAMERA_PASSWORD_CAM_1", SECRET)
        with pytest.raises(CaptureError, match="rejected the login") as first:
            capture(f"{url}/mjpeg", camera_id="cam-1")
        assert http_camera.stats["auth_failures"] == 1  # type: ignore[attr-defined]
        with pytest.raises(CaptureError, match="not trying again") as second:
            capture(f"{url}/mjpeg", camera_id="cam-1")
        assert http_camera.stats["auth_failures"] == 1  # type: ignore[attr-defined]
        with pytest.raises(CaptureError, match="asks for a password"):
            capture(f"{url}/mjpeg", camera_id="cam-2")
        forget_rejection("cam-1")
        monkeypatch.setenv("COVPLAN_CAMERA_PASSWORD_CAM_1", "right")
        assert len(capture(f"{url}/mjpeg", camera_id="cam-1", max_frames=2)) == 2
    for err in (first.value, second.value):
        assert SECRET not in str(err) and SECRET not in repr(err)
    assert SECRET not in caplog.text


@pytest.mark.parametrize(
    ("scheme", "headers"),
    [
        ("http", b""),
        ("http", b"HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=f\r\n\r\n"),
        ("rtsp", b""),
    ],
    ids=["http-silent", "http-headers-then-silent", "rtsp-silent"],
)
def test_stalling_server_fails_within_timeout(
    scheme: str, headers: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    timeout = 1.0
    with stalling_server(send_headers=headers) as port:
        url = f"{scheme}://admin:{SECRET}@127.0.0.1:{port}/stream"
        t0 = time.monotonic()
        with pytest.raises(CaptureError, match="timeout") as err:
            capture(url, open_timeout_s=timeout, read_timeout_s=timeout)
        elapsed = time.monotonic() - t0
    assert elapsed < timeout + 0.5
    assert SECRET not in str(err.value) and SECRET not in caplog.text


def test_connection_refused_is_a_capture_error() -> None:
    with stalling_server() as port:
        pass  # closed: nothing listens on this port any more
    with pytest.raises(CaptureError, match=r"cannot connect|Connection refused|cannot read"):
        capture(f"http://127.0.0.1:{port}/mjpeg", open_timeout_s=1)
    with pytest.raises(CaptureError, match="cannot connect"):
        capture(f"rtsp://127.0.0.1:{port}/live", open_timeout_s=1)


def test_rejections_are_per_process_state() -> None:
    _credentials._REJECTED["cam-x"] = "HTTP 401"
    with pytest.raises(CaptureError, match="not trying again"):
        capture("http://127.0.0.1:9/x", camera_id="cam-x")
    forget_rejection()
    assert not _credentials._REJECTED
