"""The grade: curve interpolation, re-weighting over measured pillars, hit-rate penalties, letters."""

from __future__ import annotations

import pytest

from relaudit.analyse import Analysis
from relaudit.engine import Finding
from relaudit.grade import grade, interpolate, letter, load_grading
from relaudit.resources import rules_dir

CURVES = load_grading(rules_dir() / "grading.yaml")


@pytest.mark.parametrize(
    ("value", "points"),
    [(-1, 20), (0, 20), (0.12, 60), (0.26, 65), (0.9, 90), (0.95, 95), (1.0, 100), (2.0, 100)],
)
def test_interpolate_response_rate_curve(value, points):
    anchors = [[0, 20], [0.12, 60], [0.40, 70], [0.65, 80], [0.90, 90], [1.0, 100]]
    assert interpolate(anchors, value) == pytest.approx(points)


@pytest.mark.parametrize(
    ("score", "grade_letter"), [(90, "A"), (89.9, "B"), (80, "B"), (70, "C"), (60, "D"), (59.9, "F")]
)
def test_letters(score, grade_letter):
    assert letter(score, CURVES["letters"]) == grade_letter


def analysis(metrics: dict, counts: dict | None = None) -> Analysis:
    base = {
        "messages": 100,
        "skipped": 0,
        "own_originals": 40,
        "own_replies": 10,
        "reposts": 0,
        "inbound": 50,
        "pending": 0,
        "complaints": 0,
        "unanswered_complaints": 0,
    }
    return Analysis({**base, **(counts or {})}, metrics, {}, frozenset())


def test_unmeasured_pillars_are_left_out_and_the_rest_reweighted():
    result = grade(
        analysis({"reply_share": 0.30, "question_share": 0.20, "promo_share": 0.20, "self_focus": 0.35}), [], CURVES
    )
    scores = {p.name: p.score for p in result.pillars}
    assert scores["responsiveness"] is None and scores["human-touch"] is None
    assert scores["conversation"] == 90.0  # (90 * 2 + 90 * 1) / 3
    assert scores["audience-value"] == pytest.approx(91.7, abs=0.05)  # (90 * 2 + 95) / 3
    assert result.score == pytest.approx((90.0 * 1 + 91.7 * 1) / 2, abs=0.05)
    assert result.letter == "A"


def test_penalty_grows_with_hit_rate():
    metrics = {"reply_share": 0.30, "question_share": 0.20}
    few = [Finding("never-asks", "warning", "conversation", "m", 1.0)]  # account rule: full 2 points
    many = few + [Finding("x-post", "error", "conversation", "m", 1.0, message_id=str(i)) for i in range(5)]
    scopes = {"x-post": ("own-post",), "never-asks": ("account",)}
    conversation = {p.name: p for p in grade(analysis(metrics), few, CURVES, scopes).pillars}["conversation"]
    assert conversation.penalty == 2.0 and conversation.score == 88.0
    # 5 of 40 own posts = 12.5 %, half of the 25 % saturation: half of the error's 4 points
    conversation = {p.name: p for p in grade(analysis(metrics), many, CURVES, scopes).pillars}["conversation"]
    assert conversation.penalty == 4.0 and conversation.score == 86.0
