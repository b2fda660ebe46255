"""A file, a folder or a zip seen the same way: named members that can be opened and read safely."""

from __future__ import annotations

import io
import os
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from relaudit.errors import InputError
from relaudit.loaders.base import LoadNotice

# Zip-bomb guards: a member may not claim more than this, nor expand more than this ratio.
MAX_MEMBER_BYTES = 4 * 1024**3
MAX_TOTAL_BYTES = 16 * 1024**3
MAX_RATIO = 200
# A folder of more files than this is not one export (an X archive with its media has tens of thousands): refused
# at once rather than walked for minutes, as `relaudit audit ~` would be.
MAX_FOLDER_FILES = 1_000_000

# Member listings shared while a path's format is detected (listings_shared): each loader's sniff makes its own
# Container, so without it a folder was walked, or a zip's directory read, once per loader. Per thread: batch
# detects several feeds at once, and one thread's block must not end (or outlive) another's.
_local = threading.local()


@contextmanager
def listings_shared() -> Iterator[None]:
    """Within the block, the Containers of one path list its members once between them (not once per loader)."""
    outer = getattr(_local, "shared", None)
    if outer is None:
        _local.shared = {}
    try:
        yield
    finally:
        _local.shared = outer


class _Listing:
    """A container's member names, the zip members refused, and views of the names worked out once for all."""

    __slots__ = ("_bases", "_parts", "names", "refused")

    def __init__(self, names: list[str], refused: list[str]) -> None:
        self.names = names
        self.refused = refused
        self._bases: list[tuple[str, str]] | None = None
        self._parts: list[tuple[str, tuple[str, ...]]] | None = None

    def bases(self) -> list[tuple[str, str]]:
        """(name, its last path component) for every member."""
        if self._bases is None:
            self._bases = [(name, PurePosixPath(name).name) for name in self.names]
        return self._bases

    def parts(self) -> list[tuple[str, tuple[str, ...]]]:
        """(name, its lower-cased path components) for every member."""
        if self._parts is None:
            self._parts = [(name, PurePosixPath(name.lower()).parts) for name in self.names]
        return self._parts


class Container:
    """Members of an export: one file, every file below a folder, or every member of a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = "zip" if path.is_file() and zipfile.is_zipfile(path) else "folder" if path.is_dir() else "file"
        self._zip: zipfile.ZipFile | None = None
        self._listing: _Listing | None = None
        self.refused: list[str] = []  # zip member names that point outside the archive

    def names(self) -> list[str]:
        """Member names as POSIX paths relative to the container (a lone file is its own name)."""
        return self._listed().names

    def files(self) -> list[tuple[str, str]]:
        """(member name, its file name: the last path component) for every member, in the order of names()."""
        return self._listed().bases()

    def _listed(self) -> _Listing:
        if self._listing is None:
            key = (str(self.path), self.kind)
            shared: dict[tuple[str, str], _Listing] | None = getattr(_local, "shared", None)
            listing = shared.get(key) if shared is not None else None
            if listing is None:
                listing = _Listing(*self._list())
                if shared is not None:
                    shared[key] = listing
            self._listing = listing
            self.refused = listing.refused
        return self._listing

    def _list(self) -> tuple[list[str], list[str]]:
        """(member names, refused zip member names), read from the file system or the zip's directory."""
        if self.kind == "file":
            return [self.path.name], []
        if self.kind == "folder":
            return sorted(_files(self.path)), []
        infos = [info for info in self._zipfile().infolist() if not info.is_dir()]
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            raise InputError(f"{self.path}: refused: the zip would expand to {total:,} bytes")
        refused = sorted(i.filename for i in infos if not _safe_name(i.filename))
        return sorted(i.filename for i in infos if _safe_name(i.filename)), refused

    def notices(self) -> list[LoadNotice]:
        """Warnings about members that were refused (absolute paths, `..`): shown, never read."""
        self.names()
        return [
            LoadNotice(str(self.path), f"member '{name}' ignored: it points outside the archive")
            for name in self.refused
        ]

    def find(self, *endings: str) -> list[str]:
        """Members whose path ends with one of the endings (compared per path component, case-insensitive)."""
        wanted = [tuple(PurePosixPath(e.lower()).parts) for e in endings]
        return [n for n, parts in self._listed().parts() if any(parts[-len(w) :] == w for w in wanted)]

    def open(self, name: str) -> BinaryIO:
        """A binary stream of one member."""
        if self.kind == "file":
            return self.path.open("rb")
        if self.kind == "folder":
            return (self.path / name).open("rb")
        archive = self._zipfile()
        if not _safe_name(name):
            raise InputError(f"{self.path}: refused member '{name}': it points outside the archive")
        info = archive.getinfo(name)
        if info.file_size > MAX_MEMBER_BYTES or (
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024**2
        ):
            raise InputError(f"{self.display(name)}: refused: the member would expand to {info.file_size:,} bytes")
        try:
            member = archive.open(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
            raise InputError(f"{self.display(name)}: cannot read from the zip: {error}") from error
        return io.BufferedReader(_ZipMember(member, self.display(name)))

    def head(self, name: str, size: int = 4096) -> bytes:
        """The first bytes of a member, for sniffing."""
        with self.open(name) as handle:
            return handle.read(size)

    def display(self, name: str) -> str:
        """How a member is named in messages: the file itself, or container/member."""
        return str(self.path) if self.kind == "file" else f"{self.path}/{name}"

    def _zipfile(self) -> zipfile.ZipFile:
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as error:
                raise InputError(f"{self.path}: cannot read zip: {error}") from error
        return self._zip


def _files(root: Path) -> Iterator[str]:
    """The files below a folder as POSIX paths relative to it: what `rglob("*")` finds that `is_file()`.

    As rglob, it follows a link to a file but does not descend into a linked folder (no loop), and skips a folder it
    may not read. os.scandir knows each entry's type without a stat call, and the names stay strings: several times
    faster than Path objects on a folder of 100,000 files.
    """
    count = 0
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as entries:
                found = list(entries)
        except OSError:
            continue
        for entry in found:
            try:
                if entry.is_dir():
                    if not entry.is_symlink():
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                if not entry.is_file():
                    continue  # a broken link, a socket, a device
            except OSError:
                continue
            count += 1
            if count > MAX_FOLDER_FILES:
                raise InputError(
                    f"{root}: refused: the folder holds more than {MAX_FOLDER_FILES:,} files, more than any one "
                    "export; point relaudit at the export's own folder or zip"
                )
            yield prefix + entry.name


def _safe_name(name: str) -> bool:
    """A member name that stays inside the archive: relative, no `..`, no drive letter."""
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and not (len(name) > 1 and name[1] == ":")


class _ZipMember(io.RawIOBase):
    """A zip member's stream whose damage (bad header, CRC, truncated data) surfaces as one InputError."""

    def __init__(self, member: IO[bytes], display: str) -> None:
        self._member = member
        self._display = display

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._member.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise InputError(f"{self._display}: the zip is damaged: {error}") from error
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        super().close()
