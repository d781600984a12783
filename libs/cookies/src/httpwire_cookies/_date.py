"""The cookie-date algorithm of RFC 6265 §5.1.1, and the date format used when writing one.

Everything that turns an ``Expires`` attribute value into a POSIX timestamp lives here. The
algorithm is deliberately lenient (servers send many odd formats) but never raises: a date it
cannot read is reported as ``None`` so that the caller ignores the attribute.
"""

from __future__ import annotations

import re

__all__ = ["format_cookie_date", "parse_cookie_date"]

# delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
_DELIMITERS = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
# Each production is a prefix followed by a non-digit or the end of the token.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?![0-9])")
_DAY = re.compile(r"([0-9]{1,2})(?![0-9])")
_YEAR = re.compile(r"([0-9]{2,4})(?![0-9])")
# The common IMF-fixdate shape (RFC 9110 §5.6.7), read without tokenising.
_FIXDATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_FIXDATE_MONTHS = {name.capitalize(): number for name, number in _MONTHS.items()}
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    if month <= 2:
        year -= 1
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _timestamp(
    year: int, month: int, day: int, hour: int, minute: int, second: int
) -> float | None:
    """The UTC timestamp of a validated date, or None when no such date exists (§5.1.1 step 6)."""
    if day < 1 or day > 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    last_day = 29 if month == 2 and _is_leap(year) else _DAYS_IN_MONTH[month]
    if day > last_day:
        return None
    days = _days_from_civil(year, month, day)
    return float(days * 86400 + hour * 3600 + minute * 60 + second)


def parse_cookie_date(text: str) -> float | None:
    """Parse a cookie-date (RFC 6265 §5.1.1) into a POSIX timestamp in seconds, UTC.

    Returns None when the text is not a valid date, so the caller ignores the attribute; never
    raises for any string.
    """
    fixed = _FIXDATE.fullmatch(text)
    if fixed is not None:
        day_s, month_s, year_s, hour_s, minute_s, second_s = fixed.groups()
        return _timestamp(
            int(year_s),
            _FIXDATE_MONTHS[month_s],
            int(day_s),
            int(hour_s),
            int(minute_s),
            int(second_s),
        )

    time: tuple[int, int, int] | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    for token in _DELIMITERS.split(text):
        if not token:
            continue
        if time is None:
            match = _TIME.match(token)
            if match is not None:
                time = (int(match[1]), int(match[2]), int(match[3]))
                continue
        if day is None:
            match = _DAY.match(token)
            if match is not None:
                day = int(match[1])
                continue
        if month is None and len(token) >= 3:
            number = _MONTHS.get(token[:3].lower())
            if number is not None:
                month = number
                continue
        if year is None:
            match = _YEAR.match(token)
            if match is not None:
                year = int(match[1])
                continue
    if time is None or day is None or month is None or year is None:
        return None
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    return _timestamp(year, month, day, *time)


def format_cookie_date(timestamp: float) -> str:
    """Format a POSIX timestamp as an IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    whole = int(timestamp)
    days, seconds = divmod(whole, 86400)
    # Inverse of _days_from_civil (H. Hinnant's civil_from_days).
    shifted = days + 719468
    era = shifted // 146097
    day_of_era = shifted - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    year = year_of_era + era * 400
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + (3 if shifted_month < 10 else -9)
    if month <= 2:
        year += 1
    weekday = _WEEKDAYS[(days + 3) % 7]  # 1970-01-01 was a Thursday.
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    return (
        f"{weekday}, {day:02d} {_MONTH_NAMES[month]} {year:04d} "
        f"{hour:02d}:{minute:02d}:{second:02d} GMT"
    )
