"""What a rule type sees and returns: the evaluation context, a hit, and option specs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from relaudit.analyse import Analysis
from relaudit.conversations import Conversations, Role
from relaudit.labels import Labeller, Labels
from relaudit.model import Message


@dataclass(frozen=True, slots=True)
class Context:
    """One message (or the whole account, message None) and everything known about it."""

    conv: Conversations
    analysis: Analysis
    labeller: Labeller
    message: Message | None = None
    role: Role | None = None
    labels: Labels | None = None


@dataclass(frozen=True)
class Hit:
    """A rule matched: values for the message's placeholders, and how bad this instance is (for ordering)."""

    values: dict[str, Any] = field(default_factory=dict)
    severity: float = 0.0


class OptionError(ValueError):
    """A rule type's prepare step rejects the value of one of its keys."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key


@dataclass(frozen=True)
class Option:
    """One key a rule type takes."""

    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleType:
    """A generic check: its options, the placeholders it fills, and the check itself."""

    name: str
    options: dict[str, Option]
    placeholders: frozenset[str]
    check: Callable[[dict[str, Any], Context], Hit | None]
    doc: str
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
