"""The one palette and cartographic style: printed maps, web map, KML, QGIS and the explorer.

New cameras are blue everywhere, re-aimed orange, kept green, unused grey; routes are
green (fully seen), orange (partly), red (not seen). The colours differ in lightness as
well as hue, so they still read when printed in grey, and avoid the red/green pair
without a lightness difference that colour-blind readers confuse.
"""

from __future__ import annotations

__all__ = ["COVERAGE", "PALETTE"]

#: Colours by role (cameras) and by layer.
PALETTE: dict[str, str] = {
    "new": "#2166ac",
    "reaim": "#e67814",
    "keep": "#1a9641",
    "unused": "#8c8c8c",
    "seen": "#1a9641",
    "unseen": "#d7191c",
    "building": "#d9d4cc",
    "building_edge": "#b3ab9f",
    "route": "#9a9a9a",
}

#: Route colours by how well they are seen.
COVERAGE: dict[str, str] = {
    "covered": "#1a9641",
    "partial": "#f28e2b",
    "uncovered": "#d7191c",
    "not_planned": "#9a9a9a",
}
