"""Machine formats for `relaudit check`: JSON, SARIF 2.1.0, GitHub workflow annotations, JUnit XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from relaudit import __version__
from relaudit.drafts.check import CheckResult, DraftFinding
from relaudit.engine import LEVEL_RANK

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "suggestion": "note"}
GITHUB_LEVELS = {"error": "error", "warning": "warning", "suggestion": "notice"}
HOME = "https://github.com/relaudit/relaudit"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def statistics(result: CheckResult) -> list[tuple[str, str, int]]:
    """(rule, level, count) for every rule that fired, most frequent first."""
    counts = Counter((f.rule, f.level) for f in result.findings)
    return sorted(((r, lv, n) for (r, lv), n in counts.items()), key=lambda t: (-t[2], -LEVEL_RANK[t[1]], t[0]))


def summary(result: CheckResult) -> dict[str, int]:
    """Findings per level."""
    counts = Counter(f.level for f in result.findings)
    return {level: counts.get(level, 0) for level in ("error", "warning", "suggestion")}


def to_json(result: CheckResult) -> str:
    """The check as one JSON document (schema_version 1; keys may be added, none renamed)."""
    document = {
        "schema_version": 1,
        "tool": {"name": "relaudit", "version": __version__},
        "drafts": len(result.drafts),
        "files": sorted({d.path for d in result.drafts}),
        "summary": summary(result),
        "suppressed": result.suppressed,
        "statistics": [{"rule": r, "level": lv, "count": n} for r, lv, n in statistics(result)],
        "findings": [_finding(f) for f in result.findings],
        "notes": [{"path": n.path, "line": n.line, "kind": n.kind, "message": n.message} for n in result.notes],
        "warnings": list(result.warnings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _finding(finding: DraftFinding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "level": finding.level,
        "pillar": finding.pillar,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "draft": finding.draft,
        "excerpt": finding.excerpt,
        "suggestion": finding.suggestion,
    }


def to_sarif(result: CheckResult) -> str:
    """A SARIF 2.1.0 log with one run: each rule that fired described once, each finding a result."""
    fired = sorted({f.rule for f in result.findings})
    descriptors = [_descriptor(result.rules[rule_id]) for rule_id in fired]
    index = {rule_id: i for i, rule_id in enumerate(fired)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": SARIF_LEVELS[f.level],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                            "snippet": {"text": f.excerpt},
                        },
                    }
                }
            ],
            "properties": {"pillar": f.pillar, "draft": f.draft, "suggestion": f.suggestion},
        }
        for f in result.findings
    ]
    notifications = [
        {
            "level": "note" if n.kind == "not-checked" else "warning",
            "message": {"text": n.message},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": _uri(n.path)}, "region": {"startLine": n.line}}}
            ],
        }
        for n in result.notes
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "relaudit", "version": __version__, "informationUri": HOME, "rules": descriptors}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule: Any) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]},
        "properties": {"pillar": rule.pillar},
    }


def _uri(path: str) -> str:
    """A relative path stays relative (code scanning resolves it from the repository root); else a file URI."""
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(path.replace("\\", "/"), safe="/")


def to_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding and note, shown on the pull request's diff."""
    lines = []
    for f in result.findings:
        properties = (
            f"file={_gh_property(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={_gh_property('relaudit ' + f.rule)}"
        )
        lines.append(f"::{GITHUB_LEVELS[f.level]} {properties}::{_gh_data(f.message)}")
    for n in result.notes:
        lines.append(f"::notice file={_gh_property(n.path)},line={n.line},title=relaudit::{_gh_data(n.message)}")
    return "".join(line + "\n" for line in lines)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def to_junit(result: CheckResult) -> str:
    """JUnit XML: each draft a test case, failing with its findings; CI systems show them as test results."""
    by_draft: dict[tuple[str, int], list[DraftFinding]] = {}
    for f in result.findings:
        by_draft.setdefault((f.path, f.draft), []).append(f)
    suites = ET.Element("testsuites", name="relaudit check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="relaudit check",
        tests=str(len(result.drafts) + (1 if any(f.draft == 0 for f in result.findings) else 0)),
        failures=str(len(by_draft)),
        errors="0",
        skipped="0",
    )
    cases = [(d.path, d.number, f"draft {d.number} (line {d.line})") for d in result.drafts]
    if any(f.draft == 0 for f in result.findings):
        cases.insert(0, (result.findings[0].path, 0, "calendar"))
    for path, number, name in cases:
        case = ET.SubElement(suite, "testcase", classname=_xml(path), name=name)
        found = by_draft.get((path, number), [])
        if found:
            worst = max(found, key=lambda f: LEVEL_RANK[f.level])
            failure = ET.SubElement(case, "failure", type=worst.level, message=_xml(worst.message))
            failure.text = "\n".join(
                _xml(f"{f.path}:{f.line}:{f.column}: {f.level} [{f.rule}] {f.message}") for f in found
            )
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids become U+FFFD."""
    return _XML_UNSAFE.sub("\ufffd", text)
