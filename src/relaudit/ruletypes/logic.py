"""Rule types that combine other checks: all, any, not (their nested conditions are validated like rules)."""

from __future__ import annotations

from typing import Any

from relaudit.ruletypes.base import Context, Hit, Option, RuleType


def _run(condition: dict[str, Any], ctx: Context) -> Hit | None:
    from relaudit.ruletypes import RULE_TYPES  # the registry imports this module

    return RULE_TYPES[condition["type"]].check(condition["options"], ctx)


# Conditions that cost far more than a phrase or pattern search (sentiment runs TextBlob's tokenizer and lexicon).
_COSTLY = frozenset({"sentiment"})


def _costly(condition: dict[str, Any]) -> bool:
    if condition["type"] in _COSTLY:
        return True
    options = condition["options"]
    return any(_costly(c) for c in options.get("conditions", ())) or (
        "condition" in options and _costly(options["condition"])
    )


def _all(options: dict[str, Any], ctx: Context) -> Hit | None:
    conditions = options["conditions"]
    # Every condition must hit, so the cheap ones are tried first: a miss there spares the costly ones. The hits are
    # then merged in the order the rule lists them, so the finding is the same as in that order.
    order = sorted(range(len(conditions)), key=lambda i: _costly(conditions[i]))
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
