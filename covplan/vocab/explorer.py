"""The words of the notebook explorer (:class:`covplan.widgets.PlanExplorer`), in vi and en.

Every word a planner reads on the explorer's panel and map — knob labels, their tooltips,
buttons, the click modes of the map, the legend, the scenario table, status lines — lives
here, Vietnamese first (the default) and English beside it, NFC-normalised. Shared concepts
(DORI levels, camera classes, pipeline stages, column headers) stay in :mod:`covplan.vocab`.

Examples
--------
>>> from covplan.vocab.explorer import explorer_word
>>> explorer_word("mode_forbid"), explorer_word("mode_forbid", "en")
('Cấm', 'Forbid')
>>> explorer_word("solved_in", "en", seconds=1.25)
'Solved in 1.2 s'
"""

from __future__ import annotations

from covplan.vocab import LANGS, _check_lang, _nfc, _phrase

__all__ = ["EXPLORER", "LANGS", "explorer_word"]

#: The explorer's words by key: ``{"vi": …, "en": …}``.
EXPLORER: dict[str, dict[str, str]] = _nfc(
    {
        # knobs (label, then the tooltip a hover shows)
        "any_spec": ("mọi loại", "any"),
        "spec": ("Loại camera", "Camera model"),
        "spec_tip": (
            "Loại camera lắp mới; «mọi loại» để bộ tối ưu chọn",
            "Model of the new cameras; «any» lets the optimiser choose",
        ),
        "camera_class": ("Nhóm camera", "Camera class"),
        "camera_class_tip": (
            "thường: camera 2–4 MP; cả danh mục: thêm mắt cá (fisheye)",
            "ordinary: 2–4 MP cameras; whole catalogue: fisheyes too",
        ),
        "fov": ("Góc nhìn° (0 = theo loại)", "FOV° (0 = the model's)"),
        "fov_tip": (
            "Góc nhìn ngang giả định của camera mới; 0 giữ góc của từng loại",
            "A hypothetical horizontal FOV for new cameras; 0 keeps each model's",
        ),
        "level": ("Mức DORI dọc kiệt", "DORI level along alleys"),
        "level_tip": (
            "Mức cần thấy dọc kiệt, ngõ, hẻm (đường phố ít nhất mức của nó)",
            "What must be seen along alleys and lanes (streets keep at least their own)",
        ),
        "spacing": ("Khoảng cách điểm (m)", "Target spacing (m)"),
        "spacing_tip": (
            "Một điểm cần quan sát mỗi bấy nhiêu mét dọc tuyến",
            "One point to see every so many metres along a route",
        ),
        "site_spacing": ("Khoảng cách vị trí (m)", "Mount spacing (m)"),
        "site_spacing_tip": (
            "Một vị trí lắp thử mỗi bấy nhiêu mét (cộng cột, đầu kiệt, ngã ba)",
            "A candidate mount every so many metres (plus poles, alley ends, junctions)",
        ),
        "headings": ("Số hướng thử", "Headings tried"),
        "headings_tip": (
            "Số hướng quay thử cho mỗi camera mới hoặc xoay hướng",
            "Directions tried for each new or re-aimed camera",
        ),
        "k_at_ends": ("Số camera ở đầu kiệt", "Views at alley ends"),
        "k_at_ends_tip": (
            "2: một camera nhìn mỗi chiều ở đầu và cuối kiệt",
            "2: one camera looking each way at alley ends",
        ),
        "budget": ("Ngân sách, triệu VNĐ (0 = không)", "Budget, M VND (0 = none)"),
        "budget_tip": (
            "Chi tối đa chừng này (toàn bộ chi phí); làm trọn từng kiệt, ưu tiên trước",
            "Spend at most this (whole cost); whole alleys first, priority first",
        ),
        "solver": ("Bộ giải", "Solver"),
        "solver_tip": ("HiGHS hoặc CBC", "HiGHS or CBC"),
        "time_limit": ("Giới hạn thời gian (giây)", "Time limit (s)"),
        "time_limit_tip": (
            "Bộ giải dừng sau chừng này giây và báo khoảng cách tới tối ưu",
            "The solver stops after this many seconds and reports its gap",
        ),
        # layers and the map
        "layers": ("Lớp hiển thị", "Layers"),
        "show_routes": ("Tuyến (mức quan sát)", "Routes (how well seen)"),
        "show_buildings": ("Nhà", "Buildings"),
        "show_sites": ("Vị trí lắp", "Mounts"),
        "show_existing": ("Camera hiện có", "Existing cameras"),
        "show_new": ("Camera lắp mới", "New cameras"),
        "show_cones": ("Vùng nhìn", "View cones"),
        "show_gaps": ("Điểm chưa được quan sát", "Points left unseen"),
        "osm_tiles": ("Nền bản đồ OSM (cần mạng)", "OSM basemap (online)"),
        "osm_tiles_tip": (
            "Tải nền OpenStreetMap từ mạng; tắt: bản đồ chạy hoàn toàn ngoại tuyến",
            "Fetch OpenStreetMap tiles from the internet; off: the map is fully offline",
        ),
        "click_mode": ("Bấm vào vị trí lắp để", "Click a mount to"),
        "mode_show": ("Xem", "Show"),
        "mode_pin": ("Ghim", "Pin"),
        "mode_forbid": ("Cấm", "Forbid"),
        "mode_release": ("Bỏ ghim/cấm", "Release"),
        "mode_show_tip": ("Bấm để xem thông tin, không giải lại", "Click to read, no re-solve"),
        "mode_pin_tip": (
            "Bấm vào vị trí: bắt buộc lắp camera mới ở đó",
            "Click: a new camera must go there",
        ),
        "mode_forbid_tip": (
            "Bấm vào vị trí: không lắp camera mới ở đó",
            "Click: no new camera there",
        ),
        "mode_release_tip": (
            "Bấm vào vị trí: bỏ ghim hoặc cấm",
            "Click: neither pinned nor forbidden",
        ),
        "legend": ("Chú giải", "Legend"),
        "legend_new": ("camera lắp mới (mã N…)", "new camera (code N…)"),
        "legend_reaim": ("camera xoay hướng (R…)", "re-aimed camera (R…)"),
        "legend_keep": ("camera giữ nguyên (K…)", "kept camera (K…)"),
        "legend_unused": ("camera không dùng", "camera not used"),
        "legend_site": ("vị trí lắp thử", "candidate mount"),
        "legend_pinned": ("vị trí ghim", "pinned mount"),
        "legend_forbidden": ("vị trí cấm", "forbidden mount"),
        "legend_unseen": ("điểm chưa được quan sát", "point left unseen"),
        "legend_covered": ("tuyến thấy đủ", "route fully seen"),
        "legend_partial": ("tuyến thấy một phần", "route partly seen"),
        "legend_uncovered": ("tuyến chưa thấy", "route not seen"),
        "legend_not_planned": ("không lập kế hoạch", "not planned"),
        "site": ("Vị trí lắp", "Mount"),
        "pinned": ("Ghim", "Pinned"),
        "forbidden": ("Cấm", "Forbidden"),
        "click_hint": (
            "Bấm vào camera hay tuyến trên bản đồ để xem dòng của nó",
            "Click a camera or a route on the map to see its row",
        ),
        "selected": ("Đang xem", "Selected"),
        "site_row": ("Vị trí lắp {site} ({kind})", "Mount {site} ({kind})"),
        "site_used": ("có camera mới: {codes}", "new cameras here: {codes}"),
        "site_free": ("chưa có camera mới", "no new camera here"),
        # running
        "solve": ("Giải lại", "Solve"),
        "done": ("Xong", "Done"),
        "stop": ("Dừng", "Stop"),
        "starting": ("Đang bắt đầu giải lại…", "Starting the solve…"),
        "stage": ("Bước {i}/{n}: {name}… {seconds:.0f} s", "Step {i}/{n}: {name}… {seconds:.0f} s"),
        "solved_in": ("Giải xong trong {seconds:.1f} s", "Solved in {seconds:.1f} s"),
        "stopped": (
            "Đã dừng — vẫn hiện phương án trước, các nút chỉnh trở về phương án đó",
            "Stopped — showing the previous plan, knobs back to its settings",
        ),
        "error": ("Lỗi: {error}", "Error: {error}"),
        "headline": (
            "{new} camera lắp mới · {reaim} xoay hướng · {keep} giữ nguyên · {cost} · "
            "quan sát {share}",
            "{new} new cameras · {reaim} re-aimed · {keep} kept · {cost} · {share} seen",
        ),
        # scenarios
        "scenarios": ("Các phương án đã giải", "Scenarios solved"),
        "scenario": ("Phương án", "Scenario"),
        "knobs": ("Thông số", "Knobs"),
        "new_cameras": ("Camera mới", "New cameras"),
        "whole_cost": ("Toàn bộ chi phí", "Whole cost"),
        "share_seen": ("Tỉ lệ quan sát", "Share seen"),
        "proof": ("Chứng minh", "Proof"),
        "proven": ("ít nhất (đã chứng minh)", "fewest (proven)"),
        "gap": ("khoảng cách {gap:.0%}", "gap {gap:.0%}"),
        "pareto": ("Pareto", "Pareto"),
        "pareto_tip": (
            "Không phương án nào khác tốt hơn về mọi mặt cùng lúc",
            "No other scenario beats it on every count at once",
        ),
        "on_show": ("đang hiện", "on show"),
        "show_scenario": ("Hiện phương án này", "Show this scenario"),
        "write_scenario": ("Ghi phương án này", "Write this scenario"),
        "trade_offs": ("So sánh mức DORI và loại camera", "Compare DORI levels and classes"),
        "out_dir": ("Thư mục ghi", "Write to"),
        "written": ("Đã ghi {n} tệp vào {out}", "Wrote {n} files to {out}"),
        "saved_result": (
            "Kế hoạch cuối cùng (lưu cùng sổ tay)",
            "The last plan (saved with the notebook)",
        ),
        "base": ("ban đầu", "start"),
        "synthetic": ("PHƯỜNG MẪU TỔNG HỢP", "SYNTHETIC DEMO WARD"),
    }
)


def explorer_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the explorer's word for ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key
        A key of :data:`EXPLORER`.
    lang
        ``"vi"`` (default) or ``"en"``.
    **fmt
        Values for the placeholders (``seconds=``, ``n=``…).

    Returns
    -------
    str
        The word, NFC-normalised.

    Raises
    ------
    KeyError
        For a key that is not in :data:`EXPLORER`.
    ValueError
        For a language other than :data:`LANGS`.
    """
    _check_lang(lang)
    return _phrase(EXPLORER[key], key, lang, fmt)
