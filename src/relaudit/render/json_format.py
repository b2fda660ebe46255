"""The JSON report: Report.to_dict() as stable, valid JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import Any

from relaudit.dates import isoformat
from relaudit.engine import Finding
from relaudit.report import Report, finding_row

# The string encoder json's indented output uses with ensure_ascii=False (its C one, where built)
_STRING: Any = json.encoder.encode_basestring
_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False)
# Findings written per piece: ~450 B each, so pieces of ~1 MB
_PIECE = 2_000


def render_json(report: Report, width: int | None = None, color: bool = False) -> str:
    """Indented JSON with keys in schema order; non-ASCII kept readable."""
    return "".join(json_chunks(report))


def json_chunks(report: Report) -> Iterator[str]:
    """The text of render_json in pieces, for writing as it is made: a million-message report is ~100 MB of JSON.

    The text is `json.dumps(report.to_dict(), indent=2, ensure_ascii=False)`, byte for byte. With an indent, json
    encodes in Python (its C encoder is only for compact output): ~12 µs a finding, 3 s of a million-message audit.
    A finding is a flat object of strings and nulls, so its text is put together here from json's own string
    encoder; anything else goes through json itself.
    """
    # now, before the caller opens its file: a failure here leaves no half-written report
    data = report.to_dict(finding_rows=False)
    return _object(data)


def _object(data: dict[str, Any]) -> Iterator[str]:
    """The indented text of the report's top-level object, followed by a newline."""
    if not data:
        yield "{}\n"
        return
    separator = "{\n  "
    for key, value in data.items():
        yield separator + _STRING(key) + ": "
        separator = ",\n  "
        if key == "findings" and type(value) is list:
            yield from _list(value)
        else:  # one level in: json's text at level 0, each line indented (strings in it hold no raw newline)
            yield _ENCODER.encode(value).replace("\n", "\n  ")
    yield "\n}\n"


def _list(rows: list[Any]) -> Iterator[str]:
    """The indented text of the findings list, at the second level of the report."""
    if not rows:
        yield "[]"
        return
    items = iter(rows)
    start = "[\n    "
    while piece := list(islice(items, _PIECE)):
        yield start + ",\n    ".join(map(_flat, piece))
        start = ",\n    "
    yield "\n  ]"


# A finding's text when every value is a string or null: finding_row()'s keys in order, at the third level
_FINDING = (
    "{\n      "
    + ",\n      ".join(
        f"{_STRING(key)}: %s"
        for key in ("rule", "level", "pillar", "message", "message_id", "created_at", "excerpt", "source")
    )
    + "\n    }"
)


def _finding(finding: Finding) -> str:
    """_flat(finding_row(finding)) without the dict between: each value encoded straight into the template."""
    values = []
    for value in (
        finding.rule,
        finding.level,
        finding.pillar,
        finding.message,
        finding.message_id,
        isoformat(finding.created_at) if finding.created_at else None,
        finding.excerpt,
        finding.source,
    ):
        if type(value) is str:
            values.append(_STRING(value))
        elif value is None:
            values.append("null")
        else:
            return _flat(finding_row(finding))  # another type (never made by relaudit): json decides
    return _FINDING % tuple(values)


def _flat(row: Any) -> str:
    """One finding's text at the third level: a flat object of strings and nulls here, json's text otherwise."""
    if type(row) is Finding:
        return _finding(row)
    if type(row) is dict and row:
        parts = []
        for key, value in row.items():
            if type(key) is not str:
                break
            if type(value) is str:
                parts.append(_STRING(key) + ": " + _STRING(value))
            elif value is None:
                parts.append(_STRING(key) + ": null")
            else:
                break
        else:
            return "{\n      " + ",\n      ".join(parts) + "\n    }"
    return _ENCODER.encode(row).replace("\n", "\n    ")
