"""The JSON report: Report.to_dict() as stable, valid JSON."""

from __future__ import annotations

import codecs
import errno
import json
import operator
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, NoReturn

from relaudit.dates import isoformat
from relaudit.engine import Finding
from relaudit.report import Report, finding_row

# The string encoder json's indented output uses with ensure_ascii=False (its C one, where built)
_STRING: Any = json.encoder.encode_basestring
_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False)
# Findings written per piece: ~450 B each, so pieces of ~1 MB
_PIECE = 2_000
# Fewer findings than this are written sooner than a process is forked (~20 ms for a large parent) to write them
AHEAD_AT = 20_000


def render_json(report: Report, width: int | None = None, color: bool = False) -> str:
    """Indented JSON with keys in schema order; non-ASCII kept readable."""
    return "".join(json_chunks(report))


def json_chunks(report: Report, ahead: FindingsAhead | None = None) -> Iterator[str]:
    """The text of render_json in pieces, for writing as it is made: a million-message report is ~100 MB of JSON.

    The text is `json.dumps(report.to_dict(), indent=2, ensure_ascii=False)`, byte for byte. With an indent, json
    encodes in Python (its C encoder is only for compact output): ~12 µs a finding, 3 s of a million-message audit.
    A finding is a flat object of strings and nulls, so its text is put together here from json's own string
    encoder; anything else goes through json itself. With `ahead` (started on these very findings) their text is
    the one a child process wrote meanwhile.
    """
    return as_text(json_parts(report, ahead))


def json_parts(report: Report, ahead: FindingsAhead | None = None) -> Iterator[str | Copied]:
    """json_chunks' text, the child's part of it (with `ahead`) left in its file for the writer to copy as bytes."""
    # now, before the caller opens its file: a failure here leaves no half-written report
    data = report.to_dict(finding_rows=False)
    return _object(data, ahead)


def as_text(parts: Iterable[str | Copied]) -> Iterator[str]:
    """The text of json_parts, every part as a string."""
    for part in parts:
        if type(part) is str:
            yield part
        else:
            yield from part.pieces()  # type: ignore[union-attr]


@dataclass(frozen=True)
class Copied:
    """Text already written in UTF-8 to a file, from byte `start` to the file's end."""

    file: IO[bytes]
    start: int

    def pieces(self) -> Iterator[str]:
        """The text, decoded, a megabyte at a time."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        for data in _read_from(self.file.fileno(), self.start):
            yield decoder.decode(data)
        yield decoder.decode(b"", final=True)

    def write_to(self, handle: IO[str]) -> None:
        """Write the text to `handle`: where it writes UTF-8 to a file descriptor, its bytes, copied as they are."""
        target = _utf8_descriptor(handle)
        if target is None:
            for piece in self.pieces():
                handle.write(piece)
            return
        handle.flush()  # what it holds goes first
        _copy(self.file.fileno(), self.start, target)


def _utf8_descriptor(handle: IO[str]) -> int | None:
    """The descriptor a text handle writes to, when the text's UTF-8 bytes are what it would write; else None."""
    # (the handles written to are opened with the platform's newline, which on a "\n" platform changes nothing)
    encoding = getattr(handle, "encoding", None)
    if os.linesep != "\n" or not isinstance(encoding, str):
        return None
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return None
        return handle.fileno()
    except (LookupError, OSError, ValueError, AttributeError):  # (io.UnsupportedOperation: no descriptor)
        return None


def _copy(source: int, start: int, target: int) -> None:
    """Append the bytes of `source` from `start` to its end to `target`: in the kernel (sendfile) where it can."""
    offset, end = start, os.fstat(source).st_size
    try:
        while offset < end:
            sent = os.sendfile(target, source, offset, end - offset)
            if not sent:
                return
            offset += sent
        return
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise
    for data in _read_from(source, offset):  # no sendfile to this target: from where it stopped
        view = memoryview(data)
        while view:
            view = view[os.write(target, view) :]


def _read_from(source: int, offset: int) -> Iterator[bytes]:
    """The bytes of `source` from `offset` to its end, a megabyte at a time, read at offsets (its own stays put)."""
    while data := os.pread(source, 1 << 20, offset):
        offset += len(data)
        yield data


def _object(data: dict[str, Any], ahead: FindingsAhead | None = None) -> Iterator[str | Copied]:
    """The indented text of the report's top-level object, followed by a newline."""
    if not data:
        yield "{}\n"
        return
    separator = "{\n  "
    for key, value in data.items():
        yield separator + _STRING(key) + ": "
        separator = ",\n  "
        if key == "findings" and type(value) is list:
            written = ahead.text(value) if ahead is not None else None
            yield from _list(value) if written is None else written
        else:  # one level in: json's text at level 0, each line indented (strings in it hold no raw newline)
            yield _ENCODER.encode(value).replace("\n", "\n  ")
    yield "\n}\n"


def _list(rows: Sequence[Any]) -> Iterator[str]:
    """The indented text of the findings list, at the second level of the report."""
    if not rows:
        yield "[]"
        return
    items = iter(rows)
    start = _OPEN
    while piece := list(islice(items, _PIECE)):
        yield start + _BETWEEN.join(map(_flat, piece))
        start = _BETWEEN
    yield _CLOSE


# A non-empty findings list's text: its opening, what comes between two findings, its end
_OPEN, _BETWEEN, _CLOSE = "[\n    ", ",\n    ", "\n  ]"


# A finding's text when every value is a string or null: finding_row()'s keys in order, at the third level
_FINDING = (
    "{\n      "
    + ",\n      ".join(
        f"{_STRING(key)}: %s"
        for key in ("rule", "level", "pillar", "message", "message_id", "created_at", "excerpt", "source")
    )
    + "\n    }"
)


def _finding(finding: Finding) -> str:
    """_flat(finding_row(finding)) without the dict between: each value encoded straight into the template."""
    values = []
    for value in (
        finding.rule,
        finding.level,
        finding.pillar,
        finding.message,
        finding.message_id,
        isoformat(finding.created_at) if finding.created_at else None,
        finding.excerpt,
        finding.source,
    ):
        if type(value) is str:
            values.append(_STRING(value))
        elif value is None:
            values.append("null")
        else:
            return _flat(finding_row(finding))  # another type (never made by relaudit): json decides
    return _FINDING % tuple(values)


def _flat(row: Any) -> str:
    """One finding's text at the third level: a flat object of strings and nulls here, json's text otherwise."""
    if type(row) is Finding:
        return _finding(row)
    if type(row) is dict and row:
        parts = []
        for key, value in row.items():
            if type(key) is not str:
                break
            if type(value) is str:
                parts.append(_STRING(key) + ": " + _STRING(value))
            elif value is None:
                parts.append(_STRING(key) + ": null")
            else:
                break
        else:
            return "{\n      " + ",\n      ".join(parts) + "\n    }"
    return _ENCODER.encode(row).replace("\n", "\n    ")


class FindingsAhead:
    """The findings' JSON text, written by a forked child into a temporary file while the parent finishes the report.

    Their text needs nothing else of the report, and a million-message audit has ~250,000 of them (~1.5 s): the
    child makes it on the core the workers have left, while the parent counts trends, metrics and the grade.
    Used as a context manager; start() may decline, and then json_chunks writes the findings itself.
    """

    def __init__(self) -> None:
        self.findings: Sequence[Finding] = ()
        self.pid = 0
        self.file: IO[bytes] | None = None

    def __enter__(self) -> FindingsAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self, findings: Sequence[Finding]) -> None:
        """Fork the child that writes _list(findings), when there are enough of them and fork is safe.

        Safe: on Linux (macOS's system libraries are not, after a fork), and with no other thread in this process
        (one could hold a lock the child needs).
        """
        if len(findings) < AHEAD_AT or self.file is not None:
            return
        if not sys.platform.startswith("linux") or not _single_threaded():
            return
        try:
            file = tempfile.TemporaryFile()  # noqa: SIM115 (it outlives this call: close() closes it)
        except OSError:
            return
        # Ctrl-C stays pending until the child is in its try: the child must never return into the parent's code
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
            if pid == 0:
                _write_findings(findings, file, mask)
            # before the mask is restored: a Ctrl-C pending there is raised at once, and close() must see the child
            self.findings, self.pid, self.file = findings, pid, file
        except OSError:  # no memory or process left for a fork
            file.close()
            return
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def text(self, findings: Sequence[Finding]) -> Iterator[str | Copied] | None:
        """The text of `findings`, the child's once written; None if none was started, it failed, or is of others.

        The child's findings may be the last of `findings` (the message rules', when the account rules' few come
        first): their text then follows the parent's of the first ones. The child's text stays in its file
        (Copied), which is open until close().
        """
        if self.file is None:
            return None
        before = len(findings) - len(self.findings)
        # (a child's text of no findings, "[]", would not follow others': start() forks none for them anyway)
        same = (before == 0 or (before > 0 and bool(self.findings))) and all(
            map(operator.is_, findings[before:], self.findings)
        )
        if not same or not self._succeeded():
            self.close()
            return None
        return self._pieces(self.file, findings[:before])

    def _succeeded(self) -> bool:
        try:
            status = os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            status = -1
        self.pid = 0  # (only once reaped: interrupted while waiting, close() still stops the child)
        return status == 0

    def _pieces(self, file: IO[bytes], first: Sequence[Finding]) -> Iterator[str | Copied]:
        if not first:
            yield Copied(file, 0)
            return
        # _list(first + the child's): the child's text without its opening, after the first's
        opening = os.pread(file.fileno(), len(_OPEN), 0).decode("ascii")
        assert opening == _OPEN, opening  # (see text(): the child's findings are never none here)
        yield "".join(_list(first))[: -len(_CLOSE)] + _BETWEEN
        yield Copied(file, len(_OPEN))

    def close(self) -> None:
        """Stop the child if it still runs, and drop its file."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
        if self.file is not None:
            self.file.close()
            self.file = None


def _single_threaded() -> bool:
    """Whether this process runs no thread but the one asking."""
    return threading.active_count() == 1


def _write_findings(findings: Sequence[Finding], file: IO[bytes], mask: set[int | signal.Signals]) -> NoReturn:
    """The child: write the findings' text and exit at once (status 0 only when all of it is written)."""
    status = 1
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        with open(file.fileno(), "w", encoding="utf-8", newline="", closefd=False) as writer:
            for piece in _list(findings):
                writer.write(piece)
        status = 0
    finally:
        os._exit(status)  # not the parent's exit handlers, nor its buffered output
