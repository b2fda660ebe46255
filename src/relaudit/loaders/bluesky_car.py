"""A Bluesky repository export: the .car file of com.atproto.sync.getRepo (the app's "Export my data").

The file is a CAR v1 archive of DAG-CBOR blocks: a header naming the root (the signed commit), the commit naming its
owner's DID and the root of a Merkle search tree (MST) whose keys are "collection/rkey" and whose values are the
records. Decoding needs libipld (the Rust IPLD codec the atproto SDK itself uses), an optional extra:
pip install 'relaudit[bluesky]'. Sniffing does not need it: a CAR v1 header is a varint length and a DAG-CBOR map
{"roots": [...], "version": 1}, recognised from its bytes.

Records read, in MST key order (collection, then rkey: rkeys are timestamps, so oldest first):
- app.bsky.feed.post: id = at://DID/app.bsky.feed.post/RKEY (the uri getAuthorFeed gives, so the two formats
  merge without duplicates), text, createdAt, in_reply_to = reply.parent.uri, in_reply_to_author = the DID in that
  uri. Mentions and tags are in the text already (@handle, #tag); a link facet whose visible text is shortened
  ("example.com/long…") puts its full URI in the text, so the link is counted.
- app.bsky.feed.repost: a repost by the owner: id = SUBJECT_URI#repost-by-OWNER (as bluesky.py names reposts),
  text and url = the reposted post's uri.
Other records (likes, follows, blocks, the profile, lists...) are not messages: one notice counts them by type.

Owner: the repository names its owner only by DID (handles live outside the repo), so posts are by the DID and
account_hint gives it; --account DID selects it. The whole file is read into memory: libipld decodes a CAR at once
(repository exports are mostly likes and follows, rarely more than tens of MB).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relaudit.errors import InputError
from relaudit.loaders.base import LoadItem, LoadNotice
from relaudit.model import RawRecord, Skipped, Source

name = "bluesky-car"
description = "Bluesky repository export .car (getRepo / 'Export my data'; needs the bluesky extra)"
contains = "the account's own posts, replies and reposts (and its likes and follows, which are counted, not audited)"
lacks = "other people's messages, handles (accounts are named by DID) and engagement counts"

MISSING_EXTRA = "reading Bluesky .car exports needs the optional extra: pip install 'relaudit[bluesky]'"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
_LINK_FACET = "app.bsky.richtext.facet#link"
_MAX_HEADER = 1024  # a repository's CAR header is about 60 bytes: one root


def sniff(path: Path) -> bool:
    """A CAR v1 file: a varint header length, then a DAG-CBOR map holding "roots" and "version": 1."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        start = handle.read(_MAX_HEADER + 10)
    length, at = _varint(start, 0)
    if length is None or not 0 < length <= _MAX_HEADER or len(start) < at + length:
        return False
    header = start[at : at + length]
    # A map of two entries (0xa2); DAG-CBOR sorts keys by length, so "roots" (0x65) comes before "version" (0x67).
    return header[:1] == b"\xa2" and header[1:7] == b"\x65roots" and header.endswith(b"\x67version\x01")


def account_hint(path: Path) -> list[str]:
    """The repository's DID, from its commit."""
    repo = _decode(path)
    return [repo.did] if isinstance(repo, _Repo) and repo.did else []


def load(path: Path) -> Iterator[LoadItem]:
    """One record per post and repost of the repository, in key order; other record types counted in a notice."""
    repo = _decode(path)
    if isinstance(repo, Skipped):
        yield repo
        return
    owner = repo.did
    others: Counter[str] = Counter()
    for number, (key, record) in enumerate(repo.records, start=1):
        collection, _, rkey = key.partition("/")
        source = Source(str(path), number, unit="record")
        if collection == POST:
            yield _post(record, source, owner, rkey)
        elif collection == REPOST:
            yield _repost(record, source, owner, rkey)
        else:
            others[collection] += 1
    if repo.missing:
        yield LoadNotice(str(path), f"{repo.missing} record(s) or tree node(s) named in the repository are missing")
    if others:
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(others.items(), key=lambda i: (-i[1], i[0])))
        yield LoadNotice(str(path), f"not messages, not audited: {counted}")


class _Repo:
    """A decoded repository: its owner's DID and its (key, record) pairs in key order."""

    def __init__(self, did: str, records: list[tuple[str, Any]], missing: int) -> None:
        self.did = did
        self.records = records
        self.missing = missing


def _decode(path: Path) -> _Repo | Skipped:
    """The repository in a .car file, or a Skipped saying why none of it can be read."""
    try:
        import libipld
    except ImportError as error:
        raise InputError(MISSING_EXTRA) from error
    where = Source(str(path), 1, unit="record")
    try:
        header, blocks = libipld.decode_car(path.read_bytes())
    except (ValueError, RecursionError) as error:
        return Skipped(where, f"not a readable CAR file: {error}; no record could be read")
    roots = header.get("roots") if isinstance(header, dict) else None
    commit = blocks.get(roots[0]) if isinstance(roots, list) and roots and isinstance(roots[0], bytes) else None
    if not isinstance(commit, dict) or not isinstance(commit.get("did"), str):
        return Skipped(where, "the CAR file holds no repository commit (no DID); no record could be read")
    records: list[tuple[str, Any]] = []
    missing = _walk(blocks, commit.get("data"), records)
    return _Repo(commit["did"], records, missing)


def _walk(blocks: dict[bytes, Any], link: Any, out: list[tuple[str, Any]]) -> int:
    """Append an MST node's (key, record) pairs in key order; the number of blocks it names that are absent.

    A node is {"l": left subtree, "e": [{"p": prefix length, "k": key suffix, "v": record, "t": right subtree}]};
    each key shares its first p bytes with the previous key of the same node. Iterative: trees can be deep.
    """
    missing = 0
    stack: list[tuple[str, Any]] = [("node", link)]
    while stack:
        kind, item = stack.pop()
        if kind == "record":
            key, value_link = item
            record = blocks.get(value_link) if isinstance(value_link, bytes) else None
            if record is None:
                missing += 1
            else:
                out.append((key, record))
            continue
        if item is None:
            continue
        node = blocks.get(item) if isinstance(item, bytes) else None
        if not isinstance(node, dict):
            missing += 1
            continue
        todo: list[tuple[str, Any]] = [("node", node.get("l"))]
        previous = b""
        for entry in node.get("e") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("k"), bytes):
                missing += 1
                continue
            key = previous[: int(entry.get("p") or 0)] + entry["k"]
            previous = key
            todo.append(("record", (key.decode("utf-8", errors="replace"), entry.get("v"))))
            todo.append(("node", entry.get("t")))
        stack.extend(reversed(todo))
    return missing


def _post(record: Any, source: Source, owner: str, rkey: str) -> RawRecord | Skipped:
    if not isinstance(record, dict):
        return Skipped(source, f"post {rkey}: expected a record, found {type(record).__name__}")
    uri = f"at://{owner}/{POST}/{rkey}"
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    parent_uri = parent.get("uri") if isinstance(parent, dict) and isinstance(parent.get("uri"), str) else None
    return RawRecord(
        {
            "id": uri,
            "author": owner,
            "text": _with_links(_str(record.get("text")), record.get("facets")),
            "created_at": record.get("createdAt"),
            "in_reply_to": parent_uri,
            "in_reply_to_author": _uri_did(parent_uri) if parent_uri else None,
            "url": f"https://bsky.app/profile/{owner}/post/{rkey}",
            "platform": "bluesky",
            "text_kind": "plain",
        },
        source,
    )


def _repost(record: Any, source: Source, owner: str, rkey: str) -> RawRecord | Skipped:
    subject = record.get("subject") if isinstance(record, dict) else None
    uri = subject.get("uri") if isinstance(subject, dict) else None
    if not isinstance(uri, str) or not uri:
        return Skipped(source, f"repost {rkey}: no subject uri")
    match = uri.removeprefix("at://").split("/")
    url = f"https://bsky.app/profile/{match[0]}/post/{match[2]}" if len(match) == 3 and match[1] == POST else None
    return RawRecord(
        {
            "id": f"{uri}#repost-by-{owner.lower()}",
            "author": owner,
            "text": uri,
            "created_at": record.get("createdAt"),
            "is_repost": True,
            "url": url,
            "platform": "bluesky",
            "text_kind": "plain",
        },
        source,
    )


def _with_links(text: str, facets: Any) -> str:
    """The text with each link facet's visible text replaced by its URI when it does not show the URI itself."""
    if not isinstance(facets, list) or not text:
        return text
    raw = text.encode("utf-8")
    spans: list[tuple[int, int, str]] = []
    for facet in facets:
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(index, dict) or not isinstance(features, list):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        uris = [f.get("uri") for f in features if isinstance(f, dict) and f.get("$type") == _LINK_FACET]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw) and uris):
            continue
        if isinstance(uris[0], str) and not raw[start:end].decode("utf-8", "replace").startswith("http"):
            spans.append((start, end, uris[0]))
    # Facets index UTF-8 bytes; replace from the end so earlier offsets stay valid, and never across an overlap.
    last = len(raw) + 1
    for start, end, uri in sorted(spans, reverse=True):
        if end <= last:
            raw = raw[:start] + uri.encode("utf-8") + raw[end:]
            last = start
    return raw.decode("utf-8", errors="replace")


def _uri_did(uri: str) -> str | None:
    """The account an at:// uri starts with: at://did:plc:abc/app.bsky.feed.post/xyz gives did:plc:abc."""
    return uri.removeprefix("at://").split("/", 1)[0] or None


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _varint(data: bytes, at: int) -> tuple[int | None, int]:
    """An unsigned LEB128 varint at data[at:] and where it ends; None when it is not one (or is implausibly long)."""
    value = shift = 0
    for index in range(at, min(at + 4, len(data))):
        value |= (data[index] & 0x7F) << shift
        shift += 7
        if not data[index] & 0x80:
            return value, index + 1
    return None, at
