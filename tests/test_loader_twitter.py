"""The X archive loader (zip, folder, tweets.js) and the legacy tweets.csv loader: our fixtures and the real files."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from relaudit.loaders import customer_care, relaudit_format, twitter_archive, twitter_csv
from relaudit.loaders.base import LoadItem, LoadNotice
from relaudit.model import Message, RawRecord, Skipped
from relaudit.normalise import normalise

FIXTURES = Path(__file__).parent / "fixtures"
ARCHIVE = FIXTURES / "twitter_archive"
TWEETS_JS = ARCHIVE / "data" / "tweets.js"
LEGACY = FIXTURES / "twitter_csv"
LEGACY_CSV = LEGACY / "tweets.csv"
TWCS = FIXTURES / "customer_care" / "twcs_sample.csv"


def run(items: list[LoadItem]) -> tuple[dict[str, Message], list[Skipped], list[LoadNotice]]:
    """Normalise what a loader gave: messages by id, every skipped record (loader's and normaliser's), notices."""
    messages: dict[str, Message] = {}
    skipped: list[Skipped] = []
    notices: list[LoadNotice] = []
    for item in items:
        if isinstance(item, LoadNotice):
            notices.append(item)
            continue
        result = normalise(item) if isinstance(item, RawRecord) else item
        if isinstance(result, Message):
            messages[result.id] = result
        else:
            skipped.append(result)
    return messages, skipped, notices


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


@pytest.fixture
def relaudit_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text('{"id": "1", "author": "me", "text": "hi", "created_at": "2026-01-01T00:00:00Z"}\n')
    return path


# --- X / Twitter "Your archive" -------------------------------------------------------------------------------------


def check_archive_fixture(items: list[LoadItem], where: str) -> None:
    messages, skipped, notices = run(items)
    records = [i for i in items if not isinstance(i, LoadNotice)]
    assert len(records) == 10 == len(messages) + len(skipped)
    assert notices == []
    assert sorted(messages) == ["1001", "1002", "1003", "1004", "1007", "1009", "1010"]
    assert {m.author for m in messages.values()} == {"brightbakery"}

    original = messages["1001"]
    assert original.text == "Fresh sourdough & rye today <3 #bread"
    assert original.created_at == utc(2026, 3, 2, 8, 0)
    assert (original.likes, original.reposts, original.platform) == (5, 2, "x")
    assert original.url == "https://x.com/BrightBakery/status/1001"
    assert original.in_reply_to is None and not original.is_repost
    assert original.source.path == where and original.source.line == 2

    thread = messages["1002"]  # the owner replying to itself
    assert (thread.in_reply_to, thread.in_reply_to_author) == ("1001", "brightbakery")
    assert thread.text == "Also: croissants are back from 9am > get in early"

    reply = messages["1003"]
    assert (reply.in_reply_to, reply.in_reply_to_author) == ("5550001", "crumbfan")
    assert reply.text == "@CrumbFan Thanks so much! We're glad you liked it"
    assert reply.mentions == ("crumbfan",)

    repost = messages["1004"]
    assert repost.is_repost and repost.text == "RT @FlourWeekly: Ten bakeries to visit & why we love them"
    assert repost.reposts == 12

    assert messages["1007"].created_at == utc(2026, 3, 4, 12, 0)  # an entry without the "tweet" wrapper
    assert messages["1009"].text == 'Voted "best bakery" in town. What should we bake next?'
    assert (messages["1010"].in_reply_to, messages["1010"].in_reply_to_author) == ("5550099", None)

    assert [str(s) for s in skipped] == [
        f"{where}:97: message 1005: unparseable date 'sometime on Tuesday'",
        f"{where}:108: bad JSON: Invalid control character (line 112, column 43)",
        f"{where}:124: tweet without id_str",
    ]


def test_archive_folder() -> None:
    assert twitter_archive.sniff(ARCHIVE)
    assert twitter_archive.account_hint(ARCHIVE) == ["BrightBakery"]
    check_archive_fixture(list(twitter_archive.load(ARCHIVE)), str(TWEETS_JS))


def test_archive_zip(tmp_path: Path) -> None:
    archive = tmp_path / "twitter-2026-03-06.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in sorted(ARCHIVE.rglob("*")):
            if file.is_file():
                zipped.write(file, file.relative_to(ARCHIVE).as_posix())
        zipped.writestr("data/tweets_media/1001-abc.jpg", b"not really a picture")
    assert twitter_archive.sniff(archive)
    assert twitter_archive.account_hint(archive) == ["BrightBakery"]
    check_archive_fixture(list(twitter_archive.load(archive)), f"{archive}/data/tweets.js")


def test_archive_lone_tweets_js_beside_account_js() -> None:
    assert twitter_archive.sniff(TWEETS_JS)
    assert twitter_archive.account_hint(TWEETS_JS) == ["BrightBakery"]
    check_archive_fixture(list(twitter_archive.load(TWEETS_JS)), str(TWEETS_JS))


def test_archive_handle_from_manifest_then_self_reply_then_unknown(tmp_path: Path) -> None:
    lone = tmp_path / "tweets.js"
    shutil.copy(TWEETS_JS, lone)
    # No account file: the self-thread (1002 replies to 1001, which is in the archive) names the owner.
    messages, _, notices = run(list(twitter_archive.load(lone)))
    assert twitter_archive.account_hint(lone) == []
    assert {m.author for m in messages.values()} == {"brightbakery"}
    assert [n.text for n in notices] == [
        "no account.js or manifest.js; handle @BrightBakery inferred from a self-reply"
    ]

    (tmp_path / "manifest.js").write_text('window.__THAR_CONFIG = {\n  "userInfo" : {"userName" : "BakeryHQ"}\n}\n')
    assert twitter_archive.account_hint(lone) == ["BakeryHQ"]
    messages, _, notices = run(list(twitter_archive.load(lone)))
    assert {m.author for m in messages.values()} == {"bakeryhq"} and notices == []

    plain = tmp_path / "plain" / "tweet.js"  # the older member name, and no self-reply to learn from
    plain.parent.mkdir()
    plain.write_text(
        "window.YTD.tweet.part0 = [\n"
        '  {"tweet": {"id_str": "1", "created_at": "Mon Mar 02 08:00:00 +0000 2026", "full_text": "hello"}}\n]\n'
    )
    assert twitter_archive.sniff(plain)
    items = list(twitter_archive.load(plain))
    messages, _, notices = run(items)
    assert messages["1"].author == twitter_archive.UNKNOWN_OWNER and messages["1"].url is None
    assert len(notices) == 1 and "--account" in notices[0].text
    assert isinstance(items[0], LoadNotice)  # told before any record


def test_archive_part_files_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(ARCHIVE, folder)
    (folder / "data" / "tweets-part1.js").write_text(
        "window.YTD.tweets.part1 = [\n"
        '  {"tweet": {"id_str": "2001", "created_at": "Sat Mar 07 08:00:00 +0000 2026", "full_text": "part one"}}\n]\n'
    )
    assert twitter_archive.sniff(folder)
    items = list(twitter_archive.load(folder))
    ids = [i.fields["id"] for i in items if isinstance(i, RawRecord)]
    assert ids[-1] == "2001" and len(ids) == 9
    assert str(items[-1].source) == f"{folder}/data/tweets-part1.js:2"  # type: ignore[union-attr]


def test_archive_bad_tail_is_reported_not_raised(tmp_path: Path) -> None:
    cut = tmp_path / "tweets.js"
    cut.write_text(TWEETS_JS.read_text()[:900])  # cut inside the second entry
    _, skipped, _ = run(list(twitter_archive.load(cut)))
    assert [s.source.line for s in skipped] == [35]
    assert "the rest of the file could not be read" in skipped[0].reason
    junk = tmp_path / "junk" / "tweets.js"
    junk.parent.mkdir()
    junk.write_text("window.YTD.tweets.part0 = {}\n")
    assert [str(i) for i in twitter_archive.load(junk) if isinstance(i, Skipped)] == [
        f"{junk}:1: expected `window.YTD.tweets.part0 = [`; no tweet was read"
    ]


def test_archive_sniff_rejects_other_formats(tmp_path: Path, relaudit_jsonl: Path) -> None:
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as zipped:
        zipped.writestr("outbox.json", "{}")
    for path in (
        LEGACY,
        LEGACY_CSV,
        TWCS,
        relaudit_jsonl,
        other_zip,
        tmp_path / "missing",
        ARCHIVE / "data" / "account.js",
    ):
        assert not twitter_archive.sniff(path), path
    assert not relaudit_format.sniff(TWEETS_JS)
    assert not customer_care.sniff(TWEETS_JS) and not twitter_csv.sniff(TWEETS_JS) and not twitter_csv.sniff(ARCHIVE)


def test_archive_real_files(shared_data: Path) -> None:
    folder = shared_data / "twitter_archive"
    assert twitter_archive.sniff(folder) and twitter_archive.sniff(folder / "tweets.js")
    assert twitter_archive.account_hint(folder) == ["milahu104"]
    items = list(twitter_archive.load(folder))
    messages, skipped, notices = run(items)
    assert (len(messages), skipped, notices) == (170, [], [])
    assert {m.author for m in messages.values()} == {"milahu104"}
    assert sum(m.is_repost for m in messages.values()) == 26
    assert sum(m.in_reply_to is not None for m in messages.values()) == 142
    first = messages["2029905358261502168"]
    assert first.in_reply_to == "2029903943413772741" and first.in_reply_to_author == "milahu104"
    assert first.created_at == utc(2026, 3, 6, 13, 2, 5) and first.source.line == 2
    assert not any("&gt;" in m.text or "&amp;" in m.text for m in messages.values())


# --- legacy tweets.csv ----------------------------------------------------------------------------------------------


def check_legacy_fixture(items: list[LoadItem]) -> None:
    messages, skipped, notices = run(items)
    assert notices == []
    assert len([i for i in items if not isinstance(i, LoadNotice)]) == 9 == len(messages) + len(skipped)
    assert {m.author for m in messages.values()} == {"oldcornershop"}
    first = messages["600000000000000001"]
    assert first.text == "Fresh bread & milk in today <3"
    assert first.created_at == utc(2015, 3, 1, 9, 0)
    assert first.url == "https://x.com/OldCornerShop/status/600000000000000001"
    assert (first.likes, first.reposts) == (None, None)
    assert messages["600000000000000002"].is_repost
    assert messages["600000000000000002"].text == "RT @LeedsMarket: Saturday market is back & bigger"
    reply = messages["600000000000000003"]
    assert (reply.in_reply_to, reply.in_reply_to_author) == ("590000000000000100", "neighbour_ann")
    thread = messages["600000000000000004"]  # a reply to the owner's own user id, though it starts "@neighbour_ann"
    assert (thread.in_reply_to, thread.in_reply_to_author) == ("600000000000000001", "oldcornershop")
    dotted = messages["600000000000000005"]  # ".@bob_b" is not a leading mention: the parent's author stays unknown
    assert (dotted.in_reply_to, dotted.in_reply_to_author) == ("590000000000000200", None)
    multi = messages["600000000000000007"]
    assert multi.text == "Opening hours this week:\nMon-Fri 8-6\nSat 9-1" and multi.source.line == 8
    assert messages["600000000000000009"].source.line == 12  # after the three-line cell and the short row
    assert messages["600000000000000009"].text == 'Which cake should we stock next, "lemon" or carrot?'
    assert [str(s) for s in skipped] == [
        f"{LEGACY_CSV}:7: message 600000000000000006: unparseable date '2015-13-45 99:00:00 +0000'",
        f"{LEGACY_CSV}:11: CSV row has 5 cells, header has 10",
    ]


def test_legacy_csv_file_and_folder() -> None:
    for path in (LEGACY_CSV, LEGACY):
        assert twitter_csv.sniff(path)
        assert twitter_csv.account_hint(path) == ["OldCornerShop"]
        check_legacy_fixture(list(twitter_csv.load(path)))


def test_legacy_timestamp_becomes_iso() -> None:
    record = next(i for i in twitter_csv.load(LEGACY_CSV) if isinstance(i, RawRecord))
    assert record.fields["created_at"] == "2015-03-01T09:00:00+00:00"  # Python 3.10 cannot parse the original


def test_legacy_csv_without_user_details(tmp_path: Path) -> None:
    lone = tmp_path / "tweets.csv"
    shutil.copy(LEGACY_CSV, lone)
    assert twitter_csv.account_hint(lone) == []
    items = list(twitter_csv.load(lone))
    messages, skipped, notices = run(items)
    assert len(notices) == 1 and "--account" in notices[0].text and isinstance(items[0], LoadNotice)
    assert {m.author for m in messages.values()} == {twitter_csv.UNKNOWN_OWNER}
    # Without the owner's id the self-thread falls back to its leading mention.
    assert messages["600000000000000004"].in_reply_to_author == "neighbour_ann"
    assert messages["600000000000000001"].url is None and len(skipped) == 2


def test_legacy_sniff_rejects_other_formats(relaudit_jsonl: Path) -> None:
    for path in (TWCS, TWEETS_JS, ARCHIVE, relaudit_jsonl, LEGACY / "data" / "js" / "user_details.js"):
        assert not twitter_csv.sniff(path), path
    assert not relaudit_format.sniff(LEGACY_CSV) and not customer_care.sniff(LEGACY_CSV)
    assert not twitter_archive.sniff(LEGACY)


def test_legacy_real_files(shared_data: Path) -> None:
    folder = shared_data / "twitter_legacy_csv"
    assert twitter_csv.sniff(folder) and twitter_csv.sniff(folder / "tweets.csv")
    assert not twitter_archive.sniff(folder)
    assert twitter_csv.account_hint(folder) == ["06b"]
    messages, skipped, notices = run(list(twitter_csv.load(folder / "tweets.csv")))
    assert (len(messages), skipped, notices) == (1500, [], [])
    assert {m.author for m in messages.values()} == {"06b"}
    assert sum(m.is_repost for m in messages.values()) == 1000
    assert sum(m.in_reply_to is not None for m in messages.values()) == 183
    self_replies = [m for m in messages.values() if m.in_reply_to and m.in_reply_to_author == "06b"]
    assert len(self_replies) == 6
    latest = messages["635221280971694080"]
    assert latest.created_at == utc(2015, 8, 22, 22, 45, 29) and latest.source.line == 2
