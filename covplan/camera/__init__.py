"""covplan.camera: the camera models (lens, resolution, field of view, DORI ranges, costs).

The lowest layer, used by geometry; the live picture checks are in :mod:`covplan.check`.
"""

from covplan.camera.spec import CameraSpec, load_catalogue

__all__ = ["CameraSpec", "load_catalogue"]
