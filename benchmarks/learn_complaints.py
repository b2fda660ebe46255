"""Learn the complaint lexicon's weights from labelled tweets and write rules/lexicons/complaint.yaml.

Candidate cues are the hand-written seed cues (benchmarks/complaint_seed.yaml) plus the words and word pairs that
occur in at least MIN_DF training texts; features are computed by relaudit's own matcher and signal functions, so
the YAML behaves exactly as it was trained. The model is an L2-regularised logistic regression fitted by full-batch
gradient descent from zero: deterministic, no dependencies. The threshold is the score cut that maximises F1 on
scores the model never saw: each training domain held out in turn (nested leave-one-domain-out), since in-sample
scores are too well separated and give a cut that is too strict on new data. About 20 s; --loo about 3 minutes.

    python benchmarks/learn_complaints.py ../shared/data/complaints/complaints-dev.csv          # write the YAML
    python benchmarks/learn_complaints.py ../shared/data/complaints/complaints-dev.csv --loo    # leave one domain out

--loo retrains with each domain held out (mining, weights and threshold from the other domains only) and reports
the held-out scores: the honest number, since the cues were chosen by looking at this data.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from collections import Counter
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import yaml

from relaudit.complaints import SIGNALS, detect_complaint, signals
from relaudit.labels import polarity
from relaudit.lexicon import Cue, Lexicon, load_lexicon, tokens

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "benchmarks" / "complaint_seed.yaml"
OUTPUT = ROOT / "rules" / "lexicons" / "complaint.yaml"
MIN_DF = 6
L2 = 0.02
EPOCHS = 400
RATE = 0.5
KEEP = 0.05  # weights smaller than this are dropped from the YAML
INNER = 1  # 1: threshold from held-out scores of the training domains (nested leave-one-domain-out); 0: in-sample
_NOISE = re.compile(r"@\w+|https?://\S+|&\w+;|#")
STOP = {
    "the",
    "a",
    "an",
    "to",
    "and",
    "of",
    "in",
    "on",
    "for",
    "is",
    "it",
    "at",
    "be",
    "this",
    "that",
    "with",
    "i",
    "my",
    "me",
    "you",
    "your",
    "we",
    "our",
    "rt",
    "amp",
}


def read(path: Path) -> list[tuple[str, int, str]]:
    """(text, label, domain) rows."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(r["text"], int(r["label"]), r.get("domain") or "all") for r in csv.DictReader(handle)]


def mine(texts: list[str]) -> list[str]:
    """Words and word pairs in at least MIN_DF texts (mentions, links and stop-word-only pairs left out)."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = [w for w in tokens(_NOISE.sub(" ", text)) if not w.isdigit()]
        grams = {w for w in words if w not in STOP and len(w) > 2}
        grams |= {f"{a} {b}" for a, b in pairwise(words) if not (a in STOP and b in STOP)}
        counts.update(grams)
    return sorted(g for g, n in counts.items() if n >= MIN_DF)


def candidate_lexicon(seed: Lexicon, mined: list[str]) -> Lexicon:
    """Seed cues and mined phrases, every weight 1, compiled by relaudit's own code."""
    phrases = sorted({*(c.text for c in seed.cues if c.kind == "phrase"), *mined})
    cues = [Cue(p, 1.0, "phrase") for p in phrases] + [c for c in seed.cues if c.kind == "pattern"]
    return build(seed, cues, 0.0, {})


def build(seed: Lexicon, cues: list[Cue], bias: float, weights: dict[str, float]) -> Lexicon:
    """A Lexicon object with the given cues, bias and signal weights (no file involved)."""
    from relaudit.lexicon import _fold, phrase_pattern  # the compiler relaudit uses for files
    from relaudit.patterns import compile_pattern

    phrases = [c for c in cues if c.kind == "phrase"]
    return Lexicon(
        name="complaint",
        threshold=0.0,
        cues=tuple(cues),
        words=frozenset(),
        sentiment={},
        bias=bias,
        signals=weights,
        min_words=0,
        _phrases=phrase_pattern([c.text for c in phrases]),
        _patterns=tuple((compile_pattern(c.text), c) for c in cues if c.kind == "pattern"),
        _by_phrase={_fold(c.text): c for c in phrases},
    )


def features(lexicon: Lexicon, text: str, value: float) -> list[str]:
    """Feature names of one text: the cues the matcher finds and the signals present."""
    return [c.text for c in lexicon.matches(text)] + [f"[{s}]" for s in signals(text, value)]


def fit(rows: list[tuple[list[str], int]], l2: float | None = None) -> tuple[float, dict[str, float]]:
    """Logistic regression by full-batch gradient descent from zero; returns bias and weights."""
    names = sorted({f for features_, _ in rows for f in features_})
    index = {name: i for i, name in enumerate(names)}
    encoded = [([index[f] for f in features_], label) for features_, label in rows]
    bias, weights = 0.0, [0.0] * len(names)
    n, l2 = len(rows), L2 if l2 is None else l2
    for _ in range(EPOCHS):
        grad_bias, grad = 0.0, [0.0] * len(names)
        get = weights.__getitem__
        for ids, label in encoded:
            z = bias + sum(map(get, ids))
            error = 1 / (1 + math.exp(-max(min(z, 30), -30))) - label
            grad_bias += error
            for i in ids:
                grad[i] += error
        bias -= RATE * grad_bias / n
        weights = [w - RATE * (g / n + l2 * w) for w, g in zip(weights, grad)]
    return bias, dict(zip(names, weights))


def fit_lexicon(seed: Lexicon, data: list[tuple[str, int, str]], values: dict[str, float]) -> Lexicon:
    """Mine candidates and fit weights; the threshold is left at 0."""
    candidates = candidate_lexicon(seed, mine([t for t, _, _ in data]))
    rows = [(features(candidates, t, values[t]), y) for t, y, _ in data]
    bias, weights = fit(rows)
    cues = [
        Cue(c.text, round(weights[c.text], 3), c.kind, c.name)
        for c in candidates.cues
        if abs(weights.get(c.text, 0.0)) >= KEEP
    ]
    signal_weights = {s: round(weights.get(f"[{s}]", 0.0), 3) for s in SIGNALS}
    return build(seed, cues, round(bias, 3), signal_weights)


def train(seed: Lexicon, data: list[tuple[str, int, str]], values: dict[str, float]) -> Lexicon:
    """Fit the lexicon on all the data; the threshold comes from held-out scores of its domains (see best_cut)."""
    lexicon = fit_lexicon(seed, data, values)
    domains = sorted({d for _, _, d in data})
    if not INNER or len(domains) < 3:
        scored = [(detect_complaint(t, lexicon, values[t]).score, y) for t, y, _ in data]
        return replace(lexicon, threshold=best_cut(scored))
    scored = []
    for domain in domains:
        inner = fit_lexicon(seed, [row for row in data if row[2] != domain], values)
        scored += [(detect_complaint(t, inner, values[t]).score, y) for t, y, d in data if d == domain]
    return replace(lexicon, threshold=best_cut(scored))


def best_cut(scored: list[tuple[float, int]]) -> float:
    """The score cut that maximises F1 over (score, label) pairs (the classes are unbalanced, so 0 is too strict)."""
    ranked = sorted(scored, reverse=True)
    positives = sum(y for _, y in ranked)
    best, cut, tp = -1.0, 0.0, 0
    for rank, (score, label) in enumerate(ranked, start=1):
        tp += label
        f1 = 2 * tp / (rank + positives)
        if f1 > best:
            best, cut = f1, score
    return round(cut - 1e-3, 3)


def evaluate(lexicon: Lexicon, data: list[tuple[str, int, str]], values: dict[str, float]) -> dict[str, float]:
    """Precision, recall and F1 of the detector, run as relaudit runs it."""
    tp = fp = fn = 0
    for text, label, _ in data:
        predicted = detect_complaint(text, lexicon, values[text]).is_complaint
        tp += predicted and label == 1
        fp += predicted and label == 0
        fn += (not predicted) and label == 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "n": len(data), "tp": tp, "fp": fp, "fn": fn}


def write(lexicon: Lexicon, path: Path, trained_on: str) -> None:
    """The YAML file relaudit reads, with a header saying how it was made."""
    cues = sorted(lexicon.cues, key=lambda c: (-c.weight, c.text))
    data = {
        "lexicon": "complaint",
        "description": "A customer reports a problem, a wait, a loss or dissatisfaction.",
        "threshold": lexicon.threshold,
        "bias": lexicon.bias,
        "signals": lexicon.signals,
        "cues": [{c.kind: c.text, "weight": c.weight, **({"name": c.name} if c.name else {})} for c in cues],
    }
    header = (
        f"# Generated by benchmarks/learn_complaints.py from {trained_on}: edit by hand if you like, or rerun it.\n"
        "# score = bias + weights of the cues found + weights of the signals present;\n"
        "# a message is a complaint when its score >= threshold.\n"
    )
    # A wide line so a long pattern stays on one line, where a person editing it can see all of it.
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--loo", action="store_true", help="leave one domain out and report held-out scores")
    args = parser.parse_args()
    seed = load_lexicon(SEED)
    unnamed = [c.text for c in seed.cues if c.kind == "pattern" and not c.name]
    if unnamed:  # a report shows the name; a regular expression explains nothing to a marketer
        raise SystemExit(f"{SEED}: every pattern needs a name: {unnamed[0]}")
    data = read(args.csv)
    values = {t: polarity(t) for t, _, _ in data}
    if not args.loo:
        lexicon = train(seed, data, values)
        write(lexicon, OUTPUT, args.csv.name)
        print(f"wrote {OUTPUT} ({len(lexicon.cues)} cues); in-sample (optimistic): {evaluate(lexicon, data, values)}")
        return
    domains = sorted({d for _, _, d in data})
    scores = []
    pooled = {"tp": 0, "fp": 0, "fn": 0}
    print(f"{'held-out domain':<18}{'n':>6}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}")
    for domain in domains:
        held = [row for row in data if row[2] == domain]
        rest = [row for row in data if row[2] != domain]
        result = evaluate(train(seed, rest, values), held, values)
        if any(label for _, label, _ in held):
            scores.append(result)
        for key in pooled:
            pooled[key] += int(result[key])
        print(
            f"{domain:<18}{result['n']:>6}{result['precision']:>8.3f}{result['recall']:>8.3f}{result['f1']:>8.3f}"
            f"{result['tp']:>6}{result['fp']:>6}{result['fn']:>6}"
        )
    mean = {k: sum(s[k] for s in scores) / len(scores) for k in ("precision", "recall", "f1")}
    print(f"mean over domains with complaints: P {mean['precision']:.3f}  R {mean['recall']:.3f}  F1 {mean['f1']:.3f}")
    p = pooled["tp"] / (pooled["tp"] + pooled["fp"])
    r = pooled["tp"] / (pooled["tp"] + pooled["fn"])
    print(f"pooled over every held-out message: P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r):.3f}")


if __name__ == "__main__":
    main()
