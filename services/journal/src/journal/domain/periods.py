"""The producer's periods: its days in its time zone, its months, its fiscal years. No I/O."""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ardoise.errors import Invalid

DAY, MONTH, YEAR = "day", "month", "year"


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    """Inclusive."""

    def as_dict(self) -> dict:
        return {"period": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def check_fiscal_year_start(text: str) -> str:
    """`MM-DD`, a day every year has (so not 29 February)."""
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2025, month, day)
    except ValueError:
        raise Invalid("the fiscal year starts on a day written MM-DD that every year has, "
                      "e.g. 01-01 or 07-01", "fiscal_year_start") from None
    if len(text) != 5:
        raise Invalid("the fiscal year's start is written MM-DD, e.g. 07-01", "fiscal_year_start")
    return text


def fiscal_year(day: date, start: str) -> Period:
    """The fiscal year `day` falls in, for a year starting on `start` (MM-DD) each year."""
    month, first = (int(part) for part in start.split("-"))
    begins = date(day.year, month, first)
    if begins > day:
        begins = date(day.year - 1, month, first)
    following = date(begins.year + 1, month, first)
    return Period(YEAR, begins, following - timedelta(days=1))


def fiscal_year_ending_in(year: int, start: str) -> Period:
    """The fiscal year that closes during `year` (the year a FEC is named by)."""
    found = fiscal_year(date(year, 12, 31), start)
    if found.end.year > year:
        found = fiscal_year(found.start - timedelta(days=1), start)
    return found


def month_of(day: date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(MONTH, day.replace(day=1), day.replace(day=last))


def due_closings(first_open_day: date, today: date, fiscal_year_start: str) -> Iterator[Period]:
    """Every period over before `today` from `first_open_day` on, in the order they close: each
    day, then its month when it ends it, then its fiscal year when it ends it."""
    day = first_open_day
    while day < today:
        yield Period(DAY, day, day)
        month = month_of(day)
        if month.end == day:
            yield month
        year = fiscal_year(day, fiscal_year_start)
        if year.end == day:
            yield year
        day += timedelta(days=1)
