"""What Facebook's and Instagram's exports share: JSON lists of entries whose text Meta wrote as latin-1 mojibake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from relaudit.loaders.base import LoadItem
from relaudit.loaders.container import Container
from relaudit.loaders.jsonstream import list_prefix, stream_items
from relaudit.loaders.mojibake import repair_tree
from relaudit.model import Skipped, Source


def repaired_entries(
    container: Container, member: str, kind: str, keys: tuple[str, ...] | None = None
) -> Iterator[LoadItem | tuple[Source, int, Any]]:
    """(source, record number, entry with its text repaired) for each entry of one member's list, streamed.

    A member that holds no list, or whose JSON breaks, gives one Skipped; notices pass through as they come.
    """
    display = container.display(member)
    prefix = list_prefix(container, member, keys)
    if isinstance(prefix, Skipped):
        yield prefix
        return
    if prefix is None:
        yield Skipped(Source(display, 1, unit="record"), f"expected a list of {kind}; none could be read")
        return
    for item in stream_items(container, member, prefix):
        if not isinstance(item, tuple):
            yield item
            continue
        number, entry = item
        yield Source(display, number, unit="record"), number, repair_tree(entry)
