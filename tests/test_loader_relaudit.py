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


# --- Layouts, locations, encodings and field parsing, table-driven. Every load checks the record count. ---

HEADER = "id,author,text,created_at,in_reply_to,in_reply_to_author,likes,reposts,is_repost,platform,url"
SAME = [
    {
        "id": "10",
        "author": "@BrightBrew",
        "text": "Thanks @Ann and @ann_b! #Coffee #coffee https://shop.example/a?b=1 mail me@shop.example",
        "created_at": "2026-03-01T09:00:00Z",
        "likes": "12",
        "reposts": "3",
        "is_repost": "false",
        "platform": "x",
        "url": "https://x.com/brightbrew/status/10",
    },
    {
        "id": "11",
        "author": "ann",
        "text": "first line\nsecond line, with a comma",
        "created_at": "2026-03-01T11:30:00+02:00",
        "in_reply_to": "10",
        "in_reply_to_author": "@BrightBrew",
    },
    {"id": "12", "author": "bob", "text": "RT @brightbrew: hi", "created_at": "1772362800", "is_repost": "true"},
]
# The same records as CSV: record 11's text spans lines 3-4, so record 12 starts on line 5.
SAME_CSV = (
    HEADER + "\n"
    '10,@BrightBrew,"Thanks @Ann and @ann_b! #Coffee #coffee https://shop.example/a?b=1 mail me@shop.example",'
    "2026-03-01T09:00:00Z,,,12,3,false,x,https://x.com/brightbrew/status/10\n"
    '11,ann,"first line\nsecond line, with a comma",2026-03-01T11:30:00+02:00,10,@BrightBrew,,,,,\n'
    '12,bob,"RT @brightbrew: hi",1772362800,,,,,true,,\n'
)
UTC = timezone.utc
EXPECTED = [
    # id, author, text, created_at, in_reply_to, in_reply_to_author, likes, reposts, is_repost, mentions, hashtags, urls
    (
        "10",
        "brightbrew",
        SAME[0]["text"],
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        None,
        None,
        12,
        3,
        False,
        ("ann", "ann_b"),
        ("coffee",),
        ("https://shop.example/a?b=1",),
    ),
    (
        "11",
        "ann",
        "first line\nsecond line, with a comma",
        datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        "10",
        "brightbrew",
        None,
        None,
        False,
        (),
        (),
        (),
    ),
    (
        "12",
        "bob",
        "RT @brightbrew: hi",
        datetime(2026, 3, 1, 11, 0, tzinfo=UTC),
        None,
        None,
        None,
        None,
        True,
        ("brightbrew",),
        (),
        (),
    ),
]


def checked(paths):
    """read_messages on the paths, with the invariant every load keeps: each record is a message or a skip."""
    loaded = read_messages(list(paths), AuditOptions())
    assert loaded.records == len(loaded.messages) + len(loaded.skipped)
    return loaded


def write_jsonl(path: Path, rows: list, encoding: str = "utf-8", bom: bool = False) -> Path:
    """Records as JSON Lines (one object, or any JSON value, a line)."""
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def summary(messages):
    return [
        (
            m.id,
            m.author,
            m.text,
            m.created_at,
            m.in_reply_to,
            m.in_reply_to_author,
            m.likes,
            m.reposts,
            m.is_repost,
            m.mentions,
            m.hashtags,
            m.urls,
        )
        for m in messages
    ]


def write_layout(tmp_path: Path, layout: str, bom: bool = False) -> Path:
    prefix = b"\xef\xbb\xbf" if bom else b""
    if layout == "jsonl":
        return write_jsonl(tmp_path / "e.jsonl", SAME, bom=bom)
    path = tmp_path / ("e.json" if layout == "array" else "e.csv")
    text = json.dumps(SAME, indent=2) if layout == "array" else SAME_CSV
    path.write_bytes(prefix + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
@pytest.mark.parametrize("layout", ["jsonl", "array", "csv"])
def test_three_layouts_give_the_same_messages(tmp_path, layout, bom):
    loaded = checked([write_layout(tmp_path, layout, bom)])
    assert summary(loaded.messages) == EXPECTED
    assert (loaded.records, loaded.skipped, loaded.notices, loaded.input_format) == (3, [], [], "relaudit")
    assert loaded.messages[2].platform is None and loaded.messages[0].platform == "x"
    assert loaded.messages[0].url == "https://x.com/brightbrew/status/10"


@pytest.mark.parametrize(
    ("layout", "where"),
    [("jsonl", ["e.jsonl:1", "e.jsonl:2", "e.jsonl:3"]), ("csv", ["e.csv:2", "e.csv:3", "e.csv:5"])],
)
def test_each_message_knows_its_line(tmp_path, layout, where):
    loaded = checked([write_layout(tmp_path, layout)])
    assert [str(m.source) for m in loaded.messages] == [str(tmp_path / w) for w in where]


def test_array_elements_are_located_by_record_number(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps([SAME[0], 7, {"id": "x", "author": "a", "created_at": "later"}]), encoding="utf-8")
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ["10"]
    assert [str(s) for s in loaded.skipped] == [
        f"{path}:record 2: expected an object, found int",
        f"{path}:record 3: message x: unparseable date 'later'",
    ]


@pytest.mark.parametrize(
    ("content", "skipped"),
    [
        ("[\n" + json.dumps(SAME[0]) + ",\n{oops}\n]\n", ":3: bad JSON array: Expecting property name"),
        ('{"id": "1", "author": "a", "created_at": "2026-01-01"}\n{"not": "closed"\n', ":2: bad JSON: Expecting"),
    ],
)
def test_broken_json_is_located(tmp_path, content, skipped):
    path = tmp_path / "e.json"
    path.write_text(content, encoding="utf-8")
    loaded = checked([path])
    assert len(loaded.skipped) == 1 and str(loaded.skipped[0]).startswith(f"{path}{skipped}")


GOOD_A = {"id": "1", "author": "shop", "text": "a", "created_at": "2026-03-01T09:00:00Z"}
GOOD_B = {"id": "2", "author": "ann", "text": "b", "created_at": "2026-03-01T10:00:00Z"}


@pytest.mark.parametrize(
    ("bad_line", "reason_words"),
    [
        ("{not json at all", ["bad JSON", "column 2"]),
        ('{"id": "5", "author": "x", "created_at": "2026-01-01",}', ["bad JSON"]),
        (json.dumps({"author": "x", "text": "no id here", "created_at": "2026-01-01"}), ["no id"]),
        (json.dumps({"id": "", "author": "x", "created_at": "2026-01-01"}), ["no id"]),
        (json.dumps({"id": "  ", "author": "x", "created_at": "2026-01-01"}), ["no id"]),
        (json.dumps({"id": "5", "author": "x", "created_at": "next Tuesday"}), ["message 5", "unparseable date"]),
        (json.dumps({"id": "5", "author": "x", "created_at": "2026-02-30"}), ["unparseable date '2026-02-30'"]),
        (json.dumps({"id": "5", "author": "x"}), ["message 5", "unparseable date missing"]),
        (json.dumps({"id": "5", "author": "x", "created_at": ""}), ["unparseable date missing"]),
        (json.dumps({"id": "5", "author": "x", "created_at": 12345}), ["unparseable date '12345'"]),
        (json.dumps({"id": "5", "author": "@", "created_at": "2026-01-01"}), ["message 5", "no author"]),
        (json.dumps({"id": "5", "created_at": "2026-01-01"}), ["message 5", "no author"]),
        (json.dumps(["an", "array"]), ["expected an object", "list"]),
        (json.dumps("a string"), ["expected an object", "str"]),
        (json.dumps(42), ["expected an object", "int"]),
        ("null", ["expected an object", "NoneType"]),
    ],
)
def test_a_bad_record_is_skipped_with_its_line_and_the_rest_kept(tmp_path, bad_line, reason_words):
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps(GOOD_A) + "\n" + bad_line + "\n" + json.dumps(GOOD_B) + "\n", encoding="utf-8")
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ["1", "2"]
    assert loaded.records == 3 and len(loaded.skipped) == 1
    text = str(loaded.skipped[0])
    assert text.startswith(f"{path}:2: ")
    for words in reason_words:
        assert words in text


def test_a_record_without_text_has_empty_text(tmp_path):
    rows = [
        {"id": "1", "author": "a", "created_at": "2026-01-01"},
        {"id": "2", "author": "a", "created_at": "2026-01-01", "text": None},
        {"id": "3", "author": "a", "created_at": "2026-01-01", "text": ""},
        {"id": "4", "author": "a", "created_at": "2026-01-01", "text": {"nested": "object"}},
    ]
    loaded = checked([write_jsonl(tmp_path / "e.jsonl", rows)])
    assert [(m.id, m.text, m.mentions, m.hashtags, m.urls) for m in loaded.messages] == [
        (str(i), "", (), (), ()) for i in range(1, 5)
    ]


def test_duplicate_ids_keep_the_first_copy(tmp_path):
    path = write_jsonl(
        tmp_path / "e.jsonl",
        [GOOD_A, {**GOOD_A, "text": "second copy"}, {**GOOD_B, "id": 1}, {**GOOD_B, "id": 1.0}, GOOD_B],
    )
    loaded = checked([path])
    assert [(m.id, m.text) for m in loaded.messages] == [("1", "a"), ("2", "b")]
    first = f"(first at {path}:1)"
    assert [str(s) for s in loaded.skipped] == [
        f"{path}:2: duplicate id 1 {first}",
        f"{path}:3: duplicate id 1 {first}",  # the number 1 and the string "1" are the same id
        f"{path}:4: duplicate id 1 {first}",
    ]
    assert all("duplicate id" in s.reason for s in loaded.skipped)


def test_duplicate_ids_across_files(tmp_path):
    one = write_jsonl(tmp_path / "one.jsonl", [GOOD_A])
    two = tmp_path / "two.csv"
    two.write_text("id,author,text,created_at\n2,ann,b,2026-03-01T10:00:00Z\n1,shop,again,2026-03-01\n")
    loaded = checked([one, two])
    assert [m.id for m in loaded.messages] == ["1", "2"] and loaded.records == 3
    assert [str(s) for s in loaded.skipped] == [f"{two}:3: duplicate id 1 (first at {one}:1)"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        (" True ", True),
        ("1", True),
        ("yes", True),
        ("y", True),
        ("t", True),
        (True, True),
        (1, True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("", False),
        ("retweet", False),
        (None, False),
        (False, False),
        (0, False),
    ],
)
def test_is_repost(tmp_path, value, expected):
    loaded = checked([write_jsonl(tmp_path / "e.jsonl", [{**GOOD_A, "is_repost": value}])])
    assert loaded.messages[0].is_repost is expected


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "yes"])
def test_is_repost_in_csv(tmp_path, value):
    path = tmp_path / "e.csv"
    path.write_text(f"id,author,created_at,is_repost\n1,a,2026-01-01,{value}\n2,a,2026-01-01,false\n")
    assert [m.is_repost for m in checked([path]).messages] == [True, False]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        (" 12 ", 12),
        ("12.0", 12),
        (12.9, 12),
        ("0", 0),
        ("", None),
        (None, None),
        ("many", None),
        (True, None),
        ([1], None),
    ],
)
def test_counts(tmp_path, value, expected):
    loaded = checked([write_jsonl(tmp_path / "e.jsonl", [{**GOOD_A, "likes": value, "reposts": value}])])
    assert (loaded.messages[0].likes, loaded.messages[0].reposts) == (expected, expected)


@pytest.mark.parametrize(
    ("author", "expected"),
    [("@Handle", "handle"), ("Handle", "handle"), (" @BrightBrew ", "brightbrew"), ("@ spaced", "spaced"), (7, "7")],
)
def test_handles_are_normalised(tmp_path, author, expected):
    row = {**GOOD_A, "author": author, "in_reply_to": "9", "in_reply_to_author": author}
    message = checked([write_jsonl(tmp_path / "e.jsonl", [row])]).messages[0]
    assert (message.author, message.in_reply_to_author) == (expected, expected)


def test_reply_author_is_kept_only_for_replies(tmp_path):
    row = {**GOOD_A, "in_reply_to_author": "@Shop"}
    message = checked([write_jsonl(tmp_path / "e.jsonl", [row])]).messages[0]
    assert (message.in_reply_to, message.in_reply_to_author) == (None, None)


@pytest.mark.parametrize(
    ("text", "mentions", "hashtags", "urls"),
    [
        ("@Brand hi @brand @BRAND", ("brand",), (), ()),
        ("ping @brand. and @other_one, ok", ("brand", "other_one"), (), ()),
        ("mail me@shop.example now", (), (), ()),  # an e-mail address is no mention
        ("@a.b.c hello", ("a.b.c",), (), ()),
        ("#Sale #sale #new_in today", (), ("sale", "new_in"), ()),
        ("C# and &#39; are no hashtags", (), (), ()),
        (
            "see https://a.example/x?y=1 and HTTP://B.example/z",
            (),
            (),
            ("https://a.example/x?y=1", "HTTP://B.example/z"),
        ),
        ("ftp://files.example and www.example.com", (), (), ()),
        ("", (), (), ()),
    ],
)
def test_entities(tmp_path, text, mentions, hashtags, urls):
    message = checked([write_jsonl(tmp_path / "e.jsonl", [{**GOOD_A, "text": text}])]).messages[0]
    assert (message.text, message.mentions, message.hashtags, message.urls) == (text, mentions, hashtags, urls)


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ("1,a,x,2026-01-01,extra\n", "CSV row has 5 cells, header has 4"),
        ("1,a,2026-01-01\n", "CSV row has 3 cells, header has 4"),
        ("1\n", "CSV row has 1 cells, header has 4"),
        ('1,a,"x, y, z",2026-01-01,\n', "CSV row has 5 cells, header has 4"),
    ],
)
def test_csv_row_with_the_wrong_number_of_cells(tmp_path, rows, reason):
    path = tmp_path / "e.csv"
    path.write_text("id,author,text,created_at\n" + rows + "2,b,ok,2026-01-02\n", encoding="utf-8")
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ["2"] and loaded.records == 2
    assert [str(s) for s in loaded.skipped] == [f"{path}:2: {reason}"]


def test_csv_header_is_case_and_space_insensitive_and_extra_columns_ignored(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(' ID , Author ,Text,"Created_At",Mood\n1,@Ann,hi,2026-03-01T09:00:00Z,happy\n')
    loaded = checked([path])
    assert [(m.id, m.author, m.text) for m in loaded.messages] == [("1", "ann", "hi")]


def test_csv_lines_after_multi_line_cells_and_crlf(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(
        b"id,author,text,created_at\r\n"  # 1
        b'1,a,"one\r\ntwo\r\nthree",2026-01-01\r\n'  # 2-4
        b"2,b,ok,never\r\n"  # 5
        b'3,c,"x\r\n\r\ny",2026-01-01\r\n'  # 6-8 (a blank line inside a quoted cell)
        b"4,d,,2026-13-01\r\n"  # 9
    )
    loaded = checked([path])
    assert [(m.id, m.text.splitlines()) for m in loaded.messages] == [
        ("1", ["one", "two", "three"]),
        ("3", ["x", "", "y"]),
    ]
    assert [str(s) for s in loaded.skipped] == [
        f"{path}:5: message 2: unparseable date 'never'",
        f"{path}:9: message 4: unparseable date '2026-13-01'",
    ]


@pytest.mark.parametrize(
    ("name", "content", "ids", "where"),
    [
        (
            "e.jsonl",
            json.dumps(GOOD_A) + "\n\n   \n\t\n" + json.dumps(GOOD_B) + "\n\n",
            ["1", "2"],
            [":1", ":5"],
        ),
        (
            "e.csv",
            "id,author,text,created_at\n\n1,shop,a,2026-03-01\n\n , ,,\n2,ann,b,2026-03-01\n\n",
            ["1", "2"],
            [":3", ":6"],
        ),
    ],
)
def test_blank_lines_are_no_records(tmp_path, name, content, ids, where):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ids
    assert [str(m.source) for m in loaded.messages] == [f"{path}{w}" for w in where]
    assert loaded.records == 2 and loaded.skipped == []


@pytest.mark.parametrize("layout", ["jsonl", "csv"])
def test_cp1252_decodes_with_exactly_one_notice(tmp_path, layout):
    rows = [
        {"id": "1", "author": "a", "text": "plain ascii", "created_at": "2026-01-01"},
        {"id": "2", "author": "a", "text": "café", "created_at": "2026-01-01"},
        {"id": "3", "author": "a", "text": "naïve crème brûlée", "created_at": "2026-01-01"},
    ]
    if layout == "jsonl":
        path = write_jsonl(tmp_path / "win.jsonl", rows, encoding="cp1252")
        line = 2
    else:
        path = tmp_path / "win.csv"
        body = "id,author,text,created_at\n" + "".join(f"{r['id']},a,{r['text']},2026-01-01\n" for r in rows)
        path.write_bytes(body.encode("cp1252"))
        line = 3
    assert "café".encode("cp1252") in path.read_bytes() and "café".encode() not in path.read_bytes()
    loaded = checked([path])
    assert [m.text for m in loaded.messages] == ["plain ascii", "café", "naïve crème brûlée"]
    assert len(loaded.notices) == 1
    assert "cp1252" in loaded.notices[0] and loaded.notices[0].startswith(f"{path}: not UTF-8 from line {line}")
    assert loaded.skipped == []


def test_utf8_file_has_no_notice(tmp_path):
    loaded = checked([write_jsonl(tmp_path / "e.jsonl", [{**GOOD_A, "text": "café ☕ 😍"}])])
    assert loaded.messages[0].text == "café ☕ 😍" and loaded.notices == []


def test_empty_array_and_header_only_csv_hold_no_records(tmp_path):
    array = tmp_path / "e.json"
    array.write_text("[]\n")
    header_only = tmp_path / "e.csv"
    header_only.write_text("id,author,created_at\n")
    for path in (array, header_only):
        loaded = checked([path])
        assert (loaded.messages, loaded.skipped, loaded.records) == ([], [], 0)


# Regression (was: src/relaudit/loaders/relaudit_format.py, load(): the layout is chosen from line 1 only): a JSON
# Lines or
# JSON array file that starts with a blank line is accepted by sniff() (which lstrips the head) but then read as
# CSV, so every record is skipped as "CSV row has N cells, header has 0". Fix: choose the layout from the first
# non-blank line (e.g. skip leading lines whose text.strip() is empty before looking at "[" / "{").
@pytest.mark.parametrize("layout", ["jsonl", "array"])
def test_a_leading_blank_line_does_not_change_the_layout(tmp_path, layout):
    path = tmp_path / "e.json"
    body = json.dumps(GOOD_A) + "\n" if layout == "jsonl" else json.dumps([GOOD_A]) + "\n"
    path.write_text("\n" + body, encoding="utf-8")
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ["1"] and loaded.skipped == []


# Regression (was: src/relaudit/dates.py parse_datetime, reached from normalise): a JSON integer too large for a
# float as
# created_at raises OverflowError out of read_messages, so the CLI prints "internal error" instead of skipping the
# record. Fix: catch OverflowError in dates._from_epoch (or parse_datetime) and return None.
def test_a_huge_integer_date_is_skipped(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps(GOOD_A) + '\n{"id": "5", "author": "x", "created_at": 1' + "0" * 400 + "}\n")
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ["1"]
    assert str(loaded.skipped[0]).startswith(f"{path}:2: message 5: unparseable date")


# Regression (was: src/relaudit/loaders/relaudit_format.py, _load_csv): csv.Error from the csv module is not caught,
# e.g. an
# unterminated quote that swallows more than 131072 characters ("field larger than field limit"), so the CLI
# prints "internal error". The other CSV loaders go through loaders/csvrows.py, which turns csv.Error into a
# skipped row. Fix: read the relaudit CSV layout with csvrows.table_rows (or catch csv.Error per row).
def test_csv_parser_errors_become_skipped_rows(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text('id,author,text,created_at\n1,a,ok,2026-01-01\n2,b,"never closed,2026-01-01\n' + "x" * 140_000)
    loaded = checked([path])
    assert [m.id for m in loaded.messages] == ["1"] and loaded.skipped


def test_keys_the_format_does_not_have_are_ignored(tmp_path):
    """is_private and text_kind are other loaders' fields: a relaudit file cannot set them (nor other keys)."""
    path = tmp_path / "feed.jsonl"
    base = {"id": "1", "author": "brand", "created_at": "2026-01-01T00:00:00Z", "text": "a &amp; b <b>x</b>"}
    lines = [dict(base), dict(base, id="2", is_private=True, text_kind="html", colour="red")]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    first, second = read_messages([path], AuditOptions()).messages
    assert (first.text, first.is_private) == ("a &amp; b <b>x</b>", False)
    assert (second.text, second.is_private) == ("a &amp; b <b>x</b>", False)  # kept as written, still public
