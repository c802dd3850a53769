"""The one palette and cartographic style: printed maps, web map, KML, QGIS and the explorer.

New cameras are blue everywhere, re-aimed orange, kept green, unused grey; routes are
dark teal (fully seen), amber (partly), red (not seen) and light grey (not planned). The
colours differ in lightness as well as hue, so they still read when printed in grey, and
the route classes stay apart for red-green colour-blind readers (no green-vs-red pair:
"seen" is a dark blue-green, "not seen" a light red; tests/test_export_palette.py checks
both under simulated protanopia, deuteranopia and tritanopia).
"""

from __future__ import annotations

__all__ = [
    "BUILDING",
    "CAMERA",
    "COVERAGE",
    "KIND",
    "OUTLINE",
    "PALETTE",
    "SITE",
    "SYMBOL",
    "kml_colour",
]

#: Cameras by role in the plan.
CAMERA: dict[str, str] = {
    "new": "#2166ac",
    "reaim": "#e67814",
    "keep": "#1a9641",
    "unused": "#aaaaaa",
}
#: Routes by how well they are seen.
COVERAGE: dict[str, str] = {
    "covered": "#01665e",
    "partial": "#e69f00",
    "uncovered": "#e0301e",
    "not_planned": "#c8c8c8",
}
#: Routes by kind (the route atlas, before a plan).
KIND: dict[str, str] = {
    "street": "#4d4d4d",
    "alley": "#d95f02",
    "lane": "#7570b3",
    "path": "#1b9e77",
}
#: Building footprints: face and edge.
BUILDING: dict[str, str] = {"face": "#d9d4cc", "edge": "#b3ab9f"}
#: Outlines on the printed maps: residential groups (dashed) and the ward boundary.
OUTLINE: dict[str, str] = {"group": "#6a51a3", "boundary": "#333333"}

#: Everything by one name (the explorer's map): camera roles, seen / unseen points, layers.
PALETTE: dict[str, str] = {
    **CAMERA,
    "seen": COVERAGE["covered"],
    "unseen": COVERAGE["uncovered"],
    "building": BUILDING["face"],
    "building_edge": BUILDING["edge"],
    "route": COVERAGE["not_planned"],
}

#: Candidate mounts on the explorer's map: free (grey dot), pinned (solid black ring ◎),
#: forbidden (dashed dark-red ring ⊘) — apart by symbol as well as colour, so they read in grey.
SITE: dict[str, str] = {"free": "#7f7f7f", "pinned": "#000000", "forbidden": "#99000d"}

#: One symbol per thing on the explorer's map (unicode glyphs, no icon fetched), so a
#: new camera, an unseen point and a forbidden mount never differ by colour alone.
SYMBOL: dict[str, str] = {
    "new": "\u25a0",  # ■ square
    "reaim": "\u25c6",  # ◆ diamond
    "keep": "\u25cf",  # ● disc
    "unused": "\u25cb",  # ○ ring
    "unseen": "\u2716",  # ✖ cross
    "pinned": "\u25ce",  # ◎ bullseye
    "forbidden": "\u2298",  # ⊘ barred circle
    "site": "\u00b7",  # · dot
}


def kml_colour(hex_rgb: str, alpha: int = 255) -> str:
    """Return ``#rrggbb`` as KML's ``aabbggrr``.

    Parameters
    ----------
    hex_rgb
        A colour of this palette, ``#rrggbb``.
    alpha
        Opacity 0–255.

    Returns
    -------
    str
        The KML colour, e.g. ``ffac6621`` for ``#2166ac``.
    """
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha:02x}{b}{g}{r}".lower()
