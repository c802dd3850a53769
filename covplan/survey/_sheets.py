"""Sheet helpers the survey's reader and its register updater share.

Decoding a CSV file's bytes, guessing its delimiter, finding the header row under
title rows, and choosing the cameras sheet of a workbook.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from covplan._errors import InputError, Problem
from covplan.survey import parse as P  # noqa: N812
from covplan.survey.schema import canonical_field

logger = logging.getLogger(__name__)

#: Sheets of a workbook that never hold the cameras.
SKIP_SHEETS = frozenset(
    {
        "contacts",
        "liên hệ",
        "verifications",
        "kiểm tra",
        "hướng dẫn",
        "guide",
        "choices",
        "settings",
    }
)
#: Names of a workbook's contacts sheet.
CONTACT_SHEETS = frozenset({"contacts", "liên hệ"})

#: A KoboToolbox/ODK geopoint split into columns (``_gps_latitude``, ``grp/gps-longitude``…).
SPLIT_GEOPOINT = re.compile(
    r"^_?(?:.*/)?(?P<name>.+?)[_-](?P<part>latitude|longitude|altitude|precision|accuracy)$",
    re.IGNORECASE,
)


@dataclass
class RawTable:
    """A file's table before validation: headers, numbered rows and optional points."""

    file: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    points: dict[int, tuple[float, float] | None] | None = None  # row → (lon, lat)
    contacts: RawTable | None = None
    problems: list[Problem] = field(default_factory=list)
    osm: bool = False
    #: Other sheets or layers that look like cameras but are not read:
    #: (kind "sheet" or "layer", its name, the name of the one read, its columns, its rows).
    extra: list[tuple[str, str, str, list[str], int]] = field(default_factory=list)


def decode(data: bytes, file: str) -> str:
    """Return a text file's content: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        out = data.decode("cp1258")
    except UnicodeDecodeError:
        msg = "is not UTF-8 text; save it again as 'CSV UTF-8' from Excel"
        raise InputError(msg, file=file) from None
    logger.warning("%s is not UTF-8; read it as Windows-1258 (Vietnamese)", file)
    return out


def delimiter(content: str) -> str:
    """Return a CSV text's delimiter: the commonest of ``,`` ``;`` and tab on its first line."""
    first = next((ln for ln in content.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def find_header(rows: list[tuple[int, list[Any]]]) -> int:
    """Index of the header row: the first of the first 10 with two known column names."""
    for i, (_, values) in enumerate(rows[:10]):
        known = {canonical_field(P.text(v)) for v in values if P.text(v)} - {None}
        split = [v for v in values if SPLIT_GEOPOINT.match(P.text(v))]
        if len(known) + len(split) >= 2:
            return i
    return 0


def camera_sheet(names: list[str]) -> str | None:
    """Return the workbook sheet that holds the cameras, or None."""
    main = next((n for n in names if n.strip().lower() in {"cameras", "camera"}), None)
    return main or next((n for n in names if n.strip().lower() not in SKIP_SHEETS), None)


def looks_like_cameras(records: list[tuple[int, list[Any]]]) -> tuple[list[str], int] | None:
    """Return (known columns, data rows) of a sheet that looks like cameras, else None.

    A sheet looks like cameras when its header row names a position (lat/lon, a
    geopoint, split geopoint columns) or a camera id, with at least two register
    columns, and some row under it holds data.

    Parameters
    ----------
    records
        The sheet's numbered rows.

    Returns
    -------
    tuple of (list of str, int) or None
        The register columns it names and its number of non-empty data rows.
    """
    records = [(n, r) for n, r in records if any(P.text(v) for v in r)]
    if len(records) < 2:
        return None
    h = find_header(records)
    headers = [P.text(v) for v in records[h][1]]
    known = {canonical_field(x): x for x in headers if x and canonical_field(x)}
    split = [x for x in headers if x and SPLIT_GEOPOINT.match(x)]
    where = {"lat", "lon", "location", "camera_id"} & set(known)
    n_rows = len(records) - h - 1
    if n_rows < 1 or len(known) + len(split) < 2 or not (where or split):
        return None
    return [*known.values(), *split], n_rows


def table(file: str, records: list[tuple[int, list[Any]]]) -> RawTable:
    """Return the raw table of a sheet's numbered rows, starting at its header row."""
    records = [(n, r) for n, r in records if any(P.text(v) for v in r)]
    if not records:
        msg = "the file has no header row; use the blank form from `covplan survey template`"
        raise InputError(msg, file=file)
    h = find_header(records)
    header_row, header = records[h]
    headers = [P.text(v) for v in header]
    rows = []
    for n, values in records[h + 1 :]:
        vals = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
        rows.append((n, vals))
    if header_row != 1:
        logger.info("%s: header found on row %d", file, header_row)
    return RawTable(file=file, headers=headers, rows=rows)
