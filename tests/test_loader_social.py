"""The Mastodon, Bluesky, Facebook, Instagram and LinkedIn loaders: our fixtures, zips of them, and the real files."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

import pytest

from relaudit.errors import InputError
from relaudit.loaders import bluesky, facebook, instagram, linkedin, mastodon
from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem, LoadNotice
from relaudit.loaders.mojibake import repair, repair_tree
from relaudit.model import Message, RawRecord, Skipped
from relaudit.normalise import normalise

FIXTURES = Path(__file__).parent / "fixtures"
MASTODON = FIXTURES / "mastodon"
BLUESKY = FIXTURES / "bluesky" / "author_feed.json"
BLUESKY_SDK = FIXTURES / "bluesky" / "author_feed_sdk.json"
FACEBOOK = FIXTURES / "facebook"
INSTAGRAM = FIXTURES / "instagram"
LINKEDIN = FIXTURES / "linkedin"
ALL = (mastodon, bluesky, facebook, instagram, linkedin)


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
            assert result.id not in messages, f"duplicate id {result.id}"
            messages[result.id] = result
        else:
            skipped.append(result)
    return messages, skipped, notices


def load(module: ModuleType, path: Path) -> tuple[dict[str, Message], list[Skipped], list[LoadNotice]]:
    """Load a path and check the accounting: every record is a message or a skipped record."""
    items = list(module.load(path))
    messages, skipped, notices = run(items)
    records = [i for i in items if not isinstance(i, LoadNotice)]
    assert len(records) == len(messages) + len(skipped)
    return messages, skipped, notices


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


# --- mojibake --------------------------------------------------------------------------------------------------------


def test_mojibake_repair_is_exact_and_leaves_good_text_alone() -> None:
    assert repair("caf\u00c3\u00a9") == "café"
    assert repair("\u00f0\u009f\u0098\u0087") == "😇"
    assert repair("café") == "café"  # a real latin-1 é is not valid UTF-8 once encoded: left as it is
    assert repair("café 😇") == "café 😇"  # above U+00FF: cannot be mojibake
    assert repair("plain") == "plain"
    assert repair_tree({"a\u00c3\u00a9": ["\u00c3\u00a0", 1, None]}) == {"aé": ["à", 1, None]}


# --- Mastodon --------------------------------------------------------------------------------------------------------

STATUS = "https://social.example/users/ShopKeeper/statuses/"


def check_mastodon(messages: dict[str, Message], skipped: list[Skipped], notices: list[LoadNotice]) -> None:
    assert len(messages) == 7 and len(skipped) == 1
    assert "Create activity without a post object" in skipped[0].reason and skipped[0].source.line == 8
    assert [n.text for n in notices] == ["totalItems says 12 but the file holds 8 items; read those"]
    first = messages[STATUS + "101"]
    assert first.author == "shopkeeper"
    assert first.text == "New blend in store: café & cookies!\nCome by #coffee"
    assert first.hashtags == ("coffee",)
    assert first.created_at == utc(2026, 1, 5, 9)
    assert first.url == "https://social.example/@ShopKeeper/101"
    assert (first.platform, first.is_private, first.is_repost, first.in_reply_to) == ("mastodon", False, False, None)
    reply = messages[STATUS + "102"]
    assert reply.in_reply_to == "https://other.example/users/carla/statuses/555"
    assert reply.in_reply_to_author == "carla" and reply.mentions == ("carla",)
    assert messages[STATUS + "103"].in_reply_to_author == "dave"  # https://host/@NAME/ID
    thread = messages[STATUS + "104"]
    assert thread.in_reply_to == STATUS + "101" and thread.in_reply_to_author == "shopkeeper"
    assert messages[STATUS + "105"].is_private  # addressed to carla only: a direct message
    assert not messages[STATUS + "106"].is_private  # followers-only is not a DM
    boost = messages[STATUS + "107/activity"]
    assert boost.is_repost and boost.author == "shopkeeper"
    assert boost.text == boost.url == "https://other.example/users/carla/statuses/999"
    assert boost.created_at == utc(2026, 1, 6, 8)


def test_mastodon_folder() -> None:
    assert mastodon.sniff(MASTODON)
    assert mastodon.account_hint(MASTODON) == ["shopkeeper"]
    check_mastodon(*load(mastodon, MASTODON))


def test_mastodon_zip_and_lone_outbox(tmp_path: Path) -> None:
    archive = zip_folder(MASTODON, tmp_path / "archive.zip")
    assert mastodon.sniff(archive) and mastodon.account_hint(archive) == ["shopkeeper"]
    messages, _, _ = load(mastodon, archive)
    assert messages[STATUS + "101"].source.path == f"{archive}/outbox.json"
    check_mastodon(*load(mastodon, archive))
    # outbox.json alone: actor.json beside it is used; without it the activities' actor URL names the owner.
    lone = tmp_path / "alone" / "outbox.json"
    lone.parent.mkdir()
    shutil.copy(MASTODON / "outbox.json", lone)
    assert mastodon.sniff(lone) and mastodon.account_hint(lone) == ["shopkeeper"]
    messages, _, _ = load(mastodon, lone)
    assert len(messages) == 7 and {m.author for m in messages.values()} == {"shopkeeper"}


def test_mastodon_actor_is_the_one_beside_the_outbox(tmp_path: Path) -> None:
    # another account's actor.json elsewhere in the folder must not name this archive's owner
    folder = tmp_path / "export"
    shutil.copytree(MASTODON, folder)
    (folder / "actor.json").unlink()
    (folder / "old").mkdir()
    (folder / "old" / "actor.json").write_text('{"preferredUsername": "SomeoneElse"}', encoding="utf-8")
    assert mastodon.account_hint(folder) == ["shopkeeper"]  # from the activities' actor URL
    (folder / "actor.json").write_text('{"preferredUsername": "Beside"}', encoding="utf-8")
    assert mastodon.account_hint(folder) == ["beside"]
    # in a zip whose members sit in a folder, the actor.json beside the outbox is still found
    archive = zip_folder(folder, tmp_path / "archive.zip", prefix="archive-2026/")
    assert mastodon.account_hint(archive) == ["beside"]


def test_mastodon_folder_of_several_archives_is_refused(tmp_path: Path) -> None:
    for name in ("first", "second"):
        shutil.copytree(MASTODON, tmp_path / "exports" / name)
    for call in (mastodon.account_hint, lambda path: list(mastodon.load(path))):
        with pytest.raises(InputError) as raised:
            call(tmp_path / "exports")
        assert "holds 2 Mastodon archives" in str(raised.value)
        assert "first/outbox.json" in str(raised.value) and "second/outbox.json" in str(raised.value)


def test_mastodon_status_author() -> None:
    assert mastodon.status_author("https://a.example/users/Bob/statuses/1") == "bob"
    assert mastodon.status_author("https://a.example/@bob/1") == "bob"
    assert mastodon.status_author("https://a.example/objects/5f3a") is None


# --- Bluesky ---------------------------------------------------------------------------------------------------------

OWN = "at://did:plc:shop123/app.bsky.feed.post/"


def test_bluesky_raw_api_feed() -> None:
    assert bluesky.sniff(BLUESKY)
    assert bluesky.account_hint(BLUESKY) == ["shop.example.com"]
    messages, skipped, notices = load(bluesky, BLUESKY)
    assert len(messages) == 5 and len(skipped) == 1 and notices == []
    assert skipped[0].reason == "feed item without a post" and skipped[0].source.line == 5
    sale = messages[OWN + "3aaa"]
    assert (sale.author, sale.text, sale.likes, sale.reposts) == (
        "shop.example.com",
        "Spring sale starts today! #sale",
        12,
        3,
    )
    assert sale.created_at == utc(2026, 2, 1, 8) and sale.hashtags == ("sale",)
    assert sale.url == "https://bsky.app/profile/shop.example.com/post/3aaa"
    reply = messages[OWN + "3bbb"]
    assert reply.in_reply_to == "at://did:plc:carla/app.bsky.feed.post/3par"
    assert reply.in_reply_to_author == "carla.bsky.social"
    assert reply.mentions == ("carla.bsky.social",)
    repost = messages["at://did:plc:dave/app.bsky.feed.post/3ccc#repost-by-shop.example.com"]
    assert repost.is_repost and repost.author == "shop.example.com"
    assert repost.created_at == utc(2026, 2, 1, 10)  # when it was reposted, not when dave posted it
    assert (repost.likes, repost.reposts, repost.in_reply_to) == (None, None, None)
    assert messages[OWN + "3ddd"].in_reply_to == OWN + "3aaa"


def test_bluesky_python_sdk_dump() -> None:
    assert bluesky.sniff(BLUESKY_SDK)
    assert bluesky.account_hint(BLUESKY_SDK) == ["shop.example.com"]
    messages, skipped, _ = load(bluesky, BLUESKY_SDK)
    assert len(messages) == 3 and len(skipped) == 1
    assert skipped[0].reason == "post without uri or record"
    first = messages[OWN + "3fff"]
    assert (first.text, first.likes, first.reposts) == ("Café open late tonight", 5, 1)
    assert first.created_at == utc(2026, 3, 1, 18)
    repost = messages[OWN + "3ggg#repost-by-shop.example.com"]
    assert repost.is_repost and repost.created_at == utc(2026, 3, 1, 19)
    reply = messages[OWN + "3hhh"]
    assert reply.in_reply_to == "at://did:plc:dave/app.bsky.feed.post/3dav" and reply.in_reply_to_author is None


def test_bluesky_owner_unclear(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(
        '{"feed": ['
        '{"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "author": {"handle": "a.bsky.social"}, '
        '"record": {"text": "x", "createdAt": "2026-01-01T00:00:00Z"}}},'
        '{"post": {"uri": "at://did:plc:b/app.bsky.feed.post/2", "author": {"handle": "b.bsky.social"}, '
        '"record": {"text": "y", "createdAt": "2026-01-01T00:00:00Z"}}}]}'
    )
    assert bluesky.sniff(path) and bluesky.account_hint(path) == []


# --- Facebook --------------------------------------------------------------------------------------------------------


def check_facebook(messages: dict[str, Message], skipped: list[Skipped], where: str) -> None:
    # 7 posts + 3 comments; likes_and_reactions is not read.
    assert len(messages) == 7 and len(skipped) == 3
    assert sorted(s.reason for s in skipped) == [
        "comment entry without a comment",
        "expected a post object, found str",
        "message fb-posts-1-7: unparseable date missing",
    ]
    first = messages["fb-posts-1-1"]
    assert first.text == "Nuevo café en la tienda. ¡Ven a probarlo!"
    assert first.author == "ana lima" and first.created_at == utc(2026, 1, 1, 9)
    assert first.source.path == f"{where}/posts/your_posts_1.json" and first.source.line == 1
    assert messages["fb-posts-1-2"].url == "https://shop.example.com/menu"
    assert messages["fb-posts-1-3"].text == "" and not messages["fb-posts-1-3"].is_repost  # a shared link
    assert messages["fb-posts-1-4"].is_repost  # "shared Bob Stone's post"
    assert messages["fb-posts-1-5"].text == "Jalapeño season 🌶"
    comment = messages["fb-comments-1"]
    assert comment.text == "Merci beaucoup, à bientôt !"
    assert (comment.author, comment.in_reply_to, comment.in_reply_to_author) == (
        "ana lima",
        "fb-comments-1-parent",
        "bob stone",
    )
    assert messages["fb-comments-2"].in_reply_to_author == "ana lima"  # "replied to her own comment"
    assert not any("Ã" in m.text for m in messages.values())


def test_facebook_folder_and_zip(tmp_path: Path) -> None:
    assert facebook.sniff(FACEBOOK) and facebook.account_hint(FACEBOOK) == ["Ana Lima"]
    messages, skipped, notices = load(facebook, FACEBOOK)
    assert notices == []
    check_facebook(messages, skipped, str(FACEBOOK))
    archive = zip_folder(FACEBOOK, tmp_path / "facebook-ana.zip")
    assert facebook.sniff(archive) and facebook.account_hint(archive) == ["Ana Lima"]
    messages, skipped, _ = load(facebook, archive)
    check_facebook(messages, skipped, str(archive))


def test_facebook_lone_files() -> None:
    posts = FACEBOOK / "posts" / "your_posts_1.json"
    comments = FACEBOOK / "comments_and_reactions" / "comments.json"
    assert facebook.sniff(posts) and facebook.sniff(comments)
    assert not facebook.sniff(FACEBOOK / "comments_and_reactions" / "likes_and_reactions_1.json")
    messages, skipped, _ = load(facebook, posts)
    assert len(messages) == 5 and len(skipped) == 2
    # comments.json alone has no titles of posts to take the owner's name from, but names its authors.
    messages, skipped, notices = load(facebook, comments)
    assert len(messages) == 2 and len(skipped) == 1
    assert messages["fb-comments-1"].author == "ana lima"
    assert "give --account" in notices[0].text


def test_facebook_profile_names_the_owner(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(FACEBOOK, folder)
    profile = folder / "profile_information" / "profile_information.json"
    profile.parent.mkdir()
    profile.write_text('{"profile_v2": {"name": {"full_name": "Ana Lima P\\u00c3\\u00a9rez"}}}')
    assert facebook.account_hint(folder) == ["Ana Lima Pérez"]
    messages, _, _ = load(facebook, folder)
    assert messages["fb-posts-1-1"].author == "ana lima pérez"


# --- Instagram -------------------------------------------------------------------------------------------------------

IG_CONTENT = INSTAGRAM / "your_instagram_activity" / "content" / "posts_1.json"
IG_COMMENTS = INSTAGRAM / "your_instagram_activity" / "comments" / "post_comments_1.json"


def check_instagram(messages: dict[str, Message], skipped: list[Skipped], owner: str) -> None:
    assert len(messages) == 6 and len(skipped) == 2
    assert sorted(s.reason for s in skipped) == [
        "comment entry without string_map_data",
        "expected a post object, found int",
    ]
    carousel = messages["ig-posts-1-1"]
    assert carousel.text == "Crème brûlée Friday 🍮 #dessert" and carousel.hashtags == ("dessert",)
    assert carousel.created_at == utc(2026, 1, 1, 9, 0, 5) and carousel.author == owner
    single = messages["ig-posts-1-2"]  # caption and date from media[0]
    assert single.text == "New café hours ☕" and single.created_at == utc(2026, 1, 2, 9)
    comment = messages["ig-post-comments-1-1"]
    assert comment.text == "Thank you so much! 😊" and comment.author == owner
    assert (comment.in_reply_to, comment.in_reply_to_author) == ("ig-post-comments-1-1-parent", "carla_d")
    assert messages["ig-post-comments-1-2"].text == "Voilà, c'est prêt"
    assert messages["ig-post-comments-1-2"].in_reply_to_author == "cafe.lumiere"
    assert messages["ig-post-comments-1-3"].in_reply_to_author is None


def test_instagram_folder_and_zip(tmp_path: Path) -> None:
    assert instagram.sniff(INSTAGRAM) and instagram.account_hint(INSTAGRAM) == ["cafe.lumiere"]
    messages, skipped, notices = load(instagram, INSTAGRAM)
    assert notices == []
    check_instagram(messages, skipped, "cafe.lumiere")
    archive = zip_folder(INSTAGRAM, tmp_path / "instagram-cafe.zip")
    assert instagram.sniff(archive) and instagram.account_hint(archive) == ["cafe.lumiere"]
    check_instagram(*load(instagram, archive)[:2], "cafe.lumiere")


def test_instagram_lone_files_have_no_owner() -> None:
    assert instagram.sniff(IG_CONTENT) and instagram.sniff(IG_COMMENTS)
    assert instagram.account_hint(IG_CONTENT) == []
    messages, skipped, notices = load(instagram, IG_CONTENT)
    assert len(messages) == 3 and len(skipped) == 1
    assert {m.author for m in messages.values()} == {UNKNOWN_OWNER}
    assert "give --account" in notices[0].text


# --- LinkedIn --------------------------------------------------------------------------------------------------------


def check_linkedin(messages: dict[str, Message], skipped: list[Skipped], owner: str) -> None:
    assert len(messages) == 7 and len(skipped) == 2
    assert [(s.source.path.rsplit("/", 1)[-1], s.source.line) for s in skipped] == [
        ("Shares.csv", 8),
        ("Comments.csv", 7),
    ]
    assert skipped[0].reason == "CSV row has 3 cells, header has 6"
    assert skipped[1].reason == "message li-comments-4: unparseable date 'not a date'"
    hiring = messages["urn:li:share:7000000000000000001"]
    assert hiring.text == 'We are hiring!\n\nRole: barista, "morning shift".\nApply at https://shop.example.com/jobs'
    assert hiring.author == owner and hiring.created_at == utc(2026, 1, 10, 9)
    assert hiring.url == "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000001"
    assert hiring.source.line == 2 and messages["urn:li:share:7000000000000000002"].source.line == 6
    assert messages["urn:li:ugcPost:7000000000000000003"].is_repost  # no commentary, no link, no media
    assert not messages["urn:li:share:7000000000000000005"].is_repost
    assert messages["urn:li:share:7000000000000000005"].text == "Café tasting on Friday, 5 pm."
    quoted = messages["li-comments-2"]
    assert quoted.text == 'Dave Ng We call it "the morning rush", and yes, it is real.'
    assert quoted.in_reply_to == "urn:li:activity:7100000000000000001" and quoted.in_reply_to_author is None
    assert messages["li-comments-3"].text == "Two lines:\n\nsee you there."
    assert messages["li-comments-3"].source.line == 4


def test_linkedin_folder() -> None:
    assert linkedin.sniff(LINKEDIN) and linkedin.account_hint(LINKEDIN) == []
    messages, skipped, notices = load(linkedin, LINKEDIN)
    check_linkedin(messages, skipped, UNKNOWN_OWNER)
    assert "give --account" in notices[0].text


def test_linkedin_zip_with_profile(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(LINKEDIN, folder)
    (folder / "Profile.csv").write_text('First Name,Last Name,Headline\nAna,Lima,"Owner, Café Lumière"\n')
    archive = zip_folder(folder, tmp_path / "Basic_LinkedInDataExport.zip")
    assert linkedin.sniff(archive) and linkedin.account_hint(archive) == ["Ana Lima"]
    messages, skipped, notices = load(linkedin, archive)
    assert notices == []
    check_linkedin(messages, skipped, "ana lima")


def test_linkedin_lone_files_and_unwrap() -> None:
    assert linkedin.sniff(LINKEDIN / "Shares.csv") and linkedin.sniff(LINKEDIN / "Comments.csv")
    messages, skipped, _ = load(linkedin, LINKEDIN / "Comments.csv")
    assert len(messages) == 3 and len(skipped) == 1
    assert linkedin.unwrap_lines('a"\n""\n"b') == "a\n\nb"
    assert linkedin.unwrap_lines('said "hi"\nthen') == 'said "hi"\nthen'  # not wrapped: left alone
    assert linkedin.urn("https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A1") == "urn:li:share:1"


def test_linkedin_latin1_file_gives_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "Comments.csv"
    path.write_bytes(b"Date,Link,Message\n2026-01-15 09:00:00,https://x.example/1,Caf\xe9 time\n")
    messages, _, notices = load(linkedin, path)
    assert [m.text for m in messages.values()] == ["Café time"]
    assert any("decoded as cp1252" in n.text for n in notices)


# --- sniffing across formats -----------------------------------------------------------------------------------------

SAMPLES: dict[str, list[Path]] = {
    "mastodon": [MASTODON, MASTODON / "outbox.json"],
    "bluesky-feed": [BLUESKY, BLUESKY_SDK],
    "facebook": [FACEBOOK, FACEBOOK / "posts" / "your_posts_1.json"],
    "instagram": [INSTAGRAM, IG_CONTENT, IG_COMMENTS],
    "linkedin": [LINKEDIN, LINKEDIN / "Shares.csv", LINKEDIN / "Comments.csv"],
}


@pytest.mark.parametrize("module", ALL, ids=lambda m: m.name)
def test_sniff_refuses_other_formats(module: ModuleType, tmp_path: Path) -> None:
    others = [p for name, paths in SAMPLES.items() if name != module.name for p in paths]
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"id": "1", "author": "me", "text": "hi", "created_at": "2026-01-01T00:00:00Z"}\n')
    relaudit_csv = tmp_path / "export.csv"
    relaudit_csv.write_text("id,author,text,created_at\n1,me,hi,2026-01-01T00:00:00Z\n")
    others += [
        jsonl,
        relaudit_csv,
        FIXTURES / "twitter_archive",
        FIXTURES / "twitter_csv" / "tweets.csv",
        FIXTURES / "customer_care" / "twcs_sample.csv",
        MASTODON / "actor.json",
        MASTODON / "likes.json",
        FACEBOOK / "comments_and_reactions" / "likes_and_reactions_1.json",
        tmp_path / "missing.json",
    ]
    for path in others:
        assert not module.sniff(path), f"{module.name} claims {path}"
    for path in SAMPLES[module.name]:
        assert module.sniff(path), f"{module.name} refuses {path}"


@pytest.mark.parametrize("module", ALL, ids=lambda m: m.name)
def test_bad_json_or_empty_file_is_one_skipped_record(module: ModuleType, tmp_path: Path) -> None:
    names = {
        "mastodon": "outbox.json",
        "bluesky-feed": "feed.json",
        "facebook": "your_posts_1.json",
        "instagram": "posts_1.json",
        "linkedin": "Shares.csv",
    }
    path = tmp_path / names[module.name]
    path.write_text("" if module is linkedin else '{"feed": [ {"post": ')
    messages, skipped, _ = load(module, path)
    assert messages == {} and len(skipped) == 1
    assert ("bad JSON" if module is not linkedin else "no Shares.csv or Comments.csv") in skipped[0].reason


def test_linkedin_repeated_share_rows(tmp_path: Path) -> None:
    path = tmp_path / "Shares.csv"
    header = (LINKEDIN / "Shares.csv").read_text().splitlines()[0]
    first = "2026-01-11 10:30:00,https://l.example/1,Hi,,"
    path.write_text(f"{header}\n{first}https://m.example/a.jpg,PUBLIC\n{first}https://m.example/b.jpg,PUBLIC\n")
    messages, skipped, _ = load(linkedin, path)
    assert list(messages) == ["https://l.example/1"]
    assert str(skipped[0]) == f"{path}:3: repeat of the share on line 2 (one row per media item)"


# --- the real exports in ../shared/data ------------------------------------------------------------------------------


def test_real_mastodon(shared_data: Path) -> None:
    folder = shared_data / "mastodon"
    assert mastodon.sniff(folder) and mastodon.sniff(folder / "outbox.json")
    assert mastodon.account_hint(folder) == ["dealingwith"]
    messages, skipped, notices = load(mastodon, folder)
    assert len(messages) == 200 and skipped == []  # totalItems says 1557: the file was trimmed
    assert any("totalItems says 1557" in n.text for n in notices)
    values = list(messages.values())
    assert sum(m.is_repost for m in values) == 49
    assert sum(m.is_private for m in values) == 1
    assert sum(m.in_reply_to is not None for m in values) == 42
    assert {m.author for m in values} == {"dealingwith"}
    assert not any("<p>" in m.text for m in values)


def test_real_bluesky(shared_data: Path) -> None:
    path = shared_data / "bluesky" / "author_feed_pythonsdk_snakecase.json"
    assert bluesky.sniff(path) and bluesky.account_hint(path) == ["profgalloway.com"]
    messages, skipped, _ = load(bluesky, path)
    assert len(messages) == 10 and skipped == []
    reposts = [m for m in messages.values() if m.is_repost]
    assert len(reposts) == 1 and reposts[0].id.endswith("#repost-by-profgalloway.com")
    assert all(m.likes is not None for m in messages.values() if not m.is_repost)


def test_real_facebook(shared_data: Path) -> None:
    folder = shared_data / "facebook"
    assert facebook.sniff(folder) and facebook.account_hint(folder) == ["Lucas Vivo"]
    assert not facebook.sniff(folder / "likes_and_reactions_1.json")
    messages, skipped, _ = load(facebook, folder)  # the 300 likes are not records
    assert len(messages) == 360 and skipped == []
    texts = [m.text for m in messages.values()]
    assert any("é" in t for t in texts) and not any("Ã" in t for t in texts)
    assert {m.author for m in messages.values()} == {"lucas vivo"}


def test_real_instagram(shared_data: Path) -> None:
    folder = shared_data / "instagram"
    assert instagram.sniff(folder) and instagram.account_hint(folder) == []  # no personal_information.json
    messages, skipped, _ = load(instagram, folder)
    assert len(messages) == 16 + 400 and skipped == []
    texts = [m.text for m in messages.values()]
    assert any("’" in t for t in texts) and not any("Ã" in t or "ð" in t or "â\x80" in t for t in texts)


def test_real_linkedin(shared_data: Path) -> None:
    folder = shared_data / "linkedin"
    assert linkedin.sniff(folder) and linkedin.account_hint(folder) == []
    messages, skipped, _ = load(linkedin, folder)
    # One post with five media items is written as five rows: the four repeats are skipped, with the reason.
    assert len(skipped) == 4 and all("one row per media item" in s.reason for s in skipped)
    shares = [m for m in messages.values() if m.id.startswith("urn:li:")]
    comments = [m for m in messages.values() if m.id.startswith("li-comments-")]
    assert (len(shares), len(comments)) == (202 - 4, 323)
    first = messages["urn:li:share:7345821826846990338"]
    assert first.text.startswith("I'm off for a 10-day Vipassana meditation program.\n\n𝗪𝗛𝗔𝗧? A 10-day")
    assert '""' not in first.text and not first.text.endswith('"')
    assert any('"Challenge my assumptions' in m.text for m in comments)
