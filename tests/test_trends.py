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
from tests.conftest import ROOT, msg

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
