"""`relaudit batch`: many client feeds audited in parallel (locally or on Dask) into one league table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from relaudit.batch.feeds import Feed, from_path, is_manifest, read_manifest, split_by_account, unique_names
from relaudit.batch.run import Progress, run_dask, run_local
from relaudit.batch.table import league

__all__ = ["Feed", "execute", "league", "prepare"]


def prepare(paths: list[Path], defaults: Feed, by_account: bool, min_replies: int = 5) -> list[Feed]:
    """The feeds to audit: plain paths and manifests' clients, shared files split per brand, names made unique."""
    # Every manifest is validated before any export is read (splitting reads the shared files).
    listed = [
        feed
        for path in paths
        for feed in (read_manifest(path, defaults) if is_manifest(path) else [from_path(path, defaults)])
    ]
    feeds: list[Feed] = []
    for feed in listed:
        if by_account or feed.by_account:
            feeds += split_by_account(replace(feed, by_account=True), min_replies)
        else:
            feeds.append(feed)
    return unique_names(feeds)


def execute(
    feeds: list[Feed], jobs: int, dask_scheduler: str | None = None, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """One result per feed, in feed order: {"client", "report"} or {"client", "error"}."""
    if dask_scheduler:
        return run_dask(feeds, dask_scheduler, progress)
    return run_local(feeds, jobs, progress)
