"""The batch manifest: one row per ward, read and checked before anything runs.

A manifest is a CSV (UTF-8 with or without BOM, ``,`` or ``;``) or an XLSX sheet with
these columns (header row 1; names are case-insensitive):

``name``
    The ward's name (its folder is the name's slug: ``Phường Đa Kao`` → ``phuong-da-kao``).
``osm`` or ``place``
    An OpenStreetMap file (``.osm``, ``.osm.bz2``, ``.osm.gz``; ``.osm.pbf`` with a
    ``boundary``) or a place name to download (needs internet) — one of the two per row.
``boundary`` (optional, with ``osm``)
    Clip the ``osm`` file (a regional extract) to this ward: a GeoJSON / GeoPackage /
    Shapefile polygon file, or a box ``"west,south,east,north"`` in degrees. The ward is
    clipped to the polygon itself (``area_from_xml(..., boundary=...)``), or to the box.
``groups``, ``survey`` (optional)
    Residential-group polygons and the camera register, as ``covplan plan --groups`` and
    ``--survey``.
``streets`` (optional)
    ``yes`` to plan streets too (as ``covplan plan --streets``).
option columns (optional)
    Any field of :class:`covplan.plan.PlanOptions` (``headings``, ``spacing_m``,
    ``budget_vnd``, ``camera_class``, ``level_by_kind`` as ``alley=recognise;street=detect``,
    ``pinned_sites`` as ``node/1;node/2``…); an empty cell keeps the batch's option.

Relative paths are read from the manifest's folder.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from covplan._errors import InputError, Problem
from covplan.plan import PlanOptions
from covplan.vocab.messages import message

logger = logging.getLogger(__name__)

__all__ = ["WARD_COLUMNS", "Ward", "read_manifest", "ward_slug"]

#: Manifest columns besides the option columns (the fields of PlanOptions).
WARD_COLUMNS: tuple[str, ...] = ("name", "osm", "place", "boundary", "groups", "survey", "streets")
_OPTION_FIELDS: dict[str, str] = {f.name: str(f.type) for f in dataclasses.fields(PlanOptions)}
_TRUE = {"1", "yes", "true", "y", "có", "co", "x"}
_FALSE = {"0", "no", "false", "n", "không", "khong"}

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Ward:
    """One ward of a batch, as its manifest row says.

    Parameters
    ----------
    name
        The ward's name (titles and the city summary).
    slug
        Its folder name under the batch's output folder.
    row
        Its manifest row (the header is row 1).
    osm
        The OSM file (the ward's own, or a regional extract with ``bbox``), or None.
    place
        The place name to download, or None.
    bbox
        ``(west, south, east, north)`` to clip ``osm`` to, or None (the file's bounds).
    boundary
        The boundary polygon file ``bbox`` came from, or None.
    groups
        Residential-group polygons, or None.
    survey
        The camera register, or None.
    streets
        Plan streets too.
    options
        The ward's planning options.
    """

    name: str
    slug: str
    row: int
    osm: Path | None = None
    place: str | None = None
    bbox: BBox | None = None
    boundary: Path | None = None
    groups: Path | None = None
    survey: Path | None = None
    streets: bool = False
    options: PlanOptions = dataclasses.field(default_factory=PlanOptions)

    @property
    def files(self) -> list[Path]:
        """The input files whose bytes the ward's plan depends on."""
        costs = Path(self.options.costs) if self.options.costs else None
        found = (self.osm, self.boundary, self.groups, self.survey, costs)
        return [f for f in found if f is not None]

    def describe(self) -> dict[str, Any]:
        """Return the ward's inputs and options as JSON-ready values (file names, not bytes)."""
        return {
            "name": self.name,
            "osm": None if self.osm is None else str(self.osm),
            "place": self.place,
            "bbox": None if self.bbox is None else list(self.bbox),
            "groups": None if self.groups is None else str(self.groups),
            "survey": None if self.survey is None else str(self.survey),
            "streets": self.streets,
            "options": json.loads(json.dumps(self.options.as_dict(), default=str)),
        }


def ward_slug(name: str) -> str:
    """Return a folder name for a ward: lower case ASCII words joined by ``-``.

    Parameters
    ----------
    name
        The ward's name, e.g. ``"Phường Đa Kao"``.

    Returns
    -------
    str
        E.g. ``"phuong-da-kao"``.
    """
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --------------------------------------------------------------------------- reading
def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _sep(path: Path) -> str:
    """Return the CSV's separator: ``;`` when the header has more of them than ``,``."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        head = fh.readline()
    return ";" if head.count(";") > head.count(",") else ","


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        msg = message("batch.manifest_not_found")
        raise InputError(msg, file=path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = pd.read_excel(path, dtype=object)
        else:
            table = pd.read_csv(
                path, dtype=str, keep_default_na=False, sep=_sep(path), encoding="utf-8-sig"
            )
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        msg = message("batch.manifest_unreadable", err=f"{err.__class__.__name__}: {err}")
        raise InputError(msg, file=path) from None
    table.columns = [_cell(c).lower() for c in table.columns]
    return table.map(_cell)


def _number(text: str, kind: str) -> float | int:
    """Parse ``12``, ``2.5``, ``2,5`` or (for whole numbers) ``50.000.000``."""
    t = text.replace(" ", "").replace("\u00a0", "")
    if kind == "int" and re.fullmatch(r"\d{1,3}([.,]\d{3})+", t):
        t = t.replace(".", "").replace(",", "")
    elif t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    value = float(t)  # ValueError for the caller
    if kind == "int":
        if not value.is_integer():
            raise ValueError(text)
        return int(value)
    return value


def _option(name: str, text: str) -> Any:
    """Turn an option cell into the value of a PlanOptions field (ValueError when bad)."""
    kind = _OPTION_FIELDS[name]
    items = [p.strip() for p in re.split(r"[;|]", text) if p.strip()]
    if "frozenset" in kind:
        return frozenset(items)
    if kind.startswith("tuple[tuple"):  # level_by_kind
        if len(items) == 1 and "=" not in items[0]:
            return items[0]
        pairs = [p.split("=", 1) for p in items]
        if any(len(p) != 2 for p in pairs):
            raise ValueError(text)
        return {k.strip(): v.strip() for k, v in pairs}
    if kind.startswith("tuple"):
        return tuple(items)
    if kind.startswith("bool"):
        return _flag(text)
    if kind.startswith(("int", "float")):
        return _number(text, "int" if kind.startswith("int") else "float")
    return text


def _flag(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(text)


_HOW = {  # field type → the message saying what to write
    "int": "batch.how.int",
    "float": "batch.how.float",
    "bool": "batch.how.bool",
    "frozenset": "batch.how.frozenset",
    "tuple[tuple": "batch.how.levels",
}


def _how(name: str) -> str:
    kind = _OPTION_FIELDS[name]
    for prefix, how in _HOW.items():
        if kind.startswith(prefix) or (prefix == "frozenset" and "frozenset" in kind):
            return message(how)
    return message("batch.how.value")


def _bbox_text(text: str) -> BBox | None:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        return None
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        return None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    return (w, s, e, n)


def _boundary_bbox(path: Path) -> BBox:
    frame = gpd.read_file(path)
    if frame.crs is not None:
        frame = frame.to_crs(4326)
    polys = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        msg = message("batch.no_polygon")
        raise ValueError(msg)
    w, s, e, n = (float(x) for x in polys.total_bounds)
    return (w, s, e, n)


class _Row:
    """Checks one manifest row, collecting its problems."""

    def __init__(self, file: Path, row: int, cells: Mapping[str, str]) -> None:
        self.file, self.row, self.cells = file, row, cells
        self.problems: list[Problem] = []

    def problem(self, column: str | None, value: Any, message: str) -> None:
        self.problems.append(Problem(message, str(self.file), self.row, column, value))

    def path(self, column: str, what: str) -> Path | None:  # what: a "batch.what.*" key
        text = self.cells.get(column, "")
        if not text:
            return None
        p = Path(text).expanduser()
        p = p if p.is_absolute() else self.file.parent / p
        if not p.exists():
            self.problem(column, text, message("batch.file_not_found", what=message(what)))
            return None
        return p

    def options(self, base: PlanOptions) -> PlanOptions:
        changes: dict[str, Any] = {}
        for name in _OPTION_FIELDS:
            text = self.cells.get(name, "")
            if not text:
                continue
            try:
                changes[name] = _option(name, text)
            except ValueError:
                self.problem(name, text, message("batch.not_a_value", name=name, how=_how(name)))
        costs = self.path("costs", "batch.what.costs")
        if costs is not None:
            changes["costs"] = str(costs)
        elif "costs" in changes:
            del changes["costs"]
        try:
            return base.replace(**changes)
        except InputError as err:
            for p in err.problems:
                self.problem(None, None, p.message)
            return base

    def source(self) -> tuple[Path | None, str | None, BBox | None, Path | None]:
        osm_text, place = self.cells.get("osm", ""), self.cells.get("place", "") or None
        if osm_text and place:
            self.problem("osm", osm_text, message("batch.osm_and_place"))
        if not osm_text and not place:
            self.problem("osm", None, message("batch.osm_or_place"))
        osm = self.path("osm", "batch.what.osm")
        text = self.cells.get("boundary", "")
        if not text:
            if osm is not None and osm.name.lower().endswith(".pbf"):
                msg = message("batch.pbf_needs_boundary")
                self.problem("boundary", None, msg)
            return osm, place, None, None
        if place:
            self.problem("boundary", text, message("batch.boundary_with_place"))
        bbox = _bbox_text(text)
        if bbox is not None:
            return osm, place, bbox, None
        if "," in text and not Path(text).suffix:
            self.problem("boundary", text, message("batch.bad_box"))
            return osm, place, None, None
        poly = self.path("boundary", "batch.what.boundary")
        if poly is None:
            return osm, place, None, None
        try:
            return osm, place, _boundary_bbox(poly), poly
        except (ValueError, OSError) as err:
            self.problem("boundary", text, message("batch.bad_polygon", err=err))
            return osm, place, None, None


def read_manifest(
    path: str | os.PathLike[str], *, options: PlanOptions | None = None
) -> list[Ward]:
    """Read and check a batch manifest (CSV or XLSX): one :class:`Ward` per row.

    Parameters
    ----------
    path
        The manifest (see this module's docstring for its columns).
    options
        The batch's planning options; a ward's option columns override them
        (default :class:`covplan.plan.PlanOptions`).

    Returns
    -------
    list of Ward
        The wards, in the manifest's order.

    Raises
    ------
    covplan.InputError
        Naming the file, row, column and what to write, for every problem found:
        a missing or unknown column, a missing file, both or neither of ``osm`` and
        ``place``, a bad number or option, a duplicate ward name.
    """
    file = Path(path)
    table = _read_table(file)
    base = options or PlanOptions()
    known = set(WARD_COLUMNS) | set(_OPTION_FIELDS)
    problems = [
        Problem(
            message(
                "batch.unknown_column",
                columns=", ".join(WARD_COLUMNS),
                options=", ".join(_OPTION_FIELDS),
            ),
            str(file),
            1,
            c,
        )
        for c in table.columns
        if c not in known
    ]
    if "name" not in table.columns:
        problems.append(Problem(message("batch.add_name"), str(file), 1, "name"))
    if not {"osm", "place"} & set(table.columns):
        msg = message("batch.add_osm")
        problems.append(Problem(msg, str(file), 1, "osm"))
    if problems:
        raise InputError(problems=problems)
    wards: list[Ward] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(table.to_dict("records")):
        rec = {str(k): str(v) for k, v in raw.items()}
        row = _Row(file, i + 2, rec)
        name = rec.get("name", "")
        if not name or not ward_slug(name):
            row.problem("name", name or None, message("batch.give_name"))
        slug = ward_slug(name)
        if slug and slug in seen:
            row.problem("name", name, message("batch.same_name", row=seen[slug]))
        seen.setdefault(slug, row.row)
        osm, place, bbox, boundary = row.source()
        streets = False
        if rec.get("streets"):
            try:
                streets = _flag(rec["streets"])
            except ValueError:
                row.problem("streets", rec["streets"], message("batch.yes_no"))
        ward = Ward(
            name=name,
            slug=slug,
            row=row.row,
            osm=osm,
            place=place,
            bbox=bbox,
            boundary=boundary,
            groups=row.path("groups", "a residential-groups polygon file"),
            survey=row.path("survey", "a camera register (CSV, XLSX…)"),
            streets=streets,
            options=row.options(base),
        )
        problems += row.problems
        wards.append(ward)
    if not wards and not problems:
        problems.append(Problem(message("batch.no_ward"), str(file)))
    if problems:
        raise InputError(problems=problems)
    logger.info("read_manifest: %d wards from %s", len(wards), file.name)
    return wards
