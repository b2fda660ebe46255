"""What a batch audits: feeds from paths or a manifest of clients, and files split into one feed per brand."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from relaudit.errors import RelauditError, UsageError
from relaudit.model import Message

MANIFEST_KEYS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "paths": (list, str),
    "account": (list, str),
    "input_format": (str,),
    "rules": (list, str),
    "select": (list, str),
    "ignore": (list, str),
    "levels": (dict,),
    "options": (dict,),
    "brand_names": (list,),
    "ignore_messages": (list,),
    "pending_window": (str,),
    "by_account": (bool,),
}
# twcs anonymises customers as numeric author ids: such a "handle" is a person, never a brand's account.
_ANONYMISED = re.compile(r"^\d+$")
_DURATION = re.compile(r"\s*\d+(?:\.\d+)?\s*[mhd]\s*")


@dataclass(frozen=True)
class Feed:
    """One client to audit: its files and the settings that apply to it (picklable, so a worker can run it)."""

    client: str
    paths: tuple[str, ...]
    account: tuple[str, ...] = ()
    input_format: str | None = None
    rule_files: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    brand_names: tuple[str, ...] = ()
    ignore_messages: tuple[str, ...] = ()
    pending_window: str = "24h"
    as_of: str | None = None
    by_account: bool = False
    error: str | None = None  # set when the feed could not even be prepared (its row then shows the reason)


def is_manifest(path: Path) -> bool:
    """A .yaml/.yml file is a manifest of clients (exports are never YAML)."""
    return path.suffix.lower() in (".yaml", ".yml") and path.is_file()


def from_path(path: Path, defaults: Feed) -> Feed:
    """A plain feed: a file, folder or zip, named after its file or folder."""
    name = path.name if path.is_dir() else path.stem
    return replace(defaults, client=name or str(path), paths=(str(path),))


def read_manifest(path: Path, defaults: Feed) -> list[Feed]:
    """The clients a manifest lists, validated completely; a mistake names file:line, the client and the key."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise UsageError(f"{path}: cannot read manifest: {reason}") from error
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # only for line numbers; builds no objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise UsageError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML: {problem}") from error
    if not isinstance(data, dict) or not isinstance(data.get("clients"), list) or not data["clients"]:
        raise UsageError(f"{path}:1: a manifest is a mapping with a non-empty 'clients' list")
    extra = sorted(str(key) for key in data if key != "clients")
    if extra:
        raise UsageError(f"{path}:{_key_line(root, extra[0])}: unknown key '{extra[0]}' (a manifest has 'clients')")
    client_nodes = _value_node(root, "clients")
    feeds = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(data["clients"]):
        node = client_nodes.value[index] if isinstance(client_nodes, yaml.SequenceNode) else None
        line = node.start_mark.line + 1 if node is not None else 1
        feed = _client(path, entry, node, line, defaults)
        if feed.client in seen:
            raise UsageError(
                f"{path}:{line}: client '{feed.client}': name: duplicate of the client at line {seen[feed.client]}"
            )
        seen[feed.client] = line
        feeds.append(feed)
    return feeds


def _client(path: Path, entry: Any, node: yaml.Node | None, line: int, defaults: Feed) -> Feed:
    if not isinstance(entry, dict):
        raise UsageError(f"{path}:{line}: each client is a mapping with at least 'name' and 'paths'")
    name = entry.get("name")

    def fail(key: str, problem: str) -> UsageError:
        where = _key_line(node, key) if node is not None and key in entry else line
        return UsageError(f"{path}:{where}: client '{name if isinstance(name, str) else '?'}': {key}: {problem}")

    for key in ("name", "paths"):
        if key not in entry:
            raise fail(key, "missing")
    for key, value in entry.items():
        if key not in MANIFEST_KEYS:
            raise fail(str(key), f"unknown key (known: {', '.join(MANIFEST_KEYS)})")
        kinds = MANIFEST_KEYS[key]
        if not isinstance(value, kinds) or (bool in kinds) != isinstance(value, bool):
            raise fail(key, f"expected {' or '.join(k.__name__ for k in kinds)}, found {type(value).__name__}")
    name = str(name).strip()
    if not name:
        raise fail("name", "empty")
    paths = _strings(entry["paths"])
    if not paths:
        raise fail("paths", "empty: name at least one export file, folder or zip")
    for rule_id, keys in entry.get("options", {}).items():
        if not isinstance(keys, dict):
            raise fail("options", f"{rule_id}: expected a mapping of the rule's keys to values")
    if "pending_window" in entry and not _DURATION.fullmatch(entry["pending_window"]):
        raise fail("pending_window", f"'{entry['pending_window']}' is not a duration like 24h, 90m or 2d")
    if "input_format" in entry:
        from relaudit.loaders import LOADERS

        if entry["input_format"] not in LOADERS:
            raise fail("input_format", f"unknown format (known: {', '.join(LOADERS)})")
    base = path.parent
    overrides = {rule_id: dict(keys) for rule_id, keys in defaults.overrides.items()}
    for rule_id, keys in entry.get("options", {}).items():
        overrides.setdefault(str(rule_id), {}).update(keys)
    for rule_id, level in entry.get("levels", {}).items():
        overrides.setdefault(str(rule_id), {})["level"] = level
    return replace(
        defaults,
        client=name,
        paths=tuple(str(base / p) for p in paths),
        account=tuple(_strings(entry["account"])) if "account" in entry else defaults.account,
        input_format=entry.get("input_format", defaults.input_format),
        rule_files=(*defaults.rule_files, *(str(base / p) for p in _strings(entry.get("rules", [])))),
        select=tuple(_ids(entry["select"])) if "select" in entry else defaults.select,
        ignore=tuple(_ids(entry["ignore"])) if "ignore" in entry else defaults.ignore,
        overrides=overrides,
        brand_names=tuple(str(n) for n in entry.get("brand_names", defaults.brand_names)),
        ignore_messages=tuple(str(i) for i in entry.get("ignore_messages", defaults.ignore_messages)),
        pending_window=entry.get("pending_window", defaults.pending_window),
        by_account=entry.get("by_account", defaults.by_account),
    )


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _ids(value: Any) -> list[str]:
    return [part.strip() for item in _strings(value) for part in item.split(",") if part.strip()]


def _value_node(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if key_node.value == key:
                return value_node
    return None


def _key_line(mapping: yaml.Node | None, key: str) -> int:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, _ in mapping.value:
            if key_node.value == key:
                return int(key_node.start_mark.line) + 1
    return 1


def split_by_account(feed: Feed, min_replies: int) -> list[Feed]:
    """One feed per brand account found in a shared file (the customer-care CSV holds many).

    A brand is an author who answered other people at least `min_replies` times, answered at least one
    conversation that someone else opened by addressing it (so customers chatting among themselves are not
    brands), and is not an anonymised numeric id. `--account` (the feed's account) names the brands instead.
    A file with fewer than two brands is audited whole, as one client. The file is read once here to find the
    brands; each brand's audit then reads it again, exactly as `relaudit audit FILE --account BRAND` would.
    """
    from relaudit.account import from_option
    from relaudit.pipeline import AuditOptions, read_messages

    try:
        loaded = read_messages([Path(p) for p in feed.paths], AuditOptions(input_format=feed.input_format))
    except RelauditError as error:
        return [replace(feed, error=str(error))]
    by_id = {m.id: m for m in loaded.messages}
    replies: Counter[str] = Counter()
    asked: dict[str, set[str]] = {}  # author -> conversations that someone else opened by addressing it
    for message in loaded.messages:
        parent = by_id.get(message.in_reply_to) if message.in_reply_to else None
        parent_author = parent.author if parent is not None else message.in_reply_to_author
        if parent_author and parent_author != message.author and not message.is_repost:
            replies[message.author] += 1
            root = _root(message, by_id)
            if root.author != message.author and message.author in root.mentions:
                asked.setdefault(message.author, set()).add(root.id)
    wanted = from_option(feed.account)
    if wanted is not None:  # named brands need no detection, only to have written in the file
        authors = {m.author for m in loaded.messages}
        brands = sorted(h for h in wanted.handles if h in authors)
    else:
        brands = sorted(
            author
            for author, count in replies.items()
            if count >= min_replies and author in asked and not _ANONYMISED.match(author)
        )
    if len(brands) < 2 and not feed.account:
        return [replace(feed, by_account=False)]  # one brand (or none found): the whole file is one client
    if not brands:
        named = ", ".join("@" + h for h in sorted(wanted.handles)) if wanted else ""
        return [replace(feed, error=f"{', '.join(feed.paths)}: no message in the file is by {named}")]
    return [replace(feed, client=brand, account=(brand,), by_account=False) for brand in brands]


def _root(message: Message, by_id: dict[str, Message]) -> Message:
    """The first message of a reply chain within the file (a cycle stops where it closes)."""
    seen = {message.id}
    while message.in_reply_to in by_id and message.in_reply_to not in seen:
        message = by_id[message.in_reply_to]
        seen.add(message.id)
    return message


def unique_names(feeds: list[Feed]) -> list[Feed]:
    """Feeds whose client names collide get ' #2', ' #3'… in the order given, so every row is addressable."""
    counts: Counter[str] = Counter()
    result = []
    for feed in feeds:
        counts[feed.client] += 1
        result.append(
            feed if counts[feed.client] == 1 else replace(feed, client=f"{feed.client} #{counts[feed.client]}")
        )
    return result
