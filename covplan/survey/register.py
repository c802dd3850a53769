"""Outreach status updates on a register file: set a camera's status, record a verification.

The plan (camera agreed, adjusted) and the picture checks (verified) update the very
file the ward keeps, in place: only the camera's status cell changes, every other cell,
sheet and format is kept, and the file is replaced atomically. Verification records go
to a ``verifications`` sheet of an XLSX register, or to ``<stem>.verifications.csv``
(UTF-8 with BOM) beside a CSV register.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl

from covplan._errors import InputError
from covplan._io import atomic_path, atomic_write_text
from covplan._redact import redact_urls_in
from covplan._text import csv_text, inert_xlsx, revive_cell
from covplan.survey import parse as P  # noqa: N812
from covplan.survey._sheets import camera_sheet, decode, delimiter, find_header
from covplan.survey.schema import canonical_field, unaccent
from covplan.vocab import survey_header, survey_value
from covplan.vocab.messages import current_lang, message

__all__ = ["record_verification", "set_status", "verifications_path"]

logger = logging.getLogger(__name__)

VERIFICATION_SHEET = "verifications"


def verifications_path(path: str | os.PathLike[str]) -> Path:
    """Return the sibling file of a CSV register's verification records.

    Parameters
    ----------
    path
        A CSV register.

    Returns
    -------
    pathlib.Path
        ``<stem>.verifications.csv`` beside it.
    """
    p = Path(path)
    return p.with_name(f"{p.stem}.verifications.csv")


def _status_value(status: str) -> str:
    try:
        return P.parse_status(P.text(status))
    except ValueError as err:
        raise InputError(P.cell_text(err, current_lang()), column="status", value=status) from None


def _label(header: str, status: str) -> str:
    """Write the status in the header's language."""
    vi = unaccent(header) != header or header == survey_header("status")
    return survey_value("status", status, "vi" if vi else "en")


def _locate(file: str, grid: list[list[Any]], camera_id: str) -> tuple[int, int, int | None, int]:
    """Return (header row index, id column, status column or None, camera row index)."""
    numbered = [(i + 1, r) for i, r in enumerate(grid)]
    h = find_header(numbered)
    header = [P.text(v) for v in grid[h]] if grid else []
    fields = [canonical_field(x) if x else None for x in header]
    if "camera_id" not in fields:
        msg = message("survey.no_id_column")
        raise InputError(msg, file=file)
    id_col = fields.index("camera_id")
    st_col = fields.index("status") if "status" in fields else None
    want = P.text(camera_id)
    for i in range(h + 1, len(grid)):
        row = grid[i]
        if id_col < len(row) and P.text(row[id_col]) == want:
            return h, id_col, st_col, i
    msg = message("survey.not_in_register")
    raise InputError(msg, file=file, column=header[id_col], value=camera_id)


# ------------------------------------------------------------------------------------- CSV


class _CsvFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        data = path.read_bytes()
        self.bom = data.startswith(b"\xef\xbb\xbf")
        content = decode(data, str(path))
        self.delim = delimiter(content)
        self.eol = "\r\n" if "\r\n" in content else "\n"
        try:
            self.grid: list[list[Any]] = [
                [revive_cell(v) for v in r]  # the text a defused cell ('=…) was written from
                for r in csv.reader(io.StringIO(content, newline=""), delimiter=self.delim)
            ]
        except csv.Error as err:
            msg = f"is not a valid CSV file ({err})"
            raise InputError(msg, file=path) from None

    def save(self) -> None:
        text = csv_text(self.grid, delimiter=self.delim, eol=self.eol)  # every cell inert
        atomic_write_text(self.path, text, bom=self.bom)


def _set_in_grid(file: str, grid: list[list[Any]], camera_id: str, status: str) -> str:
    h, _, st_col, i = _locate(file, grid, camera_id)
    if st_col is None:
        header = [P.text(v) for v in grid[h]]
        vi = any(unaccent(x) != x for x in header)
        st_col = len(header)
        grid[h] = (
            list(grid[h])
            + [None] * (st_col - len(grid[h]))
            + [survey_header("status", "vi" if vi else "en")]
        )
    row = list(grid[i]) + [""] * max(0, st_col + 1 - len(grid[i]))
    old = P.text(row[st_col])
    row[st_col] = _label(P.text(grid[h][st_col]), status)
    grid[i] = row
    return old


def _record_row(camera_id: str, record: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"camera_id": camera_id}
    time = record.get("time")
    out["time"] = (
        time.isoformat()
        if isinstance(time, datetime)
        else str(time)
        if time
        else datetime.now(UTC).isoformat(timespec="seconds")
    )
    for k, v in record.items():
        if k in {"camera_id", "time"}:
            continue
        if v is None or isinstance(v, bool | int | float | str):
            val: Any = v
        else:
            try:
                val = json.dumps(v, ensure_ascii=False, default=str)
            except (TypeError, ValueError):
                val = str(v)
        if isinstance(val, float) and not math.isfinite(val):
            val = None
        if isinstance(val, str):
            val = redact_urls_in(val)
        out[str(k)] = val
    return out


def _append_csv(path: Path, row: dict[str, Any]) -> None:
    header: list[str] = []
    rows: list[list[str]] = []
    if path.exists():
        existing = _CsvFile(path)
        if existing.grid:
            header = [P.text(x) for x in existing.grid[0]]
            rows = [list(r) for r in existing.grid[1:]]
    for k in row:
        if k not in header:
            header.append(k)
    width = len(header)
    rows = [r + [""] * (width - len(r)) for r in rows]
    rows.append(["" if row.get(k) is None else str(row.get(k)) for k in header])
    atomic_write_text(path, csv_text([header, *rows]), bom=True)  # every cell inert


# ------------------------------------------------------------------------------------ XLSX


def _open_xlsx(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path)
    except Exception as err:  # damaged workbooks raise many kinds
        msg = f"is not a readable XLSX workbook ({type(err).__name__}); save it again from Excel"
        raise InputError(msg, file=path) from None


def _camera_sheet(wb: Any, path: Path) -> Any:
    main = camera_sheet(list(wb.sheetnames))
    if main is None:
        msg = "has no sheet of cameras"
        raise InputError(msg, file=path)
    return wb[main]


def _xlsx_set(path: Path, wb: Any, camera_id: str, status: str) -> str:
    ws = _camera_sheet(wb, path)
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    h, _, st_col, i = _locate(str(path), grid, camera_id)
    if st_col is None:
        header = [P.text(v) for v in grid[h]]
        vi = any(unaccent(x) != x for x in header)
        st_col = max(len(header), ws.max_column)
        ws.cell(row=h + 1, column=st_col + 1, value=survey_header("status", "vi" if vi else "en"))
    cell = ws.cell(row=i + 1, column=st_col + 1)
    old = P.text(cell.value)
    cell.value = _label(P.text(ws.cell(row=h + 1, column=st_col + 1).value), status)
    return old


def _xlsx_append(wb: Any, row: dict[str, Any]) -> None:
    new = VERIFICATION_SHEET not in wb.sheetnames
    ws = wb.create_sheet(VERIFICATION_SHEET) if new else wb[VERIFICATION_SHEET]
    header = [] if new else [P.text(c.value) for c in ws[1]]
    while header and not header[-1]:
        header.pop()
    for k in row:
        if k not in header:
            header.append(k)
            inert_xlsx(ws.cell(row=1, column=len(header), value=k))
    r = ws.max_row + 1
    for j, k in enumerate(header, start=1):
        if k in row:
            cell = inert_xlsx(ws.cell(row=r, column=j, value=row[k]))
            if isinstance(row[k], str):
                cell.number_format = "@"


# ---------------------------------------------------------------------------------- public


def _check_path(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.is_file():
        msg = "does not exist; give the register file the survey was read from"
        raise InputError(msg, file=p)
    if p.suffix.lower() not in {".csv", ".xlsx"}:
        msg = "is not an XLSX or CSV register; keep the register as .xlsx or .csv to update it"
        raise InputError(msg, file=p)
    return p


def set_status(path: str | os.PathLike[str], camera_id: str, status: str) -> None:
    """Set one camera's outreach status in a register file, keeping everything else.

    Parameters
    ----------
    path
        The register (``.xlsx`` or ``.csv``), as read by :func:`read_survey`.
    camera_id
        The camera to update.
    status
        One of surveyed, contacted, agreed, adjusted, verified, declined (or the
        Vietnamese label). Written in the language of the sheet's header.

    Raises
    ------
    InputError
        When the file, the camera or the status is unknown. The file is then untouched.
    """
    p = _check_path(path)
    value = _status_value(status)
    if p.suffix.lower() == ".csv":
        f = _CsvFile(p)
        old = _set_in_grid(str(p), f.grid, camera_id, value)
        f.save()
    else:
        wb = _open_xlsx(p)
        old = _xlsx_set(p, wb, camera_id, value)
        with atomic_path(p) as tmp:
            wb.save(tmp)
    logger.info("%s: camera %s status %s → %s", p.name, camera_id, old or "(none)", value)


def record_verification(
    path: str | os.PathLike[str],
    camera_id: str,
    record: Mapping[str, Any],
    *,
    status: str | None = "verified",
) -> None:
    """Append a verification record for a camera and update its status.

    Parameters
    ----------
    path
        The register (``.xlsx`` or ``.csv``).
    camera_id
        The camera checked.
    record
        What the check found: any keys (``time`` defaults to now, UTC; e.g. verdict,
        px_per_m, sharpness, evidence). Non-scalar values are stored as JSON;
        credentials in URLs are replaced by placeholders.
    status
        The camera's new status (``"verified"``), or None to leave it (a failed check).

    Raises
    ------
    InputError
        When the file, the camera or the status is unknown. Nothing is written then.
    """
    p = _check_path(path)
    value = _status_value(status) if status is not None else None
    row = _record_row(P.text(camera_id), record)
    if p.suffix.lower() == ".csv":
        f = _CsvFile(p)
        _locate(str(p), f.grid, camera_id)  # the camera exists, before anything is written
        _append_csv(verifications_path(p), row)
        if value is not None:
            _set_in_grid(str(p), f.grid, camera_id, value)
            f.save()
    else:
        wb = _open_xlsx(p)
        if value is not None:
            _xlsx_set(p, wb, camera_id, value)
        else:
            ws = _camera_sheet(wb, p)
            _locate(str(p), [list(r) for r in ws.iter_rows(values_only=True)], camera_id)
        _xlsx_append(wb, row)
        with atomic_path(p) as tmp:
            wb.save(tmp)
    logger.info("%s: verification recorded for camera %s", p.name, camera_id)
