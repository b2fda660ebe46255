"""The relaudit format: JSON Lines, JSON array and CSV, encodings, dates, and every skipped record located."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from relaudit.dates import parse_datetime
from relaudit.pipeline import AuditOptions, read_messages

RECORDS = [
    {
        "id": "1",
        "author": "@Shop",
        "text": "Hello #News from https://shop.example/x @Ann",
        "created_at": "2026-03-01T09:00:00Z",
        "likes": "12",
        "is_repost": "false",
    },
    {"id": 2, "author": "ann", "text": None, "created_at": 1772359200, "in_reply_to": "1", "is_repost": True},
    {
        "id": "3",
        "author": "bob",
        "text": "RT @shop: hi",
        "created_at": "Sun Mar 01 12:00:00 +0000 2026",
        "is_repost": "1",
    },
]


def load(path: Path):
    return read_messages([path], AuditOptions())


def jsonl(path: Path, rows: list, encoding: str = "utf-8") -> Path:
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding))
    return path


def test_jsonl_fields(tmp_path):
    loaded = load(jsonl(tmp_path / "e.jsonl", RECORDS))
    first, second, third = loaded.messages
    assert (first.id, first.author, first.likes, first.is_repost) == ("1", "shop", 12, False)
    assert first.mentions == ("ann",) and first.hashtags == ("news",) and first.urls == ("https://shop.example/x",)
    assert (second.id, second.text, second.in_reply_to, second.is_repost) == ("2", "", "1", True)
    assert second.created_at == datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    assert third.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc) and third.is_repost
    assert loaded.records == 3 and loaded.skipped == [] and loaded.input_format == "relaudit"


def test_array_and_csv_give_the_same_messages(tmp_path):
    from_lines = load(jsonl(tmp_path / "e.jsonl", RECORDS)).messages
    array = tmp_path / "e.json"
    array.write_text(json.dumps(RECORDS), encoding="utf-8")
    csv_path = tmp_path / "e.csv"
    csv_path.write_text(
        "id,author,text,created_at,in_reply_to,likes,is_repost\n"
        '1,@Shop,"Hello #News from https://shop.example/x @Ann",2026-03-01T09:00:00Z,,12,false\n'
        "2,ann,,1772359200,1,,true\n"
        '3,bob,"RT @shop: hi",Sun Mar 01 12:00:00 +0000 2026,,,1\n',
        encoding="utf-8",
    )

    def key(messages):
        return [(m.id, m.author, m.text, m.created_at, m.in_reply_to, m.is_repost, m.likes) for m in messages]

    assert key(load(array).messages) == key(from_lines)
    assert key(load(csv_path).messages) == key(from_lines)


def test_skipped_records_are_located_and_counted(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(
        json.dumps(RECORDS[0]) + "\n"
        "{broken\n"
        "\n"
        + json.dumps({"author": "x", "created_at": "2026-01-01"})
        + "\n"
        + json.dumps({"id": "9", "author": "x", "created_at": "yesterday"})
        + "\n"
        + json.dumps({"id": "1", "author": "x", "created_at": "2026-01-01"})
        + "\n"
        + json.dumps(["not", "an", "object"])
        + "\n"
        + json.dumps({"id": "8", "created_at": "2026-01-01"})
        + "\n",
        encoding="utf-8",
    )
    loaded = load(path)
    reasons = [str(s) for s in loaded.skipped]
    assert reasons == [
        f"{path}:2: bad JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{path}:4: no id",
        f"{path}:5: message 9: unparseable date 'yesterday'",
        f"{path}:6: duplicate id 1 (first at {path}:1)",
        f"{path}:7: expected an object, found list",
        f"{path}:8: message 8: no author",
    ]
    assert loaded.records == len(loaded.messages) + len(loaded.skipped) == 7  # the blank line is no record


def test_csv_lines_follow_multi_line_cells(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        'id,author,text,created_at\n1,a,"two\nlines",2026-01-01\n2,b,ok,never\n3,c,too,many,cells\n', encoding="utf-8"
    )
    loaded = load(path)
    assert [m.text for m in loaded.messages] == ["two\nlines"]
    assert [str(s) for s in loaded.skipped] == [
        f"{path}:4: message 2: unparseable date 'never'",
        f"{path}:5: CSV row has 5 cells, header has 4",
    ]


def test_bom_and_other_encodings(tmp_path):
    with_bom = tmp_path / "bom.jsonl"
    with_bom.write_bytes(b"\xef\xbb\xbf" + jsonl(tmp_path / "x.jsonl", RECORDS[:1]).read_bytes())
    assert load(with_bom).messages[0].id == "1" and load(with_bom).notices == []
    cp1252 = jsonl(
        tmp_path / "win.jsonl",
        [{"id": "1", "author": "a", "text": "café ‘quoted’", "created_at": "2026-01-01"}],
        encoding="cp1252",
    )
    loaded = load(cp1252)
    assert loaded.messages[0].text == "café ‘quoted’"
    assert loaded.notices == [f"{cp1252}: not UTF-8 from line 1; decoded as cp1252, check accented text"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T09:00:00Z", datetime(2026, 3, 1, 9, tzinfo=timezone.utc)),
        ("2026-03-01T11:00:00+02:00", datetime(2026, 3, 1, 9, tzinfo=timezone.utc)),
        ("2026-03-01 09:00:00", datetime(2026, 3, 1, 9, tzinfo=timezone.utc)),  # naive means UTC
        ("Wed Oct 10 20:19:24 +0000 2018", datetime(2018, 10, 10, 20, 19, 24, tzinfo=timezone.utc)),
        (1772355600, datetime(2026, 3, 1, 9, tzinfo=timezone.utc)),
        ("1772355600", datetime(2026, 3, 1, 9, tzinfo=timezone.utc)),
        (1772355600.5, datetime(2026, 3, 1, 9, 0, 0, 500000, tzinfo=timezone.utc)),
        ("12345", None),
        (42, None),
        (True, None),
        (None, None),
        ("", None),
        ("tomorrow", None),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected
