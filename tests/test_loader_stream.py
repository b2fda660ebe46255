"""Streaming JSON loaders: bounded memory on a big X archive, cut and broken files, prefixes, encodings, floats."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from relaudit.loaders import jsonstream, mastodon, relaudit_format, twitter_archive
from relaudit.loaders.base import LoadNotice
from relaudit.loaders.container import Container
from relaudit.loaders.jsonstream import Element, stream_array, stream_items
from relaudit.model import RawRecord, Skipped, Source

PREFIX = "window.YTD.tweets.part0 = "


def tweet(n: int, text: str = "") -> str:
    """One archive entry as X pretty-prints it: 8 lines, opening with `  {` at indentation 2."""
    return (
        '  {\n    "tweet" : {\n'
        f'      "id_str" : "{1000 + n}",\n'
        f'      "favorite_count" : "{n % 7}",\n'
        f'      "created_at" : "Mon Mar 02 08:{n // 60 % 60:02d}:{n % 60:02d} +0000 2026",\n'
        f'      "full_text" : "{text or f"Fresh bread number {n} &amp; more"}"\n'
        "    }\n  }"
    )


def archive_text(count: int, prefix: str = PREFIX) -> str:
    """A tweets.js of count entries: line 1 is `prefix[`, entry n (from 0) starts on line 2 + 8 * n."""
    return prefix + "[\n" + ",\n".join(tweet(n) for n in range(count)) + "\n]\n"


def write_tweets(folder: Path, text: str, name: str = "tweets.js", encoding: str = "utf-8") -> Path:
    """A lone tweets file with an account.js beside it (so no self-reply pass is needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "account.js").write_text('window.YTD.account.part0 = [ { "account" : { "username" : "Baker" } } ]\n')
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def split(items: list) -> tuple[list[RawRecord], list[Skipped], list[LoadNotice]]:
    records = [i for i in items if isinstance(i, RawRecord)]
    return records, [i for i in items if isinstance(i, Skipped)], [i for i in items if isinstance(i, LoadNotice)]


def test_big_part_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    count = 25_000
    path = tmp_path / "data" / "tweets-part1.js"
    path.parent.mkdir()
    (tmp_path / "data" / "account.js").write_text('window.YTD.account.part0 = [{"account": {"username": "Baker"}}]')
    with path.open("w", encoding="utf-8") as out:  # written in pieces: the test itself must not hold the file
        out.write("window.YTD.tweets.part1 = [\n")
        for n in range(count):
            out.write(tweet(n) + (",\n" if n < count - 1 else "\n"))
        out.write("]\n")
    size = path.stat().st_size
    assert size > 4_000_000
    tracemalloc.start()
    try:
        records = 0
        last = None
        for item in twitter_archive.load(path):
            if isinstance(item, RawRecord):
                records += 1
                last = item
            else:
                raise AssertionError(item)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert records == count and last is not None
    assert last.fields["id"] == str(1000 + count - 1) and last.fields["likes"] == str((count - 1) % 7)
    assert last.fields["author"] == "Baker" and last.source.path == str(path)
    assert last.source.line == 2 + 8 * (count - 1)
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_prefixed_and_prefixless_files_give_the_same_records(tmp_path: Path) -> None:
    prefixed = write_tweets(tmp_path / "a", archive_text(3))
    bare = write_tweets(tmp_path / "b", archive_text(3, prefix=""))
    older = write_tweets(tmp_path / "c", archive_text(3, prefix="window.YTD.tweet.part0 = "), name="tweet.js")
    with_bom = write_tweets(tmp_path / "d", "\ufeff" + archive_text(3))
    for path in (prefixed, bare, older, with_bom):
        records, skipped, notices = split(list(twitter_archive.load(path)))
        assert skipped == [] and notices == [], path
        assert [r.fields["id"] for r in records] == ["1000", "1001", "1002"]
        assert [r.source.line for r in records] == [2, 10, 18]
        assert records[0].fields["author"] == "Baker" and records[2].fields["text"] == "Fresh bread number 2 &amp; more"
    assert twitter_archive.sniff(prefixed) and twitter_archive.sniff(older) and not twitter_archive.sniff(bare)


def test_cut_file_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    text = archive_text(5)
    cut_inside = write_tweets(tmp_path / "a", text[: text.index('"id_str" : "1003"') + 10])  # inside entry 4
    records, skipped, _ = split(list(twitter_archive.load(cut_inside)))
    assert [r.fields["id"] for r in records] == ["1000", "1001", "1002"]
    assert len(skipped) == 1 and skipped[0].source.line == 26  # where entry 4 starts
    assert skipped[0].reason.startswith("bad JSON: Expecting value (line 28, column 17)")
    assert skipped[0].reason.endswith("; the rest of the file could not be read")

    cut_between = write_tweets(tmp_path / "b", text[: text.index("  {", text.index('"1003"'))])  # after "},\n"
    records, skipped, _ = split(list(twitter_archive.load(cut_between)))
    assert [r.fields["id"] for r in records] == ["1000", "1001", "1002", "1003"]
    assert [str(s) for s in skipped] == [f"{cut_between}:34: the array is not closed; the file may be cut short"]


def test_bad_entry_in_the_middle_is_skipped_and_reading_resumes(tmp_path: Path) -> None:
    entries = [tweet(n) for n in range(4)]
    entries[1] = entries[1].replace('"id_str" : "1001",', '"id_str" : 1001 1001,')
    path = write_tweets(tmp_path, PREFIX + "[\n" + ",\n".join(entries) + "\n]\n")
    records, skipped, _ = split(list(twitter_archive.load(path)))
    assert [r.fields["id"] for r in records] == ["1000", "1002", "1003"]
    assert [r.source.line for r in records] == [2, 18, 26]
    assert [str(s) for s in skipped] == [f"{path}:10: bad JSON: Expecting ',' delimiter (line 12, column 23)"]


def test_one_line_file_is_located_by_record_number(tmp_path: Path) -> None:
    good = [{"tweet": {"id_str": str(n), "created_at": "Mon Mar 02 08:00:00 +0000 2026"}} for n in range(3)]
    compact = PREFIX + json.dumps(good)
    path = write_tweets(tmp_path / "a", compact)
    records, skipped, _ = split(list(twitter_archive.load(path)))
    assert [str(r.source) for r in records] == [f"{path}:record {n}" for n in (1, 2, 3)] and skipped == []
    broken = write_tweets(tmp_path / "b", compact.replace('}}, {"tweet": {"id_str": "2"', "}}, {oops"))
    records, skipped, _ = split(list(twitter_archive.load(broken)))
    assert [r.fields["id"] for r in records] == ["0", "1"]
    assert [str(s) for s in skipped] == [
        f"{broken}:record 3: bad JSON: lexical error: invalid char in json text; the rest of the file could not be read"
    ]


def test_cp1252_tweets_file_is_transcoded_with_one_notice(tmp_path: Path) -> None:
    text = PREFIX + "[\n" + ",\n".join([tweet(0), tweet(1, "Caf\u00e9 cr\u00e8me \u2018today\u2019")]) + "\n]\n"
    path = write_tweets(tmp_path, text, encoding="cp1252")
    records, skipped, notices = split(list(twitter_archive.load(path)))
    assert skipped == [] and records[1].fields["text"] == "Caf\u00e9 cr\u00e8me \u2018today\u2019"
    assert [str(n) for n in notices] == [f"{path}: not UTF-8 from line 15; decoded as cp1252, check accented text"]


def test_numbers_are_floats_and_ints_never_decimals(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text('{"orderedItems": [{"score": 1.5, "count": 2, "big": 1e3, "neg": -0.25}]}')
    values = [v for v in stream_items(Container(path), path.name, "orderedItems.item") if isinstance(v, tuple)]
    assert values == [(1, {"score": 1.5, "count": 2, "big": 1000.0, "neg": -0.25})]
    assert [type(x) for x in values[0][1].values()] == [float, int, float, float]
    array = tmp_path / "records.json"
    array.write_text('[{"id": "1", "author": "a", "created_at": "2026-01-01", "likes": 2.0, "reposts": 3}]')
    records, _, _ = split(list(relaudit_format.load(array)))
    assert type(records[0].fields["likes"]) is float and type(records[0].fields["reposts"]) is int


def test_relaudit_array_resumes_after_a_bad_element(tmp_path: Path) -> None:
    rows = [{"id": str(n), "author": "a", "created_at": "2026-01-01"} for n in range(4)]
    text = json.dumps(rows, indent=2).replace('"id": "1"', '"id": oops')
    path = tmp_path / "records.json"
    path.write_text(text)
    records, skipped, _ = split(list(relaudit_format.load(path)))
    assert [r.fields["id"] for r in records] == ["0", "2", "3"]
    assert [str(r.source) for r in records] == [f"{path}:record 1", f"{path}:record 2", f"{path}:record 3"]
    assert [str(s) for s in skipped] == [f"{path}:7: bad JSON array: Expecting value (line 8, column 11)"]


def test_mastodon_outbox_broken_midway_keeps_the_items_before(tmp_path: Path) -> None:
    note = {"type": "Create", "actor": "https://social.example/users/shop", "to": [mastodon.PUBLIC]}
    items = [
        {**note, "id": f"https://social.example/a/{n}", "object": {"type": "Note", "id": f"https://s.example/{n}"}}
        for n in range(3)
    ]
    whole = json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "orderedItems": items})
    path = tmp_path / "outbox.json"
    path.write_text(whole[: whole.index('"https://social.example/a/2"') + 12])
    records, skipped, notices = split(list(mastodon.load(path)))
    assert [r.fields["id"] for r in records] == ["https://s.example/0", "https://s.example/1"]
    assert records[0].fields["author"] == "shop" and notices == []
    assert [str(s) for s in skipped] == [
        f"{path}:record 3: bad JSON: parse error: premature EOF; records after number 2 could not be read"
    ]


def test_stream_array_reports_a_document_that_is_not_an_array(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text(PREFIX + "\n\n{}\n")
    items = list(stream_array(Container(path), path.name, prefix=twitter_archive._PREFIX_BYTES, expected="no array"))
    assert [str(i) for i in items] == [f"{path}:3: no array"]
    empty = tmp_path / "empty.js"
    empty.write_text(PREFIX + "[ ]")
    assert list(stream_array(Container(empty), empty.name, prefix=twitter_archive._PREFIX_BYTES)) == []
    one = tmp_path / "one.js"
    one.write_text("[7]")
    assert list(stream_array(Container(one), one.name)) == [Element(Source(str(one), 1, unit="record"), 7)]


def test_deep_nesting_is_refused_as_bad_json_without_parsing_it(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    outbox = tmp_path / "outbox.json"
    outbox.write_text('{"@context": "https://www.w3.org/ns/activitystreams", "orderedItems": [{"x": ' + deep + "}]}")
    assert [str(i) for i in mastodon.load(outbox) if not isinstance(i, LoadNotice)] == [
        f"{outbox}:record 1: bad JSON: nested deeper than 512 levels; no record could be read"
    ]
    # Checked a chunk (64 KiB and the rest of its line) at a time: the tweets wholly in the chunks before it are kept.
    before = ",\n".join(tweet(n) for n in range(400))
    tweets = write_tweets(tmp_path / "x", PREFIX + "[\n" + before + ',\n  {"x": ' + deep + "}\n]\n")
    records, skipped, _ = split(list(twitter_archive.load(tweets)))
    kept = len(records)
    assert 250 < kept < 400 and [r.fields["id"] for r in records] == [str(1000 + n) for n in range(kept)]
    assert [str(s) for s in skipped] == [
        f"{tweets}:record {kept + 1}: bad JSON: nested deeper than 512 levels; the rest of the file could not be read"
    ]


def test_resuming_is_given_up_past_the_kept_bytes_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "_MAX_KEPT", 100)  # less than the file's one chunk: nothing can be kept
    entries = [tweet(n) for n in range(4)]
    entries[1] = entries[1].replace('"id_str" : "1001",', '"id_str" : 1001 1001,')
    path = write_tweets(tmp_path, PREFIX + "[\n" + ",\n".join(entries) + "\n]\n")
    records, skipped, _ = split(list(twitter_archive.load(path)))
    assert [r.fields["id"] for r in records] == ["1000"]
    assert [str(s) for s in skipped] == [
        f"{path}:record 2: bad JSON: parse error: after key and value, inside map, I expect ',' or '}}'; "
        "the rest of the file could not be read"
    ]
