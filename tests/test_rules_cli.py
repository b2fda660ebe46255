"""`relaudit rules`: broken packs give one precise error each; `rules test` shows a diff for a wrong example."""

from __future__ import annotations

import subprocess
import sys

import pytest

RULE = """\
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
    examples:
      flag: ["Big sale"]
      pass: ["Hello"]
"""

# Ten different mistakes, each with the words its one-line error must contain.
BROKEN = [
    (
        RULE.replace("    phrases: [sale]\n", "    phrases: [sale]\n    colour: red\n"),
        "pack.yaml:9: rule 'no-sale': colour: unknown key",
    ),
    (RULE.replace("phrases: [sale]", "phrases: sale"), "pack.yaml:8: rule 'no-sale': phrases: expected list"),
    (RULE.replace("type: phrases", "type: magic"), "pack.yaml:7: rule 'no-sale': type: unknown rule type 'magic'"),
    (RULE + RULE.replace("rules:\n", ""), "rule 'no-sale': id: duplicate of the rule at"),
    (RULE.replace("type: phrases\n    phrases: [sale]", "type: pattern\n    pattern: '(sale'"), "pattern: bad regular"),
    (RULE.replace("{matched}", "{colour}"), "pack.yaml:9: rule 'no-sale': message: unknown placeholder {colour}"),
    (
        RULE.replace("scope: own-post", "scope: account").replace(
            "type: phrases\n    phrases: [sale]", "type: metric\n    metric: joy\n    below: 1"
        ),
        "metric: 'joy' is not one of",
    ),
    (RULE.replace("level: warning", "level: loud"), "pack.yaml:5: rule 'no-sale': level: 'loud' is not one of"),
    (RULE.replace("    why: Because.\n", ""), "rule 'no-sale': why: missing"),
    (RULE.replace("  - id: no-sale", "  - id: no-sale\n  oops: [").replace("title", "title", 1), "invalid YAML"),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN, ids=[str(i) for i in range(len(BROKEN))])
def test_broken_packs_exit_2_with_one_line(tmp_path, text, expected):
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "relaudit", "rules", "validate", "pack.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("relaudit: error: pack.yaml") and expected in lines[0]


def test_rules_test_shows_a_diff_for_a_wrong_example(tmp_path):
    (tmp_path / "pack.yaml").write_text(RULE.replace('pass: ["Hello"]', 'pass: ["Hello", "Summer sale!"]'))
    result = subprocess.run(
        [sys.executable, "-m", "relaudit", "rules", "test", "pack.yaml"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "FAIL no-sale (pack.yaml:2), pass example:\n    'Summer sale!'\n" in result.stdout
    assert "  - expected: not flagged\n  + got:      flagged\n" in result.stdout
    assert result.stdout.rstrip().endswith("2 passed, 1 failed")


def test_rules_test_passes_on_the_default_pack():
    result = subprocess.run([sys.executable, "-m", "relaudit", "rules", "test"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.rstrip().endswith(" 0 failed")
