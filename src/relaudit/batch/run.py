"""Running one audit per feed: in this process, on a local process pool, or on a Dask cluster."""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from relaudit.batch.feeds import Feed
from relaudit.errors import RelauditError, UsageError

# Called with (done, running, failed, total) after each feed finishes, to drive a progress bar.
Progress = Callable[[int, int, int, int], None]
DASK_MISSING = "--dask-scheduler needs the optional extra: pip install 'relaudit[dask]'"


def audit_feed(feed: Feed) -> dict[str, Any]:
    """Audit one feed exactly as `relaudit audit` would; never raises, so one bad feed cannot stop a batch.

    Returns {"client": name, "report": the JSON report dict} or {"client": name, "error": one line}.
    """
    from relaudit.account import from_option
    from relaudit.dates import parse_datetime
    from relaudit.pipeline import AuditOptions, audit

    if feed.error is not None:
        return {"client": feed.client, "error": feed.error}
    try:
        as_of = parse_datetime(feed.as_of) if feed.as_of else None
        options = AuditOptions(
            account=from_option(feed.account),
            as_of=as_of,
            pending_window=duration(feed.pending_window),
            input_format=feed.input_format,
            rule_files=tuple(Path(p) for p in feed.rule_files),
            select=feed.select,
            ignore=feed.ignore,
            overrides=feed.overrides,
            brand_names=feed.brand_names,
            ignore_messages=frozenset(feed.ignore_messages),
            jobs=1,  # the batch spreads feeds over the cores; one feed's audit stays in its worker
        )
        report = audit([Path(p) for p in feed.paths], options)
        return {"client": feed.client, "report": report.to_dict()}
    except RelauditError as error:
        return {"client": feed.client, "error": _one_line(str(error))}
    except Exception as error:  # isolation: a bug on one client's data must not lose the other clients' rows
        return {"client": feed.client, "error": _one_line(f"internal error: {type(error).__name__}: {error}")}


def duration(text: str) -> timedelta:
    """A pending window such as 24h, 90m or 2d."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhd])\s*", text)
    if not match:
        raise UsageError(f"pending_window: '{text}' is not a duration like 24h, 90m or 2d")
    value, unit = float(match.group(1)), match.group(2)
    return timedelta(minutes=value) if unit == "m" else timedelta(hours=value) if unit == "h" else timedelta(days=value)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


def run_local(feeds: list[Feed], jobs: int, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Results in feed order; one worker runs in this process, more use a process pool."""
    results: list[dict[str, Any] | None] = [None] * len(feeds)
    tracker = _Tracker(len(feeds), min(max(jobs, 1), max(len(feeds), 1)), progress)
    if jobs <= 1 or len(feeds) <= 1:
        for index, feed in enumerate(feeds):
            results[index] = tracker.finished(audit_feed(feed))
        return [r for r in results if r is not None]
    with concurrent.futures.ProcessPoolExecutor(max_workers=tracker.workers) as pool:
        pending = {pool.submit(audit_feed, feed): index for index, feed in enumerate(feeds)}
        for future in concurrent.futures.as_completed(pending):
            index = pending[future]
            try:
                result = future.result()
            except Exception as error:  # a worker that died (killed, out of memory) takes only its feed down
                result = {"client": feeds[index].client, "error": _one_line(f"worker failed: {error!r}")}
            results[index] = tracker.finished(result)
    return [r for r in results if r is not None]


def run_dask(feeds: list[Feed], address: str, progress: Progress | None = None) -> list[dict[str, Any]]:
    """The same per-feed audit on a Dask distributed cluster (the workers need the same relaudit installed)."""
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        raise UsageError(DASK_MISSING) from error
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"--dask-scheduler: cannot connect to {address}: {_one_line(str(error))}") from error
    # Workers run in their own folders: relative paths are made absolute from here (shared storage must mount
    # them at the same place on every worker).
    feeds = [_absolute(feed) for feed in feeds]
    results: list[dict[str, Any] | None] = [None] * len(feeds)
    try:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        tracker = _Tracker(len(feeds), workers, progress)
        futures = client.map(audit_feed, feeds, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures):
            i = index[future.key]
            try:
                result = future.result()
            except Exception as error:  # a lost worker (KilledWorker) fails its feed, not the batch
                result = {"client": feeds[i].client, "error": _one_line(f"worker failed: {error!r}")}
            results[i] = tracker.finished(result)
    finally:
        client.close()
    return [r for r in results if r is not None]


def _absolute(feed: Feed) -> Feed:
    return replace(
        feed,
        paths=tuple(str(Path(p).absolute()) for p in feed.paths),
        rule_files=tuple(str(Path(p).absolute()) for p in feed.rule_files),
    )


class _Tracker:
    """Counts finished and failed feeds and reports them to the progress callback."""

    def __init__(self, total: int, workers: int, progress: Progress | None) -> None:
        self.total, self.workers, self.progress = total, workers, progress
        self.done = self.failed = 0
        if progress is not None:
            progress(0, min(workers, total), 0, total)

    def finished(self, result: dict[str, Any]) -> dict[str, Any]:
        self.done += 1
        self.failed += "error" in result
        if self.progress is not None:
            self.progress(self.done, min(self.workers, self.total - self.done), self.failed, self.total)
        return result
