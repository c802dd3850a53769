"""Shared fixtures: the embedded demo ward and the real HCMC extract (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every run (CI must not fail at random);
# HYPOTHESIS_PROFILE=explore draws new ones, to hunt for bugs locally.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
HCMC_OSM = SHARED_DATA / "osm" / "hcmc-dakao-1km.osm.bz2"
VIDEO_DIR = SHARED_DATA / "video"
INPUT_DATA = Path(__file__).parent / "input_data"


@pytest.fixture(autouse=True, scope="session")
def _owner_key_outside_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give the whole test run its own pseudonym key file, never the user's ~/.config key."""
    if "COVPLAN_OWNER_KEY" not in os.environ and "COVPLAN_OWNER_KEY_FILE" not in os.environ:
        key = tmp_path_factory.mktemp("owner-key") / "owner.key"
        os.environ["COVPLAN_OWNER_KEY_FILE"] = str(key)


@pytest.fixture(scope="session")
def hcmc_osm() -> Path:
    """Path of the real Ho Chi Minh City extract; skip where ../shared/data is absent."""
    if not HCMC_OSM.exists():
        pytest.skip(f"real HCMC extract not found at {HCMC_OSM} (../shared/data is absent)")
    return HCMC_OSM


@pytest.fixture(scope="session")
def hcmc_area(hcmc_osm: Path):  # type: ignore[no-untyped-def]
    """The real HCMC extract loaded as an Area (once per session)."""
    from covplan import area_from_xml

    return area_from_xml(hcmc_osm)


@pytest.fixture(scope="session")
def demo_area():  # type: ignore[no-untyped-def]
    """The embedded synthetic demo ward with its residential groups (once per session)."""
    from covplan import area_from_xml, datasets

    return area_from_xml(
        datasets.get_path("demo-ward.osm"), groups=datasets.get_path("demo-groups.geojson")
    )
