"""The default rule pack: it loads, every message rule has examples, and each example does what it says."""

from __future__ import annotations

import pytest

from relaudit.examples import EXAMPLE_ACCOUNT, example_fires
from relaudit.labels import Labeller
from relaudit.pipeline import load_rules
from relaudit.resources import rules_dir

RULES = load_rules()
MESSAGE_RULES = [r for r in RULES if "account" not in r.scopes]
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


@pytest.mark.parametrize("rule", [r for r in MESSAGE_RULES if r.examples["flag"]], ids=lambda r: r.id)
def test_flag_examples_fire(rule):
    for text in rule.examples["flag"]:
        assert example_fires(rule, text, LABELLER), text


@pytest.mark.parametrize("rule", [r for r in MESSAGE_RULES if r.examples["pass"]], ids=lambda r: r.id)
def test_pass_examples_do_not_fire(rule):
    for text in rule.examples["pass"]:
        assert not example_fires(rule, text, LABELLER), text


# Types judged over several messages, whose examples a lone text cannot show.
MULTI_MESSAGE_TYPES = {"slow-response", "canned"}


@pytest.mark.parametrize("rule", MESSAGE_RULES, ids=lambda r: r.id)
def test_every_single_message_rule_has_examples(rule):
    if rule.type in MULTI_MESSAGE_TYPES:
        pytest.skip("judged over several messages")
    assert len(rule.examples["flag"]) >= 3 and len(rule.examples["pass"]) >= 3, f"{rule.id} needs 3 + 3 examples"
