"""The JSON report: Report.to_dict() as stable, valid JSON."""

from __future__ import annotations

import json

from relaudit.report import Report


def render_json(report: Report, width: int | None = None, color: bool = False) -> str:
    """Indented JSON with keys in schema order; non-ASCII kept readable."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
