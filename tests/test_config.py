"""Tuning relaudit: a copied and edited rule, the configuration file, select / ignore, and CLI precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from relaudit.config import find, load
from relaudit.errors import UsageError
from tests.conftest import ROOT

BROADCAST = str(ROOT / "samples" / "broadcast-brand.jsonl")


def audit_json(*args: str, cwd: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "relaudit", "audit", BROADCAST, "--format", "json", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def counts(report: dict) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for finding in report["findings"]:
        count, _ = found.get(finding["rule"], (0, ""))
        found[finding["rule"]] = (count + 1, finding["level"])
    return found


def test_copied_rule_with_a_new_phrase_and_level_replaces_the_default(tmp_path):
    default = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    start = default.index("  - id: bragging")
    block = default[start : default.index("  - id: link-only")]
    edited = block.replace("level: suggestion", "level: error").replace(
        "phrases: [proud to announce", "phrases: [factory tour, proud to announce"
    )
    (tmp_path / "mine.yaml").write_text("rules:\n" + edited, encoding="utf-8")
    before = counts(audit_json(cwd=tmp_path))["bragging"]
    after = counts(audit_json("--rules", "mine.yaml", cwd=tmp_path))["bragging"]
    assert before[1] == "suggestion" and after[1] == "error"
    assert after[0] > before[0]  # the factory-tour posts now count too


def test_config_file_selects_ignores_and_overrides(tmp_path):
    (tmp_path / ".relaudit.yaml").write_text(
        "ignore: [bragging, link-only]\n"
        "levels: {hard-sell: error}\n"
        "options: {promo-heavy: {above: 0.9}}\n"
        "ignore_messages: ['1831000021']\n",
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    found = counts(audit_json(cwd=tmp_path / "sub"))  # found from a sub-folder upward
    assert "bragging" not in found and "link-only" not in found and "promo-heavy" not in found
    assert found["hard-sell"][1] == "error"
    report = audit_json(cwd=tmp_path)
    assert all(f["message_id"] != "1831000021" for f in report["findings"])


def test_command_line_beats_the_file(tmp_path):
    (tmp_path / ".relaudit.yaml").write_text("select: [bragging]\n", encoding="utf-8")
    assert set(counts(audit_json(cwd=tmp_path))) == {"bragging"}
    assert set(counts(audit_json("--select", "hard-sell,shouting", cwd=tmp_path))) == {"hard-sell", "shouting"}


def test_pyproject_table_is_found(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.relaudit]\nignore = ["bragging"]\n', encoding="utf-8")
    assert find(tmp_path) == tmp_path / "pyproject.toml"
    assert load(None, tmp_path).get("ignore") == ["bragging"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("ignore: bragging\n", "ignore: expected list, found str"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_bad_configuration_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / ".relaudit.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load(None, tmp_path)


def test_unknown_rule_in_ignore_is_an_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "relaudit", "audit", BROADCAST, "--ignore", "bragginng"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "relaudit: error: ignore: no rule 'bragginng'; see `relaudit rules list`"


def test_config_show_names_the_source(tmp_path):
    (tmp_path / ".relaudit.yaml").write_text("fail_under: C\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "relaudit", "config", "show"], capture_output=True, text=True, cwd=tmp_path
    )
    assert f"fail_under: 'C'  # from {tmp_path / '.relaudit.yaml'}" in result.stdout
