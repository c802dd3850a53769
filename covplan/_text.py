"""Text helpers: NFC normalisation of Vietnamese, slugs for readable ids, geohash."""

from __future__ import annotations

import re
import unicodedata

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
