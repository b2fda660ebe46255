"""The HTML report: self-contained, every section and chart present, export text escaped, output deterministic."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relaudit.pipeline import AuditOptions, audit
from relaudit.render import RENDERERS
from relaudit.render.html import SECTIONS, render_html
from tests.conftest import ROOT

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
CHARTS = ("chart-activity", "chart-response-times", "chart-content-mix", "chart-findings")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def sample() -> dict:
    return audit([ROOT / "samples" / "broadcast-brand.jsonl"], AuditOptions()).to_dict()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """An export whose handles, texts and ids carry markup, in every place the report shows them."""
    path: Path = tmp_path_factory.mktemp("hostile") / f"e{IMG[:2]}.jsonl"
    records = [
        {
            "id": f"{i}",
            "author": "shop",
            "text": f"Shop now! buy our {SCRIPT} {IMG}",
            "created_at": f"2026-0{i}-01T10:00Z",
        }
        for i in range(1, 4)
    ]
    records += [
        {
            "id": f"9{IMG}",
            "author": "eve",
            "text": f"@shop my order never arrived {SCRIPT} {IMG}",
            "created_at": "2026-03-02T10:00:00Z",
        },
        {"id": "bad", "author": "eve", "text": IMG, "created_at": f"not a date {SCRIPT}"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = audit([path], AuditOptions(pending_window=timedelta(hours=1)))
    return report.to_dict()


def test_registry_renders_html_from_the_report_dict(sample):
    report = audit([ROOT / "samples" / "broadcast-brand.jsonl"], AuditOptions())
    assert RENDERERS["html"](report, None, False) == render_html(sample)


def test_every_section_and_chart_is_present(sample):
    page = render_html(sample)
    ids = {attrs.get("id") for _, attrs in parse(page).tags}
    assert set(SECTIONS) | set(CHARTS) <= ids
    assert page.count("<svg ") == len(CHARTS)
    assert ">F</div>" in page and "Score 37.1 / 100" in page
    assert "@brightbrew" in page


def test_findings_grouped_by_rule_with_titles_and_examples(sample):
    page = render_html(sample)
    rules = {f["rule"] for f in sample["findings"]}
    cards = re.findall(r'<article class="card finding" id="rule-([a-z0-9-]+)"', page)
    assert sorted(cards) == sorted(rules) and len(cards) == 14
    assert cards[0] == "unanswered-complaint"  # errors first, then by count
    assert "Unanswered complaint" in page and "32×" in page and "… and 27 more in the JSON report." in page
    assert "still no refund for my returned Cold Brew Kit, it&#x27;s been a month" in page  # escaped
    assert "cues: [negation], [addressed], waiting or repeating, negated expectation," in page


def test_metrics_shown_against_benchmarks(sample):
    page = render_html(sample)
    row = re.search(r"<tr><th scope=row>Reply share.*?</tr>", page)
    assert row and "3%" in row.group(0) and "≥ 20–30 %" in row.group(0) and "misses" in row.group(0)
    assert page.count('class="status ok"') == 0  # the broadcast brand meets no benchmark
    responsive = audit([ROOT / "samples" / "responsive-brand.jsonl"], AuditOptions()).to_dict()
    assert 'class="status ok"' in render_html(responsive)


def test_self_contained_no_external_asset_and_no_script(sample):
    page = render_html(sample)
    tags = parse(page).tags
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object", "embed")]
    for _, attrs in tags:
        for name in ("src", "href"):
            assert not attrs.get(name), (name, attrs)
        assert not any(name.startswith("on") for name in attrs)
    assert "@import" not in page and "url(" not in page
    # the SVG namespace is an identifier, not something fetched; nothing else names a web address
    assert re.findall(r"https?://[^\s\"'<]+", page.replace('xmlns="http://www.w3.org/2000/svg"', "")) == [
        u for u in re.findall(r"https?://[^\s\"'<]+", page) if "brightbrew.example" in u
    ]
    assert "default-src 'none'" in page


def test_export_text_is_escaped_everywhere(hostile):
    page = render_html(hostile)
    parsed = parse(page)
    assert not [t for t, _ in parsed.tags if t in ("script", "img")]
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs)
    text = "".join(parsed.text)
    assert SCRIPT in text and IMG in text  # shown literally, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert hostile["warnings"] and any(SCRIPT in w for w in hostile["warnings"])  # the bad date, in the warnings


def test_hostile_values_in_svg_titles_and_attributes_are_escaped():
    from relaudit.render.svg import Series, bar_chart, line_chart

    svg = line_chart(f"x{IMG}", SCRIPT, [IMG], [Series(IMG, [0.5], f"red{IMG}", [SCRIPT])])
    svg += bar_chart("b", IMG, [SCRIPT], [3], [IMG])
    parsed = parse(svg)
    assert {t for t, _ in parsed.tags} <= {"svg", "title", "text", "line", "rect", "circle", "polyline"}
    assert SCRIPT in "".join(parsed.text)
    assert all(not name.startswith("on") for _, attrs in parsed.tags for name in attrs)


def test_deterministic(sample):
    again = audit([ROOT / "samples" / "broadcast-brand.jsonl"], AuditOptions()).to_dict()
    assert render_html(sample) == render_html(again)


def test_old_report_without_trends_still_renders(sample):
    old = {k: v for k, v in sample.items() if k not in ("trends", "rules", "not_measured", "account_detail")}
    page = render_html(old)
    assert "This report carries no trend data." in page
    assert {a.get("id") for _, a in parse(page).tags} >= set(SECTIONS)


def test_cli_writes_html(tmp_path):
    from typer.testing import CliRunner

    from relaudit.cli import app

    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["audit", str(ROOT / "samples" / "broadcast-brand.jsonl"), "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_without_inbound_says_what_is_not_measured(tmp_path):
    from relaudit.account import from_option

    export = tmp_path / "archive.jsonl"
    export.write_text(
        "".join(
            json.dumps({"id": str(i), "author": "shop", "text": f"Tip {i}", "created_at": f"2026-0{i}-01T10:00:00Z"})
            + "\n"
            for i in range(1, 4)
        ),
        encoding="utf-8",
    )
    page = render_html(audit([export], AuditOptions(account=from_option(["shop"]))).to_dict())
    assert "<strong>Not measured:</strong> This export holds no messages from other people" in page
    assert "<p>No inbound messages due. Left out of the grade.</p>" in page
    assert "No inbound messages in this export" in page  # the empty response-time chart says why
    assert re.search(r"<tr><th scope=row>Response rate.*?not measured.*?no inbound messages due</td></tr>", page)
