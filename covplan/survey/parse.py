"""Parsing survey values the way people write them.

Every parser takes a cell's text and returns a value, or raises ``ValueError``
whose message says what to write instead (the reader turns it into a
:class:`~covplan._errors.Problem` naming the file, row and column).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast

import pandas as pd
import phonenumbers

from covplan.survey.schema import OWNER_KINDS, STATUSES, unaccent
from covplan.vocab import SURVEY_VALUES
from covplan.vocab.messages import message

__all__ = [
    "Heading",
    "Phone",
    "parse_address",
    "parse_bool",
    "parse_heading",
    "parse_phone",
    "parse_phones",
    "parse_resolution",
    "parse_retention",
    "text",
]


def text(value: Any) -> str:
    """Return a cell as NFC-normalised, stripped text ("" for empty cells and NaN).

    Parameters
    ----------
    value
        A cell's value as a reader gives it (str, number, bool, None, NaN).

    Returns
    -------
    str
        The text; booleans become yes/no, whole floats lose their .0.
    """
    if type(value) is str:  # the common case first: most cells are text
        return _clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if value is pd.NA or value is pd.NaT:
        return ""
    return _clean(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=1 << 18)
def _clean(value: str) -> str:
    """NFC, no invisible or unprintable characters, single spaces (cached: cells repeat)."""
    out = unicodedata.normalize("NFC", value)
    out = out.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    if not out.isprintable():
        out = "".join(ch if ch.isprintable() else " " for ch in out)
    return " ".join(out.split())


_P = ParamSpec("_P")
_R = TypeVar("_R")
_MEMO_SIZE = 1 << 16


class CellError(ValueError):
    """A cell that cannot be read, as a message of the vocabulary (its text is English).

    Parameters
    ----------
    key
        A key of :data:`covplan.vocab.messages.MESSAGES` (``cell.…``).
    **fmt
        Values for the message's placeholders.
    """

    def __init__(self, key: str, **fmt: object) -> None:
        self.key = key
        self.fmt = fmt
        super().__init__(message(key, "en", **fmt))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``.

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``.

        Returns
        -------
        str
            The sentence (what is wrong and what to write).
        """
        return message(self.key, lang, **self.fmt)


def cell_text(err: Exception, lang: str) -> str:
    """Return a cell parser's error in ``lang`` (a foreign ValueError as it is).

    Parameters
    ----------
    err
        The error a parser raised.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        The sentence.
    """
    return err.text(lang) if isinstance(err, CellError) else str(err)


def _memo(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Cache a cell parser's outcome, its ValueError's message included.

    A register repeats the same few values (``household``, ``90``, ``yes``) thousands of
    times: each distinct text is parsed once per process. Results must be immutable.
    """
    cache: dict[Any, tuple[bool, Any]] = {}

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        key = (args[0] if len(args) == 1 else args) if not kwargs else (args, *kwargs.items())
        hit = cache.get(key)
        if hit is None:
            try:
                hit = (True, fn(*args, **kwargs))
            except ValueError as err:
                hit = (False, (err.key, err.fmt) if isinstance(err, CellError) else str(err))
            if len(cache) >= _MEMO_SIZE:
                cache.clear()
            cache[key] = hit
        ok, result = hit
        if not ok:
            if isinstance(result, tuple):
                raise CellError(result[0], **result[1])
            raise ValueError(result)
        return cast(_R, result)

    return wrapper


def _key(value: str) -> str:
    return unaccent(value.lower()).replace("-", " ").replace("_", " ").strip(" .!")


# ----------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[+-]?(\d+(?:[.,]\d*)?|[.,]\d+)$")


@_memo
def parse_number(value: str, *, units: tuple[str, ...] = ()) -> float:
    """Parse a number written with a decimal comma or point and an optional unit.

    Parameters
    ----------
    value
        The cell text, e.g. ``"3,5 m"``.
    units
        Unit words allowed after the number (compared without diacritics).

    Returns
    -------
    float
        The number.

    Raises
    ------
    ValueError
        When the text is not a number.
    """
    s = value.strip().lower()
    for unit in sorted(units, key=len, reverse=True):
        u = unit.lower()
        for cand in (u, unaccent(u)):
            if s.endswith(cand) and len(s) > len(cand):
                s = s[: -len(cand)].strip()
                break
    s = s.replace(" ", "")
    if not _NUMBER.match(s):
        raise CellError("cell.not_number")
    s = s.replace(",", ".")
    number = float(s)
    if not math.isfinite(number):  # pragma: no cover - regex excludes inf/nan
        raise CellError("cell.not_finite")
    return number


@_memo
def parse_resolution(value: str) -> float:
    """Parse a horizontal resolution: ``1920``, ``1920x1080``, ``2MP``, ``1080p``, ``4K``.

    Parameters
    ----------
    value
        The cell text.

    Returns
    -------
    float
        Horizontal pixels.

    Raises
    ------
    ValueError
        When the resolution cannot be read.
    """
    s = _key(value).replace(" ", "")
    named = {"fullhd": 1920, "fhd": 1920, "hd": 1280, "4k": 3840, "uhd": 3840, "2k": 2560}
    if s in named:
        return float(named[s])
    m = re.match(r"^(\d{3,5})[x×*](\d{3,5})(px)?$", s)
    if m:
        return float(m.group(1))
    m = re.match(r"^(\d{3,4})p$", s)
    if m:
        return round(int(m.group(1)) * 16 / 9)
    m = re.match(r"^(\d+(?:[.,]\d+)?)(mp|megapixels?|m)$", s)
    if m:
        mp = float(m.group(1).replace(",", "."))
        table = {1.0: 1280, 1.3: 1280, 2.0: 1920, 3.0: 2304, 4.0: 2560, 5.0: 2592, 8.0: 3840}
        if mp in table:
            return float(table[mp])
        return float(round(math.sqrt(mp * 1e6 * 16 / 9)))
    s2 = (
        s.removesuffix("px").replace(".", "").replace(",", "")
        if re.match(r"^\d{1,2}[.,]\d{3}(px)?$", s)
        else s.removesuffix("px")
    )
    try:
        return parse_number(s2)
    except ValueError:
        raise CellError("cell.not_resolution") from None


@_memo
def parse_retention(value: str) -> float:
    """Parse how long footage is kept, in days: ``7``, ``7 ngày``, ``2 tuần``, ``1 tháng``.

    Parameters
    ----------
    value
        The cell text.

    Returns
    -------
    float
        Days.

    Raises
    ------
    ValueError
        When the text is not a duration.
    """
    s = _key(value)
    for words, factor in (
        (("tuan", "weeks", "week", "w"), 7.0),
        (("thang", "months", "month"), 30.0),
        (("ngay", "days", "day", "d"), 1.0),
    ):
        for word in words:
            if s.endswith(word) and len(s) > len(word):
                try:
                    return parse_number(s[: -len(word)]) * factor
                except ValueError:
                    break
    try:
        return parse_number(s)
    except ValueError:
        raise CellError("cell.not_days") from None


# ----------------------------------------------------------------------------- booleans

_YES = {"yes", "y", "true", "1", "co", "c", "x", "ok", "dong y", "co tham gia", "roi", "✓", "✔"}
_NO = {"no", "n", "false", "0", "khong", "k", "ko", "khong dong y", "tu choi", "chua"}
_UNKNOWN = {"", "?", "unknown", "chua ro", "chua biet", "khong ro", "khong biet", "chua hoi", "na"}


@_memo
def parse_bool(value: str) -> bool:
    """Parse yes/no as written in English or Vietnamese (có/không, x, 1/0).

    Parameters
    ----------
    value
        The cell text; empty means no.

    Returns
    -------
    bool
        The answer.

    Raises
    ------
    ValueError
        When the text is not a yes or a no.
    """
    s = _key(value)
    if s in _YES:
        return True
    if s in _NO or s in _UNKNOWN:
        return False
    raise CellError("cell.not_yes_no")


@_memo
def parse_adjustable(value: str) -> str:
    """Parse whether the owner lets the camera be re-aimed: yes, no or unknown.

    Parameters
    ----------
    value
        The cell text; empty means unknown.

    Returns
    -------
    str
        ``yes``, ``no`` or ``unknown``.

    Raises
    ------
    ValueError
        When the text is none of them.
    """
    s = _key(value)
    if s in _UNKNOWN:
        return "unknown"
    if s in _YES:
        return "yes"
    if s in _NO:
        return "no"
    raise CellError("cell.not_adjustable")


_KINDS = {
    "household": "household",
    "home": "household",
    "house": "household",
    "resident": "household",
    "ho gia dinh": "household",
    "ho dan": "household",
    "nha dan": "household",
    "ca nhan": "household",
    "gia dinh": "household",
    "ho": "household",
    "business": "business",
    "shop": "business",
    "company": "business",
    "co so kinh doanh": "business",
    "kinh doanh": "business",
    "doanh nghiep": "business",
    "cong ty": "business",
    "cua hang": "business",
    "quan": "business",
    "agency": "agency",
    "government": "agency",
    "office": "agency",
    "co quan": "agency",
    "co quan nha nuoc": "agency",
    "uy ban": "agency",
    "cong an": "agency",
    "school": "school",
    "truong": "school",
    "truong hoc": "school",
    "public": "public",
    "cong cong": "public",
    "nha nuoc": "public",
}


@_memo
def parse_owner_kind(value: str) -> str:
    """Parse who owns a camera into household, business, agency, school or public.

    Parameters
    ----------
    value
        The cell text, English or Vietnamese (``hộ gia đình``, ``cơ quan``…).

    Returns
    -------
    str
        One of :data:`~covplan.survey.schema.OWNER_KINDS`.

    Raises
    ------
    ValueError
        When the text is not a kind of owner.
    """
    s = _key(value)
    if s in _KINDS:
        return _KINDS[s]
    raise CellError("cell.not_owner_kind", kinds=", ".join(OWNER_KINDS))


_STATUS = {
    "surveyed": "surveyed",
    "da khao sat": "surveyed",
    "khao sat": "surveyed",
    "moi": "surveyed",
    "new": "surveyed",
    "contacted": "contacted",
    "da lien he": "contacted",
    "lien he": "contacted",
    "agreed": "agreed",
    "da dong y": "agreed",
    "dong y": "agreed",
    "adjusted": "adjusted",
    "da chinh": "adjusted",
    "da chinh huong": "adjusted",
    "da dieu chinh": "adjusted",
    "dieu chinh": "adjusted",
    "installed": "adjusted",
    "da lap": "adjusted",
    "verified": "verified",
    "da kiem tra": "verified",
    "da kiem tra hinh": "verified",
    "da xac minh": "verified",
    "declined": "declined",
    "tu choi": "declined",
    "refused": "declined",
}


def _read_back(table: dict[str, str], field: str) -> None:
    """Make the words covplan writes (covplan.vocab) read back, whatever their wording."""
    for value, words in SURVEY_VALUES[field].items():
        for word in words.values():
            table.setdefault(_key(word), value)


_read_back(_KINDS, "owner_kind")
_read_back(_STATUS, "status")


@_memo
def parse_status(value: str) -> str:
    """Parse an outreach status; empty means ``surveyed``.

    Parameters
    ----------
    value
        The cell text, English or Vietnamese (``đã điều chỉnh``…).

    Returns
    -------
    str
        One of :data:`~covplan.survey.schema.STATUSES`.

    Raises
    ------
    ValueError
        When the text is not an outreach status.
    """
    s = _key(value)
    if not s:
        return "surveyed"
    if s in _STATUS:
        return _STATUS[s]
    raise CellError("cell.not_status", statuses=", ".join(STATUSES))


_CAMERA_TYPES = {
    "fixed": "fixed",
    "co dinh": "fixed",
    "bullet": "bullet",
    "than": "bullet",
    "than tru": "bullet",
    "dome": "dome",
    "ban cau": "dome",
    "panning": "panning",
    "ptz": "panning",
    "xoay": "panning",
    "quay quet": "panning",
    "fisheye": "fisheye",
    "mat ca": "fisheye",
    "toan canh": "fisheye",
    "360": "fisheye",
}


@_memo
def parse_camera_type(value: str) -> str:
    """Parse a camera type (fixed, panning/PTZ, dome, bullet, fisheye).

    Parameters
    ----------
    value
        The cell text.

    Returns
    -------
    str
        ``fixed``, ``panning``, ``dome``, ``bullet`` or ``fisheye``.

    Raises
    ------
    ValueError
        When the text is not a kind of camera.
    """
    s = _key(value)
    if s in _CAMERA_TYPES:
        return _CAMERA_TYPES[s]
    raise CellError("cell.not_camera_type")


# ----------------------------------------------------------------------------- headings

_COMPASS: dict[str, float] = {
    "n": 0.0,
    "nne": 22.5,
    "ne": 45.0,
    "ene": 67.5,
    "e": 90.0,
    "ese": 112.5,
    "se": 135.0,
    "sse": 157.5,
    "s": 180.0,
    "ssw": 202.5,
    "sw": 225.0,
    "wsw": 247.5,
    "w": 270.0,
    "wnw": 292.5,
    "nw": 315.0,
    "nnw": 337.5,
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
    # Vietnamese, compared without diacritics (đ → d) and spaces
    "bac": 0.0,
    "dongbac": 45.0,
    "dong": 90.0,
    "dongnam": 135.0,
    "nam": 180.0,
    "taynam": 225.0,
    "tay": 270.0,
    "taybac": 315.0,
    "chinhbac": 0.0,
    "chinhdong": 90.0,
    "chinhnam": 180.0,
    "chinhtay": 270.0,
    "db": 45.0,
    "dn": 135.0,
    "tn": 225.0,
    "tb": 315.0,
    "b": 0.0,
    "d": 90.0,
    "t": 270.0,
}
_PREFIXES = ("huong ve phia", "huong ve", "huong", "ve phia", "phia", "direction", "facing", "to")
_RANGE_SPLIT = re.compile(r"\s*(?:–|—|-|\.\.|→|->|~|\bto\b|\bden\b|\bđen\b)\s*")


@dataclass(frozen=True)
class Heading:
    """A camera's direction in degrees clockwise from north (NaN when unknown).

    ``min_deg``/``max_deg`` give a panning camera's range (clockwise from min to
    max); ``deg`` is then the middle of the range.
    """

    deg: float = math.nan
    min_deg: float = math.nan
    max_deg: float = math.nan


def _compass(s: str) -> float | None:
    k = s.replace(" ", "").replace("-", "").replace(".", "")
    return _COMPASS.get(k)


def _single_heading(s: str) -> float:
    s = s.strip()
    for p in _PREFIXES:
        if s.startswith(p + " "):
            s = s[len(p) :].strip()
    s = s.replace("°", " ").replace("º", " ")
    s = re.sub(r"\b(do|deg|degrees?)\b", " ", s).strip()
    c = _compass(s)
    if c is not None:
        return c
    m = re.match(r"^([+-]?\d+(?:[.,]\d+)?)\s*(.*)$", s) or re.match(
        r"^(.*?)\s*([+-]?\d+(?:[.,]\d+)?)$", s
    )
    if not m:
        raise ValueError
    num_s, rest = m.group(1), m.group(2)
    if not re.match(r"^[+-]?\d", num_s):
        num_s, rest = rest, num_s
    deg = float(num_s.replace(",", "."))
    if not 0.0 <= deg <= 360.0:
        raise CellError("cell.heading_range")
    rest = rest.strip(" ()")
    if rest:
        c = _compass(rest)
        if c is None:
            raise ValueError
        diff = abs((deg - c + 180.0) % 360.0 - 180.0)
        if diff > 45.0:
            raise CellError(
                "cell.heading_conflict", deg=f"{deg:g}", compass=f"{c:g}", diff=f"{diff:g}"
            )
    return deg % 360.0


@_memo
def parse_heading(value: str) -> Heading:
    """Parse a camera direction as people write it.

    Accepts degrees (``"135"``, ``"135°"``, ``"135 độ"``), compass points in English or
    Vietnamese (``"N"``, ``"NE"``, ``"ĐB"``, ``"Đông Bắc"``, ``"Hướng Bắc"``), both
    (``"126° SE"``) and ranges for panning cameras (``"90-180"``, ``"NE–SE"``,
    ``"từ 90 đến 180"``). A lone ``"N"`` is north.

    Parameters
    ----------
    value
        The cell text; empty gives an unknown heading.

    Returns
    -------
    Heading
        Degrees clockwise from north, and the range for a panning camera.

    Raises
    ------
    ValueError
        When the text is not a direction, or degrees are outside 0–360.
    """
    raw = unicodedata.normalize("NFC", value).strip()
    if not raw:
        return Heading()
    s = unaccent(raw.lower())
    s = re.sub(r"^tu\s+", "", s)
    try:
        return Heading(deg=_single_heading(s))
    except ValueError as err:
        single_err = err
    parts = [p for p in _RANGE_SPLIT.split(s) if p.strip()]
    if len(parts) == 2:
        try:
            lo, hi = _single_heading(parts[0]), _single_heading(parts[1])
        except ValueError as err:
            if str(err):
                raise
        else:
            if hi == 0.0 and re.search(r"360", parts[1]):
                hi = 360.0
            span = (hi - lo) % 360.0 or (360.0 if hi != lo else 0.0)
            return Heading(deg=(lo + span / 2.0) % 360.0, min_deg=lo, max_deg=hi)
    if str(single_err):
        raise single_err
    raise CellError("cell.not_heading")


# ----------------------------------------------------------------------------- phones

#: Old 11-digit mobile prefixes and their 10-digit replacements (changed in 2018).
OLD_MOBILE_PREFIXES: dict[str, str] = {
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}


@dataclass(frozen=True)
class Phone:
    """A parsed phone number: E.164 (``+84…``), and a warning for old numbers."""

    e164: str
    national: str
    warning: str | None = None
    old_prefix: str | None = None

    def warning_text(self, lang: str) -> str | None:
        """Return :attr:`warning` in ``lang`` (None when there is none).

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``.

        Returns
        -------
        str or None
            The warning.
        """
        if self.old_prefix is None:
            return self.warning
        new = OLD_MOBILE_PREFIXES[self.old_prefix]
        return message("cell.old_mobile", lang, old=self.old_prefix, new=new)


def format_national(e164: str) -> str:
    """Show an E.164 number in the national form (``0905 123 456``).

    Several numbers (``"+84905123456; +842343822123"``, as a cell with two phones is
    kept) are each shown so, joined by ``" / "``.

    Parameters
    ----------
    e164
        A phone in E.164 (``+84905123456``), or several separated by ``;``.

    Returns
    -------
    str
        The national form a Vietnamese reader dials.
    """
    if ";" in e164:
        return " / ".join(format_national(p.strip()) for p in e164.split(";") if p.strip())
    try:
        num = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL))


#: What separates two numbers written in one cell.
PHONE_SEPARATORS = re.compile(r"\s*(?:/|;|,|\||\n| - | – | hoặc | hoac | or | và | and )\s*")


def parse_phone(value: str) -> Phone | None:
    """Parse a Vietnamese phone number into E.164.

    Several numbers in one cell (``"0905 123 456 / 0234 3822 123"``) give the first
    (:func:`parse_phones` gives them all). Old 11-digit mobile numbers (012x, 016x,
    018x, 0199, renumbered in 2018) are converted to their 10-digit equivalent with a
    warning saying so.

    Parameters
    ----------
    value
        The cell text; empty gives None.

    Returns
    -------
    Phone or None
        The number, or None for an empty cell.

    Raises
    ------
    ValueError
        When the text is not a valid Vietnamese (or international) number.
    """
    raw = text(value)
    if not raw:
        return None
    return _parse_one(PHONE_SEPARATORS.split(raw)[0])


def parse_phones(value: str) -> list[Phone]:
    """Parse every phone number of a cell (``"0905 123 456 / 0234 3822 123"``).

    Parameters
    ----------
    value
        The cell text; empty gives an empty list.

    Returns
    -------
    list of Phone
        Each number once, in the order written.

    Raises
    ------
    ValueError
        When one of the numbers is not a valid Vietnamese (or international) number.
    """
    raw = text(value)
    out: list[Phone] = []
    for part in PHONE_SEPARATORS.split(raw) if raw else []:
        if part.strip():
            phone = _parse_one(part)
            if phone.e164 not in {p.e164 for p in out}:
                out.append(phone)
    return out


_VN = phonenumbers.PhoneMetadata.metadata_for_region("VN")
_VN_MOBILE = (
    re.compile(_VN.mobile.national_number_pattern)
    if _VN is not None and _VN.mobile is not None and _VN.mobile.national_number_pattern
    else None
)
_VN_MOBILE_LENGTHS = set(_VN.mobile.possible_length) if _VN and _VN.mobile else set()
_GROUPS: dict[str, tuple[int, ...]] = {}  # first three digits → national format's groups


def _fast_mobile(national: str) -> Phone | None:
    """Return a 10-digit mobile number without phonenumbers' full parse, or None.

    Valid when the national number matches the VN mobile pattern of phonenumbers'
    metadata (what ``is_valid_number`` checks); formatted with the groups phonenumbers
    gives the first number of the same three-digit prefix.
    """
    nsn = national[1:]
    if not (
        _VN_MOBILE is not None
        and len(national) == 10
        and national.startswith("0")
        and national.isdigit()
        and len(nsn) in _VN_MOBILE_LENGTHS
        and _VN_MOBILE.fullmatch(nsn)
    ):
        return None
    groups = _GROUPS.get(nsn[:3])
    if groups is None:
        num = phonenumbers.parse(national, "VN")
        shown = str(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL))
        ok = shown.replace(" ", "") == national and re.fullmatch(r"[\d ]+", shown)
        groups = tuple(len(g) for g in shown.split(" ")) if ok else ()
        _GROUPS[nsn[:3]] = groups
    if not groups:
        return None
    parts, pos = [], 0
    for g in groups:
        parts.append(national[pos : pos + g])
        pos += g
    return Phone(e164="+84" + nsn, national=" ".join(parts))


@_memo
def _parse_one(first: str) -> Phone:
    """Parse one number (the work of :func:`parse_phone`, cached)."""
    digits = re.sub(r"[^\d+]", "", first)
    if digits.startswith("+84"):
        national = "0" + digits[3:]
    elif digits.startswith("0084"):
        national = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) >= 11:
        national = "0" + digits[2:]
    elif digits and not digits.startswith(("0", "+")) and len(digits) in (9, 10):
        national = "0" + digits  # leading zero lost in a spreadsheet number cell
    else:
        national = digits
    warning = None
    if len(national) == 11 and national[:4] in OLD_MOBILE_PREFIXES:
        new = OLD_MOBILE_PREFIXES[national[:4]] + national[4:]
        old_prefix: str | None = national[:4]
        warning = message(
            "cell.old_mobile", "en", old=old_prefix, new=OLD_MOBILE_PREFIXES[national[:4]]
        )
        national = new
    else:
        old_prefix = None
    fast = _fast_mobile(national) if warning is None else None
    if fast is not None:
        return fast
    try:
        num = phonenumbers.parse(national, "VN")
    except phonenumbers.NumberParseException:
        num = None
    if num is None or not phonenumbers.is_valid_number(num):
        raise CellError("cell.not_phone")
    e164 = str(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))
    national_form = str(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL))
    return Phone(e164=e164, national=national_form, warning=warning, old_prefix=old_prefix)


# ----------------------------------------------------------------------------- addresses

_ALLEY_WORDS = {
    "kiet": "Kiệt",
    "k": "Kiệt",
    "hem": "Hẻm",
    "h": "Hẻm",
    "ngo": "Ngõ",
    "ngach": "Ngách",
    "ngh": "Ngách",
}
_HOUSE = re.compile(
    r"^(?:(?:số|so|no\.?|nhà|nha)\s*)?(\d+[A-Za-z]?(?:\s*/\s*\d+[A-Za-z]?)*)\b[\s,]*"
)
_ALLEY = re.compile(r"^([A-Za-zÀ-ỹĐđ]+)\.?\s*(\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*)\b[\s,]*")
_STREET_PREFIX = re.compile(r"^(?:đường|duong|phố|pho|đ\.|d\.)\s+", re.IGNORECASE)


def parse_address(value: str) -> dict[str, str]:
    """Split a Vietnamese address into house number, alley (kiệt/hẻm/ngõ) and street.

    ``"12 Kiệt 34 Chi Lăng, Huế"`` gives house ``12``, alley ``Kiệt 34``, street
    ``Chi Lăng``; ``"123/45/6 Nguyễn Trãi"`` (Ho Chi Minh City style) gives house
    ``123/45/6``, alley ``Hẻm 123/45``, street ``Nguyễn Trãi``. Parts that cannot be
    found are empty; the raw address is always kept by the caller.

    Parameters
    ----------
    value
        The address as written.

    Returns
    -------
    dict
        ``house_number``, ``alley`` and ``street`` (strings, possibly empty).
    """
    raw = text(value)
    out = {"house_number": "", "alley": "", "street": ""}
    if not raw:
        return out
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not parts:
        return out
    main = next((p for p in parts if re.match(r"^(?:số\s*|so\s*)?\d", p, re.IGNORECASE)), parts[0])
    m = _HOUSE.match(main)
    if m:
        out["house_number"] = re.sub(r"\s+", "", m.group(1))
        main = main[m.end() :]
    alleys = []
    while True:
        m = _ALLEY.match(main)
        if not m or unaccent(m.group(1).lower()) not in _ALLEY_WORDS:
            break
        alleys.append(f"{_ALLEY_WORDS[unaccent(m.group(1).lower())]} {m.group(2)}")
        main = main[m.end() :]
    if alleys:
        out["alley"] = " ".join(alleys)
    elif "/" in out["house_number"]:
        out["alley"] = "Hẻm " + out["house_number"].rsplit("/", 1)[0]
    out["street"] = _STREET_PREFIX.sub("", main.strip(" ,.-")).strip()
    return out
