"""covplan.camera: the camera models (lens, resolution, field of view, DORI ranges, costs).

The lowest layer, used by geometry; the live picture checks are in :mod:`covplan.check`.
The whole cost of a plan (mounts, cable, power, labour, storage, connectivity, re-aim
visits; editable prices in ``costs.csv``) is :mod:`covplan.camera.costs`.
"""

from covplan.camera.costs import (
    COSTS_PATH,
    MOUNT_KINDS,
    PARTS,
    CostModel,
    MountCost,
    StorageChoice,
    load_costs,
)
from covplan.camera.spec import CameraSpec, load_catalogue

__all__ = [
    "COSTS_PATH",
    "MOUNT_KINDS",
    "PARTS",
    "CameraSpec",
    "CostModel",
    "MountCost",
    "StorageChoice",
    "load_catalogue",
    "load_costs",
]
