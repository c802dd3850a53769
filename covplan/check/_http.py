"""HTTP cameras: an MJPEG stream (``multipart/x-mixed-replace``) or a snapshot fetched repeatedly.

One GET with at most one login attempt (Basic or Digest). The whole open (connect and
answer headers) must fit in the open timeout, every later read in the read timeout and
the whole capture before its deadline; headers, bodies, JPEGs and the search for the next
MJPEG boundary are bounded (:mod:`covplan.check._wire`). A small HTTP/1.1 client of our
own, so that every ``recv`` obeys the deadline (``http.client`` resets its timeout on
every byte and reads header lines of 64 KiB).
"""

from __future__ import annotations

import functools
import re
import socket
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from covplan._errors import CaptureError
from covplan._redact import redact_url
from covplan.check._auth import auth_header, parse_challenges
from covplan.check._credentials import Login, login_attempt, missing_password, reject
from covplan.check._wire import (
    MAX_BOUNDARY,
    MAX_FRAME,
    MAX_HEAD,
    Deadline,
    DeadlineError,
    Reader,
    chunked_source,
    connect,
    content_length,
    read_head,
    socket_source,
)

__all__ = ["read_http"]


@dataclass
class _Answer:
    """An HTTP answer: status, headers, and the open connection its body is read from."""

    status: int
    reason: str
    headers: dict[str, list[str]]
    sock: socket.socket
    reader: Reader
    deadline: Deadline

    def header(self, name: str) -> str:
        """The first value of header ``name`` (lower case), or ``""``."""
        return (self.headers.get(name) or [""])[0]

    def body(self, limit: int, what: str) -> Reader:
        """A reader of the body: by Content-Length, chunked, or up to the end."""
        n = content_length(self.headers, limit, self.reader.where)
        if "chunked" in self.header("transfer-encoding").lower():
            return Reader(chunked_source(self.reader, limit), self.reader.where)
        if n is None:
            return self.reader
        data = self.reader.exact(n, what)
        if data is None:
            msg = f"{self.reader.where}: the connection closed inside {what}"
            raise CaptureError(msg)
        out = Reader(lambda _doing: b"", self.reader.where)
        out.buf += data
        return out

    def close(self) -> None:
        """Close the connection."""
        self.sock.close()


def _request(url: str, auth: str | None, t_open: float, t_read: float, end: float) -> _Answer:
    """Connect, send one GET and read the answer's head, all within ``t_open`` (and ``end``)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    shown = redact_url(url)
    open_end = min(time.monotonic() + t_open, end)
    what = f"open timeout of {t_open:g} s" if open_end < end else "time limit"
    deadline = Deadline(shown, t_read, open_end, what)
    sock = connect(host, port, deadline, tls=tls)
    try:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}" + (f":{parts.port}" if parts.port else ""),
            "User-Agent: covplan",
            "Accept: */*",
            "Connection: close",
        ]
        if auth:
            lines.append(f"Authorization: {auth}")
        sock.settimeout(deadline.timeout("sending the request"))
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reader = Reader(socket_source(sock, deadline), shown)
        status, reason, headers = read_head(reader, "HTTP")
    except BaseException:
        sock.close()
        raise
    deadline.until(end, "time limit of the check")
    return _Answer(status, reason, headers, sock, reader, deadline)


def _http_get(
    url: str, password: str | None, t_open: float, t_read: float, end: float, login: Login
) -> _Answer:
    """GET ``url`` with at most one login attempt; return the answer, its body unread."""
    ans = _request(url, None, t_open, t_read, end)
    if ans.status == 401:
        ans.close()
        if not password:
            raise missing_password(login.camera)
        challenges = parse_challenges(ans.headers.get("www-authenticate", []))
        path = urllib.parse.urlunsplit(("", "", *urllib.parse.urlsplit(url)[2:4], ""))
        auth = auth_header(challenges, "GET", path or "/", login.user, password)
        with login_attempt(login):
            ans = _request(url, auth, t_open, t_read, end)
            if ans.status in (401, 403):
                ans.close()
                raise reject(login, f"HTTP {ans.status}")
    if ans.status != 200:
        ans.close()
        msg = f"the server answered HTTP {ans.status} {ans.reason[:60]}; check the URL path"
        raise CaptureError(msg)
    return ans


def _decode_jpeg(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        msg = f"received {len(data)} bytes that are not an image"
        raise CaptureError(msg)
    return img


def read_http(
    url: str,
    password: str | None,
    n_max: int,
    stride: int,
    t_open: float,
    t_read: float,
    deadline: float,
    login: Login,
    interval_s: float,
) -> tuple[list[np.ndarray], list[float], float | None, str]:
    """Read up to ``n_max`` frames from an HTTP camera before ``deadline``.

    Returns the frames, their times (seconds since the request), None (no announced
    fps) and the kind, ``"mjpeg"`` or ``"snapshot"``. When the deadline passes after some
    frames were read, those frames are returned. Raises :class:`CaptureError`.
    """
    t0 = time.monotonic()
    ans = _http_get(url, password, t_open, t_read, deadline, login)
    ctype = ans.header("content-type")
    frames: list[np.ndarray] = []
    stamps: list[float] = []
    try:
        if ctype.lower().startswith("multipart/"):
            kind = "mjpeg"
            _read_mjpeg(ans, ctype, n_max, stride, frames, stamps, t0)
        else:
            kind = "snapshot"
            frames.append(
                _decode_jpeg(ans.body(MAX_FRAME, "the snapshot").rest(MAX_FRAME, "the snapshot"))
            )
            stamps.append(time.monotonic() - t0)
            ans.close()
            again = functools.partial(_http_get, url, password, t_open, t_read, deadline, login)
            _read_snapshots(again, frames, stamps, n_max, deadline, interval_s, t0)
    except DeadlineError:
        if not frames:
            raise
    finally:
        ans.close()
    return frames, stamps, None, kind


def _read_mjpeg(
    ans: _Answer,
    ctype: str,
    n_max: int,
    stride: int,
    frames: list[np.ndarray],
    stamps: list[float],
    t0: float,
) -> None:
    """Read MJPEG parts into ``frames`` (one in ``stride``) until ``n_max`` or the end."""
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    where = ans.reader.where
    if not m:
        msg = f"{where}: MJPEG stream without a boundary in its Content-Type {ctype[:80]!r}"
        raise CaptureError(msg)
    boundary = m.group(1).strip().removeprefix("--")
    if not 0 < len(boundary) <= MAX_BOUNDARY:
        msg = f"{where}: MJPEG boundary of {len(boundary)} characters (1 to 70 allowed)"
        raise CaptureError(msg)
    i = 0
    for part in _multipart_parts(ans.body(MAX_FRAME, "the stream"), boundary):
        if i % stride == 0:
            frames.append(_decode_jpeg(part))
            stamps.append(time.monotonic() - t0)
        i += 1
        if len(frames) >= n_max:
            return
    if not frames:
        msg = f"{where}: the MJPEG stream ended before its first picture"
        raise CaptureError(msg)


def _read_snapshots(
    again: Callable[[], _Answer],
    frames: list[np.ndarray],
    stamps: list[float],
    n_max: int,
    deadline: float,
    interval_s: float,
    t0: float,
) -> None:
    """Fetch more snapshots (``again()``, ``interval_s`` apart) into ``frames``."""
    while len(frames) < n_max and time.monotonic() + interval_s < deadline:
        time.sleep(interval_s)
        ans = again()
        try:
            body = ans.body(MAX_FRAME, "the snapshot").rest(MAX_FRAME, "the snapshot")
            frames.append(_decode_jpeg(body))
            stamps.append(time.monotonic() - t0)
        finally:
            ans.close()


def _part_length(head: bytes) -> int | None:
    """The Content-Length of a multipart part's header block, if it has one."""
    length: int | None = None
    for line in head.split(b"\r\n"):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            v = value.strip()
            if not (v.isdigit() and v.isascii()):
                msg = f"bad Content-Length {v[:20]!r} in an MJPEG part"
                raise CaptureError(msg)
            length = int(v)
    return length


def _multipart_parts(reader: Reader, boundary: str) -> Iterator[bytes]:
    """Yield the bodies of a multipart/x-mixed-replace stream, one JPEG each (bounded)."""
    marker = b"--" + boundary.encode("latin-1")
    if reader.until(marker, MAX_HEAD, "the first MJPEG boundary") is None:
        return
    while True:
        head = reader.until(b"\r\n\r\n", MAX_HEAD, "an MJPEG part's headers")
        if head is None or head.lstrip(b"\r\n").startswith(b"--"):
            return
        length = _part_length(head)
        if length is not None:
            if length > MAX_FRAME:
                msg = (
                    f"{reader.where}: an MJPEG part announces {length:,} bytes "
                    f"(limit {MAX_FRAME // 2**20} MiB); refused"
                )
                raise CaptureError(msg)
            body = reader.exact(length, "an MJPEG part")
            if body is None:
                return
            yield body
            if reader.until(marker, MAX_HEAD, "the next MJPEG boundary") is None:
                return
        else:
            body = reader.until(marker, MAX_FRAME, "an MJPEG part (no boundary found)")
            if body is None:
                return
            yield body.rstrip(b"\r\n")
