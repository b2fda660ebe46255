"""Rule types that combine other checks: all, any, not (their nested conditions are validated like rules)."""

from __future__ import annotations

from functools import cache
from typing import Any

from relaudit.ruletypes.base import Context, Hit, Option, RuleType


@cache
def _registry() -> dict[str, RuleType]:
    """The registry of rule types, imported when first needed: it imports this module."""
    from relaudit.ruletypes import RULE_TYPES

    return RULE_TYPES


def _run(condition: dict[str, Any], ctx: Context) -> Hit | None:
    # (an import statement here would run on every nested check: ~1 µs each, several a message)
    return _registry()[condition["type"]].check(condition["options"], ctx)


# Checks that are cheap and cannot give up (only a pattern can: a user's has a time bound).
_CHEAP = frozenset({"phrases", "count", "ratio", "label"})


def _kinds(condition: dict[str, Any]) -> set[str]:
    """The rule types in a condition, nested ones included."""
    options = condition["options"]
    nested = [*options.get("conditions", ()), *([options["condition"]] if "condition" in options else [])]
    return {condition["type"]}.union(*(_kinds(c) for c in nested))


def _order(conditions: list[dict[str, Any]]) -> list[int]:
    """Cheap conditions first, unless a pattern is among them: one that gives up must run exactly when it did."""
    kinds = [_kinds(c) - {"all", "any", "not"} for c in conditions]
    if any("pattern" in k for k in kinds):
        return list(range(len(conditions)))
    return sorted(range(len(conditions)), key=lambda i: not kinds[i] <= _CHEAP)


def _all(options: dict[str, Any], ctx: Context) -> Hit | None:
    conditions = options["conditions"]
    # Every condition must hit, so the cheap ones are tried first: a miss there spares the others (sentiment runs
    # TextBlob's tokenizer). The hits are merged in the rule's order, so the finding is the same.
    order = options.get("_order")
    if order is None:  # worked out once per rule (options are the rule's own, kept for the run)
        order = options["_order"] = _order(conditions)
    hits: dict[int, Hit] = {}
    for index in order:
        hit = _run(conditions[index], ctx)
        if hit is None:
            return None
        hits[index] = hit
    values: dict[str, Any] = {}
    severity = 0.0
    for index in range(len(conditions)):
        values.update(hits[index].values)
        severity += hits[index].severity
    return Hit(values, severity)


def _any(options: dict[str, Any], ctx: Context) -> Hit | None:
    for condition in options["conditions"]:
        hit = _run(condition, ctx)
        if hit is not None:
            return hit
    return None


def _not(options: dict[str, Any], ctx: Context) -> Hit | None:
    return Hit() if _run(options["condition"], ctx) is None else None


ALL = RuleType(
    name="all",
    options={"conditions": Option(list, required=True, help="checks that must all match (each with its own type)")},
    placeholders=frozenset(),  # the union of the nested conditions' placeholders, worked out at validation
    check=_all,
    doc="""Flags a message when every nested condition matches.

    type: all
    conditions:
      - {type: phrases, phrases: [sorry for any inconvenience]}
      - {type: not, condition: {type: phrases, phrases: [refund, replacement]}}
    """,
)

ANY = RuleType(
    name="any",
    options={"conditions": Option(list, required=True, help="checks of which one must match")},
    placeholders=frozenset(),
    check=_any,
    doc="""Flags a message when at least one nested condition matches.

    type: any
    conditions:
      - {type: count, what: hashtags, min: 5}
      - {type: count, what: mentions, min: 5}
    """,
)

NOT = RuleType(
    name="not",
    options={"condition": Option(dict, required=True, help="a check that must not match")},
    placeholders=frozenset(),
    check=_not,
    doc="""Flags a message when the nested condition does not match (useful inside all).

    type: not
    condition: {type: phrases, phrases: [you, your]}
    """,
)

COMBINATORS = {"all", "any", "not"}
