"""Bounded network reads for the stream clients: one deadline, bounded buffers, clear errors.

Every byte the RTSP probe and the HTTP client read comes through :class:`Reader`: each
``recv`` waits at most the read timeout *and* at most until the deadline (monotonic
clock), so a server that sends one byte a second cannot keep a check alive past its
budget; every header line, header block, body, JPEG and boundary search has a size limit,
so a hostile ``Content-Length`` or a stream without boundaries cannot exhaust memory.
Violations raise :class:`~covplan._errors.CaptureError` with one line naming the
(redacted) URL and what happened.

Limits (module constants, chosen for cameras, far above what a real one sends):

- ``MAX_LINE`` 16 KiB per header line (nginx allows 8 KiB; camera headers are < 1 KiB);
- ``MAX_HEAD`` 64 KiB and ``MAX_HEADER_LINES`` 100 per header block (Python's
  ``http.client`` allows 100 lines);
- ``MAX_RTSP_BODY`` 256 KiB for an RTSP body (an SDP is a few KiB even for an NVR);
- ``MAX_FRAME`` 16 MiB for one JPEG, snapshot or MJPEG part (a 12-megapixel JPEG at
  quality 100 is about 10 MiB), which also bounds the search for the next MJPEG boundary;
- ``MAX_BOUNDARY`` 70 characters for a multipart boundary (RFC 2046).
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from covplan._errors import CaptureError

__all__ = [
    "MAX_BOUNDARY",
    "MAX_FRAME",
    "MAX_HEAD",
    "MAX_HEADER_LINES",
    "MAX_LINE",
    "MAX_RTSP_BODY",
    "Deadline",
    "DeadlineError",
    "Reader",
    "connect",
    "content_length",
    "read_head",
]

MAX_LINE = 16 * 1024
MAX_HEAD = 64 * 1024
MAX_HEADER_LINES = 100
MAX_RTSP_BODY = 256 * 1024
MAX_FRAME = 16 * 1024 * 1024
MAX_BOUNDARY = 70
_RECV = 65536


class DeadlineError(CaptureError):
    """The check's time limit (open timeout or whole budget) passed while reading."""


@dataclass
class Deadline:
    """When reading must end, and how long one read may wait.

    Parameters
    ----------
    where
        The redacted URL, for messages.
    t_read
        Longest wait for any data (the read timeout), seconds.
    end
        Monotonic time at which reading stops, whatever arrives.
    what
        The limit ``end`` stands for, for messages (``"open timeout 3 s"``).
    """

    where: str
    t_read: float
    end: float
    what: str

    def until(self, end: float, what: str) -> None:
        """Move the deadline to ``end`` (described as ``what``)."""
        self.end, self.what = end, what

    def timeout(self, doing: str) -> float:
        """The timeout of the next read; raise :class:`DeadlineError` when none is left."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.expired(doing)
        return min(self.t_read, left)

    def expired(self, doing: str) -> DeadlineError:
        """The error for a deadline passed while ``doing``."""
        msg = f"{self.where}: the {self.what} passed while {doing} (the server is too slow)"
        return DeadlineError(msg)

    def stalled(self, doing: str) -> CaptureError:
        """The error for a read that waited ``t_read`` for nothing, or hit the deadline."""
        if time.monotonic() >= self.end - 1e-3:
            return self.expired(doing)
        msg = f"{self.where}: no data for {self.t_read:g} s while {doing} (read timeout)"
        return CaptureError(msg)


def connect(host: str, port: int, deadline: Deadline, *, tls: bool = False) -> socket.socket:
    """Open a TCP (or TLS) connection before the deadline.

    Parameters
    ----------
    host, port
        Where to connect.
    deadline
        The open deadline (its ``t_read`` is not used for the connect).
    tls
        Wrap the connection in TLS (``https``), certificate checked.

    Returns
    -------
    socket.socket
        The connected socket.
    """
    left = deadline.end - time.monotonic()
    try:
        sock = socket.create_connection((host, port), timeout=max(0.01, left))
    except TimeoutError:
        msg = f"{deadline.where}: no answer from {host}:{port} within the {deadline.what}"
        raise CaptureError(msg) from None
    except OSError as err:
        msg = f"{deadline.where}: cannot connect to {host}:{port}: {err.strerror or err}"
        raise CaptureError(msg) from None
    if not tls:
        return sock
    try:
        sock.settimeout(deadline.timeout("starting TLS"))
        return ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    except TimeoutError:
        sock.close()
        raise deadline.stalled("starting TLS") from None
    except (ssl.SSLError, OSError) as err:
        sock.close()
        msg = f"{deadline.where}: TLS failed: {type(err).__name__}: {err}"
        raise CaptureError(msg) from None


def socket_source(sock: socket.socket, deadline: Deadline) -> Callable[[str], bytes]:
    """A pull function over ``sock``: one ``recv`` bounded by ``deadline``; b"" at the end."""

    def pull(doing: str) -> bytes:
        sock.settimeout(deadline.timeout(doing))
        try:
            return sock.recv(_RECV)
        except TimeoutError:
            raise deadline.stalled(doing) from None

    return pull


class Reader:
    """A bounded read buffer over a pull function (a socket, or a chunked body).

    Parameters
    ----------
    pull
        ``pull(doing)`` returns the next bytes, b"" at the end of the stream; it raises
        the timeout errors itself.
    where
        The redacted URL, for messages.
    """

    def __init__(self, pull: Callable[[str], bytes], where: str) -> None:
        self.pull = pull
        self.where = where
        self.buf = bytearray()
        self.eof = False

    def _more(self, doing: str) -> bool:
        if self.eof:
            return False
        chunk = self.pull(doing)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def too_big(self, what: str, limit: int) -> CaptureError:
        """The error for ``what`` longer than ``limit`` bytes."""
        msg = f"{self.where}: {what} is longer than {_size(limit)}; not a camera stream"
        return CaptureError(msg)

    def until(self, sep: bytes, limit: int, what: str) -> bytes | None:
        """Return the bytes before ``sep`` (both consumed); None at the end of the stream.

        Raises :class:`CaptureError` when ``sep`` is not found in ``limit`` bytes.
        """
        start = 0
        while (i := self.buf.find(sep, start)) < 0:
            if len(self.buf) > limit + len(sep):
                raise self.too_big(what, limit)
            start = max(0, len(self.buf) - len(sep) + 1)
            if not self._more(f"reading {what}"):
                return None
        if i > limit:
            raise self.too_big(what, limit)
        out = bytes(self.buf[:i])
        del self.buf[: i + len(sep)]
        return out

    def line(self, limit: int, what: str) -> bytes | None:
        """One line without its LF (and CR); None at the end of the stream."""
        out = self.until(b"\n", limit, what)
        if out is None and self.buf:  # a last line without LF
            out = bytes(self.buf)
            self.buf.clear()
        return None if out is None else out.removesuffix(b"\r")

    def exact(self, n: int, what: str) -> bytes | None:
        """Exactly ``n`` bytes; None when the stream ends first."""
        while len(self.buf) < n:
            if not self._more(f"reading {what}"):
                return None
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def rest(self, limit: int, what: str) -> bytes:
        """Everything up to the end of the stream, at most ``limit`` bytes."""
        while self._more(f"reading {what}"):
            if len(self.buf) > limit:
                raise self.too_big(what, limit)
        out = bytes(self.buf)
        self.buf.clear()
        return out


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def read_head(reader: Reader, proto: str) -> tuple[int, str, dict[str, list[str]]]:
    """Read a status line and header block (``RTSP/1.0 200 OK`` or ``HTTP/1.1 …``).

    Parameters
    ----------
    reader
        The connection's reader.
    proto
        ``"RTSP"`` or ``"HTTP"``.

    Returns
    -------
    tuple of (int, str, dict)
        The status code, the reason phrase, the headers (lower-cased names, every value).
    """
    status_line = reader.line(MAX_LINE, f"the {proto} status line")
    if status_line is None:
        msg = f"{reader.where}: the server closed the connection without answering"
        raise CaptureError(msg)
    text = status_line.decode("latin-1")
    m = re.match(rf"{proto}/\d\.\d\s+(\d{{3}})\s*(.*)$", text)
    if not m:
        msg = f"{reader.where}: not an {proto} answer: {text.strip()[:60]!r}"
        raise CaptureError(msg)
    headers: dict[str, list[str]] = {}
    total = len(status_line)
    for _ in range(MAX_HEADER_LINES + 1):
        line = reader.line(MAX_LINE, f"the {proto} headers")
        if not line:  # the blank line, or the end of the stream
            return int(m.group(1)), m.group(2).strip(), headers
        total += len(line)
        if total > MAX_HEAD:
            raise reader.too_big(f"the {proto} header block", MAX_HEAD)
        name, _, value = line.decode("latin-1").partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    msg = f"{reader.where}: more than {MAX_HEADER_LINES} {proto} header lines; not a camera"
    raise CaptureError(msg)


def content_length(headers: dict[str, list[str]], limit: int, where: str) -> int | None:
    """The announced ``Content-Length``: None when absent; refused when bad or over ``limit``.

    Parameters
    ----------
    headers
        From :func:`read_head`.
    limit
        The largest body accepted, bytes.
    where
        The redacted URL, for messages.
    """
    values = {v.strip() for v in headers.get("content-length", [])}
    if not values:
        return None
    if len(values) > 1 or not all(v.isdigit() and v.isascii() for v in values):
        shown = ", ".join(sorted(repr(v[:20]) for v in values))
        msg = f"{where}: bad Content-Length {shown}; not a camera answer"
        raise CaptureError(msg)
    n = int(values.pop())
    if n > limit:
        msg = f"{where}: the server announces a {n:,}-byte body (limit {_size(limit)}); refused"
        raise CaptureError(msg)
    return n


def chunked_source(reader: Reader, limit: int) -> Callable[[str], bytes]:
    """A pull function decoding an HTTP chunked body read from ``reader`` (at most ``limit``)."""
    state = {"total": 0, "done": False}

    def pull(doing: str) -> bytes:
        if state["done"]:
            return b""
        line = reader.line(MAX_LINE, "a chunk size")
        size_text = (line or b"").split(b";")[0].strip()
        if line is None or not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size_text):
            msg = f"{reader.where}: bad chunked body (chunk size {size_text[:20]!r})"
            raise CaptureError(msg)
        size = int(size_text, 16)
        state["total"] += size
        if state["total"] > limit:
            raise reader.too_big("the chunked body", limit)
        if size == 0:
            state["done"] = True
            return b""
        data = reader.exact(size, "a chunk")
        if data is None or reader.line(2, "a chunk end") is None:
            state["done"] = True
            return data or b""
        return data

    return pull
