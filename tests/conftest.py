"""Shared test helpers: building messages by hand and locating the repository's folders."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from relaudit.model import Message, RawRecord, Source
from relaudit.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def msg(
    id: str,
    author: str,
    minute: float,
    text: str = "",
    reply_to: str | None = None,
    reply_author: str | None = None,
    repost: bool = False,
) -> Message:
    """A normalised message posted `minute` minutes after T0."""
    fields = {
        "id": id,
        "author": author,
        "text": text,
        "created_at": (T0 + timedelta(minutes=minute)).isoformat(),
        "in_reply_to": reply_to,
        "in_reply_to_author": reply_author,
        "is_repost": repost,
    }
    result = normalise(RawRecord(fields, Source("test", int(id) if id.isdigit() else 0)))
    assert isinstance(result, Message)
    return result


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip the test where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files (review them by eye before committing)."""
    return bool(request.config.getoption("--update-goldens"))
