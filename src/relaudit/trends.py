"""Trends for charts: per-month activity and rates, the response-time distribution, findings per pillar and level."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import MAXYEAR, datetime, timezone
from operator import attrgetter
from typing import Any

from relaudit.conversations import Conversations, Role
from relaudit.engine import Finding
from relaudit.labels import LabelsOf, labels_of
from relaudit.model import Message
from relaudit.rulepack import LEVELS, PILLARS

# First-response buckets: (key, label, upper bound in minutes). A bound is inclusive, so "≤ 1 h" agrees with
# within_1h_share (answered within 60 minutes). Inbound that is not answered is "unanswered" when due, else "pending".
RESPONSE_BUCKETS: tuple[tuple[str, str, float | None], ...] = (
    ("under_1h", "≤ 1 h", 60),
    ("1h_to_4h", "1–4 h", 240),
    ("4h_to_24h", "4–24 h", 1440),
    ("1d_to_3d", "1–3 d", 4320),
    ("over_3d", "> 3 d", None),
)
BUCKET_LABELS = {
    **{key: label for key, label, _ in RESPONSE_BUCKETS},
    "unanswered": "unanswered",
    "pending": "pending",
}


@dataclass(frozen=True)
class MonthTrend:
    """One calendar month (UTC) of the account's activity; rates are None when their denominator is 0."""

    month: str  # YYYY-MM
    own_originals: int
    own_replies: int
    promotional: int
    inbound: int
    pending: int
    answered: int

    @property
    def reply_share(self) -> float | None:
        """Own replies / (own originals + own replies), as in DESIGN.md §2."""
        return _ratio(self.own_replies, self.own_originals + self.own_replies)

    @property
    def response_rate(self) -> float | None:
        """Answered due inbound / due inbound, for inbound messages posted in this month."""
        return _ratio(self.answered, self.inbound - self.pending)

    @property
    def promo_share(self) -> float | None:
        """Promotional own originals / own originals."""
        return _ratio(self.promotional, self.own_originals)

    def to_dict(self) -> dict[str, Any]:
        """The month's counts and rates, keys in a fixed order."""
        return {
            "month": self.month,
            "own_originals": self.own_originals,
            "own_replies": self.own_replies,
            "reply_share": self.reply_share,
            "inbound": self.inbound,
            "pending": self.pending,
            "answered": self.answered,
            "response_rate": self.response_rate,
            "promotional": self.promotional,
            "promo_share": self.promo_share,
        }


@dataclass(frozen=True)
class Trends:
    """Everything the charts draw, computed once from the conversation model, the labels and the findings."""

    months: tuple[MonthTrend, ...]  # first to last month with own or inbound messages, quiet months included
    response_times: dict[
        str, int
    ]  # bucket key -> inbound messages, in RESPONSE_BUCKETS order, then unanswered, pending
    findings: dict[str, dict[str, int]]  # pillar -> level -> findings, every pillar and level present

    def to_dict(self) -> dict[str, Any]:
        """The report's `trends` object."""
        return {
            "months": [m.to_dict() for m in self.months],
            "response_times": dict(self.response_times),
            "findings": {pillar: dict(levels) for pillar, levels in self.findings.items()},
        }


def compute_trends(conv: Conversations, labels: LabelsOf, findings: Iterable[Finding]) -> Trends:
    """Per-month counts and rates, the first-response distribution and findings per pillar and level."""
    label_of = labels_of(labels)
    counts: dict[str, dict[str, int]] = {}
    for month in _month_range(conv):
        counts[month] = dict.fromkeys(("originals", "replies", "promotional", "inbound", "pending", "answered"), 0)
    buckets = dict.fromkeys(BUCKET_LABELS, 0)
    responses, pending = conv.responses, conv.pending
    # by role, as analyse() groups them: reposts and context are not counted (and may lie outside the months)
    for month, originals in _by_month(conv.with_role(Role.ORIGINAL), counts):
        counts[month]["originals"] = len(originals)
        counts[month]["promotional"] = sum(map(_PROMOTIONAL, map(label_of, originals)))
    for month, replies in _by_month(conv.with_role(Role.REPLY), counts):
        counts[month]["replies"] = len(replies)
    for month, inbound in _by_month(conv.with_role(Role.INBOUND), counts):
        month_counts = counts[month]
        month_counts["inbound"] = len(inbound)
        for message_id in map(_ID, inbound):
            response = responses.get(message_id)
            if response is not None:
                month_counts["answered"] += 1
                buckets[response_bucket(response.minutes)] += 1
            elif message_id in pending:
                month_counts["pending"] += 1
                buckets["pending"] += 1
            else:
                buckets["unanswered"] += 1
    months = tuple(
        MonthTrend(
            month=month,
            own_originals=c["originals"],
            own_replies=c["replies"],
            promotional=c["promotional"],
            inbound=c["inbound"],
            pending=c["pending"],
            answered=c["answered"],
        )
        for month, c in counts.items()
    )
    per_pillar = {pillar: dict.fromkeys(reversed(LEVELS), 0) for pillar in PILLARS}
    for finding in findings:
        per_pillar.setdefault(finding.pillar, dict.fromkeys(reversed(LEVELS), 0))[finding.level] += 1
    return Trends(months, buckets, per_pillar)


def _by_month(messages: list[Message], counts: dict[str, dict[str, int]]) -> Iterator[tuple[str, list[Message]]]:
    """Each month of `counts` (in order) with its messages, cut from `messages` (in time order) at each month's end."""
    # (times are in UTC, as every loader makes them; a naive time, never made, would be read as UTC too)
    zone = messages[0].created_at.tzinfo if messages else None
    start = 0
    for month in counts:
        year, number = int(month[:4]) + int(month[5:]) // 12, int(month[5:]) % 12 + 1  # the next month's
        end = (
            len(messages)
            if year > MAXYEAR
            else bisect_left(
                messages, datetime(year, number, 1, tzinfo=zone and timezone.utc), lo=start, key=_CREATED_AT
            )
        )
        yield month, messages[start:end]
        start = end


_ID, _CREATED_AT, _PROMOTIONAL = attrgetter("id"), attrgetter("created_at"), attrgetter("promotional")


def response_bucket(minutes: float) -> str:
    """The RESPONSE_BUCKETS key of a first-response delay in minutes: the first whose (inclusive) bound it is within."""
    return _BUCKET_KEYS[bisect_left(_BUCKET_BOUNDS, minutes)]


# the bounds of all buckets but the last (which has none), in order, and every bucket's key
_BUCKET_BOUNDS = [limit for _, _, limit in RESPONSE_BUCKETS if limit is not None]
_BUCKET_KEYS = [key for key, _, _ in RESPONSE_BUCKETS]


def _month(moment: datetime) -> str:
    """ "2026-01": the UTC month, written as _month_range writes them (strftime is slow and pads no year below 1000)."""
    utc = moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)
    return f"{utc.year:04d}-{utc.month:02d}"


def _month_range(conv: Conversations) -> list[str]:
    """Every month from the first own or inbound message's to the last's; quiet months between are kept as gaps.

    Context messages do not stretch the range: a customer-care export can hold a few years-old tweets that the
    account's conversations quote, and months of nothing before the real activity would push it off the chart.
    """
    counted = (Role.ORIGINAL, Role.REPLY, Role.INBOUND)
    # conv.messages are in time order, so the first and last counted messages are the earliest and the latest
    earliest = next((m for m in conv.messages if conv.roles[m.id] in counted), None)
    latest = next((m for m in reversed(conv.messages) if conv.roles[m.id] in counted), None)
    if earliest is None or latest is None:
        return []
    first, last = earliest.created_at.astimezone(timezone.utc), latest.created_at.astimezone(timezone.utc)
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
