"""Checks on what a user gives the register: whole VND, dates, names from a closed list."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from covplan._errors import InputError
from covplan.vocab.messages import message

_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


def amount_vnd(value: Any, what: str = "amount", *, zero_ok: bool = False) -> int:
    """A positive whole number of VND from an int or its text (``1.250.000`` grouped is fine)."""
    if isinstance(value, bool):
        msg = message("campaign.not_money", what=what, value=value)
        raise InputError(msg, column=what)
    if isinstance(value, float | Decimal):
        msg = message(
            "campaign.fractional",
            what=what,
            value=value,
            kind=type(value).__name__,
            example=int(abs(float(value))) or 200000,
        )
        raise InputError(msg, column=what)
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip().removesuffix("VNĐ").strip()
        text = text.removesuffix("đ").removesuffix("VND").strip()
        negative = text.startswith("-")
        digits = text.lstrip("-").strip()
        if _PLAIN.match(digits) or _GROUPED.match(digits):
            value = int(re.sub(r"[.,\s]", "", digits)) * (-1 if negative else 1)
        else:
            msg = message("campaign.not_whole_vnd", what=what, value=value)
            raise InputError(msg, column=what)
    if not isinstance(value, int):
        msg = message("campaign.not_money", what=what, value=value)
        raise InputError(msg, column=what)
    if value < 0 or (value == 0 and not zero_ok):
        msg = message("campaign.not_positive", what=what, value=value)
        raise InputError(msg, column=what)
    return value


def count(value: Any, what: str) -> int:
    """A whole number ≥ 0 (households for / total)."""
    if isinstance(value, str) and _PLAIN.match(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = message("campaign.not_households", what=what, value=value)
        raise InputError(msg, column=what)
    return value


def day(value: Any, what: str = "date") -> date:
    """A date from a ``date``, ``datetime``, ``YYYY-MM-DD`` or ``DD/MM/YYYY``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    msg = message("campaign.not_date", what=what, value=value)
    raise InputError(msg, column=what)


def choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    """One of a closed list of words."""
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if text not in allowed:
        msg = message("campaign.not_known", what=what, value=value, choices=", ".join(allowed))
        raise InputError(msg, column=what)
    return text


def text(value: Any, what: str, *, required: bool = True) -> str:
    """NFC text, stripped; empty only when not required."""
    out = unicodedata.normalize("NFC", "" if value is None else str(value)).strip()
    if required and not out:
        msg = message("campaign.empty", what=what)
        raise InputError(msg, column=what)
    return out
