"""The Report: everything an audit found, and its one dictionary form that every machine format derives from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from relaudit import __version__
from relaudit.analyse import Analysis
from relaudit.dates import isoformat
from relaudit.engine import Finding
from relaudit.grade import Grade
from relaudit.model import Message
from relaudit.trends import Trends

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Report:
    """One audited account."""

    paths: tuple[str, ...]
    input_format: str
    records: int
    account: str
    account_source: str
    account_detail: str
    start: datetime | None
    end: datetime | None
    as_of: datetime
    analysis: Analysis
    grade: Grade
    findings: tuple[Finding, ...]
    warnings: tuple[str, ...]
    unanswered_complaints: tuple[Message, ...]  # oldest first
    recommendations: tuple[str, ...]
    rule_titles: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (title, why, fix)
    coverage: str | None = None  # what the export cannot show, when it lacks inbound messages
    trends: Trends | None = None  # per-month figures and distributions for charts

    def to_dict(self, finding_rows: bool = True) -> dict[str, Any]:
        """The JSON report of DESIGN.md §5 (schema_version 1).

        With `finding_rows` False, "findings" holds the Finding objects themselves, for a renderer that writes each
        one as finding_row() would give it (json_format: a million-message report has ~250,000).
        """
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "relaudit", "version": __version__},
            "source": {
                "paths": list(self.paths),
                "input_format": self.input_format,
                "records": self.records,
                "skipped": self.analysis.counts["skipped"],
            },
            "account": self.account,
            "account_source": self.account_source,
            "period": {
                "start": isoformat(self.start) if self.start else None,
                "end": isoformat(self.end) if self.end else None,
                "as_of": isoformat(self.as_of),
            },
            "counts": dict(self.analysis.counts),
            "metrics": dict(self.analysis.metrics),
            "pillars": {
                p.name: {
                    "score": p.score,
                    "measured": p.score is not None,
                    "reason": p.reason,
                    "inputs": {
                        m: {"value": v, "points": pts if v is not None else None} for m, v, pts in p.contributions
                    },
                    "penalty": p.penalty,
                    "penalised_by": list(p.penalised_by),
                }
                for p in self.grade.pillars
            },
            "score": self.grade.score,
            "grade": self.grade.letter,
            "findings": [finding_row(f) for f in self.findings] if finding_rows else list(self.findings),
            "warnings": list(self.warnings),
            "recommendations": list(self.recommendations),
            "coverage": self.coverage,
            "account_detail": self.account_detail,
            "not_measured": dict(sorted(self.analysis.not_measured.items())),
            "rules": {
                rule: dict(zip(("title", "why", "fix"), self.rule_titles[rule]))
                for rule in sorted({f.rule for f in self.findings})
                if rule in self.rule_titles
            },
            "trends": self.trends.to_dict() if self.trends is not None else None,
        }


def finding_row(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON report has it."""
    return {
        "rule": finding.rule,
        "level": finding.level,
        "pillar": finding.pillar,
        "message": finding.message,
        "message_id": finding.message_id,
        "created_at": isoformat(finding.created_at) if finding.created_at else None,
        "excerpt": finding.excerpt,
        "source": finding.source,
    }
