"""Dates in queries: 2024-06-01..2024-07-04, 2024-06-01.., ..2024-07-04, 2024, 2024-06."""

from __future__ import annotations

import calendar
import re
from datetime import date

from .query_ast import DateRange
from .types import QueryError

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _parse_date(text: str, end: bool) -> date:
    m = _DATE_RE.match(text)
    if not m:
        raise QueryError(f"'{text}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY.")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        month_n = int(month)
        if day is None:
            return date(year, month_n, calendar.monthrange(year, month_n)[1] if end else 1)
        return date(year, month_n, int(day))
    except (ValueError, calendar.IllegalMonthError):
        raise QueryError(f"'{text}' is not a real date.") from None


def parse_date_range(value: str) -> DateRange:
    """Parse '2024-06-01..2024-07-04', '2024-06-01..', '..2024-07-04', '2024' or '2024-06'."""
    value = value.strip()
    if ".." in value:
        left, _, right = value.partition("..")
        start = _parse_date(left, end=False) if left else None
        stop = _parse_date(right, end=True) if right else None
        if start is None and stop is None:
            raise QueryError("A date range needs at least one date, for example delivered:2024-06-01..")
    else:
        start, stop = _parse_date(value, end=False), _parse_date(value, end=True)
    if start and stop and start > stop:
        raise QueryError("The date range ends before it starts.")
    return DateRange(start, stop)
