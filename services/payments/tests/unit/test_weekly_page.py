"""The weekly payments page: which days a week covers, and the totals per mode at the bottom."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Invalid
from ardoise.weeks import parse_week, week_of
from payments.domain.settlement import PaymentSettings
from payments.domain.weekly import totals_per_mode


def test_a_week_runs_from_its_monday_to_its_sunday():
    assert parse_week("2026-W48") == (date(2026, 11, 23), date(2026, 11, 29))


def test_the_first_iso_week_can_start_in_the_previous_year_and_the_53rd_end_in_the_next():
    assert parse_week("2026-W01") == (date(2025, 12, 29), date(2026, 1, 4))
    assert parse_week("2026-W53") == (date(2026, 12, 28), date(2027, 1, 3))


@pytest.mark.parametrize("text", ["", "2026-48", "2026W48", "2026-W4", "2026-w48", "26-W48",
                                  "2026-W48 ", "2026-W00", "2025-W53", "2026-W54", "W48-2026"])
def test_a_malformed_or_nonexistent_week_is_refused_naming_the_week(text):
    with pytest.raises(Invalid) as refused:
        parse_week(text)
    assert refused.value.field == "week"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 25)))
def test_every_day_falls_in_exactly_the_week_it_belongs_to(day):
    monday, sunday = parse_week(week_of(day))
    assert monday <= day <= sunday and sunday - monday == timedelta(days=6)
    assert monday.weekday() == 0


def test_the_totals_list_every_offered_mode_with_0_when_nothing_was_received():
    offered = PaymentSettings().changed(accepted_modes=["cash", "card"]).offered_modes
    totals = totals_per_mode([("cash", 2500), ("cash", 1000), ("not_delivered", 0)], offered)
    assert totals == {"not_delivered": 0, "cash": 3500, "card": 0}
    assert list(totals) == ["not_delivered", "cash", "card"]


def test_a_mode_no_longer_accepted_still_counts_what_it_received():
    offered = PaymentSettings().changed(accepted_modes=["cash"]).offered_modes
    assert totals_per_mode([("cheque", 2000), ("cash", 500)], offered) == {
        "not_delivered": 0, "cash": 500, "cheque": 2000}
