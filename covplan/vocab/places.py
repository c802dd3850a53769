"""Words for places on the ground: the alley word by region, named ends, mounts, headings.

Vietnamese names an alley by region: **kiệt** in Huế and Đà Nẵng (the central coast),
**hẻm** in the south (Ho Chi Minh City), **ngõ** and its branch **ngách** in the north
(Hà Nội). :func:`region_of` tells the region from where a ward lies;
``covplan.settings.alley_region`` (``covplan plan --region``) overrides it. Ends of a
route are named, never "đầu/cuối": ``"miệng hẻm phía đường Võ Thị Sáu"``.

Every phrase is NFC-normalised, in Vietnamese and English (:data:`PLACES`); look one
up with :func:`place_word`.
"""

from __future__ import annotations

import math
import unicodedata

from covplan import settings
from covplan.vocab import _check_lang, _nfc, _phrase

__all__ = [
    "ARROWS",
    "PLACES",
    "REGIONS",
    "alley_word",
    "heading_arrow",
    "lower_first",
    "place_word",
    "region_of",
    "resolve_region",
]

#: The regions whose alley words differ.
REGIONS: tuple[str, ...] = ("north", "central", "south")

#: Region → (word for an alley, word for a branch alley), Vietnamese.
_ALLEY_VI: dict[str, tuple[str, str]] = {
    "north": ("ngõ", "ngách"),
    "central": ("kiệt", "kiệt"),
    "south": ("hẻm", "hẻm"),
}
_ALLEY_VI = {
    k: (unicodedata.normalize("NFC", a), unicodedata.normalize("NFC", b))
    for k, (a, b) in _ALLEY_VI.items()
}
#: Unnamed routes of other kinds: (vi, en).
_KIND_WORD = _nfc({"street": ("đường", "street"), "path": ("lối đi", "path")})

#: Latitude (°N) north of which alleys are ngõ (Thanh Hoá, Nghệ An, Hà Nội…).
NORTH_FROM_LAT = 17.2
#: Latitude (°N) from which, up to :data:`NORTH_FROM_LAT`, alleys are kiệt
#: (Quảng Nam, Đà Nẵng, Huế, Quảng Trị); south of it they are hẻm.
CENTRAL_FROM_LAT = 15.2

#: Eight arrows for headings: north first, clockwise (the top of a map is north).
ARROWS: tuple[str, ...] = ("↑", "↗", "→", "↘", "↓", "↙", "←", "↖")

#: Phrases of a human location, keyed by what they say.
PLACES: dict[str, dict[str, str]] = _nfc(
    {
        "unnamed": ("{alley} không tên", "unnamed {alley}"),
        "unnamed_onto": ("{alley} không tên thông ra {street}", "unnamed {alley} off {street}"),
        "unnamed_near": ("{alley} không tên gần {street}", "unnamed {alley} near {street}"),
        "near_number": ("gần nhà số {n}", "near house no. {n}"),
        "near_number_street": ("gần nhà số {n} {street}", "near no. {n} {street}"),
        "near_named": ("gần {name}", "near {name}"),
        "mouth_on": ("miệng {alley} phía {street}", "the {alley}'s mouth on {street}"),
        "mouth_unnamed": ("miệng {alley}", "the {alley}'s mouth"),
        "dead_end": ("cuối {alley} cụt", "the {alley}'s dead end"),
        "branch_to": ("chỗ rẽ vào {street}", "the turning into {street}"),
        "crossing": ("chỗ giao với {street}", "the junction with {street}"),
        "street_end": ("cuối {street}", "the end of {street}"),
        "from_end": ("cách {end} {m} m", "{m} m from {end}"),
        "at_end": ("ngay {end}", "at {end}"),
        "on_route": ("trên {route}", "on {route}"),
        "pole_ref": ("cột điện số {ref}", "power pole no. {ref}"),
        "lamp_ref": ("cột đèn số {ref}", "street lamp no. {ref}"),
        "pole": ("cột điện", "power pole"),
        "street_lamp": ("cột đèn", "street lamp"),
        "wall": ("tường nhà", "house wall"),
        "wall_number": ("tường nhà số {n}", "wall of house no. {n}"),
        "gate": ("cổng, hàng rào cơ quan", "an agency's gate or fence"),
        "new_pole": ("cột thép mới (trồng mới)", "new steel pole"),
        "height_m": ("cao {m} m", "{m} m high"),
        "facing": ("quay về {arrow} {compass}", "facing {arrow} {compass}"),
        "a_street": ("một đường", "a street"),
    }
)


def place_word(key: str, lang: str = "vi", **fmt: object) -> str:
    """Return the place phrase ``key`` of :data:`PLACES` in ``lang``, formatted.

    Parameters
    ----------
    key
        A key of :data:`PLACES`, e.g. ``"mouth_on"``.
    lang
        ``"vi"`` or ``"en"``.
    **fmt
        Values for the ``{placeholders}``.

    Returns
    -------
    str
        The phrase.
    """
    return _phrase(PLACES.get(key), key, lang, fmt)


def region_of(lon: float, lat: float) -> str:
    """Tell which region's alley word a place at ``lon``, ``lat`` uses.

    Parameters
    ----------
    lon, lat
        Degrees (EPSG:4326).

    Returns
    -------
    str
        ``"north"`` (ngõ, ngách) from 17.2° N, ``"central"`` (kiệt) from 15.2° N,
        ``"south"`` (hẻm) below; ``"central"`` when the point is not finite.

    Examples
    --------
    >>> region_of(107.59, 16.46)  # Huế
    'central'
    >>> region_of(106.70, 10.79)  # Ho Chi Minh City
    'south'
    >>> region_of(105.85, 21.03)  # Hà Nội
    'north'
    """
    if not (math.isfinite(float(lon)) and math.isfinite(float(lat))):
        return "central"
    if lat >= NORTH_FROM_LAT:
        return "north"
    if lat >= CENTRAL_FROM_LAT:
        return "central"
    return "south"


def resolve_region(region: str | None, lon: float = math.nan, lat: float = math.nan) -> str:
    """Return ``region`` if given, else the setting, else :func:`region_of` the point.

    Parameters
    ----------
    region
        ``"north"``, ``"central"``, ``"south"`` or None.
    lon, lat
        Where the ward lies (EPSG:4326).

    Returns
    -------
    str
        One of :data:`REGIONS`.

    Raises
    ------
    ValueError
        When ``region`` (or the setting) is not one of :data:`REGIONS`.
    """
    chosen = region if region is not None else getattr(settings, "alley_region", None)
    if chosen is None:
        return region_of(lon, lat)
    if chosen not in REGIONS:
        msg = f"region {chosen!r} is not known; use one of {', '.join(REGIONS)}"
        raise ValueError(msg)
    return chosen


def alley_word(
    kind: str = "alley", region: str = "central", lang: str = "vi", *, capital: bool = False
) -> str:
    """Return the word for a route of ``kind`` in ``region``: kiệt, hẻm, ngõ or ngách.

    Parameters
    ----------
    kind
        Route kind: ``alley``, ``lane`` (a branch alley: ngách in the north),
        ``street`` or ``path``.
    region
        One of :data:`REGIONS`.
    lang
        ``"vi"`` or ``"en"``.
    capital
        Capitalise the first letter (for a title).

    Returns
    -------
    str
        The word.

    Examples
    --------
    >>> alley_word("alley", "south"), alley_word("lane", "north"), alley_word("alley", "central")
    ('hẻm', 'ngách', 'kiệt')
    """
    _check_lang(lang)
    if region not in REGIONS:
        msg = f"region {region!r} is not known; use one of {', '.join(REGIONS)}"
        raise ValueError(msg)
    if kind in _KIND_WORD:
        word = _KIND_WORD[kind][lang]
    elif lang == "en":
        word = "branch alley" if kind == "lane" else "alley"
    else:
        word = _ALLEY_VI[region][1 if kind == "lane" else 0]
    return word[:1].upper() + word[1:] if capital else word


def lower_first(name: str, kind: str = "", lang: str = "vi") -> str:
    """Write a route name inside a sentence: "Đường Võ Thị Sáu" → "đường Võ Thị Sáu".

    A leading "Đường"/"Phố" is lowered; a street named only after a person or place
    (``"Võ Thị Sáu"``, as OSM names Ho Chi Minh City's streets) gets "đường" before it
    in Vietnamese, so the sentence says what it is. Names that start with their own
    kind word (Hẻm, Kiệt, Ngõ, Ngách, Quốc lộ…) are kept.

    Parameters
    ----------
    name
        A route name.
    kind
        The route's kind (``street`` gets the word "đường" when its name lacks one).
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        The name as written mid-sentence.

    Examples
    --------
    >>> lower_first("Võ Thị Sáu", "street"), lower_first("Đường Chi Lăng", "street")
    ('đường Võ Thị Sáu', 'đường Chi Lăng')
    """
    head, _, rest = name.partition(" ")
    if lang != "vi":
        return name
    if rest and head in _LOWER_HEADS:
        return head.lower() + " " + rest
    if lang == "vi" and kind == "street" and head.lower() not in _KIND_HEADS and name:
        return "đường " + name
    return name


_LOWER_HEADS = frozenset(unicodedata.normalize("NFC", w) for w in ("Đường", "Phố"))
_KIND_HEADS = frozenset(
    unicodedata.normalize("NFC", w)
    for w in (
        "đường", "phố", "hẻm", "kiệt", "ngõ", "ngách", "quốc", "tỉnh", "đại", "xóm", "cầu",
        "công", "quảng", "lối", "vòng", "bến", "street", "road", "alley", "lane",
    )
)  # fmt: skip


def heading_arrow(heading_deg: float) -> str:
    """Return the arrow of a heading (degrees clockwise from north): 45° is ``"↗"``.

    Parameters
    ----------
    heading_deg
        Degrees; NaN or None gives ``""``.

    Returns
    -------
    str
        One of :data:`ARROWS`.
    """
    if heading_deg is None or not math.isfinite(float(heading_deg)):
        return ""
    return ARROWS[math.floor((float(heading_deg) % 360.0) / 45.0 + 0.5) % 8]
