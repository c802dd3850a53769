"""HTTP cameras: an MJPEG stream (``multipart/x-mixed-replace``) or a snapshot fetched repeatedly.

One GET with at most one login attempt (Basic or Digest); the whole open (connect and
answer) must fit in the open timeout, every later read in the read timeout and the
whole capture before its deadline.
"""

from __future__ import annotations

import functools
import http.client
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator

import cv2
import numpy as np

from covplan._errors import CaptureError
from covplan.check._auth import auth_header, parse_challenges
from covplan.check._credentials import missing_password, reject

__all__ = ["read_http"]

_Answer = tuple[http.client.HTTPConnection, http.client.HTTPResponse]


def _http_get(
    url: str,
    user: str | None,
    password: str | None,
    t_open: float,
    t_read: float,
    key: str,
) -> _Answer:
    """GET ``url`` with at most one login attempt; return the open connection and response."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def request(auth: str | None) -> _Answer:
        start = time.monotonic()
        conn = conn_cls(host, parts.port, timeout=t_open)
        try:
            conn.connect()
            if conn.sock is not None:  # the whole open (connect + answer) within t_open
                conn.sock.settimeout(max(0.05, t_open - (time.monotonic() - start)))
        except TimeoutError:
            conn.close()
            msg = f"no connection to {host} within {t_open:g} s (open timeout)"
            raise CaptureError(msg) from None
        headers = {"User-Agent": "covplan", "Accept": "*/*"}
        if auth:
            headers["Authorization"] = auth
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
        except TimeoutError:
            conn.close()
            msg = (
                f"{host} accepted the connection but sent no answer within "
                f"{t_open:g} s (open timeout)"
            )
            raise CaptureError(msg) from None
        if conn.sock is not None:
            conn.sock.settimeout(t_read)
        return conn, resp

    conn, resp = request(None)
    if resp.status == 401:
        resp.read()
        conn.close()
        if not password:
            raise missing_password(key)
        challenges = parse_challenges(resp.headers.get_all("WWW-Authenticate") or [])
        conn, resp = request(auth_header(challenges, "GET", path, user or "admin", password))
        if resp.status in (401, 403):
            conn.close()
            raise reject(key, f"HTTP {resp.status}")
    if resp.status != 200:
        conn.close()
        msg = f"the server answered HTTP {resp.status} {resp.reason}; check the URL path"
        raise CaptureError(msg)
    return conn, resp


def _decode_jpeg(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        msg = f"received {len(data)} bytes that are not an image"
        raise CaptureError(msg)
    return img


def read_http(
    url: str,
    user: str | None,
    password: str | None,
    n_max: int,
    stride: int,
    t_open: float,
    t_read: float,
    deadline: float,
    key: str,
    interval_s: float,
) -> tuple[list[np.ndarray], list[float], float | None, str]:
    """Read up to ``n_max`` frames from an HTTP camera before ``deadline``.

    Returns the frames, their times (seconds since the request), None (no announced
    fps) and the kind, ``"mjpeg"`` or ``"snapshot"``. Raises :class:`CaptureError`.
    """
    t0 = time.monotonic()
    conn, resp = _http_get(url, user, password, t_open, t_read, key)
    ctype = resp.headers.get("Content-Type", "")
    try:
        if ctype.lower().startswith("multipart/"):
            kind = "mjpeg"
            frames, stamps = _read_mjpeg(resp, ctype, n_max, stride, t_read, deadline, t0)
        else:
            kind = "snapshot"
            first = _decode_jpeg(_read_body(resp, deadline, t_read))
            conn.close()
            frames, stamps = [first], [time.monotonic() - t0]
            again = functools.partial(_http_get, url, user, password, t_open, t_read, key)
            _read_snapshots(again, frames, stamps, n_max, t_read, deadline, interval_s, t0)
    except TimeoutError:
        msg = f"the stream stalled: no data for {t_read:g} s (read timeout)"
        raise CaptureError(msg) from None
    finally:
        conn.close()
    if not frames:
        msg = "no frame read from the HTTP stream before the time limit"
        raise CaptureError(msg)
    return frames, stamps, None, kind


def _read_mjpeg(
    resp: http.client.HTTPResponse,
    ctype: str,
    n_max: int,
    stride: int,
    t_read: float,
    deadline: float,
    t0: float,
) -> tuple[list[np.ndarray], list[float]]:
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    if not m:
        msg = f"MJPEG stream without a boundary in its Content-Type {ctype!r}"
        raise CaptureError(msg)
    frames: list[np.ndarray] = []
    stamps: list[float] = []
    i = 0
    for part in _multipart_parts(resp, m.group(1).removeprefix("--"), deadline, t_read):
        if i % stride == 0:
            frames.append(_decode_jpeg(part))
            stamps.append(time.monotonic() - t0)
        i += 1
        if len(frames) >= n_max or time.monotonic() >= deadline:
            break
    return frames, stamps


def _read_snapshots(
    again: Callable[[], _Answer],
    frames: list[np.ndarray],
    stamps: list[float],
    n_max: int,
    t_read: float,
    deadline: float,
    interval_s: float,
    t0: float,
) -> None:
    """Fetch more snapshots (``again()``, ``interval_s`` apart) into ``frames``."""
    while len(frames) < n_max and time.monotonic() + interval_s < deadline:
        time.sleep(interval_s)
        conn, resp = again()
        try:
            frames.append(_decode_jpeg(_read_body(resp, deadline, t_read)))
            stamps.append(time.monotonic() - t0)
        finally:
            conn.close()


def _check_deadline(deadline: float, t_read: float) -> None:
    if time.monotonic() > deadline:
        msg = f"the stream is too slow: the time limit passed (read timeout {t_read:g} s)"
        raise CaptureError(msg)


def _read_body(resp: http.client.HTTPResponse, deadline: float, t_read: float) -> bytes:
    chunks = []
    while True:
        _check_deadline(deadline, t_read)
        chunk = resp.read1(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


class _Buffered:
    """A read buffer over an HTTP response with a deadline on every read."""

    def __init__(self, resp: http.client.HTTPResponse, deadline: float, t_read: float) -> None:
        self.resp = resp
        self.deadline = deadline
        self.t_read = t_read
        self.buf = b""

    def _fill(self) -> bool:
        _check_deadline(self.deadline, self.t_read)
        chunk = self.resp.read1(65536)
        self.buf += chunk
        return bool(chunk)

    def until(self, sep: bytes) -> bytes | None:
        """Return the bytes before ``sep`` and consume both; None at the end of the stream."""
        start = 0
        while (i := self.buf.find(sep, start)) < 0:
            start = max(0, len(self.buf) - len(sep))
            if not self._fill():
                return None
        out, self.buf = self.buf[:i], self.buf[i + len(sep) :]
        return out

    def take(self, n: int) -> bytes | None:
        """Return exactly ``n`` bytes; None at the end of the stream."""
        while len(self.buf) < n:
            if not self._fill():
                return None
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def _part_length(head: bytes) -> int | None:
    """The Content-Length of a multipart part's header block, if it has one."""
    length: int | None = None
    for line in head.split(b"\r\n"):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            length = int(value.strip())
    return length


def _multipart_parts(
    resp: http.client.HTTPResponse, boundary: str, deadline: float, t_read: float
) -> Iterator[bytes]:
    """Yield the bodies of a multipart/x-mixed-replace stream, one JPEG each."""
    marker = b"--" + boundary.encode("latin-1")
    reader = _Buffered(resp, deadline, t_read)
    if reader.until(marker) is None:
        return
    while True:
        head = reader.until(b"\r\n\r\n")
        if head is None or head.startswith(b"--"):
            return
        length = _part_length(head)
        if length is not None:
            body = reader.take(length)
            if body is None or reader.until(marker) is None:
                if body:
                    yield body
                return
        else:
            body = reader.until(marker)
            if body is None:
                return
            body = body.rstrip(b"\r\n")
        yield body
