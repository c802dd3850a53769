"""Start the GStreamer RTSP server (tests/servers/rtsp_server.py) with Debian's system Python."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("rtsp_server.py")


def gstreamer_missing() -> str | None:
    """Return why the RTSP server cannot run here, or None when it can."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found"
    probe = (
        "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
        "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
        "encoders = ('x264enc', 'openh264enc', 'avenc_h264_omx');"
        "assert any(Gst.ElementFactory.find(e) for e in encoders)"
    )
    res = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=30)
    if res.returncode:
        return (
            "GStreamer RTSP server not installed (Debian packages gir1.2-gst-rtsp-server-1.0, "
            "python3-gi, gstreamer1.0-plugins-ugly: see DEB_PACKAGES in .ci/run)"
        )
    return None


@contextmanager
def rtsp_server(
    video: Path, *, user: str | None = None, password: str | None = None, path: str = "/live"
) -> Iterator[str]:
    """Serve ``video`` as H.264 over RTSP on 127.0.0.1; yield the credential-free URL."""
    cmd = [SYSTEM_PYTHON, str(SCRIPT), str(video), "--path", path]
    if user:
        cmd += ["--user", user, "--password", password or ""]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        line = ""
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("PORT") or proc.poll() is not None:
                break
        if not line.startswith("PORT"):
            err = proc.stderr.read() if proc.stderr else ""
            msg = f"RTSP server did not start: {err[-500:]}"
            raise RuntimeError(msg)
        port = int(line.split()[1])
        host = f"{user}@127.0.0.1" if user else "127.0.0.1"
        yield f"rtsp://{host}:{port}{path}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
