"""The shipped JSON Schema matches the rule-type registry and accepts the default pack."""

from __future__ import annotations

import json

import pytest
import yaml

from relaudit.resources import rules_dir
from relaudit.schema import rule_pack_schema


def test_shipped_schema_is_current():
    shipped = json.loads((rules_dir() / "rule-pack.schema.json").read_text(encoding="utf-8"))
    assert shipped == rule_pack_schema(), "regenerate: relaudit rules schema > rules/rule-pack.schema.json"


def test_schema_accepts_the_default_pack_and_rejects_unknown_keys():
    jsonschema = pytest.importorskip("jsonschema")
    schema = rule_pack_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    pack = yaml.safe_load((rules_dir() / "default.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(pack, schema)
    bad = {"rules": [{**pack["rules"][0], "colour": "red"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
