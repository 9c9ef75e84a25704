"""VAT of prices entered tax included: per rate, in whole cents, base + VAT = what is paid."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.domain import vat

RATES = st.sampled_from(sorted(vat.RATES))
LINES = st.lists(st.tuples(RATES, st.integers(min_value=1, max_value=10**9)), min_size=1,
                 max_size=40)


@given(LINES)
def test_base_plus_vat_is_the_amount_paid_per_rate_and_in_all(lines):
    rows = vat.breakdown(lines)
    for row in rows:
        assert row.base_cents + row.vat_cents == row.total_cents
        assert row.total_cents == sum(amount for rate, amount in lines if rate == row.rate)
    assert sum(r.base_cents for r in rows) + sum(r.vat_cents for r in rows) == sum(
        amount for _, amount in lines)
    assert [row.rate for row in rows] == sorted({rate for rate, _ in lines},
                                                key=vat.RATES.__getitem__)


@given(RATES, st.integers(min_value=0, max_value=10**11))
def test_the_base_is_the_amount_before_tax_rounded_to_the_nearest_cent(rate, total_cents):
    exact = Decimal(total_cents) * 100 / (100 + Decimal(rate))
    assert vat.base_of(total_cents, rate) == int(exact.quantize(Decimal(1), ROUND_HALF_UP))
    assert vat.base_of(-total_cents, rate) == -vat.base_of(total_cents, rate)


@given(RATES, st.integers(min_value=1, max_value=10**11))
def test_the_vat_is_within_a_cent_of_the_rate_applied_to_the_base(rate, total_cents):
    [row] = vat.breakdown([(rate, total_cents)])
    assert abs(row.vat_cents - row.base_cents * Decimal(rate) / 100) <= 1


@given(LINES)
def test_the_lines_of_a_rate_share_its_base_exactly(lines):
    bases = vat.line_bases(lines)
    for row in vat.breakdown(lines):
        members = [i for i, (rate, _) in enumerate(lines) if rate == row.rate]
        assert sum(bases[i] for i in members) == row.base_cents
        for i in members:  # each line's share within a cent of its own base
            assert abs(bases[i] - lines[i][1] * row.base_cents / row.total_cents) < 1


def test_a_basket_at_two_rates_as_a_farm_prices_it():
    rows = vat.breakdown([("5.5", 2000), ("5.5", 450), ("20", 1200)])
    assert [(r.rate, r.base_cents, r.vat_cents, r.total_cents) for r in rows] == [
        ("5.5", 2322, 128, 2450), ("20", 1000, 200, 1200)]


@pytest.mark.parametrize("written, rate", [(5.5, "5.5"), ("5,5", "5.5"), ("20 %", "20"),
                                           (Decimal("10.00"), "10"), (0, "0"), ("2.1", "2.1")])
def test_rates_are_read_as_people_write_them(written, rate):
    assert vat.rate_of(written) == rate


@pytest.mark.parametrize("written", ["7", "19.6", "abc", "", "NaN", 5.4])
def test_a_rate_france_does_not_have_is_refused(written):
    with pytest.raises(ValueError):
        vat.rate_of(written)
