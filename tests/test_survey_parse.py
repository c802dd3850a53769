"""Parsing survey values the way people write them."""

from __future__ import annotations

import math

import pytest

from covplan.survey import parse as P  # noqa: N812
from covplan.survey.schema import canonical_field


@pytest.mark.parametrize(
    ("text", "deg"),
    [
        ("135", 135.0),
        ("135°", 135.0),
        ("135 độ", 135.0),
        ("N", 0.0),
        ("NE", 45.0),
        ("ĐB", 45.0),
        ("DB", 45.0),
        ("Đông Bắc", 45.0),
        ("Hướng Bắc", 0.0),
        ("hướng tây nam", 225.0),
        ("126° SE", 126.0),
        ("SE 126", 126.0),
        ("north-east", 45.0),
        ("WSW", 247.5),
        ("360", 0.0),
        ("22,5", 22.5),
    ],
)
def test_heading_single(text: str, deg: float) -> None:
    h = P.parse_heading(text)
    assert h.deg == pytest.approx(deg)
    assert math.isnan(h.min_deg) and math.isnan(h.max_deg)


@pytest.mark.parametrize(
    ("text", "lo", "hi", "mid"),
    [
        ("90-180", 90.0, 180.0, 135.0),
        ("90–180", 90.0, 180.0, 135.0),
        ("từ 90 đến 180", 90.0, 180.0, 135.0),
        ("NE-SE", 45.0, 135.0, 90.0),
        ("300-60", 300.0, 60.0, 0.0),  # clockwise through north
    ],
)
def test_heading_range(text: str, lo: float, hi: float, mid: float) -> None:
    h = P.parse_heading(text)
    assert (h.min_deg, h.max_deg) == (lo, hi)
    assert h.deg == pytest.approx(mid)


@pytest.mark.parametrize("text", ["NE-ish", "400", "-5", "abc", "126° NW", "90-400"])
def test_heading_bad(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        P.parse_heading(text)


def test_heading_empty_is_unknown() -> None:
    assert math.isnan(P.parse_heading("").deg)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("0905 123 456", "+84905123456"),
        ("0905.123.456", "+84905123456"),
        ("+84 905 123 456", "+84905123456"),
        ("84905123456", "+84905123456"),
        ("905123456", "+84905123456"),  # a number cell lost its leading zero
        ("0234 3822 123", "+842343822123"),
        ("0905 123 456 / 0234 3822 123", "+84905123456"),
    ],
)
def test_phone(text: str, e164: str) -> None:
    phone = P.parse_phone(text)
    assert phone is not None and phone.e164 == e164 and phone.warning is None
    assert P.parse_phone(phone.national) == phone


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("01689 123 456", "+84389123456"),
        ("0123 456 7890", "+84834567890"),
        ("0199 123 4567", "+84591234567"),
    ],
)
def test_old_mobile_numbers_are_flagged_with_the_new_number(old: str, new: str) -> None:
    phone = P.parse_phone(old)
    assert phone is not None and phone.e164 == new
    assert phone.warning is not None and "renumbered" in phone.warning
    assert old[:4] in phone.warning and P.OLD_MOBILE_PREFIXES[old[:4]] in phone.warning


@pytest.mark.parametrize("text", ["12345", "0905", "abc", "0905 123 456 789 0"])
def test_bad_phone(text: str) -> None:
    with pytest.raises(ValueError, match="phone"):
        P.parse_phone(text)


@pytest.mark.parametrize(
    ("text", "house", "alley", "street"),
    [
        ("12 Kiệt 34 Chi Lăng, Huế", "12", "Kiệt 34", "Chi Lăng"),
        ("số 5 K7 đường Nguyễn Huệ", "5", "Kiệt 7", "Nguyễn Huệ"),
        ("123/45/6 Nguyễn Trãi, Quận 1", "123/45/6", "Hẻm 123/45", "Nguyễn Trãi"),
        ("Ngõ 12 Ngách 3 phố Huế", "", "Ngõ 12 Ngách 3", "Huế"),
        ("Trường THCS, 20 Chi Lăng", "20", "", "Chi Lăng"),
        ("", "", "", ""),
    ],
)
def test_address(text: str, house: str, alley: str, street: str) -> None:
    assert P.parse_address(text) == {"house_number": house, "alley": alley, "street": street}


def test_text_is_nfc() -> None:
    decomposed = "Nguye\u0302\u0303n"  # Nguyễn typed with combining marks
    assert P.text(decomposed) == "Nguyễn"
    assert P.text(float("nan")) == "" and P.text(None) == "" and P.text(3.0) == "3"


@pytest.mark.parametrize(
    ("text", "px"),
    [
        ("1920", 1920),
        ("1920x1080", 1920),
        ("2MP", 1920),
        ("4 MP", 2560),
        ("1080p", 1920),
        ("4K", 3840),
        ("Full HD", 1920),
        ("1.920", 1920),
    ],
)
def test_resolution(text: str, px: float) -> None:
    assert P.parse_resolution(text) == px


@pytest.mark.parametrize(
    ("text", "days"), [("7", 7), ("7 ngày", 7), ("2 tuần", 14), ("1 tháng", 30), ("10 days", 10)]
)
def test_retention(text: str, days: float) -> None:
    assert P.parse_retention(text) == days


def test_yes_no_and_enums() -> None:
    assert [P.parse_bool(x) for x in ("có", "Có", "x", "yes", "1", "không", "", "ko")] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    with pytest.raises(ValueError, match="yes or no"):
        P.parse_bool("maybe")
    assert P.parse_adjustable("chưa rõ") == "unknown"
    assert P.parse_owner_kind("Hộ gia đình") == "household"
    assert P.parse_owner_kind("cửa hàng") == "business"
    assert P.parse_status("") == "surveyed"
    assert P.parse_status("Từ chối") == "declined"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Mã camera", "camera_id"),
        ("Chủ hộ", "owner_name"),
        ("Loại chủ", "owner_kind"),
        ("Điện thoại", "phone"),
        ("SĐT", "phone"),
        ("Vĩ độ", "lat"),
        ("Kinh do", "lon"),
        ("Hướng (độ)", "heading_deg"),
        ("Góc nhìn", "hfov_deg"),
        ("Độ phân giải", "resolution_px"),
        ("Độ cao lắp (m)", "mount_height_m"),
        ("Góc nghiêng", "tilt_deg"),
        ("Số ngày lưu", "retention_days"),
        ("Camera IP", "is_ip"),
        ("Tham gia", "participates"),
        ("Cho phép chỉnh hướng", "adjustable"),
        ("Trạng thái", "status"),
        ("grp_owner/phone", "phone"),
        ("Hướng / Heading", "heading_deg"),
        ("camera:direction", "heading_deg"),
        ("covplan:owner_id", "owner_id"),
        ("Ghi chú", None),
    ],
)
def test_headers(header: str, field: str | None) -> None:
    assert canonical_field(header) == field
