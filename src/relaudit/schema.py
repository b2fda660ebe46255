"""The JSON Schema of rule packs, generated from the rule-type registry so it cannot drift from the code."""

from __future__ import annotations

from typing import Any

from relaudit.rulepack import DURATION, HANDLE, LEVELS, MAX_REPEAT, PILLARS, SCOPES
from relaudit.ruletypes import RULE_TYPES, RuleType

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


def rule_pack_schema() -> dict[str, Any]:
    """A draft 2020-12 schema: common rule keys, plus each type's own keys chosen by `type`."""
    common = {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "kebab-case, stable"},
        "title": {"type": "string"},
        "pillar": {"enum": list(PILLARS)},
        "level": {"enum": list(LEVELS)},
        "scope": {"oneOf": [{"enum": list(SCOPES)}, {"type": "array", "items": {"enum": list(SCOPES)}}]},
        "message": {"type": "string", "description": "text with {placeholders} filled by the rule type"},
        "why": {"type": "string"},
        "fix": {"type": "string"},
        "type": {"enum": list(RULE_TYPES)},
        "examples": {
            "type": "object",
            "properties": {
                "flag": {"type": "array", "items": {"$ref": "#/$defs/example"}},
                "pass": {"type": "array", "items": {"$ref": "#/$defs/example"}},
            },
            "additionalProperties": False,
        },
    }
    branches = [
        {
            "if": {"properties": {"type": {"const": name}}},
            "then": {
                "properties": {**common, **_options(t)},
                "additionalProperties": False,
                "required": [k for k, o in t.options.items() if o.required],
            },
        }
        for name, t in RULE_TYPES.items()
    ]
    rule = {
        "type": "object",
        "required": ["id", "title", "pillar", "level", "scope", "message", "why", "fix", "type"],
        "properties": common,
        "allOf": branches,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://relaudit.example/rule-pack.schema.json",
        "title": "relaudit rule pack",
        "type": "object",
        "required": ["rules"],
        "properties": {"rules": {"type": "array", "items": rule}},
        "additionalProperties": False,
        "$defs": {"example": _example(), "example-message": _example_message()},
    }


def _example() -> dict[str, Any]:
    """A text (one message in the rule's scope) or several messages audited together."""
    duration = {"type": "string", "pattern": DURATION}
    messages = {
        "type": "object",
        "required": ["messages"],
        "properties": {
            "messages": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/example-message"}},
            "audit_after": {**duration, "description": "the audit ends this long after the last message (2d)"},
            "note": {"type": "string", "description": "what the example shows, printed with it"},
        },
        "additionalProperties": False,
    }
    return {"oneOf": [{"type": "string"}, messages]}


def _example_message() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["by", "text"],
        "properties": {
            "by": {"type": "string", "pattern": HANDLE, "description": "brand (the audited account) or another handle"},
            "text": {"type": "string"},
            "reply_to": {"type": "integer", "minimum": 1, "description": "the number of an earlier message, from 1"},
            "after": {"type": "string", "pattern": DURATION, "description": "time since the message before (10m)"},
            "repeat": {"type": "integer", "minimum": 1, "maximum": MAX_REPEAT, "description": "post it N times"},
        },
        "additionalProperties": False,
    }


def _options(rule_type: RuleType) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key, option in rule_type.options.items():
        kinds = option.kind if isinstance(option.kind, tuple) else (option.kind,)
        spec: dict[str, Any] = {"type": sorted({_JSON_TYPES[k] for k in kinds}), "description": option.help}
        if option.choices:
            spec["enum"] = list(option.choices)
        properties[key] = spec
    return properties
