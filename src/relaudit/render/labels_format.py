"""Per-message label rows for `relaudit label`, as JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from relaudit.conversations import Role
from relaudit.dates import isoformat
from relaudit.labels import polarity
from relaudit.pipeline import Labelled

COLUMNS = (
    "id",
    "author",
    "role",
    "created_at",
    "labels",
    "polarity",
    "complaint_score",
    "cues",
    "answered",
    "text",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def label_rows(labelled: Labelled, only: str | None) -> Iterator[dict[str, Any]]:
    """One row per message in time order; `only` keeps a single role ("inbound", "own-reply", ...)."""
    conv = labelled.conv
    for message in conv.messages:
        role = conv.roles[message.id]
        if only is not None and role.value != only:
            continue
        labels = labelled.labeller.complete(message, role, labelled.labels[message.id])
        value = labels.polarity if labels.polarity is not None else polarity(message.text)
        yield {
            "id": message.id,
            "author": message.author,
            "role": role.value,
            "created_at": isoformat(message.created_at),
            "labels": labels.names(),
            "polarity": round(value, 4),
            "complaint_score": labels.complaint_score if role is Role.INBOUND else None,
            "cues": list(labels.cues),
            "answered": (message.id in conv.responses) if role is Role.INBOUND else None,
            "text": message.text,
        }


def to_jsonl(rows: Iterator[dict[str, Any]]) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def to_csv(rows: Iterator[dict[str, Any]]) -> str:
    """CSV with list cells joined by '|', and cells a spreadsheet would execute neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    text = "|".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
