"""The relationship grade: pillar scores from metric curves and findings, the overall score and letter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from relaudit.analyse import Analysis
from relaudit.engine import Finding
from relaudit.errors import RulePackError
from relaudit.rulepack import PILLARS


@dataclass(frozen=True)
class PillarScore:
    """One pillar: its score (None when nothing could be measured) and what moved it."""

    name: str
    score: float | None
    reason: str
    contributions: tuple[tuple[str, float | None, float], ...]  # (metric, value, points)
    penalty: float
    penalised_by: tuple[str, ...]


@dataclass(frozen=True)
class Grade:
    """The pillars, the overall score and its letter."""

    pillars: tuple[PillarScore, ...]
    score: float | None
    letter: str


def load_grading(path: Path) -> dict[str, Any]:
    """Read the curves file and check its shape."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{path}: cannot read grading curves: {error}") from error
    if not isinstance(data, dict) or set(data.get("pillars", {})) != set(PILLARS):
        raise RulePackError(f"{path}: grading needs 'pillars' with exactly: {', '.join(PILLARS)}")
    for name, pillar in data["pillars"].items():
        for entry in pillar.get("inputs", []):
            anchors = entry.get("anchors")
            if not anchors or any(len(a) != 2 for a in anchors) or anchors != sorted(anchors):
                raise RulePackError(f"{path}: pillar {name}: {entry.get('metric')}: anchors must be sorted pairs")
    return data


def interpolate(anchors: list[list[float]], value: float) -> float:
    """Points for a value on a curve of [value, points] anchors; flat beyond the ends."""
    if value <= anchors[0][0]:
        return float(anchors[0][1])
    for (x0, y0), (x1, y1) in pairwise(anchors):
        if value <= x1:
            return float(y0 + (y1 - y0) * (value - x0) / (x1 - x0)) if x1 != x0 else float(y1)
    return float(anchors[-1][1])


# How many messages each message scope has to offer, for a rule's hit rate.
SCOPE_COUNTS = {"own-post": ("own_originals",), "own-reply": ("own_replies",), "inbound": ("inbound",)}


def grade(
    analysis: Analysis,
    findings: list[Finding],
    curves: Mapping[str, Any],
    rule_scopes: Mapping[str, tuple[str, ...]] | None = None,
) -> Grade:
    """Score each measurable pillar, re-weight over the measured ones, and give the letter."""
    rates = hit_rates(analysis, findings, rule_scopes or {})
    pillars = [_pillar(name, curves, analysis, findings, rates) for name in PILLARS]
    measured = [(p, float(curves["pillars"][p.name].get("weight", 1))) for p in pillars if p.score is not None]
    if not measured:
        return Grade(tuple(pillars), None, "-")
    total = sum(weight for _, weight in measured)
    score = round(sum(p.score * w for p, w in measured if p.score is not None) / total, 1)
    return Grade(tuple(pillars), score, letter(score, curves["letters"]))


def letter(score: float, letters: Mapping[str, float]) -> str:
    """A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F (thresholds from the curves file)."""
    for name, floor in sorted(letters.items(), key=lambda item: -item[1]):
        if score >= floor:
            return name
    return "F"


def hit_rates(
    analysis: Analysis, findings: list[Finding], rule_scopes: Mapping[str, tuple[str, ...]]
) -> dict[str, float]:
    """Per rule: the share of the messages it could judge that it flagged (1 for account-level rules)."""
    flagged: dict[str, set[str]] = {}
    for finding in findings:
        flagged.setdefault(finding.rule, set()).add(finding.message_id or "")
    rates = {}
    for rule, ids in flagged.items():
        scopes = rule_scopes.get(rule, ("account",))
        if "account" in scopes or "" in ids:
            rates[rule] = 1.0
            continue
        pool = sum(analysis.counts[c] for scope in scopes for c in SCOPE_COUNTS.get(scope, ()))
        rates[rule] = min(1.0, len(ids) / pool) if pool else 1.0
    return rates


def _pillar(
    name: str, curves: Mapping[str, Any], analysis: Analysis, findings: list[Finding], rates: dict[str, float]
) -> PillarScore:
    spec = curves["pillars"][name]
    contributions: list[tuple[str, float | None, float]] = []
    weighted, weights = 0.0, 0.0
    for entry in spec.get("inputs", []):
        value = analysis.metrics.get(entry["metric"])
        if value is None:
            contributions.append((entry["metric"], None, 0.0))
            continue
        points = interpolate(entry["anchors"], value)
        contributions.append((entry["metric"], value, round(points, 1)))
        weighted += points * float(entry.get("weight", 1))
        weights += float(entry.get("weight", 1))
    if weights == 0:
        first = next(iter(contributions), ("", None, 0.0))[0]
        reason = analysis.not_measured.get(first, "nothing to measure")
        return PillarScore(name, None, f"not measured: {reason}", tuple(contributions), 0.0, ())
    fired = sorted({(f.rule, f.level) for f in findings if f.pillar == name})
    saturation = float(curves.get("penalty_saturation", 0.25))
    penalty = min(
        float(curves["max_penalty"]),
        sum(float(curves["penalty"][level]) * min(1.0, rates.get(rule, 1.0) / saturation) for rule, level in fired),
    )
    penalty = round(penalty, 1)
    score = max(0.0, round(weighted / weights - penalty, 1))
    return PillarScore(name, score, "measured", tuple(contributions), penalty, tuple(r for r, _ in fired))
