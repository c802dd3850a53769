"""Stream health: check every registered camera at once, each within its own time limits.

Each camera is read by :func:`covplan.check.capture` (open and read timeouts, one
deadline for the whole read, one login per camera: a device that refused the password
is not tried again in this process) in its own thread, so twenty cameras take as long
as the slowest one, not as long as all of them. The clip is then classified:

``online``   a usable, live picture that matches the camera's reference frame;
``offline``  no answer, a stalled stream, no frame within the time limit;
``refused``  the camera refused the password (not retried: cameras lock out), or none is set;
``dark``     black, covered or far too dark;
``blurred``  out of focus, washed out or over-exposed;
``frozen``   the same picture over the whole clip (the recorder's clock masked);
``moved``    turned away from its reference frame.

A camera's reference frame is stored the first time it is checked ``online`` (the
scene without traffic: the median of the clip). Every error text is redacted before it is
returned, logged or stored; the password is never in it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from covplan._errors import CaptureError, InputError
from covplan._redact import redact, redact_url
from covplan.check import NotTriedError, assess_clip, capture
from covplan.check.quality import background_frame

__all__ = ["HealthResult", "StreamTarget", "check_streams", "classify"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamTarget:
    """A camera to check.

    Attributes
    ----------
    code
        The camera's code; also its credential key (``COVPLAN_CAMERA_PASSWORD_<CODE>``).
    url
        Its credential-free stream URL (RTSP, HTTP MJPEG or snapshot).
    hfov_deg
        The horizontal field of view, to report a move in degrees.
    """

    code: str
    url: str
    hfov_deg: float | None = None


@dataclass
class HealthResult:
    """The health of one camera's stream.

    Attributes
    ----------
    code
        The camera.
    status
        One of ``online``, ``offline``, ``refused``, ``dark``, ``blurred``, ``frozen``,
        ``moved``.
    reason
        One redacted sentence.
    seconds
        Wall-clock time of the check.
    frames
        Frames read.
    source
        The redacted URL.
    reference
        A new reference frame to store (first good check), or None.
    """

    code: str
    status: str
    reason: str
    seconds: float
    frames: int
    source: str
    reference: np.ndarray | None = field(default=None, repr=False)


def classify(failures: Sequence[str], reasons: Sequence[str]) -> tuple[str, str]:
    """Map the quality checks' failures to one health class and its reason.

    Parameters
    ----------
    failures, reasons
        From :class:`covplan.check.QualityReport`.

    Returns
    -------
    tuple of (str, str)
        The class and the reason of the failure that decided it.
    """
    why = dict(zip(failures, reasons, strict=False))
    for check, status in (
        ("covered", "dark"),
        ("exposure", "dark"),
        ("blur", "blurred"),
        ("contrast", "blurred"),
        ("frozen", "frozen"),
        ("moved", "moved"),
    ):
        if check in why:
            if check == "exposure" and "too bright" in why[check]:
                return "blurred", why[check]
            return status, why[check]
    return "online", ""


def _check_one(
    target: StreamTarget,
    reference: np.ndarray | None,
    *,
    frames: int,
    open_timeout_s: float,
    read_timeout_s: float,
    max_seconds: float,
) -> HealthResult:
    t0 = time.monotonic()
    shown = redact_url(target.url)
    try:
        clip = capture(
            target.url,
            camera_id=target.code,
            max_frames=frames,
            max_seconds=max_seconds,
            open_timeout_s=open_timeout_s,
            read_timeout_s=read_timeout_s,
        )
    except NotTriedError as err:
        spent = time.monotonic() - t0
        return HealthResult(target.code, "refused", redact(str(err)), spent, 0, shown)
    except CaptureError as err:
        text = redact(str(err))
        refused = "rejected the login" in text or "asks for a password" in text
        if "not trying again" in text:
            refused = True
        status = "refused" if refused else "offline"
        return HealthResult(target.code, status, text, time.monotonic() - t0, 0, shown)
    except InputError as err:
        spent = time.monotonic() - t0
        return HealthResult(target.code, "offline", redact(str(err)), spent, 0, shown)
    report = assess_clip(clip.frames, reference=reference, hfov_deg=target.hfov_deg)
    status, reason = classify(report.failures, report.reasons)
    new_ref = None
    if status == "online" and reference is None:
        new_ref = background_frame(clip.frames)
    return HealthResult(
        target.code, status, reason, time.monotonic() - t0, len(clip.frames), clip.source, new_ref
    )


def check_streams(
    targets: Sequence[StreamTarget],
    *,
    references: Mapping[str, np.ndarray] | None = None,
    frames: int = 12,
    open_timeout_s: float = 3.0,
    read_timeout_s: float = 3.0,
    max_seconds: float = 8.0,
    workers: int | None = None,
) -> list[HealthResult]:
    """Check the streams of many cameras concurrently, each within its own time limits.

    Parameters
    ----------
    targets
        The cameras (their credentials come from the environment or the keyring:
        :func:`covplan.check.resolve_credentials`).
    references
        Camera code → reference frame; a camera without one gets it stored on its first
        ``online`` check (:attr:`HealthResult.reference`).
    frames
        Frames read per camera (about half a second of video at 25 fps).
    open_timeout_s, read_timeout_s
        Timeouts to open a stream and for each read.
    max_seconds
        The whole budget of one camera's read, open included.
    workers
        Threads (default: one per camera, at most 32).

    Returns
    -------
    list of HealthResult
        In the order of ``targets``.
    """
    codes = [t.code for t in targets]
    if len(set(codes)) != len(codes):
        msg = "a camera is listed twice; each camera is checked once (one login per camera)"
        raise InputError(msg, column="code")
    refs = dict(references or {})
    if not targets:
        return []
    t0 = time.monotonic()
    n = workers or min(32, len(targets))
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="covplan-health") as pool:
        futures = [
            pool.submit(
                _check_one,
                t,
                refs.get(t.code),
                frames=frames,
                open_timeout_s=open_timeout_s,
                read_timeout_s=read_timeout_s,
                max_seconds=max_seconds,
            )
            for t in targets
        ]
        results = [f.result() for f in futures]
    logger.info(
        "checked %d camera streams in %.1f s: %s",
        len(results),
        time.monotonic() - t0,
        ", ".join(f"{r.code} {r.status}" for r in results),
    )
    return results
