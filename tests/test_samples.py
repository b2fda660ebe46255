"""The bundled samples: their stories show in the grade, and their reports match reviewed golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from relaudit.pipeline import AuditOptions, audit
from relaudit.render import RENDERERS
from tests.conftest import ROOT

SAMPLES = ("broadcast-brand", "responsive-brand")
GOLDEN = ROOT / "tests" / "golden"


def report_of(name: str):
    cwd = os.getcwd()
    os.chdir(ROOT)  # relative paths keep the golden files independent of the checkout's location
    try:
        return audit([Path("samples") / f"{name}.jsonl"], AuditOptions())
    finally:
        os.chdir(cwd)


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} changed: rerun with --update-goldens and review"


@pytest.mark.parametrize("name", SAMPLES)
def test_json_golden(name, update_goldens):
    check_golden(f"{name}.json", RENDERERS["json"](report_of(name), None, False), update_goldens)


@pytest.mark.parametrize("name", SAMPLES)
def test_text_golden(name, update_goldens):
    check_golden(f"{name}.txt", RENDERERS["text"](report_of(name), 80, False), update_goldens)


def test_broadcast_brand_grades_d_or_f():
    report = report_of("broadcast-brand")
    assert report.grade.letter in ("D", "F")
    assert any(f.rule == "broadcast-only" for f in report.findings)
    assert report.analysis.counts["unanswered_complaints"] >= 10


def test_responsive_brand_grades_a_or_b():
    report = report_of("responsive-brand")
    assert report.grade.letter in ("A", "B")
    assert not any(f.rule == "broadcast-only" for f in report.findings)


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_are_big_enough_and_varied(name):
    counts = report_of(name).analysis.counts
    assert counts["messages"] >= 150
    for key in ("own_originals", "own_replies", "reposts", "inbound", "pending", "complaints"):
        assert counts[key] > 0, key
    data = json.loads(RENDERERS["json"](report_of(name), None, False))
    assert data["account_source"] == "detected"
