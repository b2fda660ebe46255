"""The HTML report in a real browser (headless Chromium through Playwright): it loads cleanly, shows every section
and chart, prints, keeps hostile export text inert, and leaves a screenshot.

Chromium comes from Playwright's own download or from the system (Debian's `chromium`, which `.ci/run` installs
when missing). Outside CI the test skips, saying why, when no Chromium can be started; in CI (CI set) it fails.
Set RELAUDIT_SAVE_SCREENSHOT=1 to refresh docs/report-screenshot.png, the picture the README shows.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from relaudit.pipeline import AuditOptions, audit
from relaudit.render.html import SECTIONS, render_html
from tests.conftest import ROOT

CHARTS = ("chart-activity", "chart-response-times", "chart-content-mix", "chart-findings")
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Without the background-networking flags Chromium keeps trying to reach Google on a closed network.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        failures = []
        system = [os.environ.get("RELAUDIT_CHROMIUM"), *map(shutil.which, ("chromium", "chromium-browser"))]
        for executable in [None, *dict.fromkeys(p for p in system if p)]:  # None: Playwright's own Chromium
            try:
                launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
            except Error as error:
                failures.append(f"{executable or 'playwright chromium'}: {str(error).splitlines()[0]}")
                continue
            yield launched
            launched.close()
            return
        unavailable("no Chromium could be started (" + "; ".join(failures) + ")")


def open_report(browser, path: Path, report: dict):
    """The page with the report loaded, and the console errors, page errors and dialogs it produced."""
    path.write_text(render_html(report), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: dict[str, list[str]] = {"console": [], "page": [], "dialog": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems["page"].append(str(error)))

    def dialog(d) -> None:
        problems["dialog"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


def test_sample_report_loads_with_every_section_and_chart(browser, tmp_path):
    report = audit([ROOT / "samples" / "broadcast-brand.jsonl"], AuditOptions()).to_dict()
    page, problems = open_report(browser, tmp_path / "report.html", report)
    for element_id in (*SECTIONS, *CHARTS):
        box = page.locator(f"#{element_id}").bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, element_id
    assert page.locator("svg.chart").count() == len(CHARTS)
    # every chart drew its marks: points, bars, stacked segments, pillar bars
    assert page.locator("#chart-activity circle").count() == 6
    assert page.locator("#chart-response-times rect").count() == 7
    assert page.locator("#chart-content-mix rect").count() >= 6
    assert page.locator("#chart-findings rect").count() >= 4
    assert page.locator(".grade").inner_text() == "F"
    assert page.locator("article.finding").count() == 14
    # The top of the report down to the charts: what a client sees first, at a size a README can show.
    trends = page.locator("#trends").bounding_box()
    assert trends
    clip = {"x": 0, "y": 0, "width": 1280, "height": trends["y"] + trends["height"] + 24}
    page.screenshot(path=tmp_path / "report.png", clip=clip, full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 50_000
    if os.environ.get("RELAUDIT_SAVE_SCREENSHOT") == "1":
        shutil.copyfile(tmp_path / "report.png", ROOT / "docs" / "report-screenshot.png")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3
    assert problems == {"console": [], "page": [], "dialog": []}
    page.close()


def test_hostile_message_text_is_shown_literally_and_never_runs(browser, tmp_path):
    hostile = f"@brightbrew order never arrived {SCRIPT} {IMG}"
    export = tmp_path / "hostile.jsonl"
    sample = (ROOT / "samples" / "broadcast-brand.jsonl").read_text(encoding="utf-8")
    record = {"id": "666", "author": "mallory", "text": hostile, "created_at": "2026-07-31T08:00:00Z"}
    export.write_text(json.dumps(record) + "\n" + sample, encoding="utf-8")
    report = audit([export], AuditOptions()).to_dict()
    finding = next(f for f in report["findings"] if f["message_id"] == "666")
    assert finding["rule"] == "unanswered-complaint" and finding["excerpt"] == hostile
    page, problems = open_report(browser, tmp_path / "report.html", report)
    # the oldest unanswered complaint is the rule's first example
    first = page.locator("#rule-unanswered-complaint blockquote").first.inner_text()
    assert first == hostile
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 0
    assert problems == {"console": [], "page": [], "dialog": []}
    page.close()
