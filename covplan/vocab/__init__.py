"""The one vi/en vocabulary: column headers, map labels, values and summary text.

Shared floor: every room that shows words to a planner (export, plan, the notebook explorer,
survey) takes them from here, so one concept has one word in each language: re-aim is
"xoay hướng", adjusted is "đã điều chỉnh", coverage is "tỉ lệ quan sát", a point nobody
sees is "chưa được quan sát", money is "VNĐ".

Every string is NFC-normalised Vietnamese with its diacritics (text typed on different
keyboards compares unequal otherwise). Compass words name a heading the way an
installer says it: ``compass_word(45, lang="vi")`` is ``"Đông Bắc"``.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Iterable
from typing import Literal

logger = logging.getLogger(__name__)

__all__ = [
    "LANGS",
    "campaign_word",
    "compass_word",
    "format_vnd",
    "header",
    "headers",
    "label",
    "translate_value",
]

Lang = Literal["vi", "en"]
LANGS: tuple[str, ...] = ("vi", "en")


def _phrase(entry: dict[str, str] | None, fallback: str, lang: str, fmt: dict[str, object]) -> str:
    """Return ``entry[lang]`` (else ``fallback``), formatted: the one lookup of every table."""
    _check_lang(lang)
    text = entry[lang] if entry else fallback
    return text.format(**fmt) if fmt else text


def _nfc(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {
        key: {"vi": unicodedata.normalize("NFC", vi), "en": unicodedata.normalize("NFC", en)}
        for key, (vi, en) in table.items()
    }


#: Column headers of the lists (install, re-aim, layers), keyed by the internal column name.
HEADERS: dict[str, dict[str, str]] = _nfc(
    {
        "no": ("STT", "No."),
        "code": ("Mã camera", "Camera code"),
        "site_id": ("Mã vị trí", "Site id"),
        "site_kind": ("Loại vị trí", "Site kind"),
        "lat": ("Vĩ độ", "Latitude"),
        "lon": ("Kinh độ", "Longitude"),
        "route_id": ("Mã tuyến", "Route id"),
        "route_name": ("Tuyến", "Route"),
        "location": ("Vị trí trên tuyến", "Place on the route"),
        "group_id": ("Mã tổ", "Group id"),
        "group_name": ("Tổ dân phố", "Residential group"),
        "mount_height_m": ("Độ cao lắp (m)", "Mounting height (m)"),
        "heading_deg": ("Hướng quay (độ)", "Heading (°)"),
        "compass": ("Hướng quay", "Direction"),
        "spec_id": ("Mã loại camera", "Camera spec id"),
        "spec_name": ("Loại camera", "Camera model"),
        "price_vnd": ("Đơn giá (VNĐ)", "Price (VND)"),
        "phase": ("Giai đoạn", "Phase"),
        "mount": ("Giá đỡ", "Mount"),
        "consent": ("Cần ai đồng ý", "Who must agree"),
        "part": ("Mã hạng mục", "Part"),
        "part_label": ("Hạng mục", "Item"),
        "quantity": ("Số lượng", "Quantity"),
        "unit": ("Đơn vị", "Unit"),
        "vnd": ("Số tiền (VNĐ)", "Amount (VND)"),
        "share": ("Tỉ lệ", "Share"),
        "note": ("Ghi chú", "Note"),
        "scenario": ("Phương án", "Scenario"),
        "level_along": ("Mức dọc kiệt", "Level along alleys"),
        "camera_class": ("Loại camera", "Camera class"),
        "budget_vnd": ("Ngân sách (VNĐ)", "Budget (VND)"),
        "new_cameras": ("Camera lắp mới", "New cameras"),
        "camera_vnd": ("Tiền camera (VNĐ)", "Cameras alone (VND)"),
        "share_seen": ("Tỉ lệ quan sát", "Share seen"),
        "routes_complete": ("Tuyến quan sát đủ", "Routes fully seen"),
        "proven": ("Đã chứng minh ít nhất", "Proven fewest"),
        "pareto": ("Trên đường biên Pareto", "On the Pareto front"),
        "range_m": ("Tầm nhìn (m)", "Range (m)"),
        "camera_id": ("Mã camera khảo sát", "Surveyed camera id"),
        "owner_id": ("Mã chủ camera (bí danh)", "Owner (pseudonym)"),
        "owner_kind": ("Loại chủ", "Owner kind"),
        "address": ("Địa chỉ", "Address"),
        "heading_now_deg": ("Hướng hiện tại (độ)", "Current heading (°)"),
        "compass_now": ("Hướng hiện tại", "Current direction"),
        "heading_new_deg": ("Hướng mới (độ)", "New heading (°)"),
        "compass_new": ("Hướng mới", "New direction"),
        "turn_deg": ("Xoay thêm (độ, + theo chiều kim đồng hồ)", "Turn (°, + clockwise)"),
        "retention_days": ("Số ngày lưu hình", "Retention (days)"),
        "status": ("Trạng thái", "Status"),
        "name": ("Họ tên", "Name"),
        "role": ("Vai trò", "Role"),
        "phone": ("Số điện thoại", "Phone"),
        "contact_address": ("Địa chỉ liên hệ", "Contact address"),
        "segment_id": ("Mã đoạn", "Segment id"),
        "kind": ("Loại", "Kind"),
        "length_m": ("Chiều dài (m)", "Length (m)"),
        "n_targets": ("Số điểm kiểm tra", "Check points"),
        "n_seen": ("Số điểm được quan sát", "Points seen"),
        "coverage": ("Tỉ lệ quan sát", "Coverage"),
        "coverage_class": ("Mức quan sát", "Coverage class"),
        "target_id": ("Mã điểm", "Point id"),
        "k_required": ("Số camera cần", "Cameras needed"),
        "cover_count": ("Số camera thấy", "Cameras seeing it"),
        "level": ("Mức DORI", "DORI level"),
        "source": ("Nguồn", "Source"),
        "number": ("Số hiệu", "Number"),
        "hfov_deg": ("Góc nhìn ngang (độ)", "Horizontal FOV (°)"),
        "cost_vnd": ("Chi phí trọn gói (VNĐ)", "Whole cost (VND)"),
        # -- find the spot (covplan.export.place, issue 13)
        "near": ("Gần nhà số / công trình", "Nearest house or landmark"),
        "mount_place": ("Gắn lên", "Mounted on"),
        "heading_arrow": ("Mũi tên hướng", "Heading arrow"),
        "arrow_now": ("Mũi tên hiện tại", "Arrow now"),
        "arrow_new": ("Mũi tên mới", "New arrow"),
        "map_geo": ("Liên kết geo: (điện thoại)", "geo: link (phone)"),
        "map_osm": ("Bản đồ OpenStreetMap", "OpenStreetMap"),
        "map_google": ("Bản đồ Google", "Google Maps"),
        "place": ("Vị trí", "Where"),
        # -- work sheets and outreach lists (covplan.export.worksheets / outreach, issue 13)
        "what_to_do": ("Việc cần làm", "What to do"),
        "installed": ("Đã lắp", "Installed"),
        "checked": ("Đã kiểm tra hình", "Picture checked"),
        "notes": ("Ghi chú", "Notes"),
        "visit_kind": ("Loại việc", "Visit"),
        "ask": ("Việc cần hỏi", "What to ask"),
        "direction_now": ("Hướng hiện tại", "Direction now"),
        "direction_wanted": ("Hướng cần", "Direction wanted"),
        "done": ("Đã đến", "Visited"),
    }
)

#: Map labels, summary text and other phrases.
LABELS: dict[str, dict[str, str]] = _nfc(
    {
        "ward_map": ("Bản đồ camera an ninh toàn phường", "Ward security-camera map"),
        "route_map": ("Sơ đồ tuyến", "Route map"),
        "group_map": ("Sơ đồ tổ dân phố", "Residential group map"),
        "route_atlas": ("Sơ đồ tuyến", "Route atlas"),
        "ward_routes": ("Các tuyến của phường", "Routes of the ward"),
        "buildings": ("Nhà", "Buildings"),
        "route": ("Tuyến", "Route"),
        "routes": ("Tuyến", "Routes"),
        "other_routes": ("Tuyến khác", "Other routes"),
        "covered": ("Được quan sát đủ", "Fully seen"),
        "partial": ("Quan sát một phần", "Partly seen"),
        "uncovered": ("Chưa được quan sát", "Not seen"),
        "not_planned": ("Không nằm trong kế hoạch", "Not planned"),
        "new_camera": ("Camera lắp mới", "New camera"),
        "reaim_camera": ("Camera cần xoay hướng", "Camera to re-aim"),
        "keep_camera": ("Camera giữ nguyên", "Camera kept as is"),
        "unused_camera": ("Camera hiện có (không dùng)", "Existing camera (not used)"),
        "unseen_target": ("Điểm chưa được quan sát", "Point left unseen"),
        "view_cone": ("Vùng nhìn", "View cone"),
        "north": ("B", "N"),
        "scale": ("Tỉ lệ", "Scale"),
        "synthetic": ("Dữ liệu mô phỏng (phường giả lập)", "Synthetic data (demo ward)"),
        "osm_credit": ("© Những người đóng góp OpenStreetMap", "© OpenStreetMap contributors"),
        "coverage": ("Tỉ lệ quan sát", "Coverage"),
        "group": ("Tổ dân phố", "Residential group"),
        "no_group": ("Chưa thuộc tổ", "No group"),
        "length": ("Chiều dài", "Length"),
        "cameras_on_page": ("Camera trên trang", "Cameras on this page"),
        "page": ("Trang", "Page"),
        "summary_title": ("Kết quả lập kế hoạch camera", "Camera plan summary"),
        "new_cameras": ("Camera lắp mới", "New cameras"),
        "reaimed_cameras": ("Camera cần xoay hướng", "Cameras to re-aim"),
        "kept_cameras": ("Camera giữ nguyên", "Cameras kept as they are"),
        "cost_vnd": ("Chi phí trọn gói (VNĐ)", "Whole cost (VND)"),
        "coverage_overall": ("Tỉ lệ quan sát chung", "Overall coverage"),
        "coverage_by_group": ("Tỉ lệ quan sát theo tổ", "Coverage by group"),
        "bound": ("Số camera mới ít nhất có thể", "Fewest new cameras possible"),
        "gap": ("Mức chênh so với tối ưu", "Distance from the optimum"),
        "greedy_cameras": ("Số camera theo thuật toán tham lam", "Cameras in the greedy plan"),
        "seconds": ("Thời gian từng bước (giây)", "Seconds per stage"),
        "outputs": ("Các tệp kết quả", "Output files"),
        "unseen_targets": ("Điểm chưa được quan sát", "Points left unseen"),
        "phase": ("Giai đoạn", "Phase"),
        "install_sheet": ("Danh sách lắp mới", "Install list"),
        "reaim_sheet": ("Danh sách xoay hướng", "Re-aim list"),
        "new_cameras_layer": ("Camera lắp mới", "New cameras"),
        "existing_cameras_layer": ("Camera hiện có", "Existing cameras"),
        "view_cones_layer": ("Vùng nhìn", "View cones"),
        "routes_layer": ("Tuyến (mức quan sát)", "Routes (coverage)"),
        "unseen_layer": ("Điểm chưa được quan sát", "Points left unseen"),
        "from_start": ("cách đầu tuyến {m} m", "{m} m from the route's start"),
        "heading": ("Hướng", "Heading"),
        "spec": ("Loại camera", "Camera model"),
        "price": ("Đơn giá", "Price"),
        "mount_height": ("Độ cao lắp", "Mounting height"),
        "address": ("Địa chỉ", "Address"),
        "owner": ("Chủ camera (bí danh)", "Owner (pseudonym)"),
        "turn_from": ("Xoay từ", "Turn from"),
        "to": ("sang", "to"),
        "retention": ("Lưu hình", "Retention"),
        "days": ("ngày", "days"),
        "tiles_offline": (
            "Không tải được thư viện bản đồ (máy không có mạng): đây là ảnh bản đồ tĩnh.",
            "The web-map library could not load (offline): this is the static map.",
        ),
        # ---- area realism: the map-quality report (covplan.area.quality, issue 12)
        "map_quality_poor": (
            "Bản đồ còn thiếu nhà: chỉ {share}% chiều dài tuyến có nhà được vẽ trong vòng {m} m. "
            "Tầm nhìn camera có thể bị tính dư; hãy bổ sung nhà trên OpenStreetMap "
            "hoặc kiểm tra tại chỗ.",
            "The map lacks houses: only {share}% of the planned route length has a mapped "
            "building within {m} m. Camera views may be overstated; add buildings to "
            "OpenStreetMap or check on site.",
        ),
        "map_quality_partial": (
            "Bản đồ mới có một phần nhà: {share}% chiều dài tuyến có nhà được vẽ trong vòng {m} m. "
            "Hãy kiểm tra tầm nhìn tại chỗ ở những đoạn chưa có nhà.",
            "Houses are partly mapped: {share}% of the planned route length has a mapped "
            "building within {m} m. Check views on site where no house is mapped.",
        ),
        "map_quality_unnamed": (
            "Tuyến trong kế hoạch chưa có tên: {n} ({km} km); hãy ghi tên kiệt, hẻm "
            "để lập sơ đồ tuyến.",
            "Planned routes without a name: {n} ({km} km); name the alleys to draw route maps.",
        ),
        "map_quality_no_width": (
            "{share}% chiều dài tuyến không có độ rộng trên bản đồ; dùng độ rộng mặc định "
            "theo loại tuyến.",
            "{share}% of the planned route length has no width on the map; default widths "
            "by route kind are used.",
        ),
        "map_quality_service": (
            "Không đưa vào kế hoạch {km} km đường nội bộ ({kinds}); nạp lại với "
            "minor_ways=True nếu cần.",
            "{km} km of service ways ({kinds}) are left out of the plan; load with "
            "minor_ways=True to plan them.",
        ),
        "map_quality_footway": (
            "{km} km vỉa hè và lối qua đường được tính theo tuyến đường chính, không lập riêng.",
            "{km} km of sidewalks and crossings count with their street, not as routes.",
        ),
        "map_quality_park": (
            "Không đưa vào kế hoạch {km} km lối đi trong công viên.",
            "{km} km of paths inside parks are left out of the plan.",
        ),
        "map_quality_private": (
            "Không đưa vào kế hoạch {km} km đường riêng (access=private/no).",
            "{km} km of private ways (access=private/no) are left out of the plan.",
        ),
        "map_quality_no_open_space": (
            "Bản đồ không có công viên, quảng trường hay bãi xe: tầm nhìn chỉ tính "
            "trong lòng đường.",
            "The map has no parks, squares or parking: views are limited to the street corridor.",
        ),
        # ---- the planning pipeline and the notebook explorer
        # -- plans a ward would adopt (issue 12): whole cost, phases, trade-offs
        "cost_parts_title": ("Chi phí theo hạng mục", "Cost by part"),
        "map_trust_title": ("Độ đầy đủ của bản đồ", "How complete the map is"),
        "cameras_left_out": (
            "Camera trong sổ ở quá xa mọi tuyến, không đưa vào tính toán",
            "Register cameras too far from every route, left out of the model",
        ),
        "verdict_good": ("tốt", "good"),
        "verdict_partial": ("một phần", "partial"),
        "verdict_poor": ("kém", "poor"),
        "monthly_vnd": ("Chi phí hằng tháng (điện, SIM 4G)", "Monthly cost (power, 4G SIM)"),
        "mounts_title": ("Giá đỡ camera mới", "Mounts of the new cameras"),
        "consent_title": ("Cần được đồng ý", "Agreement needed"),
        "retention_days_text": ("Lưu hình {days} ngày", "{days} days of recording"),
        "phases_title": ("Giai đoạn triển khai", "Roll-out phases"),
        "phase_pilot": ("Thí điểm", "Pilot"),
        "phase_1": ("Giai đoạn 1", "Phase 1"),
        "phase_2": ("Giai đoạn 2", "Phase 2"),
        "pilot_route": ("Kiệt thí điểm", "Pilot alley"),
        "phase_extra": (
            "Camera thêm do chia giai đoạn so với kế hoạch chung",
            "Cameras phasing adds over the unphased plan",
        ),
        "phase_group_line": (
            "{group} — {phase}: {routes} tuyến, {cameras} camera, cần góp {vnd}",
            "{group} — {phase}: {routes} routes, {cameras} cameras, to raise {vnd}",
        ),
        "budget": ("Ngân sách", "Budget"),
        "budget_done": (
            "Tuyến hoàn thành trọn trong ngân sách",
            "Routes finished whole within the budget",
        ),
        "budget_spent": ("Đã dùng {spent}, còn {left}", "Spent {spent}, {left} left"),
        "pareto_title": ("Các phương án để so sánh", "Scenarios to compare"),
        "pareto_level": ("Mức dọc kiệt", "Level along alleys"),
        "pareto_class": ("Loại camera", "Camera class"),
        "pareto_front": (
            "không phương án nào khác tốt hơn ở mọi mặt (đường biên Pareto)",
            "no other scenario is better on every count (the Pareto front)",
        ),
        "level_detect": ("phát hiện", "detect"),
        "level_observe": ("quan sát", "observe"),
        "level_recognise": ("nhận biết", "recognise"),
        "level_identify": ("nhận dạng", "identify"),
        "class_ordinary": ("thường (2–4 MP)", "ordinary (2–4 MP)"),
        "class_all": ("cả danh mục", "whole catalogue"),
        "demo_ward_name": ("Phường mẫu (dữ liệu giả lập)", "Demo ward (synthetic data)"),
        "proven_optimal": ("đã chứng minh là ít nhất", "proven the fewest"),
        "pinned_site": ("Vị trí ghim", "Pinned sites"),
        "forbidden_site": ("Vị trí cấm", "Forbidden sites"),
        "stage_targets": ("điểm cần quan sát", "route points"),
        "stage_sites": ("vị trí lắp", "candidate sites"),
        "stage_poses": ("hướng đặt camera", "camera poses"),
        "stage_coverage": ("tầm nhìn", "what each pose sees"),
        "stage_solve": ("tối ưu", "optimising"),
        "stage_greedy": ("so sánh tham lam", "greedy comparison"),
        "stage_lists": ("danh sách", "lists"),
    }
)

#: Values shown in cells and legends (site kinds, route kinds, roles, statuses, levels).
VALUES: dict[str, dict[str, str]] = _nfc(
    {
        # site kinds
        "pole": ("cột điện", "pole"),
        "power_pole": ("cột điện", "power pole"),
        "street_lamp": ("cột đèn", "street lamp"),
        "alley_end": ("đầu/cuối kiệt", "alley end"),
        "intersection": ("ngã ba, ngã tư", "intersection"),
        "edge": ("mép đường", "roadside"),
        "filler": ("giữa tuyến", "along the route"),
        "bend": ("chỗ rẽ", "bend"),
        "wall": ("tường nhà", "house wall"),
        "gate": ("cổng, hàng rào cơ quan", "gate or fence"),
        "new_pole": ("cột thép mới", "new steel pole"),
        # roll-out phases
        "pilot": ("Thí điểm", "Pilot"),
        "phase_1": ("Giai đoạn 1", "Phase 1"),
        "phase_2": ("Giai đoạn 2", "Phase 2"),
        # route kinds
        "street": ("đường", "street"),
        "alley": ("kiệt/hẻm", "alley"),
        "lane": ("ngách", "branch alley"),
        "path": ("lối đi", "path"),
        # pose sources / roles
        "new": ("lắp mới", "new"),
        "reaim": ("xoay hướng", "re-aim"),
        "keep": ("giữ nguyên", "keep"),
        "unused": ("không dùng", "not used"),
        # owner kinds
        "household": ("hộ gia đình", "household"),
        "business": ("cơ sở kinh doanh", "business"),
        "agency": ("cơ quan", "agency"),
        "school": ("trường học", "school"),
        "public": ("công cộng", "public"),
        # statuses
        "surveyed": ("đã khảo sát", "surveyed"),
        "contacted": ("đã liên hệ", "contacted"),
        "agreed": ("đã đồng ý", "agreed"),
        "adjusted": ("đã điều chỉnh", "adjusted"),
        "verified": ("đã kiểm tra hình", "verified"),
        "declined": ("từ chối", "declined"),
        # coverage classes
        "covered": ("đủ", "covered"),
        "partial": ("một phần", "partial"),
        "uncovered": ("chưa được quan sát", "not seen"),
        "not_planned": ("ngoài kế hoạch", "not planned"),
        # DORI levels
        "detect": ("phát hiện", "detect"),
        "observe": ("quan sát", "observe"),
        "recognise": ("nhận biết", "recognise"),
        "identify": ("nhận dạng", "identify"),
        # target kinds
        "along": ("dọc tuyến", "along the route"),
        "end": ("đầu/cuối kiệt", "alley end"),
    }
)

# ---- survey register
# The words covplan *writes* in the camera register (covplan.survey): the sheet's column
# headers and the values of its fixed answers. Statuses and owner kinds are the VALUES
# above (one wording everywhere). What people *type* is parsed by the survey's own
# synonyms (covplan.survey.parse). In English the headers are the register's field names.

#: Column headers of the survey register sheet and its blank form, keyed by field name.
SURVEY_HEADERS: dict[str, dict[str, str]] = _nfc(
    {
        "camera_id": ("Mã camera", "camera_id"),
        "owner_id": ("Mã chủ (ẩn danh)", "owner_id"),
        "owner_name": ("Chủ hộ", "owner_name"),
        "role": ("Vai trò", "role"),
        "owner_kind": ("Loại chủ", "owner_kind"),
        "phone": ("Điện thoại", "phone"),
        "address": ("Địa chỉ", "address"),
        "contact_address": ("Địa chỉ liên hệ", "contact_address"),
        "lat": ("Vĩ độ", "lat"),
        "lon": ("Kinh độ", "lon"),
        "heading_deg": ("Hướng", "heading_deg"),
        "heading_min_deg": ("Hướng từ", "heading_min_deg"),
        "heading_max_deg": ("Hướng đến", "heading_max_deg"),
        "hfov_deg": ("Góc nhìn", "hfov_deg"),
        "resolution_px": ("Độ phân giải", "resolution_px"),
        "mount_height_m": ("Độ cao lắp", "mount_height_m"),
        "tilt_deg": ("Góc nghiêng", "tilt_deg"),
        "retention_days": ("Số ngày lưu", "retention_days"),
        "is_ip": ("Camera IP", "is_ip"),
        "participates": ("Tham gia", "participates"),
        "adjustable": ("Cho phép chỉnh hướng", "adjustable"),
        "status": ("Trạng thái", "status"),
        "stream_url": ("Đường dẫn luồng", "stream_url"),
    }
)

_YES_NO = _nfc({"yes": ("có", "yes"), "no": ("không", "no")})
_SURVEY_STATUSES = ("surveyed", "contacted", "agreed", "adjusted", "verified", "declined")
_SURVEY_OWNER_KINDS = ("household", "business", "agency", "school", "public")

#: Values of the register's fixed answers, keyed by field name, then by the stored value.
SURVEY_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "owner_kind": {k: VALUES[k] for k in _SURVEY_OWNER_KINDS},
    "status": {k: VALUES[k] for k in _SURVEY_STATUSES},
    "adjustable": {**_YES_NO, **_nfc({"unknown": ("chưa rõ", "unknown")})},
    "is_ip": _YES_NO,
    "participates": _YES_NO,
}


def survey_header(field: str, lang: str = "vi") -> str:
    """Return the survey register's column header for a field (the field itself when unknown).

    Parameters
    ----------
    field
        A register field, e.g. ``"heading_deg"``.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        The header covplan writes.
    """
    _check_lang(lang)
    entry = SURVEY_HEADERS.get(field)
    return entry[lang] if entry else field


def survey_value(field: str, value: str, lang: str = "vi") -> str:
    """Return a register value as covplan writes it (the value itself when not a fixed answer).

    Parameters
    ----------
    field
        The register field: owner_kind, status, adjustable, is_ip or participates.
    value
        The stored value, e.g. ``"adjusted"``.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        The word, e.g. ``"đã điều chỉnh"``.
    """
    _check_lang(lang)
    entry = SURVEY_VALUES.get(field, {}).get(value)
    return entry[lang] if entry else value


# ---- whole-cost bill (covplan.camera.costs)
# The words of the itemised bill a ward meeting reads: the parts of the bill, the mount
# kinds, who must agree to a mount, how a camera is connected and powered, the units and
# the notes. Mount kinds and consent parties that are already VALUES keep their word.

#: Words of the cost model, keyed by group (part, mount_kind, consent, connectivity, power,
#: unit, text), then by key.
COST_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "part": _nfc(
        {
            "camera": ("Camera", "Camera"),
            "mount": ("Vị trí lắp (giá đỡ, cột)", "Mount (bracket, pole)"),
            "cable": ("Dây cáp", "Cable"),
            "power": ("Nguồn điện", "Power supply"),
            "labour": ("Công lắp đặt và cài đặt camera", "Camera installation and set-up"),
            "storage": ("Lưu hình (thẻ nhớ, đầu ghi)", "Storage (microSD card, recorder)"),
            "connectivity": ("Kết nối mạng", "Network connection"),
            "reaim": ("Xoay hướng camera hiện có", "Re-aim existing cameras"),
            "electricity": ("Tiền điện", "Electricity"),
        }
    ),
    "mount_kind": {
        "pole": VALUES["pole"],
        "street_lamp": VALUES["street_lamp"],
        "wall": VALUES["wall"],
        "gate": VALUES["gate"],
        "new_pole": VALUES["new_pole"],
    },
    "consent": {
        "household": VALUES["household"],
        "agency": VALUES["agency"],
        **_nfc(
            {
                "power_company": ("điện lực", "power company"),
                "ward": ("UBND phường", "ward committee"),
                "none": ("không cần ai", "nobody"),
            }
        ),
    },
    "connectivity": _nfc(
        {
            "wifi": ("mạng Wi-Fi của hộ gia đình", "the household's Wi-Fi/router"),
            "4g": ("bộ phát 4G + SIM", "4G router + SIM"),
        }
    ),
    "power": _nfc(
        {
            "poe": ("bộ cấp nguồn PoE", "PoE injector"),
            "adapter": ("nguồn 12 V", "12 V adapter"),
        }
    ),
    "unit": _nfc(
        {
            "camera": ("camera", "camera"),
            "mount": ("vị trí", "mount"),
            "m": ("m", "m"),
            "item": ("bộ", "item"),
            "visit": ("lần", "visit"),
            "month": ("tháng", "month"),
        }
    ),
    "text": _nfc(
        {
            "part": ("Hạng mục", "Item"),
            "quantity": ("Số lượng", "Quantity"),
            "unit": ("Đơn vị", "Unit"),
            "share": ("Tỉ trọng", "Share"),
            "note": ("Ghi chú", "Note"),
            "total": ("Tổng cộng", "Total"),
            "one_off": ("Chi phí một lần", "One-off cost"),
            "monthly": ("Chi phí hằng tháng", "Monthly cost"),
            "must_agree": ("cần {who} đồng ý", "the {who} must agree"),
            "card": ("thẻ nhớ {gb} GB", "{gb} GB microSD card"),
            "recorder": (
                "đầu ghi: cần {gb} GB/camera cho {days} ngày, quá thẻ {max_gb} GB",
                "recorder: {gb} GB per camera for {days} days is more than a {max_gb} GB card",
            ),
            "visits": ("{n} lần × {vnd} VNĐ", "{n} visits × {vnd} VND"),
            "estimate": (
                "Giá ước tính, cần thay bằng báo giá thực tế",
                "Prices are estimates: replace them with real quotes",
            ),
        }
    ),
}


def cost_label(group: str, key: str, lang: str = "vi", **fmt: object) -> str:
    """Return a word of the whole-cost bill (the key itself when unknown).

    Parameters
    ----------
    group
        ``part``, ``mount_kind``, ``consent``, ``connectivity``, ``power``, ``unit`` or ``text``.
    key
        The key in the group, e.g. ``"new_pole"``.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for ``{placeholders}`` in the phrase.

    Returns
    -------
    str
        The word, e.g. ``"cột thép mới"``.
    """
    return _phrase(COST_LABELS.get(group, {}).get(key), key, lang, fmt)


# ---- end of whole-cost bill

# ---- batch of wards (covplan.batch)
# The words of `covplan batch`: its progress lines, its messages and the city summary
# (headers of its XLSX/CSV, its map). Keys are the batch's internal names.

#: Words of the batch of wards and its city summary, keyed by internal name.
BATCH_LABELS: dict[str, dict[str, str]] = _nfc(
    {
        # city summary headers
        "ward": ("Phường", "Ward"),
        "slug": ("Thư mục", "Folder"),
        "status": ("Kết quả", "Result"),
        "error": ("Lỗi", "Error"),
        "new_cameras": ("Camera lắp mới", "New cameras"),
        "reaimed_cameras": ("Camera xoay hướng", "Re-aimed cameras"),
        "kept_cameras": ("Camera giữ nguyên", "Kept cameras"),
        "cost_vnd": ("Tổng chi phí (VNĐ)", "Whole cost (VND)"),
        "monthly_vnd": ("Chi phí hằng tháng (VNĐ)", "Monthly cost (VND)"),
        "share_seen": ("Tỉ lệ quan sát", "Share seen"),
        "targets": ("Điểm cần quan sát", "Route points"),
        "unseen_targets": ("Điểm chưa được quan sát", "Points not seen"),
        "seconds": ("Thời gian (giây)", "Time (s)"),
        "group_id": ("Mã tổ", "Group id"),
        "group_name": ("Tổ dân phố", "Residential group"),
        "n_seen": ("Điểm được quan sát", "Points seen"),
        "total": ("Tổng cộng", "Total"),
        "sheet_wards": ("Các phường", "Wards"),
        "sheet_groups": ("Các tổ dân phố", "Groups"),
        # ward results
        "planned": ("đã lập kế hoạch", "planned"),
        "skipped": ("đã có, bỏ qua", "already planned, skipped"),
        "failed": ("lỗi", "failed"),
        # the city map
        "map_title": ("Kế hoạch camera các phường", "Camera plans of the wards"),
        "map_new": ("camera lắp mới", "new camera"),
        "map_failed": ("phường bị lỗi", "ward that failed"),
        # command-line messages
        "line_ok": (
            "[{done}/{total}] {ward}: {new} camera mới, {reaim} xoay hướng, "
            "{cost} VNĐ, quan sát {seen} ({status}, {seconds:.0f} giây)",
            "[{done}/{total}] {ward}: {new} new cameras, {reaim} re-aimed, "
            "{cost} VND, {seen} seen ({status}, {seconds:.0f} s)",
        ),
        "line_failed": (
            "[{done}/{total}] {ward}: lỗi — {error}",
            "[{done}/{total}] {ward}: failed — {error}",
        ),
        "end": (
            "Xong: {planned} đã lập, {skipped} bỏ qua, {failed} lỗi; tổng {new} camera mới, "
            "{cost} VNĐ → {out}",
            "Done: {planned} planned, {skipped} skipped, {failed} failed; in all {new} new "
            "cameras, {cost} VND → {out}",
        ),
        "rerun": (
            "Sửa các phường bị lỗi rồi chạy lại lệnh: các phường đã xong sẽ được bỏ qua",
            "Fix the wards that failed and run the command again: finished wards are skipped",
        ),
        "not_in_batch": (
            "--{flag} không dùng cho cả lô; ghi vào cột {column} của bảng kê từng phường",
            "--{flag} does not apply to a batch; put it in the manifest's {column} column",
        ),
    }
)


def batch_label(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return a word or message of the batch of wards (the key itself when unknown).

    Parameters
    ----------
    key
        A key of :data:`BATCH_LABELS`, e.g. ``"new_cameras"``.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for ``{placeholders}`` in the phrase.

    Returns
    -------
    str
        The phrase, e.g. ``"Camera lắp mới"``.
    """
    return _phrase(BATCH_LABELS.get(key), key, lang, fmt)


# ---- end of batch of wards

# ---- campaign register (covplan.campaign)
# The words of the roll-out register's reports, workbooks and plots: column headers, sheet
# names, states of the work, kinds of entries and the phrases of the public report. Phases,
# owner kinds and "verified" that are already VALUES keep their word.

#: Words of the campaign register, keyed by internal name.
CAMPAIGN: dict[str, dict[str, str]] = _nfc(
    {
        # column headers
        "code": ("Mã camera", "Camera code"),
        "role": ("Loại việc", "Work"),
        "source_id": ("Mã vị trí/camera khảo sát", "Site or survey camera id"),
        "group_id": ("Mã tổ", "Group id"),
        "group_name": ("Tổ dân phố", "Residential group"),
        "route_id": ("Mã tuyến", "Route id"),
        "route_name": ("Tuyến", "Route"),
        "phase": ("Giai đoạn", "Phase"),
        "owner_id": ("Mã chủ camera (bí danh)", "Owner id (pseudonym)"),
        "spec_id": ("Mã loại camera", "Camera spec id"),
        "cost_vnd": ("Chi phí dự kiến (VNĐ)", "Planned cost (VND)"),
        "planned_vnd": ("Chi phí dự kiến (VNĐ)", "Planned cost (VND)"),
        "paid_vnd": ("Đã chi theo hoá đơn (VNĐ)", "Paid on invoices (VND)"),
        "invoices": ("Hoá đơn", "Invoices"),
        "state": ("Trạng thái", "State"),
        "since": ("Từ ngày", "Since"),
        "lat": ("Vĩ độ", "Latitude"),
        "lon": ("Kinh độ", "Longitude"),
        "household_id": ("Mã hộ (bí danh)", "Household id (pseudonym)"),
        "kind": ("Loại", "Kind"),
        "name": ("Họ tên", "Name"),
        "phone": ("Điện thoại", "Phone"),
        "address": ("Địa chỉ", "Address"),
        "event_id": ("Số thứ tự sự kiện", "Event no."),
        "subject": ("Đối tượng", "Subject"),
        "subject_id": ("Mã đối tượng", "Subject id"),
        "action": ("Việc làm", "Action"),
        "event_date": ("Ngày", "Date"),
        "note": ("Ghi chú", "Note"),
        "recorded_at": ("Thời điểm ghi", "Recorded at"),
        "recorded_by": ("Người ghi", "Recorded by"),
        "decision_id": ("Số quyết định", "Decision no."),
        "decided_on": ("Ngày quyết định", "Decided on"),
        "method": ("Hình thức", "Method"),
        "households_for": ("Số hộ đồng ý", "Households for"),
        "households_total": ("Tổng số hộ", "Households in all"),
        "amount_per_household_vnd": ("Mức đóng góp mỗi hộ (VNĐ)", "Amount per household (VND)"),
        "minutes_ref": ("Số biên bản", "Minutes ref."),
        "adopted": ("Được thông qua", "Adopted"),
        "entry_id": ("Số bút toán", "Entry no."),
        "amount_vnd": ("Số tiền (VNĐ)", "Amount (VND)"),
        "entry_date": ("Ngày", "Date"),
        "receipt_no": ("Số biên lai", "Receipt no."),
        "payer_kind": ("Người đóng góp", "Payer"),
        "collector": ("Người thu", "Collector"),
        "supplier": ("Nhà cung cấp", "Supplier"),
        "invoice_no": ("Số hoá đơn", "Invoice no."),
        "purpose": ("Nội dung chi", "Paid for"),
        "reverses": ("Điều chỉnh bút toán số", "Reverses entry no."),
        "cameras": ("Camera", "Cameras"),
        "due_date": ("Hạn hoàn thành", "Due date"),
        "late": ("Trễ hạn", "Late"),
        "done": ("Đã xong", "Done"),
        "contributed_vnd": ("Đã đóng góp (VNĐ)", "Contributed (VND)"),
        "spent_vnd": ("Đã chi (VNĐ)", "Spent (VND)"),
        "balance_vnd": ("Còn lại (VNĐ)", "Balance (VND)"),
        "routes_planned": ("Số tuyến trong kế hoạch", "Planned routes"),
        "routes_covered": ("Số tuyến đã đủ camera", "Routes fully covered"),
        "routes_covered_share": ("Tỉ lệ tuyến đã đủ camera", "Share of routes covered"),
        "cameras_planned": ("Camera trong kế hoạch", "Cameras planned"),
        "cameras_installed": ("Camera đã lắp/xoay", "Cameras installed or re-aimed"),
        "cameras_verified": ("Camera đã kiểm tra hình", "Cameras verified"),
        "current_phase": ("Giai đoạn hiện tại", "Current phase"),
        "phase_cost_vnd": ("Chi phí đến hết giai đoạn (VNĐ)", "Cost to the end of the phase (VND)"),
        "plan_cost_vnd": ("Tổng chi phí kế hoạch (VNĐ)", "Whole plan cost (VND)"),
        "raised_share": ("Tỉ lệ tiền đã góp", "Share of the money raised"),
        "late_phases": ("Giai đoạn trễ hạn", "Late phases"),
        "date": ("Ngày", "Date"),
        "item": ("Khoản mục", "Item"),
        "value": ("Giá trị", "Value"),
        # sheet names (at most 31 characters)
        "sheet_balances": ("Thu chi theo tổ", "Balances by group"),
        "sheet_cameras": ("Chi phí từng camera", "Cost of each camera"),
        "sheet_ledger": ("Sổ thu chi", "Ledger"),
        "sheet_decisions": ("Quyết định của dân", "Residents' decisions"),
        "sheet_deadlines": ("Thời hạn", "Deadlines"),
        "sheet_progress": ("Tiến độ", "Progress"),
        "sheet_history": ("Diễn biến", "History"),
        "sheet_events": ("Nhật ký công việc", "Work log"),
        "sheet_households": ("Hộ cần vận động", "Households to visit"),
        "sheet_contacts": ("Liên hệ (riêng tư)", "Contacts (private)"),
        "sheet_money": ("Bút toán", "Money entries"),
        "sheet_allocations": ("Phân bổ chi", "Spending by camera"),
        "sheet_summary": ("Tổng hợp", "Summary"),
        "sheet_spending": ("Đã mua gì", "What was bought"),
        "sheet_receipts": ("Tra cứu biên lai", "Receipts"),
        # states of the work and actions
        "to_visit": ("chưa vận động", "to visit"),
        "visited": ("đã vận động", "visited"),
        "agreed": ("đã đồng ý", "agreed"),
        "declined": ("từ chối", "declined"),
        "installed": ("đã lắp", "installed"),
        "reaimed": ("đã xoay hướng", "re-aimed"),
        "verified": ("đã kiểm tra hình", "picture verified"),
        "plan": ("lập kế hoạch", "planned"),
        "visit": ("đến vận động", "visit"),
        "consent": ("trả lời", "answer"),
        "install": ("lắp / xoay", "install / re-aim"),
        "verify": ("kiểm tra hình", "picture check"),
        "check_failed": ("kiểm tra hình chưa đạt", "picture check failed"),
        # kinds of entries and decisions
        "contribution": ("đóng góp", "contribution"),
        "spending": ("chi", "spending"),
        "reversal": ("bút toán điều chỉnh", "reversing entry"),
        "meeting": ("họp dân", "meeting"),
        "ballot": ("phiếu lấy ý kiến", "ballot"),
        "other": ("khác", "other"),
        # phrases of the reports and plots
        "ward_total": ("Toàn phường", "Whole ward"),
        "public_title": (
            "Công khai thu chi camera an ninh — {group}",
            "Security cameras: money in and out — {group}",
        ),
        "public_note": (
            "Không ghi tên người đóng góp; mỗi hộ tra cứu biên lai của mình theo số biên lai.",
            "No names: each household looks up its own receipt by its number.",
        ),
        "burnup_title": ("Tiến độ {group}", "Progress of {group}"),
        "burnup_cameras": ("Số camera", "Cameras"),
        "burnup_money": ("Tiền đã góp (triệu VNĐ)", "Money raised (million VND)"),
        "burnup_planned": ("trong kế hoạch", "planned"),
        "burnup_cost": ("chi phí kế hoạch", "plan cost"),
        "burnup_due": ("hạn {phase}", "{phase} due"),
        "yes": ("có", "yes"),
        "no": ("không", "no"),
    }
)


def campaign_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return a word of the campaign register in ``lang`` (the key itself when unknown).

    Parameters
    ----------
    key
        A key of :data:`CAMPAIGN` (a column, sheet, state or phrase), a phase or owner
        kind of :data:`VALUES`, or a part of the bill (what a spending paid for).
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for ``{placeholders}`` in a phrase.

    Returns
    -------
    str
        The word, NFC-normalised.
    """
    entry = CAMPAIGN.get(key) or VALUES.get(key) or COST_LABELS["part"].get(key)
    return _phrase(entry, key, lang, fmt)


# ---- end of campaign register

_COMPASS_16 = {
    "en": [
        "N",
        "NNE",
        "NE",
        "ENE",
        "E",
        "ESE",
        "SE",
        "SSE",
        "S",
        "SSW",
        "SW",
        "WSW",
        "W",
        "WNW",
        "NW",
        "NNW",
    ],
    "en_long": [
        "north",
        "north-northeast",
        "northeast",
        "east-northeast",
        "east",
        "east-southeast",
        "southeast",
        "south-southeast",
        "south",
        "south-southwest",
        "southwest",
        "west-southwest",
        "west",
        "west-northwest",
        "northwest",
        "north-northwest",
    ],
    "vi": [
        "Bắc",
        "Bắc Đông Bắc",
        "Đông Bắc",
        "Đông Đông Bắc",
        "Đông",
        "Đông Đông Nam",
        "Đông Nam",
        "Nam Đông Nam",
        "Nam",
        "Nam Tây Nam",
        "Tây Nam",
        "Tây Tây Nam",
        "Tây",
        "Tây Tây Bắc",
        "Tây Bắc",
        "Bắc Tây Bắc",
    ],
    "vi_short": [
        "B",
        "BĐB",
        "ĐB",
        "ĐĐB",
        "Đ",
        "ĐĐN",
        "ĐN",
        "NĐN",
        "N",
        "NTN",
        "TN",
        "TTN",
        "T",
        "TTB",
        "TB",
        "BTB",
    ],
}
_COMPASS_16 = {k: [unicodedata.normalize("NFC", w) for w in v] for k, v in _COMPASS_16.items()}


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        msg = f"language {lang!r} is not supported; use one of {', '.join(LANGS)}"
        raise ValueError(msg)
    return lang


def label(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the map label or summary phrase ``key`` in ``lang``.

    Parameters
    ----------
    key
        A key of :data:`LABELS`, e.g. ``"new_camera"``.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for ``{placeholders}`` in the phrase.

    Returns
    -------
    str
        The phrase, NFC-normalised.
    """
    return _phrase(LABELS[key], key, lang, fmt)


def header(column: str, lang: str = "vi") -> str:
    """Return the column header for an internal column name (the name itself when unknown).

    Parameters
    ----------
    column
        Internal column name, e.g. ``"heading_deg"``.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        The header a planner reads.
    """
    _check_lang(lang)
    entry = HEADERS.get(column)
    return entry[lang] if entry else column


def headers(columns: Iterable[str], lang: str = "vi") -> list[str]:
    """Return the headers of several columns; see :func:`header`.

    Parameters
    ----------
    columns
        Internal column names.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    list of str
        One header per column.
    """
    return [header(c, lang) for c in columns]


def translate_value(value: object, lang: str = "vi") -> object:
    """Translate a categorical cell value (site kind, role, status, level…); others pass through.

    Parameters
    ----------
    value
        The cell value.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    object
        The translated text, or ``value`` unchanged when it is not a known category.
    """
    _check_lang(lang)
    if isinstance(value, str) and value in VALUES:
        return VALUES[value][lang]
    return value


def format_vnd(amount: float, lang: str = "vi") -> str:
    """Write a sum of money the way each language groups thousands: 1.250.000 / 1,250,000.

    Parameters
    ----------
    amount
        Whole VND (rounded if not).
    lang
        ``"vi"`` (dots) or ``"en"`` (commas).

    Returns
    -------
    str
        The amount without a currency word.
    """
    return f"{amount:,.0f}".replace(",", "." if _check_lang(lang) == "vi" else ",")


def compass_word(
    heading_deg: float,
    *,
    points: int = 8,
    lang: str = "vi",
    short: bool = False,
) -> str:
    """Name a heading as a compass word: 45° is ``"Đông Bắc"`` (vi) or ``"NE"`` (en).

    Parameters
    ----------
    heading_deg
        Degrees clockwise from north; any real number (wrapped to 0–360).
    points
        8 or 16 compass points.
    lang
        ``"vi"`` or ``"en"``.
    short
        Abbreviated words (``"ĐB"``) in Vietnamese; in English the default is
        already the abbreviation and ``short=False`` gives it too. Use
        ``lang="en", short=False`` with :func:`compass_word_long` for ``"northeast"``.

    Returns
    -------
    str
        The compass word, or ``""`` when the heading is NaN or None.

    Raises
    ------
    ValueError
        When ``points`` is not 8 or 16 or ``lang`` is unknown.
    """
    _check_lang(lang)
    if points not in (8, 16):
        msg = f"points must be 8 or 16, not {points}"
        raise ValueError(msg)
    if heading_deg is None or not math.isfinite(float(heading_deg)):
        return ""
    step = 360.0 / points
    index = math.floor((float(heading_deg) % 360.0) / step + 0.5) % points
    index16 = index * (16 // points)
    key = "en" if lang == "en" else ("vi_short" if short else "vi")
    return _COMPASS_16[key][index16]


def compass_word_long(heading_deg: float, *, points: int = 8) -> str:
    """Name a heading in full English words: 45° is ``"northeast"``.

    Parameters
    ----------
    heading_deg
        Degrees clockwise from north.
    points
        8 or 16 compass points.

    Returns
    -------
    str
        The word, or ``""`` for NaN.
    """
    if heading_deg is None or not math.isfinite(float(heading_deg)):
        return ""
    step = 360.0 / points
    index = math.floor((float(heading_deg) % 360.0) / step + 0.5) % points
    return _COMPASS_16["en_long"][index * (16 // points)]


# ---- survey report (covplan.survey: what a register read but did not use; issue 18)
# The sentences of the survey's report that say what was read and not used: a second
# sheet of cameras, columns with unknown headers, ids that differ only in case or spaces,
# cameras too far from every planned route. ``{placeholders}`` are filled by the reader.

#: Phrases of the survey report, keyed by what happened.
SURVEY_REPORT: dict[str, dict[str, str]] = _nfc(
    {
        "extra_sheet": (
            "trang tính '{sheet}' có vẻ là danh sách camera (cột {columns}) nhưng chỉ trang "
            "'{main}' được đọc: {n} dòng bị bỏ qua; chuyển các dòng đó sang trang '{main}' "
            "hoặc đổi tên trang thành 'ghi chú'",
            "sheet '{sheet}' looks like a sheet of cameras (columns {columns}) but only sheet "
            "'{main}' is read: {n} row(s) ignored; move them to sheet '{main}' or rename the "
            "sheet to 'notes'",
        ),
        "extra_layer": (
            "lớp '{sheet}' có vẻ là danh sách camera ({n} điểm) nhưng chỉ lớp '{main}' được "
            "đọc; gộp các điểm đó vào lớp '{main}'",
            "layer '{sheet}' looks like a layer of cameras ({n} points) but only layer "
            "'{main}' is read; merge them into layer '{main}'",
        ),
        "unknown_columns": (
            "{n} cột có tiêu đề không nhận ra nên không được đọc: {columns}; đổi tên theo "
            "mẫu (`covplan survey template`) hoặc xoá các cột đó",
            "{n} column(s) with unknown headers are not read: {columns}; rename them as in "
            "the form (`covplan survey template`) or delete them",
        ),
        "duplicate_id": (
            "cũng là mã ở dòng {first} ('{other}'; mã được so sánh không phân biệt hoa "
            "thường và khoảng trắng): dòng {first} và dòng {row} trùng mã; đặt cho mỗi "
            "camera một mã riêng",
            "is also the id on row {first} ('{other}'; ids are compared ignoring case and "
            "spaces): rows {first} and {row} share it; give each camera its own id",
        ),
        "cameras_far": (
            "{n} camera khảo sát cách mọi tuyến được lập kế hoạch xa hơn tầm nhìn của chúng "
            "(hơn {reach}) nên không đưa vào mô hình",
            "{n} surveyed camera(s) are farther from every planned route than they can see "
            "(beyond {reach}): left out of the model",
        ),
    }
)


def survey_report(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return a phrase of the survey report (:data:`SURVEY_REPORT`) in ``lang``.

    Parameters
    ----------
    key
        A key of :data:`SURVEY_REPORT`, e.g. ``"unknown_columns"``.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for ``{placeholders}`` in the phrase.

    Returns
    -------
    str
        The phrase, NFC-normalised.
    """
    return _phrase(SURVEY_REPORT[key], key, lang, fmt)


# ---- end of survey report
