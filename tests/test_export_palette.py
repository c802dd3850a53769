"""The palette stays apart for colour-blind readers and in grey (covplan._style).

Colour vision deficiency is simulated with the full-severity matrices of Machado, Oliveira
and Fernandes (2009) in linear sRGB; distances are CIE76 ΔE in CIELAB (D65). A ΔE of 20 is
an easy difference at a glance; the earlier green (#1a9641) / red (#d7191c) route classes
fell to 17 under protanopia and were 8 apart in lightness.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from covplan import _style

CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
WHITE = np.array([0.95047, 1.0, 1.08883])


def _linear(hex_rgb: str) -> np.ndarray:
    c = np.array([int(hex_rgb[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(linear_rgb, 0.0, 1.0) / WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _min_delta_e(colours: dict[str, str], matrix: np.ndarray) -> float:
    lab = {k: _lab(matrix @ _linear(v)) for k, v in colours.items()}
    return min(float(np.linalg.norm(lab[a] - lab[b])) for a, b in itertools.combinations(lab, 2))


ROUTE_CLASSES = {k: _style.COVERAGE[k] for k in ("covered", "partial", "uncovered")}


@pytest.mark.parametrize("vision", ["normal", *CVD])
@pytest.mark.parametrize(
    ("group", "colours"), [("routes", ROUTE_CLASSES), ("cameras", _style.CAMERA)]
)
def test_groups_stay_apart_for_colour_blind_readers(vision, group, colours) -> None:
    matrix = np.eye(3) if vision == "normal" else np.array(CVD[vision])
    assert _min_delta_e(colours, matrix) >= (20.0 if group == "routes" else 15.0)
    seen_or_not = {k: _style.COVERAGE[k] for k in ("covered", "uncovered")}
    assert _min_delta_e(seen_or_not, matrix) >= 35.0  # the plan's verdict, at a glance


def test_route_classes_in_grey_go_dark_to_light() -> None:
    """Printed in grey: seen darkest, not seen mid, partly seen light, not planned lightest."""
    lightness = {k: _lab(_linear(v))[0] for k, v in _style.COVERAGE.items()}
    order = sorted(lightness, key=lightness.__getitem__)
    assert order == ["covered", "uncovered", "partial", "not_planned"]
    levels = sorted(lightness.values())
    assert min(b - a for a, b in itertools.pairwise(levels)) >= 9


def test_explorer_and_maps_share_the_seen_colours() -> None:
    assert _style.PALETTE["seen"] == _style.COVERAGE["covered"]
    assert _style.PALETTE["unseen"] == _style.COVERAGE["uncovered"]
    assert _style.PALETTE["new"] == _style.CAMERA["new"]
