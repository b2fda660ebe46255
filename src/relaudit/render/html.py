"""The HTML report: one self-contained page (inline CSS and SVG, no script, no external asset) over the report dict."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from relaudit.render.css import CSS
from relaudit.render.svg import Reference, Series, bar_chart, e, line_chart, stacked_bars_horizontal
from relaudit.render.svg import stacked_share_chart as share_chart
from relaudit.render.terminal import BENCHMARKS, PERCENT_METRICS
from relaudit.report import Report

GRADE_COLOURS = {"A": "#1a7f37", "B": "#5a8f00", "C": "#b7791f", "D": "#d0580f", "F": "#c62828"}
LEVEL_COLOURS = {"error": "#c62828", "warning": "#d98e04", "suggestion": "#2b6cb0"}
LEVEL_ORDER = ("error", "warning", "suggestion")
PILLAR_NAMES = {
    "responsiveness": "Responsiveness",
    "conversation": "Conversation",
    "audience-value": "Audience value",
    "human-touch": "Human touch",
}
METRIC_NAMES = {
    "reply_share": "Reply share",
    "response_rate": "Response rate",
    "complaint_response_rate": "Complaint response rate",
    "median_response_minutes": "Median first response",
    "p90_response_minutes": "Slowest 10 % of responses",
    "within_1h_share": "Answered within 1 hour",
    "promo_share": "Promotional posts",
    "self_focus": "Self-focus (we vs you)",
    "question_share": "Posts asking a question",
    "canned_reply_share": "Canned replies",
}
# The value a metric must reach to meet its benchmark (DOMAIN.md; the same marks as the terminal's benchmark column).
TARGETS: dict[str, tuple[str, float]] = {
    "reply_share": (">=", 0.20),
    "response_rate": (">=", 0.90),
    "complaint_response_rate": (">=", 0.90),
    "median_response_minutes": ("<=", 60),
    "p90_response_minutes": ("<=", 240),
    "within_1h_share": (">=", 0.50),
    "promo_share": ("<=", 0.20),
    "self_focus": ("<=", 0.50),
    "question_share": (">=", 0.10),
    "canned_reply_share": ("<=", 0.05),
}
BUCKET_COLOURS = ("#1a7f37", "#6aa84f", "#d9b400", "#e07b00", "#c62828", "#7f1d1d", "#9aa5b1")
EXAMPLES_PER_RULE = 5
WARNINGS_SHOWN = 50
SECTIONS = ("summary", "pillars", "metrics", "trends", "recommendations", "findings", "warnings")


def render_html(report: dict[str, Any]) -> str:
    """The whole report as one HTML document; every string taken from the report is escaped."""
    letter = str(report.get("grade") or "-")
    account = str(report.get("account") or "")
    body = [
        _summary(report, letter),
        _pillars(report),
        _metrics(report),
        _trends(report.get("trends")),
        _recommendations(report),
        _findings(report),
        _warnings(report),
        _footer(report),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        # No script may run and nothing may load: even a missed escape could not call out or execute.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Relationship audit · @{e(account)} · grade {e(letter)}</title>\n"
        f"<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def render_report_html(report: Report, width: int | None = None, color: bool = False) -> str:
    """The renderer-registry form: the HTML page of one Report (width and colour do not apply)."""
    return render_html(report.to_dict())


def _summary(report: dict[str, Any], letter: str) -> str:
    colour = GRADE_COLOURS.get(letter, "#5f6b7a")
    counts = report.get("counts") or {}
    period = report.get("period") or {}
    score = report.get("score")
    score_text = "not measurable" if score is None else f"{score:.1f} / 100"
    facts = [
        ("Messages", f"{counts.get('messages', 0)} ({counts.get('skipped', 0)} skipped)"),
        (
            "Own posts",
            f"{counts.get('own_originals', 0)} posts, {counts.get('own_replies', 0)} replies, "
            f"{counts.get('reposts', 0)} reposts",
        ),
        ("Inbound", f"{counts.get('inbound', 0)} ({counts.get('pending', 0)} pending)"),
        ("Complaints", f"{counts.get('complaints', 0)}, {counts.get('unanswered_complaints', 0)} unanswered"),
    ]
    source = report.get("source") or {}
    coverage = report.get("coverage")
    parts = [
        '<header id="summary" class="card summary">',
        f'<div class="grade" style="background:{colour}" aria-label="grade {e(letter)}">{e(letter)}</div>',
        '<div class="who">',
        '<p class="kicker">Relationship audit</p>',
        f"<h1>@{e(report.get('account', ''))}</h1>",
        f'<p class="detail">{e(report.get("account_source", ""))}'
        + (f": {e(report['account_detail'])}" if report.get("account_detail") else "")
        + "</p>",
        f'<p class="period">{e(_date(period.get("start")))} – {e(_date(period.get("end")))}'
        f" · as of {e(_time(period.get('as_of')))} · {e(source.get('input_format', ''))} export</p>",
        f'<p class="score" style="color:{colour}">Score {e(score_text)}</p>',
        "</div>",
        '<dl class="facts">',
        *(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts),
        "</dl>",
        "</header>",
    ]
    if coverage:
        parts.append(f'<p class="notice card"><strong>Not measured:</strong> {e(coverage)}</p>')
    return "\n".join(parts)


def _pillars(report: dict[str, Any]) -> str:
    cards = []
    for name, pillar in (report.get("pillars") or {}).items():
        title = e(PILLAR_NAMES.get(name, name))
        if not pillar.get("measured"):
            cards.append(
                f'<article class="card pillar unmeasured"><h3>{title}</h3><p class="pscore">not measured</p>'
                f"<p>{e(_sentence(str(pillar.get('reason', ''))))} Left out of the grade.</p></article>"
            )
            continue
        score = float(pillar["score"])
        colour = _score_colour(score)
        moved = [
            f"<li>{e(METRIC_NAMES.get(metric, metric))} <b>{e(_value(metric, item.get('value')))}</b>"
            f" → {item['points']:.0f} points</li>"
            for metric, item in (pillar.get("inputs") or {}).items()
            if item.get("value") is not None
        ]
        if pillar.get("penalty"):
            rules = ", ".join(pillar.get("penalised_by") or [])
            penalty = float(pillar["penalty"])
            moved.append(f'<li class="penalty">−{penalty:g} for {e(rules)}</li>')
        cards.append(
            f'<article class="card pillar"><h3>{title}</h3>'
            f'<p class="pscore" style="color:{colour}">{score:.1f}<small>/100</small></p>'
            f'<div class="meter"><span style="width:{max(0.0, min(score, 100.0)):.1f}%;background:{colour}">'
            f"</span></div><ul>{''.join(moved)}</ul></article>"
        )
    return _section(
        "pillars", "The four pillars", "What moved each score.", '<div class="grid4">' + "".join(cards) + "</div>"
    )


def _metrics(report: dict[str, Any]) -> str:
    metrics = report.get("metrics") or {}
    why = report.get("not_measured") or {}
    rows = []
    for name, (benchmark, note) in BENCHMARKS.items():
        value = metrics.get(name)
        if value is None:
            status = '<span class="status na">not measured</span>'
            note = why.get(name, note)
        elif _meets(name, value):
            status = '<span class="status ok">meets</span>'
        else:
            status = '<span class="status bad">misses</span>'
        rows.append(
            f"<tr><th scope=row>{e(METRIC_NAMES.get(name, name))}<code>{e(name)}</code></th>"
            f'<td class="num">{e(_value(name, value))}</td><td>{e(benchmark)}</td><td>{status}</td>'
            f"<td>{e(note)}</td></tr>"
        )
    table = (
        '<table class="metrics"><thead><tr><th>Metric</th><th class="num">Value</th><th>Benchmark</th>'
        "<th>Status</th><th>Note</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    return _section("metrics", "Metrics against benchmarks", "Benchmarks from published industry studies.", table)


def _trends(trends: dict[str, Any] | None) -> str:
    if not trends:
        return _section("trends", "Trends", "", "<p>This report carries no trend data.</p>")
    months = trends.get("months") or []
    names = [m["month"] for m in months]
    activity = line_chart(
        "chart-activity",
        "Reply share and response rate by month",
        names,
        [
            Series("Reply share", [m["reply_share"] for m in months], "#2b6cb0", [_reply_note(m) for m in months]),
            Series("Response rate", [m["response_rate"] for m in months], "#8e44ad", [_rate_note(m) for m in months]),
        ],
        [Reference(0.20, "target 20%", "#2b6cb0"), Reference(0.90, "target 90%", "#8e44ad")],
    )
    times = trends.get("response_times") or {}
    labels = {"under_1h": "≤ 1 h", "1h_to_4h": "1–4 h", "4h_to_24h": "4–24 h", "1d_to_3d": "1–3 d", "over_3d": "> 3 d"}
    response = bar_chart(
        "chart-response-times",
        "First response time of inbound messages",
        [labels.get(k, k) for k in times],
        [int(v) for v in times.values()],
        BUCKET_COLOURS,
        empty_note="No inbound messages in this export",
    )
    mix = share_chart(
        "chart-content-mix",
        "Content mix of own posts: promotional vs other",
        names,
        [
            Series("Other", [m["own_originals"] - m["promotional"] for m in months], "#5b8db8"),
            Series("Promotional", [m["promotional"] for m in months], "#e07b00"),
        ],
        [Reference(0.20, "80/20 limit", "#7a4100")],
    )
    per_pillar = trends.get("findings") or {}
    findings = stacked_bars_horizontal(
        "chart-findings",
        "Findings per pillar and level",
        [PILLAR_NAMES.get(p, p) for p in per_pillar],
        [
            Series(level, [per_pillar[p].get(level, 0) for p in per_pillar], LEVEL_COLOURS[level])
            for level in LEVEL_ORDER
        ],
    )
    figures = [
        (
            activity,
            "Reply share and response rate by month",
            "Dashed: the benchmarks. A gap is a month with nothing to measure.",
        ),
        (
            response,
            "How fast inbound messages got a first answer",
            "Unanswered: due and never answered. Pending: too recent to judge.",
        ),
        (mix, "Content mix by month", "Share of own original posts that are promotional; dashed: the 80/20 limit."),
        (findings, "Findings per pillar", "Rule findings by level."),
    ]
    body = '<div class="grid2">' + "".join(
        f'<figure class="card">{svg}<figcaption><b>{e(title)}</b> {e(note)}</figcaption></figure>'
        for svg, title, note in figures
    )
    return _section("trends", "Trends", "Month by month (UTC).", body + "</div>")


def _recommendations(report: dict[str, Any]) -> str:
    items = report.get("recommendations") or []
    if not items:
        return _section("recommendations", "What to do next", "", "<p>Nothing urgent: keep it up.</p>")
    return _section(
        "recommendations",
        "What to do next",
        "",
        '<ol class="card todo">' + "".join(f"<li>{e(t)}</li>" for t in items) + "</ol>",
    )


def _findings(report: dict[str, Any]) -> str:
    findings = report.get("findings") or []
    if not findings:
        return _section("findings", "Findings", "", '<p class="card">No rule fired.</p>')
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        grouped[str(finding.get("rule"))].append(finding)
    rank = {level: i for i, level in enumerate(LEVEL_ORDER)}
    order = sorted(grouped, key=lambda r: (rank.get(str(grouped[r][0].get("level")), 9), -len(grouped[r]), r))
    rules = report.get("rules") or {}
    cards = []
    for rule in order:
        items = grouped[rule]
        level = str(items[0].get("level"))
        info = rules.get(rule) or {}
        examples = []
        for finding in items[:EXAMPLES_PER_RULE]:
            meta = " · ".join(
                e(part)
                for part in (_time(finding.get("created_at")), finding.get("message_id"), finding.get("source"))
                if part
            )
            quote = f"<blockquote>{e(finding['excerpt'])}</blockquote>" if finding.get("excerpt") else ""
            examples.append(f'<li><p>{e(finding.get("message", ""))}</p>{quote}<p class="meta">{meta}</p></li>')
        more = len(items) - EXAMPLES_PER_RULE
        more_text = f'<p class="more">… and {more} more in the JSON report.</p>' if more > 0 else ""
        advice = "".join(
            f'<p class="advice"><b>{label}</b> {e(info[key])}</p>'
            for key, label in (("why", "Why it matters:"), ("fix", "What to do:"))
            if info.get(key)
        )
        cards.append(
            f'<article class="card finding" id="rule-{e(rule)}">'
            f'<h3><span class="level" style="background:{LEVEL_COLOURS.get(level, "#5f6b7a")}">{e(level)}</span>'
            f" {e(info.get('title', rule))} <small>{e(rule)} · {len(items)}× · "
            f"{e(PILLAR_NAMES.get(str(items[0].get('pillar')), items[0].get('pillar')))}</small></h3>"
            f'{advice}<ul class="examples">{"".join(examples)}</ul>{more_text}</article>'
        )
    subtitle = f"{len(findings)} findings from {len(grouped)} rules, most serious first."
    return _section("findings", "Findings", subtitle, "".join(cards))


def _warnings(report: dict[str, Any]) -> str:
    warnings = report.get("warnings") or []
    skipped = (report.get("counts") or {}).get("skipped", 0)
    if not warnings:
        return _section("warnings", "Warnings and skipped records", "", "<p>None: every record was read.</p>")
    shown = "".join(f"<li>{e(w)}</li>" for w in warnings[:WARNINGS_SHOWN])
    more = len(warnings) - WARNINGS_SHOWN
    tail = f'<p class="more">… and {more} more in the JSON report.</p>' if more > 0 else ""
    subtitle = f"{len(warnings)} warnings; {skipped} records skipped."
    return _section(
        "warnings", "Warnings and skipped records", subtitle, f'<ul class="card warnings">{shown}</ul>' + tail
    )


def _footer(report: dict[str, Any]) -> str:
    tool = report.get("tool") or {}
    source = report.get("source") or {}
    paths = ", ".join(str(p) for p in source.get("paths") or [])
    return (
        f"<footer>Made with {e(tool.get('name', 'relaudit'))} {e(tool.get('version', ''))} from {e(paths)}"
        f" ({e(source.get('records', 0))} records). Offline: the audited messages never left the machine.</footer>"
    )


def _section(section_id: str, title: str, subtitle: str, body: str) -> str:
    sub = f'<p class="sub">{e(subtitle)}</p>' if subtitle else ""
    return f'<section id="{section_id}"><h2>{e(title)}</h2>{sub}{body}</section>'


def _sentence(reason: str) -> str:
    """A pillar's reason as a sentence, without the "not measured:" the card's heading already says."""
    reason = reason.removeprefix("not measured: ").strip().rstrip(".")
    return reason[:1].upper() + reason[1:] + "." if reason else ""


def _reply_note(month: dict[str, Any]) -> str:
    share = month["reply_share"]
    if share is None:
        return f"{month['month']}: no own posts"
    own = month["own_originals"] + month["own_replies"]
    return f"{month['month']}: reply share {share:.0%} ({month['own_replies']} of {own} own posts)"


def _rate_note(month: dict[str, Any]) -> str:
    due = month["inbound"] - month["pending"]
    rate = month["response_rate"]
    if rate is None:
        return f"{month['month']}: no inbound messages due"
    return f"{month['month']}: response rate {rate:.0%} ({month['answered']} of {due} due inbound)"


def _meets(metric: str, value: float) -> bool:
    direction, target = TARGETS[metric]
    return value >= target if direction == ">=" else value <= target


def _value(metric: str, value: Any) -> str:
    if value is None:
        return "–"
    if metric in PERCENT_METRICS:
        return f"{value:.0%}"
    return f"{value:.0f} min" if value < 120 else f"{value / 60:.1f} h"


def _score_colour(score: float) -> str:
    for letter, floor in (("A", 90), ("B", 80), ("C", 70), ("D", 60)):
        if score >= floor:
            return GRADE_COLOURS[letter]
    return GRADE_COLOURS["F"]


def _date(moment: Any) -> str:
    return str(moment)[:10] if moment else "–"


def _time(moment: Any) -> str:
    return str(moment)[:16].replace("T", " ") if moment else ""
