"""Reading a rules or lexicon file once per process: a batch audits hundreds of feeds with the same files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# (what, absolute path, inode, modification and change times, size, extra key) -> the parsed file. An edited or
# replaced file has another key, so it is read again (the change time moves even when an edit keeps size and
# modification time, as `cp -p` can); values must not be mutated by their users (rules and lexicons never are).
_CACHE: dict[tuple[str, str, int, int, int, int, str], object] = {}


def cached(kind: str, path: Path, load: Callable[[], T], extra: str = "") -> T:
    """load() the first time this file is asked for in this state, the same object afterwards."""
    try:
        status = path.stat()
    except OSError:
        return load()  # the loader reports the missing or unreadable file in its own words
    key = (kind, str(path.absolute()), status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size, extra)
    if key not in _CACHE:
        _CACHE[key] = load()
    return _CACHE[key]  # type: ignore[return-value]
