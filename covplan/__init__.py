"""covplan: plan a neighbourhood security-camera network for a Vietnamese ward.

From OpenStreetMap routes and a survey of the cameras residents already have, covplan
finds which cameras to re-aim and where to put the fewest new ones so that every
route is seen, exports the plan for the ward office, technicians and police, and
checks each camera's live picture.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys

from covplan.vocab.messages import message as _message  # light (no geopandas): loaded first


def _argv_lang() -> str | None:
    """The ``--lang`` the command was given (it is not parsed yet while loading), or None."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _interrupted_while_loading(signum: int, frame: object) -> None:
    """Ctrl-C while the ``covplan`` command loads: one line, exit 130 (nothing written yet)."""
    lang = _argv_lang()
    try:
        line = _message("cli.interrupted_starting", lang if lang in ("vi", "en") else None)
    except Exception:  # settings not readable yet: the vocabulary's default language
        line = _message("cli.interrupted_starting", "vi")
    sys.stderr.write(line + "\n")
    os._exit(130)


# The command's first seconds are spent importing (geopandas, osmnx…): a Ctrl-C there
# must not print a traceback. Only for the command itself; ``covplan.cli.main`` puts
# Python's own handler back once everything is loaded.
if os.path.basename(sys.argv[0] if sys.argv else "") == "covplan":
    signal.signal(signal.SIGINT, _interrupted_while_loading)

from covplan import datasets, settings  # noqa: E402
from covplan._errors import (  # noqa: E402
    CaptureError,
    CovplanError,
    CRSError,
    InfeasibleCoverError,
    InputError,
    SolverError,
)
from covplan.area import (  # noqa: E402
    Area,
    area_from_file,
    area_from_place,
    area_from_polygon,
    area_from_xml,
)
from covplan.camera.spec import CameraSpec, load_catalogue  # noqa: E402
from covplan.export import compass_word, install_list, reaim_list, route_atlas  # noqa: E402
from covplan.geometry import candidate_sites, coverage_matrix, sample_targets, site_poses  # noqa: E402
from covplan.optimise import CameraCover, greedy_cover  # noqa: E402
from covplan.plan import Plan, PlanOptions, plan_ward  # noqa: E402
from covplan.survey import Survey, read_survey, survey_from_osm_cameras, write_survey  # noqa: E402

__version__ = "0.1.0"

# The picture checks load OpenCV and the stream clients (about a second and 100 MB):
# planning never needs them, so ``covplan.verify_camera`` & co. import on first use.
_CHECK_NAMES = {
    "assess_clip": "covplan.check.quality",
    "CameraPose": "covplan.check.verify",
    "verify_camera": "covplan.check.verify",
}


def __getattr__(name: str) -> object:
    """Import the picture-check names on first use (PEP 562)."""
    if name in _CHECK_NAMES:
        return getattr(importlib.import_module(_CHECK_NAMES[name]), name)
    msg = f"module 'covplan' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Area",
    "CRSError",
    "CameraCover",
    "CameraPose",
    "CameraSpec",
    "CaptureError",
    "CovplanError",
    "InfeasibleCoverError",
    "InputError",
    "Plan",
    "PlanOptions",
    "SolverError",
    "Survey",
    "__version__",
    "area_from_file",
    "area_from_place",
    "area_from_polygon",
    "area_from_xml",
    "assess_clip",
    "candidate_sites",
    "compass_word",
    "coverage_matrix",
    "datasets",
    "greedy_cover",
    "install_list",
    "load_catalogue",
    "plan_ward",
    "read_survey",
    "reaim_list",
    "route_atlas",
    "sample_targets",
    "settings",
    "site_poses",
    "survey_from_osm_cameras",
    "verify_camera",
    "write_survey",
]
