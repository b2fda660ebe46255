"""Rule pack validation: every mistake is named by file, line, rule id and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from relaudit.errors import RulePackError
from relaudit.rulepack import load_packs

GOOD = """\
rules:
  - id: no-sale
    title: No sale
    pillar: audience-value
    level: warning
    scope: own-post
    type: phrases
    phrases: [sale]
    message: "Says {matched}"
    why: Because.
    fix: Do not.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_pack_loads(tmp_path):
    (rule,) = load_packs([write(tmp_path, GOOD)])
    assert rule.id == "no-sale" and rule.scopes == ("own-post",) and rule.options["min"] == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    phrases: [sale]\n", "    phrases: [sale]\n    colour: red\n"),
            ":9: rule 'no-sale': colour: unknown key",
        ),
        (("phrases: [sale]", "phrases: sale"), ":8: rule 'no-sale': phrases: expected list, found str"),
        (("type: phrases", "type: magic"), ":7: rule 'no-sale': type: unknown rule type 'magic'"),
        (("level: warning", "level: fatal"), ":5: rule 'no-sale': level: 'fatal' is not one of"),
        (('"Says {matched}"', '"Says {colour}"'), ":9: rule 'no-sale': message: unknown placeholder {colour}"),
        (("    title: No sale\n", ""), "rule 'no-sale': title: missing"),
        (("id: no-sale", "id: No_Sale"), ":2: rule 'No_Sale': id: use kebab-case"),
    ],
)
def test_mistakes_are_located(tmp_path, change, expected):
    old, new = change
    with pytest.raises(RulePackError) as error:
        load_packs([write(tmp_path, GOOD.replace(old, new))])
    assert str(error.value).startswith(str(tmp_path / "pack.yaml"))
    assert expected in str(error.value)


def test_bad_regex(tmp_path):
    text = GOOD.replace("type: phrases\n    phrases: [sale]", "type: pattern\n    pattern: '(unclosed'")
    with pytest.raises(RulePackError, match=r"pattern: bad regular expression"):
        load_packs([write(tmp_path, text)])


def test_unknown_metric(tmp_path):
    text = (
        GOOD.replace("scope: own-post", "scope: account")
        .replace("type: phrases\n    phrases: [sale]", "type: metric\n    metric: happiness\n    below: 0.5")
        .replace("{matched}", "{value}")
    )
    with pytest.raises(RulePackError, match=r"metric: 'happiness' is not one of"):
        load_packs([write(tmp_path, text)])


def test_duplicate_id_across_packs(tmp_path):
    first = write(tmp_path, GOOD)
    second = tmp_path / "second.yaml"
    second.write_text(GOOD, encoding="utf-8")
    with pytest.raises(RulePackError, match=r"second.yaml:2: rule 'no-sale': id: duplicate of the rule at"):
        load_packs([first, second])


def test_invalid_yaml_names_the_line(tmp_path):
    with pytest.raises(RulePackError, match=r"invalid YAML: line 3"):
        load_packs([write(tmp_path, "rules:\n  - id: x\n  title: [\n")])


COMBINED = GOOD.replace(
    "type: phrases\n    phrases: [sale]",
    "type: all\n    conditions:\n      - {type: phrases, phrases: [sale]}\n"
    "      - {type: not, condition: {type: count, what: links, min: 1}}",
)


def test_combinators_validate_and_run(tmp_path):
    from relaudit.examples import example_fires
    from relaudit.labels import Labeller
    from relaudit.resources import rules_dir

    (rule,) = load_packs([write(tmp_path, COMBINED)])
    labeller = Labeller(rules_dir() / "lexicons", frozenset({"brand"}))
    assert example_fires(rule, "Big sale today", labeller)
    assert not example_fires(rule, "Big sale today https://shop.example", labeller)
    assert not example_fires(rule, "Hello there", labeller)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{type: phrases, phrases: [sale]}", "{type: phrases, words: [sale]}", "conditions[0].words: unknown key"),
        ("{type: count, what: links, min: 1}", "{type: count, what: smiles}", "conditions[1].condition.what: 'smiles'"),
        ("{type: phrases, phrases: [sale]}", "{type: magic}", "conditions[0].type: unknown rule type 'magic'"),
        ("{type: phrases, phrases: [sale]}", "{type: pattern, pattern: '(x'}", "conditions[0].pattern: bad regular"),
        ("{type: phrases, phrases: [sale]}", "{type: pending, label: angry}", "conditions[0].label: 'angry' is not"),
    ],
)
def test_nested_mistakes_are_located(tmp_path, old, new, expected):
    with pytest.raises(RulePackError) as error:
        load_packs([write(tmp_path, COMBINED.replace(old, new))])
    assert "rule 'no-sale': " in str(error.value) and expected in str(error.value)
