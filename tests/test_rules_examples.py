"""Multi-message examples (a conversation, or an account's posts) and the pending rule type."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from relaudit.errors import RulePackError
from relaudit.examples import EXAMPLE_ACCOUNT, check_example, describe
from relaudit.labels import Labeller
from relaudit.resources import rules_dir
from relaudit.rulepack import ExampleMessage, MessagesExample, load_packs

LABELLER = Labeller(rules_dir() / "lexicons", frozenset({EXAMPLE_ACCOUNT}))

# Line numbers in the expectations below count from `rules:` as line 1.
SLOW = """\
rules:
  - id: slow-answer
    title: Slow answer
    pillar: responsiveness
    level: warning
    scope: inbound
    type: slow-response
    after_minutes: 60
    message: "Answered after {delay}"
    why: Because.
    fix: Answer sooner.
    examples:
      flag:
        - note: two hours
          messages:
            - {by: ann, text: "@brand where is my parcel?"}
            - {by: brand, text: "@ann On its way.", reply_to: 1, after: 2h}
      pass:
        - messages:
            - {by: ann, text: "@brand where is my parcel?"}
            - {by: brand, text: "@ann On its way.", reply_to: 1, after: 30m}
"""

QUIET = """\
rules:
  - id: quiet-feed
    title: Quiet feed
    pillar: conversation
    level: warning
    scope: account
    type: metric
    metric: reply_share
    below: 0.2
    count: own_originals
    min_count: 4
    message: "Only {value} replies"
    why: Because.
    fix: Reply more.
    examples:
      flag:
        - messages:
            - {by: brand, text: "Morning post", repeat: 5}
      pass:
        - note: 4 posts and 1 reply
          messages:
            - {by: brand, text: "Morning post", repeat: 4}
            - {by: ann, text: "@brand hello"}
            - {by: brand, text: "@ann hi Ann!", reply_to: 2}
"""

WAITING = """\
rules:
  - id: complaint-waiting
    title: Complaint waiting
    pillar: responsiveness
    level: suggestion
    scope: inbound
    type: pending
    label: complaint
    message: "Complaint waiting for {age}, {left} left to answer (cues: {cues})"
    why: The clock is running.
    fix: Answer it now.
    examples:
      flag:
        - audit_after: 2h
          messages:
            - {by: ann, text: "@brand my order never arrived and I want a refund"}
      pass:
        - note: past the 24 h window it is unanswered, no longer pending
          messages:
            - {by: ann, text: "@brand my order never arrived and I want a refund"}
        - audit_after: 2h
          messages:
            - {by: ann, text: "@brand my order never arrived and I want a refund"}
            - {by: brand, text: "@ann So sorry, a new one ships today.", reply_to: 1, after: 20m}
        - audit_after: 2h
          messages:
            - {by: joe, text: "@brand do you open on Sundays?"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_messages_example_is_read_into_entries(tmp_path):
    (rule,) = load_packs([write(tmp_path, SLOW)])
    flag = rule.examples["flag"][0]
    assert flag == MessagesExample(
        (ExampleMessage("ann", "@brand where is my parcel?"), ExampleMessage("brand", "@ann On its way.", 1, "2h")),
        "",
        "two hours",
    )
    assert describe(flag) == [
        "1. ann: '@brand where is my parcel?'",
        "2. brand, 2h later, reply to 1: '@ann On its way.'",
    ]


def test_conversation_examples_judge_the_whole_thread(tmp_path):
    (rule,) = load_packs([write(tmp_path, SLOW)])
    flagged = check_example(rule, rule.examples["flag"][0], LABELLER)
    assert flagged.fired and flagged.findings == ("message 1: Answered after 2.0 h",)
    assert not check_example(rule, rule.examples["pass"][0], LABELLER).fired


def test_repeat_builds_many_posts_and_metric_examples_report_the_value(tmp_path):
    (rule,) = load_packs([write(tmp_path, QUIET)])
    flagged = check_example(rule, rule.examples["flag"][0], LABELLER)
    assert flagged.fired and flagged.findings == ("Only 0% replies",)
    assert flagged.measured == "reply_share = 0, own_originals = 5"
    passed = check_example(rule, rule.examples["pass"][0], LABELLER)
    assert not passed.fired and passed.measured == "reply_share = 0.2, own_originals = 4"  # 1 / (4 + 1)


def test_pending_rule_fires_only_inside_the_window(tmp_path):
    (rule,) = load_packs([write(tmp_path, WAITING)])
    (flag,) = rule.examples["flag"]
    outcome = check_example(rule, flag, LABELLER)
    assert outcome.fired
    # 2 h old at the audit's end; 24 h window, so 22 h left.
    assert outcome.findings[0].startswith("message 1: Complaint waiting for 2.0 h, 22.0 h left to answer (cues: ")
    for example in rule.examples["pass"]:  # too old, answered, and not a complaint
        assert not check_example(rule, example, LABELLER).fired, example


def test_pending_combines_with_all_and_not(tmp_path):
    text = WAITING.replace(
        "    type: pending\n    label: complaint\n",
        "    type: all\n    conditions:\n      - {type: pending}\n"
        "      - {type: not, condition: {type: label, label: question}}\n",
    ).replace(" (cues: {cues})", "")
    (rule,) = load_packs([write(tmp_path, text)])
    assert rule.options["conditions"][0] == {"type": "pending", "options": {"label": None}}
    flag, too_old, answered, question = rule.examples["flag"][0], *rule.examples["pass"]
    assert check_example(rule, flag, LABELLER).fired
    assert not check_example(rule, too_old, LABELLER).fired
    assert not check_example(rule, answered, LABELLER).fired
    assert not check_example(rule, question, LABELLER).fired  # pending, but `not question` clears it


def test_pending_placeholders_are_checked(tmp_path):
    with pytest.raises(RulePackError, match=r"pack.yaml:9: rule 'complaint-waiting': message: unknown placeholder"):
        load_packs([write(tmp_path, WAITING.replace("{left}", "{delay}"))])


def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    """`relaudit rules ARGS` in this process (a subprocess costs seconds): exit code, stdout, stderr."""
    from relaudit.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["relaudit", "rules", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_a_wrong_conversation_example_fails_with_a_diff(tmp_path, monkeypatch, capsys):
    wrong = SLOW.replace("after: 30m}", "after: 3h}")  # the "pass" answer now comes late
    write(tmp_path, wrong)
    code, out, _ = run_cli(tmp_path, monkeypatch, capsys, "test", "pack.yaml")
    assert code == 1
    assert out == (
        "FAIL slow-answer (pack.yaml:2), pass example 1:\n"
        "    1. ann: '@brand where is my parcel?'\n"
        "    2. brand, 3h later, reply to 1: '@ann On its way.'\n"
        "  - expected: not flagged\n"
        "  + got:      flagged\n"
        "      message 1: Answered after 3.0 h\n"
        "1 passed, 1 failed\n"
    )


def test_a_wrong_metric_example_shows_what_was_measured(tmp_path, monkeypatch, capsys):
    write(tmp_path, QUIET.replace("repeat: 5}", "repeat: 3}"))  # 3 posts: under min_count, so nothing to flag
    code, out, _ = run_cli(tmp_path, monkeypatch, capsys, "test", "pack.yaml")
    assert code == 1
    assert out == (
        "FAIL quiet-feed (pack.yaml:2), flag example 1:\n"
        "    1. brand ×3: 'Morning post'\n"
        "  - expected: flagged\n"
        "  + got:      not flagged\n"
        "    measured: reply_share = 0, own_originals = 3\n"
        "1 passed, 1 failed\n"
    )


def test_rules_show_prints_messages_examples_numbered(tmp_path, monkeypatch, capsys):
    write(tmp_path, QUIET)
    code, out, _ = run_cli(tmp_path, monkeypatch, capsys, "show", "quiet-feed", "--rules", "pack.yaml")
    assert code == 0
    assert out.endswith(
        "  flag 1:\n"
        "      1. brand ×5: 'Morning post'\n"
        "  pass 1: 4 posts and 1 reply\n"
        "      1. brand ×4: 'Morning post'\n"
        "      2. ann: '@brand hello'\n"
        "      3. brand, reply to 2: '@ann hi Ann!'\n"
    )


# Each mistake: (text to replace in SLOW, its replacement, the located message). SLOW's flag example starts on line
# 14 (`- note:`), its messages on lines 16 and 17; the pass example starts on line 19, its messages on 20 and 21.
# A message that is not a mapping has no line of its own: the error names its example's `messages` key.
FLAG_MESSAGES = (
    '            - {by: ann, text: "@brand where is my parcel?"}\n'
    '            - {by: brand, text: "@ann On its way.", reply_to: 1, after: 2h}\n'
)
PASS_REPLY = '{by: brand, text: "@ann On its way.", reply_to: 1, after: 30m}'
MALFORMED = [
    (FLAG_MESSAGES, '            - {by: ann, txt: "hi"}\n', 16, "flag 1: message 1: txt: unknown key"),
    ("- note: two hours", "- notes: two hours", 14, "flag 1: notes: unknown key"),
    (
        "reply_to: 1, after: 2h",
        "reply_to: 2, after: 2h",
        17,
        "flag 1: message 2: reply_to: 2 is not an earlier message",
    ),
    ("after: 2h", "after: soon", 17, "flag 1: message 2: after: 'soon' is not a duration like 30m, 4h or 2d"),
    (PASS_REPLY, '{text: "@ann On its way."}', 21, "pass 1: message 2: by: missing"),
    ("{by: ann, text:", "{by: two words, text:", 16, "flag 1: message 1: by: 'two words' is not a handle"),
    ("{by: ann, text:", "{repeat: 0, by: ann, text:", 16, "flag 1: message 1: repeat: expected a whole number from 1"),
    ("{by: ann, text:", "{repeat: 2, by: ann, text:", 17, "flag 1: message 2: reply_to: message 1 is repeated"),
    ("pass:\n", "pass:\n        - 42\n", 18, "pass 1: expected a text or a mapping with 'messages', found int"),
    ("- note: two hours\n", "- note: two hours\n          audit_after: 5\n", 15, "flag 1: audit_after: 5 is not a"),
    ("messages:\n" + FLAG_MESSAGES, "messages: []\n", 15, "flag 1: messages: expected a list of messages"),
    (PASS_REPLY, "just text", 19, "pass 1: message 2: expected a mapping such as {by: customer, text: ...}"),
]


@pytest.mark.parametrize(("old", "new", "line", "problem"), MALFORMED, ids=[str(i) for i in range(len(MALFORMED))])
def test_malformed_examples_are_located(tmp_path, old, new, line, problem):
    assert old in SLOW
    with pytest.raises(RulePackError) as error:
        load_packs([write(tmp_path, SLOW.replace(old, new, 1))])
    assert str(error.value).startswith(f"{tmp_path / 'pack.yaml'}:{line}: rule 'slow-answer': examples: {problem}")


def test_a_lone_text_cannot_be_an_account_rules_example(tmp_path):
    text = QUIET.replace("      flag:\n", '      flag:\n        - "Morning post"\n', 1)
    with pytest.raises(RulePackError) as error:
        load_packs([write(tmp_path, text)])
    assert ":16: rule 'quiet-feed': examples: flag 1: an account-level rule judges many messages" in str(error.value)


def test_malformed_example_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    write(tmp_path, SLOW.replace("after: 2h", "after: soon"))
    code, _, err = run_cli(tmp_path, monkeypatch, capsys, "validate", "pack.yaml")
    assert code == 2 and "Traceback" not in err
    assert err == (
        "relaudit: error: pack.yaml:17: rule 'slow-answer': examples: flag 1: message 2: "
        "after: 'soon' is not a duration like 30m, 4h or 2d\n"
    )


def test_readme_pending_rule_works_as_documented(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n  - id: complaint-waiting\n", 1)[1].split("```", 1)[0]
    (rule,) = load_packs([write(tmp_path, "rules:\n  - id: complaint-waiting\n" + block)])
    (flag,), (passing,) = rule.examples["flag"], rule.examples["pass"]
    assert (
        check_example(rule, flag, LABELLER)
        .findings[0]
        .startswith("message 1: Complaint waiting for 2.0 h; 22.0 h left before it counts as unanswered")
    )
    assert not check_example(rule, passing, LABELLER).fired


def test_pending_age_is_never_negative(tmp_path):
    from datetime import timedelta

    from relaudit.account import Account
    from relaudit.analyse import analyse
    from relaudit.conversations import build
    from relaudit.engine import run_rules
    from tests.conftest import T0, msg

    (rule,) = load_packs([write(tmp_path, WAITING)])
    early = msg("1", "ann", 0, "@brand my order never arrived and I want a refund")
    late = msg("2", "joe", 90, "@brand my parcel never arrived, I want a refund")  # posted after --as-of
    conv = build(
        [early, late], Account(frozenset({"brand"}), "option", "test"), T0 + timedelta(minutes=30), timedelta(hours=24)
    )
    labels = {m.id: LABELLER.label(m, conv.roles[m.id]) for m in conv.messages}
    findings = run_rules([rule], conv, analyse(conv, labels, 0), LABELLER, labels)
    assert [(f.message_id, f.message.split(" (cues")[0]) for f in findings] == [
        ("1", "Complaint waiting for 30 min, 23.5 h left to answer"),
        ("2", "Complaint waiting for 0 min, 24.0 h left to answer"),
    ]


DRAFT_ONLY = """\
rules:
  - id: no-sale-drafts
    title: No sale in drafts
    pillar: audience-value
    level: warning
    scope: draft
    type: phrases
    phrases: [sale]
    message: "Says {matched}"
    why: Because.
    fix: Do not.
    examples:
      flag:
        - "Big sale"
        - messages:
            - {by: brand, text: "Hello"}
            - {by: brand, text: "Big sale tomorrow", after: 1d}
      pass: ["Hello"]
"""


def test_draft_only_rules_check_their_examples_as_drafts(tmp_path):
    # The audit's engine has no draft scope; examples run the way `relaudit check` does, each draft an own post.
    (rule,) = load_packs([write(tmp_path, DRAFT_ONLY)])
    text, calendar = rule.examples["flag"]
    assert check_example(rule, text, LABELLER).findings == ('message 1: Says "sale"',)
    assert check_example(rule, calendar, LABELLER).findings == ('message 2: Says "sale"',)
    assert not check_example(rule, "Hello", LABELLER).fired
