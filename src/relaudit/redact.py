"""--redact: mask customers' handles, e-mail addresses, phone numbers and order numbers before anything is rendered.

Applied once to the Report (so every report format is covered) or to the label rows. Customers become
`@customer-1`, `@customer-2`, ... in order of first appearance, so a redacted report still shows who wrote twice;
the audited account's own handles, message ids, dates and numbers in the report's own wording are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from relaudit.engine import Finding
from relaudit.model import Message
from relaudit.report import Report

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_][\w.-]*[A-Za-z0-9_]|[A-Za-z0-9_])")
# A number after a word that introduces one ("order #A-12345", "ticket no. 88412", "tracking: 1Z999..."), or "#12345".
ORDER = re.compile(
    r"(?i)\b(?P<word>orders?|ord|invoice|ticket|case|ref(?:erence)?|tracking|confirmation|booking|reservation)"
    r"(?P<sep>(?:\s*(?:no\.?|number|num|nr\.?|id|code))?\s*[:#]?\s*)"
    r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b"
    r"|(?<![\w&])#\d{4,}\b"
)
# Digits with the separators people type in phone numbers; checked for 9-15 digits and against dates below.
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{6,}\d(?!\w)")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Redactor:
    """Masks one report's private data, naming each customer handle the same way everywhere."""

    def __init__(self, own_handles: Iterable[str]) -> None:
        self.own = {h.lower() for h in own_handles}
        self.names: dict[str, str] = {}

    def handle(self, name: str) -> str:
        """A customer's stable pseudonym (the account's own handles are kept)."""
        key = name.lower().lstrip("@")
        if not key or key in self.own:
            return name
        return self.names.setdefault(key, f"customer-{len(self.names) + 1}")

    def text(self, text: str) -> str:
        """Free text with e-mail addresses, order numbers, phone numbers and customer @handles masked."""
        text = EMAIL.sub("[email]", text)
        text = ORDER.sub(_order, text)
        text = PHONE.sub(_phone, text)
        return HANDLE.sub(lambda m: "@" + self.handle(m.group(1)), text)

    def message(self, message: Message) -> Message:
        """A message with its author, mentions, text and link (which names the author) masked."""
        reply_author = message.in_reply_to_author
        return replace(
            message,
            author=self.handle(message.author),
            text=self.text(message.text),
            in_reply_to_author=self.handle(reply_author) if reply_author else reply_author,
            mentions=tuple(self.handle(m) for m in message.mentions),
            url=None,
        )

    def finding(self, finding: Finding) -> Finding:
        """A finding with its wording and excerpt masked."""
        return replace(finding, message=self.text(finding.message), excerpt=self.text(finding.excerpt))


def _order(match: re.Match[str]) -> str:
    if match.group("word") is None:
        return "#[order]"
    return match.group("word") + match.group("sep") + "[order]"


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    separated = found.startswith("+") or any(c in found for c in " ().-")
    # A bare run of digits is an id (kept); a date or a date and time is not a phone number.
    if not 9 <= digits <= 15 or not separated or DATE.match(found.lstrip("(")):
        return found
    return "[phone]"


def own_handles(report: Report) -> list[str]:
    """The audited account's handles, from the report's display name."""
    return [h for h in report.account.split(", ") if " " not in h]


def redact_report(report: Report) -> Report:
    """The report with every piece of export text that can name or reach a customer masked."""
    redactor = Redactor(own_handles(report))
    return replace(
        report,
        account_detail=redactor.text(report.account_detail),
        findings=tuple(redactor.finding(f) for f in report.findings),
        unanswered_complaints=tuple(redactor.message(m) for m in report.unanswered_complaints),
        recommendations=tuple(redactor.text(r) for r in report.recommendations),
        warnings=tuple(redactor.text(w) for w in report.warnings),
    )


def redact_rows(rows: Iterable[dict[str, Any]], handles: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Label rows (`relaudit label`) with author and text masked."""
    redactor = Redactor(handles)
    for row in rows:
        yield {**row, "author": redactor.handle(str(row["author"])), "text": redactor.text(str(row["text"]))}
