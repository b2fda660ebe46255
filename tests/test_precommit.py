"""The pre-commit hook other repositories use: its entry fails a pushy draft and passes a reader-first one."""

from __future__ import annotations

import shutil
import subprocess
import sys

import yaml

from tests.conftest import ROOT


def hook_command() -> list[str]:
    """The hook's entry and default args, run with this environment's relaudit."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "relaudit-check" and hook["language"] == "python"
    entry = hook["entry"].split()
    assert entry[0] == "relaudit"
    program = [shutil.which("relaudit")] if shutil.which("relaudit") else [sys.executable, "-m", "relaudit"]
    return [*program, *entry[1:], *hook.get("args", [])]  # type: ignore[list-item]


def test_hook_fails_a_pushy_draft(tmp_path):
    result = subprocess.run(
        [*hook_command(), str(ROOT / "samples" / "drafts" / "pushy.md")], capture_output=True, text=True
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "hard-sell" in result.stdout


def test_hook_passes_reader_first_drafts(tmp_path):
    other = tmp_path / "thanks.md"
    other.write_text("Thank you for 10 years of Saturday mornings. Which bake should we bring back?\n", "utf-8")
    result = subprocess.run(
        [*hook_command(), str(ROOT / "samples" / "drafts" / "reader-first.md"), str(other)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 drafts checked, 0 with findings" in result.stdout
