"""Text helpers: NFC normalisation of Vietnamese, slugs for readable ids, geohash."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = ["clean_text", "geohash", "slugify"]

# Vietnamese never uses the Icelandic eth (U+00D0/U+00F0), but OSM names typed on some
# keyboards do ("Ðinh Công Tráng"): it looks identical to Đ (U+0110) and compares unequal.
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
_SPACE = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Return ``value`` as NFC-normalised text with single spaces and Đ fixed.

    Parameters
    ----------
    value
        Any value; None and NaN give "".

    Returns
    -------
    str
        The cleaned text.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_ETH)
    return _SPACE.sub(" ", text).strip()


def slugify(text: str) -> str:
    """Return an ASCII slug of Vietnamese text.

    ``"Hẻm 146/35 Võ Thị Sáu"`` gives ``"hem-146-35-vo-thi-sau"``.

    Parameters
    ----------
    text
        The text.

    Returns
    -------
    str
        Lower-case ASCII letters, digits and single hyphens.
    """
    text = clean_text(text).replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def geohash(lat: float, lon: float, precision: int = 8) -> str:
    """Encode a position as a geohash (precision 8 ≈ 38 m × 19 m cells).

    Parameters
    ----------
    lat, lon
        Latitude and longitude in degrees.
    precision
        Number of characters.

    Returns
    -------
    str
        The geohash.
    """
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    bits, bit, ch, even = (16, 8, 4, 2, 1), 0, 0, True
    out: list[str] = []
    while len(out) < precision:
        if even:
            mid = (lon_lo + lon_hi) / 2
            if lon > mid:
                ch |= bits[bit]
                lon_lo = mid
            else:
                lon_hi = mid
        else:
            mid = (lat_lo + lat_hi) / 2
            if lat > mid:
                ch |= bits[bit]
                lat_lo = mid
            else:
                lat_hi = mid
        even = not even
        if bit < 4:
            bit += 1
        else:
            out.append(_BASE32[ch])
            bit, ch = 0, 0
    return "".join(out)


# ------------------------------------------------------------------------------------------
# Inert text in spreadsheets and pages (issue 18, classes 1 and 5). One rule each: a cell
# that a spreadsheet would run (formula_like), and text that a page would run (html_text,
# xml_text, cdata). Every CSV/XLSX writer and every page writer goes through these.
# ------------------------------------------------------------------------------------------

__all__ += [
    "cdata",
    "csv_text",
    "formula_like",
    "html_text",
    "inert_cell",
    "inert_xlsx",
    "revive_cell",
    "xml_text",
]

#: First characters a spreadsheet reads as the start of a formula or a DDE call (OWASP CSV
#: injection: = + - @ TAB CR; LF too, and the full-width forms some input methods type).
_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
#: Invisible characters a spreadsheet skips before a formula, like whitespace.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
#: Text that spells a plain number (a sign allowed): a spreadsheet reads it as that number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?")
#: Characters that make a CSV field quoted: RFC 4180's, and ; and TAB, the other separators
#: a spreadsheet may split on (Excel uses ; where the decimal mark is a comma, as in vi-VN).
_CSV_QUOTE = frozenset('",;\t\r\n')


def formula_like(text: str) -> bool:
    """Tell whether a spreadsheet would read ``text`` as a formula (the one rule).

    True when the text starts with ``=``, ``+``, ``-``, ``@``, TAB, CR or LF (or a
    full-width ``＝ ＋ － ＠``), also after leading spaces or invisible characters, unless
    it spells a plain number (``-5``, ``+84905123456``, ``-1,5``), which stays a number.

    Parameters
    ----------
    text
        A cell's text.

    Returns
    -------
    bool
        Whether the text must be defused before it is written to a sheet.
    """
    if not text:
        return False
    if text[0] in _TRIGGERS:
        lead = text[0]
    else:
        rest = text.lstrip().lstrip(_INVISIBLE).lstrip()
        if not rest or rest[0] not in _TRIGGERS:
            return False
        lead = rest[0]
    if lead in "+-" and _NUMBER.fullmatch(text.strip()):
        return False
    return True


def inert_cell(value: Any) -> Any:
    """Return a CSV cell that no spreadsheet runs: ``'`` before formula-like text.

    Numbers, booleans and None are returned as they are; so is text that is not
    formula-like (:func:`formula_like`), after any ``'`` it starts with.
    :func:`revive_cell` undoes it, so a written file reads back as the same text.

    Parameters
    ----------
    value
        The cell's value.

    Returns
    -------
    object
        The value, or ``"'" + value`` for formula-like text.
    """
    if isinstance(value, str) and _defused_form(value):
        return "'" + value
    return value


def _defused_form(text: str) -> bool:
    """Whether a CSV writer prefixes ``'``: formula-like text, also after ``'`` prefixes
    (so that a value the user wrote as ``'=x`` reads back as ``'=x``, not ``=x``)."""
    return formula_like(text.lstrip("'"))


def revive_cell(text: str) -> str:
    """Undo :func:`inert_cell`: the text a defused cell was written from.

    Parameters
    ----------
    text
        A cell's text as read from a file.

    Returns
    -------
    str
        The text without the defusing ``'`` (only before formula-like text).
    """
    if text.startswith("'") and _defused_form(text[1:]):
        return text[1:]
    return text


def inert_xlsx(cell: Any) -> Any:
    """Make an openpyxl cell holding formula-like text a plain text cell, never a formula.

    The value is kept as it is; the cell becomes a string cell (openpyxl makes any text
    starting with ``=`` a formula) with Excel's quote prefix, so that editing the cell
    does not arm it either.

    Parameters
    ----------
    cell
        An ``openpyxl`` cell.

    Returns
    -------
    object
        The same cell.
    """
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or formula_like(value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _csv_field(value: Any, quote: frozenset[str]) -> str:
    value = inert_cell(value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = value if isinstance(value, str) else str(value)
    if any(ch in quote for ch in text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(rows: Iterable[Iterable[Any]], *, delimiter: str = ",", eol: str = "\r\n") -> str:
    """Return rows as CSV text whose every cell is inert (RFC 4180 quoting, OWASP rules).

    Each field goes through :func:`inert_cell`; fields with a quote, a comma, a
    semicolon, a TAB, a line break or the delimiter are quoted, with quotes doubled.

    Parameters
    ----------
    rows
        The rows (the header first); None and NaN give empty cells.
    delimiter
        The field separator (one character: ``,``, ``;`` or TAB).
    eol
        The line ending.

    Returns
    -------
    str
        The CSV text, every line ended by ``eol``.
    """
    quote = _CSV_QUOTE | {delimiter}
    lines = (delimiter.join(_csv_field(v, quote) for v in row) + eol for row in rows)
    return "".join(lines)


#: Characters XML 1.0 cannot carry (controls other than TAB, LF, CR; surrogates; FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """Return text escaped for XML (and HTML) content or attributes, keeping it whole.

    ``& < > " '`` become entities; characters XML 1.0 cannot carry (NUL and other
    controls, lone surrogates) become U+FFFD.

    Parameters
    ----------
    value
        Any value (``str(value)`` is escaped; None gives "").

    Returns
    -------
    str
        The escaped text.
    """
    if value is None:
        return ""
    text = _NOT_XML.sub("\ufffd", str(value))
    return html.escape(text, quote=True)


def html_text(value: Any) -> str:
    """Return text escaped for an HTML page, also inside a JavaScript template literal.

    As :func:`xml_text`, and `` ` `` ``$`` ``\\`` become character references, so that
    text handed to folium/Leaflet (which put popup and tooltip HTML in backtick strings
    and set it as ``innerHTML``) stays text; ``{`` and ``}`` too, because folium compiles
    each element's rendered script again as a Jinja template (``{{ … }}`` from data
    would be evaluated while the page is written).

    Parameters
    ----------
    value
        Any value (None gives "").

    Returns
    -------
    str
        The escaped text.
    """
    text = xml_text(value)
    text = text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")
    return text.replace("{", "&#123;").replace("}", "&#125;")


def cdata(text: str) -> str:
    """Return ``text`` as an XML CDATA section that the text cannot close.

    Parameters
    ----------
    text
        The section's content (e.g. a KML description's HTML).

    Returns
    -------
    str
        ``<![CDATA[…]]>``, any ``]]>`` in the text split across two sections.
    """
    body = _NOT_XML.sub("\ufffd", text).replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{body}]]>"
