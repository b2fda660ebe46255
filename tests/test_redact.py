"""--redact masks customers' handles, e-mail addresses, phone numbers and order numbers in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relaudit.cli import app
from relaudit.redact import Redactor
from relaudit.render import RENDERERS

PRIVATE = Path(__file__).parent / "fixtures" / "hostile" / "private.jsonl"
# Everything in private.jsonl that names or reaches a customer (or anyone: e-mail addresses are always masked).
SECRETS = [
    "ann_k",
    "bo.b",
    "ann.k@mail.example",
    "help@shopco.example",
    "+44 7700 900123",
    "07700 900456",
    "(555) 010-4477",
    "010-4477",
    "A-48213",
    "99172",
    "55120",
]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("@ann_k hi @shopco", "@customer-1 hi @shopco"),
        (
            "@Ann_K and @ann_k are one person, @bo.b another.",
            "@customer-1 and @customer-1 are one person, @customer-2 another.",
        ),
        ("write to ann.k@mail.example", "write to [email]"),
        (
            "order #A-48213, Order number: 99172, ticket no. 55120",
            "order #[order], Order number: [order], ticket no. [order]",
        ),
        ("see #48213 and #sale", "see #[order] and #sale"),
        ("order 2 bags", "order 2 bags"),
        ("call +44 7700 900123 or (555) 010-4477", "call [phone] or [phone]"),
        ("id 1831000889, posted 2026-08-05 05:44", "id 1831000889, posted 2026-08-05 05:44"),
        ("a 10% discount until 12.31", "a 10% discount until 12.31"),
    ],
)
def test_text_masking(text: str, masked: str) -> None:
    assert Redactor(["shopco"]).text(text) == masked


def _audit(args: list[str]) -> str:
    result = CliRunner().invoke(app, ["audit", str(PRIVATE), "--account", "shopco", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _label(args: list[str]) -> str:
    result = CliRunner().invoke(app, ["label", str(PRIVATE), "--account", "shopco", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


OUTPUTS = [
    *[pytest.param(_audit, ["--format", name, "--width", "200"], id=f"audit-{name}") for name in RENDERERS],
    pytest.param(_label, ["--format", "jsonl"], id="label-jsonl"),
    pytest.param(_label, ["--format", "csv"], id="label-csv"),
]


@pytest.mark.parametrize(("run", "args"), OUTPUTS)
def test_every_format_is_redacted(run: object, args: list[str]) -> None:
    plain = run([*args])  # type: ignore[operator]
    assert "ann_k" in plain and "A-48213" in plain  # the fixture does reach the output unredacted
    redacted = run([*args, "--redact"])  # type: ignore[operator]
    for secret in SECRETS:
        assert secret not in redacted, secret
    assert "customer-1" in redacted and "shopco" in redacted


def test_json_report_keeps_its_shape_and_the_account() -> None:
    data = json.loads(_audit(["--format", "json", "--redact"]))
    plain = json.loads(_audit(["--format", "json"]))
    assert data["account"] == "shopco"
    assert data["counts"] == plain["counts"] and data["score"] == plain["score"]
    assert [f["message_id"] for f in data["findings"]] == [f["message_id"] for f in plain["findings"]]


def test_label_rows_name_customers_consistently() -> None:
    rows = [json.loads(line) for line in _label(["--redact"]).splitlines()]
    assert [r["author"] for r in rows] == ["shopco", "customer-1", "customer-2", "shopco", "customer-3"]
    assert rows[2]["text"].startswith("@shopco @customer-1 same here, order number [order]")


def test_every_report_field_was_considered() -> None:
    """A new Report field may carry export text: decide in redact.py whether --redact masks it, then list it here."""
    from dataclasses import fields

    from relaudit.report import Report

    masked = {"account_detail", "findings", "unanswered_complaints", "recommendations", "warnings"}
    kept = {  # no customer data: the user's own paths, options, rule texts, numbers and the audited account
        *("paths", "input_format", "records", "account", "account_source", "start", "end", "as_of"),
        *("analysis", "grade", "rule_titles", "coverage", "trends"),
    }
    assert {f.name for f in fields(Report)} == masked | kept
