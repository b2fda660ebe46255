"""Workers that own their messages: how a large audit keeps no process holding every message.

The parent forks the workers before reading, while it is small. The workers read a JSON Lines file themselves, in
blocks of whole lines; any other format the parent reads and hands each message to a worker. Either way the parent
counts records and finds skipped records, duplicates and notices as a small audit does, and keeps a `Stub`:
what the account, the conversation model, the metrics and the trends read (no text, links or counts). Once roles,
first responses and pending messages are known, each worker learns its messages' share of them, sends the canned-reply
keys of its replies, and then labels and checks its messages in time order, sending back labels, findings and its
unanswered complaints in full; the parent then keeps only the id, time and labels of each. A million messages need
~650 B each of Python heap: split this way the parent keeps ~300 B of each while threading, ~60 B after, and each
worker the rest of half of them.
"""

from __future__ import annotations

import ctypes
import io
import multiprocessing
import queue
import signal
import sys
import threading
import time
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import islice
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from operator import attrgetter
from pathlib import Path
from typing import Any

from relaudit.account import Account
from relaudit.analyse import Analysis, canned_key, repeated_keys
from relaudit.conversations import Conversations, Response, Role, _response
from relaudit.engine import check_slice
from relaudit.errors import WorkerError
from relaudit.labels import Labeller, Labels
from relaudit.loaders.base import LoadNotice, decode_stream, encoding_notice
from relaudit.loaders.relaudit_format import json_lines
from relaudit.model import (
    UNKNOWN_OWNER,
    Message,
    RawRecord,
    Skipped,
    Source,
    build_message,
    build_source,
    builder,
    fields_getter,
)
from relaudit.normalise import normalise
from relaudit.parallel import WORKER_DIED, cores
from relaudit.rulepack import Rule

# Messages sent to a worker at a time while reading: large enough that pickling is per batch, small enough to
# keep the parent's pending batch a few hundred kilobytes.
BATCH = 2_000
# Messages a worker labels and checks before sending their results: the parent unpacks one part at a time, and
# what is freed between parts leaves holes in its heap the size of a part's results.
PART = 5_000
ROLES = tuple(Role)
_ROLE_INDEX = {role: index for index, role in enumerate(ROLES)}
_PENDING = 8  # the flag beside a role's index
_M_TOP_PAD, _M_MMAP_THRESHOLD = -2, -3  # glibc's mallopt parameters
# What glibc's heap keeps of its free top when it shrinks (and adds to each growth), in each process of a large audit
HEAP_PAD = 64 << 20
# A block of a JSON Lines file that a worker reads at a time, and how many are queued at each worker.
BLOCK = 1 << 20
QUEUED = 2
# Labelling ahead (_Ahead): messages labelled between two looks at the pipe (~3 ms), at most how many are kept, and
# the seconds of a worker's turn.
AHEAD_STEP = 64
AHEAD_MAX = 200_000
TURN = 0.05
_VALUES = fields_getter(Message)  # a message's 16 values; the source is the fifth


@dataclass(slots=True, eq=False)
class Stub:
    """What the parent keeps of a message a worker owns; it reads as a Message for everything threading reads."""

    id: str
    author: str
    created_at: datetime
    in_reply_to: str | None
    in_reply_to_author: str | None
    mentions: tuple[str, ...]
    file: Source  # the message's file and unit, line 0: one object per file
    place: int  # the line, the two flags and the slot in one int object (two ints and two bools would be 24 B more)

    @property
    def source(self) -> Source:
        """Where the message came from, as its Message says."""
        return build_source(self.file.path, self.place >> _LINE, self.file.unit)

    @property
    def is_repost(self) -> bool:
        """As the message's."""
        return bool(self.place & _REPOST)

    @property
    def is_private(self) -> bool:
        """As the message's."""
        return bool(self.place & _PRIVATE)

    @property
    def slot(self) -> int:
        """The message's worker, plus the worker count times its index among that worker's messages."""
        return self.place & _SLOT


# Stub.place: the slot in the low 32 bits (4 billion messages), then is_repost, is_private, and the line above them.
_SLOT, _REPOST, _PRIVATE, _LINE = 0xFFFFFFFF, 1 << 32, 1 << 33, 34
_stub: Callable[..., Stub] = builder(Stub)


@dataclass(slots=True, eq=False)
class Kept:
    """What the parent keeps of a message once its worker knows its role: the id and time, and later its labels.

    (The metrics, the trends and the findings read no more: 56 B against a stub's ~140 with its packed int.)
    """

    id: str
    created_at: datetime
    labels: Labels | None = None


kept: Callable[..., Kept] = builder(Kept)


@dataclass(frozen=True)
class Part:
    """One slice of a worker's messages, checked: labels and findings (as tuples) by position in time order."""

    positions: Sequence[int]
    labels: list[tuple[Any, ...]]
    findings: list[tuple[int, tuple[Any, ...]]]  # (position, FINDING_SENT's values: the parent has the id and time)
    notes: list[tuple[int, str]]  # rules that gave up, by position of the message they gave up on
    unanswered: list[tuple[int, tuple[Any, ...]]]  # the unanswered complaints' values (message_values)


class Owners:
    """The worker processes of one audit and the parent's end of talking to them."""

    def __init__(
        self, workers: int, by_scope: dict[str, list[Rule]], lexicon_dir: Path, own: frozenset[str] | None = None
    ) -> None:
        """`own`: the audited handles when the command line names them (the workers' guess of them otherwise)."""
        _tune_allocator()  # before the fork: the workers inherit the settings
        for stream in (sys.stdout, sys.stderr):  # or a worker would write what is still buffered once more
            if stream is not None:
                stream.flush()
        context = multiprocessing.get_context("fork")
        self.workers = workers
        self._conns: list[Connection] = []
        self._processes: list[Any] = []
        # Ctrl-C while forking would stop a worker before it ignores it (with a traceback): ignored until all run.
        main = threading.current_thread() is threading.main_thread()  # (only there can a handler be set)
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            for number in range(workers):
                parent_end, child_end = context.Pipe()
                # The worker closes the parent's ends it inherits, or they would keep its pipe open after the
                # parent closed or lost its own: no end of input for the worker, which would wait for ever.
                ends = (*self._conns, parent_end)
                process = context.Process(
                    target=_serve, args=(child_end, ends, by_scope, lexicon_dir, own, number, workers), daemon=True
                )
                self._processes.append(process)
                self._conns.append(parent_end)
                process.start()
                child_end.close()
        except OSError as error:  # no memory or process left for a fork
            self.close()
            raise WorkerError(
                f"cannot start worker processes: {error.strerror}; --jobs 1 audits in one process"
            ) from error
        finally:
            if main:
                signal.signal(signal.SIGINT, interrupt)
        self._counts = [0] * workers
        self._owner = 0
        self._rows: list[tuple[Any, ...]] = []
        self._file: Source | None = None
        self._mentions: dict[tuple[str, ...], tuple[str, ...]] = {}

    def take(self, message: Message, known: dict[str, Any]) -> Stub:
        """Hand a message to its worker; the stub the parent keeps instead (`known`: the stubs so far, by id)."""
        row = _VALUES(message)
        source: Source = row[4]
        file = self._file
        if file is None or source.path is not file.path or source.unit != file.unit:
            self._flush()
            file = self._file = build_source(source.path, 0, source.unit)
        stub = self._keep(_stub_values(message), file, self._owner, known)  # (its slot: this batch's worker)
        self._rows.append((*row[:4], source.line, *row[5:]))
        if len(self._rows) >= BATCH:
            self._flush()
        return stub

    def read(self, path: Path, known: dict[str, Any]) -> Iterator[Stub | Skipped | LoadNotice]:
        """What load() and normalise() give for a JSON Lines file, read by the workers (each keeps what it read).

        The parent cuts the file into blocks of whole lines and keeps a few blocks queued at each worker; the workers
        send back, block by block, what the parent keeps of each record. `known`: the stubs so far, by id.
        """
        self._flush()  # rows taken before go first, so each worker's messages stay in the parent's count order
        where = sys.intern(str(path))
        file = build_source(where, 0, "line")
        blocks = _blocks(path)
        queued: deque[int] = deque()
        owner = self._owner
        for block in islice(blocks, QUEUED * self.workers):
            self._send(owner, ("read", (where, *block)))
            queued.append(owner)
            owner = (owner + 1) % self.workers
        warned = False
        while queued:
            owner = queued.popleft()
            found, fallback = self._receive(owner, "read")
            more = next(blocks, None)
            if more is not None:
                self._send(owner, ("read", (where, *more)))
                queued.append(owner)
            if fallback is not None and not warned:
                warned = True
                yield encoding_notice(path, *fallback)
            for item in found:
                if type(item) is tuple:
                    yield self._keep(item, file, owner, known)
                else:
                    yield item
        self._owner = owner

    def _keep(self, values: tuple[Any, ...], file: Source, owner: int, known: dict[str, Any]) -> Stub:
        """The stub of a message of `owner`'s, from its values (_stub_values)."""
        message_id, author, created_at, parent, parent_author, mentions, place = values
        if type(created_at) is int:  # (_time_value)
            created_at = _FROM_TIMESTAMP(created_at, timezone.utc)
        slot = owner + self.workers * self._counts[owner]
        self._counts[owner] += 1
        if parent is not None:  # the parent's own id string, when it came first: one string, not two
            earlier = known.get(parent)
            parent = parent if earlier is None else earlier.id
        if mentions:  # most messages that mention anyone mention the account: one tuple for all of them
            mentions = self._mentions.setdefault(mentions, mentions)
        return _stub(message_id, author, created_at, parent, parent_author, mentions, file, place | slot)

    def _flush(self) -> None:
        """Send the batch read so far to its worker; the next batch goes to the next worker."""
        if self._rows:
            assert self._file is not None
            self._send(self._owner, ("messages", (self._file.path, self._file.unit, self._rows)))
            self._rows = []
            self._owner = (self._owner + 1) % self.workers

    def ahead(self) -> None:
        """Tell the workers that reading is over: they label ahead while the parent threads (_Ahead)."""
        self._flush()
        for owner in range(self.workers):
            self._send(owner, ("ahead", None))

    def assign(self, conv: Conversations, brand_names: tuple[str, ...]) -> frozenset[str]:
        """Tell each worker its messages' roles, responses and pending state; the canned replies' keys.

        `conv` is built from the stubs take() gave. A canned reply's key is another reply's too (analyse._canned),
        so each worker sends each of its keys once with its count, and the keys that add up to more than one are
        canned: the parent never holds every reply's key.
        """
        self._flush()
        self._mentions.clear()
        # Per worker, by its messages' index: the position in time order, the role and pending flag in one byte (a
        # few bytes a message; a tuple each would be ~150 MB at a million), and a tuple for each first response.
        positions = [array("q", [-1]) * count for count in self._counts]  # -1: a duplicate, in no conversation
        flags = [bytearray(count) for count in self._counts]
        answered: list[list[tuple[int, str, float]]] = [[] for _ in self._counts]
        roles, responses, pending, workers = conv.roles, conv.responses, conv.pending, self.workers
        for position, stub in enumerate(conv.messages):
            slot: int = stub.place & _SLOT  # type: ignore[attr-defined]
            owner, index = slot % workers, slot // workers
            message_id = stub.id
            positions[owner][index] = position
            flags[owner][index] = _ROLE_INDEX[roles[message_id]] | (_PENDING if message_id in pending else 0)
            response = responses.get(message_id)
            if response is not None:
                answered[owner].append((index, response.by, response.minutes))
        setting = (conv.account, conv.end, conv.pending_window, brand_names)
        for owner in range(workers):
            self._send(owner, ("assign", (setting, (positions[owner], flags[owner], answered[owner]))))
        del positions, flags, answered
        keys = [self._receive(owner, "keys") for owner in range(self.workers)]
        total: Counter[str] = Counter()
        for distinct, counts in keys:
            total.update(dict(zip(distinct, counts)))
        return repeated_keys(total)

    def check(self, counts: dict[str, int], canned: frozenset[str]) -> Iterator[tuple[int, Part | array[int]]]:
        """Have every worker label and check its messages; (worker, part) as they arrive.

        Each worker first sends the positions (in time order) of its canned replies, then the parts.
        """
        for owner in range(self.workers):
            self._send(owner, ("check", (counts, canned)))
        busy = dict(zip(self._conns, range(self.workers)))
        while busy:
            for conn in wait(list(busy)):
                owner = busy[conn]  # type: ignore[index]
                kind, payload = self._receive_any(owner)
                if kind == "done":
                    del busy[conn]  # type: ignore[arg-type]
                else:
                    yield owner, payload

    def close(self) -> None:
        """Stop every worker: done, or told so by the end of its input; terminated if it does not stop."""
        for conn in self._conns:
            conn.close()
        for process in self._processes:
            if process.pid is None:  # never started
                continue
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()

    def _send(self, owner: int, item: tuple[str, Any]) -> None:
        conn = self._conns[owner]
        try:
            conn.send(item)
        except (BrokenPipeError, ConnectionResetError) as error:
            if conn.poll():  # it stopped on an error, and said which
                self._receive_any(owner)
            raise WorkerError(WORKER_DIED) from error

    def _receive(self, owner: int, expected: str) -> Any:
        kind, payload = self._receive_any(owner)
        assert kind == expected, kind
        return payload

    def _receive_any(self, owner: int) -> tuple[str, Any]:
        try:
            kind, payload = self._conns[owner].recv()
        except (EOFError, ConnectionResetError) as error:
            raise WorkerError(WORKER_DIED) from error
        if kind == "error":
            raise payload
        return kind, payload


def _blocks(path: Path) -> Iterator[tuple[int, int, int]]:
    """(start, size, first line number) of stretches of whole lines of about BLOCK bytes, in order."""
    # Read into one buffer, not into a new 1 MiB object a block: such an object comes from the system and goes
    # back to it (_tune_allocator), and its pages are zeroed again each time.
    buffer = bytearray(BLOCK)
    with path.open("rb", buffering=0) as handle:
        start, line = 0, 1
        while True:
            handle.seek(start)
            size = handle.readinto(buffer)
            if not size:
                return
            rest = b""
            if size == BLOCK:  # (else the file ends in this stretch)
                end = buffer.rfind(b"\n") + 1
                if end:
                    size = end  # to the end of its last whole line
                else:
                    rest = handle.readline()  # one line longer than a block: to its end
            yield start, size + len(rest), line
            start += size + len(rest)
            line += buffer.count(b"\n", 0, size) + rest.count(b"\n")


def _tune_allocator() -> None:
    """Have the C allocator (glibc's) return freed blocks of 128 KiB or more to the system, but keep its heap's top."""
    # glibc raises that threshold, up to 32 MiB, each time such a block is freed; from then on blocks below it come
    # from its heap and stay in the process once freed. The audit frees many (pickled batches, sorted lists, the id
    # index): ~60 MB of a million-message audit's peak. But its heap also gives back its free top whenever that is
    # over 128 KiB, and the next growth faults those pages in again, zeroed: a 1M audit's processes took 1.3 million
    # page faults (~1 s of system time). Keeping 64 MiB of that top halves them, for 0-15 MB more at the peak.
    # Elsewhere (another C library) nothing is changed.
    with suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
        libc.mallopt(_M_TOP_PAD, HEAP_PAD)


def _serve(conn: Connection, parent_ends: tuple[Connection, ...], *work: Any) -> None:
    """A worker: keep the messages sent, then label and check them when told their roles (`work`: _work's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops the workers
    for end in parent_ends:
        end.close()
    outbox = _Outbox(conn)
    try:
        _work(conn, outbox, *work)
        outbox.close()
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the parent stopped first (an error of its own, Ctrl-C): it has nothing more to hear
    except BaseException as error:  # whatever went wrong is the parent's to report, as a pool's worker would
        with suppress(Exception):
            outbox.close()  # what was sent before goes first: the parent reads in order
            try:
                conn.send(("error", error))
            except Exception:  # an error that does not pickle is sent as its text
                conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        conn.close()


class _Outbox:
    """A worker's sending end: it pickles, and a thread writes, so the worker goes on while the parent is busy.

    A block's results (~300 KB) fill the pipe, and writing them would wait until the parent, which reads the workers
    in turn, is done with the other worker's: ~1 s of each worker's reading at a million messages. At most QUEUED
    items wait to be written (sending more waits): the parent sends a block only for each result it took. Later,
    while labelling, the parent is seldom busy and a worker waits for each part to be written (`wait`): parts that
    waited their turn would be megabytes more of its peak.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._queue: queue.Queue[bytes | memoryview | None] = queue.Queue(QUEUED)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()

    def send(self, item: Any, wait: bool = False) -> None:
        """Send `item` after what was sent before, and with `wait` return once it is written; raise what stopped
        the writing, if anything did."""
        if self._error is not None:
            raise self._error
        self._queue.put(ForkingPickler.dumps(item))
        if wait:
            self._queue.join()
            if self._error is not None:
                raise self._error

    def close(self) -> None:
        """Wait until everything sent is written (or the writing stopped: raise why)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def _write(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:  # (after an error, what is left is dropped: send() raises it)
                try:
                    self._conn.send_bytes(data)
                except BaseException as error:
                    self._error = error
            del data  # (freed before send() hears it is written)
            self._queue.task_done()


def _work(
    conn: Connection,
    outbox: _Outbox,
    by_scope: dict[str, list[Rule]],
    lexicon_dir: Path,
    own: frozenset[str] | None = None,
    number: int = 0,
    workers: int = 1,
) -> None:
    messages: list[Message] = []
    append = messages.append
    ahead = _Ahead(lexicon_dir, own, number, workers)
    while True:
        ahead.wait(conn, messages)
        kind, payload = conn.recv()
        if kind == "ahead":
            ahead.started = True
        elif kind == "messages":
            path, unit, rows = payload
            for row in rows:
                append(build_message(*row[:4], build_source(path, row[4], unit), *row[5:]))
        elif kind == "read":
            where, start, size, line = payload
            outbox.send(("read", _read_lines(where, start, size, line, append)))
        else:
            break
    assert kind == "assign", kind
    (account, end, window, brand_names), plan = payload
    conv, positions, order = _conversations(messages, plan, account, end, window)
    del messages
    reply = Role.REPLY
    keys = {at: canned_key(m.text) for at, m in enumerate(conv.messages) if conv.roles[m.id] is reply}
    counted = Counter(keys.values())
    outbox.send(("keys", (list(counted), array("q", counted.values()))), wait=True)
    ahead.wait_known(conn, conv, order)
    kind, (counts, canned_keys) = conn.recv()
    assert kind == "check", kind
    canned = [at for at, key in keys.items() if key in canned_keys]
    del keys, counted
    outbox.send(("canned", array("q", (positions[at] for at in canned))), wait=True)
    early = Analysis(counts, {}, {}, frozenset(conv.messages[at].id for at in canned))
    ordered = conv.messages
    labeller = Labeller(lexicon_dir, account.handles, brand_names)
    inbound, roles, responses = Role.INBOUND, conv.roles, conv.responses
    dropped: set[str] = set()  # rules that gave up: not run on the worker's later messages, as in one process
    ahead_labels = ahead.labels
    del ahead
    for start in range(0, len(ordered), PART):
        chunk = ordered[start : start + PART]
        placed = positions[start : start + PART]
        found = [
            ahead_labels.pop(index, None) or labeller.label(m, role) if role is inbound else labeller.label(m, role)
            for m, index, role in zip(chunk, order[start : start + PART], map(roles.__getitem__, map(_ID, chunk)))
        ]
        labels = {m.id: result for m, result in zip(chunk, found)}
        position = dict(zip(map(_ID, chunk), placed))
        about: list[str] = []  # the message each note is about
        findings, notes = check_slice(
            by_scope, conv, early, labeller, labels, start, start + len(chunk), dropped, about
        )
        unanswered = [
            (at, message_values(m))
            for m, at, result in zip(chunk, placed, found)
            if roles[m.id] is inbound and result.complaint and conv.due(m) and m.id not in responses
        ]
        outbox.send(
            (
                "part",
                Part(
                    placed,
                    [result.packed() for result in found],
                    [(position[f.message_id], FINDING_SENT(f)) for f in findings],
                    [(position[message_id], note) for message_id, note in zip(about, notes)],
                    unanswered,
                ),
            ),
            wait=True,
        )
    outbox.send(("done", None))


def _read_lines(
    path: str, start: int, size: int, line: int, keep: Callable[[Message], None]
) -> tuple[list[tuple[Any, ...] | Skipped], tuple[int, str] | None]:
    """Read, normalise and keep the messages of `size` bytes of a JSON Lines file from `start` (its line `line`).

    Returns what the parent keeps of each record in order (a stub's values, or the record skipped) and the first
    line not in UTF-8, with the encoding it was read in (None when every line is UTF-8).
    """
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(size)
    fallback: tuple[int, str] | None = None

    def texts() -> Iterator[tuple[int, str]]:
        nonlocal fallback
        for number, text, encoding in decode_stream(io.BytesIO(data), line):
            if encoding and fallback is None:
                fallback = number, encoding
            yield number, text

    found: list[tuple[Any, ...] | Skipped] = []
    for item in json_lines(path, texts()):
        result = normalise(item) if type(item) is RawRecord else item
        if type(result) is Message:
            keep(result)
            found.append(_stub_values(result))
        else:
            found.append(result)  # type: ignore[arg-type]
    return found, fallback


def message_values(message: Message) -> tuple[Any, ...]:
    """A message as plain values (its source's three in place of the one): pickled three times faster than it is."""
    values = _VALUES(message)
    source: Source = values[4]
    return (*values[:4], source.path, source.line, source.unit, *values[5:])


def message_of(values: tuple[Any, ...]) -> Message:
    """The message of message_values (its file's name one string again, as a Source's always is)."""
    return build_message(*values[:4], build_source(sys.intern(values[4]), *values[5:7]), *values[7:])


def _stub_values(message: Message) -> tuple[Any, ...]:
    """What a Stub holds of a message but its file and slot (the parent knows them), as plain values."""
    flags = (message.is_private and _PRIVATE) | (message.is_repost and _REPOST)
    return (
        message.id,
        message.author,
        _time_value(message.created_at),
        message.in_reply_to,
        message.in_reply_to_author,
        message.mentions,
        message.source.line << _LINE | flags,
    )


def _time_value(moment: datetime) -> datetime | int:
    """A message's time as _keep takes it: the POSIX seconds of a whole second in UTC (most), else the datetime."""
    # A datetime pickles as a call with a bytes object, three times the cost of an int: two thirds of pickling a
    # block's stub values. The parent makes the same datetime of the int (the years checked are those it can).
    if moment.microsecond == 0 and moment.tzinfo is timezone.utc and _YEARS[0] <= moment.year <= _YEARS[1]:
        return int(moment.timestamp())
    return moment


_YEARS = (1970, 9999)
_FROM_TIMESTAMP = datetime.fromtimestamp
# What a worker sends of a finding: all but the message's id and time, which the parent's stub has
FINDING_SENT = attrgetter("rule", "level", "pillar", "message", "severity", "excerpt", "source")


def _conversations(
    messages: list[Message], plan: tuple[Any, ...], account: Account, end: datetime, window: timedelta
) -> tuple[Conversations, array[int], array[int]]:
    """A worker's share of the conversation model: its messages in time order with their roles and responses.

    Also, for each of those messages in that order, its position in the parent's time order and its index in
    `messages` (arrays: a few bytes a message, where a dict by id or a list of ints would be ~70).
    """
    positions_of, flags, answered = plan
    # (a duplicate id the worker read itself has no position: the parent skipped it)
    order = array(
        "q", sorted((index for index in range(len(messages)) if positions_of[index] >= 0), key=positions_of.__getitem__)
    )
    positions = array("q", map(positions_of.__getitem__, order))
    ordered = tuple(map(messages.__getitem__, order))
    roles: dict[str, Role] = {}
    pending: list[str] = []
    for index in order:
        message = messages[index]
        flag = flags[index]
        roles[message.id] = ROLES[flag & 7]
        if flag & _PENDING:
            pending.append(message.id)
    responses: dict[str, Response] = {messages[index].id: _response(by, minutes) for index, by, minutes in answered}
    conv = Conversations(account, ordered, roles, {}, responses, frozenset(pending), end, window)
    return conv, positions, order


_ID = attrgetter("id")


class _Ahead:
    """Labels worked out while the parent threads the conversations: of the messages most likely to be inbound.

    Between reading and labelling the parent works alone for seconds at a million messages (the account, threading,
    the roles). An inbound message's labels are a function of its text alone (Labeller.label reads no handle for
    that role), so they can be worked out before its role is known; they are used only for a message whose role
    turns out to be inbound, so a wrong guess costs only time that was idle. Until the roles come, the guess is: not
    a repost or a private message, and not by the account (named on the command line, else the most frequent author);
    once they are known, the inbound messages in time order.

    The parent needs a core of its own meanwhile: the workers take turns of TURN seconds, as many at once as there
    are other cores, and a worker waits out the others' turns asleep (as the parent's rivals they would slow it more
    than they gain).
    """

    def __init__(self, lexicon_dir: Path, own: frozenset[str] | None, number: int, workers: int) -> None:
        self.labeller = Labeller(lexicon_dir, frozenset())
        self.labels: dict[int, Labels | None] = {}  # by the message's index in what the worker read
        self.own = own | {UNKNOWN_OWNER} if own is not None else None
        self.number, self.workers = number, workers
        self.together = max(1, min(workers, cores() - 1))
        self.started = False  # told by the parent that reading is over
        self.done = 0  # the messages read that were looked at
        self.inbound: Iterator[tuple[int, Message]] | None = None  # once roles are known
        self.stopped = False

    def wait(self, conn: Connection, messages: list[Message]) -> None:
        """Before the roles are known: label ahead until the parent has something for this worker."""
        if not self.started:
            return
        if self.own is None:
            self.own = frozenset(author for author, _ in Counter(map(_AUTHOR, messages)).most_common(1))
        self._run(conn, self._read_step, messages)

    def wait_known(self, conn: Connection, conv: Conversations, order: Sequence[int]) -> None:
        """Once roles are known (`order`: each of conv.messages' index in what was read): the same, inbound only."""
        if self.inbound is None:
            inbound, roles, labels = Role.INBOUND, conv.roles, self.labels
            self.inbound = (
                (index, message)
                for index, message in zip(order, conv.messages)
                if roles[message.id] is inbound and index not in labels
            )
        self._run(conn, self._known_step)

    def _run(self, conn: Connection, step: Callable[..., bool], *args: Any) -> None:
        """Steps in this worker's turns, until the parent sends something, the steps are done or AHEAD_MAX is kept."""
        more = True
        while more and not self.stopped and len(self.labels) < AHEAD_MAX:
            now = time.monotonic()
            turn = int(now / TURN)
            if (turn - self.number) % self.workers >= self.together:  # another worker's turn: sleep till it ends
                if conn.poll((turn + 1) * TURN - now):
                    return
                continue
            if conn.poll():
                return
            try:
                more = step(*args)
            except Exception:  # labelling it in turn will raise the same, where the parent expects to hear it
                self.stopped = True

    def _read_step(self, messages: list[Message]) -> bool:
        own, label, inbound, labels = self.own or frozenset(), self.labeller.label, Role.INBOUND, self.labels
        end = min(self.done + AHEAD_STEP, len(messages))
        for index in range(self.done, end):
            message = messages[index]
            if not (message.is_repost or message.is_private or message.author in own):
                labels[index] = label(message, inbound)
        self.done = end
        return end < len(messages)

    def _known_step(self) -> bool:
        assert self.inbound is not None
        label, inbound, labels = self.labeller.label, Role.INBOUND, self.labels
        taken = 0
        for index, message in islice(self.inbound, AHEAD_STEP):
            labels[index] = label(message, inbound)
            taken += 1
        return taken == AHEAD_STEP  # False: none is left


_AUTHOR = attrgetter("author")
