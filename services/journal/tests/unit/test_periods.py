"""The producer's periods: fiscal years of any start, closings due in the order they end."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Invalid
from journal.domain.periods import (
    check_fiscal_year_start,
    due_closings,
    fiscal_year,
    fiscal_year_ending_in,
)

starts = st.sampled_from(["01-01", "04-01", "07-01", "10-01", "02-28", "12-31"])


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), starts)
def test_a_day_falls_in_one_fiscal_year_of_a_year(day, start):
    year = fiscal_year(day, start)
    assert year.start <= day <= year.end
    assert fiscal_year(year.end + timedelta(days=1), start).start == year.end + timedelta(days=1)
    assert 365 <= (year.end - year.start).days + 1 <= 366


def test_the_fiscal_year_a_fec_names_is_the_one_closing_that_year():
    assert (fiscal_year_ending_in(2026, "01-01").start, fiscal_year_ending_in(2026, "01-01").end) \
        == (date(2026, 1, 1), date(2026, 12, 31))
    july = fiscal_year_ending_in(2026, "07-01")
    assert (july.start, july.end) == (date(2025, 7, 1), date(2026, 6, 30))


@given(st.dates(date(2020, 1, 1), date(2030, 1, 1)), st.integers(1, 800), starts)
def test_every_day_closes_once_then_its_month_and_year_when_it_ends_them(first, span, start):
    today = first + timedelta(days=span)
    periods = list(due_closings(first, today, start))
    days = [p.start for p in periods if p.kind == "day"]
    assert days == [first + timedelta(days=i) for i in range(span)]
    for index, period in enumerate(periods):
        if period.kind != "day":
            assert periods[index - 1].end == period.end  # right after the day that ends it
            assert period.end < today


@pytest.mark.parametrize("text", ["02-29", "13-01", "1-1", "jan", "00-10"])
def test_a_start_every_year_does_not_have_is_refused(text):
    with pytest.raises(Invalid):
        check_fiscal_year_start(text)
