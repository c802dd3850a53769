"""Write the embedded demo ward's files: ``python -m covplan.datasets.generate [DIR]``."""

from __future__ import annotations

import sys
from pathlib import Path

from covplan._io import atomic_write_bytes
from covplan.datasets import DATA_DIR
from covplan.datasets._demo import build_demo_ward

__all__ = ["write_demo_ward"]


def write_demo_ward(folder: str | Path = DATA_DIR) -> list[Path]:
    """Write ``demo-ward.osm``, ``demo-groups.geojson`` and ``demo-survey.csv``.

    Parameters
    ----------
    folder
        Where to write them (the package's data folder by default).

    Returns
    -------
    list of pathlib.Path
        The written files.
    """
    ward = build_demo_ward()
    out = Path(folder)
    files = {
        "demo-ward.osm": ward.osm_xml,
        "demo-groups.geojson": ward.groups_geojson,
        "demo-survey.csv": ward.survey_csv,
    }
    return [atomic_write_bytes(out / n, text.encode("utf-8")) for n, text in files.items()]


if __name__ == "__main__":
    for path in write_demo_ward(sys.argv[1] if len(sys.argv) > 1 else DATA_DIR):
        sys.stdout.write(f"wrote {path} ({path.stat().st_size} bytes)\n")
