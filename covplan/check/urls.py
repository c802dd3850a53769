"""Camera URLs: brand templates for RTSP streams and HTTP snapshots, and credentials in a URL.

Every URL built here is credential-free (a user name at most); :func:`with_credentials`
puts a password in only for the moment a client opens the stream, and the result is never
logged (log :func:`covplan._redact.redact_url` of it).

Examples
--------
>>> stream_url("hikvision", "192.168.1.64", channel=1)
'rtsp://admin@192.168.1.64:554/Streaming/Channels/101'
>>> snapshot_url("dahua", "10.0.0.5", username=None)
'http://10.0.0.5/cgi-bin/snapshot.cgi?channel=1'
"""

from __future__ import annotations

import urllib.parse

from covplan._errors import InputError

__all__ = ["normalise_userinfo", "snapshot_url", "stream_url", "with_credentials"]

#: RTSP path templates by brand; ``{ch}`` is the channel number, ``{sub}`` the stream index.
_RTSP_PATHS: dict[str, str] = {
    "hikvision": "/Streaming/Channels/{ch}0{hik_stream}",
    "dahua": "/cam/realmonitor?channel={ch}&subtype={sub}",
    "imou": "/cam/realmonitor?channel={ch}&subtype={sub}",
    "kbvision": "/cam/realmonitor?channel={ch}&subtype={sub}",
}
_SNAPSHOT_PATHS: dict[str, str] = {
    "hikvision": "/ISAPI/Streaming/channels/{ch}01/picture",
    "dahua": "/cgi-bin/snapshot.cgi?channel={ch}",
    "imou": "/cgi-bin/snapshot.cgi?channel={ch}",
    "kbvision": "/cgi-bin/snapshot.cgi?channel={ch}",
}


def _brand(brand: str) -> str:
    key = brand.strip().lower().replace(" ", "")
    if key not in _RTSP_PATHS:
        msg = f"unknown camera brand {brand!r}; use one of {sorted(_RTSP_PATHS)}"
        raise InputError(msg, column="brand", value=brand)
    return key


def _netloc(host: str, port: int, default_port: int, username: str | None) -> str:
    hostpart = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if port != default_port:
        hostpart = f"{hostpart}:{port}"
    elif default_port == 554:
        hostpart = f"{hostpart}:{port}"
    if username:
        return f"{urllib.parse.quote(username, safe='')}@{hostpart}"
    return hostpart


def stream_url(
    brand: str,
    host: str,
    *,
    channel: int = 1,
    substream: bool = False,
    port: int = 554,
    username: str | None = "admin",
) -> str:
    """Build a credential-free RTSP URL template for a camera brand.

    Parameters
    ----------
    brand
        ``"hikvision"``, ``"dahua"``, ``"imou"`` or ``"kbvision"`` (KBVision and Imou are
        Dahua OEMs and share its paths).
    host
        The camera's or recorder's address.
    channel
        The channel (1 for a single camera; the camera's input on a recorder).
    substream
        Ask for the low-resolution sub-stream instead of the main stream.
    port
        The RTSP port (554).
    username
        The user name to put in the URL (no password, ever); None for none.

    Returns
    -------
    str
        E.g. ``rtsp://admin@host:554/Streaming/Channels/101`` (Hikvision) or
        ``rtsp://admin@host:554/cam/realmonitor?channel=1&subtype=0`` (Dahua).
    """
    key = _brand(brand)
    path = _RTSP_PATHS[key].format(
        ch=int(channel), sub=1 if substream else 0, hik_stream=2 if substream else 1
    )
    return f"rtsp://{_netloc(host, port, 554, username)}{path}"


def snapshot_url(
    brand: str, host: str, *, channel: int = 1, port: int = 80, username: str | None = "admin"
) -> str:
    """Build a credential-free HTTP snapshot URL for a camera brand.

    Parameters
    ----------
    brand
        ``"hikvision"``, ``"dahua"``, ``"imou"`` or ``"kbvision"``.
    host
        The camera's address.
    channel
        The channel number.
    port
        The HTTP port (80).
    username
        The user name to put in the URL; None for none.

    Returns
    -------
    str
        E.g. ``http://admin@host/ISAPI/Streaming/channels/101/picture``.
    """
    key = _brand(brand)
    path = _SNAPSHOT_PATHS[key].format(ch=int(channel))
    return f"http://{_netloc(host, port, 80, username)}{path}"


def normalise_userinfo(url: str) -> str:
    """Percent-quote a raw user name and password (``#``, ``@``, ``/``, ``:``) in ``url``.

    Parameters
    ----------
    url
        A URL as typed, e.g. ``rtsp://admin:p#ss/w@rd@host/x``.

    Returns
    -------
    str
        The same URL with its user-info quoted so that a URL parser finds the host.
    """
    scheme, sep, rest = url.partition("://")
    at = rest.rfind("@")
    if not sep or at < 0:
        return url
    userinfo, hostpart = rest[:at], rest[at + 1 :]
    user, colon, password = userinfo.partition(":")
    q = urllib.parse.quote
    user_q = q(urllib.parse.unquote(user), safe="")
    if colon:
        return f"{scheme}://{user_q}:{q(urllib.parse.unquote(password), safe='')}@{hostpart}"
    return f"{scheme}://{user_q}@{hostpart}"


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """Return ``url`` with ``username`` and ``password`` in its user-info part.

    Parameters
    ----------
    url
        A network URL; any user-info it has is replaced.
    username
        The user name (None keeps the URL's own).
    password
        The password (None: no password).

    Returns
    -------
    str
        The URL to hand to a client. Never log it: log ``redact_url`` of it.
    """
    parts = urllib.parse.urlsplit(normalise_userinfo(url))
    user = username if username is not None else (parts.username or "")
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    userinfo = urllib.parse.quote(urllib.parse.unquote(user), safe="") if user else ""
    if password is not None:
        userinfo = f"{userinfo}:{urllib.parse.quote(password, safe='')}"
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
