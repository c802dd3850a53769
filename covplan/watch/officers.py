"""Read the plan folder's cameras and the officers file (CSV or XLSX).

The officers file has one row per officer: ``officer_id``, ``name``, ``role``
(chỉ huy / CSKV / trinh sát), ``phone``, ``cameras`` (``;``-separated camera codes
such as ``N01``) and ``groups`` (``;``-separated residential-group ids); ``unit`` is
optional. Vietnamese headers are understood too (``mã cán bộ``, ``họ tên``, ``chức vụ``,
``số điện thoại``, ``camera``, ``tổ``). Every problem names the file, the row as the
spreadsheet shows it, the column and what to do; names and phones are never quoted.
"""

from __future__ import annotations

import csv
import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from covplan._errors import InputError, Problem
from covplan.survey import parse_phone
from covplan.vocab.watch import ROLE_ALIASES

__all__ = ["Officer", "PlanCameras", "read_officers", "read_plan_cameras"]

_HEADERS: dict[str, tuple[str, ...]] = {
    "officer_id": ("officer_id", "id", "mã cán bộ", "ma can bo", "mã", "user"),
    "name": ("name", "họ tên", "ho ten", "họ và tên", "tên"),
    "role": ("role", "chức vụ", "chuc vu", "vai trò", "vai tro"),
    "unit": ("unit", "đơn vị", "don vi"),
    "phone": ("phone", "số điện thoại", "so dien thoai", "điện thoại", "sđt"),
    "cameras": ("cameras", "camera", "mã camera", "ma camera"),
    "groups": ("groups", "group", "tổ", "to", "tổ dân phố", "mã tổ"),
}
_REQUIRED = ("officer_id", "role", "name")


def _key(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).strip().lower().split())


def _role(text: str) -> str | None:
    k = _key(text)
    for role, aliases in ROLE_ALIASES.items():
        if k in {_key(a) for a in aliases}:
            return role
    return None


@dataclass(frozen=True)
class Officer:
    """One officer of the officers file.

    Attributes
    ----------
    officer_id
        Short id, also the stream-server user name.
    name, phone
        Private: never written to a configuration, status page or log.
    role
        ``chi_huy``, ``cskv`` or ``trinh_sat``.
    unit
        The officer's unit.
    cameras, groups
        Camera codes and residential-group ids granted.
    row
        The row in the file (header is row 1).
    """

    officer_id: str
    name: str
    role: str
    unit: str
    phone: str | None
    cameras: tuple[str, ...]
    groups: tuple[str, ...]
    row: int


@dataclass(frozen=True)
class PlanCameras:
    """The cameras of a plan folder, for the sheets and the server configuration.

    Attributes
    ----------
    cameras
        One row per camera code: ``code``, ``role`` (new, reaim, keep), ``group_id``,
        ``group_name``, ``route_name``, ``location``, ``lat``, ``lon``,
        ``retention_days`` (survey value for residents' cameras, else None).
    routes
        The plan's route segments (EPSG:4326), for the small maps.
    retention_days
        The retention the plan asks for.
    """

    cameras: pd.DataFrame
    routes: gpd.GeoDataFrame
    retention_days: int


def read_plan_cameras(plan_dir: str | os.PathLike[str]) -> PlanCameras:
    """Read the cameras (``N01``…, ``R01``…, ``K01``…) of a plan folder (``covplan plan``).

    Parameters
    ----------
    plan_dir
        The plan folder (``plan.gpkg`` and ``summary.json`` are read).

    Returns
    -------
    PlanCameras
        The cameras, the route segments and the plan's retention.
    """
    folder = Path(plan_dir)
    gpkg, summary_path = folder / "plan.gpkg", folder / "summary.json"
    for need in (gpkg, summary_path):
        if not need.is_file():
            msg = f"{need.name} is missing from the plan folder; write the plan with `covplan plan`"
            raise InputError(msg, file=need)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    routes = gpd.read_file(gpkg, layer="routes")
    names = {
        str(g): str(v.get("name") or g)
        for g, v in ((summary.get("coverage") or {}).get("by_group") or {}).items()
    }
    rows: list[dict[str, Any]] = []
    if "new_cameras" in layers:
        new = gpd.read_file(gpkg, layer="new_cameras")
        for r in new.itertuples():
            rows.append(
                {
                    "code": str(r.code),
                    "role": "new",
                    "group_id": str(r.group_id),
                    "group_name": str(r.group_name or names.get(str(r.group_id), r.group_id)),
                    "route_name": str(r.route_name or r.route_id),
                    "location": str(r.location or ""),
                    "lat": float(r.geometry.y),
                    "lon": float(r.geometry.x),
                    "retention_days": None,
                }
            )
    if "existing_cameras" in layers:
        old = gpd.read_file(gpkg, layer="existing_cameras")
        old = old[old["role"].isin(["keep", "reaim"])]
        segs = routes[routes["group_id"].notna()]
        group_of = _nearest_groups(old, segs)
        for r, gid in zip(old.itertuples(), group_of, strict=True):
            days = r.retention_days
            rows.append(
                {
                    "code": str(r.number),
                    "role": str(r.role),
                    "group_id": gid,
                    "group_name": names.get(gid, gid),
                    "route_name": str(r.route_name) if isinstance(r.route_name, str) else "",
                    "location": "",
                    "lat": float(r.geometry.y),
                    "lon": float(r.geometry.x),
                    "retention_days": int(days) if pd.notna(days) else None,
                }
            )
    cams = pd.DataFrame(rows)
    return PlanCameras(cams, routes, int(summary.get("retention_days") or 7))


def _nearest_groups(points: gpd.GeoDataFrame, segs: gpd.GeoDataFrame) -> list[str]:
    if points.empty:
        return []
    crs = segs.estimate_utm_crs()
    pts = gpd.GeoDataFrame(geometry=points.geometry.to_crs(crs).reset_index(drop=True))
    joined = gpd.sjoin_nearest(pts, segs.to_crs(crs)[["group_id", "geometry"]], how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [str(g) for g in joined["group_id"]]


def _read_table(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, dtype=str, header=None, keep_default_na=False)
        except (ValueError, OSError, KeyError) as err:
            msg = f"cannot read the workbook ({type(err).__name__}); save it as .xlsx or .csv"
            raise InputError(msg, file=path) from None
        return [[str(v) for v in row] for row in frame.itertuples(index=False)]
    if suffix not in (".csv", ".txt"):
        msg = "the officers file must be .csv or .xlsx"
        raise InputError(msg, file=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        msg = "the officers file is not UTF-8; save it as CSV UTF-8 (Excel: 'CSV UTF-8')"
        raise InputError(msg, file=path) from None
    first = text.split("\n", 1)[0]
    delim = "," if first.count(",") >= first.count(";") else ";"
    return [row for row in csv.reader(text.splitlines(), delimiter=delim)]


def _columns(header: list[str], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        k = _key(cell)
        for col, aliases in _HEADERS.items():
            if k in {_key(a) for a in aliases} and col not in found:
                found[col] = i
    missing = [c for c in _REQUIRED if c not in found]
    if missing:
        msg = (
            f"the header row lacks {', '.join(missing)}; the columns are officer_id, name, "
            "role, phone, cameras, groups"
        )
        raise InputError(msg, file=path, row=1)
    return found


def _split(cell: str) -> tuple[str, ...]:
    parts = (p.strip() for p in unicodedata.normalize("NFC", cell).replace(",", ";").split(";"))
    return tuple(dict.fromkeys(p for p in parts if p))


@dataclass(frozen=True)
class _Where:
    file: str
    row: int

    def problem(self, message: str, column: str, value: str | None = None) -> Problem:
        return Problem(message, self.file, self.row, column, value or None)


def _check_row(
    v: dict[str, str],
    at: _Where,
    seen: dict[str, int],
    codes: set[str] | None,
    groups: set[str] | None,
) -> Officer | list[Problem]:
    """One officer of a row, or every problem of the row (never quoting a name or phone)."""
    problems: list[Problem] = []
    oid = v.get("officer_id", "")
    if not oid or not all(ch.isalnum() or ch in "-_." for ch in oid):
        msg = "give a short id of letters, digits, '-' or '_' (it is the login name)"
        problems.append(at.problem(msg, "officer_id", oid))
    elif oid.lower() in seen:
        msg = f"officer id repeated (first on row {seen[oid.lower()]}); give each their own"
        problems.append(at.problem(msg, "officer_id", oid))
    else:
        seen[oid.lower()] = at.row
    role = _role(v.get("role", ""))
    if role is None:
        problems.append(
            at.problem("role unknown; write chỉ huy, CSKV or trinh sát", "role", v.get("role"))
        )
    if not v.get("name"):
        problems.append(at.problem("the officer's name is empty; write it", "name"))
    phone = None
    if v.get("phone"):
        try:
            parsed = parse_phone(v["phone"])
            phone = parsed.e164 if parsed else None
        except ValueError:  # never quote the number: it is personal data
            problems.append(at.problem("not a phone number; write it as 0905 123 456", "phone"))
    cams = tuple(c.upper() for c in _split(v.get("cameras", "")))
    grps = _split(v.get("groups", ""))
    for c in cams:
        if codes is not None and c not in codes:
            msg = "camera code not in the plan; use the install list's codes (N01…, R01…, K01…)"
            problems.append(at.problem(msg, "cameras", c))
    for g in grps:
        if groups is not None and g not in groups:
            msg = f"group id not in the plan; use one of {', '.join(sorted(groups))}"
            problems.append(at.problem(msg, "groups", g))
    if problems or role is None:
        return problems
    return Officer(oid, v["name"], role, v.get("unit", ""), phone, cams, grps, at.row)


def read_officers(
    path: str | os.PathLike[str],
    *,
    codes: set[str] | None = None,
    groups: set[str] | None = None,
) -> list[Officer]:
    """Read and check the officers file.

    Parameters
    ----------
    path
        A CSV (UTF-8, with or without BOM; ``,`` or ``;``) or XLSX file.
    codes, groups
        The plan's camera codes and group ids; a code or group not among them is a problem.

    Returns
    -------
    list of Officer
        One per row, in the file's order.

    Raises
    ------
    InputError
        Listing every problem (file, row, column, what to do).
    """
    file = Path(path)
    if not file.is_file():
        msg = "the officers file does not exist; give a CSV or XLSX with one row per officer"
        raise InputError(msg, file=file)
    table = [r for r in _read_table(file)]
    if not table:
        msg = "the officers file is empty; the first row names the columns"
        raise InputError(msg, file=file)
    cols = _columns(table[0], file)
    problems: list[Problem] = []
    out: list[Officer] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(table[1:], start=2):
        if not any(str(v).strip() for v in row):
            continue
        values = {
            col: unicodedata.normalize("NFC", row[i]).strip() if i < len(row) else ""
            for col, i in cols.items()
        }
        found = _check_row(values, _Where(str(file), n), seen, codes, groups)
        if isinstance(found, Officer):
            out.append(found)
        else:
            problems += found
    if problems:
        raise InputError(problems=problems)
    return out
