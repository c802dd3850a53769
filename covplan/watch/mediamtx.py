"""A MediaMTX configuration: the ward's cameras as WebRTC/HLS for officers' phone browsers.

`MediaMTX <https://github.com/bluenviron/mediamtx>`_ (MIT) pulls each camera's RTSP
stream and serves it to browsers over WebRTC and HLS, with per-user, per-path
permissions. :func:`mediamtx_config` writes, for the cameras the ward streams itself:

- one path per camera (its code in lower case, ``n01``), pulling the camera's
  credential-free URL; the camera's password is *not* in the file: at deployment the
  start script (:func:`start_script`) sets MediaMTX's documented override
  ``MTX_PATHS_N01_SOURCE`` from ``COVPLAN_CAMERA_PASSWORD_N01`` or the keyring;
- one user per officer (``authInternalUsers``), the password stored as an argon2id hash
  (``argon2:$argon2id$…``, as MediaMTX documents), allowed to ``read`` and ``playback``
  exactly the paths the register grants;
- recording of every path, kept ``recordDeleteAfter`` the retention the plan (or the
  camera's own register entry) asks;
- an access log: ``runOnRead`` / ``runOnUnread`` append a line per viewer (time, path,
  protocol, reader id) to ``access.log``, beside MediaMTX's own log of logins.

The YAML is written by hand (a small block-style emitter; every string double-quoted),
so nothing but the standard library is needed to write it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from covplan._errors import InputError
from covplan._redact import redact_url
from covplan.check.urls import normalise_userinfo

__all__ = [
    "ACCESS_LOG",
    "hash_password",
    "mediamtx_config",
    "new_password",
    "path_name",
    "start_script",
    "to_yaml",
    "write_atomic",
]

logger = logging.getLogger(__name__)

#: Where the access-log hook appends (relative to MediaMTX's working directory).
ACCESS_LOG = "access.log"

# argon2id with OWASP's smallest recommended cost (19 MiB, 2 passes): MediaMTX checks it
# on every login, on a small ward server
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

_HOOK = (
    "sh -c 'echo \"$(date -u +%Y-%m-%dT%H:%M:%SZ) {what} path=$MTX_PATH "
    "via=$MTX_READER_TYPE id=$MTX_READER_ID\" >> {log}'"
)


def hash_password(password: str) -> str:
    """Hash an officer's password the way MediaMTX reads it: ``argon2:$argon2id$…``.

    Parameters
    ----------
    password
        The plain password (kept nowhere by covplan).

    Returns
    -------
    str
        The ``argon2:``-prefixed argon2id hash.
    """
    return "argon2:" + _HASHER.hash(password)


def new_password() -> str:
    """Return a new random officer password (12 characters, letters and digits)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def path_name(code: str) -> str:
    """Return the MediaMTX path of a camera: its code in lower case (``N01`` → ``n01``).

    Lower case, letters and digits only, so that MediaMTX's environment override
    ``MTX_PATHS_<CODE>_SOURCE`` finds it (it lower-cases map keys and splits at ``_``).
    """
    name = re.sub(r"[^a-z0-9]", "", code.lower())
    if not name:
        msg = f"camera code {code!r} has no letter or digit; give the plan's code (N01…)"
        raise InputError(msg, column="code", value=code)
    return name


def _duration_days(days: int) -> str:
    return f"{int(days)}d"


def mediamtx_config(
    paths: Mapping[str, Mapping[str, Any]],
    users: Mapping[str, tuple[str, Sequence[str]]],
    *,
    retention_days: int,
    record_dir: str = "./recordings",
) -> dict[str, Any]:
    """Build a MediaMTX configuration (a dict of its documented keys).

    Parameters
    ----------
    paths
        Camera code → ``{"stream_url": str | None, "retention_days": int | None}``; a
        URL holding a password is refused (the password comes from the environment).
    users
        Officer id → (``argon2:`` hash, camera codes the officer may watch). Codes not
        in ``paths`` (cameras watched through the vendor's app) are left out.
    retention_days
        Days of recordings kept (the plan's retention) where a camera has none of its own.
    record_dir
        Where recordings go (MediaMTX's ``recordPath`` prefix).

    Returns
    -------
    dict
        The configuration; :func:`to_yaml` writes it.
    """
    if retention_days < 1:
        msg = f"retention must be at least 1 day, not {retention_days}"
        raise InputError(msg, column="retention_days", value=retention_days)
    path_cfg: dict[str, Any] = {}
    for code in sorted(paths):
        info = paths[code]
        url = info.get("stream_url")
        entry: dict[str, Any] = {}
        if url:
            text = normalise_userinfo(str(url))
            if redact_url(text) != text:
                msg = (
                    f"camera {code}: its stream URL holds a password; store it without one "
                    f"(the start script takes COVPLAN_CAMERA_PASSWORD_{path_name(code).upper()})"
                )
                raise InputError(msg, column="stream_url", value=redact_url(text))
            entry["source"] = text
            entry["sourceOnDemand"] = False
        else:  # filled at deployment from MTX_PATHS_<CODE>_SOURCE, or the camera pushes
            entry["source"] = "publisher"
        days = info.get("retention_days")
        if days and int(days) != int(retention_days):
            entry["recordDeleteAfter"] = _duration_days(int(days))
        path_cfg[path_name(code)] = entry
    auth: list[dict[str, Any]] = []
    for officer_id in sorted(users):
        pass_hash, codes = users[officer_id]
        if not str(pass_hash).startswith(("argon2:", "sha256:")):
            msg = f"officer {officer_id}: the password must be given hashed (argon2:…)"
            raise InputError(msg, column="pass_hash")
        mine = sorted({path_name(c) for c in codes if c in paths})
        perms = [{"action": a, "path": p} for p in mine for a in ("read", "playback")]
        auth.append({"user": officer_id, "pass": pass_hash, "ips": [], "permissions": perms})
    # the server's own API and metrics, for the office, from the server itself only
    auth.append(
        {
            "user": "any",
            "pass": "",
            "ips": ["127.0.0.1", "::1"],
            "permissions": [{"action": "api"}, {"action": "metrics"}],
        }
    )
    hook = {what: _HOOK.format(what=what, log=ACCESS_LOG) for what in ("read", "unread")}
    return {
        "logLevel": "info",
        "logDestinations": ["stdout", "file"],
        "logFile": "mediamtx.log",
        "authMethod": "internal",
        "authInternalUsers": auth,
        "api": False,
        "metrics": False,
        "playback": True,
        "playbackAddress": ":9996",
        "rtsp": True,
        "rtspTransports": ["tcp"],
        "rtspAddress": ":8554",
        "rtmp": False,
        "hls": True,
        "hlsAddress": ":8888",
        "webrtc": True,
        "webrtcAddress": ":8889",
        "srt": False,
        "pathDefaults": {
            "record": True,
            "recordPath": f"{record_dir.rstrip('/')}/%path/%Y-%m-%d_%H-%M-%S-%f",
            "recordFormat": "fmp4",
            "recordSegmentDuration": "1h",
            "recordDeleteAfter": _duration_days(retention_days),
            "rtspTransport": "tcp",
            "runOnRead": hook["read"],
            "runOnReadRestart": False,
            "runOnUnread": hook["unread"],
        },
        "paths": path_cfg,
    }


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML scalar


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, Mapping) and v:
                out.append(f"{pad}{k}:")
                _emit(v, indent + 2, out)
            elif isinstance(v, list) and v and isinstance(v[0], Mapping):
                out.append(f"{pad}{k}:")
                _emit(v, indent + 2, out)
            elif isinstance(v, list):
                out.append(f"{pad}{k}: [{', '.join(_scalar(x) for x in v)}]")
            elif isinstance(v, Mapping):
                out.append(f"{pad}{k}: {{}}")
            else:
                out.append(f"{pad}{k}: {_scalar(v)}")
        return
    for item in value:  # a list of mappings
        lines: list[str] = []
        _emit(item, indent + 2, lines)
        if lines:
            lines[0] = f"{pad}- {lines[0][indent + 2 :]}"
        out.extend(lines)


def to_yaml(config: Mapping[str, Any], *, header: str = "") -> str:
    """Write a configuration dict as block-style YAML (every string double-quoted).

    Parameters
    ----------
    config
        Mappings, lists, strings, numbers and booleans.
    header
        Comment lines to put first (each prefixed with ``#``).

    Returns
    -------
    str
        The YAML text.
    """
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    _emit(config, 0, out)
    return "\n".join(out) + "\n"


def start_script(paths: Mapping[str, Mapping[str, Any]], *, config_name: str) -> str:
    """Write a POSIX shell script starting MediaMTX with the cameras' passwords from outside.

    For every camera with a stream URL it reads ``COVPLAN_CAMERA_PASSWORD_<CODE>`` (or
    the keyring: ``keyring get covplan <CODE>``), URL-quotes it and exports MediaMTX's
    override ``MTX_PATHS_<CODE>_SOURCE``; then it runs ``mediamtx <config>``. The script
    holds no password.

    Parameters
    ----------
    paths
        As for :func:`mediamtx_config`.
    config_name
        The configuration file's name, next to the script.

    Returns
    -------
    str
        The script.
    """
    lines = [
        "#!/bin/sh",
        "# Start MediaMTX for the ward's cameras (written by covplan watch config).",
        "# Camera passwords come from the environment or the keyring; none is in this file.",
        "set -eu",
        'cd "$(dirname "$0")"',
        "quote() { python3 -c 'import sys, urllib.parse; "
        'print(urllib.parse.quote(sys.argv[1], safe=""))\' "$1"; }',
    ]
    for code in sorted(paths):
        url = paths[code].get("stream_url")
        if not url:
            lines.append(
                f"# {code}: no stream URL in the register: export MTX_PATHS_"
                f"{path_name(code).upper()}_SOURCE=rtsp://USER:PASSWORD@ADDRESS/PATH before this"
            )
            continue
        key = path_name(code).upper()
        scheme, _, rest = normalise_userinfo(str(url)).partition("://")
        userinfo, at, host = rest.rpartition("@")
        user = userinfo.split(":")[0] if at else "admin"
        var = f"COVPLAN_CAMERA_PASSWORD_{re.sub(r'[^A-Za-z0-9]', '_', code).upper()}"
        lines += [
            f'pw="${{{var}:-$(keyring get covplan {code} 2>/dev/null || true)}}"',
            f'[ -n "$pw" ] || {{ echo "set {var} (or: keyring set covplan {code})" >&2; exit 2; }}',
            f'export MTX_PATHS_{key}_SOURCE="{scheme}://{user}:$(quote "$pw")@{host}"',
        ]
    lines += ["unset pw", f'exec mediamtx "{config_name}"', ""]
    return "\n".join(lines)


def write_atomic(path: Path, text: str, *, mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename (nothing half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
