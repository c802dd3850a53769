"""covplan.camera."""

# -- camera.spec (issue 3) --
# -- camera capture, quality, verify (issue 7) --
from covplan.camera.capture import Clip, redact_url, stream_url
from covplan.camera.quality import QualityReport, assess_clip
from covplan.camera.spec import CameraSpec, load_catalogue
from covplan.camera.verify import CameraPose, Verification, verify_camera

__all__ = [
    "CameraPose",
    "CameraSpec",
    "Clip",
    "QualityReport",
    "Verification",
    "assess_clip",
    "load_catalogue",
    "redact_url",
    "stream_url",
    "verify_camera",
]
