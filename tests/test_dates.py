"""``parse_date``: every date shape a crawl produces, and the undated policy."""

from datetime import datetime, timezone

import pytest

from index.dates import DateError, get_timezone, parse_date

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
UTC = timezone.utc


@pytest.mark.parametrize("value, expected", [
    ("2016-11-08T14:05:00Z", "2016-11-08T14:05:00+00:00"),
    ("2018-12-14T06:41:58.533000-08:00", "2018-12-14T14:41:58.533000+00:00"),
    ("2016-11-08", "2016-11-08T00:00:00+00:00"),
    ("2016-11-08 14:05:00+0000", "2016-11-08T14:05:00+00:00"),
    ("Tue, 08 Nov 2016 14:05:00 +0100", "2016-11-08T13:05:00+00:00"),  # RFC 2822
    ("Tue, 08 Nov 2016 14:05:00 GMT", "2016-11-08T14:05:00+00:00"),
    ("Nov 8, 2016", "2016-11-08T00:00:00+00:00"),
    ("Nov. 8, 2016", "2016-11-08T00:00:00+00:00"),
    ("8 November 2016 14:05", "2016-11-08T14:05:00+00:00"),
    ("November 8, 2016 at 2:05 pm EST", "2016-11-08T19:05:00+00:00"),
    ("Updated: Nov 8, 2016", "2016-11-08T00:00:00+00:00"),
    ("Published on 8 November 2016", "2016-11-08T00:00:00+00:00"),
    ("November 2016", "2016-11-01T00:00:00+00:00"),
    ("1478613900", "2016-11-08T14:05:00+00:00"),  # epoch seconds
    ("1478613900000", "2016-11-08T14:05:00+00:00"),  # epoch milliseconds
    (1478613900, "2016-11-08T14:05:00+00:00"),
    (1478613900000, "2016-11-08T14:05:00+00:00"),
    (1478613900.5, "2016-11-08T14:05:00.500000+00:00"),
    ("2016", "2016-01-01T00:00:00+00:00"),  # a year, not 2016 seconds after 1970
    ("20161108", "2016-11-08T00:00:00+00:00"),
    ("20161108140500", "2016-11-08T14:05:00+00:00"),  # web.archive.org timestamp
])
def test_formats(value, expected):
    assert parse_date(value, now=NOW).isoformat() == expected


def test_naive_times_are_utc_by_default_and_overridable():
    assert parse_date("2016-11-08T14:05:00", now=NOW).isoformat() == "2016-11-08T14:05:00+00:00"
    paris = get_timezone("Europe/Paris")
    assert parse_date("2016-11-08T14:05:00", paris, now=NOW).isoformat() == "2016-11-08T13:05:00+00:00"
    assert parse_date("2016-07-08 14:05", paris, now=NOW).isoformat() == "2016-07-08T12:05:00+00:00"  # DST
    # An explicit offset wins over the default zone.
    assert parse_date("2016-11-08T14:05:00Z", paris, now=NOW).hour == 14


@pytest.mark.parametrize("value", [None, "", "   ", "null", "None", "N/A", "0000-00-00"])
def test_empty_values_are_undated_without_error(value):
    assert parse_date(value, now=NOW) is None


@pytest.mark.parametrize("value, reason", [
    ("2999-01-01", "future"),
    ("2024-01-05", "future"),  # beyond the two-day slack
    ("1066-10-14", "before 1800"),
    ("2016-13-45", "unrecognised"),
    ("Mon, 32 Nov 2016 10:00:00 GMT", "unrecognised"),
    ("the day after tomorrow", "unrecognised"),
    ("Nov 8", "no year"),
    ("0", "not a plausible"),  # the classic missing-date sentinel
    ("12", "not a plausible"),
    ("99999999999999999999", "out of range"),
    (True, "unsupported"),
    ({"date": "2016"}, "unsupported"),
])
def test_impossible_dates_raise(value, reason):
    with pytest.raises(DateError, match=reason):
        parse_date(value, now=NOW)


def test_small_future_slack_is_allowed():
    assert parse_date("2024-01-02", now=NOW) is not None


def test_unknown_timezone_name():
    with pytest.raises(DateError, match="unknown time zone"):
        get_timezone("Mars/Olympus")
    assert get_timezone(None) is UTC and get_timezone("utc") is UTC
