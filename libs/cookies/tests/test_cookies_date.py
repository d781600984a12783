"""The cookie-date algorithm (RFC 6265 §5.1.1): examples, edge cases and properties."""

from __future__ import annotations

import calendar
import email.utils
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from httpwire_cookies import format_cookie_date, parse_cookie_date


def ts(year: int, month: int, day: int, hour: int, minute: int, second: int) -> float:
    moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return float(calendar.timegm(moment.timetuple()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", ts(1994, 11, 6, 8, 49, 37)),  # IMF-fixdate
        ("Sunday, 06-Nov-94 08:49:37 GMT", ts(1994, 11, 6, 8, 49, 37)),  # RFC 850
        ("Sun Nov  6 08:49:37 1994", ts(1994, 11, 6, 8, 49, 37)),  # asctime
        ("Sun, 18-Apr-2027 21:06:29 GMT", ts(2027, 4, 18, 21, 6, 29)),
        ("Fri 07 Aug 2019 08:04:19 GMT, baz=qux", ts(2019, 8, 7, 8, 4, 19)),
        ("06 nOV 1994 8:9:7", ts(1994, 11, 6, 8, 9, 7)),
        ("1 January 70 00:00:00", 0.0),
        ("31 Dec 69 23:59:59", ts(2069, 12, 31, 23, 59, 59)),  # two-digit years: 0-69 -> 20xx
        ("1 Jan 1601 00:00:00", ts(1601, 1, 1, 0, 0, 0)),
        ("29 Feb 2024 12:00:00", ts(2024, 2, 29, 12, 0, 0)),
        ("Wed, 21 Oct 2015 07:28:00 UTC+5", ts(2015, 10, 21, 7, 28, 0)),  # zones are ignored
        ("2015 Oct 21 07:28:00xyz", ts(2015, 10, 21, 7, 28, 0)),  # trailing non-digits
    ],
)
def test_valid_dates(text: str, expected: float) -> None:
    assert parse_cookie_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "06 Nov 1994",  # no time
        "Nov 1994 08:49:37",  # no day
        "06 1994 08:49:37",  # no month
        "06 Nov 08:49:37",  # no year
        "32 Nov 1994 08:49:37",  # day > 31
        "00 Nov 1994 08:49:37",  # day < 1
        "06 Nov 1600 08:49:37",  # year < 1601
        "06 Nov 1994 24:00:00",
        "06 Nov 1994 23:60:00",
        "06 Nov 1994 23:00:60",
        "30 Feb 2020 00:00:00",  # no such date
        "29 Feb 2023 00:00:00",
        "06 Nov 19945 08:49:37",  # five-digit year is not a year
        "06 No 1994 08:49:37",  # month names need three letters
        "06 Nov 1994 123:49:37",
    ],
)
def test_invalid_dates(text: str) -> None:
    assert parse_cookie_date(text) is None


def test_first_occurrence_of_each_part_wins() -> None:
    assert parse_cookie_date("10 Jan 2020 10:00:00 11 Feb 2021 11:11:11") == ts(
        2020, 1, 10, 10, 0, 0
    )


@settings(max_examples=300)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    result = parse_cookie_date(text)
    assert result is None or isinstance(result, float)


@settings(max_examples=200)
@given(st.binary().map(lambda b: b.decode("latin-1")))
def test_never_raises_on_any_octets(text: str) -> None:
    result = parse_cookie_date(text)
    assert result is None or -11644473600 <= result <= 253402300799


_TIMESTAMPS = st.integers(min_value=-11644473600, max_value=253402300799)


@settings(max_examples=300)
@given(_TIMESTAMPS)
def test_round_trip_through_the_imf_fixdate(timestamp: int) -> None:
    text = format_cookie_date(timestamp)
    assert text == email.utils.formatdate(timestamp, usegmt=True)
    assert parse_cookie_date(text) == timestamp


@settings(max_examples=200)
@given(_TIMESTAMPS, st.sampled_from(["{a}, {d:02d}-{b}-{Y} {t} GMT", "{a} {b} {d:2d} {t} {Y}"]))
def test_other_formats_agree_with_the_fast_path(timestamp: int, pattern: str) -> None:
    moment = datetime.fromtimestamp(timestamp, UTC)
    text = pattern.format(
        a=moment.strftime("%a"),
        b=moment.strftime("%b"),
        d=moment.day,
        Y=f"{moment.year:04d}",
        t=moment.strftime("%H:%M:%S"),
    )
    assert parse_cookie_date(text) == timestamp


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=99), st.integers(min_value=1, max_value=28))
def test_two_digit_years(year: int, day: int) -> None:
    full = year + (1900 if year >= 70 else 2000)
    assert parse_cookie_date(f"{day} Mar {year:02d} 01:02:03") == ts(full, 3, day, 1, 2, 3)
