"""The league table: one row per client, sorted by score, rendered for a terminal, CSV, JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from relaudit import __version__
from relaudit.diff import compare, grade_arrow, score_arrow
from relaudit.engine import LEVEL_RANK
from relaudit.gate import GRADES

PILLARS = ("responsiveness", "conversation", "audience-value", "human-touch")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def row(result: dict[str, Any]) -> dict[str, Any]:
    """One client's row from its worker result (a report dict, or an error)."""
    report = result.get("report")
    if report is None:
        return {
            "client": result["client"],
            "error": result["error"],
            **dict.fromkeys(
                (
                    "account",
                    "platform",
                    "messages",
                    "grade",
                    "score",
                    "response_rate",
                    "unanswered_complaints",
                    "biggest_issue",
                )
            ),
            "pillars": dict.fromkeys(PILLARS),
            "paths": [],
            "findings": [],
        }
    counts = report["counts"]
    return {
        "client": result["client"],
        "account": report["account"],
        "paths": report["source"]["paths"],
        "platform": report["source"]["input_format"],
        # The audited conversation: own messages and those addressed to the account (in a shared file such as
        # the customer-care CSV the other brands' messages are context, and left out).
        "messages": counts["own_originals"] + counts["own_replies"] + counts["reposts"] + counts["inbound"],
        "grade": report["grade"],
        "score": report["score"],
        "pillars": {name: (report["pillars"].get(name) or {}).get("score") for name in PILLARS},
        "response_rate": report["metrics"].get("response_rate"),
        "unanswered_complaints": counts.get("unanswered_complaints"),
        "biggest_issue": biggest_issue(report["findings"]),
        "error": None,
        "findings": sorted(
            ({"rule": f["rule"], "level": f["level"], "message_id": f.get("message_id")} for f in report["findings"]),
            key=lambda f: (f["rule"], f["message_id"] or ""),
        ),
    }


def biggest_issue(findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The rule with the worst level × count (suggestion 1, warning 2, error 3); ties: worse level, then rule id."""
    counts = Counter(f["rule"] for f in findings)
    levels = {f["rule"]: f["level"] for f in findings}
    if not counts:
        return None
    rule = min(counts, key=lambda r: (-(LEVEL_RANK[levels[r]] + 1) * counts[r], -LEVEL_RANK[levels[r]], r))
    return {"rule": rule, "level": levels[rule], "count": counts[rule]}


def league(results: list[dict[str, Any]], baseline: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows sorted by score, best first; ties by client name; clients that could not be scored last."""
    rows = [row(r) for r in results]
    if baseline is not None:
        before = {r.get("client"): r for r in baseline.get("clients", []) if isinstance(r, dict)}
        for current in rows:
            previous = before.get(current["client"])
            if current["error"] is not None:
                current["change"] = None
            elif previous is None or previous.get("error") is not None:
                current["change"] = {"status": "new client" if previous is None else "not scored last time"}
            else:
                current["change"] = {"status": "compared", **compare(previous, current)}
    return sorted(rows, key=lambda r: (not isinstance(r["score"], (int, float)), -(r["score"] or 0), r["client"]))


def failed_gate(current: dict[str, Any], fail_on: str | None, fail_under: str | None) -> bool:
    """The audit gate (relaudit.gate) over one row: a finding at fail_on or worse, or a grade below fail_under."""
    if current["error"] is not None:
        return False
    if fail_on is not None and any(LEVEL_RANK[f["level"]] >= LEVEL_RANK[fail_on] for f in current["findings"]):
        return True
    if fail_under is not None:
        letter = current["grade"]
        return letter not in GRADES or GRADES.index(letter) > GRADES.index(fail_under.upper())
    return False


def to_json(rows: list[dict[str, Any]]) -> str:
    """The batch result: what --baseline reads next month (no timings, so reruns are byte-identical)."""
    document = {
        "schema_version": 1,
        "kind": "relaudit-batch",
        "tool": {"name": "relaudit", "version": __version__},
        "clients": rows,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def flat(current: dict[str, Any], with_change: bool) -> dict[str, str]:
    """A row as display strings, one per column (shared by the terminal, CSV and Markdown tables)."""
    issue = current["biggest_issue"]
    cells = {
        "client": current["client"],
        "account": current["account"] or "",
        "platform": current["platform"] or "",
        "messages": _text(current["messages"]),
        "grade": current["grade"] or "",
        "score": _number(current["score"]),
        **{name: _number(current["pillars"][name]) for name in PILLARS},
        "response_rate": f"{current['response_rate']:.0%}" if current["response_rate"] is not None else "",
        "unanswered_complaints": _text(current["unanswered_complaints"]),
        "biggest_issue": f"{issue['rule']} ({issue['level']} ×{issue['count']})" if issue else "",
    }
    if with_change:
        change = current.get("change") or {}
        compared = change.get("status") == "compared"
        cells["grade_change"] = grade_arrow(change) if compared else change.get("status", "")
        cells["score_change"] = score_arrow(change.get("score_change")) if compared else ""
        cells["new_findings"] = str(len(change["new_findings"])) if compared else ""
        cells["resolved_findings"] = str(len(change["resolved_findings"])) if compared else ""
    cells["error"] = current["error"] or ""
    return cells


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> str:
    return "" if value is None else f"{value:.1f}"


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with cells a spreadsheet would execute as formulas neutralised by a leading apostrophe."""
    with_change = any("change" in r for r in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    cells = [flat(r, with_change) for r in rows]
    writer.writerow(list(cells[0]) if cells else list(flat(row({"client": "", "error": ""}), with_change)))
    for line in cells:
        writer.writerow([neutralise(value) for value in line.values()])
    return buffer.getvalue()


def neutralise(text: str) -> str:
    """A cell starting with = + - @ tab or CR gets a leading ' so a spreadsheet shows it instead of running it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_markdown(rows: list[dict[str, Any]]) -> str:
    """A GitHub-flavoured Markdown table (pipes and line breaks in cells escaped)."""
    with_change = any("change" in r for r in rows)
    cells = [flat(r, with_change) for r in rows]
    header = list(cells[0]) if cells else ["client"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for line in cells:
        lines.append("| " + " | ".join(_md(value) for value in line.values()) + " |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    from relaudit.render.safe import safe_text

    return safe_text(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


SHORT = {"responsiveness": "resp.", "conversation": "conv.", "audience-value": "value", "human-touch": "human"}


def to_terminal(rows: list[dict[str, Any]], width: int, color: bool) -> str:
    """A rich table; export-derived text is shown literally (no markup, control characters escaped)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from relaudit.render.safe import safe_text

    with_change = any("change" in r for r in rows)
    table = Table(
        title="relaudit · league table",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        show_edge=False,
        pad_edge=False,
    )
    columns = [
        ("#", "right"),
        ("client", "left"),
        ("account", "left"),
        ("platform", "left"),
        ("msgs", "right"),
        ("grade", "center"),
        ("score", "right"),
        *((SHORT[p], "right") for p in PILLARS),
        ("answered", "right"),
        ("unans.", "right"),
        ("biggest issue", "left"),
    ]
    if with_change:
        columns += [("grade Δ", "left"), ("score Δ", "right"), ("new", "right"), ("resolved", "right")]
    for name, justify in columns:
        # Names and the issue may wrap on a narrow terminal; numbers and short words never split mid-word.
        wraps = name in ("client", "account", "biggest issue")
        table.add_column(name, justify=justify, overflow="fold", no_wrap=not wraps)  # type: ignore[arg-type]
    grade_style = {"A": "bold green", "B": "green", "C": "yellow", "D": "dark_orange", "F": "bold red"}
    for position, current in enumerate(rows, 1):
        cells = flat(current, with_change)
        if current["error"] is not None:
            failed_row = ["" for _ in columns]
            failed_row[0], failed_row[1], failed_row[5] = str(position), safe_text(cells["client"]), "error"
            table.add_row(*(Text(cell, style="red" if cell == "error" else "") for cell in failed_row))
            continue
        values = [
            Text(str(position)),
            Text(safe_text(cells["client"])),
            Text(safe_text(cells["account"])),
            Text(cells["platform"]),
            Text(cells["messages"]),
            Text(cells["grade"], style=grade_style.get(cells["grade"], "")),
            Text(cells["score"]),
            *(Text(cells[p]) for p in PILLARS),
            Text(cells["response_rate"]),
            Text(cells["unanswered_complaints"]),
            Text(cells["biggest_issue"]),
        ]
        if with_change:
            values += [Text(cells[k]) for k in ("grade_change", "score_change", "new_findings", "resolved_findings")]
        table.add_row(*values)
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
    )
    console.print(table)
    lines = [line.rstrip() for line in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]
    failed = [(position, r) for position, r in enumerate(rows, 1) if r["error"] is not None]
    lines += [f"{position:>2}. {safe_text(r['client'])}: error: {safe_text(r['error'])}" for position, r in failed]
    summary = f"{len(rows)} client{'' if len(rows) == 1 else 's'}, {len(rows) - len(failed)} scored"
    lines.append(summary + (f", {len(failed)} could not be audited" if failed else ""))
    return "\n".join(lines) + "\n"
