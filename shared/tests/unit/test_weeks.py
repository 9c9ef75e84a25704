"""ISO weeks as the API writes them, and a producer's days as instants."""

from datetime import UTC, date, datetime

import pytest

from ardoise.errors import Invalid
from ardoise.weeks import local_days, parse_week, week_of


def test_a_week_over_new_year_runs_monday_to_sunday_across_the_two_years():
    assert parse_week("2026-W53") == (date(2026, 12, 28), date(2027, 1, 3))
    assert week_of(date(2027, 1, 3)) == "2026-W53" and week_of(date(2027, 1, 4)) == "2027-W01"


@pytest.mark.parametrize("text", ["2026-W54", "2026W48", "48", "", "2026-w48"])
def test_what_is_not_an_iso_week_is_refused_naming_the_field(text):
    with pytest.raises(Invalid):
        parse_week(text)


def test_a_producers_week_starts_and_ends_at_its_own_midnight():
    start, end = local_days(date(2026, 11, 23), date(2026, 11, 29), "Europe/Paris")
    assert start.astimezone(UTC) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    noumea = local_days(date(2026, 11, 23), date(2026, 11, 29), "Pacific/Noumea")
    assert noumea[0].astimezone(UTC) == datetime(2026, 11, 22, 13, 0, tzinfo=UTC)


def test_the_week_the_clocks_go_forward_is_an_hour_short():
    start, end = local_days(date(2027, 3, 22), date(2027, 3, 28), "Europe/Paris")
    # (in UTC: Python subtracts two times of one zone by their wall clocks)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 7 * 24 * 3600 - 3600
