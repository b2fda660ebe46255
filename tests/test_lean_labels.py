"""Inbound labels leave out what no label needs yet (polarity, the score and cues; question and praise until a rule
asks): the same labels as computing everything, and complete() the rest."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import random

import pytest

from relaudit import complaints
from relaudit.complaints import NOT_NEGATIVE, POLARITY_RANGES, _present, detect_complaint
from relaudit.conversations import Role
from relaudit.labels import LABEL_FLAGS, Labeller, Labels, polarity
from relaudit.resources import rules_dir
from tests.conftest import SHARED_DATA, msg
from tests.test_sentiment import FILLERS, shared_texts


@pytest.fixture(scope="module")
def labeller():
    return Labeller(rules_dir() / "lexicons", frozenset({"shop"}))


def labelled_in_full(labeller, text):
    """An inbound message's labels as they were before: its polarity always computed, its details always kept."""
    if not labeller.judgeable(text):
        return Labels(not_labelled=True)
    value = polarity(text)
    verdict = detect_complaint(text, labeller.lexicons["complaint"], value)
    question = not verdict.is_complaint and labeller._passes("question", text)
    praise = False
    if not verdict.is_complaint:
        lexicon = labeller.lexicons["praise"]
        score = sum(cue.weight for cue in lexicon.matches(text))
        if value > lexicon.sentiment["above"]:
            score += lexicon.sentiment["weight"]
        praise = score >= lexicon.threshold
    return Labels(verdict.is_complaint, verdict.score, verdict.cues, question, praise, polarity=value)


def cue_texts(labeller, count, seed):
    """Texts of complaint and praise phrases, question and negation words, sentiment words and odd fillers."""
    rng = random.Random(seed)
    phrases = [c.text for name in ("complaint", "praise", "question") for c in labeller.lexicons[name].cues]
    phrases = [p for p in phrases if p.replace(" ", "").replace("'", "").isalpha()]
    words = phrases + FILLERS + ["@shop", "@shop", "?", "!", "not", "never", "SO BAD", "http://x.io", "thanks"]
    words += ["good", "great", "love", "awful", "terrible", "bad", "sad", "lovely", "okay", "fine", "nice", "slow"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(count)]


def generated_texts(tmp_path, count):
    """The texts of a generated feed's messages (customers' and the brand's alike)."""
    from benchmarks.generate import generate

    path = tmp_path / "feed.jsonl"
    generate(count, 5, "relaudit", path)
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


def check_lean(labeller, texts):
    """Every text's labels are the full ones less what was left out, and has() and complete() give the rest.

    Returns how many were labelled without their polarity."""
    lean = 0
    for n, text in enumerate(texts):
        message = msg(str(n), "ann", 0, text)
        labels = labeller.label(message, Role.INBOUND)
        full = labelled_in_full(labeller, text)
        # a complaint is neither a question nor praise; another message's are worked out when a rule asks
        known = False if full.complaint or full.not_labelled else None
        assert (labels.complaint, labels.question, labels.praise) == (full.complaint, known, known), text
        assert [labeller.has(message, labels, name) for name in LABEL_FLAGS] == [full.has(n) for n in LABEL_FLAGS]
        if labels.polarity is None and not labels.not_labelled:
            lean += 1
            assert labels == Labels(complaint=full.complaint, question=known, praise=known), text
        else:
            assert labels == dataclasses.replace(full, question=known, praise=known), text
        assert labeller.complete(message, Role.INBOUND, labels) == full, text
    return lean


def test_lean_labels_are_the_full_labels_on_cue_texts_and_a_generated_feed(labeller, tmp_path):
    texts = cue_texts(labeller, 12_000, seed=11) + generated_texts(tmp_path, 6_000)
    lean = check_lean(labeller, texts)
    assert 0.3 * len(texts) < lean < 0.95 * len(texts)  # both ways are well represented


def test_lean_labels_are_the_full_labels_on_the_real_exports(labeller):
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    texts = sorted(t for t in shared_texts(SHARED_DATA) if len(t) > 8)  # (ids, dates and names aside)
    assert check_lean(labeller, texts) > 0.3 * len(texts)


def test_each_polarity_range_gives_the_signals_of_its_representative():
    def representative(value):  # the ranges _present() is written for, said once more
        return -1.0 if value <= -0.4 else -0.2 if value < 0 else 0.0 if value <= 0.2 else 1.0

    rng = random.Random(2)
    values = [-1.0, -0.4, -0.0, 0.0, 0.2, 1.0] + [rng.uniform(-1, 1) for _ in range(400)]
    values += [math.nextafter(v, d) for v in (-0.4, 0.0, 0.2) for d in (-2.0, 2.0)]
    for shape in itertools.product((False, True), repeat=6):
        for value in values:
            assert _present(shape, value) == _present(shape, representative(value)), (shape, value)
    assert set(POLARITY_RANGES) == {representative(v) for v in values}
    assert tuple(r for r in POLARITY_RANGES if r >= 0) == NOT_NEGATIVE


@pytest.mark.parametrize("kept", [4096, 3])
def test_a_settled_answer_is_the_verdicts_of_every_range_for_each_cue_set_and_shape(labeller, monkeypatch, kept):
    monkeypatch.setattr(complaints, "SETTLED_KEPT", kept)  # 3: the answers kept are dropped again and again
    monkeypatch.setattr(complaints, "_SETTLED", {})
    lexicon = labeller.lexicons["complaint"]
    cues = sorted(lexicon.cues, key=lambda c: c.weight)
    cue_sets = [
        [],
        cues[:1],
        cues[-1:],
        cues[:2],
        cues[-2:],
        [cues[0], cues[-1]],
        cues[len(cues) // 2 : len(cues) // 2 + 3],
    ]
    answers = set()
    for _ in range(2):  # the second time from what was kept (when kept)
        for found, shape, values in itertools.product(
            cue_sets, itertools.product((False, True), repeat=6), (POLARITY_RANGES, NOT_NEGATIVE)
        ):
            each = {complaints.verdict(lexicon, found, shape, value).is_complaint for value in values}
            expected = each.pop() if len(each) == 1 else None
            assert complaints.settled(lexicon, found, shape, values) is expected, (found, shape, values)
            answers.add(expected)
        assert len(complaints._SETTLED) <= kept
    assert answers == {True, False, None}  # all three answers are among those checked


def test_a_finding_works_out_the_cues_only_when_its_message_shows_them(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from relaudit.cli import app

    feed = tmp_path / "feed.jsonl"
    day = "2026-01-0{}T10:{}:00Z".format
    rows = [
        {
            "id": "1",
            "author": "ann",
            "text": "@shop my order never arrived and I am still waiting",
            "created_at": day(1, "00"),
        },
        {"id": "2", "author": "bob", "text": "@shop do you open on Sunday?", "created_at": day(1, "05")},
        {"id": "3", "author": "shop", "text": "New mugs are in!", "created_at": day(3, "00")},  # (the end: 48 h on)
        {"id": "4", "author": "cy", "text": "@shop do you sell the mug in blue?", "created_at": day(1, "10")},
        {"id": "5", "author": "shop", "text": "@cy yes, until 10", "created_at": day(1, "20"), "in_reply_to": "4"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    completed = []
    complete = Labeller.complete
    monkeypatch.setattr(Labeller, "complete", lambda self, m, *rest: completed.append(m.id) or complete(self, m, *rest))
    scanned = []
    passes = Labeller._passes
    monkeypatch.setattr(
        Labeller, "_passes", lambda self, name, text: scanned.append((name, text)) or passes(self, name, text)
    )
    result = CliRunner().invoke(app, ["audit", str(feed), "--account", "shop", "--format", "json", "--jobs", "1"])
    findings = {f["rule"]: f for f in json.loads(result.stdout)["findings"]}
    fresh = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    assert fresh.label(msg("1", "ann", 0, rows[0]["text"]), Role.INBOUND).polarity is None  # labelled without it
    cues = ", ".join(labelled_in_full(fresh, rows[0]["text"]).cues)
    assert cues.startswith("[negation], [addressed], waiting or repeating")  # (strongest first)
    assert findings["unanswered-complaint"]["message"] == f"Complaint left unanswered for 2.0 days (cues: {cues})"
    assert findings["unanswered-question"]["message"] == "Question left unanswered for 47.9 h"
    assert completed == ["1"]  # the question's message shows no cues: its details were never worked out
    # whether an inbound message is a question is asked once it is unanswered: never of the answered one ("4")
    assert [text for name, text in scanned if name == "question"] == [rows[1]["text"]]
