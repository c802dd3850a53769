"""Planning never pays for the picture checks: camera.spec, geometry and optimise load no OpenCV."""

from __future__ import annotations

import subprocess
import sys


def test_geometry_and_optimise_never_load_opencv_or_the_checks() -> None:
    code = (
        "import sys, covplan.camera, covplan.geometry, covplan.optimise\n"
        "loaded = sorted(m for m in sys.modules if m == 'cv2' or m.startswith('covplan.check'))\n"
        "assert 'cv2' not in sys.modules, loaded\n"
        "assert not loaded, loaded\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_the_checks_live_in_their_own_room() -> None:
    import covplan.camera

    # the camera room is the catalogue and the whole-cost model, nothing that opens streams
    assert {"CameraSpec", "load_catalogue", "CostModel", "load_costs"} <= set(
        covplan.camera.__all__
    )
    assert not {n for n in covplan.camera.__all__ if "verify" in n or "capture" in n}
