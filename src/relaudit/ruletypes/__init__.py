"""The registry of rule types: generic checks that rule files configure."""

from relaudit.ruletypes.account import METRIC
from relaudit.ruletypes.base import Context, Hit, Option, RuleType
from relaudit.ruletypes.conversation import CANNED, LABEL, SLOW_RESPONSE, UNANSWERED
from relaudit.ruletypes.text import COUNT, PATTERN, PHRASES, RATIO, SENTIMENT

RULE_TYPES: dict[str, RuleType] = {
    t.name: t for t in (PHRASES, PATTERN, COUNT, RATIO, SENTIMENT, LABEL, UNANSWERED, SLOW_RESPONSE, CANNED, METRIC)
}

__all__ = ["RULE_TYPES", "Context", "Hit", "Option", "RuleType"]
