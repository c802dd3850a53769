"""An HTTP camera for the tests: MJPEG (multipart/x-mixed-replace) and snapshot, with Basic auth.

Also a server that accepts connections and then never sends a byte, to test timeouts.
Both run in a daemon thread on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np


def _jpegs(frames: Sequence[np.ndarray]) -> list[bytes]:
    out = []
    for f in frames:
        ok, buf = cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 85])
        assert ok
        out.append(buf.tobytes())
    return out


@contextmanager
def http_camera(
    frames: Sequence[np.ndarray],
    *,
    user: str | None = None,
    password: str | None = None,
    fps: float = 25.0,
    content_length: bool = True,
) -> Iterator[str]:
    """Serve ``frames`` at ``/mjpeg`` (looping) and ``/snapshot.jpg``; yield the base URL."""
    jpegs = _jpegs(frames)
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode() if user else None
    stats = {"auth_failures": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _authorised(self) -> bool:
            if expected is None:
                return True
            got = self.headers.get("Authorization")
            if got == expected:
                return True
            if got is not None:
                stats["auth_failures"] += 1
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="camera"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False

        def do_GET(self) -> None:
            if not self._authorised():
                return
            if self.path.startswith("/snapshot"):
                body = jpegs[int(time.monotonic() * fps) % len(jpegs)]
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if not self.path.startswith("/mjpeg"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            try:
                i = 0
                while True:
                    body = jpegs[i % len(jpegs)]
                    head = b"--frame\r\nContent-Type: image/jpeg\r\n"
                    if content_length:
                        head += f"Content-Length: {len(body)}\r\n".encode()
                    self.wfile.write(head + b"\r\n" + body + b"\r\n")
                    self.wfile.flush()
                    i += 1
                    time.sleep(1.0 / fps)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        http_camera.stats = stats  # type: ignore[attr-defined]
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def stalling_server(*, send_headers: bytes = b"") -> Iterator[int]:
    """Accept connections, maybe send ``send_headers``, then never send anything; yield port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)
            if send_headers:
                conn.sendall(send_headers)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        for c in held:
            c.close()
        sock.close()
