"""Spreading the per-message work of a large audit (labels, message rules) over the machine's cores.

Once roles are known, labelling a message and running the message rules on it depend on nothing but that message
and read-only state (the conversation model, the lexicons, the rules, and for rules the labels and metrics). So the
messages are cut into one contiguous slice per worker; forked workers inherit the state instead of receiving it,
and return their slice's results, which are joined in message order: the report is the same for any worker count.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from relaudit.errors import WorkerError

# Below this many messages, starting workers costs more than it saves.
MIN_MESSAGES = 20_000
# The most messages one task of a worker covers, and the fewest (but for the last).
SLICE = 25_000
TAIL = 1_000

WORKER_DIED = (
    "a worker process stopped before finishing its share of the messages (out of memory?); "
    "--jobs 1 audits in one process, which needs less memory"
)

# What forked workers inherit: set in the parent just before the pool starts, cleared after.
_shared: dict[str, Any] = {}
# The same for a map run in this process, per thread: audits may run in threads side by side (a Dask worker).
_local = threading.local()


def worker_count(messages: int, jobs: int | None = None) -> int:
    """How many processes to use: `jobs` when given, else every core for a large export where fork exists."""
    if not _can_fork() or multiprocessing.current_process().daemon:  # a pool's worker cannot start workers
        return 1
    if jobs is not None:
        return max(1, jobs)
    if messages < MIN_MESSAGES:
        return 1
    env = os.environ.get("RELAUDIT_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return cores()


def cores() -> int:
    """The cores this process may run on (at least 1)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _can_fork() -> bool:
    """Whether forked workers can be used here: on Linux only."""
    # macOS has fork, but its system libraries are not safe after it (Python switched macOS to spawn for that), and
    # Windows has none: there everything runs in this process.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def map_slices(
    function: Callable[[int, int], list[Any]],
    count: int,
    workers: int,
    each: Callable[[list[Any]], list[Any]] | None = None,
    **state: Any,
) -> list[Any]:
    """function(start, end) over contiguous slices of range(count), results concatenated in order.

    `each` turns one slice's result into what is kept, as it arrives (workers send plain tuples; the parent makes
    objects of them), so no more than one slice's raw result is held at a time.
    """
    keep = each or (lambda part: part)
    if workers <= 1 or count < 2 or not _can_fork():
        outer = getattr(_local, "state", None)
        _local.state = state
        try:
            return keep(function(0, count))
        finally:
            _local.state = outer
    _shared.update(state)
    try:
        tasks = [(function, start, end) for start, end in slices(count, workers)]
        # Frozen objects are left out of garbage collection: a worker's collections then never walk (and so never
        # copy, page by page) the millions of objects it inherited.
        gc.freeze()
        try:
            # concurrent.futures rather than multiprocessing.Pool: when a worker dies (the out-of-memory killer, say)
            # Pool starts another and waits for the lost slice for ever; this pool says so, and the audit stops.
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                parts = [keep(part) for part in pool.map(_call, tasks)]
        except BrokenProcessPool as error:
            raise WorkerError(WORKER_DIED) from error
        finally:
            gc.unfreeze()
    finally:
        _shared.clear()
    return [item for part in parts for item in part]


def slices(count: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous (start, end) slices of range(count) for workers that each take the next one when done.

    At most SLICE long, so a worker holds one slice's results at a time, not its whole share; each a quarter of what
    is left per worker at most, so the slices shrink towards the end (to TAIL) and the workers finish together
    rather than one waiting while the other does a last long slice.
    """
    found = []
    start = 0
    tail = min(TAIL, -(-count // workers))  # a small export still gets a slice per worker
    while start < count:
        left = count - start
        size = min(left, SLICE, max(tail, -(-left // (2 * workers))))
        found.append((start, start + size))
        start += size
    return found


def _call(task: tuple[Callable[[int, int], list[Any]], int, int]) -> list[Any]:
    function, start, end = task
    return function(start, end)


def shared(name: str) -> Any:
    """A piece of the state the parent set for this map (available in forked workers too)."""
    state = getattr(_local, "state", None)
    return state[name] if state is not None else _shared[name]
