"""Export periods and when the weekly e-mail is due."""

from datetime import date, datetime, timedelta

from ardoise.errors import Invalid
from ardoise.weeks import parse_week, week_of

__all__ = ["check_invoices_period", "check_period", "parse_week", "week_due", "week_of",
           "weeks_due"]

MAX_PERIOD_DAYS = 2 * 366
MAX_INVOICES_PERIOD_DAYS = 366
"""An invoices workbook covers a year at most, a leap one whole (its first and last days
counted)."""


def check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise Invalid("from is after to", "from")
    if (period_to - period_from).days > MAX_PERIOD_DAYS:
        raise Invalid("a period covers two years at most", "to")


def check_invoices_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise Invalid("from is after to", "from")
    if (period_to - period_from).days + 1 > MAX_INVOICES_PERIOD_DAYS:
        raise Invalid(f"an invoices period covers {MAX_INVOICES_PERIOD_DAYS} days at most", "to")


def week_due(local_now: datetime, send_hour: int) -> str | None:
    """The week whose e-mail is due at this local time: last week, from Monday `send_hour` on."""
    if local_now.weekday() == 0 and local_now.hour < send_hour:
        return None
    return week_of(local_now.date() - timedelta(days=7))


CATCH_UP_WEEKS = 8
"""A week whose e-mail could not go (the service down, the mail server refusing) is still sent
when it can, for this many weeks back."""


def weeks_due(local_now: datetime, send_hour: int, since: date,
              weeks_back: int = CATCH_UP_WEEKS) -> list[str]:
    """Every week whose e-mail is due at this local time, oldest first: last week (from Monday
    `send_hour` on) and the weeks before it, back to the first whole week after `since` (the
    day the producer gave its address) and at most `weeks_back` weeks."""
    last = week_due(local_now, send_hour)
    if last is None:
        last_monday = local_now.date() - timedelta(days=local_now.weekday() + 14)
    else:
        last_monday = parse_week(last)[0]
    first_monday = since + timedelta(days=(7 - since.weekday()) % 7)
    weeks = []
    monday = last_monday
    while monday >= first_monday and len(weeks) < weeks_back:
        weeks.append(week_of(monday))
        monday -= timedelta(days=7)
    return list(reversed(weeks))
