"""RE2 sets answer exactly as Python's re does, for every shipped lexicon pattern, or do not answer at all."""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest

from relaudit.casefold import CasePattern, fold
from relaudit.labels import LEXICONS
from relaudit.lexicon import Lexicon, load_lexicon
from relaudit.patterns import SafePattern, compile_pattern
from relaudit.patternset import WARM_UP, PatternSet
from relaudit.pipeline import load_rules
from relaudit.resources import rules_dir
from tests.test_casefold import generated_texts
from tests.test_sentiment import shared_texts

needs_re2 = pytest.mark.skipif(
    importlib.util.find_spec("re2") is None, reason="google-re2 (the 'fast' extra) is not installed"
)


def lexicons(ready: bool = True) -> list[Lexicon]:
    """The shipped lexicons, their RE2 sets built at once (not after the warm-up) unless `ready` is False."""
    found = [load_lexicon(rules_dir() / "lexicons" / f"{name}.yaml") for name in LEXICONS]
    for lexicon in found if ready else []:
        lexicon._set.ready()
    return found


def disagreements(texts: list[str]) -> list[tuple[str, str]]:
    """(pattern, text) where the RE2 set's answer is not re's search on the same folded text."""
    found = []
    for lexicon in lexicons():
        for text in texts:
            folded = fold(text.replace("\u2019", "'"))
            hits = lexicon._set.hits(folded)
            if hits is None:
                continue
            for position, index in lexicon._set.index.items():
                # a cue pattern, or after them the gate of the phrase list (which tells whether it matches)
                gate = position == len(lexicon._patterns)
                pattern = lexicon._phrases if gate else lexicon._patterns[position][0].compiled
                assert isinstance(pattern, CasePattern) and pattern.folded is not None and folded is not None
                if (index in hits) != (pattern.folded.search(folded) is not None):
                    found.append((pattern.pattern, text))
    return found


@needs_re2
def test_the_complaint_patterns_are_in_the_set():
    complaint = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    assert complaint._set.ready()
    assert len(complaint._patterns) == 11 and complaint._set.complete
    assert complaint._set.gate == complaint._set.index[11]  # and the gate of its phrases


@needs_re2
def test_phrase_lists_have_a_gate_where_it_is_worth_a_call():
    gated = {lexicon.name: lexicon._set.gate is not None for lexicon in lexicons() if lexicon._phrases is not None}
    # question and audience-question have few phrases, whose longest words are looked for first instead; praise has
    # no pattern, so the gate would be an RE2 call of its own, costing about what it spares
    assert gated == {
        "complaint": True,
        "question": False,
        "praise": False,
        "promotional": True,
        "audience-question": False,
    }


def phrase_texts(count: int, seed: int) -> list[str]:
    """Texts of the lexicons' phrases, cut and glued at and inside words, so that they match about half the time."""
    rng = random.Random(seed)
    phrases = sorted({phrase for lexicon in lexicons() for phrase in lexicon._by_phrase})
    pieces = [*phrases, *(p[: len(p) // 2] for p in phrases), *(p[len(p) // 2 :] for p in phrases), "'", "x", "9"]
    glue = [" ", "", "  ", "\n", "\t", "'", "-", "_", ".", "😀", "’", "é"]
    return ["".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randint(1, 6))) for _ in range(count)]


@needs_re2
def test_phrase_gates_agree_with_re_at_word_edges():
    texts = phrase_texts(8000, seed=43)
    assert disagreements(texts) == []
    complaint = next(lexicon for lexicon in lexicons() if lexicon.name == "complaint")
    answered = [complaint._set.hits(fold(t)) for t in texts]
    assert sum(1 for h in answered if h is not None and complaint._set.gate in h) > 1000  # the gate opens...
    assert sum(1 for h in answered if h is not None and complaint._set.gate not in h) > 1000  # ... and stays shut


def ascii_texts(count: int, seed: int) -> list[str]:
    """Texts of the patterns' own words (so they match often), ASCII punctuation, digits and odd spaces."""
    rng = random.Random(seed)
    words = sorted(
        {w for lexicon in lexicons() for p, _ in lexicon._patterns for w in re.findall(r"[a-z']+", p.source)}
    )
    pieces = [*words, "!", "?", "!!", "?!", "#fail", "3", "12", "days", "@brand", "https://t.co/x", "'", "-", "_", "."]
    glue = [" ", "", "  ", "\n", "\t", "\r\n", ", ", "\x0b", "\x1f"]
    return ["".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randint(1, 15))) for _ in range(count)]


@needs_re2
def test_re2_agrees_with_re_on_generated_texts():
    texts = generated_texts(3000, seed=31) + ascii_texts(6000, seed=33)
    assert disagreements(texts) == []
    complaint = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    assert complaint._set.ready()
    answered = [complaint._set.hits(fold(t)) for t in texts]
    assert sum(1 for h in answered if h) > 1000  # the texts hit patterns...
    assert sum(1 for h in answered if h is None) > 1000  # ... and many are left to re (not ASCII, say)


@needs_re2
def test_re2_agrees_with_re_on_every_text_in_the_real_exports(shared_data: Path):
    assert disagreements(sorted(shared_texts(shared_data))) == []


@needs_re2
def test_texts_re2_reads_differently_are_left_to_re():
    pattern = CasePattern(r"a\sb")
    found = PatternSet([pattern])
    assert found.ready()
    assert found.hits("a b") == {0}
    assert found.hits("a\x0bb") is None  # Python's \s matches a vertical tab, RE2's does not
    assert found.hits("café") is None  # not ASCII
    assert found.hits(None) is None  # a text that cannot be folded


@needs_re2
def test_texts_with_emoji_and_symbols_are_answered_through_a_stand_in():
    found = PatternSet([CasePattern(r"a\W+b"), CasePattern(r"\bno\b.*help")])
    assert found.ready() and found.stand_in == "\x00"
    # an emoji, a curly quote, a dash: to Python none is a word character or a space, as \x00 is not
    assert found.hits("a 😀 b") == {0} and re.search(r"a\W+b", "a 😀 b")
    assert found.hits("a😀b") == {0}
    assert found.hits("no—help ’") == {1}
    assert found.hits("ab 😀") == set()
    assert found.hits("a é b") is None  # é is a word character to Python, not to RE2
    assert found.hits("a\u00a0b") is None  # a no-break space is a space to Python, not to RE2
    assert found.hits("a 中 b") is None  # so is 中 (a letter)


@needs_re2
def test_the_stand_in_is_a_character_no_pattern_names():
    found = PatternSet([CasePattern(r"[^\x00]y"), CasePattern(r"[\x01-\x03]z")])
    assert found.ready() and found.stand_in == "\x04"
    assert found.hits("😀y") == {0} and re.search(r"[^\x00]y", "😀y")  # \x00 would not have matched [^\x00]
    assert found.hits("😀z") == set() and not re.search(r"[\x01-\x03]z", "😀z")


@needs_re2
def test_a_pattern_naming_a_character_beyond_ascii_keeps_such_texts_with_re():
    found = PatternSet([CasePattern(r"[\xb7]x"), CasePattern("plain")])  # an ASCII source naming "·"
    assert found.ready() and found.index == {0: 0, 1: 1} and found.stand_in is None
    assert found.hits("·x") is None  # the stand-in would not be "·"
    assert found.hits("plain x") == {1}  # ASCII texts still go to RE2


def symbol_texts(count: int, seed: int) -> list[str]:
    """ascii_texts with emoji, symbols and punctuation beyond ASCII in them, and now and then a letter or space."""
    rng = random.Random(seed)
    others = ["😀", "👍🏽", "❤️", "’", "“", "—", "…", "€", "™", "\u200d", "\ufe0f", "·"]
    rare = ["é", "中", "\u00a0", "\u2009", "K", "ß", "٣"]
    texts = []
    for text in ascii_texts(count, seed):
        if rng.random() < 0.9:  # most without the ASCII controls that keep a text with re anyway
            text = text.replace("\x0b", " ").replace("\x1f", " ")
        cut = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(1, 4)))
        pieces = [text[a:b] for a, b in zip([0, *cut], [*cut, len(text)])]
        extra = [rng.choice(rare if rng.random() < 0.1 else others) for _ in pieces[1:]]
        texts.append("".join(p + e for p, e in zip(pieces, [*extra, ""])))
    return texts


@needs_re2
def test_re2_agrees_with_re_on_texts_with_emoji_and_symbols():
    texts = symbol_texts(6000, seed=41)
    assert disagreements(texts) == []
    complaint = load_lexicon(rules_dir() / "lexicons" / "complaint.yaml")
    assert complaint._set.ready() and complaint._set.stand_in is not None
    beyond = [folded for folded in map(fold, texts) if folded is not None and not folded.isascii()]
    answered = [complaint._set.hits(folded) for folded in beyond]
    assert len(beyond) > 5000
    assert sum(1 for h in answered if h) > 1000  # RE2 answers for many of them, and they hit patterns
    assert sum(1 for h in answered if h is None) > 500  # those with a letter or space beyond ASCII go to re


@needs_re2
def test_patterns_re2_reads_differently_are_left_out(capfd):
    patterns = [CasePattern(r"end$"), CasePattern(r"(?<!x)y"), CasePattern(r"Capital"), CasePattern("fine"), None]
    found = PatternSet(patterns)
    assert found.ready()
    assert found.index == {3: 0}  # $ (before a final newline in re), a look-behind, an unfoldable pattern, none
    assert capfd.readouterr().err == ""  # RE2 refused the look-behind without a word on the terminal


@needs_re2
def test_re2_is_loaded_only_for_many_texts():
    found = PatternSet([CasePattern("fine")])
    assert [found.hits("fine") for _ in range(WARM_UP - 1)] == [None] * (WARM_UP - 1)  # re answers meanwhile
    assert found.set is None
    assert found.hits("fine") == {0} and found.set is not None


def test_labels_are_the_same_without_re2(monkeypatch):
    texts = generated_texts(3000, seed=37) + ascii_texts(2000, seed=39)
    with_set = [[cue.text for cue in lexicon.matches(t)] for lexicon in lexicons() for t in texts]
    monkeypatch.setitem(sys.modules, "re2", None)  # as if it were not installed: importing it fails
    plain = lexicons()
    assert not any(lexicon._set.open for lexicon in plain)  # nothing for RE2 to answer
    assert [[cue.text for cue in lexicon.matches(t)] for lexicon in plain for t in texts] == with_set


@needs_re2
@pytest.mark.filterwarnings("ignore:Possible nested set")  # re's own warning about [[:alpha:]]
def test_syntax_re2_reads_otherwise_is_left_to_re():
    # re reads x{,2} as x{0,2} and [[:alpha:]] as a set of characters; RE2 reads them otherwise (review finding)
    found = PatternSet([CasePattern("x{,2}y"), CasePattern("a{,}b"), CasePattern("[[:alpha:]]+"), CasePattern("ok")])
    assert found.ready()
    assert found.index == {3: 0}


# --- gates: RE2 tells a shipped rule's pattern it cannot match, so `re` is not run on the text ---


def shipped_gates() -> list[SafePattern]:
    """Every trusted pattern of the default rule pack (nested conditions too), its RE2 gate built at once."""
    found: list[SafePattern] = []

    def walk(value: object) -> None:
        if isinstance(value, SafePattern):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for rule in load_rules():
        walk(rule.options)
    gated = [p for p in found if p.gate is not None and p.gate.ready()]
    return gated


def gate_disagreements(texts: list[str]) -> list[tuple[str, str]]:
    """(pattern, text) where a gate says "no match" and re finds one, or says "a match" and re finds none."""
    found = []
    for pattern in shipped_gates():
        assert pattern.gate is not None
        for text in texts:
            folded = isinstance(pattern.compiled, CasePattern)
            target = fold(text) if folded else text
            hits = pattern.gate.hits(target)
            if hits is None:
                continue
            compiled = pattern.compiled.folded if folded else pattern.compiled
            assert target is not None and compiled is not None
            if bool(hits) != (compiled.search(target) is not None):
                found.append((pattern.source, text))
    return found


def rule_texts(count: int, seed: int) -> list[str]:
    """Texts of what the shipped rule patterns look for: capitals, !!!, addresses, numbers, order references."""
    rng = random.Random(seed)
    pieces = ["HUGE", "SALE", "NOW", "OK", "A", "Huge", "sale", "!", "!!", "!!!", "sam.jones@example.com", "a@b", "@",
              "x.y", "+44", "7700", "900123", "(0)", "-", "order", "ORDER", "no.", "number", "#", "acct", "4821377",
              "1234", "account", "_", "é", "\u00a0"]  # fmt: skip
    glue = [" ", "", "  ", "\n", "\t", ", ", "\x0b", "\x1c", "."]
    return ["".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randint(1, 12))) for _ in range(count)]


@needs_re2
def test_the_shipped_pattern_rules_are_gated():
    sources = {p.source for p in shipped_gates()}
    assert len(sources) >= 2  # personal data (folded) and shouting (case-sensitive)
    assert any("[A-Z]" in source for source in sources)


@needs_re2
def test_gates_agree_with_re_on_generated_texts():
    texts = generated_texts(2000, seed=41) + rule_texts(8000, seed=43)
    assert gate_disagreements(texts) == []
    shouting = next(p for p in shipped_gates() if "[A-Z]" in p.source)
    assert shouting.gate is not None
    answered = [shouting.gate.hits(t) for t in texts]
    assert sum(1 for h in answered if h) > 100 and sum(1 for h in answered if h == set()) > 1000


@needs_re2
def test_gates_agree_with_re_on_every_text_in_the_real_exports(shared_data: Path):
    assert gate_disagreements(sorted(shared_texts(shared_data))) == []


@needs_re2
def test_gated_matches_are_the_ungated_matches():
    texts = generated_texts(1000, seed=45) + rule_texts(4000, seed=47)
    for pattern in shipped_gates():
        ungated = dataclasses.replace(pattern, gate=None)
        assert [pattern.findall_text(t) for t in texts] == [ungated.findall_text(t) for t in texts], pattern.source
        assert [pattern.search(t) for t in texts] == [ungated.search(t) for t in texts], pattern.source


@needs_re2
def test_a_case_sensitive_set_asks_the_text_itself():
    found = PatternSet.case_sensitive(r"A\sB")
    assert found.ready()
    assert found.hits("A B") == {0} and found.hits("a b") == set()
    assert found.hits("A\x0bB") is None and found.hits("É A B") is None
    assert not PatternSet.case_sensitive("end$").open and not PatternSet.case_sensitive("É").open


@needs_re2
def test_a_digit_escape_is_left_to_re():
    # re reads \\10 as a back-reference to group 10; RE2 takes it for an octal character and would say "no match"
    source = r"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10"
    assert not PatternSet.case_sensitive(source).open
    gated = compile_pattern(source, ignore_case=False, trusted=True)
    for _ in range(WARM_UP + 1):
        assert gated.search("abcdefghijj")


@needs_re2
def test_a_set_too_big_for_re2_is_left_to_re():
    source = r"[^a]{1000}" * 64  # valid for re; RE2 cannot compile a set of it within its memory budget
    found = PatternSet.case_sensitive(source)
    assert found.open and not found.ready()
    assert found.hits("x" * 10) is None and found.set is None


def test_a_lexicon_has_a_set_only_where_it_is_worth_a_call():
    # RE2's call costs more than `re` takes for question's two patterns and audience-question's one (no phrase
    # gate either): those stay with `re`; complaint's eleven and promotional's two with its phrase gate go to RE2
    opened = {lexicon.name: lexicon._set.open for lexicon in lexicons(ready=False) if lexicon._patterns}
    assert opened == {"complaint": True, "promotional": True, "question": False, "audience-question": False}
