"""normalise()'s fast path for plain records gives what the general path gives; the fast builders and patterns too."""

from __future__ import annotations

import itertools
import json
import pickle
import random
import re
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path

import pytest

from relaudit import loaders
from relaudit.engine import Finding, build_finding
from relaudit.labels import Labels, build_labels
from relaudit.loaders import relaudit_format
from relaudit.model import Message, RawRecord, Skipped, Source, build_message, build_source, builder
from relaudit.normalise import _HASHTAG, _MENTION, _general, _plain, normalise
from tests.test_sentiment import shared_texts

BASE = {
    "id": "1001",
    "author": "Northwind_Care",
    "text": "@Raj_fan19 Sorry about that! #help https://t.co/x?y=1. See @ann.",
    "created_at": "2026-01-01T03:17:42Z",
    "in_reply_to": "1000",
    "in_reply_to_author": "@Raj_Fan19",
    "platform": "x",
    "likes": 3,
    "reposts": 0,
    "is_repost": False,
    "url": "https://x.com/northwind_care/status/1001",
    "text_kind": "plain",
}

# Values each field may hold in hostile or unusual exports; every one must give what the general path gives.
VARIANTS: dict[str, list[object]] = {
    "id": [None, "", "  ", " 7 ", 7, 7.0, 7.5, True, "é1", "\ud800", [], {}],
    "author": [None, "", "@", " @Ann ", "ÄNN", "ann\u00a0", 5, False],
    "text": [None, "", "  padded  ", "café @bob", "\ud800 lone", 12, ["x"], "#a#b @a@b a@b &#1;"],
    "created_at": [
        None,
        "",
        "2026-01-01T00:00:00z",
        "2026-01-01 00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-01T00:00:0 Z",
        "2026-01-01T00:00+01Z",
        " 2026-01-01T00:00:0Z",
        "1700000000",
        "1700000000Z".rjust(20, "1"),
        "Wed Oct 10 20:19:24 +0000 2018",
        "2026-01-01T00:00:00.5Z",
        "2026-01-01T00:00:00+02:00",
        "2026-01-01T00:00:00",
        1700000000,
        "２０２６-01-01T00:00:00Z",
    ],
    "in_reply_to": [None, "", "  ", " 1000 ", 1000, "１０００"],
    "in_reply_to_author": [None, "", "@", "Bob", " @BOB ", "bób", 3],
    "platform": [None, "", " mastodon ", "Bluesky", 1, "Ｘ"],
    "likes": [None, "", "3", "3.9", 3.0, True, -1, 2**53, 2**53 + 1, -(2**60), "n/a", [1]],
    "reposts": [None, 0, "0", False],
    "is_repost": [None, True, "true", "no", 1, 0.0, "Y"],
    "is_private": [None, True, False, "yes", 1],
    "url": [None, "", "  ", " https://a.example/x ", "https://é.example"],
    "text_kind": ["plain", "html", "escaped", None],
}


def outcome(result: Message | Skipped) -> tuple[object, ...]:
    """What a result says, with the types of its values (1 == 1.0 == True, but they are not the same message)."""
    if isinstance(result, Skipped):
        return ("skipped", result.source, result.reason)
    values = [getattr(result, name) for name in result.__slots__]
    return ("message", *[(type(v).__name__, v) for v in values])


def records() -> list[dict[str, object]]:
    """The base record, each field changed alone to each variant, and some pairs of changes."""
    found = [dict(BASE)]
    singles = [(name, value) for name, values in VARIANTS.items() for value in values]
    found += [{**BASE, name: value} for name, value in singles]
    found += [{k: v for k, v in BASE.items() if k != name} for name in BASE]  # each field missing
    pairs = random.Random(7).sample(list(itertools.combinations(singles, 2)), 600)
    found += [{**BASE, a: x, b: y} for (a, x), (b, y) in pairs if a != b]
    return found


def test_the_fast_path_is_taken_for_the_usual_record() -> None:
    assert _plain(dict(BASE), Source("t", 1)) is not None


def test_fast_path_and_general_path_agree_on_every_variant() -> None:
    cases = records()
    assert len(cases) > 600
    disagree = [
        fields
        for index, fields in enumerate(cases)
        if outcome(normalise(RawRecord(dict(fields), Source("t.jsonl", index))))
        != outcome(_general(RawRecord(dict(fields), Source("t.jsonl", index))))
    ]
    assert disagree == []


def test_fast_path_agrees_on_every_record_of_the_real_exports(shared_data: Path) -> None:
    fast = 0
    count = 0
    for path in sorted(p for p in shared_data.iterdir() if p.is_dir()):
        for target in [path, *sorted(path.iterdir())]:
            try:
                loader = loaders.detect(target, None)
            except Exception:  # not every file is an export by itself (READMEs, likes)
                continue
            for item in loaders.load(target, loader):
                if isinstance(item, RawRecord):
                    count += 1
                    fast += item.fields.get("text_kind") == "plain" and _plain(item.fields, item.source) is not None
                    assert outcome(normalise(item)) == outcome(_general(item)), item.source
    assert count > 5_000 and fast > 0


def test_a_platform_name_is_one_string_for_every_message() -> None:
    one, two = (normalise(RawRecord({**BASE, "platform": "mastodon", "id": i}, Source("t", 1))) for i in "12")
    assert isinstance(one, Message) and isinstance(two, Message)
    assert one.platform is two.platform


# --- the builders: Message(*values) without the dataclass __init__'s cost ---


def test_builders_make_equal_frozen_objects_of_the_class() -> None:
    source = build_source("feed.jsonl", 3, "line")
    assert source == Source("feed.jsonl", 3) and type(source) is Source
    assert hash(source) == hash(Source("feed.jsonl", 3))
    made = normalise(RawRecord(dict(BASE), source))
    assert isinstance(made, Message)
    values = [getattr(made, name) for name in Message.__slots__]
    built = build_message(*values)
    assert type(built) is Message and built == Message(*values) and hash(built) == hash(Message(*values))
    assert pickle.loads(pickle.dumps(built)) == built
    with pytest.raises(FrozenInstanceError):
        built.text = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        source.line = 4  # type: ignore[misc]


def test_builders_take_keywords_and_keep_defaults() -> None:
    made = build_labels(complaint=True, cues=("late",), polarity=-0.5)
    assert made == Labels(complaint=True, cues=("late",), polarity=-0.5) and type(made) is Labels
    assert build_labels() == Labels() and build_labels(*Labels(praise=True).packed()) == Labels(praise=True)
    finding = build_finding("r", "error", "p", "m", 1.0, message_id="7", source="f:1")
    assert finding == Finding("r", "error", "p", "m", 1.0, message_id="7", source="f:1")
    assert build_finding("r", "error", "p", "m", 1.0) == Finding("r", "error", "p", "m", 1.0)
    with pytest.raises(TypeError):
        build_finding("r", "error")  # a field without a default is required, as in the dataclass


def test_a_builder_takes_fields_named_like_its_own_locals() -> None:
    @dataclass(frozen=True, slots=True)
    class Odd:
        new: int
        made: int = 2
        cls: str = "c"
        twin: tuple[int, ...] = ()

    assert builder(Odd)(1) == Odd(1) and builder(Odd)(1, 3, "x", (4,)) == Odd(1, 3, "x", (4,))


def test_builder_refuses_a_class_without_slots_in_field_order() -> None:
    @dataclass(frozen=True)
    class Plain:
        a: int

    with pytest.raises(TypeError):
        builder(Plain)


# --- the entity patterns start with their marker; they match what the look-behind-first forms matched ---

OLD_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z0-9_])")
OLD_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")


def entity_texts() -> list[str]:
    alphabet = ["@", "#", "&", "a", "Z", "_", ".", " ", "é", "1", "ß", "\n", "@@", "##"]
    rng = random.Random(11)
    made = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 14))) for _ in range(20_000)]
    return [*made, "@a", "@", "#", "a@b", "@a.b.", "@_", "&#x;", "é#tag", "@@a", "##a", "x #a #b"]


def test_entity_patterns_match_the_old_forms_on_generated_texts() -> None:
    for text in entity_texts():
        assert _MENTION.findall(text) == OLD_MENTION.findall(text), text
        assert _HASHTAG.findall(text) == OLD_HASHTAG.findall(text), text


def test_entity_patterns_match_the_old_forms_on_every_real_text(shared_data: Path) -> None:
    texts = sorted(shared_texts(shared_data))
    assert [t for t in texts if _MENTION.findall(t) != OLD_MENTION.findall(t)] == []
    assert [t for t in texts if _HASHTAG.findall(t) != OLD_HASHTAG.findall(t)] == []


# --- JSON Lines: the scanner called directly gives json.loads's value, and its error when there is one ---

LINES = [
    '{"a": 1}\n',
    '{"a": 1}',
    '{"a": 1}\r\n',
    '{"a": 1}  \n',
    '{"a": 1}\n\n',
    ' {"a": 1}\n',
    '{"a": 1} {"b": 2}\n',
    '{"a": 1}x\n',
    '{"a": NaN, "b": Infinity, "c": -Infinity}\n',
    '{"a": 123456789012345678901234567890, "b": 1e400, "c": 1.5e-7}\n',
    '{"a": "\\ud800", "b": "\\u00e9", "a": 2}\n',
    '{"a": [1, {"b": null}], "c": true, "d": false}\n',
    '{"a": 1,}\n',
    '{"a" 1}\n',
    "{\n",
    "{" * 100_000 + "\n",
    '{"a": "unterminated\n',
    '["not", "an", "object"]\n',
    '"text"\n',
    "\n",
    "{}\x1c\n",
]


def loads_outcome(function: object, text: str) -> tuple[object, ...]:
    try:
        return ("value", json.dumps(function(text), sort_keys=True))  # type: ignore[operator]
    except json.JSONDecodeError as error:
        return ("error", error.msg, error.colno)
    except RecursionError:
        return ("deep",)


@pytest.mark.parametrize("text", LINES, ids=range(len(LINES)))
def test_loads_is_json_loads(text: str) -> None:
    assert loads_outcome(relaudit_format._loads, text) == loads_outcome(json.loads, text)


# --- orjson (the extra "fast"): its value is used only where it is json's, key order and number types included ---

ORJSON_LINES = [
    *LINES,
    '{"a": -9223372036854775809, "b": 1}\n',  # beyond 64 bits: orjson gives a float, json an int
    '{"a": 18446744073709551616}\n',
    '{"a": 18446744073709551615, "b": -9223372036854775808}\n',  # within them: ints from both
    '{"a": 1.5, "b": "x"}\n',
    '{"a": {"b": 1e400}, "c": [NaN]}\n',
    '{"b": 1, "a": 2, "b": 3}\n',  # a repeated key keeps its first place and its last value
    '{"a": "\\ud83d\\ude00 \\u00e9 \\/ \\"", "b": null, "c": true, "d": -0}\n',
    '{"a": "x\ty"}\n',  # a raw tab in a string: json refuses it
    '{"a": "\udc80"}\n',  # a lone surrogate in the text itself (a decoding's replacement)
    '\ufeff{"a": 1}\n',
    '{"a": 1}\x0c\n',
    '{"a": [' * 1200 + "]" * 1200 + "}\n",  # deeper than orjson goes
]


def exact_outcome(function: object, text: str) -> tuple[object, ...]:
    """A value as repr shows it (key order, int or float, -0.0), or json's error."""
    try:
        return ("value", repr(function(text)))  # type: ignore[operator]
    except json.JSONDecodeError as error:
        return ("error", error.msg, error.pos)
    except RecursionError:
        return ("deep",)


@pytest.fixture
def with_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    orjson = pytest.importorskip("orjson")
    monkeypatch.setattr(relaudit_format, "_ORJSON", orjson.loads)


@pytest.mark.parametrize("text", ORJSON_LINES, ids=range(len(ORJSON_LINES)))
def test_loads_with_orjson_is_json_loads(with_orjson: None, text: str) -> None:
    assert exact_outcome(relaudit_format._loads, text) == exact_outcome(json.loads, text)


def test_loads_without_orjson_is_json_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relaudit_format, "_ORJSON", None)
    for text in ORJSON_LINES:
        assert exact_outcome(relaudit_format._loads, text) == exact_outcome(json.loads, text), text


def test_orjson_takes_the_common_line_and_leaves_the_rest_to_json(with_orjson: None, monkeypatch) -> None:
    used = []
    monkeypatch.setattr(relaudit_format, "_SCAN", lambda text, at: used.append(text) or json.loads(text))
    common = json.dumps({**BASE, "likes": 3, "is_repost": None}) + "\n"
    relaudit_format._loads(common)
    assert used == []  # orjson's value, json never asked
    for text in ('{"a": 1.5}\n', '{"a": [1]}\n', '{"a": NaN}\n'):
        relaudit_format._loads(text)
    assert used == ['{"a": 1.5}\n', '{"a": [1]}\n', '{"a": NaN}\n']


def mutated_lines(lines: list[str], count: int, seed: int) -> list[str]:
    """Lines with one to three characters replaced, inserted or deleted: broken JSON, odd numbers, odd escapes."""
    rng = random.Random(seed)
    alphabet = list('{}[]",:\\ 0123456789.eE+-tfnrualsu\t\n\r\x00\x1f\x7f\u00e9\u2028\ud800')
    out = []
    for _ in range(count):
        chars = list(rng.choice(lines))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars))
            roll = rng.random()
            if roll < 0.4:
                chars[at] = rng.choice(alphabet)
            elif roll < 0.7:
                chars.insert(at, rng.choice(alphabet))
            else:
                del chars[at]
        out.append("".join(chars))
    return out


def test_loads_with_orjson_is_json_loads_on_a_generated_feed_and_its_mutations(with_orjson: None, tmp_path) -> None:
    from benchmarks.generate import generate

    path = tmp_path / "feed.jsonl"
    generate(5_000, 3, "relaudit", path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for text in lines + mutated_lines(lines, 40_000, seed=4):
        assert exact_outcome(relaudit_format._loads, text) == exact_outcome(json.loads, text), text


def real_json_lines(shared_data: Path) -> list[str]:
    """Every object in the real JSON exports (X's .js files less their "window.... =" head), one a line as written.

    Each is cut out of the file's own text, so its escapes and numbers are as the platform wrote them.
    """
    lines = []
    for path in sorted([*shared_data.rglob("*.json"), *shared_data.rglob("*.js")]):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        text = text[text.index("=") + 1 :] if path.suffix == ".js" else text
        decoder = json.JSONDecoder()
        for at in range(len(text)):  # every object, nested ones too, from each "{" that starts one
            if text[at] == "{":
                try:
                    _, end = decoder.raw_decode(text, at)
                except ValueError:
                    continue
                lines.append(text[at:end] + "\n")
    return lines


def test_loads_with_orjson_is_json_loads_on_every_object_of_the_real_exports(with_orjson: None, shared_data) -> None:
    lines = real_json_lines(shared_data)
    assert len(lines) > 1_000
    for text in lines + mutated_lines(lines, 20_000, seed=5):
        assert exact_outcome(relaudit_format._loads, text) == exact_outcome(json.loads, text), text[:200]


def test_a_jsonl_file_reads_the_same_through_the_scanner(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [json.dumps({**BASE, "id": str(i), "likes": i}) for i in range(50)]
    path.write_text("\n".join(rows[:25]) + "\r\n" + "\n".join(rows[25:]) + "\n{broken\n", encoding="utf-8")
    items = list(loaders.load(path, relaudit_format))
    assert [i.fields["likes"] for i in items if isinstance(i, RawRecord)] == list(range(50))
    assert [str(i) for i in items if isinstance(i, Skipped)] == [
        f"{path}:51: bad JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
