"""covplan.camera."""

# -- camera.spec (issue 3) --
from covplan.camera.spec import CameraSpec, load_catalogue

__all__ = ["CameraSpec", "load_catalogue"]
