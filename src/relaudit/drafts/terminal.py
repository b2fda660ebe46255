"""The colour report of `relaudit check`: each draft with its problem words highlighted, then why and how to fix."""

from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from relaudit.drafts.check import CheckResult, DraftFinding
from relaudit.drafts.output import statistics, summary
from relaudit.drafts.read import Draft
from relaudit.render.safe import safe_text

LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}
HIGHLIGHT = {"error": "bold white on red", "warning": "bold black on yellow", "suggestion": "bold black on cyan"}
MAX_DRAFT_LINES = 12


def render_text(result: CheckResult, width: int, color: bool, suggest: bool, stats: bool) -> str:
    """The report: drafts with findings (or the per-rule statistics), then a one-line summary."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system="standard" if color else None, highlight=False)
    if stats:
        _statistics(console, result)
    else:
        by_draft: dict[tuple[str, int], list[DraftFinding]] = {}
        for finding in result.findings:
            by_draft.setdefault((finding.path, finding.draft), []).append(finding)
        drafts = {(d.path, d.number): d for d in result.drafts}
        for key, found in by_draft.items():
            _draft(console, drafts.get(key), found, result, suggest)
    for note in result.notes:
        console.print(Text(f"{safe_text(note.path)}:{note.line}: note: {note.message}", style="dim"))
    for warning in result.warnings:
        console.print(Text(f"warning: {safe_text(warning, 300)}", style="dim"))
    console.print(_summary(result))
    # rich pads table cells to the width; trailing blanks are noise in logs and CI output
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _draft(console: Console, draft: Draft | None, found: list[DraftFinding], result: CheckResult, hint: bool) -> None:
    first = found[0]
    if draft is None:  # a finding on the calendar as a whole
        console.print(Text(f"{safe_text(first.path)}: the calendar ({len(result.drafts)} drafts)", style="bold"))
    else:
        platform = f" · {draft.platform}" if draft.platform else ""
        heading = f"{safe_text(draft.path)}:{draft.line} · draft {draft.number}{platform}"
        console.print(Text(heading, style="bold"))
        console.print(Padding(_highlighted(draft, found), (0, 0, 0, 4)))
    for finding in found:
        rule = result.rules[finding.rule]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=7, no_wrap=True)
        grid.add_column(width=10, no_wrap=True)
        grid.add_column(ratio=1)
        head = Text(finding.rule, style="bold")
        head.append(f"  {safe_text(finding.message, 200)}", style="")
        grid.add_row(f"{finding.line}:{finding.column}", Text(finding.level, style=LEVEL_STYLES[finding.level]), head)
        grid.add_row("", "", Text(f"why: {rule.why}", style="dim"))
        grid.add_row("", "", Text(f"fix: {rule.fix}", style="dim"))
        if hint and finding.suggestion and finding.suggestion != rule.fix:
            grid.add_row("", "", Text(f"suggest: {safe_text(finding.suggestion, 300)}", style="green"))
        console.print(Padding(grid, (0, 0, 0, 2)))
    console.print()


def _highlighted(draft: Draft, found: list[DraftFinding]) -> Text:
    """The draft's text, indented, unsafe characters neutralised, each flagged span in its level's colour."""
    marks: dict[int, str] = {}
    for finding in sorted(found, key=lambda f: f.level == "error"):
        for start, end in finding.spans:
            for offset in range(start, min(end, len(draft.text))):
                marks[offset] = HIGHLIGHT[finding.level]
    text = Text()
    offset = 0
    lines = draft.text.split("\n")
    for number, line in enumerate(lines):
        if number == MAX_DRAFT_LINES:
            text.append(f"… {len(lines) - number} more lines\n", style="dim")
            break
        run_start = 0
        for index in range(len(line) + 1):
            style = marks.get(offset + index) if index < len(line) else None
            if index == len(line) or style != marks.get(offset + run_start):
                text.append(safe_text(line[run_start:index]), style=marks.get(offset + run_start) or "")
                run_start = index
        if number < len(lines) - 1:
            text.append("\n")
        offset += len(line) + 1
    return text


def _statistics(console: Console, result: CheckResult) -> None:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("count", justify="right")
    table.add_column("rule")
    table.add_column("level")
    table.add_column("title")
    for rule_id, level, count in statistics(result):
        table.add_row(str(count), rule_id, Text(level, style=LEVEL_STYLES[level]), result.rules[rule_id].title)
    console.print(table)


def _summary(result: CheckResult) -> Text:
    counts = summary(result)
    drafts = len(result.drafts)
    flagged = len({(f.path, f.draft) for f in result.findings if f.draft})
    text = Text(f"{drafts} draft{'s' if drafts != 1 else ''} checked, {flagged} with findings: ", style="bold")
    for index, (level, count) in enumerate(counts.items()):
        text.append(", " if index else "")
        text.append(f"{count} {level}{'s' if count != 1 else ''}", style=LEVEL_STYLES[level] if count else "")
    if result.suppressed:
        text.append(f" ({result.suppressed} suppressed inline)")
    return text
