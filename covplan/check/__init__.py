"""covplan.check: check a camera's live picture.

- :mod:`covplan.check.capture` — read a bounded clip from a file, RTSP, HTTP MJPEG or
  snapshot source, within one deadline and bounded buffers, failed logins counted per
  recorder and user, and every URL redacted;
- :mod:`covplan.check.urls` — brand URL templates (Hikvision, Dahua, Imou, KBVision);
- :mod:`covplan.check.quality` — is the picture good enough (covered, exposure,
  contrast, blur, frozen, moved);
- :mod:`covplan.check.verify` — is the route the plan gives the camera really in view.
"""

from covplan.check._credentials import NotTriedError, forget_rejection, resolve_credentials
from covplan.check.capture import Clip, capture
from covplan.check.quality import QualityReport, assess_clip
from covplan.check.urls import snapshot_url, stream_url, with_credentials
from covplan.check.verify import CameraPose, Verification, verify_camera

__all__ = [
    "CameraPose",
    "Clip",
    "NotTriedError",
    "QualityReport",
    "Verification",
    "assess_clip",
    "capture",
    "forget_rejection",
    "resolve_credentials",
    "snapshot_url",
    "stream_url",
    "verify_camera",
    "with_credentials",
]
