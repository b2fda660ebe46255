"""Checking drafts: the draft-scope rules on each draft, the calendar rules on all of them, then suppressions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from relaudit.account import Account
from relaudit.analyse import analyse
from relaudit.conversations import Role, build
from relaudit.drafts.explain import Span, spans, suggest
from relaudit.drafts.read import Draft, Read
from relaudit.engine import LEVEL_RANK, check_message, excerpt
from relaudit.errors import UsageError
from relaudit.labels import Labeller
from relaudit.model import Message, RawRecord, Source
from relaudit.normalise import handle, normalise
from relaudit.resources import rules_dir
from relaudit.rulepack import load_packs
from relaudit.ruletypes import RULE_TYPES, Context

DEFAULT_AUTHOR = "brand"
_UNDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)  # undated drafts keep file order


@dataclass(frozen=True)
class CheckOptions:
    """What the user chose for `relaudit check`."""

    platform: str | None = None
    account: tuple[str, ...] = ()
    rule_files: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    brand_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftFinding:
    """A rule's verdict on one draft (or on a whole calendar when draft is 0), placed in the user's file."""

    rule: str
    level: str
    pillar: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    draft: int
    excerpt: str
    spans: tuple[Span, ...] = ()
    suggestion: str = ""


@dataclass(frozen=True)
class Note:
    """Something about the check itself (an unused or unknown suppression, a length not checked), not a finding."""

    path: str
    line: int
    message: str
    kind: str  # unused-suppression | unknown-rule | not-checked


@dataclass(frozen=True)
class CheckResult:
    """Everything `relaudit check` found, ready to render."""

    drafts: tuple[Draft, ...]
    findings: tuple[DraftFinding, ...]
    notes: tuple[Note, ...]
    warnings: tuple[str, ...]
    suppressed: int
    rules: dict[str, Any]  # id → Rule, for titles, why and fix


def check(read: Read, options: CheckOptions) -> CheckResult:
    """Run every rule with the draft scope over the drafts read."""
    rules = load_packs(list(options.rule_files), builtin=(rules_dir() / "default.yaml",), overrides=options.overrides)
    known = {r.id for r in rules}
    for name, ids in (("select", options.select), ("ignore", options.ignore), ("overrides", tuple(options.overrides))):
        unknown = sorted(set(ids) - known)
        if unknown:
            raise UsageError(f"{name}: no rule '{unknown[0]}'; see `relaudit rules list`")
    chosen = [r for r in rules if (not options.select or r.id in options.select) and r.id not in options.ignore]
    draft_rules = [r for r in chosen if "draft" in r.scopes and "account" not in r.scopes]
    calendar_rules = [r for r in chosen if "draft" in r.scopes and "account" in r.scopes]
    drafts = tuple(read.drafts)
    messages = [_message(d, i, options) for i, d in enumerate(drafts)]
    handles = frozenset(m.author for m in messages) | frozenset(handle(a) for a in options.account) or {DEFAULT_AUTHOR}
    account = Account(frozenset(handles), "option", "drafts")
    conv = build(messages, account, None, timedelta(hours=24))
    labeller = Labeller(rules_dir() / "lexicons", account.handles, options.brand_names)
    labels = {m.id: labeller.label(m, Role.ORIGINAL) for m in conv.messages}
    analysis = analyse(conv, labels, 0)
    gave_up: list[str] = []
    dropped: set[str] = set()
    findings: list[DraftFinding] = []
    by_id = {m.id: (d, m) for d, m in zip(drafts, messages)}
    for message_id, (draft, message) in by_id.items():
        ctx = Context(conv, analysis, labeller, message, Role.ORIGINAL, labels[message_id])
        for found in check_message(draft_rules, ctx, message, gave_up, dropped):
            rule = next(r for r in draft_rules if r.id == found.rule)
            where = spans(rule.type, rule.options, message, labeller)
            hint = suggest(rule.type, rule.options, message, where, rule.fix)
            findings.append(_placed(found.rule, found.level, found.pillar, found.message, draft, where, hint))
    for path in dict.fromkeys(d.path for d in drafts):
        findings += _calendar(calendar_rules, [m for m in conv.messages if m.source.path == path], labels, labeller)
    kept, notes, suppressed = _suppress(findings, drafts, known)
    notes += _unchecked_lengths(drafts, messages, draft_rules)
    kept.sort(key=lambda f: (f.path, f.line, f.column, -LEVEL_RANK[f.level], f.rule))
    return CheckResult(
        drafts,
        tuple(kept),
        tuple(sorted(notes, key=lambda n: (n.path, n.line))),
        tuple([*read.warnings, *gave_up]),
        suppressed,
        {r.id: r for r in rules},
    )


def _calendar(
    rules: list[Any], messages: list[Message], labels: dict[str, Any], labeller: Labeller
) -> list[DraftFinding]:
    """The rules that judge a file of several drafts as a whole (content mix), as findings on its first line."""
    if len(messages) < 2 or not rules:
        return []
    account = Account(frozenset(m.author for m in messages), "option", "drafts")
    conv = build(messages, account, None, timedelta(hours=24))
    ctx = Context(conv, analyse(conv, {m.id: labels[m.id] for m in messages}, 0), labeller)
    found = []
    for rule in rules:
        hit = RULE_TYPES[rule.type].check(rule.options, ctx)
        if hit is not None:
            where = f"the calendar as a whole ({len(messages)} drafts)"
            text = rule.message.format(**hit.values)
            path = messages[0].source.path
            found.append(DraftFinding(rule.id, rule.level, rule.pillar, text, path, 1, 1, 1, 1, 0, where, (), rule.fix))
    return found


def _message(draft: Draft, index: int, options: CheckOptions) -> Message:
    author = handle(draft.account) or (handle(options.account[0]) if options.account else DEFAULT_AUTHOR)
    fields = {
        "id": f"{draft.path}#{draft.number}",
        "author": author,
        "text": draft.text,
        "created_at": (draft.date or _UNDATED + timedelta(seconds=index)).isoformat(),
        "platform": draft.platform or options.platform,
    }
    message = normalise(RawRecord(fields, Source(draft.path, draft.line)))
    assert isinstance(message, Message), message  # every field above is present and valid
    if draft.link and draft.link not in message.urls:
        message = replace(message, urls=(*message.urls, draft.link))
    return message


def _placed(rule: str, level: str, pillar: str, text: str, draft: Draft, where: list[Span], hint: str) -> DraftFinding:
    start, end = where[0] if where else (0, len(draft.text))
    line, column = draft.position(start)
    end_line, end_column = draft.position(max(end - 1, start))
    shown = excerpt(draft.text[max(start - 30, 0) : end + 30]) if where else excerpt(draft.text)
    return DraftFinding(
        rule, level, pillar, text, draft.path, line, column, end_line, end_column + 1, draft.number, shown,
        tuple(where), hint,
    )  # fmt: skip


def _suppress(
    findings: list[DraftFinding], drafts: tuple[Draft, ...], rule_ids: set[str]
) -> tuple[list[DraftFinding], list[Note], int]:
    """Drop findings an inline suppression names; report suppressions that named no finding or no rule."""
    by_draft = {(d.path, d.number): d for d in drafts}
    used: set[tuple[str, int, str]] = set()
    kept = []
    for finding in findings:
        draft = by_draft.get((finding.path, finding.draft))
        hit = draft is not None and any(finding.rule in s.rules for s in draft.suppressions)
        if hit and draft is not None:
            used.add((draft.path, draft.number, finding.rule))
        else:
            kept.append(finding)
    notes = []
    for draft in drafts:
        for suppression in draft.suppressions:
            for rule in suppression.rules:
                if rule not in rule_ids:
                    text = f"suppression names no rule '{rule}'"
                    notes.append(Note(draft.path, suppression.line, text, "unknown-rule"))
                elif (draft.path, draft.number, rule) not in used:
                    text = f"unused suppression: '{rule}' does not fire on this draft"
                    notes.append(Note(draft.path, suppression.line, text, "unused-suppression"))
    return kept, notes, len(findings) - len(kept)


def _unchecked_lengths(drafts: tuple[Draft, ...], messages: list[Message], rules: list[Any]) -> list[Note]:
    if not any(r.type == "length" for r in rules):
        return []
    missing = [d for d, m in zip(drafts, messages) if m.platform is None]
    if not missing:
        return []
    first = missing[0]
    text = (
        f"length not checked for {len(missing)} draft{'s' if len(missing) != 1 else ''}: "
        "no platform (give --platform, a platform column or front matter)"
    )
    return [Note(first.path, first.line, text, "not-checked")]
