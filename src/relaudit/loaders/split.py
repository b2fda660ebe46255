"""Reading one large JSON Lines file on two cores: a forked worker reads and normalises the file's second part.

Reading is the first of the audit's stages that run in one process (~11 µs a message: decoding, `json.loads`,
normalising). The worker reads its part while this process reads the first, and sends its messages back as plain
tuples, which cost this process ~3 µs each to rebuild. The items come out in file order, as loaders.load() gives
them (this process's part, then the worker's pieces in turn), so duplicates, skipped records and notices are the
same: tests/test_split.py reads files both ways.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import tempfile
from collections.abc import Iterator
from itertools import pairwise
from operator import attrgetter
from pathlib import Path
from typing import Any

from relaudit.errors import InputError
from relaudit.loaders import relaudit_format
from relaudit.loaders.base import LoadItem, LoadNotice
from relaudit.model import Message, RawRecord, Skipped, build_message, build_source
from relaudit.normalise import normalise
from relaudit.parallel import worker_count

# Below this size (~90,000 messages) starting a worker costs more than it saves.
SPLIT_BYTES = 32 << 20
# This process reads this share of the file and also rebuilds the worker's messages (~2.5 µs each against ~12 to
# read one) and dedups them all; the worker reads the rest (~15 µs a message with packing). Half each was fastest
# of 0.42-0.6 at 1M (9.1 s against 13.3 for one process).
SHARE = 0.5
# The worker's part goes in this many pieces, so that this process can rebuild one while the worker reads the next.
PIECES = 4
_BLOCK = 1 << 24


def splittable(path: Path, loader: Any, jobs: int | None) -> bool:
    """Whether to read the file this way: a large JSON Lines file in the relaudit format, with cores to spare."""
    if loader is not relaudit_format or not path.is_file():
        return False
    size = path.stat().st_size
    return size >= SPLIT_BYTES and worker_count(size // 350, jobs) > 1 and relaudit_format.is_json_lines(path)


def load_split(path: Path) -> Iterator[LoadItem | Message]:
    """loaders.load(path, relaudit_format) for a JSON Lines file, its second part read and normalised by a worker."""
    try:
        yield from _load_split(path)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error


def _load_split(path: Path) -> Iterator[LoadItem | Message]:
    cuts = _cuts(path)
    if len(cuts) < 3:  # no line break to cut at: one part
        yield from relaudit_format.load(path)
        return
    where = sys.intern(str(path))
    noticed = False
    # The worker leaves each piece in a file and sends its name: sent through the pool's pipe, a piece (~25 MB)
    # waited for this process to take it, which it does only when done with its own part, so the worker idled.
    with tempfile.TemporaryDirectory(prefix="relaudit-") as folder:
        tasks = [
            (path, start, end, line, Path(folder) / f"piece-{index}")
            for index, ((start, line), (end, _)) in enumerate(pairwise(cuts[1:]))
        ]
        with multiprocessing.get_context("fork").Pool(1) as pool:
            pieces = pool.imap(_read_piece, tasks)
            for item in relaudit_format.load_range(path, 0, cuts[1][0], 1):
                if isinstance(item, LoadNotice):
                    noticed = True
                yield item
            for name in pieces:
                piece = pickle.loads(name.read_bytes())
                name.unlink()
                for found in _rebuilt(piece, where):
                    if isinstance(found, LoadNotice):  # the file's first encoding notice only, as load() gives
                        if noticed:
                            continue
                        noticed = True
                    yield found


def _cuts(path: Path) -> list[tuple[int, int]]:
    """(byte offset, line number) where each part starts, and (file size, -) at the end: each offset a line start."""
    size = path.stat().st_size
    first = int(size * SHARE)
    wanted = [first + (size - first) * k // PIECES for k in range(PIECES)]
    cuts = [(0, 1)]
    lines = 1  # the number of the line starting at `offset`
    offset = 0
    with path.open("rb") as handle:
        for target in wanted:
            # count the line breaks up to the target, then move on to the start of the next line
            while offset < target:
                block = handle.read(min(_BLOCK, target - offset))
                if not block:
                    break
                lines += block.count(b"\n")
                offset += len(block)
            rest = handle.readline()
            if not rest.endswith(b"\n"):  # the last line: no later line to start at
                break
            offset += len(rest)
            lines += 1
            if offset > cuts[-1][0] and offset < size:
                cuts.append((offset, lines))
    cuts.append((size, 0))
    return cuts


def _read_piece(task: tuple[Path, int, int, int, Path]) -> Path:
    """In the worker: one piece's items into a file, messages as tuples of their fields (the source as its line)."""
    path, start, end, first_line, name = task
    found: list[Any] = []
    for item in relaudit_format.load_range(path, start, end, first_line):
        result = normalise(item) if isinstance(item, RawRecord) else item
        if isinstance(result, Message):
            values = _FIELDS(result)
            found.append((*values[:4], result.source.line, *values[5:]))
        elif isinstance(result, Skipped):
            found.append((result.source.line, result.reason))
        else:
            found.append(result)  # a LoadNotice
    name.write_bytes(pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
    return name


_FIELDS = attrgetter(*Message.__slots__)


def _rebuilt(piece: list[Any], where: str) -> Iterator[Message | Skipped | LoadNotice]:
    """The worker's items as normalise() made them there: handles and platforms interned here, as it does."""
    intern = sys.intern
    for item in piece:
        if type(item) is not tuple:
            yield item
        elif len(item) == 2:
            yield Skipped(build_source(where, item[0], "line"), item[1])
        else:
            ident, author, text, at, line, parent, parent_author, repost, platform, *rest = item
            likes, reposts, url, private, mentions, hashtags, urls = rest
            yield build_message(
                ident,
                intern(author),
                text,
                at,
                build_source(where, line, "line"),
                parent,
                intern(parent_author) if parent_author is not None else None,
                repost,
                intern(platform) if platform is not None else None,
                likes,
                reposts,
                url,
                private,
                tuple(map(intern, mentions)) if mentions else (),
                hashtags,
                urls,
            )
