"""The JSON report: Report.to_dict() as stable, valid JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain

from relaudit.report import Report


def render_json(report: Report, width: int | None = None, color: bool = False) -> str:
    """Indented JSON with keys in schema order; non-ASCII kept readable."""
    return "".join(json_chunks(report))


def json_chunks(report: Report) -> Iterator[str]:
    """The text of render_json in pieces, for writing as it is made: a million-message report is ~100 MB of JSON."""
    data = report.to_dict()  # now, before the caller opens its file: a failure here leaves no half-written report
    # json.dumps with an indent runs this same iterencode (its C encoder is only for compact output), so the text
    # is the same, byte for byte.
    return chain(json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data), ["\n"])
