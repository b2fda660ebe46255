"""Parsing the timestamps exports use into timezone-aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

_TWITTER = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018", X archives and the twcs data set
_EPOCH = re.compile(r"^-?\d{9,11}(\.\d+)?$")
# Epoch seconds between 1990 and 2100: a bare number outside that is more likely an id than a date.
_EPOCH_RANGE = (631152000, 4102444800)


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 (naive means UTC), the Twitter format, or epoch seconds; None when it is none of them."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            return _from_epoch(float(value))
        except OverflowError:  # an integer too large for a float is no date either
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    parsed = _iso(text) or _twitter(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _from_epoch(seconds: float) -> datetime | None:
    if not _EPOCH_RANGE[0] <= seconds <= _EPOCH_RANGE[1]:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _iso(text: str) -> datetime | None:
    # Python 3.10's fromisoformat does not take "Z"; 3.11's does, so normalise it for both.
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _twitter(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, _TWITTER)
    except ValueError:
        return None


def isoformat(moment: datetime) -> str:
    """ISO 8601 with a Z suffix, as every relaudit output writes times."""
    if moment.tzinfo is not timezone.utc:  # (nearly every time is in UTC already: a report writes ~250,000)
        if moment.tzinfo is None:  # naive means UTC everywhere in relaudit, never the machine's local time
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")
