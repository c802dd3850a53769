import unicodedata

import pytest

from covplan.vocab import HEADERS, LABELS, VALUES, compass_word, header, label


@pytest.mark.parametrize(
    ("deg", "vi", "en"),
    [
        (0, "Bắc", "N"),
        (44, "Đông Bắc", "NE"),
        (90, "Đông", "E"),
        (135, "Đông Nam", "SE"),
        (180, "Nam", "S"),
        (225, "Tây Nam", "SW"),
        (270, "Tây", "W"),
        (315, "Tây Bắc", "NW"),
        (337.6, "Bắc", "N"),
        (-45, "Tây Bắc", "NW"),
        (720, "Bắc", "N"),
    ],
)
def test_compass_8(deg, vi, en):
    assert compass_word(deg, lang="vi") == vi
    assert compass_word(deg, lang="en") == en


def test_compass_16_and_short():
    assert compass_word(22.5, points=16, lang="en") == "NNE"
    assert compass_word(22.5, points=16, lang="vi") == "Bắc Đông Bắc"
    assert compass_word(292.5, points=16, lang="vi") == "Tây Tây Bắc"
    assert compass_word(45, lang="vi", short=True) == "ĐB"
    assert compass_word(float("nan")) == ""
    with pytest.raises(ValueError, match="8 or 16"):
        compass_word(10, points=4)
    with pytest.raises(ValueError, match="language"):
        compass_word(10, lang="fr")


def test_every_text_is_nfc_and_bilingual():
    for table in (HEADERS, LABELS, VALUES):
        for key, entry in table.items():
            assert set(entry) == {"vi", "en"}, key
            for text in entry.values():
                assert text and unicodedata.is_normalized("NFC", text), key


def test_header_and_label():
    assert header("heading_deg", "vi") == "Hướng quay (độ)"
    assert header("heading_deg", "en") == "Heading (°)"
    assert header("not_a_column", "vi") == "not_a_column"
    assert label("from_start", "en", m=35) == "35 m from the route's start"
    assert label("route_atlas", "vi") == "Sơ đồ tuyến"
