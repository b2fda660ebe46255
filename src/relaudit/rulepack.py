"""Reading and validating rule packs completely before any message is read."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import regex
import yaml

from relaudit.errors import RulePackError
from relaudit.filecache import cached
from relaudit.ruletypes import COMBINATORS, RULE_TYPES
from relaudit.ruletypes.base import OptionError
from relaudit.yamlsafe import YamlLimitError, load_bounded

PILLARS = ("responsiveness", "conversation", "audience-value", "human-touch")
LEVELS = ("suggestion", "warning", "error")
SCOPES = ("own-post", "own-reply", "inbound", "account", "draft")
COMMON_KEYS = {"id", "title", "pillar", "level", "scope", "message", "why", "fix", "examples", "type"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MESSAGE_SCOPES = ("own-post", "own-reply", "inbound", "draft")
EXAMPLE_KEYS = ("messages", "audit_after", "note")
EXAMPLE_MESSAGE_KEYS = ("by", "text", "reply_to", "after", "repeat")
MAX_REPEAT = 1000  # enough for any share a metric rule tests; keeps `rules test` fast
DURATION = r"^\s*\d+(?:\.\d+)?\s*[mhd]\s*$"
_DURATION = re.compile(DURATION)
HANDLE = r"^@?[A-Za-z0-9_][A-Za-z0-9_.]*$"
_HANDLE = re.compile(HANDLE)


@dataclass(frozen=True)
class ExampleMessage:
    """One entry of a multi-message example: who posts what, how long after the entry before, replying to which."""

    by: str  # "brand" is the audited account; any other handle is someone else
    text: str
    reply_to: int | None = None  # the number (from 1) of an earlier entry
    after: str = ""  # as written ("30m"); empty means the default gap
    repeat: int = 1


@dataclass(frozen=True)
class MessagesExample:
    """An example of several messages (a conversation, or an account's posts) audited together."""

    messages: tuple[ExampleMessage, ...]
    audit_after: str = ""  # how long after the last message the audit ends; empty means the default
    note: str = ""


Example = str | MessagesExample


def duration(text: str) -> timedelta:
    """A validated duration such as 30m, 4h or 2d."""
    value, unit = float(text.strip()[:-1]), text.strip()[-1]
    return timedelta(minutes=value) if unit == "m" else timedelta(hours=value) if unit == "h" else timedelta(days=value)


@dataclass(frozen=True)
class Rule:
    """One validated rule: the common keys plus its type's options (compiled where needed)."""

    id: str
    title: str
    pillar: str
    level: str
    scopes: tuple[str, ...]
    message: str
    why: str
    fix: str
    type: str
    options: dict[str, Any]
    examples: dict[str, list[Example]]
    origin: str  # file:line


# libyaml's parser when PyYAML has it (its wheels do): the pure-Python one is most of a draft check's time.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """A safe loader that remembers the line of every mapping key (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__lines__"] = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_packs(
    paths: list[Path], builtin: tuple[Path, ...] = (), overrides: dict[str, dict[str, Any]] | None = None
) -> list[Rule]:
    """All rules from the built-in packs and the given files, validated together.

    A rule in a user's pack with the id of a built-in rule replaces it (copy, edit, point relaudit at it); two
    user rules with one id are an error. `overrides` (from the configuration) change keys of a rule by id.
    """
    by_id: dict[str, Rule] = {}
    builtin_ids: set[str] = set()
    for path in [*builtin, *paths]:
        trusted = path in builtin
        key = repr((trusted, overrides or {}))  # the configuration's overrides change the rules read
        for rule in cached("rules", path, partial(_load_file, path, overrides or {}, trusted=trusted), key):
            earlier = by_id.get(rule.id)
            if earlier is not None and (rule.id not in builtin_ids or path in builtin):
                raise RulePackError(f"{rule.origin}: rule '{rule.id}': id: duplicate of the rule at {earlier.origin}")
            by_id[rule.id] = rule
            if path in builtin:
                builtin_ids.add(rule.id)
            else:
                builtin_ids.discard(rule.id)
    return list(by_id.values())


def _load_file(path: Path, overrides: dict[str, dict[str, Any]], trusted: bool = False) -> list[Rule]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise RulePackError(f"{path}: cannot read rule pack: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise RulePackError(f"{path}: rule pack is not UTF-8") from error
    try:
        data = load_bounded(text, _LineLoader)
    except yaml.YAMLError as error:
        raise RulePackError(f"{path}: invalid YAML: {_yaml_reason(error)}") from error
    except YamlLimitError as error:
        raise RulePackError(f"{path}: refused: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulePackError(f"{path}:1: a rule pack is a mapping with a 'rules' list")
    # A shipped rule is trusted (its patterns run on `re`, no time bound) unless the user's configuration changed it.
    return [
        _rule(
            path,
            _override(entry, overrides),
            trusted and not (isinstance(entry, dict) and entry.get("id") in overrides),
        )
        for entry in data["rules"]
    ]


def _override(entry: Any, overrides: dict[str, dict[str, Any]]) -> Any:
    """The entry with the configuration's keys for its id laid over it (validated with it)."""
    # An id that is not text (a list, say) is reported by _rule; it cannot be looked up here.
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"] in overrides:
        return {**entry, **overrides[entry["id"]]}
    return entry


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}: {problem}" if mark else str(problem)


def _rule(path: Path, entry: Any, trusted: bool = False) -> Rule:
    if not isinstance(entry, dict):
        raise RulePackError(f"{path}: each entry of 'rules' must be a mapping")
    lines: dict[str, int] = entry.pop("__lines__", {})
    line = entry.pop("__line__", 0)
    rule_id = str(entry.get("id") or "")

    def fail(key: str, problem: str, at: int | None = None) -> RulePackError:
        where = at or lines.get(key, line)
        return RulePackError(f"{path}:{where}: rule '{rule_id or '?'}': {key}: {problem}")

    for key in ("id", "title", "pillar", "level", "scope", "message", "why", "fix", "type"):
        if key not in entry:
            raise fail(key, "missing")
    for key in ("id", "title", "pillar", "level", "message", "why", "fix", "type"):
        if not isinstance(entry[key], str):
            raise fail(key, f"expected text, found {type(entry[key]).__name__}")
    if not _ID.match(rule_id):
        raise fail("id", "use kebab-case: lower-case words joined by '-'")
    _choice(entry["pillar"], PILLARS, fail, "pillar")
    _choice(entry["level"], LEVELS, fail, "level")
    scopes = entry["scope"] if isinstance(entry["scope"], list) else [entry["scope"]]
    for scope in scopes:
        _choice(scope, SCOPES, fail, "scope")
    rule_type = RULE_TYPES.get(entry["type"])
    if rule_type is None:
        raise fail("type", f"unknown rule type '{entry['type']}'; known: {', '.join(RULE_TYPES)}")
    options, placeholders = _condition(entry, COMMON_KEYS, fail, "", trusted)
    _placeholders(entry["message"], placeholders, fail)
    # A lone text is one message; a rule judged over the account (or a calendar of drafts) needs several.
    one_message = "account" not in scopes and any(s in MESSAGE_SCOPES for s in scopes)
    examples = _examples(entry.get("examples"), fail, one_message)
    return Rule(
        id=rule_id,
        title=entry["title"],
        pillar=entry["pillar"],
        level=entry["level"],
        scopes=tuple(scopes),
        message=entry["message"],
        why=entry["why"],
        fix=entry["fix"],
        type=entry["type"],
        options=options,
        examples=examples,
        origin=f"{path}:{line}",
    )


def _condition(
    entry: dict[str, Any], skip: set[str], fail: Any, path: str, trusted: bool = False
) -> tuple[dict[str, Any], frozenset[str]]:
    """Validate and prepare one check (a rule's own keys, or a nested condition of all / any / not)."""
    rule_type = RULE_TYPES.get(entry.get("type"))  # type: ignore[arg-type]
    if rule_type is None:
        raise fail(f"{path}type", f"unknown rule type '{entry.get('type')}'; known: {', '.join(RULE_TYPES)}")
    options = _options(entry, rule_type, fail, skip, path)
    placeholders = rule_type.placeholders
    if rule_type.name in COMBINATORS:
        nested = options["conditions"] if rule_type.name != "not" else [options["condition"]]
        key = "condition" if rule_type.name == "not" else "conditions"
        prepared = []
        for index, condition in enumerate(nested):
            where = f"{path}{key}[{index}]." if rule_type.name != "not" else f"{path}{key}."
            if not isinstance(condition, dict):
                raise fail(where.rstrip("."), "each condition is a mapping with a 'type' and its keys")
            condition = {k: v for k, v in condition.items() if not k.startswith("__")}
            inner, names = _condition(condition, {"type"}, fail, where, trusted)
            prepared.append({"type": condition["type"], "options": inner})
            if rule_type.name != "not":
                placeholders = placeholders | names
        if rule_type.name == "not":
            options["condition"] = prepared[0]
        else:
            options["conditions"] = prepared
        return options, placeholders
    if rule_type.prepare is not None:
        try:
            options = rule_type.prepare({**options, "_trusted": trusted})
        except (re.error, regex.error) as error:
            key = next((k for k in ("pattern", "phrases") if k in options), "type")
            raise fail(f"{path}{key}", f"bad regular expression: {error}") from error
        except OptionError as error:
            raise fail(f"{path}{error.key}", str(error)) from error
    return options, placeholders


def _choice(value: Any, allowed: tuple[str, ...], fail: Any, key: str) -> None:
    if value not in allowed:
        raise fail(key, f"'{value}' is not one of {', '.join(allowed)}")


def _options(entry: dict[str, Any], rule_type: Any, fail: Any, skip: set[str], path: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, value in entry.items():
        if key in skip:
            continue
        spec = rule_type.options.get(key)
        if spec is None:
            known = ", ".join(rule_type.options) or "none"
            raise fail(f"{path}{key}", f"unknown key for type '{rule_type.name}' (its keys: {known})")
        kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            found = type(value).__name__
            raise fail(f"{path}{key}", f"expected {' or '.join(k.__name__ for k in kinds)}, found {found}")
        if spec.choices and value not in spec.choices:
            raise fail(f"{path}{key}", f"'{value}' is not one of {', '.join(spec.choices)}")
        options[key] = value
    for key, spec in rule_type.options.items():
        if key not in options:
            if spec.required:
                raise fail(f"{path}{key}", f"missing (required by type '{rule_type.name}')")
            options[key] = spec.default
    return options


def _placeholders(message: str, allowed: frozenset[str], fail: Any) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
    except ValueError as error:
        raise fail("message", f"bad placeholder syntax: {error}") from error
    unknown = sorted(names - allowed)
    if unknown:
        raise fail("message", f"unknown placeholder {{{unknown[0]}}}; this type fills: {', '.join(sorted(allowed))}")


def _examples(value: Any, fail: Any, message_scoped: bool) -> dict[str, list[Example]]:
    """Flag and pass lists: texts (one message in the rule's scope) or mappings with several messages."""
    if value is None:
        return {"flag": [], "pass": []}
    if not isinstance(value, dict):
        raise fail("examples", "expected a mapping with 'flag' and 'pass' lists")
    lines: dict[str, int] = value.get("__lines__", {})
    extra = sorted(set(value) - {"flag", "pass", "__lines__", "__line__"})
    if extra:
        raise fail("examples", f"unknown key '{extra[0]}' (use flag and pass)", lines.get(extra[0]))
    result: dict[str, list[Example]] = {}
    for key in ("flag", "pass"):
        items = value.get(key) or []
        if not isinstance(items, list):
            raise fail("examples", f"'{key}' must be a list of examples", lines.get(key))
        result[key] = []
        for number, item in enumerate(items, 1):
            where = f"{key} {number}"
            if isinstance(item, str):
                if not message_scoped:
                    problem = "an account-level rule judges many messages: write the example as {messages: [...]}"
                    raise fail("examples", f"{where}: {problem}", lines.get(key))
                result[key].append(item)
            elif isinstance(item, dict):
                result[key].append(_messages_example(item, where, fail))
            else:
                problem = f"expected a text or a mapping with 'messages', found {type(item).__name__}"
                raise fail("examples", f"{where}: {problem}", lines.get(key))
    return result


def _messages_example(item: dict[str, Any], where: str, fail: Any) -> MessagesExample:
    lines: dict[str, int] = item.get("__lines__", {})
    line: int = item.get("__line__", 0)

    def error(problem: str, key: str | None = None, at: int | None = None) -> RulePackError:
        return fail("examples", f"{where}: {problem}", at or lines.get(key or "", line))

    _known_keys(item, EXAMPLE_KEYS, "an example's", error)
    entries = item.get("messages")
    if not isinstance(entries, list) or not entries:
        raise error("messages: expected a list of messages, each {by: ..., text: ...}", "messages")
    audit_after = _duration_text(item.get("audit_after", ""), "audit_after", error)
    note = item.get("note", "")
    if not isinstance(note, str):
        raise error(f"note: expected text, found {type(note).__name__}", "note")
    messages = [_example_message(entry, number, entries, error) for number, entry in enumerate(entries, 1)]
    return MessagesExample(tuple(messages), audit_after, note)


def _example_message(entry: Any, number: int, entries: list[Any], outer: Any) -> ExampleMessage:
    if not isinstance(entry, dict):
        raise outer(f"message {number}: expected a mapping such as {{by: customer, text: ...}}", "messages")
    lines: dict[str, int] = entry.get("__lines__", {})
    line: int = entry.get("__line__", 0)

    def error(problem: str, key: str | None = None) -> RulePackError:
        return outer(f"message {number}: {problem}", at=lines.get(key or "", line))

    _known_keys(entry, EXAMPLE_MESSAGE_KEYS, "a message's", error)
    for key in ("by", "text"):
        if key not in entry:
            raise error(f"{key}: missing")
        if not isinstance(entry[key], str):
            raise error(f"{key}: expected text, found {type(entry[key]).__name__}", key)
    if not _HANDLE.match(entry["by"]):
        raise error(f"by: '{entry['by']}' is not a handle (brand for the audited account, or e.g. customer)", "by")
    reply_to = entry.get("reply_to")
    if reply_to is not None:
        if isinstance(reply_to, bool) or not isinstance(reply_to, int):
            found = type(reply_to).__name__
            raise error(f"reply_to: expected the number of an earlier message, found {found}", "reply_to")
        if not 1 <= reply_to < number:
            earlier = f"1 to {number - 1}" if number > 2 else "1" if number == 2 else "none"
            raise error(f"reply_to: {reply_to} is not an earlier message (earlier: {earlier})", "reply_to")
        target = entries[reply_to - 1]
        if isinstance(target, dict) and target.get("repeat", 1) != 1:
            raise error(f"reply_to: message {reply_to} is repeated; reply to a single message", "reply_to")
    repeat = entry.get("repeat", 1)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= MAX_REPEAT:
        raise error(f"repeat: expected a whole number from 1 to {MAX_REPEAT}, found {repeat!r}", "repeat")
    after = _duration_text(entry.get("after", ""), "after", error)
    return ExampleMessage(entry["by"].lstrip("@"), entry["text"], reply_to, after, repeat)


def _known_keys(mapping: dict[str, Any], allowed: tuple[str, ...], whose: str, error: Any) -> None:
    unknown = [k for k in mapping if not k.startswith("__") and k not in allowed]
    if unknown:
        raise error(f"{unknown[0]}: unknown key ({whose} keys: {', '.join(allowed)})", unknown[0])


def _duration_text(value: Any, key: str, error: Any) -> str:
    if value == "":
        return ""
    if not isinstance(value, str) or not _DURATION.match(value):
        raise error(f"{key}: {value!r} is not a duration like 30m, 4h or 2d", key)
    return value.strip()
