"""CPU time of each stage of `relaudit audit`, measured in-process by wrapping the pipeline's functions.

    python benchmarks/stages.py FEED.jsonl
    python benchmarks/stages.py FEED.jsonl --memory   # Python heap per message instead (tracemalloc; slower)
    python benchmarks/stages.py FEED.jsonl --wall     # wall time of each stage, workers included (idle machine)

Steadier than a sampling profiler on a busy machine: it counts CPU time (time.process_time), not wall time, so
waiting for a core is not blamed on whatever code happened to be running. It counts this process only: run it with
RELAUDIT_JOBS=1, or the labels and message rules of a large export run in worker processes it does not see (and
its workers own its messages: owned.py; with --wall the stages they do are timed as the parent waits for them).
Times are inclusive (sentiment is also inside "label messages" and the rules); the rule rows split the rules by type.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

CPU: dict[str, float] = defaultdict(float)
CLOCK = time.process_time  # time.perf_counter with --wall
CALLS: dict[str, int] = defaultdict(int)


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = CLOCK()
        try:
            return function(*args, **kwargs)
        finally:
            CPU[name] += CLOCK() - start
            CALLS[name] += 1

    return wrapper


def patch(name: str, module_name: str, attribute: str) -> None:
    """Wrap a function wherever relaudit's modules imported it by name, so every call site is counted."""
    original = getattr(sys.modules[module_name], attribute)
    wrapper = timed(name, original)
    for module_name_, module in list(sys.modules.items()):
        if module_name_.startswith("relaudit") and getattr(module, attribute, None) is original:
            setattr(module, attribute, wrapper)


def main(path: str) -> int:
    start = time.process_time()
    from relaudit import labels, pipeline
    from relaudit.render import RENDERERS
    from relaudit.ruletypes import RULE_TYPES

    imports = time.process_time() - start
    stages = [
        ("read + normalise", "relaudit.pipeline", "read_messages"),
        ("normalise", "relaudit.normalise", "normalise"),
        ("conversations", "relaudit.conversations", "build"),
        ("labels and message rules (the workers' time, with --wall)", "relaudit.parallel", "map_slices"),
        ("workers that own the messages: reading to findings (with --wall)", "relaudit.pipeline", "_owned_label"),
        ("analyse (metrics)", "relaudit.analyse", "analyse"),
        ("rules (after labelling, when a message rule reads a metric)", "relaudit.engine", "run_rules"),
        ("message rules (with the labels)", "relaudit.engine", "check_slice"),
        ("account rules", "relaudit.engine", "account_findings"),
        ("grade", "relaudit.grade", "grade"),
        ("trends", "relaudit.trends", "compute_trends"),
        ("recommendations", "relaudit.recommend", "recommend"),
        ("polarity lookups (cached)", "relaudit.labels", "polarity"),
        ("sentiment computed (cache misses)", "relaudit.sentiment", "pattern_polarity"),
        ("complaint: the text's structure", "relaudit.complaints", "structure"),
        ("complaint: settled without polarity", "relaudit.complaints", "settled"),
        ("complaint: the score and cues (with polarity)", "relaudit.complaints", "verdict"),
    ]
    for name, module_name, attribute in stages:
        try:
            __import__(module_name)
        except ImportError:  # the pipeline is being reshaped while this is written: skip what is gone
            continue
        if hasattr(sys.modules[module_name], attribute):
            patch(name, module_name, attribute)
    labels.Labeller.label = timed("label messages", labels.Labeller.label)
    from relaudit import owned

    # a large export's workers own its messages (owned.py; "read + normalise" includes their reading)
    owned.Owners.assign = timed("owned: roles to the workers", owned.Owners.assign)  # type: ignore[method-assign]
    for type_name, rule_type in list(RULE_TYPES.items()):
        RULE_TYPES[type_name] = dataclasses.replace(rule_type, check=timed(f"rule type: {type_name}", rule_type.check))

    begin = CLOCK()
    report = pipeline.audit([Path(path)], pipeline.AuditOptions())
    audit_cpu = CLOCK() - begin
    render_start = CLOCK()
    RENDERERS["json"](report, 80, False)
    render_cpu = CLOCK() - render_start
    total = imports + audit_cpu + render_cpu

    rows = [("imports", 1, imports), ("pipeline.audit (all stages)", 1, audit_cpu)]
    rows += sorted(((name, CALLS[name], CPU[name]) for name in CPU), key=lambda row: -row[2])
    if "read + normalise" in CPU and "normalise" in CPU:  # the loader is a generator: its time is the difference
        rows.append(("read + JSON decode (loader)", 1, CPU["read + normalise"] - CPU["normalise"]))
    rows.append(("render JSON", 1, render_cpu))
    clock = "wall" if CLOCK is time.perf_counter else "CPU"
    print(f"{report.analysis.counts['messages']:,} messages, {total:.2f} s {clock} in all\n")
    print(f"| stage (inclusive) | calls | {clock} s | % of total |")
    print("|---|---:|---:|---:|")
    for name, calls, seconds in rows:
        print(f"| {name} | {calls:,} | {seconds:.2f} | {100 * seconds / total:.1f}% |")
    return 0


def memory(path: str) -> int:
    """Python heap held after reading, after labelling, and at the audit's peak, per message (tracemalloc)."""
    import gc
    import tracemalloc

    from relaudit import pipeline

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    options = pipeline.AuditOptions()
    loaded = pipeline.read_messages([Path(path)], options)
    count = len(loaded.messages)
    rows = [("messages read and normalised", tracemalloc.get_traced_memory()[0] - base)]
    top = tracemalloc.take_snapshot().statistics("lineno")[:8]
    del loaded
    gc.collect()
    labelled = pipeline.label([Path(path)], options)
    rows.append(("+ conversations and labels", tracemalloc.get_traced_memory()[0] - base))
    del labelled
    gc.collect()
    tracemalloc.reset_peak()
    pipeline.audit([Path(path)], options)
    rows.append(("peak during the whole audit", tracemalloc.get_traced_memory()[1] - base))
    print(f"{count:,} messages\n")
    print("| held | MB | bytes a message |")
    print("|---|---:|---:|")
    for name, size in rows:
        print(f"| {name} | {size / 2**20:.1f} | {size / count:,.0f} |")
    print("\nLargest allocation sites after reading:\n")
    for stat in top:
        print(f"- {stat.size / 2**20:.1f} MB in {stat.count:,} blocks: {stat.traceback[0]}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--memory":
        sys.exit(memory(sys.argv[1]))
    if len(sys.argv) > 2 and sys.argv[2] == "--wall":
        CLOCK = time.perf_counter
    sys.exit(main(sys.argv[1]))
