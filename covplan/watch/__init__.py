"""covplan.watch: police watch the cameras from their phones.

- :mod:`covplan.watch.register` — the access register, in the campaign register's
  database: officers (their names and phones kept apart), grants per camera or
  residential group (append-only, with granted and checked dates), how each camera is
  reached (vendor app and device id, or the ward's stream server), stream checks and
  reference frames;
- :mod:`covplan.watch.mediamtx` — a MediaMTX configuration: one path per camera, one
  user per officer reading exactly the granted paths (argon2id hashes), recording with
  the plan's retention, an access-log hook; camera passwords only at deployment;
- :mod:`covplan.watch.sheets` — each officer's sheet (offline HTML and PDF: a small
  map, the place in words, app and device id, a QR code per camera), the status page and
  the problem lists per group;
- :mod:`covplan.watch.health` — every camera's stream checked at once, each within its
  timeouts and with one login, classified online / offline / refused / dark / blurred /
  frozen / moved against its reference frame.
"""

from covplan.watch.health import HealthResult, StreamTarget, check_streams, classify
from covplan.watch.mediamtx import hash_password, mediamtx_config, path_name, to_yaml
from covplan.watch.officers import Officer, PlanCameras, read_officers, read_plan_cameras
from covplan.watch.register import ROLES, AccessRegister, Reach, ensure_schema, open_access
from covplan.watch.run import (
    Setup,
    check_health,
    import_officers,
    import_reach,
    load_setup,
    write_config,
    write_sheets,
)

__all__ = [
    "ROLES",
    "AccessRegister",
    "HealthResult",
    "Officer",
    "PlanCameras",
    "Reach",
    "Setup",
    "StreamTarget",
    "check_health",
    "check_streams",
    "classify",
    "ensure_schema",
    "hash_password",
    "import_officers",
    "import_reach",
    "load_setup",
    "mediamtx_config",
    "open_access",
    "path_name",
    "read_officers",
    "read_plan_cameras",
    "to_yaml",
    "write_config",
    "write_sheets",
]
