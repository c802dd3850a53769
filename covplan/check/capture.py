"""Read a few frames from a camera: a video file, an RTSP URL, an HTTP MJPEG stream or snapshot.

Every network read has an open and a read timeout (never OpenCV's 30 s default hang) and
the whole capture one deadline on the monotonic clock (a server dripping one byte a second
cannot keep it alive); headers, bodies and pictures have size limits
(:mod:`covplan.check._wire`); the number of frames is bounded, RTSP runs over TCP, and a
password never leaves this room: URLs are redacted (:func:`covplan._redact.redact_url`) in
every log line, error and record, and every error is one line naming the redacted URL.

Credentials come from the caller, an environment variable or the system keyring
(:func:`covplan.check.resolve_credentials`). Failed logins are counted per device and user
(host, port, user) for the whole process: after ``max_failed_logins`` (1) the device's other
channels are not tried (:class:`~covplan.check._credentials.NotTriedError`) until
:func:`covplan.check.forget_rejection`.

Examples
--------
>>> from covplan.check import stream_url
>>> stream_url("hikvision", "192.168.1.64", channel=1)
'rtsp://admin@192.168.1.64:554/Streaming/Channels/101'
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from covplan import settings
from covplan._errors import CaptureError, InputError
from covplan._redact import redact, redact_url
from covplan.check._credentials import (
    MAX_FAILED_LOGINS,
    Login,
    NotTriedError,
    check_device,
    check_not_rejected,
    resolve_credentials,
)
from covplan.check._http import read_http
from covplan.check._rtsp import read_rtsp
from covplan.check.urls import normalise_userinfo
from covplan.vocab.messages import message

__all__ = ["Clip", "capture", "default_budget_s"]

logger = logging.getLogger(__name__)

#: The slowest frame rate the default budget allows for (2 frames a second).
_SLOWEST_FRAME_S = 0.5


def default_budget_s(t_open: float, t_read: float, n_frames: int) -> float:
    """Return the whole time a network capture may take when ``max_seconds`` is not given.

    The open timeout, one read timeout (for the first frame) and ``n_frames`` read at
    2 frames a second: 5 + 5 + 25 = 35 s for the defaults (50 frames). The old budget
    (``t_open + n_frames * t_read``, 255 s) let a server dripping bytes hold a check for
    minutes.

    Parameters
    ----------
    t_open, t_read
        Open and read timeouts, seconds.
    n_frames
        Frames read from the stream (kept ones times the stride).

    Returns
    -------
    float
        Seconds.
    """
    return t_open + t_read + n_frames * _SLOWEST_FRAME_S


def _positive(name: str, value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        msg = message("capture.bad_seconds", name=name, value=value)
        raise InputError(msg, column=name, value=value)
    return float(value)


@dataclass
class Clip:
    """Frames read from one source.

    Attributes
    ----------
    frames
        BGR uint8 images, all the same size.
    timestamps_s
        Seconds since the first frame was read (or the file's own times).
    source
        The source, redacted: safe to log and store.
    kind
        ``"file"``, ``"rtsp"``, ``"mjpeg"`` or ``"snapshot"``.
    fps
        Frames per second the source announces, if any.
    seconds
        Wall-clock time spent opening and reading.
    """

    frames: list[np.ndarray]
    timestamps_s: list[float]
    source: str
    kind: str
    fps: float | None = None
    seconds: float = 0.0
    camera_id: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        """Frame width in pixels."""
        return int(self.frames[0].shape[1])

    @property
    def height(self) -> int:
        """Frame height in pixels."""
        return int(self.frames[0].shape[0])

    def __len__(self) -> int:
        return len(self.frames)


def _kind_of(source: str) -> str:
    scheme = source.partition("://")[0].lower() if "://" in source else ""
    if scheme in ("rtsp", "rtsps"):
        return "rtsp"
    if scheme in ("http", "https"):
        return "http"
    if scheme in ("", "file") or len(scheme) == 1:  # "C:\..." on Windows
        return "file"
    msg = message("capture.bad_scheme", scheme=scheme, url=redact_url(source))
    raise InputError(msg, column="stream_url", value=redact_url(source))


def capture(
    source: str | os.PathLike[str],
    *,
    max_frames: int | None = None,
    max_seconds: float | None = None,
    stride: int = 1,
    open_timeout_s: float | None = None,
    read_timeout_s: float | None = None,
    camera_id: str | None = None,
    username: str | None = None,
    password: str | None = None,
    snapshot_interval_s: float = 0.2,
    max_failed_logins: int | None = None,
) -> Clip:
    """Read a bounded number of frames from a file, RTSP, HTTP MJPEG or HTTP snapshot source.

    Parameters
    ----------
    source
        A video file, ``rtsp://host[:port]/path``, or ``http(s)://`` URL. HTTP URLs are
        read as MJPEG when the server answers ``multipart/x-mixed-replace`` and as a
        snapshot (fetched repeatedly) when it answers with a single image.
    max_frames
        Frames to keep (``settings.max_frames`` when None).
    max_seconds
        Stop after this much wall-clock time (network: the whole capture, open included)
        or this much video time (file). For a network source the default is
        :func:`default_budget_s`. Frames read when it passes are kept.
    stride
        Keep one frame in ``stride`` (a file or stream is read at its own rate).
    open_timeout_s, read_timeout_s
        Timeouts for opening the stream and for each read (``settings.open_timeout_s``,
        ``settings.read_timeout_s``).
    camera_id
        The camera's id, for credentials (:func:`covplan.check.resolve_credentials`), the
        once-per-camera login rule and the logs.
    username, password
        Credentials from the caller; otherwise environment or keyring.
    snapshot_interval_s
        Pause between two snapshot requests.
    max_failed_logins
        Failed logins a device (host, port, user) may have in this process before its
        cameras are no longer tried (``MAX_FAILED_LOGINS``, 1, when None).

    Returns
    -------
    Clip
        The frames and where they came from (redacted).

    Raises
    ------
    InputError
        A file that does not exist, or an unsupported URL scheme.
    CaptureError
        A source that cannot be opened or read in time, an answer over a size limit, a
        rejected login, or a camera whose login (or whose device's login) was already
        rejected in this process (:class:`~covplan.check._credentials.NotTriedError`).
        One line naming the redacted URL; it never contains the password.
    """
    src = os.fspath(source)
    kind = _kind_of(src)
    n_max = int(settings.max_frames if max_frames is None else max_frames)
    if n_max < 1 or stride < 1:
        msg = message("capture.bad_counts", n_max=n_max, stride=stride)
        raise InputError(msg)
    t0 = time.monotonic()
    if kind == "file":
        path = Path(src.removeprefix("file://"))
        frames, stamps, fps = _read_file(path, n_max, max_seconds, stride)
        clip = Clip(frames, stamps, str(path), "file", fps, time.monotonic() - t0, camera_id)
        logger.info("read %d frames from %s in %.2f s", len(frames), path, clip.seconds)
        return clip
    t_open = _positive(
        "open_timeout_s", settings.open_timeout_s if open_timeout_s is None else open_timeout_s
    )
    t_read = _positive(
        "read_timeout_s", settings.read_timeout_s if read_timeout_s is None else read_timeout_s
    )
    src = normalise_userinfo(src)
    shown = redact_url(src)
    user, secret = resolve_credentials(
        src, camera_id=camera_id, username=username, password=password
    )
    login = _login_for(src, shown, camera_id, user, max_failed_logins)
    try:
        check_not_rejected(login.camera)
        if secret:  # without a password no login is tried, so none can fail
            check_device(login)
    except CaptureError as err:
        raise type(err)(f"{shown}: {err}") from None
    budget = (
        _positive("max_seconds", max_seconds)
        if max_seconds is not None
        else default_budget_s(t_open, t_read, n_max * stride)
    )
    frames, stamps, fps, kind = _read_network(
        kind, src, shown, secret, (n_max, stride), (t_open, t_read), t0 + budget, login,
        snapshot_interval_s,
    )  # fmt: skip
    clip = Clip(frames, stamps, shown, kind, fps, time.monotonic() - t0, camera_id)
    logger.info(
        "read %d frames (%dx%d) from %s (%s) in %.2f s",
        len(frames), clip.width, clip.height, shown, kind, clip.seconds,
    )  # fmt: skip
    return clip


def _login_for(
    src: str, shown: str, camera_id: str | None, user: str | None, limit: int | None
) -> Login:
    """Who logs in where, for the failed-login count: the camera's key, host, port, user."""
    parts = urllib.parse.urlsplit(src)
    try:
        port = parts.port
    except ValueError:
        msg = message("capture.bad_port", url=shown)
        raise InputError(msg, column="stream_url", value=shown) from None
    default = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    host = (parts.hostname or "").lower()
    n = MAX_FAILED_LOGINS if limit is None else int(limit)
    if n < 1:
        msg = message("capture.bad_logins", value=limit)
        raise InputError(msg, column="max_failed_logins", value=limit)
    return Login(camera_id or host or shown, host, port or default, user or "admin", n)


def _read_network(
    kind: str,
    src: str,
    shown: str,
    secret: str | None,
    counts: tuple[int, int],
    timeouts: tuple[float, float],
    deadline: float,
    login: Login,
    interval_s: float,
) -> tuple[list[np.ndarray], list[float], float | None, str]:
    """Read the frames of an RTSP or HTTP source; every error one redacted line."""
    n_max, stride = counts
    t_open, t_read = timeouts
    try:
        if kind == "rtsp":
            frames, stamps, fps = read_rtsp(
                src, secret, n_max, stride, t_open, t_read, deadline, login
            )
        else:
            frames, stamps, fps, kind = read_http(
                src, secret, n_max, stride, t_open, t_read, deadline, login, interval_s
            )
    except NotTriedError as err:  # built here from user, host and counts: nothing to hide
        safe = _one_line(shown, str(err))
        logger.warning("%s", message("capture.failed", why=safe))
        raise NotTriedError(safe) from None
    except CaptureError as err:
        safe = _one_line(shown, redact(str(err), secret))
        logger.warning("%s", message("capture.failed", why=safe))
        raise CaptureError(safe) from None
    except (OSError, ValueError, UnicodeError, MemoryError) as err:
        safe = _one_line(shown, redact(f"{type(err).__name__}: {err}", secret))
        logger.warning("%s", message("capture.failed", why=safe))
        raise CaptureError(message("capture.unreadable", what=safe)) from None
    if not frames:
        msg = message("capture.no_frame", url=shown)
        raise CaptureError(msg)
    return frames, stamps, fps, kind


def _one_line(shown: str, text: str) -> str:
    """``text`` on one line, starting with the redacted URL ``shown``."""
    flat = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://\S*: ", "", " ".join(text.split()))[:500]
    return f"{shown}: {flat}"


def _read_file(
    path: Path, n_max: int, max_seconds: float | None, stride: int
) -> tuple[list[np.ndarray], list[float], float | None]:
    """Read up to ``n_max`` frames (one in ``stride``) of a video file, within ``max_seconds``."""
    if not path.is_file():
        msg = message("capture.file_not_found", path=path)
        raise InputError(msg, file=path)
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            msg = message("capture.cannot_open", path=path)
            raise InputError(msg, file=path)
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or None
        frames: list[np.ndarray] = []
        stamps: list[float] = []
        i = 0
        while len(frames) < n_max:
            ok, frame = cap.read()
            if not ok:
                break
            t = i / fps if fps else float(i)
            if max_seconds is not None and t > max_seconds:
                break
            if i % stride == 0:
                frames.append(frame)
                stamps.append(t)
            i += 1
    finally:
        cap.release()
    if not frames:
        msg = message("capture.no_frames", path=path)
        raise InputError(msg, file=path)
    return frames, stamps, fps
