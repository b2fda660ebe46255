"""Checking a rule against its own examples: a text alone in the rule's first message scope, or several messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from relaudit.account import Account
from relaudit.analyse import Analysis, analyse
from relaudit.conversations import Role, build
from relaudit.engine import Finding, check_message, run_rules
from relaudit.labels import Labeller
from relaudit.model import Message, RawRecord, Source
from relaudit.normalise import normalise
from relaudit.rulepack import MESSAGE_SCOPES, Example, MessagesExample, Rule, duration
from relaudit.ruletypes import Context

EXAMPLE_ACCOUNT = "brand"
DEFAULT_GAP = "10m"  # between the messages of an example, unless `after` says otherwise
DEFAULT_AUDIT_AFTER = "2d"  # past the 24 h pending window, so an unanswered inbound message is due
DRAFT_PLATFORM = "x"  # drafts in examples are X posts: the strictest common length limit
_WHEN = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
_ACCOUNT = Account(frozenset({EXAMPLE_ACCOUNT}), "option", "example")
_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Outcome:
    """What a rule made of one example: whether it fired, its findings, and the metric it judged (if any)."""

    fired: bool
    findings: tuple[str, ...] = ()
    measured: str = ""


def example_fires(rule: Rule, example: Example, labeller: Labeller) -> bool:
    """True when the rule flags the example."""
    return check_example(rule, example, labeller).fired


def check_example(rule: Rule, example: Example, labeller: Labeller) -> Outcome:
    """Audit the example with this one rule: a text as one message, a messages example as a small export."""
    drafts = _drafts_only(rule)
    if isinstance(example, MessagesExample):
        messages, as_of = _messages(example, drafts)
    else:
        messages, as_of = [_single(rule, example)], _WHEN + timedelta(days=2)
    conv = build(messages, _ACCOUNT, as_of, _WINDOW)
    if drafts:  # as `relaudit check` runs them: every draft is an own post in the making
        labels = {m.id: labeller.label(m, Role.ORIGINAL) for m in conv.messages}
        analysis = analyse(conv, labels, 0)
        contexts = [Context(conv, analysis, labeller, m, Role.ORIGINAL, labels[m.id]) for m in conv.messages]
        findings = [f for ctx, m in zip(contexts, conv.messages) for f in check_message([rule], ctx, m, [])]
    else:
        labels = {m.id: labeller.label(m, conv.roles[m.id]) for m in conv.messages}
        analysis = analyse(conv, labels, 0)
        findings = [f for f in run_rules([rule], conv, analysis, labeller, labels) if f.rule == rule.id]
    entry_of = {m.id: m.source.line for m in messages}
    return Outcome(bool(findings), tuple(_shown(f, entry_of) for f in findings), _measured(rule, analysis))


def _drafts_only(rule: Rule) -> bool:
    """A rule that only `relaudit check` runs (the audit's engine has no draft messages)."""
    return "draft" in rule.scopes and not {"own-post", "own-reply", "inbound", "account"} & set(rule.scopes)


def _single(rule: Rule, text: str) -> Message:
    """The text posted as the rule's first message scope requires (inbound: addressed to the account)."""
    scope = next((s for s in rule.scopes if s in MESSAGE_SCOPES), None)
    if scope is None:
        raise ValueError(f"rule '{rule.id}' has no message scope, so a lone text cannot be one of its examples")
    fields: dict[str, object] = {"id": "example", "text": text, "created_at": _WHEN.isoformat()}
    if scope == "inbound":
        fields.update(author="customer", in_reply_to_author=EXAMPLE_ACCOUNT)
        if f"@{EXAMPLE_ACCOUNT}" not in text.lower():
            fields["text"] = f"@{EXAMPLE_ACCOUNT} {text}"
    else:
        fields["author"] = EXAMPLE_ACCOUNT
        if scope == "draft":
            fields["platform"] = DRAFT_PLATFORM
        if scope == "own-reply":
            fields.update(in_reply_to="elsewhere", in_reply_to_author="customer")
    return _message(fields, 1)


def _messages(example: MessagesExample, drafts: bool) -> tuple[list[Message], datetime]:
    """The example's entries as messages m1, m2, ... (repeats expanded), each `after` the one before."""
    messages: list[Message] = []
    last_id: dict[int, str] = {}  # entry number -> id of its (only) message, for reply_to
    authors: dict[int, str] = {}
    when = _WHEN
    for number, entry in enumerate(example.messages, 1):
        for _ in range(entry.repeat):
            when += duration(entry.after or DEFAULT_GAP)
            message_id = f"m{len(messages) + 1}"
            fields: dict[str, object] = {
                "id": message_id,
                "author": entry.by,
                "text": entry.text,
                "created_at": when.isoformat(),
            }
            if drafts:
                fields["platform"] = DRAFT_PLATFORM
            if entry.reply_to is not None:
                fields.update(in_reply_to=last_id[entry.reply_to], in_reply_to_author=authors[entry.reply_to])
            messages.append(_message(fields, number))
            last_id[number], authors[number] = message_id, entry.by
    return messages, when + duration(example.audit_after or DEFAULT_AUDIT_AFTER)


def _message(fields: dict[str, object], number: int) -> Message:
    message = normalise(RawRecord(fields, Source("example", number)))
    assert isinstance(message, Message), message  # the fields above are always complete
    return message


def _shown(finding: Finding, entry_of: dict[str, int]) -> str:
    if finding.message_id is None:
        return finding.message
    return f"message {entry_of[finding.message_id]}: {finding.message}"


def _measured(rule: Rule, analysis: Analysis) -> str:
    """For a metric rule, the value it judged and the count that gates it: what a failing example needs to show."""
    if rule.type != "metric":
        return ""
    name = rule.options["metric"]
    value = analysis.metrics.get(name)
    shown = "not measured" if value is None else f"{value:g}"
    count = rule.options.get("count", "messages")
    return f"{name} = {shown}, {count} = {analysis.counts.get(count, 0)}"


def describe(example: Example) -> list[str]:
    """The example as lines a person reads: one line for a text, a numbered line per entry for messages."""
    if not isinstance(example, MessagesExample):
        return [repr(example)]
    lines = []
    for number, entry in enumerate(example.messages, 1):
        who = entry.by + (f" ×{entry.repeat}" if entry.repeat > 1 else "")
        when = f", {entry.after} later" if entry.after else ""
        reply = f", reply to {entry.reply_to}" if entry.reply_to is not None else ""
        lines.append(f"{number}. {who}{when}{reply}: {entry.text!r}")
    if example.audit_after:
        lines.append(f"(audited {example.audit_after} after the last message)")
    return lines
