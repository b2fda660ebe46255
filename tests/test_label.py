"""`relaudit label`: one row per message with role, labels, polarity, complaint score and cues."""

from __future__ import annotations

import csv
import dataclasses
import gc
import io
import json
import weakref

import pytest
from typer.testing import CliRunner

from relaudit.cli import app

RECORDS = [
    {"id": "1", "author": "shop", "text": "Our new kettle is here", "created_at": "2026-03-01T09:00:00Z"},
    {
        "id": "2",
        "author": "ann",
        "text": "@shop my kettle is broken and I am still waiting for a refund",
        "created_at": "2026-03-01T10:00:00Z",
    },
    {
        "id": "3",
        "author": "shop",
        "text": "@ann so sorry, a new one ships today",
        "created_at": "2026-03-01T10:30:00Z",
        "in_reply_to": "2",
    },
    {
        "id": "4",
        "author": "bob",
        "text": '=HYPERLINK("http://x") @shop when do you open?',
        "created_at": "2026-03-05T10:00:00Z",
    },
]


def export(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return str(path)


def test_jsonl_rows(tmp_path):
    result = CliRunner().invoke(app, ["label", export(tmp_path), "--account", "shop"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["role"] for r in rows] == ["own-original", "inbound", "own-reply", "inbound"]
    complaint = rows[1]
    assert complaint["labels"] == ["complaint"]
    assert {"[addressed]", "still waiting", "problem word", "money"} <= set(complaint["cues"])
    assert complaint["complaint_score"] == 1.787 and complaint["answered"] is True  # above the threshold, -0.437
    assert rows[3]["labels"] == ["question"] and rows[3]["answered"] is False


def test_csv_only_inbound_neutralises_formulas(tmp_path):
    result = CliRunner().invoke(app, ["label", export(tmp_path), "-a", "shop", "--only", "inbound", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["id"] for r in rows] == ["2", "4"]
    assert rows[1]["text"].startswith("'=HYPERLINK")
    assert rows[0]["labels"] == "complaint"


def test_other_languages_are_not_labelled(tmp_path):
    rows = [
        {"id": "1", "author": "shop", "text": "News", "created_at": "2026-03-01T09:00:00Z"},
        {
            "id": "2",
            "author": "ana",
            "text": "@shop mi pedido no ha llegado y nadie responde, qué vergüenza",
            "created_at": "2026-03-01T10:00:00Z",
        },
        {
            "id": "3",
            "author": "bob",
            "text": "@shop my order has not arrived and nobody answers",
            "created_at": "2026-03-01T10:05:00Z",
        },
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    from relaudit.account import from_option
    from relaudit.pipeline import AuditOptions, audit

    report = audit([path], AuditOptions(account=from_option(["shop"])))
    assert report.analysis.counts["not_labelled"] == 1
    assert report.analysis.counts["complaints"] == 1  # bob's; ana's is not judged by English cues


def test_digits_do_not_count_as_words_when_judging_the_language():
    from relaudit.labels import Labeller
    from relaudit.resources import rules_dir

    labeller = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    assert labeller.judgeable("@shop mi su 12 34 56")  # two words only (digits are no words): too short to tell
    assert not labeller.judgeable("@shop mi pedido su casa 12")  # four words, two of them foreign, none English
    assert labeller.judgeable("@shop where is my order 12345")  # no foreign word at all


def test_lexicons_are_read_when_first_needed_and_all_before_workers_fork(monkeypatch):
    from relaudit import labels
    from relaudit.conversations import Role
    from relaudit.labels import LEXICONS, Labeller
    from relaudit.resources import rules_dir
    from tests.conftest import msg

    labeller = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    assert dict(labeller.lexicons) == {}  # nothing read yet
    post = msg("1", "shop", 0, "We are proud of our new kettle. Shop now!")
    assert labeller.label(post, Role.ORIGINAL).self_refs == 2  # "we", "our"
    # a post (or a draft, in `relaudit check`) needs the lexicons of own messages only: not complaint's, the largest
    assert sorted(labeller.lexicons) == ["audience-question", "audience-reference", "promotional", "self-reference"]
    assert "foreign_words" not in vars(labeller)
    complaint = msg("2", "ann", 1, "@shop my kettle is broken, I want a refund")
    assert labeller.label(complaint, Role.INBOUND).complaint
    # a complaint needs no question or praise scan, so those two are still unread; nor does a text without a foreign
    # word need the English words to weigh them against
    unread = {"question", "praise", "english"}
    assert set(labeller.lexicons) == set(LEXICONS) - unread and "foreign_words" in vars(labeller)
    assert labeller.label(msg("3", "ana", 2, "@shop mi pedido no llega y nadie contesta"), Role.INBOUND).not_labelled
    assert set(labeller.lexicons) == set(LEXICONS) - {"question", "praise"}
    with pytest.raises(KeyError):
        labeller.lexicons["no-such-lexicon"]

    # load_all reads every one; afterwards a new Labeller (a forked worker's) reads none of them again
    Labeller(rules_dir() / "lexicons", frozenset()).load_all()

    def no_reading(path):
        raise AssertionError(f"read again: {path}")

    monkeypatch.setattr(labels, "load_lexicon", no_reading)
    monkeypatch.setattr(labels, "_foreign_words", no_reading)
    worker = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    worker.load_all()
    assert sorted(worker.lexicons) == sorted(LEXICONS)
    assert worker.label(complaint, Role.INBOUND).complaint


def test_a_repeated_text_is_labelled_once_and_what_else_labels_read_is_in_the_key(monkeypatch):
    from relaudit import labels
    from relaudit.conversations import Role
    from relaudit.labels import Labeller
    from relaudit.resources import rules_dir
    from tests.conftest import msg

    labeller = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    calls = []
    structure_of = labels.structure  # read once for each inbound text labelled
    monkeypatch.setattr(labels, "structure", lambda text: calls.append(text) or structure_of(text))
    text = "@shop my kettle is broken and nobody answers"
    first = labeller.label(msg("1", "ann", 0, text), Role.INBOUND)
    again = labeller.label(msg("2", "bob", 5, text), Role.INBOUND)  # another author, time and id: the same labels
    assert first.complaint and again is first and calls == [text]
    assert labeller.label(msg("3", "cy", 9, text + "!"), Role.INBOUND) is not first and len(calls) == 2

    post = "We love our new kettle, what do you think?"
    original = labeller.label(msg("4", "shop", 0, post), Role.ORIGINAL)
    reply = labeller.label(msg("5", "shop", 1, post, reply_to="1"), Role.REPLY)
    assert original.asks_question and not reply.asks_question  # a reply is never asked whether it asks the audience
    assert original.self_refs == reply.self_refs == 2  # "we", "our"
    # an own message's mentions count as self-references when they name the account: part of the key, not the text
    tagged = dataclasses.replace(msg("6", "shop", 2, post), mentions=("shop",))
    assert labeller.label(tagged, Role.ORIGINAL).self_refs == 3
    assert labeller.label(msg("7", "shop", 3, post), Role.ORIGINAL) is original
    assert labeller.label(msg("8", "shop", 4, post), Role.REPOST) == labels.Labels()

    # the caches make no reference cycle: a labeller no longer referred to is freed at once, the collector off
    gc.disable()
    try:
        gone = weakref.ref(labeller)
        del labeller
        assert gone() is None
    finally:
        gc.enable()

    # bounded: the least recently used text is labelled again once LABELS_CACHED others came after it
    monkeypatch.setattr(labels, "LABELS_CACHED", 2)
    small = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    calls.clear()
    for n, words in enumerate(["a broken kettle", "a late refund", "a broken kettle", "no reply", "a late refund"]):
        small.label(msg(str(n), "ann", n, f"@shop {words}"), Role.INBOUND)
    assert calls == ["@shop a broken kettle", "@shop a late refund", "@shop no reply", "@shop a late refund"]


def judged_by_tokens(labeller, text):
    """Labeller.judgeable as it was before its shortcut: every token of the text without its handles and links."""
    from relaudit.labels import _STRIP
    from relaudit.lexicon import tokens

    english = labeller.lexicons["english"]
    found = tokens(_STRIP.sub(" ", text))
    if labeller.foreign_words.isdisjoint(found):
        return True
    words = [w for w in found if not w.isdigit()]
    if len(words) < english.min_words:
        return True
    foreign = sum(1 for w in words if w in labeller.foreign_words)
    return foreign < 2 or foreign <= english.count_words(words)


def glued_texts(count, seed=3):
    """Foreign, English and made-up words glued by what tokens() and _STRIP treat specially, or spaced."""
    import random

    rng = random.Random(seed)
    words = ["de", "la", "que", "und", "es", "y", "für", "está", "não", "as", "the", "my", "order", "is", "late"]
    words += ["dela", "yes", "kettle", "K", "İl", "LA", "De", "Über", "ça", "12", "_x", "x_", "x9"]
    glue = [" ", " ", " ", "", "-", "'", "\u2019", "@", "#", "_", "0", ".", "/", "?", "é", "😀", "\u212a", "İ"]
    glue += ["http://x.io/", "https://y.co ", " http://z ", "HTTP://w ", "ttp://", "@de", "#la", "de@", "la#"]
    for _ in range(count):
        parts = [rng.choice(words)]
        for _ in range(rng.randint(0, 9)):
            parts += [rng.choice(glue), rng.choice(words)]
        yield "".join(parts)


def test_the_language_shortcut_answers_as_the_tokens_do(monkeypatch):
    from relaudit import labels
    from relaudit.labels import Labeller
    from relaudit.resources import rules_dir

    labeller = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    texts = list(glued_texts(30_000))
    answers = [labeller.judgeable(text) for text in texts]
    assert answers == [judged_by_tokens(labeller, text) for text in texts]
    assert 3_000 < answers.count(False) < 27_000  # both answers are well represented
    # what _STRIP takes out of a link glued to a word leaves the word a token: four foreign words, no run of one
    glued = "pedido dehttp://x.io/ lahttp://x.io/ quehttp://x.io/ yhttps://x.io/"
    assert not labeller.judgeable(glued) and not judged_by_tokens(labeller, glued)

    # the shortcut answers for a text with no run of a-z that is a foreign word (without tokens: they are not made)
    monkeypatch.setattr(labels, "tokens", lambda text: pytest.fail(f"tokens made for {text!r}"))
    for text in ("@shop where is my order? #late", "dela kettle ÜBERla día", "🙂 you’ll love it"):
        assert labeller.judgeable(text)


def test_token_runs_are_the_tokens_as_bytes():
    from relaudit.lexicon import token_runs, tokens

    texts = [*glued_texts(30_000, seed=5), "a--b-c- -x", "--", "-", "x---y", "-a-", "we\u2019re-here--now", ""]
    texts += [text.replace(" ", rng) for text in texts[:3_000] for rng in ("--", "-", "\t")]
    # hyphens single, doubled, at either end
    assert sum("-" in text for text in texts) > 5_000 and sum("--" in text for text in texts) > 1_000
    for text in texts:
        assert [run.decode() for run in token_runs(text)] == tokens(text), text


def test_own_references_count_the_tokens_in_the_word_lists():
    from relaudit.conversations import Role
    from relaudit.labels import Labeller
    from relaudit.lexicon import token_runs
    from relaudit.resources import rules_dir
    from tests.conftest import msg

    labeller = Labeller(rules_dir() / "lexicons", frozenset({"shop"}))
    # "we're" and "you" are in the lists; "our-team" and "your-" glued are one token and "your": not "our"
    text = "@ann We\u2019re on it: you'll hear from our-team, your- order"
    labels = labeller.label(msg("2", "shop", 0, text, reply_to="1", reply_author="ann"), Role.REPLY)
    assert (labels.self_refs, labels.audience_refs) == (1, 2)
    for name in ("self-reference", "audience-reference"):
        lexicon = labeller.lexicons[name]
        words = sorted(lexicon.words)
        assert lexicon.count_runs(token_runs(" ".join(words))) == lexicon.count_words(words) > 5


def test_the_language_shortcut_answers_as_the_tokens_do_on_the_real_exports():
    from relaudit.labels import Labeller
    from relaudit.resources import rules_dir
    from tests.conftest import SHARED_DATA
    from tests.test_sentiment import shared_texts

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    labeller = Labeller(rules_dir() / "lexicons", frozenset())
    texts = sorted(shared_texts(SHARED_DATA))
    answers = [labeller.judgeable(text) for text in texts]
    assert answers == [judged_by_tokens(labeller, text) for text in texts]
    assert answers.count(False) > 100  # the Spanish, French... of the customer-care sets
