"""Words of the police-access room (:mod:`covplan.watch`): roles, stream health, sheets.

Vietnamese is the default; every phrase has its English twin, NFC-normalised like the
rest of :mod:`covplan.vocab`.

Examples
--------
>>> watch_word("cskv")
'Cảnh sát khu vực (CSKV)'
>>> watch_word("moved", lang="en")
'Turned away from its view'
"""

from __future__ import annotations

from covplan.vocab import LANGS, _check_lang, _nfc, _phrase

__all__ = ["APP_NAMES", "LANGS", "ROLE_ALIASES", "STATUS_ORDER", "WATCH_WORDS", "watch_word"]

#: Stream-health classes, from healthy to the worst a picture can be.
STATUS_ORDER: tuple[str, ...] = (
    "online",
    "moved",
    "frozen",
    "blurred",
    "dark",
    "refused",
    "offline",
)

#: Vendor apps an officer adds a camera to (by its serial / P2P id): brand names, one form.
APP_NAMES: dict[str, str] = {
    "hik-connect": "Hik-Connect",
    "imou": "Imou Life",
    "ezviz": "EZVIZ",
    "kbvision": "KBVIEW Plus",
    "dmss": "DMSS",
}

#: What officers' files write for a role, keyed by the role's id.
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "chi_huy": ("chỉ huy", "chi huy", "chi_huy", "chỉ huy trưởng", "commander", "trưởng công an"),
    "cskv": ("cskv", "cảnh sát khu vực", "canh sat khu vuc", "area officer"),
    "trinh_sat": ("trinh sát", "trinh sat", "trinh_sat", "investigator"),
}

#: Every phrase of the room.
WATCH_WORDS: dict[str, dict[str, str]] = _nfc(
    {
        # roles
        "chi_huy": ("Chỉ huy", "Commander"),
        "cskv": ("Cảnh sát khu vực (CSKV)", "Area officer (CSKV)"),
        "trinh_sat": ("Trinh sát", "Investigator"),
        # how a camera is reached
        "cloud": ("Ứng dụng của hãng", "Vendor's cloud app"),
        "server": ("Máy chủ của phường", "Ward's stream server"),
        # stream health
        "online": ("Hoạt động tốt", "Online"),
        "offline": ("Mất kết nối", "Offline"),
        "refused": ("Sai mật khẩu (không thử lại)", "Password refused (not retried)"),
        "dark": ("Hình tối hoặc bị che", "Dark or covered"),
        "blurred": ("Hình mờ", "Blurred"),
        "frozen": ("Hình đứng (không cập nhật)", "Frozen picture"),
        "moved": ("Bị xoay khỏi hướng ban đầu", "Turned away from its view"),
        "reference_stored": ("Đã lưu ảnh mẫu", "Reference frame stored"),
        # sheet and pages
        "sheet_title": ("Phiếu xem camera", "Camera viewing sheet"),
        "officer": ("Cán bộ", "Officer"),
        "role": ("Chức vụ", "Role"),
        "unit": ("Đơn vị", "Unit"),
        "camera": ("Camera", "Camera"),
        "place": ("Vị trí", "Place"),
        "group": ("Tổ dân phố", "Residential group"),
        "how": ("Cách xem", "How to watch"),
        "app": ("Ứng dụng", "App"),
        "device_id": ("Mã thiết bị (serial/P2P)", "Device id (serial/P2P)"),
        "not_recorded": ("chưa ghi trong sổ", "not in the register yet"),
        "stream_link": ("Đường dẫn xem trực tiếp", "Live view link"),
        "scan": (
            "Quét mã QR bằng ứng dụng để thêm camera",
            "Scan the QR code with the app to add the camera",
        ),
        "scan_link": ("Quét mã QR để mở hình trực tiếp", "Scan the QR code to open the live view"),
        "login_hint": (
            "Đăng nhập bằng mã cán bộ {user} và mật khẩu được cấp riêng",
            "Log in as {user} with the password handed to you in person",
        ),
        "no_cameras": ("Chưa được cấp quyền xem camera nào", "No camera granted yet"),
        "map": ("Sơ đồ camera", "Camera map"),
        "private": (
            "Tài liệu nội bộ của Công an phường — không chia sẻ",
            "Ward police internal document — do not share",
        ),
        "status_title": ("Tình trạng camera", "Camera status"),
        "checked_at": ("Kiểm tra lúc", "Checked at"),
        "status": ("Tình trạng", "Status"),
        "reason": ("Lý do", "Reason"),
        "seconds": ("Thời gian (giây)", "Time (s)"),
        "problems_title": ("Camera cần xử lý — {group}", "Cameras needing attention — {group}"),
        "no_problems": ("Không có sự cố", "No problems"),
        "in_charge": ("Cán bộ phụ trách", "Officer in charge"),
        "summary_line": (
            "{n} camera: {online} hoạt động tốt, {problems} cần xử lý",
            "{n} cameras: {online} online, {problems} need attention",
        ),
        "retention": ("Lưu hình {days} ngày", "Keeps {days} days of footage"),
        "config_done": (
            "{file}: {paths} luồng camera, {users} cán bộ; khởi động bằng {script}",
            "{file}: {paths} camera paths, {users} officers; start it with {script}",
        ),
        "passwords_done": (
            "mật khẩu mới của cán bộ trong {file} (riêng tư: giao tận tay rồi xoá tệp)",
            "new officer passwords in {file} (private: hand them out, then delete the file)",
        ),
        "no_streams": (
            "chưa có camera nào có đường dẫn luồng; ghi bằng `covplan watch reach`",
            "no camera has a stream URL yet; record them with `covplan watch reach`",
        ),
        "sheets_done": ("{n} tệp phiếu → {folder}", "{n} sheet files → {folder}"),
        "imported": ("{n} dòng đã ghi vào {db}", "{n} rows recorded in {db}"),
        "health_done": (
            "{n} camera kiểm tra trong {seconds:.1f} giây, {problems} cần xử lý → {page}",
            "{n} cameras checked in {seconds:.1f} s, {problems} need attention → {page}",
        ),
    }
)


def watch_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the phrase ``key`` of the police-access room in ``lang``.

    Parameters
    ----------
    key
        A key of :data:`WATCH_WORDS` (a role, a health class, a sheet label); an unknown
        key is returned as it is.
    lang
        ``"vi"`` (default) or ``"en"``.
    **fmt
        Values for the phrase's ``{placeholders}``.

    Returns
    -------
    str
        The phrase.
    """
    _check_lang(lang)
    return _phrase(WATCH_WORDS.get(key), key, lang, dict(fmt))
