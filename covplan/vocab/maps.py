"""Words of the maps a person reads: the phone map, the KML/KMZ and the printed pages.

One table (:data:`MAP_WORDS`), Vietnamese and English, NFC-normalised; look a phrase up
with :func:`map_word`. Column headers and category values stay in :mod:`covplan.vocab`
(:func:`~covplan.vocab.header`, :func:`~covplan.vocab.translate_value`).
"""

from __future__ import annotations

from covplan.vocab import LANGS, _check_lang, _nfc, _phrase

__all__ = ["LANGS", "MAP_WORDS", "map_word"]

#: Phrases of the phone map, the KMZ and the printed maps, keyed by what they say.
MAP_WORDS: dict[str, dict[str, str]] = _nfc(
    {
        # ---- the phone map (map.html)
        "legend": ("Chú giải và lớp bản đồ", "Legend and layers"),
        "camera_list": ("Danh sách camera ({n})", "Camera list ({n})"),
        "offline_ready": (
            "Dùng được khi không có mạng: mọi lớp nằm trong tệp này.",
            "Works without a network: every layer is inside this file.",
        ),
        "offline_tiles": (
            "Không có mạng: nền bản đồ OpenStreetMap không tải được; "
            "tuyến, nhà và camera vẫn đầy đủ.",
            "No network: the OpenStreetMap background cannot load; "
            "routes, buildings and cameras are all here.",
        ),
        "background": ("Nền OpenStreetMap (cần mạng)", "OpenStreetMap background (online)"),
        "buildings_layer": ("Nhà", "Buildings"),
        "open_map_app": ("Mở bằng ứng dụng bản đồ", "Open in a map app"),
        "open_osm": ("Xem trên OpenStreetMap", "View on OpenStreetMap"),
        "open_google": ("Xem trên Google Maps", "View on Google Maps"),
        "show_on_map": ("Bấm để xem trên bản đồ", "Tap to show on the map"),
        "route_popup_seen": ("Tỉ lệ quan sát: {share}", "Share seen: {share}"),
        "heading_text": ("{deg}° ({word})", "{deg}° ({word})"),
        "turn_text": ("{now}° → {new}° ({word})", "{now}° → {new}° ({word})"),
        "no_cameras": ("Không có camera trong kế hoạch.", "No camera in the plan."),
        # ---- KML / KMZ
        "kmz_group": ("{ward} — {group}", "{ward} — {group}"),
        "kmz_phase": ("{ward} — {phase}", "{ward} — {phase}"),
        "no_group_kmz": ("Chưa thuộc tổ dân phố", "Outside any residential group"),
        # ---- printed maps
        "unnamed_route": ("Tuyến không tên", "Unnamed route"),
        "unnamed_alley": ("Kiệt/hẻm không tên", "Unnamed alley"),
        "unnamed_near": ("{what} cạnh {street}", "{what} off {street}"),
        "sheet_map": ("Bản đồ khu vực {n}/{total}", "Area sheet {n}/{total}"),
        "sheet_index": ("Các khu vực in riêng: xem trang sau", "Area sheets follow"),
        "route_pages_elsewhere": (
            "Sơ đồ từng tuyến: xem phiếu thi công (worksheets.pdf)",
            "Route maps: see the work sheets (worksheets.pdf)",
        ),
        "camera_table": ("Danh sách camera", "Camera list"),
        "camera_table_cont": (
            "Danh sách camera (tiếp, {first}–{last} / {total})",
            "Camera list (continued, {first}–{last} of {total})",
        ),
        "camera_table_more": (
            "… còn {n} camera: xem danh sách ở trang {page}",
            "… {n} more cameras: see the list on page {page}",
        ),
        "gaps": ("Điểm chưa được quan sát: {n}", "Points left unseen: {n}"),
        "cameras_count": ("Camera trên tuyến: {n}", "Cameras on the route: {n}"),
        "col_code": ("Mã", "Code"),
        "col_heading": ("Hướng", "Heading"),
        "col_route": ("Tuyến", "Route"),
        "col_what": ("Việc cần làm", "What to do"),
        "col_model": ("Loại camera", "Camera model"),
        "col_phase": ("Giai đoạn", "Phase"),
    }
)


def map_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the map phrase ``key`` in ``lang``, its ``{placeholders}`` filled.

    Parameters
    ----------
    key
        A key of :data:`MAP_WORDS`, e.g. ``"legend"``.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for the phrase's placeholders.

    Returns
    -------
    str
        The phrase, NFC-normalised.

    Raises
    ------
    KeyError
        When ``key`` is not a map phrase.
    ValueError
        When ``lang`` is not supported.
    """
    _check_lang(lang)
    return _phrase(MAP_WORDS[key], key, lang, fmt)
