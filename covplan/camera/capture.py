"""Read a few frames from a camera: a video file, an RTSP URL, an HTTP MJPEG stream or snapshot.

Every network read has an open and a read timeout (never OpenCV's 30 s default hang), the
number of frames and seconds read is bounded, RTSP runs over TCP, and a password never
leaves this module: URLs are redacted (:func:`redact_url`) in every log line, error and
record.

Credentials come from the caller, an environment variable or the system keyring, never from
the register (whose ``stream_url`` is a credential-free template), and each camera's
password is tried once per process: a camera whose login was rejected is not tried again
until :func:`forget_rejection` is called, because cameras lock out after repeated failed
logins.

Examples
--------
>>> url = stream_url("hikvision", "192.168.1.64", channel=1)
>>> url
'rtsp://admin@192.168.1.64:554/Streaming/Channels/101'
>>> redact_url("rtsp://admin:s3cret@192.168.1.64:554/Streaming/Channels/101")
'rtsp://admin:***@192.168.1.64:554/Streaming/Channels/101'
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import logging
import os
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from covplan import settings
from covplan._errors import CaptureError, InputError

__all__ = [
    "Clip",
    "capture",
    "forget_rejection",
    "redact",
    "redact_url",
    "resolve_credentials",
    "snapshot_url",
    "stream_url",
    "with_credentials",
]

logger = logging.getLogger(__name__)

#: RTSP path templates by brand; ``{ch}`` is the channel number, ``{sub}`` the stream index.
_RTSP_PATHS: dict[str, str] = {
    "hikvision": "/Streaming/Channels/{ch}0{hik_stream}",
    "dahua": "/cam/realmonitor?channel={ch}&subtype={sub}",
    "imou": "/cam/realmonitor?channel={ch}&subtype={sub}",
    "kbvision": "/cam/realmonitor?channel={ch}&subtype={sub}",
}
_SNAPSHOT_PATHS: dict[str, str] = {
    "hikvision": "/ISAPI/Streaming/channels/{ch}01/picture",
    "dahua": "/cgi-bin/snapshot.cgi?channel={ch}",
    "imou": "/cgi-bin/snapshot.cgi?channel={ch}",
    "kbvision": "/cgi-bin/snapshot.cgi?channel={ch}",
}
_SECRET_QUERY_KEYS = ("password", "passwd", "pwd", "pass", "token", "key", "auth", "secret")
_SECRET_QUERY_RE = re.compile(
    r"(?i)([?&;](?:" + "|".join(_SECRET_QUERY_KEYS) + r")=)[^&#\s]*",
)
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/@\s:]*):(\S*)@")

#: Cameras (by key) whose credentials were rejected in this process: never retried.
_REJECTED: dict[str, str] = {}
_ENV_LOCK = threading.Lock()


# --------------------------------------------------------------------------- redaction


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``.

    Handles the user-info part (``rtsp://user:pass@host``) and query parameters that
    carry secrets (``?password=...``, ``&pwd=...``, ``token=...``).

    Parameters
    ----------
    url
        A URL or a file name (returned unchanged).

    Returns
    -------
    str
        The URL without its secrets.
    """
    text = _USERINFO_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}:***@", str(url))
    return _SECRET_QUERY_RE.sub(lambda m: f"{m.group(1)}***", text)


def redact(text: str, *secrets: str | None) -> str:
    """Redact URLs in ``text`` and every occurrence of the given secrets.

    Parameters
    ----------
    text
        Any message, e.g. an exception's text from a lower layer.
    *secrets
        Passwords to hide wherever they appear (also URL-quoted). None and empty
        strings are ignored.

    Returns
    -------
    str
        The text, safe to log.
    """
    out = redact_url(text)
    for secret in secrets:
        if secret:
            for form in {secret, urllib.parse.quote(secret, safe="")}:
                out = out.replace(form, "***")
    return out


# --------------------------------------------------------------------------- URLs


def _brand(brand: str) -> str:
    key = brand.strip().lower().replace(" ", "")
    if key not in _RTSP_PATHS:
        msg = f"unknown camera brand {brand!r}; use one of {sorted(_RTSP_PATHS)}"
        raise InputError(msg, column="brand", value=brand)
    return key


def _netloc(host: str, port: int, default_port: int, username: str | None) -> str:
    hostpart = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if port != default_port:
        hostpart = f"{hostpart}:{port}"
    elif default_port == 554:
        hostpart = f"{hostpart}:{port}"
    if username:
        return f"{urllib.parse.quote(username, safe='')}@{hostpart}"
    return hostpart


def stream_url(
    brand: str,
    host: str,
    *,
    channel: int = 1,
    substream: bool = False,
    port: int = 554,
    username: str | None = "admin",
) -> str:
    """Build a credential-free RTSP URL template for a camera brand.

    Parameters
    ----------
    brand
        ``"hikvision"``, ``"dahua"``, ``"imou"`` or ``"kbvision"`` (KBVision and Imou are
        Dahua OEMs and share its paths).
    host
        The camera's or recorder's address.
    channel
        The channel (1 for a single camera; the camera's input on a recorder).
    substream
        Ask for the low-resolution sub-stream instead of the main stream.
    port
        The RTSP port (554).
    username
        The user name to put in the URL (no password, ever); None for none.

    Returns
    -------
    str
        E.g. ``rtsp://admin@host:554/Streaming/Channels/101`` (Hikvision) or
        ``rtsp://admin@host:554/cam/realmonitor?channel=1&subtype=0`` (Dahua).
    """
    key = _brand(brand)
    path = _RTSP_PATHS[key].format(
        ch=int(channel), sub=1 if substream else 0, hik_stream=2 if substream else 1
    )
    return f"rtsp://{_netloc(host, port, 554, username)}{path}"


def snapshot_url(
    brand: str, host: str, *, channel: int = 1, port: int = 80, username: str | None = "admin"
) -> str:
    """Build a credential-free HTTP snapshot URL for a camera brand.

    Parameters
    ----------
    brand
        ``"hikvision"``, ``"dahua"``, ``"imou"`` or ``"kbvision"``.
    host
        The camera's address.
    channel
        The channel number.
    port
        The HTTP port (80).
    username
        The user name to put in the URL; None for none.

    Returns
    -------
    str
        E.g. ``http://admin@host/ISAPI/Streaming/channels/101/picture``.
    """
    key = _brand(brand)
    path = _SNAPSHOT_PATHS[key].format(ch=int(channel))
    return f"http://{_netloc(host, port, 80, username)}{path}"


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """Return ``url`` with ``username`` and ``password`` in its user-info part.

    Parameters
    ----------
    url
        A network URL; any user-info it has is replaced.
    username
        The user name (None keeps the URL's own).
    password
        The password (None: no password).

    Returns
    -------
    str
        The URL to hand to a client. Never log it: log :func:`redact_url` of it.
    """
    parts = urllib.parse.urlsplit(_normalise(url))
    user = username if username is not None else (parts.username or "")
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    userinfo = urllib.parse.quote(urllib.parse.unquote(user), safe="") if user else ""
    if password is not None:
        userinfo = f"{userinfo}:{urllib.parse.quote(password, safe='')}"
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _normalise(url: str) -> str:
    """Percent-quote a raw user name and password (``#``, ``@``, ``/``, ``:``) in ``url``."""
    scheme, sep, rest = url.partition("://")
    at = rest.rfind("@")
    if not sep or at < 0:
        return url
    userinfo, hostpart = rest[:at], rest[at + 1 :]
    user, colon, password = userinfo.partition(":")
    q = urllib.parse.quote
    user_q = q(urllib.parse.unquote(user), safe="")
    if colon:
        return f"{scheme}://{user_q}:{q(urllib.parse.unquote(password), safe='')}@{hostpart}"
    return f"{scheme}://{user_q}@{hostpart}"


def _env_key(camera_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", camera_id).upper()


def resolve_credentials(
    url: str,
    *,
    camera_id: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> tuple[str | None, str | None]:
    """Find the user name and password for a camera, without ever reading the register.

    Looked up in this order, the first found wins:

    1. the caller's ``username`` / ``password`` (or a password already in ``url``);
    2. environment variables ``COVPLAN_CAMERA_PASSWORD_<ID>`` and
       ``COVPLAN_CAMERA_USER_<ID>`` (``<ID>`` is the camera id upper-cased, every other
       character than letters and digits replaced by ``_``), then
       ``COVPLAN_CAMERA_PASSWORD`` and ``COVPLAN_CAMERA_USER``;
    3. the system keyring: service ``covplan``, user name the camera id (or the host).

    Parameters
    ----------
    url
        The stream URL (its user name, if any, is the default user name).
    camera_id
        The camera's id in the register.
    username, password
        Credentials given by the caller.

    Returns
    -------
    tuple of (str or None, str or None)
        The user name and password; ``(user, None)`` when no password is known.
    """
    parts = urllib.parse.urlsplit(_normalise(url))
    url_user = urllib.parse.unquote(parts.username) if parts.username else None
    url_pass = urllib.parse.unquote(parts.password) if parts.password else None
    user = username or url_user
    if password is not None or url_pass is not None:
        return user, password if password is not None else url_pass
    candidates: list[tuple[str, str]] = []
    if camera_id:
        key = _env_key(camera_id)
        candidates.append((f"COVPLAN_CAMERA_PASSWORD_{key}", f"COVPLAN_CAMERA_USER_{key}"))
    candidates.append(("COVPLAN_CAMERA_PASSWORD", "COVPLAN_CAMERA_USER"))
    for pass_var, user_var in candidates:
        secret = os.environ.get(pass_var)
        if secret:
            logger.debug("password for %s from environment variable %s", camera_id, pass_var)
            return user or os.environ.get(user_var) or "admin", secret
    keyring_user = camera_id or parts.hostname
    if keyring_user:
        try:
            import keyring

            secret = keyring.get_password("covplan", keyring_user)
        except Exception as err:  # no keyring backend on a server is normal
            logger.debug("keyring not available: %s", type(err).__name__)
            secret = None
        if secret:
            logger.debug("password for %s from the keyring", keyring_user)
            return user or "admin", secret
    return user, None


def forget_rejection(camera: str | None = None) -> None:
    """Allow another login attempt for a camera whose credentials were rejected.

    Parameters
    ----------
    camera
        The camera id (or host) to forget; None forgets every camera.
    """
    if camera is None:
        _REJECTED.clear()
    else:
        _REJECTED.pop(camera, None)


# --------------------------------------------------------------------------- the clip


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
        The camera's id, for credentials (:func:`resolve_credentials`), the
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
    if kind != "file":
        src = _normalise(src)
    n_max = int(settings.max_frames if max_frames is None else max_frames)
    if n_max < 1 or stride < 1:
        msg = f"max_frames ({n_max}) and stride ({stride}) must be at least 1"
        raise InputError(msg)
    t_open = float(settings.open_timeout_s if open_timeout_s is None else open_timeout_s)
    t_read = float(settings.read_timeout_s if read_timeout_s is None else read_timeout_s)
    shown = redact_url(src)
    t0 = time.monotonic()
    if kind == "file":
        path = Path(src.removeprefix("file://"))
        if not path.is_file():
            msg = f"video file {path} not found; give an existing file or a stream URL"
            raise InputError(msg, file=path)
        frames, stamps, fps = _read_file(path, n_max, max_seconds, stride)
        clip = Clip(frames, stamps, str(path), "file", fps, time.monotonic() - t0, camera_id)
        logger.info("read %d frames from %s in %.2f s", len(frames), path, clip.seconds)
        return clip

    user, secret = resolve_credentials(
        src, camera_id=camera_id, username=username, password=password
    )
    key = camera_id or urllib.parse.urlsplit(src).hostname or shown
    if key in _REJECTED:
        msg = (
            f"camera {key}: its login was rejected earlier ({_REJECTED[key]}); not trying "
            "again, since cameras lock out after repeated failed logins. Fix the password "
            "and call covplan.camera.capture.forget_rejection()"
        )
        raise CaptureError(msg)
    budget = float(max_seconds) if max_seconds is not None else t_open + (n_max * stride) * t_read
    deadline = t0 + budget
    try:
        if kind == "rtsp":
            frames, stamps, fps = _read_rtsp(
                src, user, secret, n_max, stride, t_open, t_read, deadline, key
            )
        else:
            frames, stamps, fps, kind = _read_http(
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


# --------------------------------------------------------------------------- files


def _read_file(
    path: Path, n_max: int, max_seconds: float | None, stride: int
) -> tuple[list[np.ndarray], list[float], float | None]:
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


# --------------------------------------------------------------------------- RTSP


def _digest_header(
    challenge: dict[str, str], method: str, uri: str, user: str, password: str
) -> str:
    realm = challenge.get("realm", "")
    nonce = challenge.get("nonce", "")
    algo = challenge.get("algorithm", "MD5").upper()

    def h(text: str) -> str:
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    ha1 = h(f"{user}:{realm}:{password}")
    if algo == "MD5-SESS":
        ha1 = h(f"{ha1}:{nonce}:")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    parts = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"']
    if "auth" in qops:
        cnonce = os.urandom(8).hex()
        response = h(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
        parts += ["qop=auth", "nc=00000001", f'cnonce="{cnonce}"']
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    parts.append(f'response="{response}"')
    if "opaque" in challenge:
        parts.append(f'opaque="{challenge["opaque"]}"')
    if "algorithm" in challenge:
        parts.append(f"algorithm={challenge['algorithm']}")
    return "Digest " + ", ".join(parts)


def _parse_challenges(values: list[str]) -> dict[str, dict[str, str]]:
    """Parse WWW-Authenticate headers into {scheme: {param: value}}."""
    out: dict[str, dict[str, str]] = {}
    for value in values:
        scheme, _, rest = value.strip().partition(" ")
        params = dict(
            (k.lower(), v1 or v2)
            for k, v1, v2 in re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', rest)
        )
        out[scheme.lower()] = params
    return out


def _auth_header(
    challenges: dict[str, dict[str, str]], method: str, uri: str, user: str, password: str
) -> str:
    if "digest" in challenges:
        return _digest_header(challenges["digest"], method, uri, user, password)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return f"Basic {token}"


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


def _rtsp_probe(
    url: str, user: str | None, password: str | None, timeout_s: float, key: str
) -> None:
    """DESCRIBE the stream once (with one login attempt) before OpenCV opens it.

    This tells a rejected login (recorded, never retried) from a missing stream, and
    fails fast on a server that accepts and then says nothing.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 554
    uri = urllib.parse.urlunsplit((parts.scheme, f"{host}:{port}", parts.path, parts.query, ""))
    deadline = time.monotonic() + timeout_s
    try:
        sock = socket.create_connection((host, port), timeout=timeout_s)
    except TimeoutError:
        msg = f"no answer from {host}:{port} within {timeout_s:g} s (open timeout)"
        raise CaptureError(msg) from None
    except OSError as err:
        msg = f"cannot connect to {host}:{port}: {err.strerror or err}"
        raise CaptureError(msg) from None
    try:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        status, headers = _rtsp_request(sock, "DESCRIBE", uri, 1, None)
        if status == 401:
            if not password:
                msg = (
                    f"camera {key} asks for a password and none was given; set "
                    f"COVPLAN_CAMERA_PASSWORD_{_env_key(key)} or store it in the keyring "
                    "(service 'covplan')"
                )
                raise CaptureError(msg)
            challenges = _parse_challenges(headers.get("www-authenticate", []))
            auth = _auth_header(challenges, "DESCRIBE", uri, user or "admin", password)
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            status, headers = _rtsp_request(sock, "DESCRIBE", uri, 2, auth)
            if status in (401, 403):
                _REJECTED[key] = f"RTSP {status}"
                msg = (
                    f"camera {key} rejected the login (RTSP {status}); it will not be "
                    "tried again in this run (cameras lock out after repeated failures)"
                )
                raise CaptureError(msg)
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


def _read_rtsp(
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
    _rtsp_probe(url, user, password, t_open, key)
    full = with_credentials(url, user, password) if password else url
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
            cap = cv2.VideoCapture(full, cv2.CAP_FFMPEG, params)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
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


# --------------------------------------------------------------------------- HTTP


def _http_get(
    url: str,
    user: str | None,
    password: str | None,
    t_open: float,
    t_read: float,
    key: str,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """GET ``url`` with at most one login attempt; return the open connection and response."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    conn_cls = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def request(auth: str | None) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
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
            msg = (
                f"camera {key} asks for a password and none was given; set "
                f"COVPLAN_CAMERA_PASSWORD_{_env_key(key)} or store it in the keyring "
                "(service 'covplan')"
            )
            raise CaptureError(msg)
        challenges = _parse_challenges(resp.headers.get_all("WWW-Authenticate") or [])
        conn, resp = request(_auth_header(challenges, "GET", path, user or "admin", password))
        if resp.status in (401, 403):
            conn.close()
            _REJECTED[key] = f"HTTP {resp.status}"
            msg = (
                f"camera {key} rejected the login (HTTP {resp.status}); it will not be "
                "tried again in this run (cameras lock out after repeated failures)"
            )
            raise CaptureError(msg)
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


def _read_http(
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
    frames: list[np.ndarray] = []
    stamps: list[float] = []
    t0 = time.monotonic()
    conn, resp = _http_get(url, user, password, t_open, t_read, key)
    ctype = resp.headers.get("Content-Type", "")
    try:
        if ctype.lower().startswith("multipart/"):
            m = re.search(r'boundary="?([^";]+)"?', ctype)
            if not m:
                msg = f"MJPEG stream without a boundary in its Content-Type {ctype!r}"
                raise CaptureError(msg)
            i = 0
            for part in _multipart_parts(resp, m.group(1).removeprefix("--"), deadline, t_read):
                if i % stride == 0:
                    frames.append(_decode_jpeg(part))
                    stamps.append(time.monotonic() - t0)
                i += 1
                if len(frames) >= n_max or time.monotonic() >= deadline:
                    break
            kind = "mjpeg"
        else:
            kind = "snapshot"
            frames.append(_decode_jpeg(_read_body(resp, deadline, t_read)))
            stamps.append(time.monotonic() - t0)
            conn.close()
            while len(frames) < n_max and time.monotonic() + interval_s < deadline:
                time.sleep(interval_s)
                conn, resp = _http_get(url, user, password, t_open, t_read, key)
                frames.append(_decode_jpeg(_read_body(resp, deadline, t_read)))
                stamps.append(time.monotonic() - t0)
                conn.close()
    except TimeoutError:
        msg = f"the stream stalled: no data for {t_read:g} s (read timeout)"
        raise CaptureError(msg) from None
    finally:
        conn.close()
    if not frames:
        msg = "no frame read from the HTTP stream before the time limit"
        raise CaptureError(msg)
    return frames, stamps, None, kind


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
        length: int | None = None
        for line in head.split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length" and value.strip().isdigit():
                length = int(value.strip())
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
