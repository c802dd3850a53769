"""The one redaction of secrets: camera passwords never leave the caller's memory.

Every room that prints, logs, stores or exports a URL or an error text from a lower
layer passes it through here: the survey reader (stream URLs typed into a sheet),
the register writer, the picture checks (stream URLs and the errors OpenCV and the
stream clients raise) and the exports.

- :func:`redact_url` — a URL with its password (user-info or a secret query
  parameter such as ``?password=``) replaced by ``***``; for logs and messages.
- :func:`redact` — any text: every URL in it redacted, and the given secrets
  (also URL-quoted) replaced wherever they appear.
- :func:`url_template` — a URL made credential-free for storage: user and password
  become the placeholders ``{user}`` and ``{password}`` (filled from the keyring at
  capture time), secret query values become ``{password}``; says whether it had any.
"""

from __future__ import annotations

import re
import urllib.parse

__all__ = ["SECRET_QUERY_KEYS", "redact", "redact_url", "redact_urls_in", "url_template"]

#: Query parameters that carry secrets in camera URLs (Hikvision, Dahua, KBVision, ONVIF…).
SECRET_QUERY_KEYS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "pass",
    "token",
    "key",
    "auth",
    "secret",
)
_SECRET_QUERY_RE = re.compile(
    r"(?i)([?&;](?:" + "|".join(SECRET_QUERY_KEYS) + r")=)([^&#\s]*)",
)
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/@\s:]*):(\S*)@")
_USER_ONLY_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/@\s:]+)@")
_URL_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"']+")


def redact_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``.

    Handles the user-info part (``rtsp://user:pass@host``) and query parameters that
    carry secrets (``?password=...``, ``&pwd=...``, ``token=...``).

    Parameters
    ----------
    url
        A URL or a file name (returned unchanged).

    Returns
    -------
    str
        The URL without its secrets.
    """
    text = _USERINFO_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}:***@", str(url))
    return _SECRET_QUERY_RE.sub(lambda m: f"{m.group(1)}***", text)


def redact(text: str, *secrets: str | None) -> str:
    """Redact URLs in ``text`` and every occurrence of the given secrets.

    Parameters
    ----------
    text
        Any message, e.g. an exception's text from a lower layer.
    *secrets
        Passwords to hide wherever they appear (also URL-quoted). None and empty
        strings are ignored.

    Returns
    -------
    str
        The text, safe to log.
    """
    out = redact_url(text)
    for secret in secrets:
        if secret:
            for form in {secret, urllib.parse.quote(secret, safe="")}:
                out = out.replace(form, "***")
    return out


def url_template(url: str) -> tuple[str, bool]:
    """Return ``url`` made credential-free for storage, and whether it carried any.

    ``rtsp://admin:12345@10.0.0.5/x`` gives ``rtsp://{user}:{password}@10.0.0.5/x``;
    ``http://h/snap.cgi?pwd=abc`` gives ``http://h/snap.cgi?pwd={password}``. A URL
    with a user name only is also templated (the user is looked up with the password).

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
        return f"{m.group(1)}{{user}}:{{password}}@"

    def query(m: re.Match[str]) -> str:
        nonlocal had
        if m.group(2) and m.group(2) != "{password}":
            had = True
        return f"{m.group(1)}{{password}}"

    if "{user}:{password}@" not in text:
        text = _USERINFO_RE.sub(userinfo, text)
        text = _USER_ONLY_RE.sub(userinfo, text)
    text = _SECRET_QUERY_RE.sub(query, text)
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
