"""Facebook "Download your information" (JSON): the zip, its unpacked folder, or one posts / comments file.

Read:
- your_posts_1.json (newer exports: your_posts__check_ins__photos_and_videos_1.json; a list, or an object holding
  one list): one record per entry. text = the entry's data[].post strings, created_at = timestamp (epoch seconds),
  url = the first attachment's external_context url. An entry whose title says the owner shared someone else's post
  ("shared X's post", "ha compartido la publicación de X") is a repost; shared links and pages are the owner's posts.
- comments.json ({"comments_v2": [...]} or {"comments": [...]}): one record per entry; the comment's own author
  field names its author; the title ("X commented on Y's post.", "X ha comentado la publicación de Y.") names the
  parent's author, and "his own / her own / su propia" names the owner.
Not read: likes_and_reactions_*.json (reactions are not posts), messages, and everything else.

Facebook writes UTF-8 bytes as latin-1 code points ("\\u00c3\\u00a9" for é); every string is repaired (mojibake.py).
The files are streamed (ijson) entry by entry; finding the owner from titles is a first streamed pass.

Ids: the export has none, so each record's id is made from its file and position: "fb-posts-1-17" is the 17th entry
of your_posts_1.json, "fb-comments-3" the 3rd comment. A comment's parent post is not in the export, so a comment's
in_reply_to is its own id + "-parent" (a parent that is never found): it counts as a reply, to in_reply_to_author.

Author: posts carry no author. The owner's name is taken from profile_information.json when the folder or zip has
it (profile_v2.name.full_name), else from the posts' titles ("Lucas Vivo shared a link.", "Lucas Vivo ha compartido
un enlace."): the name before the verb that most titles share. That display name is the handle (normalising lower-
cases it: "lucas vivo"); give --account "Lucas Vivo" to match it. Without any name, posts are by "unknown-owner" and
a notice asks for --account.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem, LoadNotice
from relaudit.loaders.container import Container
from relaudit.loaders.jsondoc import member_head, read_json, safe_container, text
from relaudit.loaders.jsonstream import list_prefix, stream_items
from relaudit.loaders.meta import repaired_entries
from relaudit.loaders.mojibake import repair_tree
from relaudit.model import RawRecord, Skipped, Source

name = "facebook"
description = "Facebook 'Download your information' JSON (zip, folder, your_posts_1.json or comments.json)"

_POSTS_FILE = re.compile(r"^your_posts.*\.json$", re.IGNORECASE)
_COMMENTS_FILE = re.compile(r"^comments(_\d+)?\.json$", re.IGNORECASE)
_PROFILE_FILE = "profile_information.json"
# Verbs that follow the owner's name in a title (lower-case words: names are capitalised), several languages.
_VERBS = {
    "updated", "shared", "added", "posted", "wrote", "was", "is", "commented", "replied", "created", "changed",
    "uploaded", "published", "checked", "likes", "ha", "has", "have", "est", "a", "hat", "è", "har",
    "heeft", "compartió", "publicó", "actualizó", "comentó", "respondió", "estuvo", "está",
}  # fmt: skip
_REPOST_TITLE = re.compile(
    r"\bshared (?:a post|a memory|an? (?:photo|video) from|.+?'s (?:post|photo|video|reel))"
    r"|\bcompartido (?:una publicación|la publicación|el vídeo|el video|la foto|un recuerdo)",
    re.IGNORECASE,
)
_OWN_PARENT = re.compile(r"\b(?:his|her|their|your) own\b|\bsu propi[ao]\b|\btu propi[ao]\b", re.IGNORECASE)
_PARENT_AUTHOR = re.compile(
    r"(?:commented on|replied to|responded to) (.+?)'s? (?:post|photo|video|comment|link|status|reel|album)"
    r"|(?:publicación|foto|vídeo|video|comentario|enlace|estado) de (.+?)\.?$",
    re.IGNORECASE,
)


def sniff(path: Path) -> bool:
    """A posts or comments file by name and first bytes, or a folder / zip holding one."""
    container = safe_container(path)
    if container is None:
        return False
    if container.kind == "file":
        return _kind(path.name, member_head(container, path.name)) is not None
    return bool(_members(container))


def account_hint(path: Path) -> list[str]:
    """The owner's full name from profile_information.json or the posts' titles; [] when neither names one."""
    container = safe_container(path)
    if container is None:
        return []
    members = _members(container) if container.kind != "file" else _single(container)
    owner = _owner(container, [member for member, kind in members if kind == "posts"])
    return [owner] if owner else []


def load(path: Path) -> Iterator[LoadItem]:
    """Every entry of every posts file, then every comment, in file order, streamed."""
    container = Container(path)
    members = _members(container) if container.kind != "file" else _single(container)
    if not members:
        yield Skipped(Source(str(path), 1, unit="record"), "no your_posts_*.json or comments.json here")
        return
    owner = _owner(container, [member for member, kind in members if kind == "posts"])
    if not owner:
        yield LoadNotice(str(path), "the account's name is unknown (no profile or post titles); give --account")
    for member, kind in members:
        id_prefix = _id_prefix(member, kind)
        record = _post if kind == "posts" else _comment
        for item in repaired_entries(container, member, kind):
            if isinstance(item, tuple):
                source, number, entry = item
                yield record(entry, source, f"{id_prefix}-{number}", owner or UNKNOWN_OWNER)
            else:
                yield item


def _post(entry: Any, source: Source, record_id: str, owner: str) -> RawRecord | Skipped:
    if not isinstance(entry, dict):
        return Skipped(source, f"expected a post object, found {type(entry).__name__}")
    data = entry.get("data")
    data = data if isinstance(data, list) else []
    texts = [text(d.get("post")) for d in data if isinstance(d, dict) and text(d.get("post"))]
    title = text(entry.get("title"))
    return RawRecord(
        {
            "id": record_id,
            "author": owner,
            "text": "\n\n".join(texts),
            "created_at": entry.get("timestamp"),
            "is_repost": bool(_REPOST_TITLE.search(title)),
            "url": _attachment_url(entry),
            "platform": "facebook",
            "text_kind": "plain",
        },
        source,
    )


def _comment(entry: Any, source: Source, record_id: str, owner: str) -> RawRecord | Skipped:
    if not isinstance(entry, dict):
        return Skipped(source, f"expected a comment object, found {type(entry).__name__}")
    data = entry.get("data")
    data = data if isinstance(data, list) else []
    comments = [d["comment"] for d in data if isinstance(d, dict) and isinstance(d.get("comment"), dict)]
    if not comments:
        return Skipped(source, "comment entry without a comment")
    comment = comments[0]
    title = text(entry.get("title"))
    parent_author = owner if _OWN_PARENT.search(title) else _title_parent(title)
    return RawRecord(
        {
            "id": record_id,
            "author": text(comment.get("author")) or owner,
            "text": text(comment.get("comment")),
            "created_at": comment.get("timestamp") or entry.get("timestamp"),
            "in_reply_to": f"{record_id}-parent",
            "in_reply_to_author": parent_author,
            "platform": "facebook",
            "text_kind": "plain",
        },
        source,
    )


def _title_parent(title: str) -> str | None:
    match = _PARENT_AUTHOR.search(title)
    if not match:
        return None
    return (match.group(1) or match.group(2) or "").strip() or None


def _attachment_url(entry: dict[str, Any]) -> str | None:
    attachments = entry.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        data = attachment.get("data") if isinstance(attachment, dict) else None
        for item in data if isinstance(data, list) else []:
            context = item.get("external_context") if isinstance(item, dict) else None
            if isinstance(context, dict) and text(context.get("url")):
                return text(context.get("url"))
    return None


def _kind(file_name: str, start: str) -> str | None:
    """ "posts", "comments" or None for a lone file, from its name and first bytes."""
    stripped = start.lstrip()
    if _POSTS_FILE.match(file_name):
        return "posts" if stripped.startswith(("[", "{")) and '"timestamp"' in start else None
    if _COMMENTS_FILE.match(file_name):
        return "comments" if '"comments_v2"' in start or ('"comment"' in start and '"timestamp"' in start) else None
    return None


def _members(container: Container) -> list[tuple[str, str]]:
    """(member, kind) for the posts files, in number order, then the comments files."""
    posts = [n for n, file_name in container.files() if _POSTS_FILE.match(file_name)]
    comments = [n for n, file_name in container.files() if _COMMENTS_FILE.match(file_name) and "comment" in n.lower()]
    comments = [n for n in comments if _kind(PurePosixPath(n).name, member_head(container, n, 512)) == "comments"]
    return [(n, "posts") for n in sorted(posts, key=_number_key)] + [(n, "comments") for n in sorted(comments)]


def _single(container: Container) -> list[tuple[str, str]]:
    member = container.names()[0]
    # A lone file is read as its name says even when its first bytes look wrong: a cut-off file is then reported.
    kind = _kind(member, member_head(container, member))
    kind = kind or ("posts" if _POSTS_FILE.match(member) else "comments" if _COMMENTS_FILE.match(member) else None)
    return [(member, kind)] if kind else []


def _number_key(name: str) -> tuple[str, int]:
    match = re.search(r"_(\d+)\.json$", name)
    return str(PurePosixPath(name).parent), int(match.group(1)) if match else 0


def _id_prefix(member: str, kind: str) -> str:
    """ "fb-posts-1" for your_posts_1.json, "fb-comments" for comments.json."""
    if kind == "comments":
        match = re.search(r"_(\d+)\.json$", member)
        return "fb-comments" + (f"-{match.group(1)}" if match else "")
    match = re.search(r"_(\d+)\.json$", member)
    return "fb-posts" + (f"-{match.group(1)}" if match else "")


def _owner(container: Container, posts: list[str]) -> str | None:
    """The profile's full name, else the name most post titles start with (a streamed pass over the posts)."""
    if container.kind != "file":
        for member in sorted(container.find(_PROFILE_FILE), key=len):
            _, value = read_json(container, member)
            value = repair_tree(value)
            profile = value.get("profile_v2") or value.get("profile") if isinstance(value, dict) else None
            full_name = profile.get("name") if isinstance(profile, dict) else None
            if isinstance(full_name, dict) and text(full_name.get("full_name")):
                return text(full_name.get("full_name"))
    names: Counter[str] = Counter()
    titles = 0
    for member in posts:
        prefix = list_prefix(container, member)
        if not isinstance(prefix, str):
            continue
        for item in stream_items(container, member, prefix + ".title"):
            title = text(repair_tree(item[1])) if isinstance(item, tuple) else ""
            if not title:
                continue
            titles += 1
            owner = _title_owner(title)
            if owner:
                names[owner] += 1
    if not names:
        return None
    top, count = names.most_common(1)[0]
    return top if count * 2 > titles else None


def _title_owner(title: str) -> str | None:
    """The words before the first verb of a title: "Lucas Vivo ha compartido un enlace." gives "Lucas Vivo"."""
    words = title.split()
    for index, word in enumerate(words):
        if word in _VERBS:
            return " ".join(words[:index]) or None
    return None
