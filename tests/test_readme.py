"""Tests that keep the README honest: the quick start, CI, commands and rule types it documents."""

from __future__ import annotations

import re

from relaudit.cli import app
from relaudit.ruletypes import RULE_TYPES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "relaudit audit samples/" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


def test_quick_start_sample_exists():
    sample = re.search(r"relaudit audit (\S+)", quick_start_commands()[0])
    assert sample and (ROOT / sample.group(1)).is_file()


def test_every_command_is_documented():
    def name(command) -> str:
        return command.name or command.callback.__name__.replace("_", "-")

    names = [name(c) for c in app.registered_commands]
    names += [f"{g.name} {name(c)}" for g in app.registered_groups for c in g.typer_instance.registered_commands]
    assert len(names) >= 6
    for name in names:
        assert f"relaudit {name}" in README, name


def test_every_rule_type_is_documented():
    for name in RULE_TYPES:
        assert f"| `{name}` |" in README, name


def test_quick_start_output_excerpt_is_real():
    from relaudit.pipeline import AuditOptions, audit
    from relaudit.render import RENDERERS

    block = README.split("<!-- audit-output -->\n```\n", 1)[1].split("```\n<!-- /audit-output -->", 1)[0]
    report = audit([ROOT / "samples" / "broadcast-brand.jsonl"], AuditOptions())
    actual = RENDERERS["text"](report, 80, False).splitlines()
    shown = [line for line in block.splitlines() if line != "…"]
    assert len(shown) > 40
    for line in shown:
        assert line in actual, line
