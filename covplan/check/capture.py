"""Read a few frames from a camera: a video file, an RTSP URL, an HTTP MJPEG stream or snapshot.

Every network read has an open and a read timeout (never OpenCV's 30 s default hang), the
number of frames and seconds read is bounded, RTSP runs over TCP, and a password never
leaves this room: URLs are redacted (:func:`covplan._redact.redact_url`) in every log line,
error and record.

Credentials come from the caller, an environment variable or the system keyring
(:func:`covplan.check.resolve_credentials`), and each camera's password is tried once per
process (:func:`covplan.check.forget_rejection`).

Examples
--------
>>> from covplan.check import stream_url
>>> stream_url("hikvision", "192.168.1.64", channel=1)
'rtsp://admin@192.168.1.64:554/Streaming/Channels/101'
"""

from __future__ import annotations

import logging
import os
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from covplan import settings
from covplan._errors import CaptureError, InputError
from covplan._redact import redact, redact_url
from covplan.check._credentials import check_not_rejected, resolve_credentials
from covplan.check._http import read_http
from covplan.check._rtsp import read_rtsp
from covplan.check.urls import normalise_userinfo

__all__ = ["Clip", "capture"]

logger = logging.getLogger(__name__)


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
    msg = (
        f"unsupported stream scheme {scheme!r} in {redact_url(source)}; "
        "use rtsp://, http:// or a file"
    )
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
        Stop after this much wall-clock time (network) or this much video time (file).
        For a network source the default is ``open_timeout_s + max_frames * read_timeout_s``.
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

    Returns
    -------
    Clip
        The frames and where they came from (redacted).

    Raises
    ------
    InputError
        A file that does not exist, or an unsupported URL scheme.
    CaptureError
        A source that cannot be opened or read in time, a rejected login, or a camera
        whose login was already rejected in this process. The message never contains
        the password.
    """
    src = os.fspath(source)
    kind = _kind_of(src)
    n_max = int(settings.max_frames if max_frames is None else max_frames)
    if n_max < 1 or stride < 1:
        msg = f"max_frames ({n_max}) and stride ({stride}) must be at least 1"
        raise InputError(msg)
    t0 = time.monotonic()
    if kind == "file":
        path = Path(src.removeprefix("file://"))
        frames, stamps, fps = _read_file(path, n_max, max_seconds, stride)
        clip = Clip(frames, stamps, str(path), "file", fps, time.monotonic() - t0, camera_id)
        logger.info("read %d frames from %s in %.2f s", len(frames), path, clip.seconds)
        return clip
    t_open = float(settings.open_timeout_s if open_timeout_s is None else open_timeout_s)
    t_read = float(settings.read_timeout_s if read_timeout_s is None else read_timeout_s)
    src = normalise_userinfo(src)
    shown = redact_url(src)
    user, secret = resolve_credentials(
        src, camera_id=camera_id, username=username, password=password
    )
    key = camera_id or urllib.parse.urlsplit(src).hostname or shown
    check_not_rejected(key)
    budget = float(max_seconds) if max_seconds is not None else t_open + (n_max * stride) * t_read
    deadline = t0 + budget
    try:
        if kind == "rtsp":
            frames, stamps, fps = read_rtsp(
                src, user, secret, n_max, stride, t_open, t_read, deadline, key
            )
        else:
            frames, stamps, fps, kind = read_http(
                src, user, secret, n_max, stride, t_open, t_read, deadline, key,
                snapshot_interval_s,
            )  # fmt: skip
    except CaptureError as err:
        safe = redact(str(err), secret)
        logger.warning("capture from %s failed: %s", shown, safe)
        raise CaptureError(safe) from None
    except OSError as err:
        safe = redact(f"{type(err).__name__}: {err}", secret)
        logger.warning("capture from %s failed: %s", shown, safe)
        msg = f"cannot read {shown}: {safe}"
        raise CaptureError(msg) from None
    clip = Clip(frames, stamps, shown, kind, fps, time.monotonic() - t0, camera_id)
    logger.info(
        "read %d frames (%dx%d) from %s (%s) in %.2f s",
        len(frames), clip.width, clip.height, shown, kind, clip.seconds,
    )  # fmt: skip
    return clip


def _read_file(
    path: Path, n_max: int, max_seconds: float | None, stride: int
) -> tuple[list[np.ndarray], list[float], float | None]:
    """Read up to ``n_max`` frames (one in ``stride``) of a video file, within ``max_seconds``."""
    if not path.is_file():
        msg = f"video file {path} not found; give an existing file or a stream URL"
        raise InputError(msg, file=path)
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            msg = f"OpenCV cannot open {path}; is it a video file (AVI, MP4, MKV)?"
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
        msg = f"{path} has no readable frames; is the file complete?"
        raise InputError(msg, file=path)
    return frames, stamps, fps
