"""Field names of the GIS layers in vi and en: the aliases and coded values QGIS shows.

The plan's GeoPackage keeps short English field names and coded values (``site_kind``,
``edge``) so programs and styles read it the same in every language; a person reads
them through the aliases and value maps covplan writes beside them (issue 13). Columns
that are also list columns take the list's header (:data:`covplan.vocab.HEADERS`); this
table holds the layers' own columns.
"""

from __future__ import annotations

from covplan.vocab import (
    _COMPASS_16,
    HEADERS,
    SURVEY_VALUES,
    VALUES,
    _check_lang,
    _nfc,
)

__all__ = ["FIELDS", "field_alias", "value_words"]

#: Aliases of the layers' columns that are not list columns, keyed by field name.
FIELDS: dict[str, dict[str, str]] = _nfc(
    {
        "fid": ("Số thứ tự", "Feature id"),
        "u": ("Nút đầu (OSM)", "Start node (OSM)"),
        "v": ("Nút cuối (OSM)", "End node (OSM)"),
        "name": ("Tên tuyến", "Route name"),
        "highway": ("Loại đường theo OSM (highway)", "OSM highway tag"),
        "service": ("Loại đường nội bộ theo OSM (service)", "OSM service tag"),
        "access": ("Quyền đi lại theo OSM (access)", "OSM access tag"),
        "footway": ("Loại lối đi bộ theo OSM (footway)", "OSM footway tag"),
        "width_m": ("Bề rộng (m)", "Width (m)"),
        "lanes": ("Số làn", "Lanes"),
        "osmid": ("Mã đường OSM", "OSM way id"),
        "folded_from": ("Gộp từ tuyến", "Folded from route"),
        "stub": ("Đoạn cụt ngắn", "Short stub"),
        "dead_zone_m": ("Vùng mù phía trước (m)", "Dead zone in front (m)"),
        "is_ip": ("Camera IP", "IP camera"),
        "adjustable": ("Cho phép chỉnh hướng", "Owner lets it be re-aimed"),
        "role": ("Việc cần làm", "What to do"),
        "heading_min_deg": ("Hướng từ (độ)", "Heading from (°)"),
        "heading_max_deg": ("Hướng đến (độ)", "Heading to (°)"),
        "resolution_px": ("Độ phân giải (điểm ảnh ngang)", "Resolution (horizontal px)"),
        "tilt_deg": ("Góc chúc (độ)", "Tilt (°)"),
        "participates": ("Tham gia", "Takes part"),
        "stream_url": ("Đường dẫn luồng hình", "Stream URL"),
        "geom": ("Hình học", "Geometry"),
    }
)

#: Columns whose values are codes of the vocabulary (shown through a value map).
CODED: tuple[str, ...] = (
    "site_kind",
    "compass",
    "compass_now",
    "compass_new",
    "mount",
    "source",
    "role",
    "owner_kind",
    "status",
    "adjustable",
    "kind",
    "level",
    "coverage_class",
    "phase",
)


def field_alias(column: str, lang: str = "vi") -> str:
    """Return the alias a person reads for a layer's field (the name itself when unknown).

    Parameters
    ----------
    column
        The field name, e.g. ``"site_kind"``.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"Loại vị trí"``.
    """
    _check_lang(lang)
    entry = FIELDS.get(column) or HEADERS.get(column)
    return entry[lang] if entry else column


def value_words(column: str, values: list[str], lang: str = "vi") -> dict[str, str]:
    """Return the word of each coded value of a column (codes with no word are left out).

    Parameters
    ----------
    column
        The field name (``compass`` values are compass abbreviations, ``adjustable``
        yes/no/unknown; the others are keys of :data:`covplan.vocab.VALUES`).
    values
        The distinct stored values.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    dict
        Stored value → word.
    """
    _check_lang(lang)
    out: dict[str, str] = {}
    compass = dict(zip(_COMPASS_16["en"], _COMPASS_16["vi" if lang == "vi" else "en"], strict=True))
    for v in values:
        if column.startswith("compass") and v in compass:
            out[v] = compass[v]
        elif column == "adjustable" and v in SURVEY_VALUES["adjustable"]:
            out[v] = SURVEY_VALUES["adjustable"][v][lang]
        elif v in VALUES:
            out[v] = VALUES[v][lang]
    return out
