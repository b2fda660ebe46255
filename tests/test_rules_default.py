"""The default rule pack: it loads, every rule has examples, and each example does what it says."""

from __future__ import annotations

import pytest

from relaudit.examples import EXAMPLE_ACCOUNT, example_fires
from relaudit.labels import Labeller
from relaudit.pipeline import load_rules
from relaudit.resources import rules_dir
from relaudit.rulepack import MessagesExample

RULES = load_rules()
LABELLER = Labeller(rules_dir() / "lexicons", frozenset({EXAMPLE_ACCOUNT}))


def test_pack_covers_the_domain_table():
    ids = {r.id for r in RULES}
    assert {
        "broadcast-only",
        "unanswered-complaint",
        "self-centred-pitch",
        "hard-sell",
        "promo-heavy",
        "bragging",
        "unanswered-question",
        "slow-response",
        "canned-replies",
        "empty-apology",
        "hostile-tone",
        "exposes-personal-data",
        "unanswered-praise",
        "link-only",
    } <= ids


@pytest.mark.parametrize("rule", [r for r in RULES if r.examples["flag"]], ids=lambda r: r.id)
def test_flag_examples_fire(rule):
    for example in rule.examples["flag"]:
        assert example_fires(rule, example, LABELLER), example


@pytest.mark.parametrize("rule", [r for r in RULES if r.examples["pass"]], ids=lambda r: r.id)
def test_pass_examples_do_not_fire(rule):
    for example in rule.examples["pass"]:
        assert not example_fires(rule, example, LABELLER), example


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_examples(rule):
    assert len(rule.examples["flag"]) >= 3 and len(rule.examples["pass"]) >= 3, f"{rule.id} needs 3 + 3 examples"


# Rules judged over several messages (the account, or a reply against what it answers) need messages examples.
MULTI_MESSAGE_RULES = {"broadcast-only", "never-asks", "promo-heavy", "slow-response", "canned-replies"}


@pytest.mark.parametrize("rule_id", sorted(MULTI_MESSAGE_RULES))
def test_multi_message_rules_have_messages_examples(rule_id):
    (rule,) = [r for r in RULES if r.id == rule_id]
    for kind in ("flag", "pass"):
        assert all(isinstance(e, MessagesExample) for e in rule.examples[kind]), f"{rule_id} {kind}"


def test_all_tries_cheap_conditions_first_but_never_reorders_a_pattern():
    from relaudit.ruletypes.logic import _order

    def condition(kind, **nested):
        return {"type": kind, "options": nested}

    sentiment, phrases, pattern = condition("sentiment"), condition("phrases"), condition("pattern")
    assert _order([sentiment, condition("not", condition=phrases)]) == [1, 0]  # hostile-tone: phrases first
    assert _order([sentiment, phrases, condition("count")]) == [1, 2, 0]
    assert _order([sentiment, pattern]) == [0, 1]  # a user's pattern may give up: it runs exactly when it did
    assert _order([sentiment, phrases, condition("all", conditions=[pattern])]) == [0, 1, 2]
