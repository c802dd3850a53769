"""The blank survey form: an XLSX sheet and a KoboToolbox/ODK XLSForm, in Vietnamese and English.

Both carry exactly the register's fields with the names :func:`read_survey` reads,
so the next survey arrives clean: the sheet has drop-down lists for the fixed
answers and text cells for phones and house numbers; the XLSForm checks ranges on
the phone and uses a geopoint for the position.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from covplan import settings
from covplan._errors import InputError
from covplan._io import atomic_path
from covplan.survey.schema import ADJUSTABLE, OWNER_KINDS, STATUSES
from covplan.vocab import survey_header, survey_value

__all__ = ["FORM_FIELDS", "write_template"]

logger = logging.getLogger(__name__)

#: (field, English label, Vietnamese help, English help) of the field sheet.
FORM_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("camera_id", "Camera ID", "Mã riêng cho mỗi camera, ví dụ C01", "One id per camera, e.g. C01"),
    ("owner_name", "Owner name", "Chủ hộ hoặc người đại diện", "Owner or representative"),
    ("role", "Role", "Vai trò: chủ hộ, quản lý, hiệu trưởng…", "Owner, manager, headteacher…"),
    (
        "owner_kind",
        "Owner kind",
        "hộ gia đình, cơ sở kinh doanh, cơ quan, trường học, công cộng",
        "household, business, agency, school, public",
    ),
    ("phone", "Phone", "Số điện thoại 10 số, ví dụ 0905 123 456", "10-digit phone"),
    ("address", "Address", "Số nhà, kiệt/hẻm, đường", "House number, alley, street"),
    ("lat", "Latitude", "Vĩ độ (độ thập phân), ví dụ 16.4712", "Decimal degrees"),
    ("lon", "Longitude", "Kinh độ (độ thập phân), ví dụ 107.5923", "Decimal degrees"),
    (
        "heading_deg",
        "Heading",
        "Hướng camera: độ theo chiều kim đồng hồ từ hướng Bắc (0–360), hoặc ĐB, Nam…",
        "Degrees clockwise from north (0–360), or N, NE…",
    ),
    ("hfov_deg", "Field of view", "Góc nhìn ngang (độ), ví dụ 90", "Horizontal angle, degrees"),
    ("resolution_px", "Resolution", "Độ phân giải ngang, ví dụ 1920 hoặc 2MP", "e.g. 1920, 2MP"),
    ("mount_height_m", "Mount height", "Độ cao lắp (m), ví dụ 3", "Metres above the ground"),
    ("tilt_deg", "Tilt", "Góc cúi xuống (độ), ví dụ 10", "Downward tilt, degrees"),
    ("retention_days", "Retention days", "Số ngày đầu ghi lưu hình", "Days of footage kept"),
    ("is_ip", "IP camera", "Camera IP (xem qua mạng)?", "Network (IP) camera?"),
    ("participates", "Participates", "Chủ hộ đồng ý tham gia?", "Owner takes part?"),
    ("adjustable", "May re-aim", "Cho phép chỉnh hướng?", "May the camera be re-aimed?"),
    ("status", "Status", "Để trống: đã khảo sát", "Leave empty: surveyed"),
)

_CHOICES: dict[str, list[str]] = {
    "owner_kind": list(OWNER_KINDS),
    "is_ip": ["yes", "no"],
    "participates": ["yes", "no"],
    "adjustable": list(ADJUSTABLE),
    "status": list(STATUSES),
}


def _write_sheet(path: Path, lang: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "cameras"
    guide = wb.create_sheet("hướng dẫn" if lang == "vi" else "guide")
    guide.append(["Cột", "Hướng dẫn"] if lang == "vi" else ["Column", "Guide"])
    for j, (field, _en, vi_help, en_help) in enumerate(FORM_FIELDS, start=1):
        label = survey_header(field, lang)
        cell = ws.cell(row=1, column=j, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, len(label) + 2)
        if field not in {"lat", "lon", "heading_deg", "hfov_deg", "mount_height_m", "tilt_deg"}:
            for r in range(2, 501):
                ws.cell(row=r, column=j).number_format = "@"
        if field in _CHOICES:
            options = ",".join(survey_value(field, v, lang) for v in _CHOICES[field])
            dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            dv.error = "Chọn trong danh sách / pick from the list"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}500")
        if lang == "vi":
            guide.append([survey_header(field, "vi"), vi_help])
        else:
            guide.append([field, en_help])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 70
    ws.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _write_xlsform(path: Path) -> None:
    vi, en = "label::Tiếng Việt (vi)", "label::English (en)"
    hvi, hen = "hint::Tiếng Việt (vi)", "hint::English (en)"
    cvi, cen = "constraint_message::Tiếng Việt (vi)", "constraint_message::English (en)"
    cols = ["type", "name", vi, en, hvi, hen, "required", "constraint", cvi, cen, "appearance"]
    cols += ["calculation"]
    rows: list[dict[str, str]] = []
    helps = {f: (vh, eh) for f, _, vh, eh in FORM_FIELDS}
    labels = {f: e for f, e, _, _ in FORM_FIELDS}

    def add(kind: str, field: str, **extra: str) -> None:
        vh, eh = helps.get(field, ("", ""))
        row = {"type": kind, "name": field, vi: survey_header(field)}
        row.update({en: labels.get(field, field), hvi: vh, hen: eh})
        row.update(extra)
        rows.append(row)

    add("text", "camera_id", required="yes")
    add("text", "owner_name")
    add("text", "role")
    add("select_one owner_kind", "owner_kind", required="yes")
    add(
        "text",
        "phone",
        constraint="regex(., '^(0|\\+84)[0-9 .]{8,13}$')",
        **{cvi: "Số điện thoại 10 số bắt đầu bằng 0", cen: "10 digits starting with 0"},
        appearance="numbers",
    )
    add("text", "address", required="yes")
    rows.append(
        {
            "type": "geopoint",
            "name": "location",
            vi: "Vị trí camera",
            en: "Camera position",
            hvi: "Đứng dưới camera, chờ độ chính xác dưới 10 m",
            hen: "Stand below the camera; wait for accuracy under 10 m",
            "required": "yes",
        }
    )
    rng = {
        "heading_deg": ("integer", ". >= 0 and . <= 360"),
        "hfov_deg": ("integer", ". > 0 and . <= 360"),
        "resolution_px": ("integer", ". >= 160 and . <= 16000"),
        "mount_height_m": ("decimal", ". > 0 and . <= 60"),
        "tilt_deg": ("integer", ". >= -90 and . <= 90"),
        "retention_days": ("integer", ". >= 0 and . <= 3650"),
    }
    for field, (kind, constraint) in rng.items():
        add(
            kind,
            field,
            constraint=constraint,
            **{cvi: "Giá trị ngoài khoảng cho phép", cen: "Value out of range"},
        )
    add("select_one yes_no", "is_ip")
    add("select_one yes_no", "participates", required="yes")
    add("select_one yes_no_unknown", "adjustable", required="yes")
    rows.append({"type": "calculate", "name": "status", "calculation": "'surveyed'"})

    choices: list[list[str]] = [["list_name", "name", vi, en]]
    for v in OWNER_KINDS:
        choices.append(["owner_kind", v, survey_value("owner_kind", v), v])
    for v in ("yes", "no"):
        choices.append(["yes_no", v, survey_value("is_ip", v), v])
    for v in ADJUSTABLE:
        choices.append(["yes_no_unknown", v, survey_value("adjustable", v), v])

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    ws.append(cols)
    for row in rows:
        ws.append([row.get(c, "") for c in cols])
    ch = wb.create_sheet("choices")
    for c in choices:
        ch.append(c)
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append(["Khảo sát camera / Camera survey", "covplan_survey", "1", "Tiếng Việt (vi)"])
    with atomic_path(path) as tmp:
        wb.save(tmp)


def write_template(out_dir: str | os.PathLike[str], *, lang: str | None = None) -> dict[str, Path]:
    """Write the blank survey form: an XLSX sheet and a KoboToolbox XLSForm.

    Parameters
    ----------
    out_dir
        Folder to write into (created if needed).
    lang
        Column names of the sheet, ``"vi"`` or ``"en"`` (``settings.lang`` when None);
        the sheet's guide and the XLSForm are in both languages.

    Returns
    -------
    dict
        ``{"sheet": …/survey-form.xlsx, "xlsform": …/survey-xlsform.xlsx}``.

    Raises
    ------
    InputError
        For an unknown language.
    """
    lang = lang or settings.lang
    if lang not in {"vi", "en"}:
        msg = f"lang must be 'vi' or 'en', not {lang!r}"
        raise InputError(msg)
    out = Path(out_dir)
    paths = {"sheet": out / "survey-form.xlsx", "xlsform": out / "survey-xlsform.xlsx"}
    _write_sheet(paths["sheet"], lang)
    _write_xlsform(paths["xlsform"])
    logger.info("wrote the blank survey form to %s", out)
    return paths
