"""A file, a folder or a zip seen the same way: named members that can be opened and read safely."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from relaudit.errors import InputError
from relaudit.loaders.base import LoadNotice

# Zip-bomb guards: a member may not claim more than this, nor expand more than this ratio.
MAX_MEMBER_BYTES = 4 * 1024**3
MAX_TOTAL_BYTES = 16 * 1024**3
MAX_RATIO = 200


class Container:
    """Members of an export: one file, every file below a folder, or every member of a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = "zip" if path.is_file() and zipfile.is_zipfile(path) else "folder" if path.is_dir() else "file"
        self._zip: zipfile.ZipFile | None = None
        self._names: list[str] | None = None
        self.refused: list[str] = []  # zip member names that point outside the archive

    def names(self) -> list[str]:
        """Member names as POSIX paths relative to the container (a lone file is its own name)."""
        if self._names is None:
            if self.kind == "file":
                self._names = [self.path.name]
            elif self.kind == "folder":
                self._names = sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
            else:
                infos = [info for info in self._zipfile().infolist() if not info.is_dir()]
                total = sum(info.file_size for info in infos)
                if total > MAX_TOTAL_BYTES:
                    raise InputError(f"{self.path}: refused: the zip would expand to {total:,} bytes")
                self.refused = sorted(i.filename for i in infos if not _safe_name(i.filename))
                self._names = sorted(i.filename for i in infos if _safe_name(i.filename))
        return self._names

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
        return [n for n in self.names() if any(PurePosixPath(n.lower()).parts[-len(w) :] == w for w in wanted)]

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
