"""Camera specifications: lens, resolution, field of view, DORI ranges and the catalogue.

A camera's pixel density on a target at slant distance ``d`` decides what it can do
there (IEC 62676-4 DORI levels, thresholds in :data:`covplan.settings.dori_px_per_m`):

- a rectilinear lens (``hfov_deg < 180``) spreads ``resolution_px`` pixels over a width
  of ``2·d·tan(hfov/2)`` metres: ``px_per_m = resolution_px / (2·d·tan(hfov/2))``;
- a fisheye (``hfov_deg >= 180``) is modelled as equidistant: its image circle,
  ``resolution_px`` pixels across, spans 180°, so ``px_per_m = resolution_px / (π·d)``.

The range for a level is the distance at which the density falls to the level's
threshold. The catalogue of cameras a Vietnamese ward buys is editable data
(``covplan/camera/catalogue.csv``, prices in VND), read by :func:`load_catalogue`.
"""

from __future__ import annotations

import csv
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from covplan import settings
from covplan._errors import InputError

logger = logging.getLogger(__name__)

__all__ = [
    "CATALOGUE_PATH",
    "FORMS",
    "CameraSpec",
    "dori_range_m",
    "fov_from_lens",
    "level_px_per_m",
    "load_catalogue",
    "pixel_density",
]

CATALOGUE_PATH = Path(__file__).with_name("catalogue.csv")
FORMS = ("bullet", "dome", "fisheye")
FISHEYE_MIN_HFOV_DEG = 180.0

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]


def level_px_per_m(level: str | float) -> float:
    """Return the pixel density a DORI level asks for.

    Parameters
    ----------
    level
        A level name (``detect``, ``observe``, ``recognise``, ``identify``; the
        thresholds are read from :data:`covplan.settings.dori_px_per_m`), or a
        density in px/m.

    Returns
    -------
    float
        The threshold in pixels per metre.
    """
    if isinstance(level, int | float):
        return float(level)
    table = settings.dori_px_per_m
    if level not in table:
        msg = f"unknown DORI level {level!r}; use one of {sorted(table)} or a density in px/m"
        raise InputError(msg, value=level)
    return float(table[level])


def fov_from_lens(focal_mm: float, sensor_mm: float) -> float:
    """Return the field of view, in degrees, of a rectilinear lens on a sensor.

    Parameters
    ----------
    focal_mm
        Lens focal length (mm).
    sensor_mm
        Sensor width (for the horizontal FOV) or height (vertical), in mm:
        a 1/2.7" sensor is about 5.4 × 3.0 mm, a 1/3" sensor 4.8 × 3.6 mm.

    Returns
    -------
    float
        ``2·atan(sensor / 2f)`` in degrees.
    """
    if focal_mm <= 0 or sensor_mm <= 0:
        msg = f"focal length and sensor size must be positive, got {focal_mm} mm and {sensor_mm} mm"
        raise InputError(msg)
    return math.degrees(2.0 * math.atan(sensor_mm / (2.0 * focal_mm)))


@overload
def pixel_density(resolution_px: float, hfov_deg: float, distance_m: float) -> float: ...
@overload
def pixel_density(
    resolution_px: ArrayLike, hfov_deg: ArrayLike, distance_m: ArrayLike
) -> FloatArray | float: ...
def pixel_density(
    resolution_px: ArrayLike, hfov_deg: ArrayLike, distance_m: ArrayLike
) -> FloatArray | float:
    """Return the pixel density (px/m) on a target at a slant distance.

    Vectorised over arrays (broadcast together).

    Parameters
    ----------
    resolution_px
        Horizontal pixels (for a fisheye: the image circle's diameter in pixels).
    hfov_deg
        Horizontal field of view; ``>= 180`` means a fisheye (equidistant model).
    distance_m
        Slant distance from the lens to the target.

    Returns
    -------
    float or numpy.ndarray
        ``resolution / (2·d·tan(hfov/2))`` for a rectilinear lens, ``resolution / (π·d)``
        for a fisheye; ``inf`` at distance 0.
    """
    res = np.asarray(resolution_px, dtype=float)
    hfov = np.asarray(hfov_deg, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    fisheye = hfov >= FISHEYE_MIN_HFOV_DEG
    half = np.radians(np.where(fisheye, 90.0, hfov) / 2.0)
    width_per_m = np.where(fisheye, np.pi, 2.0 * np.tan(half))
    with np.errstate(divide="ignore"):
        out = res / (width_per_m * d)
    if out.ndim == 0:
        return float(out)
    return out


@overload
def dori_range_m(resolution_px: float, hfov_deg: float, px_per_m: float) -> float: ...
@overload
def dori_range_m(
    resolution_px: ArrayLike, hfov_deg: ArrayLike, px_per_m: ArrayLike
) -> FloatArray | float: ...
def dori_range_m(
    resolution_px: ArrayLike, hfov_deg: ArrayLike, px_per_m: ArrayLike
) -> FloatArray | float:
    """Return the slant distance at which the pixel density falls to ``px_per_m``.

    The inverse of :func:`pixel_density`; vectorised.

    Parameters
    ----------
    resolution_px
        Horizontal pixels (fisheye: image circle diameter).
    hfov_deg
        Horizontal field of view in degrees.
    px_per_m
        Threshold density, e.g. ``level_px_per_m("observe")``.

    Returns
    -------
    float or numpy.ndarray
        Range in metres (slant distance).
    """
    res = np.asarray(resolution_px, dtype=float)
    hfov = np.asarray(hfov_deg, dtype=float)
    thr = np.asarray(px_per_m, dtype=float)
    fisheye = hfov >= FISHEYE_MIN_HFOV_DEG
    half = np.radians(np.where(fisheye, 90.0, hfov) / 2.0)
    width_per_m = np.where(fisheye, np.pi, 2.0 * np.tan(half))
    out = res / (width_per_m * thr)
    if out.ndim == 0:
        return float(out)
    return out


@dataclass(frozen=True)
class CameraSpec:
    """One camera model: resolution, field of view, lens and price.

    Parameters
    ----------
    spec_id
        Stable identifier, e.g. ``"bullet-2mp-3.6"``.
    name
        Human-readable name.
    form
        ``"bullet"``, ``"dome"`` or ``"fisheye"``.
    resolution_px
        Horizontal pixels (fisheye: image circle diameter).
    resolution_v_px
        Vertical pixels.
    hfov_deg
        Horizontal field of view from the datasheet (360 for a 360° fisheye).
    vfov_deg
        Vertical field of view from the datasheet (180 for a fisheye).
    lens_mm
        Focal length, NaN when unknown.
    price_vnd
        Price in Vietnamese đồng.

    Examples
    --------
    >>> spec = CameraSpec("b", "bullet", "bullet", 1920, 1080, 90.0, 50.0, 3.6, 900_000)
    >>> round(spec.range_m("observe"), 1)
    15.4
    """

    spec_id: str
    name: str
    form: str
    resolution_px: int
    resolution_v_px: int
    hfov_deg: float
    vfov_deg: float
    lens_mm: float = math.nan
    price_vnd: float = 0.0

    def __post_init__(self) -> None:
        """Check the values make a camera."""
        if self.form not in FORMS:
            msg = f"camera {self.spec_id!r}: form {self.form!r} is not one of {FORMS}"
            raise InputError(msg, column="form", value=self.form)
        if self.resolution_px <= 0 or self.resolution_v_px <= 0:
            msg = f"camera {self.spec_id!r}: resolution must be positive pixels"
            raise InputError(msg, column="resolution_px", value=self.resolution_px)
        if not 0 < self.hfov_deg <= 360 or not 0 < self.vfov_deg <= 180:
            msg = (
                f"camera {self.spec_id!r}: hfov_deg must be in (0, 360] and vfov_deg in (0, 180], "
                f"got {self.hfov_deg} and {self.vfov_deg}"
            )
            raise InputError(msg, column="hfov_deg", value=self.hfov_deg)
        if self.price_vnd < 0:
            msg = f"camera {self.spec_id!r}: price_vnd must not be negative"
            raise InputError(msg, column="price_vnd", value=self.price_vnd)

    @classmethod
    def from_lens(
        cls,
        spec_id: str,
        *,
        name: str = "",
        form: str = "bullet",
        resolution_px: int,
        resolution_v_px: int,
        lens_mm: float,
        sensor_width_mm: float,
        sensor_height_mm: float,
        price_vnd: float = 0.0,
    ) -> CameraSpec:
        """Build a spec from lens focal length and sensor size (when the datasheet has no FOV).

        Parameters
        ----------
        spec_id, name, form, resolution_px, resolution_v_px, price_vnd
            As for :class:`CameraSpec`.
        lens_mm
            Focal length.
        sensor_width_mm, sensor_height_mm
            Active sensor size.

        Returns
        -------
        CameraSpec
            With ``hfov = 2·atan(w/2f)`` and ``vfov = 2·atan(h/2f)``.
        """
        return cls(
            spec_id,
            name or spec_id,
            form,
            resolution_px,
            resolution_v_px,
            fov_from_lens(lens_mm, sensor_width_mm),
            fov_from_lens(lens_mm, sensor_height_mm),
            lens_mm,
            price_vnd,
        )

    @property
    def is_fisheye(self) -> bool:
        """Whether the density follows the fisheye (equidistant) model."""
        return self.hfov_deg >= FISHEYE_MIN_HFOV_DEG

    def px_per_m(self, distance_m: ArrayLike) -> FloatArray | float:
        """Return the pixel density at a slant distance (vectorised).

        Parameters
        ----------
        distance_m
            Slant distance(s) in metres.

        Returns
        -------
        float or numpy.ndarray
            Pixels per metre on the target.
        """
        return pixel_density(self.resolution_px, self.hfov_deg, distance_m)

    def range_m(self, level: str | float) -> float:
        """Return the slant range for a DORI level.

        Parameters
        ----------
        level
            ``detect``, ``observe``, ``recognise``, ``identify`` or a density in px/m.

        Returns
        -------
        float
            Metres.
        """
        return float(dori_range_m(self.resolution_px, self.hfov_deg, level_px_per_m(level)))

    def dori(self) -> dict[str, float]:
        """Return the range of every DORI level in settings, in metres."""
        return {level: self.range_m(level) for level in settings.dori_px_per_m}


_COLUMNS = (
    "spec_id",
    "name",
    "form",
    "resolution_px",
    "resolution_v_px",
    "hfov_deg",
    "vfov_deg",
    "lens_mm",
    "price_vnd",
)


def load_catalogue(path: str | os.PathLike[str] | None = None) -> dict[str, CameraSpec]:
    """Read a camera catalogue CSV into specs keyed by ``spec_id``.

    Parameters
    ----------
    path
        A CSV with the columns ``spec_id, name, form, resolution_px, resolution_v_px,
        hfov_deg, vfov_deg, lens_mm, price_vnd`` (extra columns such as ``notes``
        are ignored; ``lens_mm`` may be empty). Default: the catalogue shipped with
        covplan (``covplan/camera/catalogue.csv``).

    Returns
    -------
    dict[str, CameraSpec]
        In file order.

    Raises
    ------
    InputError
        Naming the file, row and column of every bad value.
    """
    src = CATALOGUE_PATH if path is None else Path(path)
    with open(src, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            msg = f"missing columns {missing}; the catalogue needs {list(_COLUMNS)}"
            raise InputError(msg, file=src)
        specs: dict[str, CameraSpec] = {}
        for row_no, row in enumerate(reader, start=2):
            specs_row = _spec_from_row(row, src, row_no)
            if specs_row.spec_id in specs:
                msg = "duplicate spec_id; give each camera model its own id"
                raise InputError(
                    msg, file=src, row=row_no, column="spec_id", value=specs_row.spec_id
                )
            specs[specs_row.spec_id] = specs_row
    logger.info("read %d camera specs from %s", len(specs), src)
    return specs


def _spec_from_row(row: dict[str, Any], src: Path, row_no: int) -> CameraSpec:
    values: dict[str, Any] = {}
    for col in _COLUMNS:
        raw = (row.get(col) or "").strip()
        if col in ("spec_id", "name", "form"):
            if not raw and col != "name":
                raise InputError("is empty; fill it in", file=src, row=row_no, column=col)
            values[col] = raw
            continue
        if not raw and col == "lens_mm":
            values[col] = math.nan
            continue
        try:
            number = float(raw.replace("_", "").replace(" ", ""))
        except ValueError:
            msg = "is not a number; write e.g. 1920 (pixels), 90 (degrees) or 900000 (VND)"
            raise InputError(msg, file=src, row=row_no, column=col, value=raw) from None
        values[col] = int(number) if col.startswith("resolution") else number
    try:
        return CameraSpec(**values)
    except InputError as err:
        raise InputError(
            str(err), file=src, row=row_no, column=err.column, value=err.value
        ) from None
