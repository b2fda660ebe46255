"""The complaint detector: scores add up from the YAML, and every label says which cues and signals made it."""

from __future__ import annotations

import pytest

from relaudit.complaints import detect_complaint, signals
from relaudit.lexicon import load_lexicon


@pytest.fixture
def lexicon(tmp_path):
    path = tmp_path / "complaint.yaml"
    path.write_text(
        "lexicon: complaint\nthreshold: 0.5\nbias: -1.0\n"
        "signals: {addressed: 0.4, question: -0.2, polarity-negative: 0.3}\n"
        "cues:\n  - {phrase: still waiting, weight: 1.2}\n  - {phrase: thanks, weight: -0.8}\n"
        "  - {pattern: 'never (?:arrived|came)', weight: 0.9, name: never arrived}\n",
        encoding="utf-8",
    )
    return load_lexicon(path)


@pytest.mark.parametrize(
    ("text", "value", "score", "is_complaint", "cues"),
    [
        ("@shop still waiting", 0.0, 0.6, True, ("still waiting", "[addressed]")),  # -1 + 1.2 + 0.4
        ("@shop still waiting, thanks", 0.0, -0.2, False, ("still waiting", "[addressed]")),  # -0.8 for thanks
        ("my parcel never arrived?", -0.5, 0.0, False, ("never arrived", "[polarity-negative]")),  # -1+.9+.3-.2
        (
            "@shop it never came and I am still waiting",
            -0.1,
            1.8,
            True,
            ("still waiting", "never arrived", "[addressed]", "[polarity-negative]"),
        ),
    ],
)
def test_scores_add_up_and_explain(lexicon, text, value, score, is_complaint, cues):
    verdict = detect_complaint(text, lexicon, value)
    assert verdict.score == pytest.approx(score)
    assert verdict.is_complaint is is_complaint
    assert verdict.cues == cues


def test_signals():
    assert signals("@shop why is this NOT WORKING?! http://x", -0.5) == [
        "addressed",
        "question",
        "exclamation",
        "negation",
        "polarity-negative",
        "polarity-very-negative",
        "link",
        "shouting",
    ]
    assert signals("Love it", 0.5) == ["polarity-positive"]


def test_shipped_lexicon_loads_with_learned_weights():
    from relaudit.resources import rules_dir

    shipped = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    assert shipped.bias < 0 and len(shipped.cues) > 50 and set(shipped.signals) >= {"addressed", "negation"}
