"""Where a camera's password comes from, and the lock-out rule: failed logins per device.

Credentials come from the caller, an environment variable or the system keyring, never
from the register (whose ``stream_url`` is a credential-free template).

Recorders (Hikvision, Dahua) lock a user out after about five failed logins, and one NVR
serves many cameras (channels). Failed logins are therefore counted per device and user,
``(host, port, user)``, across the whole process and its threads: once a device refused
the password ``MAX_FAILED_LOGINS`` times (1 by default), no other channel of it is tried
with that user (:class:`NotTriedError`), and a camera whose login was rejected is not
tried again, until :func:`forget_rejection` is called. A lock per device serialises the
login attempts, so parallel workers cannot fail twice at once.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import keyring

from covplan._errors import CaptureError
from covplan.check.urls import normalise_userinfo

__all__ = [
    "MAX_FAILED_LOGINS",
    "Login",
    "NotTriedError",
    "check_not_rejected",
    "env_key",
    "forget_rejection",
    "login_attempt",
    "missing_password",
    "reject",
    "resolve_credentials",
]

logger = logging.getLogger(__name__)

#: Cameras (by key) whose credentials were rejected in this process: never retried.
_REJECTED: dict[str, str] = {}

#: Failed logins a device (host, port, user) may have in a run before it is left alone.
MAX_FAILED_LOGINS = 1

#: Failed logins per (host, port, user) in this process, and the cameras they came from.
_FAILED: dict[tuple[str, int, str], int] = {}
_FAILED_CAMERAS: dict[tuple[str, int, str], set[str]] = {}
_STATE_LOCK = threading.Lock()
_DEVICE_LOCKS: dict[tuple[str, int, str], threading.Lock] = {}


class NotTriedError(CaptureError):
    """A camera not tried: its recorder already refused the password for this user."""


@dataclass(frozen=True)
class Login:
    """Who logs in where: a camera's key and the device and user its login goes to.

    Parameters
    ----------
    camera
        The camera's key (its id, or the host).
    host, port, user
        The device (a camera or the NVR serving it) and the user name.
    limit
        Failed logins the device may have before it is left alone (``MAX_FAILED_LOGINS``).
    """

    camera: str
    host: str
    port: int
    user: str
    limit: int = MAX_FAILED_LOGINS

    @property
    def device(self) -> tuple[str, int, str]:
        """The counting key: (host, port, user)."""
        return (self.host.lower(), self.port, self.user)

    def __str__(self) -> str:
        return f"{self.user}@{self.host}"


def failed_logins(host: str, port: int, user: str) -> int:
    """Failed logins counted for ``user`` on the device ``host:port`` in this process."""
    with _STATE_LOCK:
        return _FAILED.get((host.lower(), port, user), 0)


def check_device(login: Login) -> None:
    """Raise :class:`NotTriedError` when ``login``'s device refused this user too often."""
    with _STATE_LOCK:
        n = _FAILED.get(login.device, 0)
    if n >= max(1, login.limit):
        msg = (
            f"not tried: the recorder refused the password for {login} "
            f"(port {login.port}, {n} failed login{'s' if n != 1 else ''} in this run); "
            "fix the password before trying again"
        )
        raise NotTriedError(msg)


@contextmanager
def login_attempt(login: Login) -> Iterator[None]:
    """Hold the device's login lock for one login attempt, after checking its count.

    Raises :class:`NotTriedError` (before any request) when the device is left alone.
    """
    with _STATE_LOCK:
        lock = _DEVICE_LOCKS.setdefault(login.device, threading.Lock())
    with lock:
        check_device(login)
        yield


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
        The camera id, host or ``user@host`` to forget (with the failed logins of its
        device); None forgets every camera and device.
    """
    with _STATE_LOCK:
        if camera is None:
            _REJECTED.clear()
            _FAILED.clear()
            _FAILED_CAMERAS.clear()
            return
        _REJECTED.pop(camera, None)
        for device in list(_FAILED):
            host, port, user = device
            names = {host, f"{user}@{host}", f"{user}@{host}:{port}", f"{host}:{port}"}
            if camera in names or camera in _FAILED_CAMERAS.get(device, set()):
                _FAILED.pop(device, None)
                _FAILED_CAMERAS.pop(device, None)


def check_not_rejected(key: str) -> None:
    """Raise :class:`CaptureError` if the login of camera ``key`` was rejected in this process."""
    if key in _REJECTED:
        msg = (
            f"camera {key}: its login was rejected earlier ({_REJECTED[key]}); not trying "
            "again, since cameras lock out after repeated failed logins. Fix the password "
            "and call covplan.check.forget_rejection()"
        )
        raise CaptureError(msg)


def reject(login: Login, answer: str) -> CaptureError:
    """Record that ``login`` was rejected (``answer``, e.g. ``"RTSP 401"``).

    Counts one failed login for the device and user; returns the error to raise. The
    camera is not tried again in this process, nor is any other camera of the device once
    it reached its limit.
    """
    with _STATE_LOCK:
        _REJECTED[login.camera] = answer
        _FAILED[login.device] = _FAILED.get(login.device, 0) + 1
        _FAILED_CAMERAS.setdefault(login.device, set()).add(login.camera)
    key = login.camera
    msg = (
        f"camera {key} rejected the login of user {login.user} on {login.host} ({answer}); "
        "it will not be "
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
