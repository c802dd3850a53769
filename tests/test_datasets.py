"""The embedded demo ward: listed, found, synthetic, and reproducible from its generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from covplan import datasets
from covplan.datasets._demo import build_demo_ward
from covplan.datasets.generate import write_demo_ward

ROOT = Path(__file__).resolve().parents[1]


def test_available_and_get_path() -> None:
    assert datasets.available() == ["demo-groups.geojson", "demo-survey.csv", "demo-ward.osm"]
    assert datasets.get_path("demo-ward.osm").is_file()
    with pytest.raises(ValueError, match=r"available: demo-groups\.geojson, demo-survey\.csv"):
        datasets.get_path("hue.osm")


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = write_demo_ward(tmp_path)
    for path in written:
        assert path.read_bytes() == datasets.get_path(path.name).read_bytes(), path.name
    # and data/raw/demo is the same folder
    for name in datasets.available():
        assert (ROOT / "data" / "raw" / "demo" / name).read_bytes() == datasets.get_path(
            name
        ).read_bytes()


def test_labelled_synthetic() -> None:
    ward = build_demo_ward()
    assert "SYNTHETIC" in ward.osm_xml[:400]
    assert "synthetic" in ward.groups_geojson
    assert "(mẫu)" in ward.survey_csv  # every address says it is a sample
    assert ward.survey_csv.startswith("\ufeffcamera_id,")
