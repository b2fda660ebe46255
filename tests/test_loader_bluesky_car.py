"""The Bluesky repository export (.car): sniffing without the extra, loading with it, and the missing-extra error."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from relaudit.errors import InputError
from relaudit.loaders import LOADERS, bluesky_car, detect
from relaudit.loaders.base import LoadNotice
from relaudit.model import Message, RawRecord, Skipped
from relaudit.normalise import normalise

FIXTURES = Path(__file__).parent / "fixtures"
CAR = FIXTURES / "bluesky" / "repo.car"
DID = "did:plc:bakery7test"
POSTS = f"at://{DID}/app.bsky.feed.post/"
THEIRS = "at://did:plc:crumbfan42/app.bsky.feed.post/3kfriendpost1"


def test_sniff_reads_the_car_header_without_the_library(tmp_path: Path) -> None:
    assert bluesky_car.sniff(CAR)
    assert detect(CAR) is bluesky_car
    assert LOADERS["bluesky-car"] is bluesky_car
    not_car = tmp_path / "x.car"
    not_car.write_bytes(b"\x0a\xa2\x65roots\x80\x67version\x02")  # version 2 is not a CAR v1 header
    others = [
        FIXTURES / "bluesky" / "author_feed.json",
        FIXTURES / "twitter_archive" / "data" / "tweets.js",
        FIXTURES / "bluesky",
        not_car,
        tmp_path / "missing.car",
    ]
    for path in others:
        assert not bluesky_car.sniff(path), path
    for name, module in LOADERS.items():
        if module is not bluesky_car:
            assert not module.sniff(CAR), name


def test_missing_extra_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "libipld", None)  # makes `import libipld` raise ImportError
    with pytest.raises(InputError, match=r"^reading Bluesky \.car exports needs the optional extra: pip install "):
        list(bluesky_car.load(CAR))
    with pytest.raises(InputError, match=r"relaudit\[bluesky\]"):
        bluesky_car.account_hint(CAR)


def test_missing_extra_from_the_command_line_exits_2() -> None:
    script = (
        "import sys; sys.modules['libipld'] = None; sys.argv = ['relaudit', 'audit', sys.argv[1]]; "
        "from relaudit.cli import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", script, str(CAR)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "relaudit: error: reading Bluesky .car exports needs the optional extra: pip install 'relaudit[bluesky]'"
    ]


@pytest.fixture()
def loaded() -> tuple[list[RawRecord], dict[str, Message], list[Skipped], list[LoadNotice]]:
    pytest.importorskip("libipld")
    items = list(bluesky_car.load(CAR))
    records = [i for i in items if isinstance(i, RawRecord)]
    results = [normalise(r) for r in records]
    messages = {m.id: m for m in results if isinstance(m, Message)}
    skipped = [s for s in [*items, *results] if isinstance(s, Skipped)]
    return records, messages, skipped, [i for i in items if isinstance(i, LoadNotice)]


def test_posts_replies_and_reposts(loaded) -> None:
    records, messages, skipped, notices = loaded
    assert len(records) == 7 and len(messages) == 6  # 6 posts and 1 repost; one post's date is unreadable
    assert [r.fields["id"] for r in records] == [POSTS + f"3kaaaaaaaaa0{n}" for n in range(1, 7)] + [
        f"{THEIRS}#repost-by-{DID}"
    ]
    assert [r.source.line for r in records] == [5, 6, 7, 8, 9, 10, 11]  # records 1-4: the profile and the likes
    assert [str(s) for s in skipped] == [
        f"{CAR}:record 10: message {POSTS}3kaaaaaaaaa06: unparseable date 'sometime on Tuesday'"
    ]
    assert [n.text for n in notices] == [
        "not messages, not audited: 3 app.bsky.feed.like, 1 app.bsky.actor.profile, 1 app.bsky.graph.follow"
    ]
    assert {m.author for m in messages.values()} == {DID}
    assert bluesky_car.account_hint(CAR) == [DID]

    first = messages[POSTS + "3kaaaaaaaaa01"]
    assert first.text == "Fresh sourdough today! What should we bake next?"
    assert first.created_at == datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    assert first.url == f"https://bsky.app/profile/{DID}/post/3kaaaaaaaaa01"
    assert (first.platform, first.in_reply_to, first.is_repost) == ("bluesky", None, False)

    thread = messages[POSTS + "3kaaaaaaaaa02"]  # a self-reply
    assert (thread.in_reply_to, thread.in_reply_to_author) == (POSTS + "3kaaaaaaaaa01", DID)
    assert thread.created_at == datetime(2026, 3, 2, 8, 1, 30, tzinfo=timezone.utc)

    reply = messages[POSTS + "3kaaaaaaaaa03"]
    assert (reply.in_reply_to, reply.in_reply_to_author) == (THEIRS, "did:plc:crumbfan42")
    assert reply.mentions == ("crumbfan.bsky.social",) and reply.text.endswith("see you Friday 🥐")

    link = messages[POSTS + "3kaaaaaaaaa04"]  # the shortened link text is replaced by the facet's full URI
    assert link.text == "Our new menu: https://bakery.example/menu/spring"
    assert link.urls == ("https://bakery.example/menu/spring",)
    assert messages[POSTS + "3kaaaaaaaaa05"].hashtags == ("bread",)

    repost = messages[f"{THEIRS}#repost-by-{DID}"]
    assert repost.is_repost and repost.text == THEIRS and repost.in_reply_to is None
    assert repost.url == "https://bsky.app/profile/did:plc:crumbfan42/post/3kfriendpost1"
    assert repost.created_at == datetime(2026, 3, 5, 7, 30, tzinfo=timezone.utc)


def test_broken_car_is_one_skipped_record(tmp_path: Path) -> None:
    pytest.importorskip("libipld")
    cut = tmp_path / "repo.car"
    cut.write_bytes(CAR.read_bytes()[:500])
    items = list(bluesky_car.load(cut))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert str(items[0]).startswith(f"{cut}:record 1: not a readable CAR file: ")
    assert items[0].reason.endswith("; no record could be read")


def test_fixture_matches_its_generator() -> None:
    pytest.importorskip("libipld")
    spec = importlib.util.spec_from_file_location("make_repo_car", CAR.parent / "make_repo_car.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.build() == CAR.read_bytes()
