"""RTSP: one DESCRIBE with at most one login, then OpenCV/FFmpeg over TCP with timeouts.

The probe tells a rejected login (recorded, never retried) from a missing stream, and
fails fast on a server that accepts and then says nothing; only then does OpenCV open the
stream, with open and read timeouts instead of its 30 s default hang.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.parse

import cv2
import numpy as np

from covplan._errors import CaptureError
from covplan._redact import redact_url
from covplan.check._auth import auth_header, parse_challenges
from covplan.check._credentials import Login, login_attempt, missing_password, reject
from covplan.check._wire import (
    MAX_RTSP_BODY,
    Deadline,
    Reader,
    connect,
    content_length,
    read_head,
    socket_source,
)
from covplan.check.urls import with_credentials

__all__ = ["read_rtsp"]

#: OpenCV reads its FFmpeg options from the environment: one capture sets them at a time.
_ENV_LOCK = threading.Lock()


def _rtsp_request(
    sock: socket.socket, reader: Reader, method: str, uri: str, cseq: int, auth: str | None
) -> tuple[int, dict[str, list[str]]]:
    """Send one request and read its answer (head and body), every read bounded."""
    lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {cseq}", "User-Agent: covplan"]
    if method == "DESCRIBE":
        lines.append("Accept: application/sdp")
    if auth:
        lines.append(f"Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    status, _, headers = read_head(reader, "RTSP")
    length = content_length(headers, MAX_RTSP_BODY, reader.where)
    if length and reader.exact(length, "the RTSP body") is None:
        msg = f"{reader.where}: the RTSP server closed the connection inside its answer"
        raise CaptureError(msg)
    return status, headers


def _rtsp_probe(url: str, password: str | None, t_open: float, login: Login) -> None:
    """DESCRIBE the stream once (with one login attempt) before OpenCV opens it.

    The whole probe (connect, answers, bodies) must fit in ``t_open``.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 554
    uri = urllib.parse.urlunsplit((parts.scheme, f"{host}:{port}", parts.path, parts.query, ""))
    shown = redact_url(uri)
    deadline = Deadline(shown, t_open, time.monotonic() + t_open, f"open timeout of {t_open:g} s")
    sock = connect(host, port, deadline)
    try:
        reader = Reader(socket_source(sock, deadline), shown)
        status, headers = _rtsp_request(sock, reader, "DESCRIBE", uri, 1, None)
        if status == 401:
            if not password:
                raise missing_password(login.camera)
            challenges = parse_challenges(headers.get("www-authenticate", []))
            auth = auth_header(challenges, "DESCRIBE", uri, login.user, password)
            with login_attempt(login):
                status, headers = _rtsp_request(sock, reader, "DESCRIBE", uri, 2, auth)
                if status in (401, 403):
                    raise reject(login, f"RTSP {status}")
        if status != 200:
            msg = (
                f"the RTSP server answered {status} to DESCRIBE {shown}; check the path and channel"
            )
            raise CaptureError(msg)
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
    password: str | None,
    n_max: int,
    stride: int,
    t_open: float,
    t_read: float,
    deadline: float,
    login: Login,
) -> tuple[list[np.ndarray], list[float], float | None]:
    """Read up to ``n_max`` frames (one in ``stride``) from an RTSP stream before ``deadline``.

    The probe must answer within ``t_open``; OpenCV's open is bounded by what is left of
    the budget (at most ``t_open``) and each read by ``t_read`` (and what is left), so the
    whole read ends by ``deadline`` plus at most one frame's decoding.

    Returns the frames, their times (seconds since the first read) and the announced fps.
    Raises :class:`CaptureError`; its text may hold the password (the caller redacts it).
    """
    _rtsp_probe(url, password, min(t_open, max(0.05, deadline - time.monotonic())), login)
    left = deadline - time.monotonic()
    if left <= 0.05:
        msg = "the time limit passed before the RTSP stream could be opened"
        raise CaptureError(msg)
    user = login.user
    cap = _open_capture(
        with_credentials(url, user, password) if password else url,
        min(t_open, left),
        min(t_read, left),
    )
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
