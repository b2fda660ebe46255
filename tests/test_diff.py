"""`relaudit diff`: grade and score changes, new and resolved findings between two JSON reports."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from relaudit.diff import compare, grade_direction, read_json, render_text, score_arrow
from relaudit.errors import InputError
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "broadcast-brand.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "relaudit", *args], capture_output=True, text=True)


def later(old: dict[str, Any]) -> dict[str, Any]:
    """The broadcast brand a month on: broadcast-only fixed, one new shouting finding, score up 13.0 to a D."""
    new = copy.deepcopy(old)
    new["findings"] = [f for f in new["findings"] if f["rule"] != "broadcast-only"]
    new["findings"].append({"rule": "shouting", "level": "suggestion", "message_id": "999", "message": "ALL CAPS"})
    new["score"], new["grade"] = 50.1, "D"
    new["pillars"]["conversation"]["score"] = 60.0
    return new


def test_compare_matches_findings_by_rule_and_message_id():
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))
    change = compare(old, later(old))
    assert (change["previous_grade"], change["grade"], change["grade_direction"]) == ("F", "D", "up")
    assert change["score_change"] == 13.0
    assert change["new_findings"] == [
        {"rule": "shouting", "level": "suggestion", "message_id": "999", "message": "ALL CAPS"}
    ]
    assert [(f["rule"], f["message_id"]) for f in change["resolved_findings"]] == [("broadcast-only", None)]


def test_arrows():
    assert [score_arrow(v) for v in (3.24, -1.0, 0.0, None)] == ["+3.2 ▲", "-1.0 ▼", "±0.0 =", ""]
    assert [grade_direction(a, b) for a, b in (("C", "B"), ("A", "F"), ("B", "B"), ("-", "A"))] == [
        "up",
        "down",
        "same",
        "same",
    ]


def test_text_lists_pillars_and_findings():
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))
    new = later(old)
    lines = render_text(old, new, compare(old, new)).splitlines()
    assert lines[0] == "account  brightbrew"
    assert lines[2:4] == ["grade    F→D ▲", "score    37.1 → 50.1  +13.0 ▲"]
    assert "  conversation    44.6 → 60.0  +15.4 ▲" in lines
    assert "  responsiveness  29.6 → 29.6  ±0.0 =" in lines
    assert "New findings (1)" in lines and "Resolved findings (1)" in lines
    assert lines[lines.index("New findings (1)") + 1].split() == ["suggestion", "shouting", "999", "ALL", "CAPS"]


def test_cli_diff_exit_0_and_json(tmp_path):
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))
    (tmp_path / "new.json").write_text(json.dumps(later(old)), encoding="utf-8")
    result = run("diff", str(GOLDEN), str(tmp_path / "new.json"), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score_change"] == 13.0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read: No such file or directory"),
        ("{not json", "not a JSON file"),
        ('{"schema_version": 2}', "not a relaudit JSON report (relaudit audit --format json) of schema_version 1"),
        ('{"schema_version": 1, "grade": "A"}', "missing account, score, findings, pillars"),
        ("[1, 2]", "no schema_version"),
    ],
)
def test_unreadable_or_wrong_schema(tmp_path, content, expected):
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=None) as caught:
        read_json(path, "report")
    assert str(caught.value).startswith(f"{path}: ") and expected in str(caught.value)


def test_cli_wrong_schema_is_one_line_exit_2(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "kind": "relaudit-batch", "clients": []}', encoding="utf-8")
    result = run("diff", str(bad), str(GOLDEN))
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr == f"relaudit: error: {bad}: not a relaudit JSON report (relaudit audit --format json): "
        "missing account, grade, score, findings, pillars\n"
    )


def test_readme_diff_example_is_real():
    from relaudit.pipeline import AuditOptions, audit

    sample = [ROOT / "samples" / "broadcast-brand.jsonl"]
    old = audit(sample, AuditOptions()).to_dict()
    new = audit(sample, AuditOptions(ignore=("bragging", "shouting"))).to_dict()
    shown = "\n".join(render_text(old, new, compare(old, new)).splitlines()[:11])
    assert shown + "\n…\n" in (ROOT / "README.md").read_text(encoding="utf-8")
