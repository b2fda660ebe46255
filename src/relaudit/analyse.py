"""The metrics and counts of DESIGN.md §2, computed from the conversation model and the labels."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import median

from relaudit.conversations import Conversations, Role
from relaudit.labels import LabelsOf, labels_of
from relaudit.model import Message

METRICS = (
    "reply_share",
    "response_rate",
    "complaint_response_rate",
    "median_response_minutes",
    "p90_response_minutes",
    "within_1h_share",
    "promo_share",
    "self_focus",
    "question_share",
    "canned_reply_share",
)

_CANNED_STRIP = re.compile(r"@\w[\w.]*|https?://\S+|\d+")


@dataclass(frozen=True)
class Analysis:
    """Counts, metrics (None when not measurable) and why a metric was not measured."""

    counts: dict[str, int]
    metrics: dict[str, float | None]
    not_measured: dict[str, str]
    canned: frozenset[str]  # ids of own replies whose text repeats another own reply's


def before_labels(conv: Conversations, canned: frozenset[str] | None = None) -> Analysis:
    """What message rules may read of the analysis before labels exist: canned replies and the counts of roles.

    (Metrics need every label; only account rules read them, once all messages are labelled.) `canned`: the canned
    replies when already found (their texts are in the workers, owned.py).
    """
    counts = {
        "messages": len(conv.messages),
        "own_originals": len(conv.with_role(Role.ORIGINAL)),
        "own_replies": len(conv.with_role(Role.REPLY)),
        "reposts": len(conv.with_role(Role.REPOST)),
        "inbound": len(conv.with_role(Role.INBOUND)),
        "pending": len(conv.pending),
    }
    return Analysis(counts, {}, {}, _canned(conv.with_role(Role.REPLY)) if canned is None else canned)


def analyse(conv: Conversations, labels: LabelsOf, skipped: int, canned: frozenset[str] | None = None) -> Analysis:
    """Every metric from its exact definition (`canned`: the canned replies, when before_labels found them)."""
    label_of = labels_of(labels)
    originals = conv.with_role(Role.ORIGINAL)
    replies = conv.with_role(Role.REPLY)
    inbound = conv.with_role(Role.INBOUND)
    # One pass over each role's messages: at a million messages every lookup is a cache miss, so passes count.
    pending, responses = conv.pending, conv.responses
    due = answered_due = due_complaints = answered_due_complaints = within_1h = 0
    complaints = unanswered_complaints = not_labelled = 0
    times: list[float] = []  # first response times of every answered inbound message
    for message in inbound:
        found = label_of(message)
        response = responses.get(message.id)
        is_due = message.id not in pending
        if response is not None:
            times.append(response.minutes)
        complaints += found.complaint
        not_labelled += found.not_labelled
        if is_due:
            due += 1
            due_complaints += found.complaint
            if response is not None:
                answered_due += 1
                answered_due_complaints += found.complaint
                within_1h += response.minutes <= 60
            elif found.complaint:
                unanswered_complaints += 1
    times.sort()
    promotional = asks = self_refs = audience_refs = 0
    for message in originals:
        found = label_of(message)
        promotional += found.promotional
        asks += found.asks_question
        self_refs += found.self_refs
        audience_refs += found.audience_refs
    for message in replies:
        found = label_of(message)
        self_refs += found.self_refs
        audience_refs += found.audience_refs
    canned = _canned(replies) if canned is None else canned
    counts = {
        "messages": len(conv.messages),
        "skipped": skipped,
        "own_originals": len(originals),
        "own_replies": len(replies),
        "reposts": len(conv.with_role(Role.REPOST)),
        "inbound": len(inbound),
        "pending": len(conv.pending),
        "complaints": complaints,
        "not_labelled": not_labelled,
        "unanswered_complaints": unanswered_complaints,
    }
    why: dict[str, str] = {}
    metrics: dict[str, float | None] = {
        "reply_share": _ratio(len(replies), len(originals) + len(replies), why, "reply_share", "no own posts"),
        "response_rate": _ratio(answered_due, due, why, "response_rate", "no inbound messages due"),
        "complaint_response_rate": _ratio(
            answered_due_complaints, due_complaints, why, "complaint_response_rate", "no complaints due"
        ),
        "median_response_minutes": round(median(times), 2) if times else None,
        "p90_response_minutes": round(_percentile(times, 0.9), 2) if times else None,
        "within_1h_share": _ratio(within_1h, due, why, "within_1h_share", "no inbound messages due"),
        "promo_share": _ratio(promotional, len(originals), why, "promo_share", "no own original posts"),
        "self_focus": _ratio(self_refs, self_refs + audience_refs, why, "self_focus", "no self or audience references"),
        "question_share": _ratio(asks, len(originals), why, "question_share", "no own original posts"),
        "canned_reply_share": _ratio(len(canned), len(replies), why, "canned_reply_share", "no own replies"),
    }
    if not times:
        why["median_response_minutes"] = why["p90_response_minutes"] = "no answered inbound messages"
    return Analysis(counts, metrics, why, canned)


def canned_key(text: str) -> str:
    """A reply's text with mentions, links, digits, case and spacing removed."""
    return " ".join(_CANNED_STRIP.sub(" ", text).lower().split())


def _canned(replies: list[Message]) -> frozenset[str]:
    keys = {m.id: canned_key(m.text) for m in replies}
    repeated = repeated_keys(Counter(keys.values()))
    return frozenset(i for i, key in keys.items() if key in repeated)


def repeated_keys(counts: Mapping[str, int]) -> frozenset[str]:
    """The canned-reply keys that more than one reply has (counts: replies by key)."""
    # A reply with nothing left after normalising (a bare mention or link) says nothing, so it cannot be canned.
    return frozenset(key for key, count in counts.items() if key and count > 1)


def _ratio(part: int, whole: int, why: dict[str, str], name: str, reason: str) -> float | None:
    if whole == 0:
        why[name] = reason
        return None
    return round(part / whole, 4)


def _percentile(values: list[float], share: float) -> float:
    """Linear-interpolated percentile of sorted values (the same method as numpy's default)."""
    position = (len(values) - 1) * share
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)
