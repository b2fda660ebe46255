"""Matching the folded text without IGNORECASE finds exactly what IGNORECASE finds, at the same places."""

from __future__ import annotations

import random
import re

import pytest

from relaudit.casefold import CasePattern, fold, foldable
from relaudit.labels import LEXICONS
from relaudit.lexicon import load_lexicon, phrase_pattern
from relaudit.pipeline import load_rules
from relaudit.resources import rules_dir
from tests.conftest import SHARED_DATA
from tests.test_sentiment import shared_texts


def shipped_patterns() -> list[str]:
    """Every case-insensitive pattern relaudit ships: lexicon cues and phrase lists, rule patterns and phrases."""
    return [p.pattern for p in shipped_compiled()]


def shipped_compiled() -> list[CasePattern]:
    """The compiled forms of shipped_patterns(), as the audit uses them (phrase lists with their needles)."""
    compiled_ = []
    for name in LEXICONS:
        lexicon = load_lexicon(rules_dir() / "lexicons" / f"{name}.yaml")
        compiled_ += [p.compiled for p, _cue in lexicon._patterns if isinstance(p.compiled, CasePattern)]
        if lexicon._phrases is not None:
            compiled_.append(lexicon._phrases)
    for rule in load_rules():
        stack = [(rule.type, rule.options)]
        while stack:
            _kind, options = stack.pop()
            stack += [(c["type"], c["options"]) for c in options.get("conditions", [])]
            if "condition" in options:
                stack.append((options["condition"]["type"], options["condition"]["options"]))
            for key in ("_pattern", "_exceptions"):
                compiled = options.get(key)
                if isinstance(compiled, CasePattern):
                    compiled_.append(compiled)
                elif compiled is not None and isinstance(getattr(compiled, "compiled", None), CasePattern):
                    compiled_.append(compiled.compiled)
    return compiled_


def exact(source: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(source, text, re.IGNORECASE)]


def differences(sources: list[str], texts: list[str]) -> list[tuple[str, str]]:
    compiled = [CasePattern(s) for s in sources]
    return [(p.pattern, t) for t in texts for p in compiled if p.spans(t) != exact(p.pattern, t)]


# --- which patterns and texts may take the fast way (hand-decided) ---


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\b(?:refund|charged?)\b", True),
        (r"[!?]{2,}", True),
        (r"\border\s*#?\d{5,}\S*\W\B\A\Z", True),  # upper-case escapes that are classes or anchors
        (r"(?<![\w'])(?:please\ help|why)(?![\w'])", True),
        (r"\bOrder\b", False),  # an upper-case letter: IGNORECASE would let it match "order"
        (r"[A-Z]{4,}", False),
        (r"\x41", False),  # a letter by its code
        (r"\u0041", False),
        (r"\N{LATIN CAPITAL LETTER A}", False),
        (r"\N{LATIN SMALL LETTER A}", True),  # a small letter by name is still a small letter
        (r"[0-_]", False),  # a range that holds A-Z without naming them
        (r"[!-a]", False),
        (r"[a-z0-9_]+", True),
        (r"(?x) a b", False),  # an inline global flag
        (r"(a)\1", False),  # a back-reference
        (r"(?-i:abc)", False),  # an inline flag
        (r"café", False),  # not ASCII
    ],
)
def test_foldable(source: str, expected: bool) -> None:
    assert foldable(source) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My Order IS late", "my order is late"),
        ("Still broken \U0001f621 — day 3", "still broken \U0001f621 — day 3"),  # emoji and dash: uncased
        ("It's “fine”", "it's “fine”"),
        ("Café closed", None),  # a cased non-ASCII letter: the exact way
        ("\u212a", None),  # KELVIN SIGN folds onto k under IGNORECASE
        ("İstanbul", None),  # lower-cases to two characters
        ("ſorry", None),  # long s matches s under IGNORECASE
        ("", ""),
    ],
)
def test_fold(text: str, expected: str | None) -> None:
    assert fold(text) == expected


def test_unfoldable_texts_still_match_as_ignorecase_does() -> None:
    pattern = CasePattern(r"\bks?\b")
    for text in ("\u212a", "K", "\u212as", "İ K", "ſ k"):
        assert pattern.spans(text) == exact(pattern.pattern, text)
    assert CasePattern(r"\bsorry\b").search("ſorry")  # IGNORECASE's long-s folding, kept
    assert CasePattern(r"order").found("Your ORDER, your Order") == ["ORDER", "Order"]  # as written, not lower-cased


def test_a_pattern_with_capitals_is_never_folded() -> None:
    pattern = CasePattern(r"\bOK\b")
    assert pattern.folded is None
    assert pattern.search("ok then") and pattern.spans("Ok OK ok") == [(0, 2), (3, 5), (6, 8)]


# --- every shipped pattern, both ways, on many texts ---

PIECES = [
    "refund", "REFUND", "Refunded", "order", "#12345", "still", "waiting", "3 days", "not", "can't", "can’t", "won't",
    "why", "please help", "PLEASE   HELP", "@brand", "https://t.co/x", "!!", "??", "?!", "broken", "Broke", "app",
    "customer service", "you", "your", "we", "our", "shop now", "limited time", "sorry", "apologies", "thanks",
    "love", "\U0001f621", "\U0001f64f", "—", "“", "”", "é", "\u212a", "İ", "ſ", "Σ", "ß", "ﬁ", "-", "'", "_", "0",
    "a@b.co", "+44 20 7946 0958", "acct no. 998877", "buy now", "click the link", "proud to announce", "#1",
    "world-class", "sorry for any inconvenience", "don't miss out",
]  # fmt: skip
GLUE = [" ", "", "  ", "\n", ", ", ". ", "-", "'", "_", "/", "…", "\u00a0"]


def generated_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = [rng.choice(PIECES) + rng.choice(GLUE) for _ in range(rng.randint(1, 14))]
        texts.append("".join(parts))
    return texts


def test_shipped_patterns_are_found_and_mostly_foldable() -> None:
    sources = shipped_patterns()
    assert len(sources) >= 20
    assert sum(foldable(s) for s in sources) >= len(sources) - 2


def test_identical_to_ignorecase_on_generated_texts() -> None:
    assert differences(shipped_patterns(), generated_texts(4000, seed=11)) == []


def needle_differences(texts: list[str]) -> list[tuple[str, str]]:
    """Texts where a shipped pattern with needles finds other spans than IGNORECASE does."""
    with_needles = [p for p in shipped_compiled() if p.needles is not None]
    assert len(with_needles) >= 5  # the rules' phrase lists and the small lexicons' have them
    return [(p.pattern, t) for t in texts for p in with_needles if p.spans(t) != exact(p.pattern, t)]


def test_needles_change_no_match() -> None:
    words = [w for p in shipped_compiled() if p.needles for w in p.needles]
    rng = random.Random(3)
    texts = generated_texts(3000, seed=5)

    def variant(word: str) -> str:  # whole, cut, glued to other letters, capitalised, or something else
        return rng.choice([word, word.upper(), word[:-1], "x" + word, word + "s", rng.choice(PIECES)])

    # needles there, but not always a match
    texts += [rng.choice(GLUE).join(variant(rng.choice(words)) for _ in range(6)) for _ in range(3000)]
    assert needle_differences(texts) == []
    with_needles = [p for p in shipped_compiled() if p.needles is not None]
    matched = sum(1 for t in texts if any(p.spans(t) for p in with_needles))
    assert 1_000 < matched < len(texts) - 1_000  # the sample has texts that match and texts that do not


def test_identical_to_ignorecase_on_every_text_in_the_real_exports() -> None:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    texts = sorted(shared_texts(SHARED_DATA))
    assert len(texts) > 30_000
    assert differences(shipped_patterns(), texts) == []
    assert needle_differences(texts) == []
    assert trie_differences(texts) == []


# --- phrase lists as a trie find what the flat, longest-first alternation finds ---


def flat(phrases: list[str]) -> str:
    """The phrase pattern as it was built before the trie: every phrase a branch, longest first."""
    parts = sorted({" ".join(p.lower().split()) for p in phrases}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(word) for word in part.split()) for part in parts)
    return rf"(?<![\w'])(?:{body})(?![\w'])"


def shipped_phrase_lists() -> list[list[str]]:
    lists = []
    for name in LEXICONS:
        lexicon = load_lexicon(rules_dir() / "lexicons" / f"{name}.yaml")
        lists.append([c.text for c in lexicon.cues if c.kind == "phrase"])
    for rule in load_rules():
        stack = [rule.options]
        while stack:
            options = stack.pop()
            stack += [c["options"] for c in options.get("conditions", [])]
            if "condition" in options:
                stack.append(options["condition"]["options"])
            lists += [list(options[key]) for key in ("phrases", "exceptions") if options.get(key)]
    return [phrases for phrases in lists if phrases]


def trie_differences(texts: list[str]) -> list[tuple[str, str]]:
    found = []
    for phrases in shipped_phrase_lists():
        trie, plain = phrase_pattern(phrases), flat(phrases)
        assert trie is not None
        assert trie.pattern != plain or len(phrases) == 1
        for text in texts:
            if trie.spans(text) != exact(plain, text):
                found.append((phrases[0], text))
    return found


def test_phrase_trie_finds_the_longest_phrase_first() -> None:
    pattern = phrase_pattern(["sorry", "sorry for the inconvenience", "sorry for", "so"])
    assert pattern is not None
    found = pattern.found("So SORRY for  the inconvenience, sorry for it")
    assert found == ["So", "SORRY for  the inconvenience", "sorry for"]
    assert pattern.found("sorry for the inconveniences") == ["sorry for"]  # the longest one that ends at a word


def test_phrase_tries_match_as_flat_lists_on_generated_texts() -> None:
    rng = random.Random(21)
    words = sorted({w for phrases in shipped_phrase_lists() for p in phrases for w in p.lower().split()})
    texts = generated_texts(1500, seed=23)
    texts += [
        "".join(rng.choice(words + PIECES) + rng.choice(GLUE) for _ in range(rng.randint(1, 12))) for _ in range(2500)
    ]
    assert trie_differences(texts) == []


def test_phrase_lists_a_user_may_write_still_load():
    """An empty phrase and a very long one: loaded, and matching as the flat alternation does (review findings)."""
    for phrases in (["buy now", "  "], [""], ["a" * 600, "b"], ["x " * 300, "x"]):
        pattern = phrase_pattern(phrases)
        assert pattern is not None
        for text in ("buy now x", "x. y", "", "a" * 600 + " b", "x " * 300):
            assert pattern.spans(text) == exact(flat(phrases), text), (phrases[0][:10], text[:10])
