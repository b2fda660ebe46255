"""The registry of rule types: generic checks that rule files configure."""

from relaudit.ruletypes.account import METRIC
from relaudit.ruletypes.base import Context, Hit, Option, RuleType
from relaudit.ruletypes.conversation import CANNED, LABEL, PENDING, SLOW_RESPONSE, UNANSWERED
from relaudit.ruletypes.length import DUPLICATE, LENGTH
from relaudit.ruletypes.logic import ALL, ANY, COMBINATORS, NOT
from relaudit.ruletypes.text import COUNT, PATTERN, PHRASES, RATIO, SENTIMENT

_TYPES = (
    PHRASES,
    PATTERN,
    COUNT,
    RATIO,
    SENTIMENT,
    LABEL,
    UNANSWERED,
    PENDING,
    SLOW_RESPONSE,
    CANNED,
    LENGTH,
    DUPLICATE,
    METRIC,
    ALL,
    ANY,
    NOT,
)
RULE_TYPES: dict[str, RuleType] = {t.name: t for t in _TYPES}

__all__ = ["COMBINATORS", "RULE_TYPES", "Context", "Hit", "Option", "RuleType"]
