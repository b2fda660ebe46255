"""relaudit's polarity is TextBlob's, exactly: the fast analyser checked float for float against TextBlob's own."""

from __future__ import annotations

import csv
import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textblob import TextBlob
from textblob.en import sentiment as textblob_sentiment  # the analyser TextBlob(text).sentiment calls

from relaudit import sentiment
from relaudit.sentiment import _analyser, _lexicon, may_be_negative, pattern_polarity
from tests.conftest import SHARED_DATA


def reference(text: str) -> float:
    """TextBlob's polarity: `TextBlob(text).sentiment.polarity` is this call's first value (checked below)."""
    return float(textblob_sentiment(text)[0])


def differences(texts: list[str]) -> list[tuple[str, float, float]]:
    return [(t, ours, theirs) for t in texts if (ours := pattern_polarity(t)) != (theirs := reference(t))]


# --- hand-computed values (lexicon: good 0.7; very 0.2 with intensity 1.3; terrible -1.0; smile :) 0.5) ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0.0),
        ("   \n\n\t ", 0.0),
        ("the parcel arrived", 0.0),  # no known word: no chunk, 0 / 1.0
        ("good", 0.7),
        ("Good.", 0.7),
        ("not good", 0.7 * -0.5),  # a negation halves and flips
        ("don't like it", 0.0),  # "n't" never survives find_tokens ("do n ' t"), and "like" scores 0.0
        ("very good", 0.7 * 1.3),  # a modifier multiplies by its intensity
        ("good!", 0.7 * 1.25),  # "!" boosts the chunk before it
        ("good!!!!", 1.0),  # ... capped at 1
        ("terribly", -1.0),  # the -ly adverb textblob.en adds for the adjective "terrible"
        ("good :(", (0.7 + -0.75) / 2),  # emoticons are chunks too
        (": )", 0.5),  # find_tokens closes up a spaced emoticon within a sentence
        ("good ( ! )", (0.7 + 0.0) / 2),  # "(!)" is a chunk of polarity 0
        ("o . O", 0.0),  # "." ends the sentence, so no "o.O" (gasp, 0.05) is formed
        ("o .O", 0.05),
    ],
)
def test_hand_computed_polarity(text: str, expected: float) -> None:
    assert pattern_polarity(text) == expected
    assert reference(text) == expected


def test_the_reference_is_what_textblob_returns() -> None:
    texts = stress_texts(1500, seed=3)
    assert [t for t in texts if TextBlob(t).sentiment.polarity != reference(t)] == []


def test_lexicon_is_textblobs_own() -> None:
    textblob_sentiment("good")  # its lazy dict loads on first use
    assert dict(dict.items(_analyser())) == dict(dict.items(textblob_sentiment))
    assert len(_lexicon().scores) == len(dict.keys(textblob_sentiment)) > 2800


def test_regex_whitespace_is_str_split_whitespace() -> None:
    # find_tokens collapses r"\s+" and splits on r"\s"; we use str.split() too: the same set of characters.
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"\s", everything) == [c for c in everything if c.isspace()]
    assert re.findall(r"\S", everything) == [c for c in everything if not c.isspace()]


# --- many texts that stress every rule ---

FILLER_WORDS = r"""
the my order parcel refund app is was it I you we and but or so too still again
not no never n't don't isn't can't won't doesn't wasn't NOT Never No
very really extremely quite so totally absolutely pretty hardly barely VERY Really
I'm you're we've they'll he'd it's there's y'all o'clock rock'n'roll
! !! !!! !?! ?! ? ?? . .. ... .... , ; : - -- ( ) [ ] { } " ' ` * _ = ~ | ^ & $ # @
(!) ( ! ) (! ) ( !) !) (!
:) :-) :( :-( ;-) ;) <3 ♥ :D :-D XD xD :P :p :/ :\ :'( ;'( :'''( >:) >:( 8-) 8) =) =( :c :o) :^)
o.O o_O °o° °O° >.> :-. :3 :] :[ :} :{ :> :-< :S :s =/ =] *) *-) ;D ;^) ;] >;]
😡 😀 ❤️ 👍 🙂 😢 🔥 💯 ✨ 🙏🏽
@brand @Brand_Care #fail #Love #good https://t.co/x1Ab http://example.com/a.b?c=d www.shop.com
“good” ‘bad’ “not ’quoted‘ «guillemets» „low“
Mr. Dr. e.g. i.e. etc. U.S. a.m. p.m. T. Mrs. Thx. vs. w/ No. A.B.C. .5 2.18 $816 30% 7am 27th
END-OF-SENTENCE ΟΔΥΣΣΕΥΣ ΣΑΣ Σ İstanbul ǅ ß ﬁ café naïve Straße
a x o O D P b c s S 8 3 X
"""
FILLERS = FILLER_WORDS.split()
SEPARATORS = [" "] * 40 + ["", "  ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", "\u00a0", "\u2003", "\x1c", "\u3000"]
WRAPS = ["{}", "{},", "{}.", "{}!", "{}?", "({})", '"{}"', "'{}'", "{}...", "{}!!", "#{}", "@{}", "{}:)", "*{}*"]


def stress_texts(count: int, seed: int) -> list[str]:
    """Texts mixing the lexicon's words with every rule's triggers, glued by odd separators and case changes."""
    rng = random.Random(seed)
    lexicon = sorted(w for w in _lexicon().scores if " " not in w)
    texts = []
    for _ in range(count):
        words = []
        for _ in range(rng.choice([1, 2, 3, 5, 8, 13, 21, 34])):
            word = rng.choice(lexicon) if rng.random() < 0.4 else rng.choice(FILLERS)
            if rng.random() < 0.15:
                word = rng.choice(WRAPS).format(word)
            if rng.random() < 0.1:
                word = rng.choice([str.upper, str.title, str.capitalize])(word)
            words.append(word)
            words.append(rng.choice(SEPARATORS))
        texts.append("".join(words[:-1]))
    return texts


def test_identical_to_textblob_on_stress_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = stress_texts(24_000, seed=7)
    calls = {"_sentences": 0, "_split_period_token": 0}
    for name in calls:
        monkeypatch.setattr(sentiment, name, counted(getattr(sentiment, name), name, calls))
    scores = [pattern_polarity(t) for t in texts]
    monkeypatch.undo()
    assert [(t, s) for t, s in zip(texts, scores) if s != reference(t)] == []
    assert sum(1 for s in scores if s != 0) > 18_000  # the sample exercises the lexicon, not just zeros
    assert sum(1 for s in scores if s < 0) > 7_000
    # ... and both ways through the tokenizer: with and without a spaced emoticon to close up per sentence
    assert 5_000 < calls["_sentences"] < len(texts) - 5_000
    assert calls["_split_period_token"] > 10_000  # tokens that end in a period


def counted(function: Callable[..., Any], name: str, calls: dict[str, int]) -> Callable[..., Any]:
    def wrapper(*args: Any) -> Any:
        calls[name] += 1
        return function(*args)

    return wrapper


def test_identical_to_textblob_on_edge_texts() -> None:
    rng = random.Random(11)
    faces = [face for faces in _lexicon().text.EMOTICONS.values() for face in faces]
    spaced_faces = [" ".join(face) for face in faces] + [" . ".join(face.split(".")) for face in faces if "." in face]
    texts = [
        "",
        " ",
        "\n",
        "\n\n\n",
        "\r\n\r\n",
        "!",
        "!!!",
        "(!)",
        "( ! )",
        "not",
        "not !",
        "very",
        "very !",
        "not very good",
        "very not good",
        "really not good",
        "not a good",
        "not the good",
        "really is a good",
        "good END-OF-SENTENCE good",
        "END-OF-SENTENCE",
        "ΟΔΥΣΣΕΥΣ good ΣΑΣ. Σ",
        *faces,
        *spaced_faces,
        *(f"good {f} bad {f}." for f in spaced_faces),
        *(f"terrible? {f} !" for f in faces),
        *(" ".join(rng.choice(FILLERS) for _ in range(2_000)) for _ in range(3)),  # long texts
        "great! " * 3_000,
        "a" + "," * 3_000 + "b",  # hostile punctuation runs, inside and at the ends of a token
        "(" * 1_000 + "good" + ")" * 1_000,
        "good" + ".," * 1_000,
        "'" * 2_000 + "good" + "." * 2_000,
        "Mr. Smith was not happy... Really!!! (!) :-( " * 200,
    ]
    assert differences(texts) == []


# --- every text in the real exports ---


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def shared_texts(folder: Path) -> set[str]:
    """Every string in the CSV, JSON and X-archive .js files under folder: texts, names, ids, dates alike."""
    csv.field_size_limit(sys.maxsize)
    texts: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                texts.update(cell for row in csv.reader(handle) for cell in row)
        elif path.suffix in (".json", ".js"):
            source = path.read_text(encoding="utf-8")
            if path.suffix == ".js":  # window.YTD.tweets.part0 = [...] and Grailbird's var = ...
                source = source[source.find("=") + 1 :]
            texts.update(strings_in(json.loads(source)))
    return texts


def test_identical_to_textblob_on_every_text_in_the_real_exports() -> None:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    texts = sorted(shared_texts(SHARED_DATA))
    assert len(texts) > 30_000
    assert differences(texts) == []


# --- may_be_negative: a cheap test that may only err towards yes ---


def missed_negatives(texts: list[str]) -> list[tuple[str, float]]:
    """Texts may_be_negative clears although their polarity is below zero (must be none)."""
    return [(t, v) for t in texts if not may_be_negative(t) and (v := pattern_polarity(t)) < 0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks, we'll look into it", False),
        ("That is a bad delay", True),  # a negative word
        ("We are not sure yet", True),  # a negation
        ("We can't", True),  # "n't"
        ("WE WON'T", True),  # upper case: the tokenizer splits only lower "n't", but "won't" is negative itself
        ("Sorry :(", True),  # an emoticon
        ("a rip-off", True),  # a hyphenated negative word
        ("unbad", False),  # a run of letters, not the word
        ("See https://example.com/help", False),  # the colon of a link is no emoticon
        ("See https:// :/", True),
        ("Ugh : (", True),  # a spaced emoticon, closed up by the tokenizer
        ("bad1", True),  # errs towards yes: the run "bad" is checked though the word is "bad1"
        ("Tip: clean it weekly", False),  # a colon, but no face: ":c" is followed by a letter
        ("Re: your order", False),
        ("x:(", True),  # a face glued to the word before it is still closed up
        (":(abc", True),  # marks at the start of a token are split off it: ":", "(", "abc"
        ("Note:\n\n(see above)", True),  # whitespace of any kind between its characters
        ("so :-S", True),
        ("ok =/", True),
    ],
)
def test_may_be_negative_by_hand(text: str, expected: bool) -> None:
    assert may_be_negative(text) is expected


def test_every_negative_entry_is_looked_for() -> None:
    lexicon = _lexicon()
    negative = {w for w, (p, i) in lexicon.scores.items() if p < 0 or i < 0} | set(lexicon.negations)
    negative |= {face for face, p in lexicon.emoticons.items() if p < 0}
    runs, others = sentiment._negative()
    for entry in negative:
        if " " in entry:
            continue  # no word of the tokenizer holds a space
        assert entry.encode() in runs or entry in others or "n't" in entry or re.search("[:;=>]", entry), (
            entry
        )  # a run of a-z, a hyphenated word, a contraction or an emoticon: may_be_negative checks each way
    assert len(runs) > 1_000 and ":(" in negative and "rip-off" in others


LINKS = [
    "https://t.co/abc",
    "http://x.co/a:(",
    "https://",
    "https:// :/",
    "p://",
    "HTTPS://X",
    "http://'a",
    "s://:-(",
    "a://b",
]


def test_may_be_negative_never_clears_a_negative_text() -> None:
    rng = random.Random(17)
    texts = stress_texts(24_000, seed=13)
    texts += [f"{t}{rng.choice(SEPARATORS)}{rng.choice(LINKS)}{rng.choice(SEPARATORS)}{t[:9]}" for t in texts[:8_000]]
    assert missed_negatives(texts) == []
    cleared = [t for t in texts if not may_be_negative(t)]
    assert len(cleared) > 2_000  # it does clear texts, so it can spare work
    assert all(pattern_polarity(t) >= 0 for t in cleared)


def face_texts(count: int, seed: int) -> list[str]:
    """Texts of emoticons, their characters apart, marks, letters and digits glued by any separator."""
    rng = random.Random(seed)
    faces = sorted(_lexicon().emoticons)
    pieces = [*":;=>-'([{<\\/.csCS)D]", "n't", "https://", "p://", "s://", "\u201c", '"', "!", "...", "_", "#", "@"]
    words = ["tip", "clean", "see", "a", "x1", "2", "sad", "ok", "bad", "good", "c", "s", "ca", "sit", "café", "İs"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 8)):
            pool = rng.choices([faces, pieces, words], weights=[2, 5, 3])[0]
            parts.append(rng.choice(pool))
            parts.append(rng.choice(["", "", "", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0"]))
        texts.append("".join(parts).strip() or ":(")
    return texts


def test_may_be_negative_never_misses_a_face() -> None:
    texts = face_texts(40_000, seed=3)
    values = {t: pattern_polarity(t) for t in texts}
    assert sum(1 for v in values.values() if v < -0.5) > 3_000  # faces are found and scored
    for bound in (0.0, -0.5, -0.75):
        assert [(t, v) for t, v in values.items() if v < bound and not may_be_negative(t, bound)] == []
    marked = [t for t in texts if re.search("[:;=>]", t)]
    assert sum(1 for t in marked if not may_be_negative(t)) > 2_000  # a mark alone is no longer reason to compute


def test_may_be_negative_on_real_texts() -> None:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    texts = sorted(shared_texts(SHARED_DATA))
    assert missed_negatives(texts) == []
    assert sum(1 for t in texts if pattern_polarity(t) < 0) > 2_000  # 2,193 of them are negative: a real test


# --- may_be_negative(text, below) for a bound of -0.5 or less: negations alone cannot reach it ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We are not sure yet", False),  # a negation: at most -0.5 (here 0.0, "sure" being positive)
        ("not good at all", False),  # -0.35, not below -0.5
        ("never, no, not ever", False),
        ("We can't", False),  # a lower-case "n't" is cut off its word and falls apart: no negative word is left
        ("It was awfuln't", True),  # ... but the word before it may be one, without its "n"
        ("Terriblen't!", True),
        ("WE WON'T", True),  # kept inside "won't", a negative word
        ("We Can'T help", True),
        ("That is a bad delay", True),  # a negative word
        ("not bad", True),  # errs towards yes: the negative word is there
        ("Sorry :(", True),  # an emoticon
        ("a rip-off", True),
        ("Thanks, we'll look into it", False),
    ],
)
def test_may_be_below_half_by_hand(text: str, expected: bool) -> None:
    assert may_be_negative(text, -0.5) is expected
    assert may_be_negative(text, -0.9) is expected
    assert may_be_negative(text, -0.49) is may_be_negative(text)  # above -0.5 a negation still counts


NEGATION_PARTS = ["not", "never", "no", "n't", "don't", "can't", "CAN'T", "Won'T", "isn't", "NOT", "Never", "awfuln't"]


def negation_texts(count: int, seed: int) -> list[str]:
    """Texts of negations, modifiers, strong words and exclamation marks: the edges of the -0.5 floor."""
    rng = random.Random(seed)
    lexicon = _lexicon()
    strong = sorted(w for w, (p, _) in lexicon.scores.items() if abs(p) >= 0.5 and " " not in w)
    modifiers = sorted(w for w in lexicon.modifiers if " " not in w)
    pools = [NEGATION_PARTS, strong, modifiers, ["!", "!!", "(!)", ":(", ":-(", ":)"], FILLERS]
    texts = []
    for _ in range(count):
        words = [rng.choice(rng.choices(pools, weights=[4, 4, 3, 1, 2])[0]) for _ in range(rng.randint(1, 9))]
        words = [w + "n't" if rng.random() < 0.04 else w for w in words]  # glued: "awfuln't" holds "awful"
        texts.append("".join(w + rng.choice(SEPARATORS) for w in words).strip())
    return texts


def test_may_be_below_half_never_clears_a_text_below_it() -> None:
    texts = negation_texts(30_000, seed=5) + stress_texts(12_000, seed=29)
    if SHARED_DATA.is_dir():
        texts += sorted(shared_texts(SHARED_DATA))
    values = {t: pattern_polarity(t) for t in texts}
    for bound in (-0.5, -0.75):
        assert [(t, v) for t, v in values.items() if v < bound and not may_be_negative(t, bound)] == []
    assert sum(1 for v in values.values() if v < -0.5) > 3_000  # the floor is tested, not just approached
    assert sum(1 for v in values.values() if v == -0.5) > 500  # and met exactly ("not good!" and the like)
    spared = [t for t in texts if may_be_negative(t) and not may_be_negative(t, -0.5)]
    assert len(spared) > 3_000  # texts with only negations: the bound spares computing these


def test_relaudit_does_not_import_nltk_for_polarity() -> None:
    code = "import sys; from relaudit.labels import polarity; polarity('awful'); print('nltk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
