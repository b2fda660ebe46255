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
        "addressed-negative",  # not a plain question: it has a negation and a negative tone
    ]
    assert signals("Love it", 0.5) == ["polarity-positive"]
    assert signals("@shop does it come in blue?", 0.0) == ["addressed", "question", "plain-question"]
    assert signals("@shop it isn’t blue?", 0.0) == ["addressed", "question", "negation"]  # curly apostrophe


def test_shipped_lexicon_loads_with_learned_weights():
    from relaudit.resources import rules_dir

    shipped = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    assert shipped.bias < 0 and len(shipped.cues) > 50 and set(shipped.signals) >= {"addressed", "negation"}


def test_shipped_pattern_cues_are_named():
    from relaudit.resources import rules_dir

    shipped = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    patterns = [cue for cue in shipped.cues if cue.kind == "pattern"]
    assert patterns and all(cue.name for cue in patterns)  # a report shows "negated expectation", not a regex


@pytest.mark.parametrize(
    ("text", "is_complaint", "cue"),
    [
        ("@shop still haven't received my refund, great job guys", True, "negated expectation"),
        ("@shop my order arrived broken and nobody answers", True, "no response or service"),
        ("@shop does the kettle come in blue?", False, None),  # a plain question stays a question
    ],
)
def test_shipped_lexicon_judges_examples(text, is_complaint, cue):
    from relaudit.labels import polarity
    from relaudit.resources import rules_dir

    verdict = detect_complaint(text, load_lexicon(rules_dir() / "lexicons" / "complaint.yaml"), polarity(text))
    assert verdict.is_complaint is is_complaint
    assert cue is None or cue in verdict.cues


def test_learner_threshold_maximises_f1():
    from benchmarks.learn_complaints import best_cut

    # F1 by rank: 2/3, 1/2, 4/5, 2/3 -> cut just below the third score
    assert best_cut([(2.0, 1), (1.0, 0), (0.5, 1), (-1.0, 0)]) == 0.499


def test_learner_fit_is_deterministic_and_learns_the_sign():
    from benchmarks.learn_complaints import fit

    rows = [(["broken"], 1), (["broken", "thanks"], 1), (["thanks"], 0), ([], 0)] * 3
    first, second = fit(rows), fit(rows)
    assert first == second
    bias, weights = first
    assert weights["broken"] > 0 > weights["thanks"] and bias < 0


def test_fast_signal_patterns_find_what_the_plain_ones_find():
    """_MENTION and _CAPS start with their character, so re skips ahead; spans must equal the plain forms'."""
    import random
    import re

    from relaudit import complaints
    from tests.conftest import SHARED_DATA
    from tests.test_sentiment import shared_texts

    plain = {complaints._MENTION: re.compile(r"(?<![\w@])@\w"), complaints._CAPS: re.compile(r"\b[A-Z]{4,}\b")}
    rng = random.Random(5)
    pieces = ["@", "@@", "a@b", "@_", "x", "ABCD", "ABC", "ABCDE1", "É", "ÀBCD", "_ABCD", "ABCD_", " ", "\n", ".", "1"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    real = sorted(shared_texts(SHARED_DATA)) if SHARED_DATA.is_dir() else []
    texts += real
    for fast, slow in plain.items():
        assert [t for t in texts if [m.span() for m in fast.finditer(t)] != [m.span() for m in slow.finditer(t)]] == []
    negation = re.compile(
        r"\b(?:not|no|never|nothing|nobody|cannot|can't|cant|won't|don't|didn't|doesn't|isn't|"
        r"wasn't|haven't|hasn't|aren't|couldn't|wouldn't)\b|n't\b",
        re.IGNORECASE,
    )
    words = ["not", "No", "n't", "N\u2019T", "nn't", "never", "nothing", "nobody", "cannot", "Can't", "cant", "can"]
    words += ["won't", "don't", "isn't", "wouldn't", "nots", "xnot", "'", "n", "c", "cc", "_", "é", "K", "İ", "ſ"]
    words += [" ", "\n", ".", "1", "@"]
    sample = ["".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(20_000)] + real
    negated = {t for t in sample if negation.search(t.replace("\u2019", "'"))}
    assert [t for t in sample if bool(complaints._negated(t)) != (t in negated)] == []
    assert 5_000 < len(negated) < len(sample) - 5_000
    assert sum(1 for t in texts if complaints._CAPS.search(t)) > 1_000  # the sample has matches of both
    assert sum(1 for t in texts if complaints._MENTION.search(t)) > 1_000


def test_a_phrase_finds_its_cue_however_it_is_written():
    from relaudit.resources import rules_dir

    lexicon = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    for text in ("customer service is down", "CUSTOMER   Service is down", "Customer\n\nservice is down"):
        assert "customer service" in [cue.text for cue in lexicon.matches(text)], text
