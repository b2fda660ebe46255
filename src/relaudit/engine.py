"""Running rules over messages and the account; the engine stamps level, pillar and message onto findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from relaudit.analyse import Analysis
from relaudit.conversations import Conversations, Role
from relaudit.labels import Labeller, Labels
from relaudit.model import Message, builder, fields_getter
from relaudit.parallel import map_slices, shared
from relaudit.patterns import PatternTimeout
from relaudit.rulepack import Rule
from relaudit.ruletypes import RULE_TYPES, Context, Hit

SCOPE_OF_ROLE = {Role.ORIGINAL: "own-post", Role.REPLY: "own-reply", Role.INBOUND: "inbound"}
LEVEL_RANK = {"suggestion": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's verdict on one message (or on the account, when message_id is None)."""

    rule: str
    level: str
    pillar: str
    message: str
    severity: float
    message_id: str | None = None
    created_at: datetime | None = None
    excerpt: str = ""
    source: str = ""

    def packed(self) -> tuple[Any, ...]:
        """The fields in order, as plain values (what a worker process sends back): Finding(*packed) is equal."""
        return _FINDING_FIELDS(self)


_FINDING_FIELDS = fields_getter(Finding)
# Finding(...) without the frozen dataclass's __init__ (model.builder): a large audit makes hundreds of thousands.
build_finding: Callable[..., Finding] = builder(Finding)
_context: Callable[..., Context] = builder(Context)  # one for every message checked


def run_rules(
    rules: list[Rule],
    conv: Conversations,
    analysis: Analysis,
    labeller: Labeller,
    labels: dict[str, Labels],
    warnings: list[str] | None = None,
    workers: int = 1,
) -> list[Finding]:
    """Every finding, in message time order, account findings first; rules that gave up are added to warnings.

    With several workers the messages are split into that many slices checked in parallel (same findings).
    """
    gave_up = warnings if warnings is not None else []
    findings = account_findings(rules, conv, analysis, labeller)
    state = {"by_scope": by_scope(rules), "conv": conv, "analysis": analysis, "labeller": labeller, "labels": labels}
    for found, notes in map_slices(
        _message_rules, len(conv.messages), workers, each=_unpack, packed=workers > 1, **state
    ):
        findings.extend(found)
        gave_up.extend(notes)
    return findings


def _unpack(part: list[tuple[list[Any], list[str]]]) -> list[tuple[list[Finding], list[str]]]:
    """A slice's findings as objects: workers send tuples, which pickle several times faster than the dataclass."""
    return [([f if isinstance(f, Finding) else build_finding(*f) for f in found], notes) for found, notes in part]


def account_findings(rules: list[Rule], conv: Conversations, analysis: Analysis, labeller: Labeller) -> list[Finding]:
    """The findings of the account-scope rules."""
    findings = []
    account_ctx = Context(conv, analysis, labeller)
    for rule in rules:
        if "account" in rule.scopes:
            hit = RULE_TYPES[rule.type].check(rule.options, account_ctx)
            if hit is not None:
                findings.append(_finding(rule, hit))
    return findings


def by_scope(rules: list[Rule]) -> dict[str, list[Rule]]:
    """The rules of each message scope."""
    return {scope: [r for r in rules if scope in r.scopes] for scope in SCOPE_OF_ROLE.values()}


# Rule types that read the metrics, which exist only once every message is labelled.
_READS_METRICS = frozenset({"metric"})


# Rule types that read every message of the export (a message's text against every earlier one's).
_READS_EVERY_MESSAGE = frozenset({"duplicate"})


def checkable_before_metrics(rules: list[Rule]) -> bool:
    """Whether the message rules can run as soon as their message is labelled (none of them reads a metric)."""
    return not _message_rules_use(rules, _READS_METRICS)


def reads_every_message(rules: list[Rule]) -> bool:
    """Whether a message rule reads other messages than its own, so needs every message in its process."""
    return _message_rules_use(rules, _READS_EVERY_MESSAGE)


def _message_rules_use(rules: list[Rule], kinds: frozenset[str]) -> bool:
    """Whether a message-scope rule is of one of these types, or holds a condition that is."""

    def uses(kind: str, options: dict[str, Any]) -> bool:
        nested = [*options.get("conditions", ()), *([options["condition"]] if "condition" in options else [])]
        return kind in kinds or any(uses(c["type"], c["options"]) for c in nested)

    return any(uses(r.type, r.options) for r in rules if any(s in SCOPE_OF_ROLE.values() for s in r.scopes))


def check_slice(
    rules_of_scope: dict[str, list[Rule]],
    conv: Conversations,
    analysis: Analysis,
    labeller: Labeller,
    labels: Mapping[str, Labels],
    start: int,
    end: int,
    dropped: set[str] | None = None,
    where: list[str] | None = None,
) -> tuple[list[Finding], list[str]]:
    """The message-scope findings of conv.messages[start:end], and the notes of rules that gave up.

    A rule that gives up on a message is not run on the rest of the slice (nor, with `dropped`, on the slices that
    share that set). Slices depend only on the message count and the number of workers, so the report does not
    depend on which worker took which slice. `where`, when given, gets the id of each note's message.
    """
    findings: list[Finding] = []
    gave_up: list[str] = []
    dropped = set() if dropped is None else dropped
    # each role's rules with their checks looked up once, not once a message
    plans = {role: _plan(rules_of_scope[scope]) for role, scope in SCOPE_OF_ROLE.items() if rules_of_scope.get(scope)}
    roles = conv.roles
    for message in conv.messages[start:end]:
        role = roles[message.id]
        plan = plans.get(role)
        if plan is None:
            continue
        ctx = _context(conv, analysis, labeller, message, role, labels[message.id])
        before = len(gave_up)
        _check(plan, ctx, message, findings, gave_up, dropped)
        if where is not None:
            where.extend([message.id] * (len(gave_up) - before))
    return findings, gave_up


def _message_rules(start: int, end: int) -> list[tuple[list[Any], list[str]]]:
    """The message-scope findings of messages[start:end], and the notes of rules that gave up (one slice's work)."""
    findings, gave_up = check_slice(
        shared("by_scope"), shared("conv"), shared("analysis"), shared("labeller"), shared("labels"), start, end
    )
    return [([f.packed() for f in findings] if shared("packed") else findings, gave_up)]


def check_message(
    rules: Iterable[Rule], ctx: Context, message: Message, gave_up: list[str], dropped: set[str] | None = None
) -> list[Finding]:
    """The findings of message-scope rules on one message.

    A rule whose pattern runs out of time is noted in gave_up and, when `dropped` is given, added to it and not run
    again: a pattern that backtracks catastrophically on one message would likely cost its time bound on every one.
    """
    found: list[Finding] = []
    _check(_plan(rules), ctx, message, found, gave_up, dropped)
    return found


_Plan = list[tuple[Rule, Callable[[dict[str, Any], Context], Hit | None], dict[str, Any]]]


def _plan(rules: Iterable[Rule]) -> _Plan:
    """Each rule with its type's check and its options."""
    return [(rule, RULE_TYPES[rule.type].check, rule.options) for rule in rules]


def _check(
    plan: _Plan, ctx: Context, message: Message, found: list[Finding], gave_up: list[str], dropped: set[str] | None
) -> None:
    """check_message's work, its findings added to `found`."""
    for rule, check, options in plan:
        if dropped and rule.id in dropped:
            continue
        try:
            hit = check(options, ctx)
        except PatternTimeout as error:
            rest = "; it is not run on the messages after it" if dropped is not None else ""
            gave_up.append(f"{message.source}: rule '{rule.id}' gave up on message {message.id}: {error}{rest}")
            if dropped is not None:
                dropped.add(rule.id)
            continue
        if hit is not None:
            found.append(_finding(rule, hit, message))


def _finding(rule: Rule, hit: Hit, message: Message | None = None) -> Finding:
    text = rule.message.format(**hit.values)
    if message is None:
        return build_finding(rule.id, rule.level, rule.pillar, text, hit.severity)
    return build_finding(
        rule.id,
        rule.level,
        rule.pillar,
        text,
        hit.severity,
        message_id=message.id,
        created_at=message.created_at,
        excerpt=excerpt(message.text),
        source=str(message.source),
    )


def excerpt(text: str, limit: int = 100) -> str:
    """The start of a text on one line, cut at a word with an ellipsis when long."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"
