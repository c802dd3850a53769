"""Messages in vi and en: the command line, the survey check, picture checks (issue 13).

Every sentence covplan prints or stores for a person — the ``covplan`` command's lines and
errors, the problems ``covplan survey check`` reports, the reasons ``covplan verify`` gives,
the progress bars — is an entry of :data:`MESSAGES`, keyed by room and event. Look one up
with :func:`message`; ``{placeholders}`` are filled from keyword arguments.

The language of a call that does not name one is the language in use: the command sets it
for the whole run with :func:`use_lang` (``--lang``), a library call falls back to
``settings.lang``.
"""

from __future__ import annotations

import contextlib
import errno as _errno
from collections.abc import Iterator
from contextvars import ContextVar

from covplan import settings
from covplan.vocab import _check_lang, _nfc, _phrase

__all__ = [
    "CELL_FIELDS",
    "MESSAGES",
    "current_lang",
    "message",
    "os_error_text",
    "use_lang",
]

_LANG: ContextVar[str | None] = ContextVar("covplan_lang", default=None)

#: Every message, keyed ``room.event``.
MESSAGES: dict[str, dict[str, str]] = _nfc(
    {
        # ---- the covplan command (covplan.cli)
        "cli.description": (
            "Lập kế hoạch mạng camera an ninh cho một phường: tuyến từ OpenStreetMap, sổ "
            "khảo sát camera hiện có, số camera lắp mới ít nhất để quan sát mọi tuyến, các "
            "tệp kết quả và kiểm tra hình trực tiếp.",
            "Plan a neighbourhood security-camera network for a Vietnamese ward: routes from "
            "OpenStreetMap, the survey of existing cameras, the fewest new cameras that see "
            "every route, exports, and live picture checks.",
        ),
        "cli.lang_help": (
            "ngôn ngữ của thông báo, tiêu đề cột và nhãn bản đồ (vi hoặc en)",
            "language of messages, column headers and map labels (vi or en)",
        ),
        "cli.bad_flag": (
            "{prog}: {message} (xem: {prog} --help)",
            "{prog}: {message} (see: {prog} --help)",
        ),
        # argparse's own sentences (shown in vi by covplan.cli; en is argparse's wording)
        "argparse.required": (
            "thiếu tham số bắt buộc: {what}",
            "the following arguments are required: {what}",
        ),
        "argparse.unrecognized": (
            "tham số không nhận ra: {what}",
            "unrecognized arguments: {what}",
        ),
        "argparse.argument": ("tham số {what}: {why}", "argument {what}: {why}"),
        "argparse.choice": (
            "giá trị không hợp lệ: {value} (chọn một trong {choices})",
            "invalid choice: {value} (choose from {choices})",
        ),
        "argparse.type": (
            "không phải giá trị {type} hợp lệ: {value}",
            "invalid {type} value: {value}",
        ),
        "argparse.one": ("cần một giá trị", "expected one argument"),
        "argparse.at_least_one": ("cần ít nhất một giá trị", "expected at least one argument"),
        "argparse.not_with": (
            "không dùng cùng với tham số {what}",
            "not allowed with argument {what}",
        ),
        "argparse.one_of": (
            "cần một trong các tham số {what}",
            "one of the arguments {what} is required",
        ),
        "argparse.ambiguous": (
            "tùy chọn không rõ: {what} có thể là {matches}",
            "ambiguous option: {what} could match {matches}",
        ),
        "argparse.type.float": ("số thực", "float"),
        "argparse.type.int": ("số nguyên", "int"),
        "cli.interrupted": (
            "covplan: đã dừng giữa chừng; các tệp đã ghi trước đó không thay đổi",
            "covplan: interrupted; files already written are unchanged",
        ),
        "cli.error": ("covplan: {kind} ({name}): {error}", "covplan: {kind} ({name}): {error}"),
        "cli.cannot_use": (
            "covplan: không dùng được{where}: {why}",
            "covplan: cannot use{where}: {why}",
        ),
        "cli.out_of_memory": (
            "covplan: hết bộ nhớ; hãy lập kế hoạch cho khu vực nhỏ hơn hoặc giải phóng bộ nhớ",
            "covplan: out of memory; plan a smaller area or free memory",
        ),
        "cli.kind.input": ("dữ liệu vào không dùng được", "bad input"),
        "cli.kind.cover": ("không quan sát được", "cannot cover"),
        "cli.kind.camera": ("camera", "camera"),
        "cli.kind.solver": ("bộ giải", "solver"),
        "cli.kind.error": ("lỗi", "error"),
        # one-line help of each (sub)command in `covplan --help`, keyed help.<path>
        "help.plan": (
            "lập kế hoạch cho một phường: camera cần xoay hướng, camera lắp mới, danh sách và "
            "bản đồ",
            "plan a ward: cameras to re-aim, new cameras, lists and maps",
        ),
        "help.demo": (
            "lập kế hoạch cho phường mẫu có sẵn (dữ liệu giả lập), kèm sổ khảo sát",
            "plan the embedded demo ward (synthetic), survey included",
        ),
        "help.atlas": (
            "vẽ sơ đồ tuyến: toàn phường và mỗi tuyến một trang",
            "draw the route atlas (sơ đồ tuyến): the ward and one page per route",
        ),
        "help.campaign": (
            "sổ triển khai: vận động, đồng ý, lắp đặt, thu chi, quyết định, thời hạn",
            "the roll-out register: visits, consent, installs, money, decisions, deadlines",
        ),
        "help.watch": (
            "quyền xem camera của công an: sổ đăng ký, cấu hình MediaMTX, phiếu, tình trạng "
            "luồng hình",
            "police access to the cameras: register, MediaMTX config, sheets, health",
        ),
        "help.batch": (
            "lập kế hoạch cho nhiều phường theo bảng kê (Dask) và bảng tổng hợp thành phố",
            "plan many wards from a manifest on Dask, and a city summary",
        ),
        "help.survey.check": (
            "báo mọi lỗi trong tệp khảo sát; mã thoát 1 khi có lỗi",
            "report every problem in a survey file; exit 1 when there is one",
        ),
        "help.survey.template": (
            "ghi mẫu khảo sát trống và biểu mẫu KoboToolbox (XLSForm)",
            "write the blank survey sheet and KoboToolbox XLSForm",
        ),
        "help.survey.convert": (
            "đọc sổ khảo sát và ghi ra định dạng khác",
            "read a survey and write it in another format",
        ),
        "help.campaign.init": (
            "lập sổ triển khai từ thư mục kế hoạch (covplan plan)",
            "start a register from a plan folder (covplan plan)",
        ),
        "help.campaign.visit": (
            "ghi một lần đến vận động chủ camera, vị trí hoặc hộ gia đình",
            "record a visit to a camera's owner or site, or a household",
        ),
        "help.campaign.consent": (
            "ghi câu trả lời: đồng ý (mặc định) hoặc --declined (từ chối)",
            "record an answer: agreed (default) or --declined",
        ),
        "help.campaign.install": (
            "ghi một camera mới đã lắp hoặc một camera đã xoay hướng",
            "record a new camera installed or a camera re-aimed",
        ),
        "help.campaign.verify": (
            "ghi một lần kiểm tra hình (đạt; --failed khi chưa đạt)",
            "record a picture check (pass; --failed to note a fail)",
        ),
        "help.campaign.decide": (
            "ghi quyết định của người dân một tổ về một giai đoạn",
            "record the residents' decision of a group on a phase",
        ),
        "help.campaign.contribute": (
            "ghi một khoản đóng góp (theo một quyết định)",
            "record a contribution (against a decision)",
        ),
        "help.campaign.spend": (
            "ghi một khoản chi: một hoá đơn đã trả",
            "record spending: an invoice paid",
        ),
        "help.campaign.reverse": (
            "sửa một bút toán bằng bút toán điều chỉnh",
            "correct an entry by a reversing entry",
        ),
        "help.campaign.deadline": (
            "đặt thời hạn của một tổ cho một giai đoạn",
            "set a group's deadline for a phase",
        ),
        "help.campaign.report": (
            "báo cáo kế toán, công khai và tiến độ, biểu đồ, JSON",
            "accounting, public and progress reports, plots, JSON",
        ),
        "help.campaign.export": (
            "xuất cả sổ ra một tệp XLSX (không có liên hệ)",
            "the whole register as an XLSX workbook (no contacts)",
        ),
        "help.campaign.import": (
            "nạp lại một sổ XLSX đã xuất vào sổ này",
            "replay an exported XLSX register into this one",
        ),
        "help.watch.officers": (
            "thêm cán bộ từ tệp CSV/XLSX vào sổ đăng ký",
            "add the officers of a CSV/XLSX to the register",
        ),
        "help.watch.reach": (
            "ghi cách kết nối tới từng camera (CSV)",
            "record how each camera is reached (CSV)",
        ),
        "help.watch.access": (
            "in danh sách ai được xem camera nào (chỉ mã)",
            "print who may watch which camera (ids only)",
        ),
        "help.watch.config": (
            "ghi cấu hình MediaMTX (mediamtx.yml)",
            "write the MediaMTX configuration (mediamtx.yml)",
        ),
        "help.watch.sheets": (
            "ghi phiếu của từng cán bộ (HTML và PDF)",
            "write each officer's sheet (HTML and PDF)",
        ),
        "help.watch.health": (
            "kiểm tra cùng lúc luồng hình của mọi camera đã đăng ký",
            "check every registered camera's stream at once",
        ),
        # ---- operating-system errors, in the user's words
        "os.ENOENT": ("không có tệp hoặc thư mục này", "no such file or directory"),
        "os.EACCES": ("không có quyền truy cập", "permission denied"),
        "os.EPERM": ("không được phép", "operation not permitted"),
        "os.ENOSPC": ("ổ đĩa đã đầy", "no space left on the disk"),
        "os.EISDIR": ("đây là thư mục, không phải tệp", "is a folder, not a file"),
        "os.ENOTDIR": ("một phần của đường dẫn không phải thư mục", "not a folder"),
        "os.EEXIST": ("đã có tệp trùng tên", "file exists"),
        "os.EROFS": ("ổ đĩa chỉ đọc", "read-only disk"),
        "os.EBUSY": ("tệp đang được dùng", "file is busy"),
        "os.other": ("lỗi hệ thống (mã {code})", "system error (code {code})"),
        # ---- covplan plan / demo / atlas (covplan._plan_cli)
        "plan.bad_level": (
            "{text}: hãy viết KIND=LEVEL (loại tuyến=mức), ví dụ alley=recognise "
            "(các mức: `{levels}`)",
            "{text}: write KIND=LEVEL, e.g. alley=recognise (levels: {levels})",
        ),
        "plan.none_planned": (
            "không có tuyến nào trong kế hoạch: trong {n} tuyến của khu vực có {parts}; "
            "thêm cờ tương ứng để đưa chúng vào",
            "no route is planned: of the {n} routes in the area, {parts}; add the flag "
            "that brings them back",
        ),
        "plan.none_planned_part": ("{n} {reason} (dùng {flag})", "{n} {reason} (use {flag})"),
        "plan.reason.arterial": ("tuyến đường trục chính", "arterial street route(s)"),
        "plan.reason.kind": ("tuyến đường phố", "street route(s)"),
        "plan.reason.other": ("tuyến loại {reason}", "{reason} route(s)"),
        "plan.site_file_unreadable": (
            "không đọc được tệp vị trí ({why}); hãy dùng tệp văn bản hoặc CSV mã UTF-8",
            "cannot read the site file ({why}); give a UTF-8 text or CSV file",
        ),
        "plan.site_file_line": (
            "hãy viết `pin MÃ_VỊ_TRÍ` (ghim) hoặc `forbid MÃ_VỊ_TRÍ` (cấm); CSV: `site_id,action`",
            "write 'pin SITE_ID' or 'forbid SITE_ID' (CSV: site_id,action)",
        ),
        "plan.files": ("{n} tệp → {out}/", "{n} files → {out}/"),
        "plan.pages_png": ("  pages/ ({n} ảnh PNG)", "  pages/ ({n} PNG)"),
        "plan.atlas_done": (
            "sơ đồ tuyến: {n} tuyến → {path}",
            "route atlas: {n} routes → {path}",
        ),
        "plan.in_plan": ("Trong kế hoạch", "In the plan"),
        # progress bars
        "bar.plan": ("lập kế hoạch", "plan"),
        "bar.stage": ("bước", "stage"),
        "bar.page": ("trang", "page"),
        "bar.file": ("tệp", "file"),
        "bar.camera": ("camera", "camera"),
        "bar.verify": ("kiểm tra hình", "verify"),
        "bar.atlas": ("sơ đồ tuyến", "atlas"),
        "bar.maps": ("bản đồ", "maps"),
        "bar.write": ("ghi tệp", "write"),
        "bar.gis": ("lớp bản đồ GIS", "GIS layers"),
        "bar.html": ("bản đồ trên web", "web map"),
        "bar.kmz": ("tệp KMZ", "KMZ"),
        "bar.lists": ("danh sách", "lists"),
        "bar.kml": ("tệp KML", "KML"),
        "bar.pages": ("trang bản đồ", "pages"),
        # ---- covplan survey (covplan.survey._cli)
        "survey.help": (
            "sổ khảo sát camera: kiểm tra, mẫu trống, chuyển định dạng",
            "the camera register: check, template, convert",
        ),
        "survey.boundary_unreadable": (
            "{file}: không đọc được làm ranh giới phường ({why}); hãy dùng tệp GeoJSON "
            "hoặc GeoPackage có một vùng",
            "{file}: cannot be read as a boundary ({why}); give a GeoJSON or GeoPackage polygon",
        ),
        "survey.unreadable": ("{file}: không đọc được", "{file}: cannot be read"),
        "survey.check_head": (
            "{file}: đọc được {cameras} camera, {contacts} chủ camera có liên hệ, "
            "{problems} lỗi, {warnings} cảnh báo",
            "{file}: {cameras} cameras read, {contacts} owners with contacts, "
            "{problems} problem(s), {warnings} warning(s)",
        ),
        "survey.row": ("dòng {row}", "row {row}"),
        "survey.column": ("cột {column}", "column {column}"),
        "survey.warning_tag": ("(cảnh báo)", "(warning)"),
        "survey.by_column": ("số lỗi theo cột: {summary}", "problems by column: {summary}"),
        "survey.template.sheet": ("bảng khảo sát", "sheet"),
        "survey.template.xlsform": ("biểu mẫu KoboToolbox (XLSForm)", "xlsform"),
        "survey.template.guide": ("hướng dẫn", "guide"),
        "survey.converted": ("đã ghi {n} camera vào {out}", "{n} cameras written to {out}"),
        # ---- the survey's problems (covplan.survey.read, rows, parse)
        "survey.problems": (
            "{file}: sổ khảo sát có {n} lỗi; sửa rồi đọc lại (hoặc đọc với lenient=True "
            "để có báo cáo)",
            "{file}: {n} problem(s) in the survey; fix them and read it again (or read "
            "with lenient=True for a report)",
        ),
        "survey.no_file": (
            "không có tệp này hoặc đây không phải tệp; kiểm tra đường dẫn",
            "does not exist or is not a file; check the path",
        ),
        "survey.bad_suffix": (
            "có đuôi tệp lạ {suffix}; hãy dùng .csv, .xlsx, .geojson, .gpkg hoặc .osm "
            "(lưu lại tệp .xls thành .xlsx)",
            "has an unknown suffix {suffix}; use .csv, .xlsx, .geojson, .gpkg or .osm "
            "(save .xls files again as .xlsx)",
        ),
        "survey.cannot_read": ("không đọc được: {why}", "cannot be read: {why}"),
        "survey.no_coordinates_column": (
            "không có cột toạ độ; thêm cột 'Vĩ độ' và 'Kinh độ' (lat, lon) bằng độ thập phân, "
            "hoặc một cột điểm GPS 'location' ('vĩ_độ kinh_độ độ_cao độ_chính_xác')",
            "has no coordinate columns; add 'lat' and 'lon' (Vĩ độ, Kinh độ) in decimal "
            "degrees, or a geopoint column 'location' ('lat lon alt accuracy')",
        ),
        "survey.no_id": (
            "chưa có mã camera; đặt cho mỗi camera một mã, ví dụ C01",
            "has no camera id; give each camera one, e.g. C01",
        ),
        "survey.not_geopoint": (
            "không phải điểm GPS; hãy viết 'vĩ_độ kinh_độ', ví dụ '16.4712 107.5923'",
            "is not a geopoint; write 'lat lon' e.g. '16.4712 107.5923'",
        ),
        "survey.gps_coarse": (
            "có sai số GPS {acc} m, lớn hơn {max} m; lấy lại điểm ở ngoài trời hoặc đặt "
            "điểm trên bản đồ",
            "has a GPS accuracy of {acc} m, coarser than {max} m; take the point again "
            "outdoors or place it on the map",
        ),
        "survey.gps_coarse_cell": (
            "là sai số GPS lớn hơn {max} m; lấy lại điểm ở ngoài trời hoặc đặt điểm trên bản đồ",
            "is a GPS accuracy coarser than {max} m; take the point again outdoors or "
            "place it on the map",
        ),
        "survey.no_coordinates": (
            "chưa có toạ độ; hãy đặt camera lên bản đồ (vĩ độ, kinh độ bằng độ thập phân)",
            "has no coordinates; put the camera on the map (lat, lon in decimal degrees)",
        ),
        "survey.not_coordinates": (
            "không phải toạ độ; hãy viết độ thập phân, ví dụ 16.4712, 107.5923",
            "are not coordinates; write decimal degrees, e.g. 16.4712, 107.5923",
        ),
        "survey.zero_zero": (
            "là 0, 0: GPS chưa bắt được vệ tinh; lấy lại điểm",
            "is 0, 0: the GPS had no fix; take the point again",
        ),
        "survey.swapped": (
            "bị đảo vĩ độ và kinh độ (vĩ độ Việt Nam từ 8 đến 23,5, kinh độ từ 102 đến 110); "
            "đổi chỗ hai cột",
            "has latitude and longitude swapped (Vietnam's latitudes are 8–23.5, "
            "longitudes 102–110); swap the two columns",
        ),
        "survey.impossible": (
            "là toạ độ không thể có; hãy viết độ thập phân",
            "are impossible coordinates; write decimal degrees",
        ),
        "survey.outside_vietnam": (
            "nằm ngoài Việt Nam; kiểm tra lại điểm (độ thập phân, vĩ độ trước)",
            "is outside Vietnam; check the point (decimal degrees, latitude first)",
        ),
        "survey.outside_ward": (
            "nằm ngoài phường (cách ranh giới khoảng {m} m); kiểm tra lại điểm hoặc ranh giới",
            "is outside the ward (about {m} m beyond its boundary); check the point or the ward",
        ),
        "survey.owner_kind_empty": (
            "đang trống; ghi loại chủ camera: hộ gia đình, cơ sở kinh doanh, cơ quan, "
            "trường học hoặc công cộng",
            "is empty; say who owns the camera: household, business, agency, school or public",
        ),
        "survey.not_range": (
            "không phải khoảng xoay; ghi cả hai đầu bằng độ từ 0 đến 360 (ví dụ 90 và 180)",
            "is not a panning range; write both ends in degrees 0–360 (e.g. 90 and 180)",
        ),
        "survey.number_then": ("{why}; hãy ghi {what}", "{why}; write {what}"),
        "survey.out_of_range": (
            "nằm ngoài khoảng cho phép; hãy ghi {what} ({lo}–{hi})",
            "is out of range; write {what} ({lo}–{hi})",
        ),
        "survey.what.hfov_deg": (
            "góc nhìn ngang bằng độ, ví dụ 90",
            "the horizontal angle of view in degrees, e.g. 90",
        ),
        "survey.what.resolution_px": (
            "số điểm ảnh theo chiều ngang, ví dụ 1920",
            "the horizontal pixels, e.g. 1920",
        ),
        "survey.what.mount_height_m": (
            "độ cao so với mặt đất bằng mét, ví dụ 3.5",
            "the height above the ground in metres, e.g. 3.5",
        ),
        "survey.what.tilt_deg": (
            "góc chúc xuống bằng độ, ví dụ 15",
            "the downward tilt in degrees, e.g. 15",
        ),
        "survey.what.retention_days": (
            "số ngày lưu hình, ví dụ 7",
            "the days of footage kept, e.g. 7",
        ),
        "survey.url_credentials": (
            "có tên đăng nhập hoặc mật khẩu; đã xoá đi: mật khẩu để trong kho khoá của "
            "máy (keyring), không bao giờ ghi vào sổ khảo sát",
            "contains a user name or password; it was removed: keep passwords in the "
            "system keyring, never in the survey",
        ),
        "survey.not_url": (
            "không phải đường dẫn luồng hình; hãy viết rtsp://… hoặc http://…",
            "is not a stream URL; write rtsp://… or http://…",
        ),
        "survey.repeats": (
            "lặp lại dòng {first} (cùng vị trí, hướng và chủ): dòng {first} và dòng {row} "
            "là một camera; xoá một trong hai dòng",
            "repeats row {first} (same place, direction and owner): rows {first} and {row} "
            "are one camera; delete one of them",
        ),
        "survey.nul_bytes": (
            "không phải tệp văn bản (có byte NUL); hãy xuất bảng tính thành CSV UTF-8 hoặc XLSX",
            "is not a text file (it has NUL bytes); export the sheet as CSV UTF-8 or XLSX",
        ),
        "survey.not_text": (
            "không phải văn bản đọc được; hãy lưu lại bằng 'CSV UTF-8' từ Excel",
            "is not readable text; save it again as 'CSV UTF-8' from Excel",
        ),
        "survey.nul_chars": (
            "có ký tự NUL; hãy xuất bảng tính lại thành CSV UTF-8 hoặc XLSX",
            "has NUL characters; export the sheet again as CSV UTF-8 or XLSX",
        ),
        "survey.bad_csv": (
            "không phải tệp CSV hợp lệ ({why}); hãy xuất lại từ bảng tính",
            "is not a valid CSV file ({why}); export it again from the spreadsheet",
        ),
        "survey.bad_xlsx": (
            "không phải sổ tính XLSX đọc được ({why}); hãy lưu lại từ Excel",
            "is not a readable XLSX workbook ({why}); save it again from Excel",
        ),
        "survey.no_sheet": (
            "không có trang tính camera; hãy để danh sách ở trang đầu tiên",
            "has no sheet of cameras; put them on the first sheet",
        ),
        "survey.damaged_sheet": (
            "có trang tính bị hỏng ({why}); hãy lưu lại từ Excel",
            "has a damaged sheet ({why}); save it again from Excel",
        ),
        "survey.bad_geojson": (
            "không phải GeoJSON hợp lệ ({why}); hãy xuất lại thành GeoJSON",
            "is not valid GeoJSON ({why}); export it again as GeoJSON",
        ),
        "survey.not_collection": (
            "không phải tập điểm camera GeoJSON (FeatureCollection)",
            "is not a GeoJSON FeatureCollection of camera points",
        ),
        "survey.no_layer": (
            "không có lớp camera",
            "has no layer of cameras",
        ),
        "survey.bad_gpkg": (
            "không phải GeoPackage đọc được ({why}); hãy xuất lại",
            "is not a readable GeoPackage ({why}); export it again",
        ),
        "survey.bad_osm": (
            "không phải OSM XML hợp lệ ({why}); hãy xuất lại từ JOSM",
            "is not valid OSM XML ({why}); export it again from JOSM",
        ),
        "survey.key_created": (
            "đã tạo tệp khoá mã chủ camera mới tại {path} (quyền 0600); hãy giữ tệp này và "
            "một bản sao ngoài mọi kho mã: với khoá khác, chủ camera sẽ có mã khác",
            "created a new owner-id key file at {path} (permissions 0600); keep it and a "
            "backup outside any repository: with another key owners get other ids",
        ),
        "survey.key_unreadable": (
            "không đọc được tệp khoá mã chủ camera: {why}; hãy sửa quyền truy cập",
            "cannot read the owner-id key file: {why}; fix its permissions",
        ),
        "survey.key_empty": (
            "tệp khoá mã chủ camera đang trống; xoá tệp để có khoá mới, hoặc khôi phục bản sao",
            "the owner-id key file is empty; delete it to get a new key, or restore the backup",
        ),
        "survey.key_open": (
            "người khác đọc được tệp khoá mã chủ camera {path}; hãy chạy chmod 600 cho tệp",
            "owner-id key file {path} is readable by others; chmod 600 it",
        ),
        "survey.no_id_column": (
            "không có cột mã camera; sổ khảo sát cần cột này để cập nhật từng camera",
            "has no camera id column; the register needs one to update a camera",
        ),
        "survey.not_in_register": (
            "không phải camera trong sổ khảo sát này; kiểm tra mã camera",
            "is not a camera in this register; check the camera id",
        ),
        # cell parsers (covplan.survey.parse)
        "cell.not_number": ("không phải số", "is not a number"),
        "cell.not_finite": ("không phải số hữu hạn", "is not a finite number"),
        "cell.not_resolution": (
            "không phải độ phân giải; ghi số điểm ảnh ngang, ví dụ 1920, hoặc 2MP, 1080p",
            "is not a resolution; write the horizontal pixels, e.g. 1920, or 2MP, 1080p",
        ),
        "cell.not_days": (
            "không phải số ngày; ghi ví dụ 7 (hoặc '2 tuần', '1 tháng')",
            "is not a number of days; write e.g. 7 (or '2 tuần', '1 tháng')",
        ),
        "cell.not_yes_no": (
            "không phải có hoặc không; ghi có hoặc không",
            "is not yes or no; write yes/no (có/không)",
        ),
        "cell.not_adjustable": (
            "không phải có, không hoặc chưa rõ; ghi có, không hoặc chưa rõ",
            "is not yes, no or unknown; write yes/no/unknown (có/không/chưa rõ)",
        ),
        "cell.not_owner_kind": (
            "không phải loại chủ camera; ghi một trong: hộ gia đình, cơ sở kinh doanh, cơ quan, "
            "trường học, công cộng",
            "is not a kind of owner; write one of {kinds}",
        ),
        "cell.not_status": (
            "không phải trạng thái vận động; ghi một trong: đã khảo sát, đã liên hệ, đã đồng ý, "
            "đã điều chỉnh, đã kiểm tra hình, từ chối",
            "is not an outreach status; write one of {statuses}",
        ),
        "cell.not_camera_type": (
            "không phải loại camera; ghi cố định, bán cầu, thân trụ, xoay (PTZ) hoặc toàn "
            "cảnh (mắt cá, 360)",
            "is not a kind of camera; write fixed, dome, bullet, panning (PTZ) or fisheye",
        ),
        "cell.heading_range": (
            "nằm ngoài khoảng cho phép; hướng là 0–360 độ theo chiều kim đồng hồ từ hướng Bắc",
            "is out of range; a heading is 0–360 degrees clockwise from north",
        ),
        "cell.heading_conflict": (
            "ghi {deg}° và một hướng la bàn {compass}° lệch nhau {diff}°; chỉ giữ một cách ghi",
            "gives {deg}° and a compass point {compass}° apart by {diff}°; keep one of them",
        ),
        "cell.not_heading": (
            "không phải hướng; ghi số độ theo chiều kim đồng hồ từ hướng Bắc (ví dụ 135), "
            "một hướng la bàn (B, ĐB, 'Hướng Bắc', `N`, `NE`) hoặc một khoảng cho camera xoay "
            "(90-180)",
            "is not a direction; write degrees clockwise from north (e.g. 135), a compass "
            "point (N, NE, ĐB, 'Hướng Bắc') or a range for a panning camera (90-180)",
        ),
        "cell.not_phone": (
            "không phải số điện thoại Việt Nam hợp lệ; ghi 10 chữ số như 0905 123 456 "
            "(hoặc số cố định kèm mã vùng, 0234 3822 123)",
            "is not a valid Vietnamese phone number; write 10 digits like 0905 123 456 "
            "(or a landline with its area code, 0234 3822 123)",
        ),
        "cell.old_mobile": (
            "là số di động 11 chữ số cũ (đã đổi năm 2018): thay bốn chữ số đầu {old} bằng {new}",
            "is an old 11-digit mobile number (renumbered in 2018): replace its first four "
            "digits {old} with {new}",
        ),
        # ---- covplan verify (covplan.check._cli, verify, quality)
        "verify.help": (
            "kiểm tra hình trực tiếp của camera: tuyến có trong khung hình, đủ rõ không?",
            "check a camera's live picture: is the route in view, well enough?",
        ),
        "verdict.pass": ("ĐẠT", "PASS"),
        "verdict.fail": ("KHÔNG ĐẠT", "FAIL"),
        "verdict.not checked": ("CHƯA KIỂM TRA ĐƯỢC", "NOT CHECKED"),
        "verify.not_checked": ("chưa kiểm tra được: {what}", "not checked: {what}"),
        "verify.tally": (
            "{n_pass}/{n} camera đạt ({rest} camera chưa có đường dẫn luồng hình)",
            "{n_pass} of {n} cameras pass ({rest} without a stream)",
        ),
        "verify.missing": ("còn thiếu {what}", "missing {what}"),
        "verify.a_position": (
            "vị trí (--lon/--lat hoặc --x/--y)",
            "a position (--lon/--lat or --x/--y)",
        ),
        "verify.xy_crs": (
            "--x và --y phải đi cùng nhau và cần --crs (hệ toạ độ mét, ví dụ EPSG:32648)",
            "--x and --y go together and need --crs (a metric CRS such as EPSG:32648)",
        ),
        "verify.not_number": (
            "{name} phải là số, không phải {value}",
            "{name} must be a number, not {value}",
        ),
        "verify.targets_missing": (
            "không thấy tệp điểm tuyến {path}; hãy dùng tệp điểm tuyến của kế hoạch "
            "(targets.geojson, hoặc GeoPackage)",
            "targets file {path} not found; give the plan's targets (GeoJSON or GeoPackage)",
        ),
        "verify.targets_no_crs": (
            "tệp điểm tuyến chưa có hệ toạ độ; hãy lưu ở EPSG:4326",
            "the targets file has no CRS; save it in EPSG:4326",
        ),
        "verify.no_env": (
            "chưa đặt biến môi trường {name}",
            "environment variable {name} is not set",
        ),
        "verify.no_reference": (
            "không đọc được ảnh mẫu {path}",
            "cannot read the reference image {path}",
        ),
        "verify.no_stream_url": (
            "sổ khảo sát không có cột stream_url; thêm đường dẫn luồng hình (không kèm mật "
            "khẩu) của từng camera",
            "the register has no stream_url column; add the credential-free stream URL of "
            "each camera",
        ),
        "verify.bad_pose": ("tư thế camera sai: {problems}", "bad camera pose: {problems}"),
        "verify.pose_bracket_incl": ("từ {lo} đến {hi}", "from {lo} to {hi}"),
        "verify.pose_bracket_excl": ("trong khoảng {lo} đến {hi}", "between {lo} and {hi}"),
        "verify.pose_range": (
            "{name} {value} phải {bracket} ({what})",
            "{name} {value} must be {bracket} ({what})",
        ),
        "verify.pose_what.heading_deg": (
            "độ theo chiều kim đồng hồ từ hướng Bắc",
            "degrees clockwise from north",
        ),
        "verify.pose_what.mount_height_m": ("mét so với mặt đất", "metres above the ground"),
        "verify.pose_what.tilt_deg": ("độ, dương là chúc xuống", "degrees, positive looks down"),
        "verify.pose_what.hfov_deg": ("độ", "degrees"),
        "verify.pose_what.vfov_deg": ("độ", "degrees"),
        "verify.pose_what.lon": ("độ kinh (EPSG:4326)", "degrees of longitude (EPSG:4326)"),
        "verify.pose_what.lat": ("độ vĩ (EPSG:4326)", "degrees of latitude (EPSG:4326)"),
        "verify.pose_what.width_px": ("điểm ảnh", "pixels"),
        "verify.pose_what.height_px": ("điểm ảnh", "pixels"),
        "verify.pose_finite": (
            "{name} {value} phải là toạ độ mét hữu hạn",
            "{name} {value} must be a finite metric coordinate",
        ),
        "verify.pose_position": (
            "hãy cho vị trí bằng lon/lat, hoặc x/y kèm hệ toạ độ mét (crs)",
            "give the position as lon/lat, or as x/y with a metric crs",
        ),
        "verify.two_frames": (
            "cần đoạn hình từ hai khung trở lên để thấy chuyển động; hãy thu thêm khung hình",
            "motion needs a clip of two frames or more; capture more frames",
        ),
        "verify.targets_crs": (
            "các điểm tuyến chưa có hệ toạ độ; hãy đặt (covplan lưu điểm tuyến ở EPSG:4326)",
            "the targets have no CRS; set it (covplan stores targets in EPSG:4326)",
        ),
        "verify.crs_metric": (
            "hệ toạ độ để kiểm tra phải là hệ phẳng tính bằng mét, không phải {name}",
            "the CRS for verification must be projected in metres, not {name}",
        ),
        "verify.targets_points": (
            "điểm tuyến phải có dạng điểm; hãy dùng tệp điểm tuyến của kế hoạch (targets.geojson)",
            "route targets must be Points; give the plan's targets table",
        ),
        "verify.no_frames": (
            "không có khung hình để kiểm tra; hãy thu một đoạn hình ngắn trước",
            "no frames to verify; capture a short clip first",
        ),
        "verify.short_clip": (
            "hình bị đứng và chuyển động: đọc được {n} khung hình, cần {min} khung trở lên "
            "(một ảnh tĩnh hay đoạn một khung không cho thấy được); hãy thu một đoạn hình",
            "frozen feed and motion: {n} frame(s) read, {min} or more needed (a still image "
            "or a one-frame clip cannot show either); capture a clip",
        ),
        "verify.picture_only": (
            "chỉ kiểm tra hình: không có tư thế camera và điểm tuyến, chưa kiểm tra tuyến",
            "picture check only: no pose and no route targets given, the route was not checked",
        ),
        "verify.no_pose": (
            "tuyến: chưa đủ tư thế camera{why}; hãy cho vị trí, hướng và góc nhìn (ví dụ "
            "--lon --lat --heading --hfov) để kiểm tra tuyến có trong khung hình",
            "route: no complete camera pose{why}; give position, heading and hfov (e.g. "
            "--lon --lat --heading --hfov) to check that the route is in view",
        ),
        "verify.no_targets": (
            "tuyến: chưa có điểm tuyến; hãy cho tệp điểm tuyến của kế hoạch (--targets)",
            "route: no route targets given; give the plan's targets (--targets)",
        ),
        "verify.no_targets_for_camera": (
            "tuyến: tệp điểm tuyến không có điểm nào của camera này; kiểm tra camera_id trong tệp",
            "route: the targets hold none for this camera; check its camera_id in the targets",
        ),
        "verify.scaled": (
            "độ phân giải của tư thế {pw}x{ph} được đổi theo luồng hình {w}x{h}",
            "pose resolution {pw}x{ph} scaled to the stream's {w}x{h}",
        ),
        "verify.in_frame": (
            "chỉ {n_in}/{n} điểm tuyến ({share} %) nằm trong khung hình (cần ít nhất "
            "{min} %): kiểm tra hướng và góc chúc",
            "only {n_in} of {n} route targets ({share} %) are in the picture (at least "
            "{min} % needed): check heading and tilt",
        ),
        "verify.no_motion": (
            "không thấy chuyển động trong đoạn hình: chưa xác nhận được tuyến; kiểm tra "
            "lại khi có người qua lại, hoặc thu đoạn dài hơn",
            "no motion seen in the clip: the route cannot be confirmed; check again when "
            "there is traffic, or with a longer clip",
        ),
        "verify.off_motion": (
            "chỉ thấy chuyển động ở {share} % điểm tuyến trong khung hình (cần ít nhất "
            "{min} %): tuyến không nằm ở chỗ kế hoạch đặt",
            "motion is seen on only {share} % of the route targets in the picture (at "
            "least {min} % needed): the route is not where the plan puts it",
        ),
        "verify.unknown_level": (
            "mức DORI không biết {levels}; dùng {known}",
            "unknown DORI level(s) {levels}; use {known}",
        ),
        "verify.below_level": (
            "{n} điểm tuyến trong khung hình chưa đạt mức DORI: {ppm} px/m ở {m} m, trong "
            "khi mức {level} cần {need} px/m",
            "{n} route targets in the picture are below their DORI level: {ppm} px/m at "
            "{m} m where {need} px/m ({level}) is needed",
        ),
        "verify.no_png": (
            "không mã hoá được ảnh bằng chứng",
            "could not encode the evidence image",
        ),
        "verify.need_id": (
            "cần camera_id để ghi kết quả kiểm tra vào sổ khảo sát",
            "a camera_id is needed to record the verification in the register",
        ),
        "quality.bad_frame": (
            "khung hình phải là mảng numpy 2 chiều (xám) hoặc 3 chiều (BGR), không rỗng",
            "a frame must be a non-empty 2-D (grey) or 3-D (BGR) numpy array",
        ),
        "quality.mask_shape": (
            "mặt nạ có kích thước {mask}, khác khung hình {frame}",
            "mask shape {mask} differs from the frame's {frame}",
        ),
        "quality.black": ("gần như đen", "almost black"),
        "quality.flat": ("không có chi tiết", "no structure"),
        "quality.covered": (
            "ống kính bị che hoặc không có hình ({why}: độ chi tiết {structure})",
            "lens covered or no picture ({why}: structure {structure})",
        ),
        "quality.dark": (
            "quá tối: độ sáng trung bình {value} < {limit}",
            "too dark: mean brightness {value} < {limit}",
        ),
        "quality.bright": (
            "quá sáng: độ sáng trung bình {value} > {limit}",
            "too bright: mean brightness {value} > {limit}",
        ),
        "quality.washed": (
            "hình bị nhạt: độ tương phản {value} < {limit}",
            "washed out: contrast {value} < {limit}",
        ),
        "quality.blur": (
            "hình bị mờ, lệch nét: độ nét {value} < {limit}",
            "out of focus: sharpness {value} < {limit}",
        ),
        "quality.no_match": (
            "khung hình không khớp ảnh mẫu ({n} điểm khớp): camera bị xoay nhiều hoặc bị che",
            "the view does not match the reference ({n} feature matches): the camera was "
            "moved far or the view is blocked",
        ),
        "quality.no_homography": (
            "không tìm được thay đổi khung hình nhất quán ({n} điểm khớp): bị che hoặc bị "
            "xoay nhiều",
            "no consistent view change found ({n} inliers): view blocked or moved far",
        ),
        "quality.shifted": (
            "hình bị lệch {px} px ({share} % chiều ngang)",
            "picture shifted {px} px ({share} % of the width)",
        ),
        "quality.rotated": ("bị xoay {deg}°", "rotated {deg}°"),
        "quality.zoom": ("độ phóng thay đổi ×{scale}", "zoom changed ×{scale}"),
        "quality.pan_tilt": (
            "khoảng {pan}° sang ngang, {tilt}° lên xuống",
            "about {pan}° pan, {tilt}° tilt",
        ),
        "quality.moved": ("camera đã bị xê dịch: {what}", "camera moved: {what}"),
        "quality.no_frames": (
            "không có khung hình để đánh giá; hãy thu ít nhất một khung hình",
            "no frames to assess; capture at least one frame",
        ),
        "quality.in_frames": ("{why} ở {n}/{total} khung hình", "{why} in {n}/{total} frames"),
        "quality.frozen": (
            "hình bị đứng: chỉ {share} % điểm ảnh thay đổi qua {n} khung hình (đã che đồng "
            "hồ và tên)",
            "frozen feed: {share} % of pixels changed over {n} frames (clock and name masked)",
        ),
        "quality.moved_skipped": (
            "bỏ qua kiểm tra camera bị xê dịch: hình không dùng được",
            "camera-moved check skipped: the picture is not usable",
        ),
        "quality.night": (
            "chế độ ban đêm/hồng ngoại (IR): hình xám",
            "night/IR mode: grey picture",
        ),
        # ---- covplan batch / campaign command lines
        "campaign.need_code": (
            "covplan: dữ liệu vào không dùng được: hãy cho MÃ camera hoặc --from TỆP_KẾT_QUẢ.csv",
            "covplan: bad input: give a camera CODE or --from RECORDS.csv",
        ),
        # ==== error and warning messages of the area, capture, plan, batch and campaign
        # ==== rooms (covplan.area, covplan.check.capture, covplan.plan, covplan.batch,
        # ==== covplan.campaign, covplan/__init__): one block, keyed by room
        # ---- covplan/__init__ (a Ctrl-C while the command loads)
        "cli.interrupted_starting": (
            "covplan: bị ngắt khi đang khởi động; chưa ghi tệp nào",
            "covplan: interrupted while starting; nothing was written",
        ),
        # ---- reading an OpenStreetMap file (covplan.area._load)
        "osm.convert_hint": (
            "covplan đọc tệp OpenStreetMap mã UTF-8: hãy chuyển mã tệp, ví dụ "
            "`iconv -f {encoding} -t UTF-8 in.osm > in-utf8.osm` (hoặc trong JOSM: "
            "`File → Save As`, lưu ra UTF-8), rồi sửa `encoding=` ở dòng đầu của tệp",
            "covplan reads UTF-8 OpenStreetMap files: convert it, e.g. "
            "`iconv -f {encoding} -t UTF-8 in.osm > in-utf8.osm` "
            "(or JOSM: File → Save As, which writes UTF-8), and fix the encoding= "
            "in its first line",
        ),
        "osm.encoded_as": (
            "tệp được mã hoá {name}; {hint}",
            "the file is encoded as {name}; {hint}",
        ),
        "osm.declares_encoding": (
            "tệp khai báo bảng mã `encoding={name!r}`; {hint}",
            "the file declares encoding={name!r}; {hint}",
        ),
        "osm.not_utf8": (
            "tệp không phải UTF-8 (byte 0x{byte} ở dòng {line}); có vẻ là bảng mã cũ như "
            "windows-1258 hay latin-1; {hint}",
            "the file is not UTF-8 (byte 0x{byte} on line {line}); it looks like a legacy "
            "encoding such as windows-1258 or latin-1; {hint}",
        ),
        "osm.tag_name": ("thẻ {k!r}", "tag {k!r}"),
        "osm.too_long": (
            "{name} của {where} dài {length:,} ký tự; OpenStreetMap chỉ cho phép {cap}: tệp "
            "bị hỏng hoặc bị làm giả, hãy xuất lại tệp",
            "{name} of {where} is {length:,} characters long; OpenStreetMap allows {cap}: "
            "the file is damaged or crafted, export it again",
        ),
        "osm.bad_coords": (
            "{where} có lat={lat!r}, lon={lon!r}: toạ độ phải là số độ hữu hạn (vĩ độ -90…90, "
            "kinh độ -180…180); hãy sửa điểm này trong JOSM hoặc xuất lại khu vực",
            "{where} has lat={lat!r}, lon={lon!r}: coordinates must be finite degrees "
            "(latitude -90…90, longitude -180…180); fix the node in JOSM or export the "
            "area again",
        ),
        "osm.duplicate": (
            "{where} xuất hiện hai lần với dữ liệu khác nhau (gộp hai lần xuất?); osmnx sẽ chỉ "
            "giữ một: hãy xoá bản trùng (JOSM: `Validation → duplicated ways/nodes`) hoặc xuất "
            "lại khu vực",
            "{where} appears twice with different data (two exports merged?); osmnx would "
            "keep only one of them: remove the duplicate (JOSM: Validation → duplicated "
            "ways/nodes) or export the area again",
        ),
        "osm.dtd": (
            "tệp khai báo DTD (`<!DOCTYPE …>`), điều mà tệp OpenStreetMap không bao giờ có; "
            "covplan từ chối (thực thể trong DTD có thể phình vài KB thành hàng gigabyte): hãy "
            "xuất lại khu vực từ openstreetmap.org hoặc JOSM",
            "the file declares a DTD (<!DOCTYPE …>), which OpenStreetMap files never do; "
            "covplan refuses it (entities in a DTD can expand a few KB into gigabytes): "
            "export the area again from openstreetmap.org or JOSM",
        ),
        "osm.entities": (
            "tệp dùng thực thể XML ({kind}), điều mà tệp OpenStreetMap không bao giờ có; "
            "covplan từ chối: hãy xuất lại khu vực",
            "the file uses XML entities ({kind}), which OpenStreetMap files never do; "
            "covplan refuses them: export the area again",
        ),
        "osm.bad_compressed": (
            "không đọc được tệp nén ({err}); tệp bị cắt dở hoặc hỏng: hãy tải lại",
            "cannot read the compressed file ({err}); it is truncated or damaged: "
            "download it again",
        ),
        "osm.no_xml": (
            "tệp không chứa XML; hãy cho một tệp .osm xuất từ OpenStreetMap",
            "the file holds no XML; give an .osm file exported from OpenStreetMap",
        ),
        "osm.no_nodes": (
            "tệp OSM không có điểm (node) nào; hãy xuất một khu vực rộng hơn hoặc kiểm tra việc "
            "xuất đã xong chưa",
            "the OSM file has no nodes; export a larger area or check the export finished",
        ),
        "osm.copies": (
            "{file}: {n} phần tử có hai bản giống hệt nhau, chỉ đọc một lần: {which}",
            "{file}: {n} element(s) given twice with the same data, read once: {which}",
        ),
        "osm.not_found": (
            "không tìm thấy tệp; hãy cho đường dẫn của một tệp OpenStreetMap .osm hoặc .osm.bz2",
            "file not found; give the path of an OpenStreetMap .osm or .osm.bz2 file",
        ),
        "osm.is_folder": (
            "đây là thư mục, không phải tệp; hãy cho tệp .osm (hoặc .osm.bz2, .osm.gz) bên trong",
            "is a folder, not a file; give the .osm (or .osm.bz2, .osm.gz) file inside it",
        ),
        "osm.empty": (
            "tệp rỗng; hãy xuất lại khu vực từ openstreetmap.org (`Export` → .osm)",
            "the file is empty; export the area again from openstreetmap.org (Export → .osm)",
        ),
        "osm.not_osm": (
            "đây là XML nhưng không phải dữ liệu OpenStreetMap (phần tử gốc là `<{root}>`, "
            "không phải `<osm>`); hãy cho một tệp .osm xuất từ OSM",
            "this is XML but not OpenStreetMap data (its root element is <{root}>, not "
            "<osm>); give an .osm file exported from OSM",
        ),
        "osm.bad_xml": (
            "XML sai cấu trúc ở dòng {line}, cột {col} ({err}); tệp bị hỏng hoặc cắt dở: hãy "
            "tải hoặc xuất lại",
            "not well-formed XML at line {line}, column {col} ({err}); the file is damaged "
            "or truncated: download or export it again",
        ),
        "osm.bounds_incomplete": (
            "phần tử `<bounds>` thiếu thông tin; hãy cho `bbox=(west, south, east, north)`",
            "the <bounds> element is incomplete; give bbox=(west, south, east, north)",
        ),
        "osm.bbox_shape": (
            "`bbox` phải là (tây, nam, đông, bắc) tính bằng độ",
            "bbox must be (west, south, east, north) in degrees",
        ),
        "osm.bbox_order": (
            "`bbox` phải là (tây, nam, đông, bắc) tính bằng độ, với tây < đông và nam < bắc",
            "bbox must be (west, south, east, north) in degrees with west < east and south < north",
        ),
        "osm.boundary_polygon": (
            "ranh giới phường phải là một đa giác theo kinh độ/vĩ độ (EPSG:4326)",
            "the ward boundary must be a polygon in longitude/latitude (EPSG:4326)",
        ),
        "osm.no_graph": (
            "osmnx không dựng được mạng đường ({err}); tệp OSM này đã được xuất đầy đủ chưa?",
            "osmnx could not build a street graph ({err}); is this a complete OSM export?",
        ),
        "osm.no_bounds_no_nodes": (
            "tệp không có `<bounds>` và không có điểm nào; hãy cho "
            "`bbox=(west, south, east, north)`",
            "the file has no <bounds> and no nodes; give bbox=(west, south, east, north)",
        ),
        "osm.no_bounds": (
            "{file} không có `<bounds>`; dùng phạm vi các điểm của tệp",
            "{file} has no <bounds>; using the extent of its nodes",
        ),
        # ---- building an area (covplan.area._load, _area, groups)
        "area.bad_polygon": (
            "polygon phải là một đa giác shapely khác rỗng theo kinh độ/vĩ độ (EPSG:4326)",
            "polygon must be a non-empty shapely Polygon in longitude/latitude (EPSG:4326)",
        ),
        "area.routes_not_found": (
            "không tìm thấy tệp; hãy cho một tệp GeoPackage, GeoJSON hoặc Shapefile chứa các tuyến",
            "file not found; give a GeoPackage, GeoJSON or Shapefile of routes",
        ),
        "area.no_route_lines": (
            "không có đường tuyến nào; hãy vẽ tuyến bằng đường (LineString) (lớp `routes` "
            "trong GeoPackage)",
            "no route lines found; draw routes as LineStrings (a 'routes' layer in a GeoPackage)",
        ),
        "area.no_route_inside": (
            "không có đường phố, kiệt hẻm hay lối đi nào nằm trong khu vực; hãy kiểm tra ranh "
            "giới hoặc tệp",
            "no street, alley or path lies inside the area; check the bounds or the file",
        ),
        "area.bad_kinds": (
            "loại tuyến phải thuộc `street` (đường phố), `alley` (kiệt/hẻm), `lane` (ngõ), "
            "`path` (lối đi)",
            "kinds must be among street, alley, lane, path",
        ),
        "area.gis_unreadable": (
            "không đọc được như dữ liệu GIS ({err}); hãy lưu thành GeoPackage hoặc GeoJSON",
            "cannot read it as GIS data ({err}); save it as GeoPackage or GeoJSON",
        ),
        "area.layer_no_crs": (
            "lớp không có hệ toạ độ (CRS); hãy đặt trong QGIS (`Layer → Set CRS`) rồi lưu lại",
            "the layer has no CRS; set it in QGIS (Layer → Set CRS) and save again",
        ),
        "area.unknown_layer": (
            "không có lớp {layer!r}; hãy chọn một trong {layers}",
            "unknown layer {layer!r}; choose one of {layers}",
        ),
        "area.no_crs": (
            "{what} không có hệ toạ độ (CRS); hãy đặt trước bằng `.set_crs(4326)` (kinh độ/vĩ độ)",
            "{what} has no CRS; set one with .set_crs(4326) (longitude/latitude) first",
        ),
        "area.in_degrees": (
            "{what} đang tính bằng độ ({crs}); hãy chiếu sang mét trước, ví dụ "
            "`.to_crs(area.crs)` (EPSG:32648 cho Huế và TP Hồ Chí Minh)",
            "{what} is in degrees ({crs}); project it to metres first, e.g. .to_crs(area.crs) "
            "(EPSG:32648 for Huế and Ho Chi Minh City)",
        ),
        "groups.not_found": (
            "không tìm thấy tệp tổ dân phố; hãy cho một tệp GeoJSON hoặc GeoPackage chứa các "
            "đa giác",
            "residential-group file not found; give a GeoJSON or GeoPackage of polygons",
        ),
        "groups.unreadable": (
            "không đọc được như dữ liệu GIS ({err}); hãy lưu thành GeoJSON hoặc GeoPackage",
            "cannot read it as GIS data ({err}); save it as GeoJSON or GeoPackage",
        ),
        "groups.no_crs": (
            "lớp tổ dân phố không có hệ toạ độ (CRS); hãy đặt (EPSG:4326) rồi lưu lại",
            "the groups layer has no CRS; set it (EPSG:4326) and save again",
        ),
        "groups.not_polygon": (
            "tổ dân phố phải là đa giác; hãy vẽ lại đối tượng này thành đa giác",
            "residential groups must be polygons; redraw this feature as a polygon",
        ),
        "groups.duplicate_id": (
            "mã tổ bị trùng; hãy cho mỗi tổ dân phố một mã riêng",
            "duplicate group id; give each residential group its own id",
        ),
        "groups.zones_unreadable": (
            "không đọc được vùng ưu tiên ({err}); hãy cho một tệp GeoJSON, GeoPackage hoặc "
            "Shapefile",
            "cannot read the priority zones ({err}); give a GeoJSON, GeoPackage or Shapefile",
        ),
        "groups.zones_no_crs": (
            "vùng ưu tiên không có hệ toạ độ (CRS); hãy lưu tệp kèm hệ toạ độ (ví dụ EPSG:4326)",
            "the priority zones have no CRS; save the file with one (e.g. EPSG:4326)",
        ),
        "groups.zones_no_polygon": (
            "vùng ưu tiên không có đa giác nào; hãy vẽ các điểm nóng thành vùng",
            "the priority zones hold no polygon; draw the hot spots as areas",
        ),
        # ---- reading a camera's picture (covplan.check.capture)
        "capture.bad_seconds": (
            "{name} phải là số giây dương, không phải {value!r}",
            "{name} must be a positive number of seconds, not {value!r}",
        ),
        "capture.bad_scheme": (
            "không hỗ trợ kiểu luồng {scheme!r} trong {url}; hãy dùng rtsp://, http:// hoặc một "
            "tệp",
            "unsupported stream scheme {scheme!r} in {url}; use rtsp://, http:// or a file",
        ),
        "capture.bad_counts": (
            "max_frames ({n_max}) và stride ({stride}) phải ít nhất là 1",
            "max_frames ({n_max}) and stride ({stride}) must be at least 1",
        ),
        "capture.bad_port": (
            "cổng sai trong {url}; hãy cho một số từ 1 đến 65535",
            "bad port in {url}; give a number from 1 to 65535",
        ),
        "capture.bad_logins": (
            "max_failed_logins phải ít nhất là 1, không phải {value!r}",
            "max_failed_logins must be at least 1, not {value!r}",
        ),
        "capture.failed": ("không lấy được hình: {why}", "capture failed: {why}"),
        "capture.unreadable": ("không đọc được {what}", "cannot read {what}"),
        "capture.no_frame": (
            "{url}: không đọc được khung hình nào trước khi hết thời gian",
            "{url}: no frame read before the time limit",
        ),
        "capture.file_not_found": (
            "không tìm thấy tệp video {path}; hãy cho một tệp có sẵn hoặc địa chỉ luồng (URL)",
            "video file {path} not found; give an existing file or a stream URL",
        ),
        "capture.cannot_open": (
            "OpenCV không mở được {path}; đây có phải tệp video (AVI, MP4, MKV) không?",
            "OpenCV cannot open {path}; is it a video file (AVI, MP4, MKV)?",
        ),
        "capture.no_frames": (
            "{path} không có khung hình nào đọc được; tệp đã đầy đủ chưa?",
            "{path} has no readable frames; is the file complete?",
        ),
        # ---- planning options (covplan.plan.options, covplan.plan.pipeline)
        "options.whole": ("một số nguyên ≥ 1", "a whole number ≥ 1"),
        "options.metres": ("một số mét > 0", "a number of metres > 0"),
        "options.seconds": ("một số giây > 0", "a number of seconds > 0"),
        "options.write": ("{name} = {value!r}: hãy ghi {what}", "{name} = {value!r}: write {what}"),
        "options.headings": (
            "headings = {value!r}: nhiều nhất {most} (mỗi 5°); nhiều hơn chỉ làm tăng khối "
            "lượng tính",
            "headings = {value!r}: at most {most} (every 5°); more only multiplies the work",
        ),
        "options.camera_class": (
            "camera_class {value!r}: hãy dùng một trong {choices}",
            "camera_class {value!r}: use one of {choices}",
        ),
        "options.hfov": (
            "hfov_deg = {value!r}: hãy ghi số độ trong khoảng (0, 360]",
            "hfov_deg = {value!r}: write degrees in (0, 360]",
        ),
        "options.budget": (
            "budget_vnd = {value!r}: hãy ghi một số nguyên VNĐ > 0",
            "budget_vnd = {value!r}: write a whole number of VND > 0",
        ),
        "options.solver": (
            "`solver` {value!r}: hãy dùng một trong {choices}",
            "solver {value!r}: use one of {choices}",
        ),
        "options.pinned_forbidden": (
            "vị trí vừa được ghim vừa bị cấm: {sites}; hãy chọn một",
            "sites both pinned and forbidden: {sites}; choose one",
        ),
        "options.bad_many": (
            "tuỳ chọn lập kế hoạch không hợp lệ:",
            "bad planning options:",
        ),
        "options.bad_one": (
            "tuỳ chọn lập kế hoạch không hợp lệ: {problem}",
            "bad planning option: {problem}",
        ),
        "options.route_kind": (
            "mức cho loại tuyến {kind!r}: các loại tuyến là {kinds}",
            "level for route kind {kind!r}: kinds are {kinds}",
        ),
        "options.level_for": (
            "mức {level!r} cho {kind}: các mức là {levels}",
            "level {level!r} for {kind}: levels are {levels}",
        ),
        "options.end_level": (
            "end_level {level!r}: các mức là {levels}",
            "end_level {level!r}: levels are {levels}",
        ),
        "options.level": (
            "mức {level!r}: các mức là {levels}",
            "level {level!r}: levels are {levels}",
        ),
        "options.unknown_spec": (
            "không có loại camera {specs}: danh mục có {known}",
            "unknown camera spec {specs}: the catalogue has {known}",
        ),
        "options.unknown_site": (
            "không có vị trí {sites}: đây không phải vị trí ứng viên với khoảng cách vị trí "
            "{spacing:g} m; hãy dùng một mã trong các vị trí của kế hoạch (ví dụ {sample})",
            "unknown site {sites}: not a candidate site at {spacing:g} m site spacing; use an "
            "id from the sites of the plan (e.g. {sample})",
        ),
        "options.site_state": (
            "trạng thái vị trí {state!r}: hãy dùng `'pin'` (ghim), `'forbid'` (cấm) hoặc `None`",
            "site state {state!r}: use 'pin', 'forbid' or None",
        ),
        "options.unknown_option": (
            "không có tuỳ chọn lập kế hoạch {names}; các tuỳ chọn là {options}",
            "unknown planning option {names}; options are {options}",
        ),
        "pipeline.bad_survey": (
            "survey: cần một Survey hoặc một đường dẫn, nhận được {got}",
            "survey: expected a Survey or a path, got {got}",
        ),
        # ---- covplan batch (covplan.batch.extract, manifest, _cli)
        "batch.extract_not_found": (
            "không tìm thấy tệp; hãy cho đường dẫn của tệp trích xuất vùng (.osm.pbf, .osm, "
            ".osm.bz2)",
            "file not found; give the path of the regional extract (.osm.pbf, .osm, .osm.bz2)",
        ),
        "batch.extract_unreadable": (
            "không đọc được tệp trích xuất ({err}); hãy tải lại hoặc cho một tệp .osm.pbf",
            "cannot read the extract ({err}); download it again or give an .osm.pbf file",
        ),
        "batch.manifest_not_found": (
            "không tìm thấy tệp danh sách phường; hãy cho một tệp CSV hoặc XLSX, mỗi phường "
            "một dòng",
            "manifest not found; give a CSV or XLSX file with a row per ward",
        ),
        "batch.manifest_unreadable": (
            "không đọc được tệp danh sách phường ({err}); hãy cho một tệp CSV hoặc XLSX",
            "cannot read the manifest ({err}); give a CSV or XLSX",
        ),
        "batch.how.int": ("hãy ghi một số nguyên, ví dụ 4", "write a whole number, e.g. 4"),
        "batch.how.float": (
            "hãy ghi một số, ví dụ 10 hoặc 2,5",
            "write a number, e.g. 10 or 2.5",
        ),
        "batch.how.bool": ("hãy ghi có hoặc không (`yes`/`no`)", "write yes or no"),
        "batch.how.frozenset": (
            "hãy ghi các mã cách nhau bằng dấu ';'",
            "write ids separated by ';'",
        ),
        "batch.how.levels": (
            "hãy ghi MỨC hoặc LOẠI=MỨC;LOẠI=MỨC, ví dụ `alley=recognise`",
            "write LEVEL or KIND=LEVEL;KIND=LEVEL, e.g. alley=recognise",
        ),
        "batch.how.value": ("hãy ghi một giá trị", "write a value"),
        "batch.no_polygon": ("tệp không có đa giác nào", "no polygon in the file"),
        "batch.file_not_found": (
            "không tìm thấy tệp; hãy cho đường dẫn của {what}",
            "file not found; give the path of {what}",
        ),
        "batch.what.costs": (
            "một tệp chi phí (CSV như covplan/camera/costs.csv)",
            "a cost file (CSV like covplan/camera/costs.csv)",
        ),
        "batch.what.osm": (
            "một tệp OpenStreetMap (.osm, .osm.bz2, .osm.pbf)",
            "an OpenStreetMap file (.osm, .osm.bz2, .osm.pbf)",
        ),
        "batch.what.boundary": (
            "một tệp đa giác ranh giới (GeoJSON, GeoPackage) hoặc t,n,đ,b",
            "a boundary polygon file (GeoJSON, GeoPackage) or w,s,e,n",
        ),
        "batch.not_a_value": (
            "không phải giá trị của {name}; {how}",
            "is not a value of {name}; {how}",
        ),
        "batch.osm_and_place": (
            "mỗi phường chỉ cho `osm` hoặc `place`, không cho cả hai",
            "give either osm or place for a ward, not both",
        ),
        "batch.osm_or_place": (
            "hãy cho một tệp OSM (cột `osm`) hoặc một tên địa danh (`place`)",
            "give an OSM file (column osm) or a place name (place)",
        ),
        "batch.pbf_needs_boundary": (
            "tệp trích xuất .osm.pbf cần ranh giới (một tệp đa giác hoặc t,n,đ,b)",
            "an .osm.pbf extract needs a boundary (a polygon file or w,s,e,n)",
        ),
        "batch.boundary_with_place": (
            "ranh giới dùng để cắt một tệp `osm`; hãy để trống",
            "a boundary clips an osm file; leave it empty",
        ),
        "batch.bad_box": (
            "hãy ghi khung là tây,nam,đông,bắc (`west,south,east,north`) tính bằng độ",
            "write the box as west,south,east,north in degrees",
        ),
        "batch.bad_polygon": (
            "không đọc được đa giác từ tệp ({err})",
            "cannot read a polygon from it ({err})",
        ),
        "batch.unknown_column": (
            "cột không nhận ra; hãy dùng {columns} hoặc một tuỳ chọn lập kế hoạch ({options})",
            "unknown column; use {columns} or a planning option ({options})",
        ),
        "batch.add_name": (
            "hãy thêm cột `name` (tên phường)",
            "add a column name (the ward's name)",
        ),
        "batch.add_osm": (
            "hãy thêm cột `osm` (một tệp OpenStreetMap) hoặc `place` (một tên địa danh)",
            "add a column osm (an OpenStreetMap file) or place (a place name)",
        ),
        "batch.give_name": (
            "hãy cho tên phường (chữ hoặc số)",
            "give the ward's name (letters or digits)",
        ),
        "batch.same_name": (
            "trùng tên phường với dòng {row}; hãy đặt tên khác",
            "the same ward name as row {row}; give another",
        ),
        "batch.yes_no": ("hãy ghi có hoặc không (`yes`/`no`)", "write yes or no"),
        "batch.no_ward": (
            "tệp danh sách không có phường nào; hãy thêm mỗi phường một dòng",
            "the manifest has no ward; add a row per ward",
        ),
        "batch.workers": (
            "--workers: hãy ghi một số nguyên ≥ 1",
            "--workers: write a whole number ≥ 1",
        ),
        # ---- the campaign register (covplan.campaign._plan, _values, schema, workbook)
        "campaign.plan_file_missing": (
            "thư mục kế hoạch thiếu {name}; hãy ghi kế hoạch bằng `covplan plan`",
            "{name} is missing from the plan folder; write the plan with `covplan plan`",
        ),
        "campaign.no_plan_folder": (
            "không có thư mục kế hoạch {folder}; hãy ghi một thư mục bằng `covplan plan`",
            "plan folder {folder} does not exist; write one with `covplan plan`",
        ),
        "campaign.not_money": (
            "{what} {value!r} không phải một số tiền; hãy ghi số nguyên VNĐ, ví dụ 200000",
            "{what} {value!r} is not a sum of money; give whole VND, e.g. 200000",
        ),
        "campaign.fractional": (
            "{what} {value!r} là số {kind}: hãy ghi số nguyên VNĐ (ví dụ {example}); số tiền "
            "không bao giờ có phần lẻ",
            "{what} {value!r} is a {kind}: give whole VND as an integer (e.g. {example}); "
            "amounts are never fractional",
        ),
        "campaign.not_whole_vnd": (
            "{what} {value!r} không phải số nguyên VNĐ; chỉ ghi chữ số, ví dụ 200000 hoặc "
            "200.000 (không có phần thập phân: số tiền là số đồng chẵn)",
            "{what} {value!r} is not whole VND; write digits only, e.g. 200000 or 200.000 "
            "(no decimals: amounts are whole đồng)",
        ),
        "campaign.not_positive": (
            "{what} {value} phải là số nguyên VNĐ dương; muốn sửa một khoản, hãy đảo khoản đó "
            "(`covplan campaign reverse ENTRY_ID`) thay vì ghi số âm",
            "{what} {value} must be a positive whole number of VND; to correct an entry, "
            "reverse it (covplan campaign reverse ENTRY_ID) instead of a negative amount",
        ),
        "campaign.not_households": (
            "{what} {value!r} không phải số hộ nguyên; hãy ghi ví dụ 42",
            "{what} {value!r} is not a whole number of households; write e.g. 42",
        ),
        "campaign.not_date": (
            "{what} {value!r} không phải ngày; hãy ghi YYYY-MM-DD (ví dụ 2026-06-20) hoặc "
            "DD/MM/YYYY",
            "{what} {value!r} is not a date; write YYYY-MM-DD (e.g. 2026-06-20) or DD/MM/YYYY",
        ),
        "campaign.not_known": (
            "{what} {value!r} không nhận ra; hãy dùng một trong {choices}",
            "{what} {value!r} is not known; use one of {choices}",
        ),
        "campaign.empty": (
            "{what} đang trống; hãy ghi vào (ví dụ số biên lai hoặc số hoá đơn ghi trên giấy)",
            "{what} is empty; give it (e.g. the receipt or invoice number written on paper)",
        ),
        "campaign.bad_db": (
            "cơ sở dữ liệu {shown!r} không phải đường dẫn tệp cũng không phải URL "
            "postgresql://; hãy cho một trong hai",
            "database {shown!r} is neither a file path nor a postgresql:// URL; give one of them",
        ),
        "campaign.no_register": (
            "không có sổ theo dõi vận động tại {path}; hãy tạo bằng `covplan campaign init`",
            "no campaign register at {path}; start one with `covplan campaign init`",
        ),
        "campaign.cannot_open": (
            "không mở được sổ theo dõi {url}: {first}; hãy kiểm tra --db và máy chủ",
            "cannot open the register {url}: {first}; check --db and the server",
        ),
        "campaign.bad_workbook": (
            "không đọc được {name} như một sổ XLSX ({err}); hãy cho sổ theo dõi đã xuất",
            "cannot read {name} as an XLSX workbook ({err}); give the exported register",
        ),
        "campaign.bad_kind": (
            "khoản tiền {entry}: loại {kind!r} không phải khoản đóng góp cũng không phải khoản chi",
            "money entry {entry}: kind {kind!r} is neither a contribution nor spending",
        ),
        "campaign.no_sheets": (
            "sổ không có trang tiền hay trang nhật ký công việc; hãy cho một sổ theo dõi do "
            "covplan xuất",
            "the workbook has no money or work-log sheet; give a register exported by covplan",
        ),
        # ---- the campaign register's commands (covplan.campaign.register)
        "campaign.no_id": (
            "cơ sở dữ liệu không trả về mã cho dòng mới",
            "the database returned no id for the new row",
        ),
        "campaign.name_taken": (
            "sổ theo dõi đã có một đợt vận động tên {name!r}; hãy cho --name khác",
            "the register already has a campaign named {name!r}; give another --name",
        ),
        "campaign.none_word": ("không có", "none"),
        "campaign.no_campaign": (
            "không có đợt vận động nào trong {db} (các đợt: {names}); hãy tạo bằng "
            "`covplan campaign init` hoặc cho --campaign",
            "no campaign in {db} (campaigns: {names}); start one with `covplan campaign init` "
            "or give --campaign",
        ),
        "campaign.several": (
            "có nhiều đợt vận động trong {db} (các đợt: {names}); hãy tạo bằng "
            "`covplan campaign init` hoặc cho --campaign",
            "several campaigns in {db} (campaigns: {names}); start one with "
            "`covplan campaign init` or give --campaign",
        ),
        "campaign.before_start": (
            "{what} {day} trước ngày bắt đầu đợt vận động ({start}); hãy kiểm tra ngày",
            "{what} {day} is before the campaign started ({start}); check the date",
        ),
        "campaign.unknown_group": (
            "không có tổ {gid!r}; các tổ của đợt vận động là {groups}",
            "unknown group {gid!r}; the campaign's groups are {groups}",
        ),
        "campaign.unknown_subject_codes": (
            "không có camera hay hộ {sid!r}; camera có mã {first}…{last} (xem "
            "`covplan campaign report`), hộ có mã bí danh (`own-…`)",
            "unknown camera or household {sid!r}; cameras are {first}…{last} (see covplan "
            "campaign report), households their pseudonymous ids (own-…)",
        ),
        "campaign.unknown_subject": (
            "không có camera hay hộ {sid!r}",
            "unknown camera or household {sid!r}",
        ),
        "campaign.or": (" hoặc ", " or "),
        "campaign.nothing_next": (
            "không còn gì (công việc đã xong)",
            "nothing (the work is done)",
        ),
        "campaign.kind_camera": ("camera {kind}", "{kind} camera"),
        "campaign.household": ("hộ", "household"),
        "campaign.skips_step": (
            "{sid} ({what}) đang ở {now}: không thể chuyển sang {to} — như vậy là bỏ qua một "
            "bước; bước tiếp theo là {nxt}",
            "{sid} ({what}) is {now}: it cannot become {to} — that skips a step; next is {nxt}",
        ),
        "campaign.before_last": (
            "ngày {when} trước lần thay đổi gần nhất của {sid} ({last}); hãy kiểm tra ngày",
            "date {when} is before {sid}'s last change ({last}); check the date",
        ),
        "campaign.households_for": (
            "số hộ đồng ý ({yes}) phải từ 0 đến tổng số hộ ({total}), tổng số > 0",
            "households for ({yes}) must be between 0 and the total ({total}), total > 0",
        ),
        "campaign.group_word": ("tổ {gid}", "group {gid}"),
        "campaign.none_adopted": (
            "chưa quyết định nào được đa số thông qua",
            "none was adopted by a majority",
        ),
        "campaign.none_recorded": ("chưa ghi quyết định nào", "none is recorded"),
        "campaign.no_decision": (
            "chưa có quyết định của người dân mở đợt đóng góp cho {what} ({why}); hãy ghi "
            "trước bằng `covplan campaign decide`",
            "no residents' decision opens a contribution round for {what} ({why}); record it "
            "first with `covplan campaign decide`",
        ),
        "campaign.before_decision": (
            "ngày {when} trước quyết định của người dân ngày {decided}",
            "date {when} is before the residents' decision of {decided}",
        ),
        "campaign.receipt_taken": (
            "biên lai {receipt!r} đã là khoản {entry}; số biên lai không được trùng",
            "receipt {receipt!r} is already entry {entry}; receipts are unique",
        ),
        "campaign.unknown_household": (
            "không có hộ {hid!r}; hãy cho mã bí danh của hộ (`own-…`) hoặc bỏ trống",
            "unknown household {hid!r}; give its pseudonymous id (own-…) or leave it out",
        ),
        "campaign.word.receipt": ("biên lai", "receipt"),
        "campaign.word.invoice": ("hoá đơn", "invoice"),
        "campaign.word.entry": ("khoản", "entry"),
        "campaign.number_taken": (
            "{what} này đã có trong sổ theo dõi (số không được trùng); hãy kiểm tra lại",
            "this {what} is already in the register (numbers are unique); check it",
        ),
        "campaign.unknown_camera": (
            "không có camera {code!r}; hãy cho mã camera của kế hoạch (N01, R01, K01…)",
            "unknown camera {code!r}; give the plan's codes (N01, R01, K01…)",
        ),
        "campaign.camera_group": (
            "camera {code} thuộc tổ {group}, không phải {gid}",
            "camera {code} is in group {group}, not {gid}",
        ),
        "campaign.not_entry": (
            "khoản {entry} không phải khoản đóng góp hay khoản chi của đợt vận động này",
            "entry {entry} is not a contribution or spending of this campaign",
        ),
        "campaign.already_reversed": (
            "khoản {entry} đã được đảo bởi khoản {by}",
            "entry {entry} is already reversed by entry {by}",
        ),
        # ==== end of the area/capture/plan/batch/campaign block
    }
)

#: The survey's numeric fields whose "what to write" has a message (``survey.what.<field>``).
CELL_FIELDS: tuple[str, ...] = (
    "hfov_deg",
    "resolution_px",
    "mount_height_m",
    "tilt_deg",
    "retention_days",
)


def current_lang() -> str:
    """Return the language in use: the one :func:`use_lang` set, else ``settings.lang``.

    Returns
    -------
    str
        ``"vi"`` or ``"en"``.
    """
    lang = _LANG.get()
    if lang is not None:
        return lang
    return str(settings.lang)


@contextlib.contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Use ``lang`` for every message that does not name a language, inside the block.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"``; None keeps the language in use.

    Yields
    ------
    str
        The language in use inside the block.
    """
    if lang is None:
        yield current_lang()
        return
    token = _LANG.set(_check_lang(lang))
    try:
        yield lang
    finally:
        _LANG.reset(token)


def message(key: str, lang: str | None = None, **fmt: object) -> str:
    """Return the message ``key`` in ``lang`` (the language in use when None).

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`, e.g. ``"survey.no_id"``.
    lang
        ``"vi"``, ``"en"`` or None (:func:`current_lang`).
    **fmt
        Values for ``{placeholders}``.

    Returns
    -------
    str
        The sentence, NFC-normalised.

    Raises
    ------
    KeyError
        When ``key`` is not a message (a typo must fail in tests, not print a key).
    """
    return _phrase(MESSAGES[key], key, lang or current_lang(), fmt)


def os_error_text(err: OSError, lang: str | None = None) -> str:
    """Say what an operating-system error means, in ``lang`` (the errno's name is kept).

    Parameters
    ----------
    err
        The error (``FileNotFoundError``, ``PermissionError``…).
    lang
        ``"vi"``, ``"en"`` or None (the language in use).

    Returns
    -------
    str
        E.g. ``"không có tệp hoặc thư mục này"``; in English the system's own words.
    """
    lang = lang or current_lang()
    if lang == "en" and err.strerror:
        return str(err.strerror)  # the system's own words
    code = err.errno
    name = _errno.errorcode.get(code, "") if code is not None else ""
    if f"os.{name}" in MESSAGES:
        return message(f"os.{name}", lang)
    if code is None:
        return message("os.other", lang, code=type(err).__name__)
    return message("os.other", lang, code=name or code)
