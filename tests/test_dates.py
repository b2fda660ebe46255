"""parse_datetime and isoformat: every timestamp shape exports use, to one timezone-aware UTC instant."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from relaudit.dates import isoformat, parse_datetime

UTC = timezone.utc
NINE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 2026-03-01T09:00:00Z = 1772355600 epoch seconds
TWEET = datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)  # = 1539202764 epoch seconds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # ISO 8601
        ("2026-03-01T09:00:00Z", NINE),
        ("2026-03-01T09:00:00z", NINE),
        ("2026-03-01T09:00:00+00:00", NINE),
        ("2026-03-01T11:00:00+02:00", NINE),  # converted to UTC: 11:00 at +02:00 is 09:00 UTC
        ("2026-03-01T04:30:00-04:30", NINE),
        ("2026-03-01T01:00:00-08:00", NINE),
        ("2026-03-02T00:30:00+15:30", NINE),  # the offset can move the instant to the day before
        ("2026-03-01 09:00:00", NINE),  # naive means UTC
        ("2026-03-01T09:00:00", NINE),
        ("2026-03-01T09:00", NINE),
        ("  2026-03-01T09:00:00Z \n", NINE),  # surrounding space is ignored
        ("2026-03-01T09:00:00.250Z", NINE + timedelta(milliseconds=250)),
        ("2026-01-05", datetime(2026, 1, 5, tzinfo=UTC)),  # date only: midnight UTC (fromisoformat accepts it)
        # Twitter / X archives and the twcs data set
        ("Wed Oct 10 20:19:24 +0000 2018", TWEET),
        ("Wed Oct 10 22:19:24 +0200 2018", TWEET),
        ("Sun Mar 01 09:00:00 +0000 2026", NINE),
        # epoch seconds: int, float, digit strings
        (1772355600, NINE),
        (1772355600.0, NINE),
        (1772355600.5, NINE + timedelta(milliseconds=500)),
        ("1772355600", NINE),
        ("1772355600.5", NINE + timedelta(milliseconds=500)),
        (" 1772355600 ", NINE),
        (1539202764, TWEET),
        (631152000, datetime(1990, 1, 1, tzinfo=UTC)),  # the lowest epoch taken as a date
        (4102444800, datetime(2100, 1, 1, tzinfo=UTC)),  # the highest
    ],
)
def test_parses_to_utc(value, expected):
    result = parse_datetime(value)
    assert result == expected
    assert result is not None and result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    [
        # garbage
        "tomorrow",
        "yesterday at noon",
        "2026-13-01",  # no 13th month
        "2026-02-30T10:00:00Z",
        "Wed Oct 10 20:19:24 2018",  # Twitter format without its offset
        "Xyz Oct 10 20:19:24 +0000 2018",
        "12:00",
        "--",
        # empty and non-values
        "",
        "   ",
        None,
        True,
        False,
        [],
        {},
        [2026, 3, 1],
        b"2026-03-01T09:00:00Z",
        # epoch seconds outside 1990..2100: more likely an id or milliseconds than a date
        0,
        42,
        12345,
        "12345",
        631151999,
        4102444801,
        4102444800.5,
        -1772355600,
        "-1772355600",
        1772355600000,  # milliseconds
        "1772355600000",
        1.0e20,
        float("inf"),
        float("-inf"),
        float("nan"),
    ],
)
def test_not_a_date_is_none(value):
    assert parse_datetime(value) is None


# Regression (was: src/relaudit/dates.py, parse_datetime: `_from_epoch(float(value))`): an int too large for a float,
# such as
# a JSON record's "created_at": 1e400 written as an integer, raises OverflowError instead of returning None, so one
# bad record crashes the whole audit ("internal error"). Fix: catch OverflowError in _from_epoch/parse_datetime
# (or range-check ints before converting).
def test_huge_integer_is_none_not_an_overflow():
    assert parse_datetime(10**400) is None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NINE, "2026-03-01T09:00:00Z"),
        (datetime(2026, 3, 1, 11, 0, tzinfo=timezone(timedelta(hours=2))), "2026-03-01T09:00:00Z"),
        (datetime(2026, 3, 1, 4, 0, tzinfo=timezone(timedelta(hours=-5))), "2026-03-01T09:00:00Z"),
        (datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-1))), "2026-03-02T00:30:00Z"),
        (NINE + timedelta(milliseconds=500), "2026-03-01T09:00:00.500000Z"),
        (TWEET, "2018-10-10T20:19:24Z"),
    ],
)
def test_isoformat_is_utc_with_z(moment, expected):
    assert isoformat(moment) == expected
    assert parse_datetime(isoformat(moment)) == moment  # round trip


def test_every_parsed_shape_writes_back_the_same_instant():
    shapes = ["2026-03-01T11:00:00+02:00", "2026-03-01 09:00:00", "Sun Mar 01 09:00:00 +0000 2026", 1772355600]
    assert {isoformat(parse_datetime(s)) for s in shapes} == {"2026-03-01T09:00:00Z"}  # type: ignore[arg-type]
