"""covplan: plan a neighbourhood security-camera network for a Vietnamese ward.

From OpenStreetMap routes and a survey of the cameras residents already have, covplan
finds which cameras to re-aim and where to put the fewest new ones so that every
route is seen, exports the plan for the ward office, technicians and police, and
checks each camera's live picture.
"""

from __future__ import annotations

from covplan import settings
from covplan._errors import (
    CaptureError,
    CovplanError,
    CRSError,
    InfeasibleCoverError,
    InputError,
    SolverError,
)

# -- area (issue 2) --
from covplan.area import (
    Area,
    area_from_file,
    area_from_place,
    area_from_polygon,
    area_from_xml,
)
# -- datasets (issue 2) --
from covplan import datasets
# -- camera.spec, geometry (issue 3) --
from covplan.camera.spec import CameraSpec, load_catalogue
from covplan.geometry import candidate_sites, coverage_matrix, sample_targets, site_poses
# -- survey (issue 4) --
from covplan.survey import Survey, read_survey, survey_from_osm_cameras, write_survey
# -- optimise (issue 5) --
from covplan.optimise import CameraCover, greedy_cover
# -- export (issue 6) --
from covplan.export import compass_word, install_list, reaim_list, route_atlas
from covplan.plan import Plan, plan_ward
# -- camera capture, quality, verify (issue 7) --

__version__ = "0.1.0"

__all__ = [
    "Plan",
    "compass_word",
    "install_list",
    "plan_ward",
    "reaim_list",
    "route_atlas",
    "Area",
    "area_from_file",
    "area_from_place",
    "area_from_polygon",
    "area_from_xml",
    "datasets",
    "CRSError",
    "CameraCover",
    "CameraSpec",
    "CaptureError",
    "CovplanError",
    "InfeasibleCoverError",
    "InputError",
    "SolverError",
    "Survey",
    "candidate_sites",
    "coverage_matrix",
    "load_catalogue",
    "sample_targets",
    "site_poses",
    "__version__",
    "greedy_cover",
    "read_survey",
    "settings",
    "survey_from_osm_cameras",
    "write_survey",
]
