"""One palette: the printed maps, the web map, KML, the QGIS styles and the explorer agree."""

from __future__ import annotations

import itertools
from pathlib import Path

from covplan import _style
from covplan.export import kml, maps, web
from covplan.widgets import _draw

STYLES = Path(__file__).resolve().parents[1] / "covplan" / "export" / "styles"


def _rgb(hex_rgb: str) -> str:
    return ",".join(str(int(hex_rgb[i : i + 2], 16)) for i in (1, 3, 5))


def test_every_output_takes_the_one_palette() -> None:
    assert maps.CAMERA_COLOURS is _style.CAMERA and maps.COVERAGE_COLOURS is _style.COVERAGE
    assert web.CAMERA is _style.CAMERA and web.COVERAGE is _style.COVERAGE
    assert _draw.PALETTE is _style.PALETTE and _style.PALETTE["new"] == _style.CAMERA["new"]
    for role, colour in _style.CAMERA.items():
        assert kml._STYLES[role][0] == _style.kml_colour(colour)
    assert _style.kml_colour("#2166ac") == "ffac6621"  # aabbggrr


def test_qgis_styles_use_the_palette() -> None:
    new = (STYLES / "new_cameras.qml").read_text(encoding="utf-8")
    assert _rgb(_style.CAMERA["new"]) in new
    routes = (STYLES / "routes.qml").read_text(encoding="utf-8")
    for cls in ("covered", "partial", "uncovered"):
        assert _rgb(_style.COVERAGE[cls]) in routes, cls
    existing = (STYLES / "existing_cameras.qml").read_text(encoding="utf-8")
    for role in ("keep", "reaim"):
        assert _rgb(_style.CAMERA[role]) in existing, role


def test_the_palette_reads_in_grey() -> None:
    """New, re-aimed and kept cameras, and the three route classes, differ in lightness."""

    def grey(hex_rgb: str) -> float:
        r, g, b = (int(hex_rgb[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    for group in (
        [_style.CAMERA[k] for k in ("new", "reaim", "keep", "unused")],
        [_style.COVERAGE[k] for k in ("covered", "partial", "uncovered")],
    ):
        levels = sorted(grey(c) for c in group)
        assert min(b - a for a, b in itertools.pairwise(levels)) >= 12, levels
