"""ISO weeks (`2026-W48`) as the API writes them, and days as a producer lives them."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ardoise.errors import Invalid

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str, field: str = "week") -> tuple[date, date]:
    """`2026-W48` → (Monday, Sunday) of that ISO week; anything else is refused naming the field."""
    match = _WEEK.match(text or "")
    if not match:
        raise Invalid("week must look like 2026-W48", field)
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as error:
        raise Invalid(f"no such ISO week: {text}", field) from error
    return monday, monday + timedelta(days=6)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def local_days(first: date, last: date, time_zone: str) -> tuple[datetime, datetime]:
    """The instants from the start of `first` to the start of the day after `last`, in the
    producer's time zone: the half-open range of its days, whatever the clocks do between."""
    zone = ZoneInfo(time_zone)
    return (datetime.combine(first, time(), zone),
            datetime.combine(last + timedelta(days=1), time(), zone))
