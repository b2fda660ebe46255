"""Trends for the charts: per-month counts and rates, the response-time distribution, findings per pillar."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from relaudit.account import Account
from relaudit.conversations import build
from relaudit.engine import Finding
from relaudit.labels import Labels
from relaudit.pipeline import AuditOptions, audit
from relaudit.trends import compute_trends, response_bucket
from tests.conftest import ROOT, T0, msg

BRAND = Account(frozenset({"brand"}), "option", "test")
BRAND_SHOP = Account(frozenset({"shop"}), "option", "test")
DAY = 1440
FEB, APR = 31 * DAY, (31 + 28 + 31) * DAY  # minutes from 2026-01-01 to the first of February and of April

MESSAGES = [
    msg("22", "zed", -60 * DAY, "old chatter"),  # context months before: does not stretch the range
    msg("1", "brand", 0, "Shop now"),  # January: promotional original
    msg("2", "brand", 60, "How to descale"),
    msg("3", "alice", 100, "@brand help"),
    msg("4", "brand", 130, "@alice here", reply_to="3"),  # 30 min: ≤ 1 h
    msg("5", "bob", 200, "@brand where is it"),
    msg("6", "brand", 500, "@bob on its way", reply_to="5"),  # 300 min: 4-24 h
    msg("7", "carol", FEB - 60, "@brand late on the 31st"),
    msg("8", "brand", FEB - 60 + 2 * DAY, "@carol sorry", reply_to="7"),  # February reply, 2 days: 1-3 d
    msg("9", "brand", FEB + 9 * DAY, "News"),
    msg("20", "brand", FEB + 10 * DAY, "RT @fan: yay", repost=True),  # reposts are not in the shares
    msg("21", "dave", FEB + 11 * DAY, "nice weather"),  # context
    # March: nothing at all
    msg("10", "erin", APR, "@brand hello?"),  # never answered: unanswered
    msg("13", "frank", APR + DAY, "@brand bad"),
    msg("11", "brand", APR + 4 * DAY, "Sale!"),  # promotional
    msg("12", "gina", APR + 4 * DAY + 5000 - 740, "@brand hi"),  # 740 min before the end: pending
    msg("14", "brand", APR + DAY + 5000, "@frank fixed", reply_to="13"),  # 5000 min: > 3 d; the export's end
]
LABELS = {"1": Labels(promotional=True), "11": Labels(promotional=True)}


@pytest.fixture(scope="module")
def trends():
    conv = build(MESSAGES, BRAND, None, timedelta(hours=24))
    findings = [
        Finding("unanswered-complaint", "error", "responsiveness", "m", 1.0),
        Finding("unanswered-complaint", "error", "responsiveness", "m", 1.0),
        Finding("hard-sell", "warning", "audience-value", "m", 1.0),
        Finding("unanswered-praise", "suggestion", "human-touch", "m", 1.0),
    ]
    return compute_trends(conv, {m.id: LABELS.get(m.id, Labels()) for m in MESSAGES}, findings)


def test_every_month_from_first_to_last_own_or_inbound_message(trends):
    assert [m.month for m in trends.months] == ["2026-01", "2026-02", "2026-03", "2026-04"]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (
            "2026-01",
            {
                "own_originals": 2,
                "own_replies": 2,
                "reply_share": 0.5,
                "inbound": 3,
                "pending": 0,
                "answered": 3,
                "response_rate": 1.0,
                "promotional": 1,
                "promo_share": 0.5,
            },
        ),
        (
            "2026-02",
            {
                "own_originals": 1,
                "own_replies": 1,
                "reply_share": 0.5,
                "inbound": 0,
                "pending": 0,
                "answered": 0,
                "response_rate": None,
                "promotional": 0,
                "promo_share": 0.0,
            },
        ),
        (
            "2026-03",
            {
                "own_originals": 0,
                "own_replies": 0,
                "reply_share": None,
                "inbound": 0,
                "pending": 0,
                "answered": 0,
                "response_rate": None,
                "promotional": 0,
                "promo_share": None,
            },
        ),
        (
            "2026-04",
            {
                "own_originals": 1,
                "own_replies": 1,
                "reply_share": 0.5,
                "inbound": 3,
                "pending": 1,
                "answered": 1,
                "response_rate": 0.5,
                "promotional": 1,
                "promo_share": 1.0,
            },
        ),
    ],
)
def test_month_counts_and_rates(trends, month, expected):
    row = next(m for m in trends.to_dict()["months"] if m["month"] == month)
    assert row == {"month": month, **expected}


def test_response_time_distribution(trends):
    assert trends.to_dict()["response_times"] == {
        "under_1h": 1,
        "1h_to_4h": 0,
        "4h_to_24h": 1,
        "1d_to_3d": 1,
        "over_3d": 1,
        "unanswered": 1,
        "pending": 1,
    }


@pytest.mark.parametrize(
    ("minutes", "bucket"),
    [
        (0, "under_1h"),
        (60, "under_1h"),
        (60.01, "1h_to_4h"),
        (240, "1h_to_4h"),
        (1440, "4h_to_24h"),
        (1441, "1d_to_3d"),
        (4320, "1d_to_3d"),
        (4321, "over_3d"),
        (100000, "over_3d"),
    ],
)
def test_bucket_bounds_are_inclusive_like_within_1h_share(minutes, bucket):
    assert response_bucket(minutes) == bucket


def test_findings_per_pillar_and_level_every_key_present(trends):
    assert trends.to_dict()["findings"] == {
        "responsiveness": {"error": 2, "warning": 0, "suggestion": 0},
        "conversation": {"error": 0, "warning": 0, "suggestion": 0},
        "audience-value": {"error": 0, "warning": 1, "suggestion": 0},
        "human-touch": {"error": 0, "warning": 0, "suggestion": 1},
    }


def test_sample_trends_agree_with_the_report_metrics():
    data = audit([ROOT / "samples" / "broadcast-brand.jsonl"], AuditOptions()).to_dict()
    trends, counts = data["trends"], data["counts"]
    months = trends["months"]
    assert [m["month"] for m in months] == ["2026-08", "2026-09", "2026-10"]
    assert sum(m["inbound"] for m in months) == counts["inbound"] == sum(trends["response_times"].values())
    assert sum(m["own_originals"] for m in months) == counts["own_originals"]
    assert sum(m["own_replies"] for m in months) == counts["own_replies"]
    assert sum(m["pending"] for m in months) == counts["pending"] == trends["response_times"]["pending"]
    answered = sum(m["answered"] for m in months)
    assert round(answered / (counts["inbound"] - counts["pending"]), 4) == data["metrics"]["response_rate"]
    promotional = sum(m["promotional"] for m in months)
    assert round(promotional / counts["own_originals"], 4) == data["metrics"]["promo_share"]
    assert sum(sum(levels.values()) for levels in trends["findings"].values()) == len(data["findings"])


def test_terminal_trends_block_needs_two_months_for_the_month_table(tmp_path):
    from relaudit.render import RENDERERS

    export = tmp_path / "one-month.jsonl"
    export.write_text(
        '{"id": "1", "author": "shop", "text": "Shop now", "created_at": "2026-03-01T10:00:00Z"}\n'
        '{"id": "2", "author": "amy", "text": "@shop broken", "created_at": "2026-03-01T11:00:00Z"}\n'
        '{"id": "3", "author": "shop", "text": "@amy sorry, fixed", "created_at": "2026-03-01T11:30:00Z",'
        ' "in_reply_to": "2"}\n',
        encoding="utf-8",
    )
    text = RENDERERS["text"](audit([export], AuditOptions(account=BRAND_SHOP)), 80, False)
    block = text.split("\nTrends\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block == [
        "  First response to inbound messages",
        "    ≤ 1 h       ██████████████████████████████ 1",
        "    1–4 h        0",
        "    4–24 h       0",
        "    1–3 d        0",
        "    > 3 d        0",
        "    unanswered   0",
        "    pending      0",
    ]


def test_a_time_in_another_zone_counts_in_its_utc_month():
    # 23:30 on 31 January at UTC-2 is 01:30 on 1 February in UTC; the next message, in UTC, is in February too
    west = timezone(timedelta(hours=-2))
    messages = [
        replace(msg("1", "brand", 0, "post"), created_at=datetime(2026, 1, 31, 23, 30, tzinfo=west)),
        msg("2", "brand", FEB + 120, "another"),
        msg("3", "brand", 10, "january"),
    ]
    ordered = sorted(messages, key=lambda m: m.created_at)
    conv = build(ordered, BRAND, None, timedelta(hours=24))
    result = compute_trends(conv, {m.id: Labels() for m in messages}, [])
    assert [(m.month, m.own_originals) for m in result.months] == [("2026-01", 1), ("2026-02", 2)]


# --- the months cut by bisection count what a look at each message's own month counts ---


def trends_one_by_one(conv, labels):
    """compute_trends' monthly counts and buckets, worked out the plain way: each message's month, one by one."""
    from relaudit.conversations import Role
    from relaudit.trends import _month, _month_range

    counts = {
        m: dict.fromkeys(("originals", "replies", "promotional", "inbound", "pending", "answered"), 0)
        for m in _month_range(conv)
    }
    buckets = {}
    for message in conv.messages:
        role = conv.roles[message.id]
        month = counts[_month(message.created_at)] if role in (Role.ORIGINAL, Role.REPLY, Role.INBOUND) else None
        if role is Role.ORIGINAL:
            month["originals"] += 1
            month["promotional"] += labels[message.id].promotional
        elif role is Role.REPLY:
            month["replies"] += 1
        elif role is Role.INBOUND:
            month["inbound"] += 1
            response = conv.responses.get(message.id)
            key = (
                response_bucket(response.minutes)
                if response is not None
                else "pending"
                if message.id in conv.pending
                else "unanswered"
            )
            month["answered"] += response is not None
            month["pending"] += key == "pending"
            buckets[key] = buckets.get(key, 0) + 1
    return counts, buckets


def assert_trends_as_one_by_one(messages, account, as_of=None):
    conv = build(messages, account, as_of, timedelta(hours=24))
    labels = {m.id: Labels(promotional=int(m.id) % 3 == 0) for m in conv.messages}
    trends = compute_trends(conv, labels, [])
    counts, buckets = trends_one_by_one(conv, labels)
    found = {
        m.month: {
            "originals": m.own_originals,
            "replies": m.own_replies,
            "promotional": m.promotional,
            "inbound": m.inbound,
            "pending": m.pending,
            "answered": m.answered,
        }
        for m in trends.months
    }
    assert found == counts
    assert {k: v for k, v in trends.response_times.items() if v} == buckets
    return trends


def test_months_cut_by_bisection_count_as_each_message_one_by_one():
    import random

    rng = random.Random(8)
    edges = [0.0, -1 / 60, 1 / 60]  # on a month's first instant, a second before it, a second after
    starts = [(datetime(2025, month, 1, tzinfo=timezone.utc) - T0).total_seconds() / 60 for month in range(1, 13)]
    minutes = sorted(
        [s + e for s in starts for e in edges] + [rng.uniform(starts[0], starts[-1] + 60 * DAY) for _ in range(600)]
    )
    authors = ["brand", "ann", "bob", "cy"]
    messages: list = []
    for n, minute in enumerate(minutes, start=1):
        author = rng.choice(authors)
        earlier = rng.choice(messages) if messages and rng.random() < 0.5 else None
        messages.append(
            msg(
                str(n),
                author,
                minute,
                "@brand hi" if author != "brand" and rng.random() < 0.7 else "x",
                reply_to=earlier.id if earlier else None,
            )
        )
    # answered exactly on each bucket's bound, and a minute either side of it
    late = minutes[-1] + DAY
    for n, delay in enumerate((d + e for d in (60, 240, 1440, 4320) for e in (-1, 0, 1)), start=len(messages) + 1):
        messages.append(msg(str(2 * n), "ann", late + 10 * DAY * n, "@brand hi"))
        messages.append(msg(str(2 * n + 1), "brand", late + 10 * DAY * n + delay, "@ann hey", reply_to=str(2 * n)))
    trends = assert_trends_as_one_by_one(messages, BRAND)
    assert [m.month for m in trends.months][:2] == ["2024-12", "2025-01"]  # (a second before January: December)


def test_the_last_month_of_the_calendar_is_counted():
    far = (datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc) - T0).total_seconds() / 60
    messages = [
        msg("1", "brand", far - 40 * DAY, "Hello"),
        msg("2", "ann", far, "@brand hi"),
        msg("3", "brand", far + 30, "@ann hey", reply_to="2"),
    ]
    trends = assert_trends_as_one_by_one(messages, BRAND)
    assert [(m.month, m.own_originals, m.inbound, m.answered) for m in trends.months] == [
        ("9999-11", 1, 0, 0),
        ("9999-12", 0, 1, 1),
    ]
