"""Pseudonymous owner ids: a keyed HMAC, never a plain hash.

A plain hash of a phone number can be reversed by trying every number (Vietnam has
about 10⁹ mobile numbers: seconds on a laptop). ``owner_id`` is therefore
HMAC-SHA256 under a secret key that stays on the ward's computer:

1. the environment variable ``COVPLAN_OWNER_KEY``, if set; otherwise
2. the key file named by ``COVPLAN_OWNER_KEY_FILE``, or ``~/.config/covplan/owner.key``,
   created with a random key and permissions 0600 on first use.

Keep the key file (and a backup): with another key the same owner gets another id.
The key is never logged, written to an output, or kept in the repository.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from covplan._errors import InputError
from covplan.vocab.messages import message, os_error_text

__all__ = ["key_path", "owner_key", "pseudonym"]

logger = logging.getLogger(__name__)

ENV_KEY = "COVPLAN_OWNER_KEY"
ENV_KEY_FILE = "COVPLAN_OWNER_KEY_FILE"
_logged: set[str] = set()


def key_path() -> Path:
    """Return the key file's path (``$COVPLAN_OWNER_KEY_FILE`` or the default).

    Returns
    -------
    pathlib.Path
        Where the owner key is kept.
    """
    env = os.environ.get(ENV_KEY_FILE, "").strip()
    if env:
        return Path(env).expanduser()
    return Path("~/.config/covplan/owner.key").expanduser()


def owner_key() -> bytes:
    """Return the secret key for owner ids, creating the key file on first use.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    InputError
        When the key file exists but is empty or cannot be read.
    """
    env = os.environ.get(ENV_KEY, "")
    if env.strip():
        if ENV_KEY not in _logged:
            logger.info("owner ids keyed by the %s environment variable", ENV_KEY)
            _logged.add(ENV_KEY)
        return env.strip().encode("utf-8")
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # created meanwhile by another process
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            logger.warning("%s", message("survey.key_created", path=path))
            _logged.add(str(path))
    try:
        key = path.read_bytes().strip()
    except OSError as err:
        msg = message("survey.key_unreadable", why=os_error_text(err))
        raise InputError(msg, file=path) from None
    if not key:
        msg = message("survey.key_empty")
        raise InputError(msg, file=path)
    if str(path) not in _logged:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            logger.warning("%s", message("survey.key_open", path=path))
        logger.info("owner ids keyed by the key file %s", path)
        _logged.add(str(path))
    return key


def pseudonym(identity: str, *, key: bytes | None = None) -> str:
    """Return the pseudonymous owner id for an identity (an E.164 phone, or name|address).

    Parameters
    ----------
    identity
        What identifies the owner; the same text always gives the same id under
        the same key.
    key
        The secret key; :func:`owner_key` when None.

    Returns
    -------
    str
        ``"own-"`` and 16 hex digits.
    """
    if key is None:
        key = owner_key()
    digest = hmac.new(key, identity.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"own-{digest[:16]}"
