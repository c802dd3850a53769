"""Where a camera's password comes from, and the one-login-per-camera rule.

Credentials come from the caller, an environment variable or the system keyring, never
from the register (whose ``stream_url`` is a credential-free template). Each camera's
password is tried once per process: a camera whose login was rejected is not tried again
until :func:`forget_rejection` is called, because cameras lock out after repeated failed
logins.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse

import keyring

from covplan._errors import CaptureError
from covplan.check.urls import normalise_userinfo

__all__ = [
    "check_not_rejected",
    "env_key",
    "forget_rejection",
    "missing_password",
    "reject",
    "resolve_credentials",
]

logger = logging.getLogger(__name__)

#: Cameras (by key) whose credentials were rejected in this process: never retried.
_REJECTED: dict[str, str] = {}


def env_key(camera_id: str) -> str:
    """The ``<ID>`` of ``COVPLAN_CAMERA_PASSWORD_<ID>`` for a camera id."""
    return re.sub(r"[^A-Za-z0-9]", "_", camera_id).upper()


def resolve_credentials(
    url: str,
    *,
    camera_id: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> tuple[str | None, str | None]:
    """Find the user name and password for a camera, without ever reading the register.

    Looked up in this order, the first found wins:

    1. the caller's ``username`` / ``password`` (or a password already in ``url``);
    2. environment variables ``COVPLAN_CAMERA_PASSWORD_<ID>`` and
       ``COVPLAN_CAMERA_USER_<ID>`` (``<ID>`` is the camera id upper-cased, every other
       character than letters and digits replaced by ``_``), then
       ``COVPLAN_CAMERA_PASSWORD`` and ``COVPLAN_CAMERA_USER``;
    3. the system keyring: service ``covplan``, user name the camera id (or the host).

    Parameters
    ----------
    url
        The stream URL (its user name, if any, is the default user name).
    camera_id
        The camera's id in the register.
    username, password
        Credentials given by the caller.

    Returns
    -------
    tuple of (str or None, str or None)
        The user name and password; ``(user, None)`` when no password is known.
    """
    parts = urllib.parse.urlsplit(normalise_userinfo(url))
    url_user = urllib.parse.unquote(parts.username) if parts.username else None
    url_pass = urllib.parse.unquote(parts.password) if parts.password else None
    user = username or url_user
    if password is not None or url_pass is not None:
        return user, password if password is not None else url_pass
    candidates: list[tuple[str, str]] = []
    if camera_id:
        key = env_key(camera_id)
        candidates.append((f"COVPLAN_CAMERA_PASSWORD_{key}", f"COVPLAN_CAMERA_USER_{key}"))
    candidates.append(("COVPLAN_CAMERA_PASSWORD", "COVPLAN_CAMERA_USER"))
    for pass_var, user_var in candidates:
        secret = os.environ.get(pass_var)
        if secret:
            logger.debug("password for %s from environment variable %s", camera_id, pass_var)
            return user or os.environ.get(user_var) or "admin", secret
    keyring_user = camera_id or parts.hostname
    if keyring_user:
        secret = _from_keyring(keyring_user)
        if secret:
            logger.debug("password for %s from the keyring", keyring_user)
            return user or "admin", secret
    return user, None


def _from_keyring(name: str) -> str | None:
    try:
        return keyring.get_password("covplan", name)
    except Exception as err:  # no keyring backend on a server is normal
        logger.debug("keyring not available: %s", type(err).__name__)
        return None


def forget_rejection(camera: str | None = None) -> None:
    """Allow another login attempt for a camera whose credentials were rejected.

    Parameters
    ----------
    camera
        The camera id (or host) to forget; None forgets every camera.
    """
    if camera is None:
        _REJECTED.clear()
    else:
        _REJECTED.pop(camera, None)


def check_not_rejected(key: str) -> None:
    """Raise :class:`CaptureError` if the login of camera ``key`` was rejected in this process."""
    if key in _REJECTED:
        msg = (
            f"camera {key}: its login was rejected earlier ({_REJECTED[key]}); not trying "
            "again, since cameras lock out after repeated failed logins. Fix the password "
            "and call covplan.check.forget_rejection()"
        )
        raise CaptureError(msg)


def reject(key: str, answer: str) -> CaptureError:
    """Record that camera ``key`` rejected its login (``answer``, e.g. ``"RTSP 401"``).

    Returns the error to raise; the camera is not tried again in this process.
    """
    _REJECTED[key] = answer
    msg = (
        f"camera {key} rejected the login ({answer}); it will not be "
        "tried again in this run (cameras lock out after repeated failures)"
    )
    return CaptureError(msg)


def missing_password(key: str) -> CaptureError:
    """The error for a camera ``key`` that asks for a password when none is known."""
    msg = (
        f"camera {key} asks for a password and none was given; set "
        f"COVPLAN_CAMERA_PASSWORD_{env_key(key)} or store it in the keyring "
        "(service 'covplan')"
    )
    return CaptureError(msg)
