"""Conformance over ../shared/data: each real export is detected, audited, and every record accounted for."""

from __future__ import annotations

import pytest

from relaudit.account import from_option
from relaudit.pipeline import AuditOptions, audit, read_messages

# (path under shared/data, detected format, records, account option or None)
EXPORTS = [
    ("twitter_archive", "twitter-archive", 170, None),
    ("twitter_legacy_csv", "twitter-csv", 1500, None),
    ("mastodon", "mastodon", 200, None),
    ("bluesky/author_feed_pythonsdk_snakecase.json", "bluesky-feed", 10, None),
    ("facebook", "facebook", 360, None),
    ("instagram", "instagram", 416, None),
    ("linkedin", "linkedin", 525, None),
    ("twcs/twcs_head5000_normalized.csv", "customer-care", 5000, "AmazonHelp"),
]


@pytest.mark.parametrize(("relative", "name", "records", "account"), EXPORTS, ids=[e[1] for e in EXPORTS])
def test_real_export_audits_and_loses_nothing(shared_data, relative, name, records, account):
    path = shared_data / relative
    options = AuditOptions(account=from_option([account]) if account else None)
    loaded = read_messages([path], options)
    assert loaded.input_format == name
    assert loaded.records == records == len(loaded.messages) + len(loaded.skipped)
    report = audit([path], options)
    assert report.grade.letter in "ABCDF"
    assert report.analysis.counts["messages"] + report.analysis.counts["skipped"] == records
