"""The --output-dir folder: each client's JSON and HTML report, the league table as JSON, and an index page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from relaudit.batch.table import PILLARS, flat, to_json
from relaudit.errors import UsageError


def slug(name: str, taken: set[str]) -> str:
    """A safe, unique file stem for a client name (no path separators, no leading dot)."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_").lower() or "client"
    stem, number = base, 2
    while stem in taken:
        stem, number = f"{base}-{number}", number + 1
    taken.add(stem)
    return stem


def html_renderer() -> Any:
    """render_html(report_dict) -> str when the HTML renderer is installed, else None (the site then has no HTML)."""
    try:
        from relaudit.render.html import render_html
    except ImportError:
        return None
    return render_html


def write_site(folder: Path, rows: list[dict[str, Any]], reports: dict[str, dict[str, Any]]) -> list[str]:
    """Write the folder; returns notes for the user (e.g. HTML unavailable). reports: client -> report dict."""
    render_html = html_renderer()
    notes = [] if render_html is not None else ["HTML reports skipped: this relaudit has no HTML renderer"]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        taken: set[str] = {"index", "league"}
        links: dict[str, tuple[str, str | None]] = {}
        for current in rows:
            report = reports.get(current["client"])
            if report is None:
                continue
            stem = slug(current["client"], taken)
            (folder / f"{stem}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
            page = None
            if render_html is not None:
                try:
                    text = render_html(report)
                except Exception as error:  # one report the renderer chokes on must not lose the others
                    notes.append(
                        " ".join(f"{current['client']}: HTML report failed: {type(error).__name__}: {error}".split())
                    )
                else:
                    page = f"{stem}.html"
                    (folder / page).write_text(text, encoding="utf-8")
            links[current["client"]] = (f"{stem}.json", page)
        (folder / "league.json").write_text(to_json(rows), encoding="utf-8")
        (folder / "index.html").write_text(index_page(rows, links), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{folder}: cannot write: {error.strerror}") from error
    return notes


def index_page(rows: list[dict[str, Any]], links: dict[str, tuple[str, str | None]]) -> str:
    """A self-contained page: the league table with a link to each client's report; every value escaped."""
    with_change = any("change" in r for r in rows)
    columns = [
        "#",
        "client",
        "account",
        "platform",
        "messages",
        "grade",
        "score",
        *PILLARS,
        "response rate",
        "unanswered complaints",
        "biggest issue",
    ]
    if with_change:
        columns += ["grade change", "score change", "new findings", "resolved findings"]
    body = []
    for position, current in enumerate(rows, 1):
        cells = flat(current, with_change)
        json_link, page = links.get(current["client"], ("", None))
        name = html.escape(current["client"])
        if page:
            name = (
                f'<a href="{html.escape(page)}">{name}</a> <small>(<a href="{html.escape(json_link)}">json</a>)</small>'
            )
        elif json_link:
            name = f'{name} <small>(<a href="{html.escape(json_link)}">json</a>)</small>'
        if current["error"] is not None:
            body.append(
                f'<tr class="error"><td>{position}</td><td>{name}</td>'
                f'<td colspan="{len(columns) - 2}">error: {html.escape(current["error"])}</td></tr>'
            )
            continue
        values = [
            cells[k]
            for k in (
                "account",
                "platform",
                "messages",
                "grade",
                "score",
                *PILLARS,
                "response_rate",
                "unanswered_complaints",
                "biggest_issue",
            )
        ]
        if with_change:
            values += [cells[k] for k in ("grade_change", "score_change", "new_findings", "resolved_findings")]
        grade = html.escape(cells["grade"])
        tds = "".join(f"<td>{html.escape(v)}</td>" for v in values)
        body.append(f'<tr class="grade-{grade}"><td>{position}</td><td>{name}</td>{tds}</tr>')
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>relaudit · league table</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; }}
th {{ background: #f4f4f4; }}
tr.grade-A td:nth-child(6) {{ color: #1a7f37; font-weight: bold; }}
tr.grade-F td:nth-child(6) {{ color: #c62828; font-weight: bold; }}
tr.error td {{ color: #c62828; }}
@media print {{ body {{ margin: 0; }} a {{ color: inherit; text-decoration: none; }} }}
</style></head>
<body>
<h1>relaudit · league table</h1>
<p>{len(rows)} clients, sorted by score. Each name links to the client's full report.</p>
<table><thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
</body></html>
"""
