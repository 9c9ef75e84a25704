"""What `?at=` names: the instant a balance is asked at, read in the producer's time zone.

A date or time is read as the end of what it names, so that everything recorded during it
counts: `2026-10-31` is that day's last microsecond, `2026-10-31T23:59` the last microsecond of
that minute, `…T23:59:30` of that second; fractions of a second are exact to the microsecond.
Without a zone it is the producer's wall-clock time; with `Z` or an offset (`+01:00`), that
instant. When clocks go back, a wall-clock time that happens twice is read as its second
occurrence (the end of it again); one that never happens, when clocks go forward, is refused.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ardoise.errors import Invalid

DEFAULT_TIME_ZONE = "Europe/Paris"
"""The zone of a producer the accounts have not heard a time zone of."""
MAX_AT_LENGTH = 40

_AT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
    r"(?P<zone>Z|z|[+\- ]\d{2}(?::?\d{2})?)?)?")
_ONE = {"day": timedelta(days=1), "minute": timedelta(minutes=1),
        "second": timedelta(seconds=1), "fraction": timedelta(microseconds=1)}


class InvalidMoment(Invalid):
    """`at` is not a date or time the ledger can be read at (422, naming the query field)."""

    def detail(self) -> list[dict]:
        return [{"loc": ["query", "at"], "msg": self.message, "type": "value_error"}]


def zone_named(name: str | None) -> ZoneInfo:
    """The producer's zone; the default for none, or for a name this machine does not know."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def read_at(text: str, zone: ZoneInfo) -> datetime:
    """The last instant (UTC) that `text` names, wall-clock times read in `zone`."""
    found = _AT.fullmatch(text.strip()) if len(text) <= MAX_AT_LENGTH else None
    if found is None:
        raise InvalidMoment("at must be a date or a date and time, e.g. 2026-10-31 or "
                            "2026-10-31T23:59, optionally with Z or an offset (+01:00)")
    parts = found.groupdict()
    fraction = parts["fraction"]
    precision = ("day" if parts["hour"] is None else "minute" if parts["second"] is None
                 else "second" if fraction is None else "fraction")
    try:
        start = datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]),
                         int(parts["hour"] or 0), int(parts["minute"] or 0),
                         int(parts["second"] or 0), int((fraction or "0").ljust(6, "0")))
        last = start + _ONE[precision] - timedelta(microseconds=1)
        if parts["zone"] is not None:
            return _at_offset(last, parts["zone"])
        return _at_wall_clock(last, zone, text)
    except (ValueError, OverflowError) as error:
        raise InvalidMoment(f"at is not a date and time: {error}") from None


def _at_offset(last: datetime, zone: str) -> datetime:
    if zone in ("Z", "z"):
        return last.replace(tzinfo=UTC)
    # a `+` left unencoded in a query string arrives as a space
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {zone.strip()} is not one")
    offset = sign * timedelta(hours=hours, minutes=minutes)
    return (last - offset).replace(tzinfo=UTC)


def _at_wall_clock(last: datetime, zone: ZoneInfo, text: str) -> datetime:
    later = last.replace(tzinfo=zone, fold=1)
    instant = later.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != last:
        raise InvalidMoment(f"{text.strip()} does not exist in {zone.key}: the clocks went "
                            f"forward then")
    return instant
