"""A large JSON Lines file read on two cores (loaders/split.py) gives what reading it in one process gives."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from relaudit import loaders
from relaudit.loaders import relaudit_format, split
from relaudit.pipeline import AuditOptions, audit, read_messages
from relaudit.render.json_format import render_json


def record(i: int, **extra: object) -> str:
    fields = {
        "id": str(i),
        "author": "brand" if i % 3 == 0 else f"Fan_{i % 7}",
        "text": f"@brand order {i} has not arrived #late https://t.co/{i}" if i % 3 else f"@fan_{i % 7} sorry!",
        "created_at": f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
        "in_reply_to": str(i - 1) if i % 3 == 0 else None,
        "platform": "x" if i % 2 else "mastodon",
        "likes": i % 5,
        **extra,
    }
    return json.dumps(fields, ensure_ascii=False)


def hostile_lines(count: int) -> list[bytes]:
    """Records with every kind of trouble spread through the file, so that each part gets some."""
    lines = []
    for i in range(count):
        if i % 97 == 5:
            lines.append(b"{broken\n")
        elif i % 89 == 7:
            lines.append(b"\n")  # blank
        elif i % 83 == 3:
            lines.append(b'["an", "array"]\n')
        elif i % 79 == 1:
            lines.append(record(i).encode() + b"\r\n")
        elif i % 73 == 2:
            lines.append(record(i - 50).encode() + b"\n")  # a duplicate id of an earlier record
        elif i in (40, 1700):  # one in each part
            lines.append(record(i, text="caf\xe9 late").encode("cp1252") + b"\n")  # not UTF-8
        elif i % 71 == 4:
            lines.append(record(i, created_at="yesterday").encode() + b"\n")
        else:
            lines.append(record(i).encode() + b"\n")
    return lines


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    one = read_messages([path], AuditOptions(jobs=1))
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    assert split.splittable(path, loaders.detect(path), 2)
    two = read_messages([path], AuditOptions(jobs=2))
    return one, two


def summary(loaded: object) -> tuple[object, ...]:
    messages = loaded.messages  # type: ignore[attr-defined]
    return (
        messages,
        [str(s) for s in loaded.skipped],  # type: ignore[attr-defined]
        loaded.notices,  # type: ignore[attr-defined]
        loaded.records,  # type: ignore[attr-defined]
        [type(m.source) for m in messages],
    )


def test_a_hostile_file_reads_the_same_in_two_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + b"".join(hostile_lines(2000)) + record(5000).encode())  # no final break
    one, two = both_ways(path, monkeypatch)
    assert summary(one) == summary(two)
    assert len(one.messages) > 1500 and len(one.skipped) > 60  # type: ignore[attr-defined]
    assert one.notices == [f"{path}: not UTF-8 from line 41; decoded as cp1252, check accented text"]  # type: ignore[attr-defined]


def test_a_notice_in_the_workers_part_only_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [record(i).encode() + b"\n" for i in range(1000)]
    lines[900] = record(900, text="caf\xe9").encode("cp1252") + b"\n"
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"".join(lines))
    one, two = both_ways(path, monkeypatch)
    assert summary(one) == summary(two)
    assert two.notices == [f"{path}: not UTF-8 from line 901; decoded as cp1252, check accented text"]  # type: ignore[attr-defined]


def test_the_messages_keep_interned_handles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"".join(record(i).encode() + b"\n" for i in range(400)))
    _, two = both_ways(path, monkeypatch)
    same = [m for m in two.messages if m.author == "brand"]  # type: ignore[attr-defined]
    assert all(m.author is same[0].author for m in same) and all(m.platform is same[0].platform for m in same[::2])


def test_cuts_start_lines_and_number_them(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    content = b"".join(hostile_lines(500))
    path.write_bytes(content)
    cuts = split._cuts(path)
    assert cuts[0] == (0, 1) and cuts[-1] == (len(content), 0) and len(cuts) == split.PIECES + 2
    for offset, line in cuts[1:-1]:
        assert content[offset - 1 : offset] == b"\n"
        assert content[:offset].count(b"\n") + 1 == line
    assert [c[0] for c in cuts] == sorted({c[0] for c in cuts})


def test_a_file_of_one_line_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(record(1), encoding="utf-8")
    assert len(split._cuts(path)) == 2
    one, two = both_ways(path, monkeypatch)
    assert summary(one) == summary(two) and len(one.messages) == 1  # type: ignore[attr-defined]


def test_the_audit_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"".join(hostile_lines(3000)))
    before = render_json(audit([path], AuditOptions(jobs=1)))
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    assert render_json(audit([path], AuditOptions(jobs=2))) == before


def test_only_large_json_lines_files_in_the_relaudit_format_are_split(tmp_path: Path) -> None:
    lines = tmp_path / "a.jsonl"
    lines.write_text("\n" + record(1) + "\n", encoding="utf-8")
    array = tmp_path / "b.json"
    array.write_text(f"[{record(1)}]", encoding="utf-8")
    table = tmp_path / "c.csv"
    table.write_text("id,author,created_at,text\n1,a,2026-01-01T00:00:00Z,hi\n", encoding="utf-8")
    assert relaudit_format.is_json_lines(lines)
    assert not relaudit_format.is_json_lines(array) and not relaudit_format.is_json_lines(table)
    assert not split.splittable(lines, relaudit_format, 2)  # smaller than SPLIT_BYTES
    assert not split.splittable(lines, loaders.detect(table), 2)
