"""Nothing is lost silently: for every loader, records in the input = messages + skipped, each skip with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relaudit.account import from_option
from relaudit.pipeline import AuditOptions, audit, read_messages
from relaudit.render import RENDERERS

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"

# file, format, records written into it by hand, messages, and the reasons of the deliberately bad ones.
CASES = [
    (
        "relaudit.jsonl",
        "relaudit",
        7,
        3,
        ["bad JSON", "unparseable date", "expected an object, found list", "duplicate id a1"],
    ),
    ("relaudit.csv", "relaudit", 5, 3, ["unparseable date 'yesterday-ish'", "CSV row has 2 cells, header has 4"]),
    ("relaudit_array.json", "relaudit", 5, 3, ["expected an object, found str", "no author"]),
    ("twcs.csv", "customer-care", 5, 3, ["unparseable date 'not a date'", "CSV row has 3 cells, header has 7"]),
    ("tweets.csv", "twitter-csv", 5, 3, ["CSV row has 4 cells, header has 10", "unparseable date 'the day after'"]),
    ("tweets.js", "twitter-archive", 5, 3, ["tweet without id_str", "unparseable date 'someday'"]),
    ("outbox.json", "mastodon", 5, 3, ["Create activity without a post object", "expected an activity object"]),
    ("author_feed.json", "bluesky-feed", 5, 3, ["feed item without a post", "post without uri or record"]),
    ("your_posts_1.json", "facebook", 5, 3, ["expected a post object, found str", "found int"]),
    ("posts_1.json", "instagram", 5, 3, ["found int", "found NoneType"]),
    ("Shares.csv", "linkedin", 5, 3, ["CSV row has 2 cells, header has 6", "unparseable date 'not a date'"]),
]


@pytest.mark.parametrize(("name", "input_format", "records", "messages", "reasons"), CASES, ids=[c[0] for c in CASES])
def test_records_are_messages_plus_skipped(
    name: str, input_format: str, records: int, messages: int, reasons: list[str]
) -> None:
    loaded = read_messages([HOSTILE / name], AuditOptions())
    assert loaded.input_format == input_format
    assert loaded.records == records
    assert len(loaded.messages) == messages
    assert len(loaded.skipped) == records - messages == len(reasons)
    for skipped, reason in zip(loaded.skipped, reasons):
        assert reason in skipped.reason
        assert str(skipped).startswith(str(HOSTILE / name))  # every skip names its file and line or record


def test_every_loader_has_a_hostile_fixture() -> None:
    from relaudit.loaders import LOADERS

    covered = {case[1] for case in CASES}
    # bluesky-car (a binary CAR repository) is fuzzed in test_fuzz.py; every text format is covered here.
    assert set(LOADERS) - covered <= {"bluesky-car"}


def test_skipped_records_are_in_the_report_all_in_json_first_ten_in_text(tmp_path: Path) -> None:
    lines = (HOSTILE / "relaudit.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "many-bad.jsonl"
    path.write_text("\n".join(lines[:2] + [f'{{"id": "x{n}"' for n in range(25)]) + "\n", encoding="utf-8")
    report = audit([path], AuditOptions(account=from_option(["shop"])))
    data = json.loads(RENDERERS["json"](report, 80, False))
    assert data["source"]["records"] == 27
    assert data["counts"]["messages"] == 2 and data["counts"]["skipped"] == 25
    skipped_lines = [w for w in data["warnings"] if "bad JSON" in w]
    assert [w.split(":")[1] for w in skipped_lines] == [str(n) for n in range(3, 28)]
    text = RENDERERS["text"](report, 100, False)
    assert f"{path}:3: bad JSON" in text and f"{path}:12: bad JSON" in text
    assert f"{path}:13: bad JSON" not in text
    assert "… 15 more in --format json" in text
