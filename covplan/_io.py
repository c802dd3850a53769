"""Small I/O helpers shared by every room: atomic writes and path checks.

Every file covplan writes goes through :func:`atomic_path`: the content is written
to a temporary file in the same folder and renamed over the target only when it is
complete, so a failed or killed run never leaves a half-written file and never
destroys the previous one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` on success.

    Parameters
    ----------
    path
        The file to write.

    Yields
    ------
    pathlib.Path
        A temporary file name in the same folder, with the same suffix (so
        writers that look at the suffix, such as GeoPackage or XLSX, still work).
        Nothing exists at this path yet.

    Notes
    -----
    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".tmp{''.join(target.suffixes)}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers such as pyogrio refuse to overwrite; give them a free name
    try:
        yield tmp
        if not tmp.exists():
            msg = f"writer produced no file for {target}"
            raise OSError(msg)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    Parameters
    ----------
    path
        The file to write.
    data
        Its whole content.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", bom: bool = False
) -> Path:
    """Write ``text`` to ``path`` atomically.

    Parameters
    ----------
    path
        The file to write.
    text
        Its whole content.
    encoding
        Text encoding (UTF-8).
    bom
        Prefix a UTF-8 byte-order mark, so Excel opens Vietnamese text correctly.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return atomic_write_bytes(path, data)
