"""The one redaction of secrets and personal data: nothing private leaves in a message.

Every room that prints, logs, stores or exports a URL, an error text from a lower
layer or a value from the survey register passes it through here: the survey reader
(stream URLs typed into a sheet, and every problem it reports), the register writer,
the picture checks (stream URLs and the errors OpenCV and the stream clients raise)
and the exports.

- :func:`redact_url` — a URL with its password (user-info, or a secret parameter of
  the query, the fragment or a path ``;param``: ``password``, ``pwd``, ``pw``,
  ``loginpas``, ``apikey``, ``access_token``, ``sig``…, any case, percent-encoded
  keys too) replaced by ``***``; for logs and messages.
- :func:`redact` — any text: every URL in it redacted, the given secrets (also
  URL-quoted) replaced, and what looks like personal data masked by what it *is*,
  wherever it sits: Vietnamese phone numbers, e-mail addresses, Vietnamese full names
  and the contact names given.
- :func:`mask_personal` — the personal-data part of :func:`redact` alone.
- :func:`url_template` — a URL made credential-free for storage: user and password
  become the placeholders ``{user}`` and ``{password}`` (filled from the keyring at
  capture time), secret parameter values become ``{password}``; says whether it had any.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "SECRET_QUERY_KEYS",
    "KnownNames",
    "is_secret_key",
    "mask_personal",
    "redact",
    "redact_url",
    "redact_urls_in",
    "url_template",
]

#: Examples of parameters that carry secrets in camera URLs (Hikvision, Dahua, KBVision,
#: ONVIF, cloud APIs); :func:`is_secret_key` decides by the parts in :data:`_SECRET_PARTS`.
SECRET_QUERY_KEYS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "pass",
    "pw",
    "psw",
    "pword",
    "loginpas",
    "user_pwd",
    "token",
    "access_token",
    "apikey",
    "api_key",
    "key",
    "auth",
    "secret",
    "sig",
    "signature",
)
#: A parameter is secret when its key (percent-decoded, lower case, letters and digits
#: only) contains one of these parts, or is one of :data:`_SECRET_EXACT`.
_SECRET_PARTS: tuple[str, ...] = (
    "pas",
    "pw",
    "psw",
    "token",
    "secret",
    "key",
    "auth",
    "sig",
    "cred",
    "session",
    "cookie",
)
_SECRET_EXACT = frozenset({"p", "pin", "sid", "otp", "code", "hash", "ticket"})

# a key=value parameter after ? & ; or # (query, path parameter, fragment)
# (the value stops before ? and before punctuation that ends a sentence after the URL)
_PARAM_RE = re.compile(r"([?&;#])([^=&#;?\s/]+)(=)([^&#;?\s]*?)(?=[:.,)'\"\]]*(?:[&#;?\s]|$))")
# scheme://user[:password]@host — the password may hold ':' '@' '/' (typed raw); the
# host after the last '@' is what a host looks like, followed by a delimiter or the end
_USERINFO_RE = re.compile(
    r"(?i)\b(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^\s:/?#]*?)(?::(?P<pw>\S*?))?@"
    r"(?=(?:\[[0-9a-f:.%a-z]+\]|[^\s@/?#:\[\]]+)(?::\d*)?[:.,)'\"\]]*(?:[/?#\s]|$))"
)
_URL_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"']+")


def is_secret_key(key: str) -> bool:
    """Return whether a URL parameter's key names a secret (a password, token, key…).

    Parameters
    ----------
    key
        The key as written, possibly percent-encoded (``pass%77ord``).

    Returns
    -------
    bool
        True for ``password``, ``PWD``, ``loginpas``, ``user_pwd``, ``apikey``,
        ``access_token``, ``sig``… (over-redacting is preferred to a leak).
    """
    k = re.sub(r"[^0-9a-z]", "", urllib.parse.unquote_plus(key).casefold())
    return k in _SECRET_EXACT or any(part in k for part in _SECRET_PARTS)


def _secret_params(text: str, value: Callable[[str], str]) -> str:
    """Replace the value of every secret parameter in ``text`` by ``value(old)``."""

    def one(m: re.Match[str]) -> str:
        if not is_secret_key(m.group(2)):
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{value(m.group(4))}"

    return _PARAM_RE.sub(one, text)


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``.

    Handles the user-info part (``rtsp://user:p@ss:word@host``: the password may hold
    ``@`` and ``:``) and every parameter whose key names a secret (:func:`is_secret_key`)
    in the query, the fragment or a path parameter, whatever its case or encoding. The
    rest of the URL (user name, host, port, path, other parameters) is kept as written.
    Works on any text, redacting each URL in it.

    Parameters
    ----------
    url
        A URL, a text holding URLs, or a file name (returned unchanged).

    Returns
    -------
    str
        The URL without its secrets.
    """

    def userinfo(m: re.Match[str]) -> str:
        if m.group("pw") is None:
            return m.group(0)
        return f"{m.group('scheme')}{m.group('user')}:***@"

    text = _USERINFO_RE.sub(userinfo, str(url))
    return _secret_params(text, lambda _old: "***")


# ---------------------------------------------------------------------- personal data

#: Common Vietnamese family names (họ): a capitalised run of words starting with one
#: of them is taken for a person's full name.
_FAMILY_NAMES = frozenset(
    unicodedata.normalize("NFC", n).casefold()
    for n in (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn "
        "Vương Trịnh Trương Lâm Phùng Mai Tô Hà Tạ Cao Lương Đinh Thái Quách Châu Lưu Tôn "
        "Văn Kiều Triệu Mạc Hứa Khúc Chu Diệp Lã Lại Từ Thân Nghiêm Đàm Tăng Giang Âu Ông"
    ).split()
)
_EMAIL_RE = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE_RE = re.compile(
    r"(?<![\w.,/])(?:\+|00)?\(?\d[\d\s.\-()]{7,18}\d(?![\w]|[.,]\d)",
)
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def _mask(value: str) -> str:
    """Show the first two and last two characters of a personal value."""
    return "…" if len(value) <= 4 else f"{value[:2]}…{value[-2:]}"


#: The example numbers covplan's own messages give ("write 10 digits like 0905 123 456").
_EXAMPLE_PHONES = frozenset({"0905123456", "02343822123"})


def _looks_like_phone(candidate: str) -> bool:
    """Whether a run of digits and separators is a Vietnamese phone number's shape."""
    digits = re.sub(r"\D", "", candidate)
    if _IPV4_RE.match(candidate.strip()) or digits in _EXAMPLE_PHONES:
        return False
    plus = candidate.lstrip("(").startswith(("+", "00"))
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and (plus or len(digits) >= 11):
        digits = "0" + digits[2:]
    elif plus:
        return 8 <= len(digits) <= 15  # an international number
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11
    bare = candidate.strip().strip("()")
    return len(digits) in (9, 10) and bare.isdigit()  # lost its leading zero


def _name_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _mask_names(text: str, names: frozenset[str], longest: int) -> str:
    """Mask known contact names (any case, NFC) and Vietnamese full names in ``text``."""
    tokens = list(re.finditer(r"[^\s.,;:!?'\"()\[\]{}<>]+", text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        n = _known_name_at(text, tokens, i, names, longest) or _full_name_at(tokens, i)
        if n:
            spans.append((tokens[i].start(), tokens[i + n - 1].end()))
            i += n
        else:
            i += 1
    for start, end in reversed(spans):
        text = text[:start] + _mask(text[start:end]) + text[end:]
    return text


def _known_name_at(
    text: str, tokens: list[re.Match[str]], i: int, names: frozenset[str], longest: int
) -> int:
    """Number of tokens from ``i`` that spell a known name (0: none)."""
    for n in range(min(longest, len(tokens) - i), 0, -1):
        if _name_key(text[tokens[i].start() : tokens[i + n - 1].end()]) in names:
            return n
    return 0


def _full_name_at(tokens: list[re.Match[str]], i: int) -> int:
    """Number of tokens from ``i`` that look like a Vietnamese full name (0: none)."""
    first = tokens[i].group(0)
    if not (first[:1].isupper() and first.casefold() in _FAMILY_NAMES):
        return 0
    n = 1
    while n < 5 and i + n < len(tokens):
        word = tokens[i + n].group(0)
        if not (word[:1].isupper() and word.isalpha()):
            break
        n += 1
    return n if n >= 2 else 0


@dataclass(frozen=True)
class KnownNames:
    """Contact names prepared for masking: build once per register, pass to every call."""

    keys: frozenset[str]
    longest: int

    @classmethod
    def of(cls, names: Iterable[str]) -> KnownNames:
        """Return the names prepared (NFC, case-folded, single spaces).

        Parameters
        ----------
        names
            Contact names as written.

        Returns
        -------
        KnownNames
            The keys and the most words in one name.
        """
        keys = frozenset(k for k in (_name_key(n) for n in names) if len(k) >= 2)
        return cls(keys, max((len(k.split()) for k in keys), default=0))


def mask_personal(text: str, names: Iterable[str] | KnownNames = ()) -> str:
    """Mask what looks like personal data in ``text``, by what it is, wherever it sits.

    Vietnamese phone numbers (``0905 123 456``, ``+84 905 123 456``, ``0234.3822.123``,
    a mobile that lost its leading zero, old 11-digit numbers), e-mail addresses,
    Vietnamese full names (a capitalised run of two to five words starting with a
    common family name) and the given contact names (compared NFC, case-insensitive)
    are shown as their first and last two characters (``09…56``). URLs are left to
    :func:`redact_url`.

    Parameters
    ----------
    text
        A message or a value quoted in one.
    names
        Known contact names of the register (prepared once with
        :meth:`KnownNames.of` when there are many messages).

    Returns
    -------
    str
        The text with personal values masked.
    """
    known = names if isinstance(names, KnownNames) else KnownNames.of(names)
    keys, longest = known.keys, known.longest
    parts: list[str] = []
    last = 0
    for m in _URL_RE.finditer(text):  # a URL's digits are its host and path, not a phone
        parts.append(_mask_plain(text[last : m.start()], keys, longest))
        parts.append(m.group(0))
        last = m.end()
    parts.append(_mask_plain(text[last:], keys, longest))
    return "".join(parts)


def _mask_plain(text: str, names: frozenset[str], longest: int) -> str:
    if not text:
        return text
    out = _EMAIL_RE.sub(lambda m: _mask(m.group(0)), text)
    out = _PHONE_RE.sub(
        lambda m: _mask(m.group(0)) if _looks_like_phone(m.group(0)) else m.group(0), out
    )
    return _mask_names(out, names, longest)


def redact(text: str, *secrets: str | None, names: Iterable[str] | KnownNames = ()) -> str:
    """Redact URLs, secrets and personal data in ``text``: the one function for messages.

    Parameters
    ----------
    text
        Any message, e.g. an exception's text from a lower layer or a survey problem.
    *secrets
        Passwords to hide wherever they appear (also URL-quoted). None and empty
        strings are ignored.
    names
        Contact names to mask wherever they appear (see :func:`mask_personal`).

    Returns
    -------
    str
        The text, safe to log.
    """
    out = redact_url(str(text))
    for secret in secrets:
        if secret:
            for form in sorted({secret, urllib.parse.quote(secret, safe="")}, key=len)[::-1]:
                out = out.replace(form, "***")
    return mask_personal(out, names)


def url_template(url: str) -> tuple[str, bool]:
    """Return ``url`` made credential-free for storage, and whether it carried any.

    ``rtsp://admin:12345@10.0.0.5/x`` gives ``rtsp://{user}:{password}@10.0.0.5/x``;
    ``http://h/snap.cgi?pwd=abc`` gives ``http://h/snap.cgi?pwd={password}``. A URL
    with a user name only is also templated (the user is looked up with the password).
    Secret parameters are found as :func:`redact_url` finds them.

    Parameters
    ----------
    url
        A stream URL as someone typed it.

    Returns
    -------
    tuple of (str, bool)
        The template, and True when a user name, password or secret parameter was removed.
    """
    text = str(url)
    had = False

    def userinfo(m: re.Match[str]) -> str:
        nonlocal had
        had = True
        return f"{m.group('scheme')}{{user}}:{{password}}@"

    def query(old: str) -> str:
        nonlocal had
        if old and old != "{password}":
            had = True
        return "{password}"

    if "{user}:{password}@" not in text:
        text = _USERINFO_RE.sub(userinfo, text)
    text = _secret_params(text, query)
    return text, had


def redact_urls_in(text: str) -> str:
    """Return ``text`` with every URL in it made credential-free (see :func:`url_template`).

    Parameters
    ----------
    text
        Any text that may hold URLs (a cell of a register).

    Returns
    -------
    str
        The text with templated URLs.
    """
    return _URL_RE.sub(lambda m: url_template(m.group(0))[0], text)
