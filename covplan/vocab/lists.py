"""Words of the printed lists: work sheets, outreach lists, totals and summary sheets.

The technician's work sheet per alley and the residential-group leader's outreach list
(``covplan.export.worksheets``, ``covplan.export.outreach``) and the XLSX print setup
(totals row, summary sheet) take their words from :data:`LISTS`, in Vietnamese and
English, NFC-normalised.
"""

from __future__ import annotations

from covplan.vocab import _nfc, _phrase

__all__ = ["LISTS", "SUMMARY", "list_word", "summary_word"]

#: Phrases of the printed lists, keyed by what they say.
LISTS: dict[str, dict[str, str]] = _nfc(
    {
        # XLSX print setup
        "totals_row": ("Tổng cộng: {n} dòng", "Total: {n} rows"),
        "summary_sheet": ("Tổng hợp", "Summary"),
        "open_map": ("Mở bản đồ", "Open map"),
        "item": ("Mục", "Item"),
        "value": ("Số liệu", "Figure"),
        "rows": ("Số dòng", "Rows"),
        "by_group": ("Theo tổ dân phố", "By residential group"),
        "by_phase": ("Theo giai đoạn", "By phase"),
        "whole_cost": ("Chi phí trọn gói (VNĐ)", "Whole cost (VND)"),
        "made_on": ("Lập ngày", "Made on"),
        # work sheets per alley
        "worksheet_title": ("Phiếu thi công: {route}", "Work sheet: {route}"),
        "worksheet_sheet": ("Phiếu thi công", "Work sheets"),
        "worksheets_index": ("Danh sách phiếu thi công", "Work sheets"),
        "installed": ("Đã lắp", "Installed"),
        "checked": ("Đã kiểm tra hình", "Picture checked"),
        "tick": ("☐", "☐"),
        "what_to_do": ("Việc cần làm", "What to do"),
        "do_install": ("Lắp mới", "Install"),
        "do_reaim": ("Xoay từ {now} sang {new}", "Turn from {now} to {new}"),
        "cable_power": ("Cáp và nguồn điện", "Cable and power"),
        "cable_note": (
            "Cáp mạng và nguồn: kéo từ nhà hoặc cơ sở gần nhất đã đồng ý; mỗi camera mới "
            "cần một ổ điện 220 V hoặc nguồn PoE và đường internet của hộ dân (hoặc SIM 4G).",
            "Network cable and power from the nearest house or business that agreed; each new "
            "camera needs a 220 V socket or PoE and the household's internet (or a 4G SIM).",
        ),
        "pole_note": (
            "{n} camera gắn lên cột điện, cột đèn: cần điện lực hoặc đơn vị chiếu sáng đồng ý.",
            "{n} cameras on power poles or street lamps: the power company or the lighting "
            "office must agree.",
        ),
        "wall_note": (
            "{n} camera gắn lên tường nhà: cần chủ nhà đồng ý trước khi lắp.",
            "{n} cameras on house walls: the owner must agree before the install.",
        ),
        "new_pole_note": (
            "{n} cột thép mới: xin phép phường trước khi trồng cột.",
            "{n} new steel poles: ask the ward's leave before setting them.",
        ),
        "signature": (
            "Thợ lắp: ............  Ngày: ....../....../......  Tổ trưởng: ............",
            "Technician: ............  Date: ....../....../......  Group leader: ............",
        ),
        "no_cameras_here": ("Tuyến này không có camera cần lắp hay xoay.", "Nothing to do here."),
        "map_clip": ("Sơ đồ vị trí", "Where they go"),
        # outreach lists per residential group
        "outreach_title": ("Danh sách đến nhà vận động: {group}", "Door-to-door list: {group}"),
        "outreach_sheet": ("Vận động", "Outreach"),
        "visit_reaim": ("Xoay hướng camera", "Re-aim the camera"),
        "visit_keep": ("Giữ hướng, chia sẻ hình", "Keep and share"),
        "visit_join": ("Có thể tham gia", "Could join"),
        "visit_host": ("Cho gắn camera mới", "Host a new camera"),
        "ask_reaim": (
            "Xin xoay camera từ {now} sang {new} (xoay {turn}°) và đồng ý chia sẻ hình "
            "cho Công an phường",
            "Ask to turn the camera from {now} to {new} ({turn}°) and to share its picture "
            "with the ward police",
        ),
        "ask_keep": (
            "Giữ nguyên hướng {now}; xin đồng ý chia sẻ hình cho Công an phường, lưu hình "
            "{days} ngày",
            "Keep it facing {now}; ask to share its picture with the ward police, keep "
            "{days} days of recording",
        ),
        "ask_keep_nodays": (
            "Giữ nguyên hướng {now}; xin đồng ý chia sẻ hình cho Công an phường",
            "Keep it facing {now}; ask to share its picture with the ward police",
        ),
        "ask_join": (
            "Camera hiện chưa dùng trong kế hoạch; hỏi chủ nhà có muốn tham gia, cho xem hướng "
            "hiện tại ({now})",
            "Camera not used by the plan yet; ask whether the owner would join, note its "
            "direction ({now})",
        ),
        "ask_host": (
            "Xin gắn camera {code} lên tường nhà (quay {new}, cao {m} m), dùng điện và mạng "
            "của nhà",
            "Ask to mount camera {code} on the wall (facing {new}, {m} m high), on the "
            "house's power and internet",
        ),
        "visit_kind": ("Loại việc", "Visit"),
        "ask": ("Việc cần hỏi", "What to ask"),
        "direction_now": ("Hướng hiện tại", "Direction now"),
        "direction_wanted": ("Hướng cần", "Direction wanted"),
        "done": ("Đã đến", "Visited"),
        "notes": ("Ghi chú", "Notes"),
        "no_visits": ("Tổ này không có hộ nào cần đến.", "No household to visit in this group."),
        "visits_count": ("{n} hộ, cơ sở cần đến", "{n} households or businesses to visit"),
        "privacy_note": (
            "Không có họ tên, số điện thoại (dữ liệu cá nhân); dùng --include-contacts để in kèm.",
            "No names or phones (personal data); use --include-contacts to print them.",
        ),
        "contacts_note": (
            "Có họ tên và số điện thoại: dữ liệu cá nhân, giữ kín, không chia sẻ.",
            "Names and phones included: personal data, keep private, do not share.",
        ),
    }
)

#: Phrases of the summary a ward office reads (:func:`covplan.plan.summary.summary_text`).
SUMMARY: dict[str, dict[str, str]] = _nfc(
    {
        "unseen_n": ("{n} điểm chưa thấy", "{n} points not seen"),
        "unseen_title": (
            "Còn {n} điểm chưa được quan sát, vì",
            "{n} points are not seen, because",
        ),
        "why_no_view": (
            "{n} điểm: không vị trí lắp nào nhìn thấy (nhà che hoặc quá xa)",
            "{n} points: no mount can see them (houses block them, or too far)",
        ),
        "why_too_few_views": (
            "{n} điểm: không đủ vị trí lắp để có hai camera cùng thấy",
            "{n} points: too few mounts see them for the two views they need",
        ),
        "why_budget": ("{n} điểm: ngân sách chưa đủ", "{n} points: the budget does not reach them"),
        "why_one_view": (
            "{n} điểm: mới có một camera thấy, cần hai",
            "{n} points: one camera sees them, two are needed",
        ),
        "why_not_chosen": (
            "{n} điểm: bộ giải dừng trước khi chọn đủ camera (hết thời gian)",
            "{n} points: the solver stopped before choosing enough cameras (time limit)",
        ),
        "unseen_where": ("Nhiều nhất ở", "Most on"),
        "pilot_alley": ("{alley} thí điểm", "Pilot {alley}"),
        "sure_title": ("Độ chắc chắn", "How sure"),
        "sure_proven": (
            "tối ưu đã chứng minh (không thể ít camera mới hơn)",
            "proven optimal (no plan needs fewer new cameras)",
        ),
        "sure_gap": (
            "cách tối ưu tối đa {n} camera (ít nhất cũng cần {bound} camera mới)",
            "at most {n} cameras from the optimum (at least {bound} new cameras are needed)",
        ),
        "sure_budget": (
            "kế hoạch theo ngân sách: thấy nhiều nhất có thể trong số tiền đã cho",
            "a budget plan: as much seen as the money allows",
        ),
        "sure_unknown": (
            "chưa chứng minh được là ít camera nhất",
            "not proven to need the fewest cameras",
        ),
    }
)


def summary_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the summary phrase ``key`` of :data:`SUMMARY` in ``lang``, formatted.

    Parameters
    ----------
    key
        A key of :data:`SUMMARY`.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for the ``{placeholders}``.

    Returns
    -------
    str
        The phrase.
    """
    return _phrase(SUMMARY.get(key), key, lang, fmt)


def list_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the list phrase ``key`` of :data:`LISTS` in ``lang``, formatted.

    Parameters
    ----------
    key
        A key of :data:`LISTS`.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for the ``{placeholders}``.

    Returns
    -------
    str
        The phrase.
    """
    return _phrase(LISTS.get(key), key, lang, fmt)
