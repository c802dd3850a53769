"""RTSP: one DESCRIBE with at most one login, then OpenCV/FFmpeg over TCP with timeouts.

The probe tells a rejected login (recorded, never retried) from a missing stream, and
fails fast on a server that accepts and then says nothing; only then does OpenCV open the
stream, with open and read timeouts instead of its 30 s default hang.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import urllib.parse

import cv2
import numpy as np

from covplan._errors import CaptureError
from covplan._redact import redact_url
from covplan.check._auth import auth_header, parse_challenges
from covplan.check._credentials import missing_password, reject
from covplan.check.urls import with_credentials

__all__ = ["read_rtsp"]

#: OpenCV reads its FFmpeg options from the environment: one capture sets them at a time.
_ENV_LOCK = threading.Lock()


def _rtsp_request(
    sock: socket.socket, method: str, uri: str, cseq: int, auth: str | None
) -> tuple[int, dict[str, list[str]]]:
    lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {cseq}", "User-Agent: covplan"]
    if method == "DESCRIBE":
        lines.append("Accept: application/sdp")
    if auth:
        lines.append(f"Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    fh = sock.makefile("rb")
    status_line = fh.readline(4096).decode("latin-1")
    if not status_line:
        msg = "the RTSP server closed the connection without answering"
        raise CaptureError(msg)
    m = re.match(r"RTSP/\d\.\d\s+(\d{3})", status_line)
    if not m:
        msg = f"not an RTSP answer: {status_line.strip()[:60]!r}"
        raise CaptureError(msg)
    headers: dict[str, list[str]] = {}
    length = 0
    while True:
        line = fh.readline(8192).decode("latin-1")
        if line in ("\r\n", "\n", ""):
            break
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
        if name.strip().lower() == "content-length":
            length = int(value.strip() or 0)
    if length:
        fh.read(length)
    return int(m.group(1)), headers


def _connect(host: str, port: int, timeout_s: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout_s)
    except TimeoutError:
        msg = f"no answer from {host}:{port} within {timeout_s:g} s (open timeout)"
        raise CaptureError(msg) from None
    except OSError as err:
        msg = f"cannot connect to {host}:{port}: {err.strerror or err}"
        raise CaptureError(msg) from None


def _rtsp_probe(
    url: str, user: str | None, password: str | None, timeout_s: float, key: str
) -> None:
    """DESCRIBE the stream once (with one login attempt) before OpenCV opens it."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 554
    uri = urllib.parse.urlunsplit((parts.scheme, f"{host}:{port}", parts.path, parts.query, ""))
    deadline = time.monotonic() + timeout_s
    sock = _connect(host, port, timeout_s)
    try:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        status, headers = _rtsp_request(sock, "DESCRIBE", uri, 1, None)
        if status == 401:
            if not password:
                raise missing_password(key)
            challenges = parse_challenges(headers.get("www-authenticate", []))
            auth = auth_header(challenges, "DESCRIBE", uri, user or "admin", password)
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            status, headers = _rtsp_request(sock, "DESCRIBE", uri, 2, auth)
            if status in (401, 403):
                raise reject(key, f"RTSP {status}")
        if status != 200:
            msg = (
                f"the RTSP server answered {status} to DESCRIBE {redact_url(uri)}; "
                "check the path and channel"
            )
            raise CaptureError(msg)
    except TimeoutError:
        msg = (
            f"{host}:{port} accepted the connection but did not answer within "
            f"{timeout_s:g} s (open timeout)"
        )
        raise CaptureError(msg) from None
    finally:
        sock.close()


def _open_capture(url: str, t_open: float, t_read: float) -> cv2.VideoCapture:
    """Open ``url`` with OpenCV's FFmpeg backend over TCP, quietly, with both timeouts."""
    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(t_open * 1000),
        cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(t_read * 1000),
    ]  # fmt: skip
    with _ENV_LOCK:
        saved = {
            k: os.environ.get(k)
            for k in ("OPENCV_FFMPEG_CAPTURE_OPTIONS", "OPENCV_FFMPEG_LOGLEVEL")
        }
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = "rtsp_transport;tcp"
        os.environ["OPENCV_FFMPEG_LOGLEVEL"] = "-8"  # quiet: FFmpeg may print the URL
        try:
            return cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def read_rtsp(
    url: str,
    user: str | None,
    password: str | None,
    n_max: int,
    stride: int,
    t_open: float,
    t_read: float,
    deadline: float,
    key: str,
) -> tuple[list[np.ndarray], list[float], float | None]:
    """Read up to ``n_max`` frames (one in ``stride``) from an RTSP stream before ``deadline``.

    Returns the frames, their times (seconds since the first read) and the announced fps.
    Raises :class:`CaptureError`; its text may hold the password (the caller redacts it).
    """
    _rtsp_probe(url, user, password, t_open, key)
    cap = _open_capture(with_credentials(url, user, password) if password else url, t_open, t_read)
    try:
        if not cap.isOpened():
            msg = f"OpenCV could not open the RTSP stream within {t_open:g} s"
            raise CaptureError(msg)
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or None
        frames: list[np.ndarray] = []
        stamps: list[float] = []
        t0 = time.monotonic()
        i = 0
        while len(frames) < n_max and time.monotonic() < deadline:
            ok, frame = cap.read()
            if not ok or frame is None:
                if frames:
                    break
                msg = f"the RTSP stream sent no frame within {t_read:g} s (read timeout)"
                raise CaptureError(msg)
            if i % stride == 0:
                frames.append(frame)
                stamps.append(time.monotonic() - t0)
            i += 1
    finally:
        cap.release()
    if not frames:
        msg = "no frame read from the RTSP stream before the time limit"
        raise CaptureError(msg)
    return frames, stamps, fps
