"""The Customer Support on Twitter (twcs) CSV loader and the shared CSV row reader."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from relaudit.loaders import customer_care, relaudit_format, twitter_archive, twitter_csv
from relaudit.loaders.base import LoadNotice
from relaudit.loaders.csvrows import csv_rows, leading_mention
from relaudit.model import Message, RawRecord, Skipped
from relaudit.normalise import normalise

FIXTURES = Path(__file__).parent / "fixtures"
TWCS = FIXTURES / "customer_care" / "twcs_sample.csv"
HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def run(path: Path) -> tuple[int, dict[str, Message], list[Skipped], list[LoadNotice]]:
    """(records, messages by id, skipped, notices) after normalising what the loader gave."""
    records = 0
    messages: dict[str, Message] = {}
    skipped: list[Skipped] = []
    notices: list[LoadNotice] = []
    for item in customer_care.load(path):
        if isinstance(item, LoadNotice):
            notices.append(item)
            continue
        records += 1
        result = normalise(item) if isinstance(item, RawRecord) else item
        if isinstance(result, Message):
            messages[result.id] = result
        else:
            skipped.append(result)
    return records, messages, skipped, notices


def test_fixture_fields() -> None:
    assert customer_care.sniff(TWCS)
    assert customer_care.account_hint(TWCS) == []
    records, messages, skipped, notices = run(TWCS)
    assert records == 9 == len(messages) + len(skipped) and notices == []
    assert sorted(messages) == ["101", "102", "103", "104", "105", "108", "109"]

    complaint = messages["101"]
    assert complaint.author == "300001" and complaint.in_reply_to is None
    assert complaint.text == "@BikeShopHelp my order hasn't arrived & nobody answers"
    assert complaint.created_at == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert complaint.mentions == ("bikeshophelp",) and complaint.platform == "x"

    answer = messages["102"]
    assert (answer.author, answer.in_reply_to, answer.in_reply_to_author) == ("bikeshophelp", "101", None)
    assert answer.text == "@300001 Sorry about that! Please DM us your order number > we'll check"
    assert messages["103"].in_reply_to == "102" and messages["104"].in_reply_to == "102"  # a brand self-thread
    assert not any(m.is_repost for m in messages.values())

    multi = messages["105"]
    assert multi.text == "@BikeShopHelp two questions:\n1. do you fit tyres?\n2. are you open Sunday?"
    assert multi.source.line == 6
    assert messages["108"].in_reply_to == "105"  # pandas' float id "105.0"
    assert messages["108"].source.line == 11 and messages["108"].text == "@300002 Yes & yes, 10-4 on Sundays"
    assert messages["109"].author == "coffeecares" and messages["109"].text == "@300005 We're on it <3"

    assert [str(s) for s in skipped] == [
        f"{TWCS}:9: message 106: unparseable date 'the day before yesterday'",
        f"{TWCS}:10: CSV row has 4 cells, header has 7",
    ]


def test_sniff_rejects_other_formats(tmp_path: Path) -> None:
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"id": "1", "author": "me", "text": "hi", "created_at": "2026-01-01T00:00:00Z"}\n')
    others = [
        jsonl,
        FIXTURES / "twitter_csv" / "tweets.csv",
        FIXTURES / "twitter_archive",
        FIXTURES / "twitter_archive" / "data" / "tweets.js",
        tmp_path,
    ]
    for path in others:
        assert not customer_care.sniff(path), path
    assert not relaudit_format.sniff(TWCS) and not twitter_csv.sniff(TWCS) and not twitter_archive.sniff(TWCS)


def test_bad_rows_are_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    date = "Mon Mar 02 09:00:00 +0000 2026"
    raw = (HEADER + f"1,a,True,{date},bare\r\rreturns,,\n2,b,True,{date},caf\xe9,,\n3,c,True,{date},fine,,1\n").encode(
        "latin-1"
    )
    path.write_bytes(b"\xef\xbb\xbf" + raw)  # BOM, a bare CR outside quotes, a latin-1 byte
    assert customer_care.sniff(path)
    records, messages, skipped, notices = run(path)
    assert records == 3 and sorted(messages) == ["2", "3"]
    assert messages["2"].text == "café" and messages["3"].in_reply_to == "1"
    assert [s.source.line for s in skipped] == [2] and "carriage return" in skipped[0].reason
    assert [str(n) for n in notices] == [f"{path}: not UTF-8 from line 3; decoded as cp1252, check accented text"]


def test_csv_rows_lines_and_leading_mention(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,x\n')
    notices: list = []
    rows = list(csv_rows(path, notices))
    assert [(r.line, r.cells) for r in rows] == [(1, ["a", "b"]), (2, ["1", "two\nlines"]), (5, ["3", "x"])]
    assert notices == []
    assert leading_mention(" @Ann_B thanks") == "Ann_B"
    assert leading_mention(".@ann thanks") is None and leading_mention("hi @ann") is None


def test_real_file(shared_data: Path) -> None:
    path = shared_data / "twcs" / "twcs_head5000_normalized.csv"
    assert customer_care.sniff(path) and customer_care.account_hint(path) == []
    records, messages, skipped, notices = run(path)
    assert (records, len(messages), skipped, notices) == (5000, 5000, [], [])
    first = messages["1"]
    assert (first.author, first.in_reply_to, first.source.line) == ("sprintcare", "3", 2)
    assert sum(m.in_reply_to is not None for m in messages.values()) == 3694
    assert not any("&amp;" in m.text for m in messages.values())
    assert not twitter_csv.sniff(path) and not twitter_archive.sniff(path) and not relaudit_format.sniff(path)
