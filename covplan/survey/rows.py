"""Row building: one raw row validated into a camera record, step by step.

Each step reads one group of columns (identity, position, owner, direction, camera
properties, flags and status, stream URL) and reports what is wrong with it on the
row's :class:`RowProblems`; :func:`build_row` runs them in order and drops repeated
cameras. Nothing here raises on bad input: every problem is collected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely

from covplan import settings
from covplan._errors import Problem
from covplan._redact import url_template
from covplan.survey import parse as P  # noqa: N812
from covplan.survey._sheets import RawTable
from covplan.survey.columns import Columns
from covplan.survey.privacy import pseudonym
from covplan.survey.schema import BOOL_COLUMNS
from covplan.vocab import survey_report
from covplan.vocab.messages import MESSAGES, message

__all__ = [
    "VN_LAT",
    "VN_LON",
    "RowContext",
    "RowProblems",
    "build_row",
    "id_key",
    "owner_pseudonym",
]

#: Mainland Vietnam with its near islands (lat, lon ranges), to tell swapped coordinates.
VN_LAT = (8.0, 23.5)
VN_LON = (102.0, 110.0)

_STREAM_SCHEME = re.compile(r"^(rtsp|rtsps|http|https|file)://", re.IGNORECASE)

#: Numeric columns: (lowest, highest, what to write, units allowed after the number).
NUMBERS: dict[str, tuple[float, float, str, tuple[str, ...]]] = {
    "hfov_deg": (
        1.0,
        360.0,
        "the horizontal angle of view in degrees, e.g. 90",
        ("°", "độ", "deg"),
    ),
    "resolution_px": (160.0, 16000.0, "the horizontal pixels, e.g. 1920", ("px",)),
    "mount_height_m": (0.1, 60.0, "the height above the ground in metres, e.g. 3.5", ("m", "mét")),
    "tilt_deg": (-90.0, 90.0, "the downward tilt in degrees, e.g. 15", ("°", "độ", "deg")),
    "retention_days": (0.0, 3650.0, "the days of footage kept, e.g. 7", ("ngày", "days")),
}


def _mask(value: str) -> str:
    """Show the first two and last two characters of a personal value."""
    return value if len(value) <= 4 else f"{value[:2]}…{value[-2:]}"


class RowProblems:
    """Problems of one row, with where they are."""

    def __init__(
        self, file: str, row: int, headers: list[str], cols: Columns, lang: str = "en"
    ) -> None:
        self.file, self.row, self.headers, self.cols = file, row, headers, cols
        self.lang = lang
        self.problems: list[Problem] = []

    def say(self, key: str, **fmt: object) -> str:
        """Return the message ``key`` in the report's language."""
        return message(key, self.lang, **fmt)

    def why(self, err: Exception) -> str:
        """Return a cell parser's error in the report's language."""
        return P.cell_text(err, self.lang)

    def add(self, field_name: str | None, value: Any, message: str) -> None:
        """Report a problem in ``field_name``'s column (None: the whole row)."""
        if field_name in {"phone", "owner_name"} and value:
            value = _mask(str(value))  # personal data: enough to find the cell, no more
        column = None
        if field_name is not None:
            i = self.cols.idx.get(field_name, self.cols.split.get(field_name))
            column = self.headers[i] if i is not None else field_name
        self.problems.append(Problem(message, self.file, self.row, column, value))


@dataclass
class RowContext:
    """What the rows of one table share: the table, the owner key, the ward, what was seen."""

    raw: RawTable
    cols: Columns
    key: bytes
    boundary: shapely.Geometry | None = None
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen_ids: dict[str, int] = field(default_factory=dict)  # id_key → first row
    id_text: dict[str, str] = field(default_factory=dict)  # id_key → the id as first written
    seen_keys: dict[tuple[Any, ...], int] = field(default_factory=dict)
    n_generated: int = 0
    lang: str = "en"


def _what(name: str, what: str, lang: str) -> str:
    """Return what to write in a numeric column, in ``lang`` (English text when unknown)."""
    key = f"survey.what.{name}"
    return message(key, lang) if key in MESSAGES else what


def owner_pseudonym(name: str, address: str, phone: P.Phone | None, key: bytes) -> str:
    """Return an owner's keyed pseudonym: from the phone, else name and address ("" if neither).

    Parameters
    ----------
    name
        The owner's name as written.
    address
        The address as written.
    phone
        The parsed phone, or None.
    key
        The owner key (:func:`~covplan.survey.privacy.owner_key`).

    Returns
    -------
    str
        The owner id, or "" when there is nothing to derive it from.
    """
    if phone is not None:
        return pseudonym(phone.e164, key=key)
    if name:
        return pseudonym(f"{name.casefold()}|{address.casefold()}", key=key)
    return ""


# ------------------------------------------------------------------------------ identity


def _camera_id(
    ctx: RowContext, r: RowProblems, values: Sequence[Any], n_data: int
) -> tuple[str, bool]:
    """Return the camera id and whether the row may be kept.

    Cameras are numbered C001… when the table has no id column; an empty cell of an id
    column is a problem (numbered too, for the report, but not kept).
    """
    cid = ctx.cols.get(values, "camera_id")
    if cid:
        return cid, True
    keep = "camera_id" not in ctx.cols.idx
    if not keep:
        r.add("camera_id", None, r.say("survey.no_id"))
    ctx.n_generated += 1
    return f"C{n_data + 1:03d}", keep


# ------------------------------------------------------------------------------ position


def _parse_coord(s: str) -> float:
    """Parse a coordinate in decimal degrees or degrees, minutes and seconds."""
    s = s.strip().replace("°", " ").replace("′", "'").replace("″", '"')
    m = re.match(r"""^(\d+)\s+(\d+)'\s*(\d+(?:[.,]\d+)?)?"?\s*([NSEW])?$""", s, re.IGNORECASE)
    if m:
        deg = (
            int(m.group(1))
            + int(m.group(2)) / 60
            + float((m.group(3) or "0").replace(",", ".")) / 3600
        )
        return -deg if (m.group(4) or "").upper() in {"S", "W"} else deg
    return P.parse_number(s)


def _in_vn(lat: float, lon: float) -> bool:
    return VN_LAT[0] <= lat <= VN_LAT[1] and VN_LON[0] <= lon <= VN_LON[1]


def _gps_coarse(acc: float) -> bool:
    return acc > settings.survey_max_gps_error_m


def _geopoint_text(ctx: RowContext, r: RowProblems, values: Sequence[Any]) -> tuple[str, str]:
    """Return (lat, lon) of a geopoint cell ('lat lon alt accuracy'), checking its accuracy."""
    gp = ctx.cols.get(values, "location")
    parts = [p for p in re.split(r"[\s,;]+", gp) if p]
    if len(parts) < 2:
        if gp:
            r.add("location", gp, r.say("survey.not_geopoint"))
        return "", ""
    if len(parts) >= 4 and "precision" not in ctx.cols.split:
        try:
            acc = float(parts[3])
        except ValueError:
            acc = math.nan
        if _gps_coarse(acc):
            r.add(
                "location",
                gp,
                r.say(
                    "survey.gps_coarse", acc=f"{acc:g}", max=f"{settings.survey_max_gps_error_m:g}"
                ),
            )
    return parts[0], parts[1]


def _coordinate_text(
    ctx: RowContext, r: RowProblems, values: Sequence[Any], rownum: int
) -> tuple[str, str, str]:
    """Return the row's (lat, lon) texts and the field they came from."""
    cols, points = ctx.cols, ctx.raw.points
    lat_s = lon_s = ""
    coord_field = "lat"
    if cols.has_latlon:
        lat_s, lon_s = cols.get(values, "lat"), cols.get(values, "lon")
    elif cols.has_split:
        lat_s, lon_s = cols.get_split(values, "latitude"), cols.get_split(values, "longitude")
        coord_field = "latitude"
    if not (lat_s or lon_s) and cols.has_geopoint:
        coord_field = "location"
        lat_s, lon_s = _geopoint_text(ctx, r, values)
    if not (lat_s or lon_s) and points is not None:
        pt = points.get(rownum)
        if pt is not None:
            lat_s, lon_s = repr(pt[1]), repr(pt[0])
    return lat_s, lon_s, coord_field


def _check_coordinates(
    r: RowProblems, coord_field: str, lat_s: str, lon_s: str
) -> tuple[float, float, bool]:
    """Return (lat, lon, usable): parsed, in Vietnam, swapped back when swapped."""
    if not lat_s or not lon_s:
        r.add(
            coord_field,
            None,
            r.say("survey.no_coordinates"),
        )
        return math.nan, math.nan, False
    shown = f"{lat_s}, {lon_s}"
    try:
        lat, lon = _parse_coord(lat_s), _parse_coord(lon_s)
    except ValueError:
        r.add(coord_field, shown, r.say("survey.not_coordinates"))
        return math.nan, math.nan, False
    if lat == 0.0 and lon == 0.0:
        r.add(coord_field, shown, r.say("survey.zero_zero"))
        return lat, lon, False
    if _in_vn(lat, lon):
        return lat, lon, True
    if _in_vn(lon, lat):
        r.add(
            coord_field,
            shown,
            r.say("survey.swapped"),
        )
        return lon, lat, True
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        r.add(coord_field, shown, r.say("survey.impossible"))
    else:
        r.add(
            coord_field,
            shown,
            r.say("survey.outside_vietnam"),
        )
    return lat, lon, False


def _check_precision(ctx: RowContext, r: RowProblems, values: Sequence[Any]) -> None:
    """Report a split geopoint's accuracy when it is coarser than the settings allow."""
    if not (ctx.cols.has_split and "precision" in ctx.cols.split):
        return
    acc_s = ctx.cols.get_split(values, "precision")
    try:
        acc = float(acc_s) if acc_s else math.nan
    except ValueError:
        acc = math.nan
    if _gps_coarse(acc):
        r.add(
            "precision",
            acc_s,
            r.say("survey.gps_coarse_cell", max=f"{settings.survey_max_gps_error_m:g}"),
        )


def _check_in_ward(
    ctx: RowContext, r: RowProblems, coord_field: str, lat: float, lon: float
) -> None:
    """Report a camera outside the ward's boundary (when one was given)."""
    if ctx.boundary is None:
        return
    pt_geom = shapely.Point(lon, lat)
    if not ctx.boundary.covers(pt_geom):
        dist_m = ctx.boundary.distance(pt_geom) * 111_000
        r.add(
            coord_field,
            f"{lat:.6f}, {lon:.6f}",
            r.say("survey.outside_ward", m=f"{dist_m:.0f}"),
        )


def _position(
    ctx: RowContext, r: RowProblems, values: Sequence[Any], rownum: int
) -> tuple[float, float, bool]:
    """Return (lat, lon, usable) of the row's camera."""
    lat_s, lon_s, coord_field = _coordinate_text(ctx, r, values, rownum)
    lat, lon, ok = _check_coordinates(r, coord_field, lat_s, lon_s)
    _check_precision(ctx, r, values)
    if ok:
        _check_in_ward(ctx, r, coord_field, lat, lon)
    return lat, lon, ok


# ------------------------------------------------------------------------------ owner


def _phone(r: RowProblems, cols: Columns, values: Sequence[Any]) -> list[P.Phone]:
    """Return the owner's phones, every one a cell holds ([] when none; a bad one is a problem)."""
    phone_s = cols.get(values, "phone")
    if not phone_s:
        return []
    try:
        phones = P.parse_phones(phone_s)
    except ValueError as err:
        r.add("phone", phone_s, r.why(err))
        return []
    for phone in phones:
        if phone.warning:
            r.add("phone", phone_s, phone.warning_text(r.lang) or phone.warning)
    return phones


def _owner_kind(ctx: RowContext, r: RowProblems, values: Sequence[Any]) -> str:
    """Return the owner kind ("" when missing or unknown, which is a problem)."""
    cols = ctx.cols
    kind_s = cols.get(values, "owner_kind")
    if not kind_s and ctx.raw.osm and not cols.get(values, "participates"):
        # a mapper's node says nothing of its owner: infer it from the tags; a node
        # covplan wrote (it always carries covplan:participates) keeps what the
        # register said, so a register read back is the register written
        surv = P._key(cols.get(values, "surveillance"))
        kind_s = "public" if surv == "public" else "household"
    if not kind_s:
        r.add(
            "owner_kind",
            None,
            r.say("survey.owner_kind_empty"),
        )
        return ""
    try:
        return P.parse_owner_kind(kind_s)
    except ValueError as err:
        r.add("owner_kind", kind_s, r.why(err))
        return ""


def _owner(ctx: RowContext, r: RowProblems, values: Sequence[Any]) -> dict[str, Any]:
    """Return the owner columns (kind, pseudonym, address); the contact goes to ``ctx``."""
    cols = ctx.cols
    name = cols.get(values, "owner_name")
    phones = _phone(r, cols, values)
    phone = phones[0] if phones else None
    address = cols.get(values, "address")
    kind = _owner_kind(ctx, r, values)
    owner_id = cols.get(values, "owner_id") or owner_pseudonym(name, address, phone, ctx.key)
    if owner_id and (name or phone is not None) and owner_id not in ctx.contacts:
        ctx.contacts[owner_id] = {
            "owner_id": owner_id,
            "name": name,
            "role": cols.get(values, "role"),
            "phone": "; ".join(p.e164 for p in phones),  # every number of the cell kept
            "address": cols.get(values, "contact_address") or address,
        }
    return {"owner_kind": kind, "owner_id": owner_id, "address": address} | P.parse_address(address)


# ------------------------------------------------------------------------------ direction


def _panning_range(
    r: RowProblems, cols: Columns, values: Sequence[Any], hd: P.Heading
) -> P.Heading:
    """Return the heading with the panning range of heading_min/max columns, if given."""
    lo_s, hi_s = cols.get(values, "heading_min_deg"), cols.get(values, "heading_max_deg")
    if not (lo_s or hi_s):
        return hd
    try:
        lo = P.parse_number(lo_s, units=("°", "độ"))
        hi = P.parse_number(hi_s, units=("°", "độ"))
        if not (0 <= lo <= 360 and 0 <= hi <= 360):
            raise ValueError
    except ValueError:
        r.add(
            "heading_min_deg",
            f"{lo_s}–{hi_s}",
            r.say("survey.not_range"),
        )
        return hd
    span = (hi - lo) % 360.0 or (360.0 if hi != lo else 0.0)
    mid = hd.deg if not math.isnan(hd.deg) else (lo + span / 2.0) % 360.0
    return P.Heading(deg=mid, min_deg=lo, max_deg=hi)


def _direction(r: RowProblems, cols: Columns, values: Sequence[Any]) -> dict[str, float]:
    """Return heading_deg and the panning range heading_min_deg/heading_max_deg."""
    heading_s = cols.get(values, "heading_deg")
    try:
        hd = P.parse_heading(heading_s)
    except ValueError as err:
        r.add("heading_deg", heading_s, r.why(err))
        hd = P.Heading()
    hd = _panning_range(r, cols, values, hd)
    return {"heading_deg": hd.deg, "heading_min_deg": hd.min_deg, "heading_max_deg": hd.max_deg}


# ------------------------------------------------------------------------------ camera properties


def _number(
    r: RowProblems,
    values: Sequence[Any],
    name: str,
    lo: float,
    hi: float,
    what: str,
    units: tuple[str, ...],
) -> float:
    """Return a numeric column's value in range, or NaN (empty, unreadable, out of range)."""
    s = r.cols.get(values, name)
    if not s:
        return math.nan
    try:
        if name == "resolution_px":
            x = P.parse_resolution(s)
        elif name == "retention_days":
            x = P.parse_retention(s)
        else:
            x = P.parse_number(s, units=units)
    except ValueError as err:
        r.add(name, s, r.say("survey.number_then", why=r.why(err), what=_what(name, what, r.lang)))
        return math.nan
    if not lo <= x <= hi:
        what_l = _what(name, what, r.lang)
        r.add(name, s, r.say("survey.out_of_range", what=what_l, lo=f"{lo:g}", hi=f"{hi:g}"))
        return math.nan
    return x


def _camera_properties(r: RowProblems, cols: Columns, values: Sequence[Any]) -> dict[str, float]:
    """Check the camera type and return the numeric columns (FOV, resolution, height…)."""
    type_s = cols.get(values, "camera_type")
    if type_s:
        try:
            P.parse_camera_type(type_s)
        except ValueError as err:
            r.add("camera_type", type_s, r.why(err))
    return {name: _number(r, values, name, *spec) for name, spec in NUMBERS.items()}


# ------------------------------------------------------------------------------ flags, status


def _flags_and_status(r: RowProblems, cols: Columns, values: Sequence[Any]) -> dict[str, Any]:
    """Return is_ip, participates, adjustable and status (defaults where unreadable)."""
    out: dict[str, Any] = {}
    for name in BOOL_COLUMNS:
        s = cols.get(values, name)
        try:
            out[name] = P.parse_bool(s)
        except ValueError as err:
            r.add(name, s, r.why(err))
            out[name] = False
    s = cols.get(values, "adjustable")
    try:
        out["adjustable"] = P.parse_adjustable(s)
    except ValueError as err:
        r.add("adjustable", s, r.why(err))
        out["adjustable"] = "unknown"
    s = cols.get(values, "status")
    try:
        out["status"] = P.parse_status(s)
    except ValueError as err:
        r.add("status", s, r.why(err))
        out["status"] = "surveyed"
    return out


# ------------------------------------------------------------------------------ stream URL


def _stream_url(r: RowProblems, cols: Columns, values: Sequence[Any]) -> str:
    """Return the stream URL made credential-free ("" when it is not a stream URL).

    A user name, password or secret query parameter (``?password=``, ``&pwd=``…) is
    replaced by a placeholder (:func:`covplan._redact.url_template`) and reported:
    passwords belong in the keyring, never in the register.
    """
    url = cols.get(values, "stream_url")
    if not url:
        return ""
    clean, had_secret = url_template(url)
    if had_secret:
        r.add(
            "stream_url",
            clean,
            r.say("survey.url_credentials"),
        )
    if not _STREAM_SCHEME.match(clean):
        r.add("stream_url", clean, r.say("survey.not_url"))
        return ""
    return clean


# ------------------------------------------------------------------------------ duplicates


def id_key(camera_id: str) -> str:
    """Return the key camera ids are compared by: NFC, stripped, case-folded, single spaces.

    Parameters
    ----------
    camera_id
        An id as written (`` c01 ``, ``C01``).

    Returns
    -------
    str
        ``"c01"`` for both.
    """
    return " ".join(unicodedata.normalize("NFC", str(camera_id)).casefold().split())


def _unique(
    ctx: RowContext, r: RowProblems, rec: dict[str, Any], coords_ok: bool, rownum: int, keep: bool
) -> bool:
    """Whether a row kept so far stays kept: it repeats no earlier camera.

    A repeated id (compared by :func:`id_key`: `` c01 `` and ``C01`` are one id), or the
    same place, direction and owner, is a problem naming both rows; the first row is kept.
    """
    cid = rec["camera_id"]
    key = id_key(cid)
    if keep and key in ctx.seen_ids:
        first = ctx.seen_ids[key]
        r.add(
            "camera_id",
            cid,
            survey_report(
                "duplicate_id", ctx.lang, first=first, row=rownum, other=ctx.id_text[key]
            ),
        )
        keep = False
    if coords_ok:
        dup_key = (round(rec["lat"], 6), round(rec["lon"], 6), rec["heading_deg"], rec["owner_id"])
        if keep and dup_key in ctx.seen_keys:
            r.add(
                None,
                None,
                r.say("survey.repeats", first=ctx.seen_keys[dup_key], row=rownum),
            )
            keep = False
        ctx.seen_keys.setdefault(dup_key, rownum)
    if keep and key not in ctx.seen_ids:
        ctx.seen_ids[key] = rownum
        ctx.id_text[key] = cid
    return keep


# ------------------------------------------------------------------------------ the row


def build_row(
    ctx: RowContext, n_data: int, rownum: int, values: Sequence[Any]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate one raw row into a camera record.

    Parameters
    ----------
    ctx
        What the table's rows share; the row's contact and its id are recorded there.
    n_data
        The row's position among the data rows (0 first), to number cameras without id.
    rownum
        The row's number as the spreadsheet shows it.
    values
        The row's cells.

    Returns
    -------
    tuple of (dict or None, list of Problem)
        The record (None when the row has no usable position, no id or repeats a
        camera) and the row's problems.
    """
    cols = ctx.cols
    r = RowProblems(ctx.raw.file, rownum, ctx.raw.headers, cols, ctx.lang)
    cid, keep = _camera_id(ctx, r, values, n_data)
    rec: dict[str, Any] = {"camera_id": cid}
    rec["lat"], rec["lon"], coords_ok = _position(ctx, r, values, rownum)
    rec.update(_owner(ctx, r, values))
    rec.update(_direction(r, cols, values))
    rec.update(_camera_properties(r, cols, values))
    rec.update(_flags_and_status(r, cols, values))
    rec["stream_url"] = _stream_url(r, cols, values)
    keep = _unique(ctx, r, rec, coords_ok, rownum, keep)
    return (rec if keep and coords_ok else None), r.problems
