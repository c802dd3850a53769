"""Header matching: where each register field is in a raw table."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from covplan._errors import Problem
from covplan.survey import parse as P  # noqa: N812
from covplan.survey._sheets import SPLIT_GEOPOINT, RawTable
from covplan.survey.schema import canonical_field

__all__ = ["Columns", "map_columns"]

logger = logging.getLogger(__name__)

_KOBO_META = re.compile(r"^_(id|uuid|index|submission_time|validation_status|notes|status|tags)")
#: Columns a form server or covplan adds that carry no register field: not reported.
_FORM_META = re.compile(
    r"^(?:_.*|__version__|start|end|today|deviceid|subscriberid|simserial|username|"
    r"audit|instanceid|instancename|key|submissiondate|submitterid|submittername|"
    r"attachmentspresent|attachmentsexpected|reviewstate|edits|formversion|fid|ogc_fid|"
    r"geometry|geom|house_number|alley|street|(?:meta|formhub)/.*)$",
    re.IGNORECASE,
)


@dataclass
class Columns:
    """Where each register field is in a raw table (column index and header)."""

    idx: dict[str, int]
    split: dict[str, int]  # latitude/longitude/precision of a split geopoint
    unknown: list[str] = field(default_factory=list)  # headers read but not used

    def get(self, values: Sequence[Any], name: str) -> str:
        """Return the text of field ``name`` in a row ("" when the table lacks the field)."""
        i = self.idx.get(name)
        return P.text(values[i]) if i is not None and i < len(values) else ""

    def get_split(self, values: Sequence[Any], part: str) -> str:
        """Return the text of a split geopoint's ``part`` (latitude, longitude, precision)."""
        return P.text(values[self.split[part]])

    @property
    def has_latlon(self) -> bool:
        """Whether the table has lat and lon columns."""
        return "lat" in self.idx and "lon" in self.idx

    @property
    def has_split(self) -> bool:
        """Whether the table has a geopoint split into latitude and longitude columns."""
        return "latitude" in self.split and "longitude" in self.split

    @property
    def has_geopoint(self) -> bool:
        """Whether the table has a geopoint column ('lat lon alt accuracy')."""
        return "location" in self.idx


def map_columns(raw: RawTable, problems: list[Problem]) -> Columns:
    """Match a raw table's headers to register fields; a repeated field is a problem.

    Parameters
    ----------
    raw
        The table as read.
    problems
        Where a repeated column is reported.

    Returns
    -------
    Columns
        The column of each known field, and the headers that mean none
        (``unknown``; a form server's own columns left out).
    """
    idx: dict[str, int] = {}
    split: dict[str, int] = {}
    for i, h in enumerate(raw.headers):
        if not h:
            continue
        canon = canonical_field(h)
        m = SPLIT_GEOPOINT.match(h)
        if canon is None and m and not _KOBO_META.match(h):
            part = m.group("part").lower().replace("accuracy", "precision")
            if part != "altitude" and part not in split:
                split[part] = i
            continue
        if canon is None:
            continue
        if canon in idx:
            problems.append(
                Problem(
                    f"repeats the column '{raw.headers[idx[canon]]}' ({canon}); "
                    "delete or rename one of them",
                    raw.file,
                    1,
                    h,
                )
            )
            continue
        idx[canon] = i
    unknown: list[str] = []
    meta: list[str] = []
    for h in raw.headers:
        if h and canonical_field(h) is None and not SPLIT_GEOPOINT.match(h):
            (meta if _FORM_META.match(h.strip()) else unknown).append(h)
    if meta:
        logger.info("%s: %d form-server columns not read: %s", raw.file, len(meta), meta[:8])
    return Columns(idx=idx, split=split, unknown=unknown)
