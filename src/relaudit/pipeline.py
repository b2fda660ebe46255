"""The audit pipeline: load → normalise → conversations → analyse → rules → grade → Report."""

from __future__ import annotations

import gc
import heapq
import math
from array import array
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from relaudit import loaders
from relaudit.account import Account, resolve
from relaudit.analyse import analyse, before_labels
from relaudit.conversations import Conversations, Role, build
from relaudit.engine import (
    Finding,
    account_findings,
    build_finding,
    by_scope,
    check_slice,
    checkable_before_metrics,
    reads_every_message,
    run_rules,
)
from relaudit.errors import InputError, UsageError
from relaudit.grade import grade, load_grading
from relaudit.labels import Labeller, Labels, LabelsOf, build_labels, polarity
from relaudit.loaders import relaudit_format
from relaudit.loaders.base import LoadNotice
from relaudit.model import Message, RawRecord, Skipped
from relaudit.normalise import normalise
from relaudit.owned import Kept, Owners, Part, Stub, kept, message_of
from relaudit.parallel import map_slices, shared, worker_count
from relaudit.recommend import recommend
from relaudit.report import Report
from relaudit.resources import rules_dir
from relaudit.rulepack import Rule, load_packs
from relaudit.trends import compute_trends

# A guess at a file's messages from its size, to decide before reading whether to start workers (owned.py): the
# relaudit format takes 250-400 bytes a message, platform exports more.
BYTES_PER_MESSAGE = 250

NO_INBOUND = (
    "This export holds no messages from other people (platform archives such as X's or Mastodon's carry only the "
    "account's own posts), so unanswered complaints and response times cannot be seen. To measure them, add the "
    "inbound messages as a second file in the relaudit format or the customer-care CSV layout: "
    "relaudit audit ARCHIVE MENTIONS.jsonl"
)


@dataclass(frozen=True)
class AuditOptions:
    """What the user chose on the command line (or in a config file)."""

    account: Account | None = None
    as_of: datetime | None = None
    pending_window: timedelta = timedelta(hours=24)
    input_format: str | None = None
    rule_files: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    brand_names: tuple[str, ...] = ()
    ignore_messages: frozenset[str] = frozenset()
    progress: Callable[[int], None] | None = field(default=None, compare=False)
    jobs: int | None = None  # worker processes for labels and rules; None: every core for a large export


def load_rules(
    extra: tuple[Path, ...] = (),
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    overrides: dict[str, dict[str, Any]] | None = None,
) -> list[Rule]:
    """The default pack plus the user's packs, validated before any message is read, then selected."""
    rules = load_packs(list(extra), builtin=(rules_dir() / "default.yaml",), overrides=overrides)
    known = {r.id for r in rules}
    for name, ids in (("select", select), ("ignore", ignore), ("overrides", tuple(overrides or {}))):
        unknown = sorted(set(ids) - known)
        if unknown:
            raise UsageError(f"{name}: no rule '{unknown[0]}'; see `relaudit rules list`")
    return [r for r in rules if (not select or r.id in select) and r.id not in ignore]


@dataclass(frozen=True)
class Loaded:
    """What the loaders read: unique messages, skipped records, notices, format names, owner hints."""

    messages: list[Message]
    skipped: list[Skipped]
    notices: list[str]
    input_format: str
    records: int
    hints: list[str]


def read_messages(paths: list[Path], options: AuditOptions, owners: Owners | None = None) -> Loaded:
    """Read every path with its loader; a repeated id is skipped as a duplicate, never silently dropped.

    With `owners` (owned.py) the messages go to its workers and their stubs are kept; a JSON Lines file is read by
    the workers themselves.
    """
    detected = [(path, loaders.detect(path, options.input_format)) for path in paths]
    messages: list[Message] = []
    skipped: list[Skipped] = []
    notices: list[str] = []
    first_seen: dict[str, Any] = {}  # id -> what was kept of its first message
    records = 0
    progress = options.progress
    for path, loader in detected:
        if owners is not None and loader is relaudit_format and _json_lines(path):
            items: Iterator[Any] = _read_by_workers(owners, path, first_seen)
        else:
            items = loaders.load(path, loader)
        for item in items:
            kind = type(item)  # exact types, tested once each: this loop runs once a record
            if kind is LoadNotice:
                notices.append(str(item))
                continue
            records += 1
            result: Any = normalise(item) if kind is RawRecord else item
            kind = type(result)
            if kind is not Message and kind is not Stub:
                skipped.append(result)
            elif result.id not in first_seen:
                held: Any = result if owners is None or kind is Stub else owners.take(result, first_seen)
                first_seen[result.id] = held
                messages.append(held)
            else:
                first = first_seen[result.id].source
                skipped.append(Skipped(result.source, f"duplicate id {result.id} (first at {first})"))
            if progress is not None and records % 10000 == 0:
                progress(records)
    names = ", ".join(dict.fromkeys(loader.name for _, loader in detected))
    hints = [h for path, loader in detected for h in loader.account_hint(path)]
    return Loaded(messages, skipped, notices, names, records, hints)


def _some_messages(loaded: Loaded, paths: list[Path]) -> None:
    """Stop the audit with one line when nothing read is a message (and say why, if records were skipped)."""
    if not loaded.messages:
        skipped = loaded.skipped
        reason = f"; {len(skipped)} records skipped, first: {skipped[0]}" if skipped else ""
        raise InputError(f"{', '.join(map(str, paths))}: no messages found{reason}")


def _json_lines(path: Path) -> bool:
    """Whether the workers can read the file themselves (JSON Lines); when it cannot be read, the loader says why."""
    try:
        return relaudit_format.is_json_lines(path)
    except OSError:
        return False


def _read_by_workers(owners: Owners, path: Path, known: dict[str, Any]) -> Iterator[Stub | Skipped | LoadNotice]:
    """owners.read(), with its OS errors one-line input errors as loaders.load() makes them."""
    try:
        yield from owners.read(path, known)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error


@dataclass(frozen=True)
class Labelled:
    """The stages up to labels: what `relaudit label` prints and what the audit builds on."""

    loaded: Loaded
    conv: Conversations
    labeller: Labeller
    labels: dict[str, Labels]
    workers: int = 1
    findings: list[Finding] | None = None  # the message rules' findings, when they ran with the labels
    rule_notes: tuple[str, ...] = ()  # their rules that gave up
    canned: frozenset[str] | None = None  # the canned replies, when found before labelling
    unanswered: tuple[Message, ...] | None = None  # the due, unanswered complaints, when workers own the messages
    label_of: Callable[[Message], Labels] | None = None  # a message's labels, when they are not in `labels`


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one audit.

    An audit makes millions of long-lived objects and no reference cycles (reference counting frees its garbage);
    the collector would walk all of them again and again as they are made: 15% of a 300,000-message audit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def label(paths: list[Path], options: AuditOptions) -> Labelled:
    """Load, normalise, build the conversation model and label every message."""
    with _without_cycle_collection():
        return _label(paths, options)


def _label(paths: list[Path], options: AuditOptions, rules: list[Rule] | None = None) -> Labelled:
    """As label(); with `rules`, each worker also runs the message rules on its share of messages, just labelled.

    That spares a second round of workers (and their start-up), and checks a text while it is still in the cache.
    Message rules see the conversation, their message's labels and what is known before labels (the counts of
    roles, the canned replies); when one of them reads a metric, they run after labelling instead (run_rules).
    """
    loaded = read_messages(paths, options)
    _some_messages(loaded, paths)
    account = resolve(loaded.messages, options.account, loaded.hints)
    conv = build(loaded.messages, account, options.as_of, options.pending_window)
    labeller = Labeller(rules_dir() / "lexicons", account.handles, options.brand_names)
    workers = worker_count(len(conv.messages), options.jobs)
    if workers > 1:
        polarity("")  # load the sentiment lexicon once, before the workers fork, rather than once in each
    checks = rules is not None and checkable_before_metrics(rules)
    early = before_labels(conv) if checks else None
    known: dict[Hashable, Labels] = {}

    def keep(part: list[tuple[list[Any], list[Any], list[str]]]) -> list[tuple[list[Any], list[Any], list[str]]]:
        """One slice's labels and findings as objects (workers send tuples)."""
        if workers <= 1:
            return part
        return [
            (_unpack(found, known), [build_finding(*f) for f in findings], notes) for found, findings, notes in part
        ]

    parts = map_slices(
        _label_slice,
        len(conv.messages),
        workers,
        each=keep,
        labeller=labeller,
        conv=conv,
        packed=workers > 1,
        by_scope=by_scope(rules) if checks and rules is not None else None,
        analysis=early,
    )
    found = [labels for part in parts for labels in part[0]]
    labels = {m.id: result for m, result in zip(conv.messages, found)}
    if not checks:
        return Labelled(loaded, conv, labeller, labels, workers)
    findings = [f for part in parts for f in part[1]]
    notes = tuple(note for part in parts for note in part[2])
    return Labelled(loaded, conv, labeller, labels, workers, findings, notes, early.canned if early else None)


def _owned_label(paths: list[Path], options: AuditOptions, rules: list[Rule], workers: int) -> Labelled:
    """As _label() with rules, but with workers that own the messages, forked before reading (owned.py).

    The parent keeps a stub of each message to build the conversations, then (in `conv`) its id, time and labels.
    """
    lexicons = rules_dir() / "lexicons"
    Labeller(lexicons, frozenset(), options.brand_names).load_all()  # read once, before the fork, not in each worker
    polarity("")  # the sentiment lexicon too
    for path in paths:  # a path that cannot be read stops the audit before any worker starts
        loaders.detect(path, options.input_format)
    owners = Owners(workers, by_scope(rules), lexicons, options.account.handles if options.account else None)
    try:
        loaded = read_messages(paths, options, owners)
        owners.ahead()
        _some_messages(loaded, paths)
        stubs: list[Message] = loaded.messages  # (Stubs: they read as messages wherever threading reads them)
        account = resolve(stubs, options.account, loaded.hints)
        conv = build(stubs, account, options.as_of, options.pending_window)
        del stubs
        loaded = replace(loaded, messages=[])  # conv holds them, in time order
        labeller = Labeller(lexicons, account.handles, options.brand_names)
        canned_keys = owners.assign(conv, options.brand_names)
        # Nothing reads more of a message than its id and time from here on, nor the links between messages.
        ordered = tuple(kept(m.id, m.created_at) for m in conv.messages)
        conv = replace(conv, messages=ordered, parents={})  # type: ignore[arg-type]
        counts = before_labels(conv, frozenset()).counts  # (the canned replies are the workers' to find)
        canned: set[str] = set()
        # per worker, its findings and (apart: an int object and a tuple each would cost more) their positions
        findings: list[list[Finding]] = [[] for _ in range(workers)]
        found_at = [array("q") for _ in range(workers)]
        notes: list[tuple[int, str]] = []
        unanswered: list[tuple[int, Message]] = []
        known: dict[Hashable, Labels] = {}
        texts: dict[str, str] = {}
        for owner, part in owners.check(counts, canned_keys):
            if not isinstance(part, Part):  # the positions of the worker's canned replies
                canned.update(ordered[position].id for position in part)
                continue
            for position, labels in zip(part.positions, _unpack(part.labels, known)):
                ordered[position].labels = labels
            findings[owner].extend(_findings(part.findings, ordered, texts))
            found_at[owner].extend(position for position, _ in part.findings)
            notes.extend(part.notes)
            unanswered.extend((position, message_of(values)) for position, values in part.unanswered)
        del known
    finally:
        owners.close()
    return Labelled(
        loaded,
        conv,
        labeller,
        {},
        workers,
        [finding for _, finding in heapq.merge(*map(zip, found_at, findings), key=itemgetter(0))],
        tuple(note for _, note in sorted(notes, key=itemgetter(0))),
        frozenset(canned),
        tuple(message for _, message in sorted(unanswered, key=itemgetter(0))),
        attrgetter("labels"),
    )


def _findings(
    found: list[tuple[int, tuple[Any, ...]]], messages: Sequence[Kept], texts: dict[str, str]
) -> Iterator[Finding]:
    """Findings from a worker's tuples, sharing the parent's objects where they are equal.

    The message's id and time are the stub's; a finding's text, most often its rule's message word for word, is one
    string for all the findings that say the same.
    """
    for position, values in found:
        message = messages[position]
        rule, level, pillar, text, severity, shown, where = values  # (owned.FINDING_SENT)
        text = texts.setdefault(text, text)
        yield build_finding(rule, level, pillar, text, severity, message.id, message.created_at, shown, where)


def _owned_workers(paths: list[Path], options: AuditOptions, rules: list[Rule]) -> int:
    """How many workers that own their messages to start before reading (1: none, the messages stay here)."""
    if not checkable_before_metrics(rules) or reads_every_message(rules):
        return 1
    size = 0
    for path in paths:
        with suppress(OSError):  # the loader says what is wrong with it
            size += path.stat().st_size if path.is_file() else 0
    return worker_count(size // BYTES_PER_MESSAGE, options.jobs)


def _label_slice(start: int, end: int) -> list[tuple[list[Any], list[Any], list[str]]]:
    """One worker's share: labels of conv.messages[start:end] and, when asked, their message rules' findings.

    Sent back to the parent as plain tuples, which pickle several times faster than the dataclasses.
    """
    labeller, conv, packed = shared("labeller"), shared("conv"), shared("packed")
    found = [labeller.label(m, conv.roles[m.id]) for m in conv.messages[start:end]]
    findings: list[Finding] = []
    notes: list[str] = []
    if shared("by_scope") is not None:
        labels = {m.id: result for m, result in zip(conv.messages[start:end], found)}
        findings, notes = check_slice(shared("by_scope"), conv, shared("analysis"), labeller, labels, start, end)
    if packed:
        return [([labels.packed() for labels in found], [f.packed() for f in findings], notes)]
    return [(found, findings, notes)]


def _unpack(packed: list[tuple[Any, ...]], known: dict[Hashable, Labels] | None = None) -> list[Labels]:
    """Labels from the tuples workers sent; equal labels become one object (most messages share theirs)."""
    # A tuple of plain values pickles about six times faster than the dataclass, and one object per distinct label
    # keeps a million messages from holding a million copies of "nothing found".
    known = {} if known is None else known
    return [known.get(key) or known.setdefault(key, build_labels(*values)) for key, values in map(_key, packed)]


def _key(values: tuple[Any, ...]) -> tuple[Hashable, tuple[Any, ...]]:
    """A dictionary key for one label's values that tells -0.0 from 0.0 (equal as keys; printed differently)."""
    score, value = values[1], values[9]  # complaint_score, polarity
    signs = (math.copysign(1.0, score) if score == 0 else 0.0, math.copysign(1.0, value) if value == 0 else 0.0)
    key = (values, signs) if -1.0 in signs else values
    return key, values


def audit(
    paths: list[Path],
    options: AuditOptions,
    on_findings: Callable[[list[Finding]], object] | None = None,
    keep: list[object] | None = None,
) -> Report:
    """Run the whole pipeline over one account's export files.

    `on_findings` is given the report's findings as soon as they are known, before metrics, trends and the grade
    (the JSON report's writer starts on them then: render/json_format.py): the message rules' findings, when they
    ran with the labels, before the metrics and so before the account rules' findings, which come first in the
    report (the writer puts them before the others' text). `keep`, when given, gets what the audit
    made beside the report (the conversations, labels, loaded records), for a caller about to end its process to
    drop with it rather than have freed here.
    """
    with _without_cycle_collection():
        return _audit(paths, options, on_findings, keep)


def _audit(
    paths: list[Path],
    options: AuditOptions,
    on_findings: Callable[[list[Finding]], object] | None = None,
    keep: list[object] | None = None,
) -> Report:
    rules = load_rules(options.rule_files, options.select, options.ignore, options.overrides)
    curves = load_grading(rules_dir() / "grading.yaml")
    workers = _owned_workers(paths, options, rules)
    labelled = _owned_label(paths, options, rules, workers) if workers > 1 else _label(paths, options, rules)
    loaded, conv, labeller, labels = labelled.loaded, labelled.conv, labelled.labeller, labelled.labels
    if keep is not None:
        keep.append(labelled)
    account = conv.account
    labels_of: LabelsOf = labelled.label_of or labels
    message_findings = None
    if labelled.findings is not None:  # the message rules ran with the labels: their findings go first to the writer
        message_findings = [f for f in labelled.findings if f.message_id not in options.ignore_messages]
        if on_findings is not None:
            on_findings(message_findings)
    analysis = analyse(conv, labels_of, len(loaded.skipped), labelled.canned)
    rule_warnings: list[str] = []
    if labelled.findings is not None and message_findings is not None:
        # (the account's findings are about no message, so no ignore_messages entry can name one)
        account_level = account_findings(rules, conv, analysis, labeller)
        all_findings = account_level + labelled.findings
        findings = account_level + message_findings
        rule_warnings += labelled.rule_notes
    else:
        all_findings = run_rules(rules, conv, analysis, labeller, labels, rule_warnings, labelled.workers)
        findings = [f for f in all_findings if f.message_id not in options.ignore_messages]
        if on_findings is not None:
            on_findings(findings)
    used = {f.message_id for f in all_findings}
    rule_warnings += [
        f"ignore_messages: {message_id} matched no finding (unused suppression)"
        for message_id in sorted(options.ignore_messages - used)
    ]
    result = grade(analysis, findings, curves, {r.id: r.scopes for r in rules})
    oldest = (
        list(labelled.unanswered)
        if labelled.unanswered is not None
        else [
            m
            for m in conv.with_role(Role.INBOUND)
            if labels[m.id].complaint and conv.due(m) and m.id not in conv.responses
        ]
    )
    warnings = [*loaded.notices, *conv.notes, *(str(s) for s in loaded.skipped), *rule_warnings]
    return Report(
        paths=tuple(str(p) for p in paths),
        input_format=loaded.input_format,
        records=loaded.records,
        account=account.name,
        account_source=account.how,
        account_detail=account.detail,
        start=conv.messages[0].created_at,
        end=conv.messages[-1].created_at,
        as_of=conv.end,
        analysis=analysis,
        grade=result,
        findings=tuple(findings),
        warnings=tuple(warnings),
        unanswered_complaints=tuple(oldest),
        recommendations=tuple(recommend(analysis, result, findings, oldest)),
        rule_titles={r.id: (r.title, r.why, r.fix) for r in rules},
        coverage=NO_INBOUND if analysis.counts["inbound"] == 0 else None,
        trends=compute_trends(conv, labels_of, findings),
    )
