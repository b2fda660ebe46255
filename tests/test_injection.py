"""No injection: hostile message text is shown literally in the terminal, neutralised in CSV, exact in valid JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from relaudit.account import from_option
from relaudit.pipeline import AuditOptions, audit, label
from relaudit.render import RENDERERS
from relaudit.render.labels_format import label_rows, to_csv, to_jsonl
from relaudit.render.safe import safe_text

INJECTION = Path(__file__).parent / "fixtures" / "hostile" / "injection.jsonl"
OPTIONS = AuditOptions(account=from_option(["shop"]))
# What a terminal must never receive from export text: controls, bidi, zero-width, tags, separators, surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f]"
)
STYLE = re.compile(r"\x1b\[[0-9;]*m")  # the colour codes rich itself writes when colour is on


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[bold red]x[/bold red]", "[bold red]x[/bold red]"),  # markup is inert: rich runs with markup=False
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x1b]8;;http://evil.example\x07link\x1b]8;;\x07", "\\x1b]8;;http://evil.example\\x07link\\x1b]8;;\\x07"),
        ("\x9b31m\x9d0;t\x07", "\\x9b31m\\x9d0;t\\x07"),  # one-byte C1 CSI and OSC
        ("nul\x00bs\x08del\x7f", "nul\\x00bs\\x08del\\x7f"),
        ("line\none\ttab\rret", "line one tab ret"),
        ("\u202eevil\u202c \u2066iso\u2069 \u200f\u061c", "\\u202eevil\\u202c \\u2066iso\\u2069 \\u200f\\u061c"),
        ("zero\u200bwidth\u200d\u2060\ufeff\xad", "zero\\u200bwidth\\u200d\\u2060\\ufeff\\xad"),
        ("tag\U000e0041\U000e007f", "tag\\U000e0041\\U000e007f"),  # invisible "ASCII smuggling"
        ("sep\u2028par\u2029", "sep\\u2028par\\u2029"),
        ("lone\ud800", "lone\\ud800"),
        ("café ☕ 日本 👍", "café ☕ 日本 👍"),  # ordinary text is untouched
        ("x" * 50, "x" * 9 + "…"),
    ],
)
def test_safe_text(text: str, shown: str) -> None:
    assert safe_text(text, 10 if text == "x" * 50 else None) == shown


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
def test_terminal_report_shows_hostile_text_literally(color: bool) -> None:
    output = RENDERERS["text"](audit([INJECTION], OPTIONS), 100, color)
    bare = STYLE.sub("", output)
    assert FORBIDDEN.search(bare.replace("\n", "")) is None
    assert "\x1b" not in bare
    assert "[bold red]REFUND[/bold red]" in bare
    assert "\\x1b[2J\\x1b[31mwiped\\x1b[0m" in bare
    assert "\\x1b]8;;http://evil.example\\x07click" in bare
    assert "\\u202eredro ym\\u202c and" in bare
    assert "\\x9b2J \\x07\\x08\\x00 bell" in bare
    assert max(len(line) for line in bare.splitlines()) <= 100  # a 50,000-character line is wrapped and cut


def test_json_report_is_valid_and_exact() -> None:
    data = json.loads(RENDERERS["json"](audit([INJECTION], OPTIONS), 80, False))
    excerpts = {f["message_id"]: f["excerpt"] for f in data["findings"]}
    # JSON is data, not a terminal: the text is kept exactly and escaped by the encoder.
    assert "\x1b[2J" in excerpts["h2"] and "\u202e" in excerpts["h4"]


def test_label_outputs_are_valid_and_csv_cannot_run_formulas() -> None:
    rows = list(label_rows(label([INJECTION], OPTIONS), None))
    for line in to_jsonl(iter(rows)).splitlines():
        json.loads(line)
    table = list(csv.DictReader(io.StringIO(to_csv(iter(rows)))))
    assert len(table) == 8
    by_id = {row["id"]: row for row in table}
    assert by_id["h7"]["text"].startswith("'=HYPERLINK(")
    for row in table:
        for cell in row.values():
            if re.fullmatch(r"-?\d+(\.\d+)?", cell):  # a number (polarity, score) is not a formula
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
