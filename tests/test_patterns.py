"""Patterns from rule files cannot hang an audit: catastrophic backtracking gives up and is reported."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from relaudit.casefold import CasePattern
from relaudit.patterns import PatternTimeout, compile_pattern
from relaudit.pipeline import AuditOptions, audit

EVIL = "(a|aa)+$"
TEXT = "a" * 60 + "!"


def test_runaway_pattern_times_out():
    started = time.monotonic()
    with pytest.raises(PatternTimeout):
        compile_pattern(EVIL).search(TEXT)
    assert time.monotonic() - started < 2


def evil_pack(folder: Path) -> Path:
    """A rule pack whose one own-post rule backtracks catastrophically on TEXT."""
    pack = folder / "evil.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: evil\n    title: Evil\n    pillar: human-touch\n    level: warning\n    scope: own-post\n"
        f"    type: pattern\n    pattern: '{EVIL}'\n    message: 'Matched {{matched}}'\n    why: w\n    fix: f\n",
        encoding="utf-8",
    )
    return pack


@pytest.mark.parametrize("jobs", [None, 2])  # 2: in workers that own the messages, where fork is (owned.py)
def test_audit_with_a_runaway_rule_finishes_and_warns(tmp_path, jobs):
    pack = evil_pack(tmp_path)
    export = tmp_path / "e.jsonl"
    rows = [
        {"id": str(i), "author": "shop", "text": TEXT if i < 3 else "fine", "created_at": 1790000000 + i}
        for i in range(6)
    ]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    started = time.monotonic()
    report = audit([export], AuditOptions(rule_files=(pack,), jobs=jobs))
    assert time.monotonic() - started < 10
    timeouts = [w for w in report.warnings if "rule 'evil' gave up" in w]
    # one warning: after giving up on the first message, the rule is not run on the rest
    assert len(timeouts) == 1 and "catastrophic backtracking" in timeouts[0] and timeouts[0].startswith(f"{export}:1: ")
    assert "it is not run on the messages after it" in timeouts[0]
    assert not any(f.rule == "evil" for f in report.findings)


def test_shipped_patterns_run_on_re_and_users_are_bounded(tmp_path):
    import re

    from relaudit.pipeline import load_rules

    shipped = {r.id: r for r in load_rules()}
    compiled = shipped["exposes-personal-data"].options["_pattern"].compiled
    assert isinstance(compiled, CasePattern) and isinstance(compiled.exact, re.Pattern)  # re, not regex
    overridden = {r.id: r for r in load_rules(overrides={"exposes-personal-data": {"pattern": "x+"}})}
    assert overridden["exposes-personal-data"].options["_pattern"].bounded  # changed by the user: time-bounded
    assert compile_pattern(EVIL).bounded and not compile_pattern("a+", trusted=True).bounded


def test_ordinary_patterns_behave_like_re():
    pattern = compile_pattern(r"\border\s*#?\d{5,}", ignore_case=True)
    assert pattern.findall_text("Order #12345 and ORDER 678901") == ["Order #12345", "ORDER 678901"]
    assert compile_pattern("ABC", ignore_case=False).search("abc") is False
