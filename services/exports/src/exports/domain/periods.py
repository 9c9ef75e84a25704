"""ISO weeks and export periods, checked the way the producer's requests need them."""

import re
from datetime import date, datetime, timedelta

from ardoise.errors import Invalid

MAX_PERIOD_DAYS = 2 * 366
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str, field: str = "week") -> tuple[date, date]:
    """`2026-W48` → (Monday, Sunday) of that ISO week."""
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


def check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise Invalid("from is after to", "from")
    if (period_to - period_from).days > MAX_PERIOD_DAYS:
        raise Invalid("a period covers two years at most", "to")


def week_due(local_now: datetime, send_hour: int) -> str | None:
    """The week whose e-mail is due at this local time: last week, from Monday `send_hour` on."""
    if local_now.weekday() == 0 and local_now.hour < send_hour:
        return None
    return week_of(local_now.date() - timedelta(days=7))
