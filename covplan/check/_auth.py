"""The one login attempt: Basic or Digest (RFC 7616, MD5 / MD5-sess) authorization headers.

RTSP and HTTP cameras answer 401 with ``WWW-Authenticate`` challenges; this module turns
them into the ``Authorization`` header of the single retry.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

__all__ = ["auth_header", "parse_challenges"]


def _digest_header(
    challenge: dict[str, str], method: str, uri: str, user: str, password: str
) -> str:
    realm = challenge.get("realm", "")
    nonce = challenge.get("nonce", "")
    algo = challenge.get("algorithm", "MD5").upper()

    def h(text: str) -> str:
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

    ha1 = h(f"{user}:{realm}:{password}")
    if algo == "MD5-SESS":
        ha1 = h(f"{ha1}:{nonce}:")
    ha2 = h(f"{method}:{uri}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    parts = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"']
    if "auth" in qops:
        cnonce = os.urandom(8).hex()
        response = h(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
        parts += ["qop=auth", "nc=00000001", f'cnonce="{cnonce}"']
    else:
        response = h(f"{ha1}:{nonce}:{ha2}")
    parts.append(f'response="{response}"')
    if "opaque" in challenge:
        parts.append(f'opaque="{challenge["opaque"]}"')
    if "algorithm" in challenge:
        parts.append(f"algorithm={challenge['algorithm']}")
    return "Digest " + ", ".join(parts)


def parse_challenges(values: list[str]) -> dict[str, dict[str, str]]:
    """Parse WWW-Authenticate headers into {scheme: {param: value}}."""
    out: dict[str, dict[str, str]] = {}
    for value in values:
        scheme, _, rest = value.strip().partition(" ")
        params = dict(
            (k.lower(), v1 or v2)
            for k, v1, v2 in re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', rest)
        )
        out[scheme.lower()] = params
    return out


def auth_header(
    challenges: dict[str, dict[str, str]], method: str, uri: str, user: str, password: str
) -> str:
    """The Authorization header answering ``challenges``: Digest when offered, else Basic."""
    if "digest" in challenges:
        return _digest_header(challenges["digest"], method, uri, user, password)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return f"Basic {token}"
