"""What changed between two audits of one account: grade, score, pillars, and findings new or resolved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from relaudit.errors import InputError

GRADE_ORDER = ("A", "B", "C", "D", "F")
REPORT_KEYS = ("account", "grade", "score", "findings", "pillars")


def read_json(path: Path, kind: str) -> dict[str, Any]:
    """A JSON report (kind "report") or batch result (kind "batch") of schema_version 1, else one-line InputError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not a JSON file ({_first_line(str(error))})") from error
    what = (
        "a relaudit JSON report (relaudit audit --format json)"
        if kind == "report"
        else ("a relaudit batch result (relaudit batch --format json)")
    )
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        version = data.get("schema_version") if isinstance(data, dict) else None
        found = f"schema_version {version!r}" if version is not None else "no schema_version"
        raise InputError(f"{path}: not {what} of schema_version 1 ({found})")
    keys = REPORT_KEYS if kind == "report" else ("clients",)
    missing = [k for k in keys if k not in data]
    if kind == "batch" and data.get("kind") != "relaudit-batch":
        missing.insert(0, "kind: relaudit-batch")
    if missing or not isinstance(data.get("findings" if kind == "report" else "clients"), list):
        raise InputError(f"{path}: not {what}: missing {', '.join(missing) or 'a list'}")
    return data


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else text


def finding_key(finding: dict[str, Any]) -> tuple[str, str]:
    """Findings match across months by rule and message id (account-wide findings have no message id)."""
    return (str(finding.get("rule")), str(finding.get("message_id") or ""))


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The change from old to new; both are reports or batch rows (grade, score, findings with rule/message_id)."""
    old_keys = {finding_key(f): f for f in old.get("findings") or []}
    new_keys = {finding_key(f): f for f in new.get("findings") or []}
    old_score, new_score = old.get("score"), new.get("score")
    change = delta(old_score, new_score)
    return {
        "previous_grade": old.get("grade"),
        "grade": new.get("grade"),
        "grade_direction": grade_direction(old.get("grade"), new.get("grade")),
        "previous_score": old_score,
        "score": new_score,
        "score_change": change,
        "new_findings": [_brief(new_keys[k]) for k in sorted(set(new_keys) - set(old_keys))],
        "resolved_findings": [_brief(old_keys[k]) for k in sorted(set(old_keys) - set(new_keys))],
    }


def delta(before: Any, after: Any) -> float | None:
    """after - before to one decimal, or None when either is not a number (an ungraded or unmeasured value)."""
    if _number(before) and _number(after):
        return round(float(after) - float(before), 1)
    return None


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _brief(finding: dict[str, Any]) -> dict[str, Any]:
    return {key: finding.get(key) for key in ("rule", "level", "message_id", "message") if key in finding}


def grade_direction(old: Any, new: Any) -> str:
    """ "up", "down" or "same"; a grade that is not a letter (ungraded, missing) only ever compares as "same"."""
    if old not in GRADE_ORDER or new not in GRADE_ORDER or old == new:
        return "same"
    return "up" if GRADE_ORDER.index(new) < GRADE_ORDER.index(old) else "down"


def score_arrow(change: float | None) -> str:
    """+3.2 ▲, -1.0 ▼, ±0.0 =, or '' when either score is missing."""
    if change is None:
        return ""
    if change > 0:
        return f"+{change:.1f} ▲"
    if change < 0:
        return f"{change:.1f} ▼"
    return "±0.0 ="


def grade_arrow(change: dict[str, Any]) -> str:
    """C→B ▲, B→C ▼, or the grade alone when it did not move."""
    old, new = change.get("previous_grade"), change.get("grade")
    mark = {"up": " ▲", "down": " ▼", "same": ""}[change["grade_direction"]]
    return f"{old}→{new}{mark}" if old != new else f"{new} ="


def render_text(old: dict[str, Any], new: dict[str, Any], change: dict[str, Any]) -> str:
    """The diff as plain lines: headline changes, pillars, then new and resolved findings."""
    from relaudit.render.safe import safe_text

    lines = [
        f"account  {safe_text(str(old.get('account')))} → {safe_text(str(new.get('account')))}"
        if old.get("account") != new.get("account")
        else f"account  {safe_text(str(new.get('account')))}",
        f"period   {_period(old)} → {_period(new)}",
        f"grade    {grade_arrow(change)}",
        f"score    {_score(change['previous_score'])} → {_score(change['score'])}  "
        f"{score_arrow(change['score_change'])}".rstrip(),
    ]
    old_pillars, new_pillars = old.get("pillars") or {}, new.get("pillars") or {}
    for name in dict.fromkeys([*old_pillars, *new_pillars]):
        before = (old_pillars.get(name) or {}).get("score")
        after = (new_pillars.get(name) or {}).get("score")
        moved = delta(before, after)
        lines.append(f"  {name:<15} {_score(before)} → {_score(after)}  {score_arrow(moved)}".rstrip())
    for title, key in (("New findings", "new_findings"), ("Resolved findings", "resolved_findings")):
        found = change[key]
        lines.append(f"{title} ({len(found)})")
        lines += [
            f"  {f.get('level', ''):<10} {f['rule']:<22} {f.get('message_id') or '(account)':<14} "
            f"{safe_text(str(f.get('message', '')), 70)}".rstrip()
            for f in found
        ]
    return "\n".join(lines) + "\n"


def _score(value: Any) -> str:
    return f"{value:.1f}" if _number(value) else "-"


def _period(report: dict[str, Any]) -> str:
    period = report.get("period") or {}
    start, end = str(period.get("start") or "?")[:10], str(period.get("end") or "?")[:10]
    return f"{start}..{end}"
