"""Issue 18, classes 3, 4, 9: hostile streams, lock-outs, checks passing what they never checked.

Every case runs against a real server on 127.0.0.1 started here (plain sockets in threads):

- class 3: slow-drip servers (HTTP and RTSP, byte by byte, line by line, chunk by chunk, at
  several rates) end within their budget; hostile RTSP and HTTP/MJPEG answers (bad or huge
  Content-Length, 1 MB header lines, no CRLF, no boundary, a 100 MB part) give one clear
  line naming the redacted URL, never a traceback or a MemoryError;
- class 4: an NVR with six channels and a wrong password sees exactly one failed login
  (or the configured number), sequentially, from parallel threads and from
  ``covplan verify --survey``; the other channels are reported "not tried";
- class 9: one-frame clips and still images, a pose without an hfov and no targets are
  never a pass; out-of-range poses are input errors naming the field.
"""

from __future__ import annotations

import base64
import csv
import json
import math
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from covplan._errors import CaptureError, InputError
from covplan.check import _credentials, forget_rejection
from covplan.check._credentials import NotTriedError
from covplan.check.capture import capture
from covplan.check.verify import CameraPose, verify_camera
from covplan.cli import main
from covplan.vocab.messages import use_lang

SECRET = "Hx7-drip-s3cret"
SURVEY = Path(__file__).parent / "input_data" / "survey" / "demo-survey.csv"
Handler = Callable[[socket.socket, dict[str, int]], None]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No credentials from the environment; English messages (Vietnamese: test_messages_lang)."""
    for var in ("COVPLAN_CAMERA_PASSWORD", "COVPLAN_CAMERA_USER"):
        monkeypatch.delenv(var, raising=False)
    forget_rejection()
    with use_lang("en"):
        yield
    forget_rejection()


@contextmanager
def tcp_server(handler: Handler) -> Iterator[tuple[int, dict[str, int]]]:
    """Serve every connection with ``handler(conn, stats)`` in its own thread; yield the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    stats: dict[str, int] = {"connections": 0, "auth_failures": 0, "logins": 0}
    stop = threading.Event()
    conns: list[socket.socket] = []

    def run(conn: socket.socket) -> None:
        try:
            handler(conn, stats)
        except OSError:
            pass  # the client hung up: that is what the client under test should do
        finally:
            conn.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            stats["connections"] += 1
            conns.append(conn)
            threading.Thread(target=run, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1]), stats
    finally:
        stop.set()
        thread.join(2)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        sock.close()


def read_request(conn: socket.socket) -> bytes:
    """Read one request head (up to the blank line); b"" when the client closed."""
    data = b""
    conn.settimeout(10)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return b""
        data += chunk
    return data


def drip(conn: socket.socket, data: bytes, size: int, period: float) -> None:
    """Send ``data`` ``size`` bytes at a time, ``period`` seconds apart."""
    for i in range(0, len(data), size):
        conn.sendall(data[i : i + size])
        time.sleep(period)


def _jpeg() -> bytes:
    img = np.random.default_rng(1).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    return cv2.imencode(".jpg", img)[1].tobytes()


JPEG = _jpeg()
MJPEG_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=frame\r\n\r\n"
RTSP_OK = b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Type: application/sdp\r\n"


def assert_one_clear_line(err: BaseException, url_prefix: str) -> None:
    """One line, naming the redacted URL, no password, a CaptureError."""
    text = str(err)
    assert isinstance(err, CaptureError), repr(err)
    assert "\n" not in text and text.startswith(url_prefix), text
    assert SECRET not in text and "***" in text


# ---- class 3: slow drip ---------------------------------------------------------------

T_OPEN, T_READ, BUDGET, SLACK = 1.0, 1.5, 2.5, 0.9


def _http_drip(mode: str, period: float) -> Handler:
    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        read_request(conn)
        if mode == "header-bytes":
            drip(conn, MJPEG_HEAD + b"x" * 200, 1, period)
        elif mode == "header-lines":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            drip(conn, b"X-Pad: yes\r\n" * 200, len(b"X-Pad: yes\r\n"), period)
        elif mode == "mjpeg-bytes":
            conn.sendall(MJPEG_HEAD)
            part = b"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + JPEG
            drip(conn, part, 1, period)
        elif mode == "mjpeg-chunks":  # one small chunk a second, never a whole part
            conn.sendall(MJPEG_HEAD + b"--frame\r\nContent-Length: 100000\r\n\r\n")
            drip(conn, b"\xff" * 100000, 64, period)
        elif mode == "snapshot-bytes":
            head = f"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {len(JPEG)}"
            conn.sendall(head.encode() + b"\r\n\r\n")
            drip(conn, JPEG, 1, period)

    return handle


def _rtsp_drip(mode: str, period: float) -> Handler:
    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        read_request(conn)
        if mode == "status-bytes":
            drip(conn, RTSP_OK + b"\r\n", 1, period)
        elif mode == "header-lines":
            conn.sendall(b"RTSP/1.0 200 OK\r\n")
            drip(conn, b"X-Pad: yes\r\n" * 200, len(b"X-Pad: yes\r\n"), period)
        elif mode == "body-bytes":
            conn.sendall(RTSP_OK + b"Content-Length: 5000\r\n\r\n")
            drip(conn, b"v=0\r\n" * 1000, 1, period)

    return handle


DRIP_RATES = {"1B/s": 1.0, "3/s": 0.33, "20/s": 0.05}
DRIP_CASES = [
    ("http", mode, rate)
    for mode in ("header-bytes", "header-lines", "mjpeg-bytes", "mjpeg-chunks", "snapshot-bytes")
    for rate in DRIP_RATES
] + [
    ("rtsp", mode, rate)
    for mode in ("status-bytes", "header-lines", "body-bytes")
    for rate in DRIP_RATES
]


@pytest.mark.parametrize(("scheme", "mode", "rate"), DRIP_CASES, ids=lambda v: str(v))
def test_slow_drip_ends_within_budget(scheme: str, mode: str, rate: str) -> None:
    period = DRIP_RATES[rate]
    handler = (_http_drip if scheme == "http" else _rtsp_drip)(mode, period)
    with tcp_server(handler) as (port, _):
        url = f"{scheme}://admin:{SECRET}@127.0.0.1:{port}/stream"
        t0 = time.monotonic()
        with pytest.raises(CaptureError) as err:
            capture(url, open_timeout_s=T_OPEN, read_timeout_s=T_READ, max_seconds=BUDGET)
        elapsed = time.monotonic() - t0
    assert elapsed < BUDGET + SLACK, f"{elapsed:.2f} s for a {BUDGET} s budget"
    assert_one_clear_line(err.value, f"{scheme}://admin:***@127.0.0.1:{port}/stream: ")
    assert any(w in str(err.value) for w in ("passed", "timeout", "time limit")), str(err.value)


def test_default_budget_bounds_a_drip_without_max_seconds() -> None:
    """No max_seconds: the default budget (t_open + t_read + frames / 2 fps) still ends it."""
    with tcp_server(_http_drip("mjpeg-chunks", 0.2)) as (port, _):
        t0 = time.monotonic()
        with pytest.raises(CaptureError, match="time limit"):
            capture(f"http://127.0.0.1:{port}/x", max_frames=2, open_timeout_s=0.5,
                    read_timeout_s=0.5)  # fmt: skip
        elapsed = time.monotonic() - t0
    assert elapsed < 0.5 + 0.5 + 2 * 0.5 + SLACK


# ---- class 3: hostile answers ---------------------------------------------------------

MB = 1024 * 1024
RTSP_REPLIES: dict[str, bytes] = {
    "length-negative": RTSP_OK + b"Content-Length: -5\r\n\r\n",
    "length-huge": RTSP_OK + b"Content-Length: 99999999999999\r\n\r\n",
    "length-non-numeric": RTSP_OK + b"Content-Length: abc\r\n\r\n",
    "length-float": RTSP_OK + b"Content-Length: 1e3\r\n\r\n",
    "length-empty": RTSP_OK + b"Content-Length:\r\n\r\n",
    "length-twice": RTSP_OK + b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nv=0\r",
    "length-unicode-digits": RTSP_OK + "Content-Length: ٣\r\n\r\n".encode(),
    "length-over-body": RTSP_OK + b"Content-Length: 5000\r\n\r\nv=0\r\n",
    "length-missing": RTSP_OK + b"\r\nv=0\r\ngarbage\r\n",
    "header-line-1MB": RTSP_OK + b"X-Big: " + b"a" * MB + b"\r\n\r\n",
    "status-line-1MB": b"RTSP/1.0 200 " + b"O" * MB + b"\r\n\r\n",
    "no-crlf-1MB": b"RTSP/1.0 200 OK " + b"z" * MB,
    "lf-only": b"RTSP/1.0 200 OK\nCSeq: 1\nContent-Length: 4\n\nv=0\n",
    "many-headers": RTSP_OK + b"X-A: b\r\n" * 5000 + b"\r\n",
    "not-rtsp": b"HTTP/1.1 200 OK\r\n\r\n",
    "binary": bytes(range(256)) * 4,
    "closed": b"",
    "401-no-challenge": b"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n",
    "404": b"RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n",
}


@pytest.mark.parametrize("name", list(RTSP_REPLIES))
def test_hostile_rtsp_reply_is_one_clear_line(name: str) -> None:
    reply = RTSP_REPLIES[name]

    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        while read_request(conn):
            conn.sendall(reply)
            if reply.startswith(b"RTSP/1.0 401"):
                continue
            time.sleep(0.5)
            return

    with tcp_server(handle) as (port, _):
        url = f"rtsp://admin:{SECRET}@127.0.0.1:{port}/live"
        t0 = time.monotonic()
        with pytest.raises(CaptureError) as err:
            capture(url, open_timeout_s=1.0, read_timeout_s=1.0, max_seconds=3.0)
        elapsed = time.monotonic() - t0
    assert elapsed < 3.0 + SLACK
    assert_one_clear_line(err.value, f"rtsp://admin:***@127.0.0.1:{port}/live: ")


def _part(head: bytes, body: bytes = JPEG) -> bytes:
    return b"--frame\r\n" + head + b"\r\n\r\n" + body + b"\r\n"


HTTP_REPLIES: dict[str, bytes | Callable[[socket.socket], None]] = {
    "no-boundary": b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace\r\n\r\n",
    "boundary-100-chars": b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary="
    + b"b" * 100
    + b"\r\n\r\n",
    "part-100MB-announced": MJPEG_HEAD + _part(b"Content-Length: 104857600"),
    "part-length-negative": MJPEG_HEAD + _part(b"Content-Length: -1"),
    "part-length-text": MJPEG_HEAD + _part(b"Content-Length: lots"),
    "part-headers-never-end": MJPEG_HEAD + b"--frame\r\n" + b"X-Pad: a\r\n" * 20000,
    "part-not-jpeg": MJPEG_HEAD + _part(b"Content-Length: 5", b"hello"),
    "stream-ends-first": MJPEG_HEAD + b"--frame--\r\n",
    "snapshot-1TB-announced": b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
    b"Content-Length: 1000000000000\r\n\r\n",
    "snapshot-length-bad": b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
    b"Content-Length: 12x\r\n\r\n",
    "chunked-bad-size": b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nZZZ\r\n",
    "chunked-huge": b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n",
    "header-line-1MB": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * MB + b"\r\n\r\n",
    "no-crlf-1MB": b"HTTP/1.1 200 OK " + b"z" * MB,
    "many-headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 5000 + b"\r\n",
    "not-http": b"SSH-2.0-OpenSSH_9.2\r\n",
    "closed": b"",
}


def _endless(first: bytes, filler: bytes) -> Callable[[socket.socket], None]:
    def send(conn: socket.socket) -> None:
        conn.sendall(first)
        for _ in range(4096):  # up to 256 MiB: more than any limit, cut off by the client
            conn.sendall(filler)

    return send


HTTP_REPLIES["boundary-never-comes"] = _endless(MJPEG_HEAD, b"\x00" * 65536)
HTTP_REPLIES["part-body-never-ends"] = _endless(
    MJPEG_HEAD + b"--frame\r\nContent-Type: image/jpeg\r\n\r\n", b"\xff" * 65536
)
HTTP_REPLIES["snapshot-endless-body"] = _endless(
    b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n", b"\xff" * 65536
)


@pytest.mark.parametrize("name", list(HTTP_REPLIES))
def test_hostile_http_reply_is_one_clear_line(name: str) -> None:
    reply = HTTP_REPLIES[name]

    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        read_request(conn)
        if callable(reply):
            reply(conn)
        else:
            conn.sendall(reply)
            time.sleep(0.5)

    with tcp_server(handle) as (port, _):
        url = f"http://admin:{SECRET}@127.0.0.1:{port}/video"
        t0 = time.monotonic()
        with pytest.raises(CaptureError) as err:
            capture(url, open_timeout_s=1.0, read_timeout_s=1.0, max_seconds=4.0)
        elapsed = time.monotonic() - t0
    assert elapsed < 4.0 + SLACK
    assert_one_clear_line(err.value, f"http://admin:***@127.0.0.1:{port}/video: ")


def test_limits_do_not_refuse_a_good_stream() -> None:
    """A well-formed MJPEG stream (with and without part lengths) and a snapshot still read."""
    stream = MJPEG_HEAD + _part(f"Content-Length: {len(JPEG)}".encode()) * 3 + _part(b"X: y") * 3

    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        request = read_request(conn)
        if b"/snap" in request:
            head = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked"
            body = b"".join(
                f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in (JPEG[:100], JPEG[100:])
            )
            conn.sendall(head.encode() + b"\r\n\r\n" + body + b"0\r\n\r\n")
        else:
            conn.sendall(stream + b"--frame--\r\n")

    with tcp_server(handle) as (port, _):
        clip = capture(f"http://127.0.0.1:{port}/mjpeg", max_frames=6)
        snap = capture(f"http://127.0.0.1:{port}/snap", max_frames=2, snapshot_interval_s=0.01)
    assert len(clip) == 6 and clip.kind == "mjpeg" and (clip.width, clip.height) == (64, 48)
    assert len(snap) == 2 and snap.kind == "snapshot"


# ---- class 4: lock-outs ---------------------------------------------------------------


def _http_nvr(password: str) -> Handler:
    """An NVR over HTTP: every path a channel, Basic auth, failed logins counted."""
    good = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()

    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        request = read_request(conn).decode("latin-1")
        auth = [ln.split(":", 1)[1].strip() for ln in request.split("\r\n")
                if ln.lower().startswith("authorization:")]  # fmt: skip
        if auth and auth[0] == good:
            stats["logins"] += 1
            head = f"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {len(JPEG)}"
            conn.sendall(head.encode() + b"\r\n\r\n" + JPEG)
            return
        if auth:
            stats["auth_failures"] += 1
        conn.sendall(b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="nvr"\r\n'
                     b"Content-Length: 0\r\n\r\n")  # fmt: skip

    return handle


def _rtsp_nvr(password: str) -> Handler:
    """An NVR over RTSP: DESCRIBE of any channel, Digest-style 401 then Basic, counted."""
    good = "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()

    def handle(conn: socket.socket, stats: dict[str, int]) -> None:
        while request := read_request(conn).decode("latin-1"):
            auth = [ln.split(":", 1)[1].strip() for ln in request.split("\r\n")
                    if ln.lower().startswith("authorization:")]  # fmt: skip
            if auth and auth[0] == good:
                stats["logins"] += 1
                conn.sendall(RTSP_OK + b"Content-Length: 5\r\n\r\nv=0\r\n")
                return
            if auth:
                stats["auth_failures"] += 1
            conn.sendall(b'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic '
                         b'realm="nvr"\r\n\r\n')  # fmt: skip

    return handle


NVRS = {"http": (_http_nvr, "/ISAPI/Streaming/channels/{}01/picture"),
        "rtsp": (_rtsp_nvr, "/cam/realmonitor?channel={}&subtype=0")}  # fmt: skip


def _channels(scheme: str, port: int) -> list[str]:
    return [f"{scheme}://127.0.0.1:{port}{NVRS[scheme][1].format(ch)}" for ch in range(1, 7)]


def _try(url: str, cid: str, limit: int | None) -> str:
    try:
        capture(url, camera_id=cid, password=SECRET, max_frames=1, open_timeout_s=1,
                read_timeout_s=1, max_failed_logins=limit)  # fmt: skip
    except NotTriedError as err:
        assert "not tried: the recorder refused the password for admin@127.0.0.1" in str(err)
        assert "fix the password before trying again" in str(err) and SECRET not in str(err)
        return "not tried"
    except CaptureError as err:
        assert SECRET not in str(err)
        return "rejected" if "rejected the login" in str(err) else f"other: {err}"
    return "read"


@pytest.mark.parametrize("limit", [None, 1, 2, 3])
@pytest.mark.parametrize("parallel", [False, True], ids=["sequential", "threads"])
@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_nvr_wrong_password_counts_per_device(
    scheme: str, parallel: bool, limit: int | None
) -> None:
    with tcp_server(NVRS[scheme][0]("the-right-one")) as (port, stats):
        urls = _channels(scheme, port)
        cids = [f"NVR1-CH{i}" for i in range(1, 7)]
        if parallel:
            results: list[str] = [""] * 6

            def work(i: int) -> None:
                results[i] = _try(urls[i], cids[i], limit)

            threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        else:
            results = [_try(u, c, limit) for u, c in zip(urls, cids, strict=True)]
        failures = stats["auth_failures"]
    n = limit or 1
    assert failures == n, results
    assert results.count("rejected") == n and results.count("not tried") == 6 - n, results
    assert _credentials.failed_logins("127.0.0.1", port, "admin") == n


def test_other_user_or_device_is_still_tried_and_forget_allows_again() -> None:
    with (
        tcp_server(_http_nvr("pw")) as (port_a, stats_a),
        tcp_server(_http_nvr("pw")) as (port_b, stats_b),
    ):
        a, b = _channels("http", port_a), _channels("http", port_b)
        assert _try(a[0], "A1", None) == "rejected"
        assert _try(a[1], "A2", None) == "not tried"
        assert _try(b[0], "B1", None) == "rejected"  # another device: tried
        other = a[2].replace("http://", "http://operator@")
        assert _try(other, "A3", None) == "rejected"  # another user on it: tried
        forget_rejection("A1")
        assert _try(a[3], "A4", None) == "rejected"  # forgotten: one more attempt
        assert stats_a["auth_failures"] == 3 and stats_b["auth_failures"] == 1
        no_password = capture  # a camera without a password sends no login: never counted
        with pytest.raises(CaptureError, match="asks for a password"):
            no_password(a[4], camera_id="A5", max_frames=1, open_timeout_s=1)


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_verify_survey_six_channels_one_failed_login(
    scheme: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = list(csv.reader(SURVEY.read_text(encoding="utf-8-sig").splitlines()))
    rows = [rows[0] + ["stream_url"]] + [[*r, ""] for r in rows[1:7]]
    with tcp_server(NVRS[scheme][0]("the-right-one")) as (port, stats):
        for r, url in zip(rows[1:], _channels(scheme, port), strict=True):
            r[-1] = url
        reg = tmp_path / "survey.csv"
        with open(reg, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
        monkeypatch.setenv("COVPLAN_CAMERA_PASSWORD", SECRET)
        t0 = time.monotonic()
        code = main(["verify", "--survey", str(reg), "--no-record", "--open-timeout", "1",
                     "--read-timeout", "1", "--frames", "2", "--json"])  # fmt: skip
        elapsed = time.monotonic() - t0
        failures = stats["auth_failures"]
    out, err = capsys.readouterr()
    assert out, (code, err)
    records = json.loads(out)
    assert code == 1 and failures == 1 and elapsed < 20
    assert [r["verdict"] for r in records] == ["fail"] + ["not tried"] * 5
    assert all("not tried: the recorder refused the password for admin@127.0.0.1"
               in r["reasons"][0] for r in records[1:])  # fmt: skip
    assert SECRET not in out + err


# ---- class 9: checks that pass what they never checked --------------------------------

W, H = 160, 120


def _frames(n: int, seed: int = 0) -> list[np.ndarray]:
    """Textured frames with a moving bright square: sharp, exposed, not frozen."""
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.integers(40, 220, (H, W, 3), dtype=np.uint8), (3, 3), 0)
    out = []
    for i in range(n):
        f = base.copy()
        x = 10 + 12 * i % (W - 30)
        cv2.rectangle(f, (x, 60), (x + 20, 80), (255, 255, 255), -1)
        out.append(f)
    return out


def _pose(**kw: float) -> CameraPose:
    args = {"heading_deg": 0.0, "mount_height_m": 4.0, "tilt_deg": 20.0, "hfov_deg": 80.0,
            "width_px": W, "height_px": H, "lon": 107.5923, "lat": 16.4712} | kw  # fmt: skip
    return CameraPose(**args)  # type: ignore[arg-type]


def _targets() -> gpd.GeoDataFrame:
    pts = [Point(107.5923, 16.4712 + d / 111_000) for d in (8, 12, 16)]
    return gpd.GeoDataFrame({"target_id": [1, 2, 3]}, geometry=pts, crs="EPSG:4326")


def _still_files(tmp_path: Path) -> dict[str, Path]:
    frame = _frames(1)[0]
    out = {}
    for ext in ("png", "jpg", "bmp"):
        out[ext] = tmp_path / f"still.{ext}"
        cv2.imwrite(str(out[ext]), frame)
    for name, n in (("one-frame.avi", 1), ("same-frame-twice.avi", 2)):
        path = tmp_path / name
        vw = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (W, H))
        for _ in range(n):
            vw.write(frame)
        vw.release()
        out[name] = path
    return out


@pytest.mark.parametrize("route", [False, True], ids=["picture-only", "with-route"])
@pytest.mark.parametrize("kind", ["png", "jpg", "bmp", "one-frame.avi", "same-frame-twice.avi"])
def test_stills_and_one_frame_clips_never_pass(kind: str, route: bool, tmp_path: Path) -> None:
    clip = capture(_still_files(tmp_path)[kind], max_frames=20)
    res = verify_camera(clip.frames, _pose() if route else None, _targets() if route else None)
    assert not res.passed and res.record["verdict"] in ("not checked", "fail")
    if len(clip) < 2:
        assert res.record["verdict"] == "not checked"
        assert any("frozen feed and motion" in n for n in res.record["not_checked"])
    else:  # the same image twice: a frozen feed, caught
        assert res.record["verdict"] == "fail" and res.record["frozen"] is True


@pytest.mark.parametrize(
    ("pose", "targets", "check_route", "why"),
    [
        (True, False, None, "no route targets"),
        (False, True, None, "no complete camera pose"),
        (True, "empty", None, "none for this camera"),
        (False, False, True, "no complete camera pose"),
    ],
)
def test_route_asked_but_not_checked_is_not_a_pass(
    pose: bool, targets: bool | str, check_route: bool | None, why: str
) -> None:
    tg = _targets() if targets is True else _targets().iloc[:0] if targets == "empty" else None
    res = verify_camera(_frames(8), _pose() if pose else None, tg, check_route=check_route)
    assert res.record["verdict"] in ("not checked", "fail") and not res.passed
    assert res.record["route_checked"] is False
    assert any(why in n for n in res.record["not_checked"]), res.record["not_checked"]


def test_picture_only_says_so() -> None:
    res = verify_camera(_frames(8), None, None)
    assert res.record["route_checked"] is False
    assert any("picture check only" in n for n in res.record["notes"])


@pytest.fixture
def clip_file(tmp_path: Path) -> Path:
    path = tmp_path / "clip.avi"
    vw = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (W, H))
    for f in _frames(8):
        vw.write(f)
    vw.release()
    return path


@pytest.mark.parametrize(
    "flags",
    [
        ["--lon", "107.5923", "--lat", "16.4712", "--heading", "0"],  # no --hfov
        ["--lon", "107.5923", "--lat", "16.4712", "--hfov", "80"],  # no --heading
        ["--heading", "0", "--hfov", "80"],  # no position
        [],  # targets but no pose at all
    ],
    ids=["no-hfov", "no-heading", "no-position", "no-pose"],
)
def test_cli_incomplete_pose_with_targets_does_not_pass(
    flags: list[str], clip_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tg = tmp_path / "targets.geojson"
    _targets().to_file(tg, driver="GeoJSON")
    code = main(["verify", "--source", str(clip_file), "--targets", str(tg), "--json", *flags])
    record = json.loads(capsys.readouterr().out)
    assert code == 1 and record["verdict"] != "pass" and record["route_checked"] is False
    assert any(n.startswith("route:") for n in record["not_checked"])


@pytest.mark.parametrize("kind", ["png", "one-frame.avi"])
def test_cli_still_image_is_not_checked(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["verify", "--source", str(_still_files(tmp_path)[kind])])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("NOT CHECKED") and "not checked: frozen feed" in out


_BAD_VALUES: dict[str, list[float]] = {
    "lat": [200.0, -90.5, 91.0, math.nan, math.inf, -math.inf],
    "lon": [181.0, -180.5, 1e9, math.nan, math.inf],
    "heading_deg": [400.0, -1.0, 360.5, 720.0, math.nan, math.inf],
    "hfov_deg": [0.0, 180.0, 200.0, -5.0, math.nan],
    "vfov_deg": [0.0, 180.0, -1.0, math.nan],
    "tilt_deg": [90.0, -90.0, 1000.0, math.nan],
    "mount_height_m": [0.0, -1.0, 100.0, 1e6, math.nan, math.inf],
    "width_px": [0, -640],
    "height_px": [0, -480],
}
BAD_POSES = [(field, value) for field, values in _BAD_VALUES.items() for value in values]


@pytest.mark.parametrize(("field", "value"), BAD_POSES, ids=lambda v: str(v))
def test_out_of_range_pose_is_an_input_error_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(InputError, match=field) as err:
        _pose(**{field: value})
    assert err.value.problems[0].column == field


CLI_BAD = [
    ("--lat", "200", "lat"),
    ("--lat", "nan", "lat"),
    ("--lon", "-181", "lon"),
    ("--heading", "400", "heading_deg"),
    ("--heading", "-10", "heading_deg"),
    ("--hfov", "0", "hfov_deg"),
    ("--hfov", "190", "hfov_deg"),
    ("--tilt", "95", "tilt_deg"),
    ("--height", "0", "mount_height_m"),
    ("--height", "-3", "mount_height_m"),
]


@pytest.mark.parametrize(("flag", "value", "field"), CLI_BAD, ids=lambda v: str(v))
@pytest.mark.parametrize("complete", [True, False], ids=["full-pose", "partial-pose"])
def test_cli_out_of_range_pose_exits_2_naming_the_field(
    flag: str, value: str, field: str, complete: bool, clip_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    pose = {"--lon": "107.5923", "--lat": "16.4712", "--heading": "0", "--hfov": "80"}
    if not complete:
        pose.pop("--hfov" if flag != "--hfov" else "--heading")
    pose[flag] = value
    args = [x for kv in pose.items() for x in kv]
    code = main(["verify", "--source", str(clip_file), *args])
    err = capsys.readouterr().err
    assert code == 2 and field in err and "Traceback" not in err
