"""The colour terminal report (rich), readable at 80 columns; export text never becomes markup or escapes."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from relaudit.dates import isoformat
from relaudit.engine import LEVEL_RANK, Finding
from relaudit.render.safe import safe_text
from relaudit.report import Report
from relaudit.trends import BUCKET_LABELS

GRADE_COLOURS = {
    "A": "bold green",
    "B": "bold chartreuse3",
    "C": "bold yellow",
    "D": "bold dark_orange",
    "F": "bold red",
}
LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "suggestion": "cyan"}
EXAMPLES_PER_RULE = 3
WARNINGS_SHOWN = 10
TREND_MONTHS = 12  # months shown in the terminal; the JSON and HTML reports have them all

# Block letters so the grade reads at a glance; five rows each.
BIG = {
    "A": [" ███ ", "█   █", "█████", "█   █", "█   █"],
    "B": ["████ ", "█   █", "████ ", "█   █", "████ "],
    "C": [" ████", "█    ", "█    ", "█    ", " ████"],
    "D": ["████ ", "█   █", "█   █", "█   █", "████ "],
    "F": ["█████", "█    ", "████ ", "█    ", "█    "],
    "-": ["     ", "     ", " ─── ", "     ", "     "],
}

BENCHMARKS = {
    "reply_share": ("≥ 20–30 %", "replies among own posts"),
    "response_rate": ("≥ 90 %", "brands average ≈ 40 %"),
    "complaint_response_rate": ("≥ 90 %", "complaints answered"),
    "median_response_minutes": ("≤ 60 min", "brands average ≈ 10 h"),
    "p90_response_minutes": ("≤ 240 min", "slowest tenth"),
    "within_1h_share": ("≥ 50 %", "answered within 1 h"),
    "promo_share": ("≤ 20 %", "80/20; thirds ≤ 33 %"),
    "self_focus": ("≤ 50 %", "we/our vs you/your"),
    "question_share": ("≥ 10 %", "posts asking the reader"),
    "canned_reply_share": ("≤ 5 %", "identical replies"),
}
PERCENT_METRICS = {
    "reply_share",
    "response_rate",
    "complaint_response_rate",
    "within_1h_share",
    "promo_share",
    "self_focus",
    "question_share",
    "canned_reply_share",
}


def render_text(report: Report, width: int | None = 80, color: bool = False) -> str:
    """The full terminal report as a string (ANSI colour codes only when color is true)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or 80,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for part in (
        _header(report),
        _coverage(report),
        _pillars(report),
        _metrics(report),
        _trends(report),
        _findings(report),
        _complaints(report),
        _recommendations(report),
        _warnings(report),
    ):
        if part is not None:
            console.print(part)
            console.print()
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip().splitlines()) + "\n"


def _header(report: Report) -> Panel:
    letter = report.grade.letter
    style = GRADE_COLOURS.get(letter, "bold")
    big = Text("\n".join(BIG.get(letter, BIG["-"])), style=style)
    c = report.analysis.counts
    facts = Text()
    facts.append(f"@{safe_text(report.account)}", style="bold")
    facts.append(f"  ({report.account_source}: {safe_text(report.account_detail)})\n")
    period = f"{_day(report.start)[:10]} → {_day(report.end)[:10]}" if report.start else "-"
    facts.append(f"Period   {period}, as of {_day(report.as_of)}\n")
    facts.append(f"Messages {c['messages']}  skipped {c['skipped']}  format {report.input_format}\n")
    facts.append(f"Own      {c['own_originals']} posts, {c['own_replies']} replies, {c['reposts']} reposts\n")
    facts.append(f"Inbound  {c['inbound']} ({c['pending']} pending), complaints {c['complaints']}, ")
    facts.append(f"unanswered {c['unanswered_complaints']}", style="bold red" if c["unanswered_complaints"] else "")
    if c.get("not_labelled"):
        facts.append(f"\n         {c['not_labelled']} inbound not labelled (not English)", style="yellow")
    score = "not measurable" if report.grade.score is None else f"{report.grade.score:.1f} / 100"
    facts.append(f"\nScore    {score}", style=style)
    grid = Table.grid(padding=(0, 3))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(big, facts)
    return Panel(grid, title="relaudit · relationship grade", title_align="left", border_style=style)


def _coverage(report: Report) -> Text | None:
    if report.coverage is None:
        return None
    return Text(f"Not measured: {report.coverage}", style="yellow")


def _pillars(report: Report) -> Group:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=16, no_wrap=True)
    grid.add_column()
    for pillar in report.grade.pillars:
        if pillar.score is None:
            body = Text("not measured, left out of the grade\n", style="dim")
            body.append(pillar.reason)
            grid.add_row(f"  {pillar.name}", body)
            continue
        filled = round(pillar.score / 100 * 40)
        body = Text("█" * filled, style=_score_style(pillar.score))
        body.append("░" * (40 - filled), style="dim")
        body.append(f" {pillar.score:5.1f}\n", style=_score_style(pillar.score))
        moved = [f"{m} {_value(m, v)} → {pts:.0f}" for m, v, pts in pillar.contributions if v is not None]
        if pillar.penalty:
            moved.append(f"−{pillar.penalty:g} for {', '.join(pillar.penalised_by)}")
        body.append("; ".join(moved), style="dim")
        grid.add_row(f"  {pillar.name}", body)
    return Group(Text("Pillars", style="bold"), grid)


def _metrics(report: Report) -> Table:
    table = Table(title="Metrics", title_justify="left", header_style="bold", expand=False)
    table.add_column("metric", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("benchmark", no_wrap=True)
    table.add_column("note", overflow="fold")
    for name, (benchmark, note) in BENCHMARKS.items():
        value = report.analysis.metrics.get(name)
        shown = Text(_value(name, value)) if value is not None else Text("not measured", style="dim")
        if value is None:
            note = report.analysis.not_measured.get(name, note)
        table.add_row(name, shown, benchmark, note)
    return table


def _trends(report: Report) -> Group | None:
    """Reply share and response rate by month (two months or more), and how fast inbound got a first answer."""
    trends = report.trends
    if trends is None:
        return None
    parts: list[Text | Table] = [Text("Trends", style="bold")]
    months = trends.months
    if len(months) >= 2:
        shown = months[-TREND_MONTHS:]
        table = Table.grid(padding=(0, 2))
        for column in ("month", "own posts", "reply share", "inbound", "response rate"):
            table.add_column(column, justify="left" if column in ("month", "reply share", "response rate") else "right")
        table.add_row(*(Text(c, style="dim") for c in ("  month", "posts", "reply share", "inbound", "response rate")))
        for month in shown:
            table.add_row(
                f"  {month.month}",
                str(month.own_originals + month.own_replies),
                _share_bar(month.reply_share, "cyan"),
                str(month.inbound),
                _share_bar(month.response_rate, "magenta"),
            )
        parts.append(table)
        if len(months) > len(shown):
            parts.append(Text(f"  the last {len(shown)} of {len(months)} months; all in --format json", style="dim"))
    if sum(trends.response_times.values()):
        top = max(trends.response_times.values())
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=15, no_wrap=True)
        grid.add_column(no_wrap=True)
        for key, count in trends.response_times.items():
            style = "red" if key == "unanswered" else "dim" if key == "pending" else "green"
            body = Text(_blocks(count / top * 30 if top else 0), style=style)
            body.append(f" {count}")
            grid.add_row(f"    {BUCKET_LABELS[key]}", body)
        parts += [Text("  First response to inbound messages", style="dim"), grid]
    return Group(*parts) if len(parts) > 1 else None


def _share_bar(value: float | None, style: str) -> Text:
    """A 10-cell bar and percentage for a 0-1 share, or a dash when it was not measurable that month."""
    if value is None:
        return Text(" " * 10 + "    -", style="dim")
    cells = _blocks(value * 10)
    bar = Text(cells, style=style)
    bar.append("░" * (10 - len(cells)), style="dim")
    bar.append(f" {value:4.0%}")
    return bar


def _blocks(cells: float) -> str:
    """Full blocks plus an eighth-block remainder; anything above zero shows at least a sliver."""
    eighths = max(round(cells * 8), 1 if cells > 0 else 0)
    full, rest = divmod(eighths, 8)
    return "█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")


def _findings(report: Report) -> Group | None:
    if not report.findings:
        return Group(Text("Findings", style="bold"), Text("No rule fired. ", style="green"))
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        grouped[finding.rule].append(finding)
    order = sorted(grouped, key=lambda r: (-LEVEL_RANK[grouped[r][0].level], -len(grouped[r]), r))
    parts: list[Text | Table | Padding] = [
        Text(f"Findings ({len(report.findings)} in {len(grouped)} rules)", style="bold")
    ]
    for rule in order:
        items = grouped[rule]
        level = items[0].level
        title, why, fix = report.rule_titles.get(rule, (rule, "", ""))
        head = Text()
        head.append(f"{level.upper():<11}", style=LEVEL_STYLES[level])
        head.append(f"{rule}", style="bold")
        head.append(f"  {title} · {len(items)}×  [{items[0].pillar}]")
        parts.append(head)
        for finding in sorted(items, key=lambda f: -f.severity)[:EXAMPLES_PER_RULE]:
            line = Text("• ")
            line.append(safe_text(finding.message, 160))
            if finding.message_id:
                line.append(f"\n  {_day(finding.created_at)}  id {safe_text(finding.message_id, 30)}  ", style="dim")
                line.append(f"“{safe_text(finding.excerpt, 90)}”", style="italic")
            parts.append(Padding(line, (0, 0, 0, 4)))
        if len(items) > EXAMPLES_PER_RULE:
            more = Text(f"… and {len(items) - EXAMPLES_PER_RULE} more (see --format json)", style="dim")
            parts.append(Padding(more, (0, 0, 0, 6)))
        parts.append(Padding(Text(f"why: {why}\nfix: {fix}", style="dim"), (0, 0, 0, 6)))
    return Group(*parts)


def _complaints(report: Report) -> Group | None:
    if not report.unanswered_complaints:
        return None
    table = Table(title="Oldest unanswered complaints", title_justify="left", header_style="bold")
    table.add_column("date", no_wrap=True)
    table.add_column("from", no_wrap=True, max_width=16)
    table.add_column("id", no_wrap=True, max_width=20)
    table.add_column("message", overflow="fold")
    for message in report.unanswered_complaints[:5]:
        table.add_row(
            _day(message.created_at),
            "@" + safe_text(message.author, 20),
            safe_text(message.id, 20),
            safe_text(message.text, 120),
        )
    return Group(table)


def _recommendations(report: Report) -> Group | None:
    if not report.recommendations:
        return None
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", width=4)
    grid.add_column()
    for number, text in enumerate(report.recommendations, start=1):
        grid.add_row(f"{number}.", safe_text(text))
    return Group(Text("What to do next", style="bold"), grid)


def _warnings(report: Report) -> Group | None:
    if not report.warnings:
        return None
    lines = [Text(f"Warnings ({len(report.warnings)})", style="bold yellow")]
    lines += [Text(f"  {safe_text(w, 160)}", style="yellow") for w in report.warnings[:WARNINGS_SHOWN]]
    if len(report.warnings) > WARNINGS_SHOWN:
        lines.append(Text(f"  … {len(report.warnings) - WARNINGS_SHOWN} more in --format json", style="dim"))
    return Group(*lines)


def _value(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    if metric in PERCENT_METRICS:
        return f"{value:.0%}"
    return f"{value:.0f} min" if value < 120 else f"{value / 60:.1f} h"


def _score_style(score: float) -> str:
    return (
        "green"
        if score >= 90
        else "chartreuse3"
        if score >= 80
        else "yellow"
        if score >= 70
        else ("dark_orange" if score >= 60 else "red")
    )


def _day(moment: object) -> str:
    return isoformat(moment)[:16].replace("T", " ") if moment is not None else "-"  # type: ignore[arg-type]
