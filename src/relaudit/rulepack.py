"""Reading and validating rule packs completely before any message is read."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex
import yaml

from relaudit.errors import RulePackError
from relaudit.ruletypes import COMBINATORS, RULE_TYPES

PILLARS = ("responsiveness", "conversation", "audience-value", "human-touch")
LEVELS = ("suggestion", "warning", "error")
SCOPES = ("own-post", "own-reply", "inbound", "account", "draft")
COMMON_KEYS = {"id", "title", "pillar", "level", "scope", "message", "why", "fix", "examples", "type"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
    examples: dict[str, list[str]]
    origin: str  # file:line


class _LineLoader(yaml.SafeLoader):
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
        for rule in _load_file(path, overrides or {}):
            earlier = by_id.get(rule.id)
            if earlier is not None and (rule.id not in builtin_ids or path in builtin):
                raise RulePackError(f"{rule.origin}: rule '{rule.id}': id: duplicate of the rule at {earlier.origin}")
            by_id[rule.id] = rule
            if path in builtin:
                builtin_ids.add(rule.id)
            else:
                builtin_ids.discard(rule.id)
    return list(by_id.values())


def _load_file(path: Path, overrides: dict[str, dict[str, Any]]) -> list[Rule]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise RulePackError(f"{path}: cannot read rule pack: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise RulePackError(f"{path}: rule pack is not UTF-8") from error
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        raise RulePackError(f"{path}: invalid YAML: {_yaml_reason(error)}") from error
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulePackError(f"{path}:1: a rule pack is a mapping with a 'rules' list")
    return [_rule(path, _override(entry, overrides)) for entry in data["rules"]]


def _override(entry: Any, overrides: dict[str, dict[str, Any]]) -> Any:
    """The entry with the configuration's keys for its id laid over it (validated with it)."""
    if isinstance(entry, dict) and entry.get("id") in overrides:
        return {**entry, **overrides[entry["id"]]}
    return entry


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}: {problem}" if mark else str(problem)


def _rule(path: Path, entry: Any) -> Rule:
    if not isinstance(entry, dict):
        raise RulePackError(f"{path}: each entry of 'rules' must be a mapping")
    lines: dict[str, int] = entry.pop("__lines__", {})
    line = entry.pop("__line__", 0)
    rule_id = str(entry.get("id") or "")

    def fail(key: str, problem: str) -> RulePackError:
        return RulePackError(f"{path}:{lines.get(key, line)}: rule '{rule_id or '?'}': {key}: {problem}")

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
    options, placeholders = _condition(entry, COMMON_KEYS, fail, "")
    _placeholders(entry["message"], placeholders, fail)
    examples = _examples(entry.get("examples"), fail)
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


def _condition(entry: dict[str, Any], skip: set[str], fail: Any, path: str) -> tuple[dict[str, Any], frozenset[str]]:
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
            inner, names = _condition(condition, {"type"}, fail, where)
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
            options = rule_type.prepare(options)
        except (re.error, regex.error) as error:
            key = next((k for k in ("pattern", "phrases") if k in options), "type")
            raise fail(f"{path}{key}", f"bad regular expression: {error}") from error
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


def _examples(value: Any, fail: Any) -> dict[str, list[str]]:
    if value is None:
        return {"flag": [], "pass": []}
    if not isinstance(value, dict):
        raise fail("examples", "expected a mapping with 'flag' and 'pass' lists")
    result: dict[str, list[str]] = {}
    for key in ("flag", "pass"):
        items = value.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise fail("examples", f"'{key}' must be a list of texts")
        result[key] = items
    extra = set(value) - {"flag", "pass", "__lines__", "__line__"}
    if extra:
        raise fail("examples", f"unknown key '{sorted(extra)[0]}' (use flag and pass)")
    return result
