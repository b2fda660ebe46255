"""Checking a rule against its own examples: each text is audited alone in the rule's first message scope."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from relaudit.account import Account
from relaudit.analyse import analyse
from relaudit.conversations import build
from relaudit.engine import run_rules
from relaudit.labels import Labeller
from relaudit.model import Message, RawRecord, Source
from relaudit.normalise import normalise
from relaudit.rulepack import Rule

EXAMPLE_ACCOUNT = "brand"
_WHEN = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def example_fires(rule: Rule, text: str, labeller: Labeller) -> bool:
    """True when the rule flags the text, posted as the rule's scope requires (inbound: two days unanswered)."""
    scope = next((s for s in rule.scopes if s in ("own-post", "own-reply", "inbound", "draft")), None)
    if scope is None:
        raise ValueError(f"rule '{rule.id}' has no message scope, so its examples cannot be checked")
    fields: dict[str, object] = {"id": "example", "text": text, "created_at": _WHEN.isoformat()}
    if scope == "inbound":
        fields.update(author="customer", in_reply_to_author=EXAMPLE_ACCOUNT)
        if f"@{EXAMPLE_ACCOUNT}" not in text.lower():
            fields["text"] = f"@{EXAMPLE_ACCOUNT} {text}"
    else:
        fields["author"] = EXAMPLE_ACCOUNT
        if scope == "own-reply":
            fields.update(in_reply_to="elsewhere", in_reply_to_author="customer")
    message = normalise(RawRecord(fields, Source("example", 1)))
    assert isinstance(message, Message)
    account = Account(frozenset({EXAMPLE_ACCOUNT}), "option", "example")
    conv = build([message], account, _WHEN + timedelta(days=2), timedelta(hours=24))
    labels = {message.id: labeller.label(message, conv.roles[message.id])}
    analysis = analyse(conv, labels, 0)
    return any(f.rule == rule.id for f in run_rules([rule], conv, analysis, labeller, labels))
