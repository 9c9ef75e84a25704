"""Export periods and when the weekly e-mail is due."""

from datetime import date, datetime, timedelta

from ardoise.errors import Invalid
from ardoise.weeks import parse_week, week_of

__all__ = ["check_period", "parse_week", "week_due", "week_of"]

MAX_PERIOD_DAYS = 2 * 366


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
