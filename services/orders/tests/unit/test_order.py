"""An order's lines and total: what makes a valid order, and what is refused naming the line."""

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Invalid
from ardoise.money import MAX_AMOUNT_CENTS
from orders.domain.order import (
    UNITS,
    Line,
    format_quantity,
    line_amount_cents,
    new_order,
    order_total,
    quantity_json,
)


def test_the_total_is_the_sum_of_quantity_times_unit_price():
    lines = [Line("Panier de légumes", 1, 2000), Line("Œufs (x6)", 3, 250)]
    assert order_total(lines) == 2750


def test_a_new_order_is_placed_with_its_total_and_an_id_of_its_own():
    first = new_order("ferme-a", "c1", date(2026, 11, 25), [Line("Panier", 2, 1000)])
    second = new_order("ferme-a", "c1", date(2026, 11, 25), [Line("Panier", 2, 1000)])
    assert (first.total_cents, first.status) == (2000, "placed")
    assert first.order_id != second.order_id


def test_an_order_without_lines_is_refused_naming_the_lines():
    with pytest.raises(Invalid) as refused:
        order_total([])
    assert refused.value.field == "lines"


@pytest.mark.parametrize("line", [Line("Panier", 0, 2000), Line("Panier", -1, 2000),
                                  Line("Panier", 1, 0), Line("Panier", 1, -5),
                                  Line("   ", 1, 100), Line("Panier\nde légumes", 1, 100),
                                  Line("Pan\x00ier", 1, 100), Line("Panier\u2028", 1, 100)])
def test_a_non_positive_quantity_or_price_or_a_bad_label_is_refused_naming_the_line(line):
    with pytest.raises(Invalid) as refused:
        order_total([Line("Œufs", 1, 250), line])
    assert refused.value.field == "lines.1"


def test_a_label_may_hold_accents_and_no_break_spaces():
    assert order_total([Line("Crème fraîche\u00a0: 50\u202fcl", 1, 450)]) == 450


def test_an_absurd_total_is_refused():
    with pytest.raises(Invalid) as refused:
        order_total([Line("Tracteur", 2, MAX_AMOUNT_CENTS // 2 + 1)])
    assert refused.value.field == "lines"


# Sales by weight: quantities with three decimals at most, each line rounded to the cent half up.

quantities_in_thousandths = st.integers(min_value=1, max_value=100_000_000)
unit_prices = st.integers(min_value=1, max_value=10**9)


def thousandths(n: int) -> Decimal:
    return Decimal(n).scaleb(-3)


@given(quantities_in_thousandths, unit_prices)
def test_a_line_amount_is_the_exact_product_rounded_half_up_to_the_cent(q, price):
    """Checked against integer arithmetic alone: q thousandths × price, + 500, // 1000."""
    amount = line_amount_cents(thousandths(q), price)
    assert amount == (q * price + 500) // 1000
    assert abs(Decimal(amount) - thousandths(q) * price) <= Decimal("0.5")


@given(st.integers(min_value=1, max_value=100_000), unit_prices)
def test_a_whole_quantity_is_exact_as_before_sales_by_weight(q, price):
    assert Line("Panier", q, price).amount_cents == q * price


@given(quantities_in_thousandths, quantities_in_thousandths, unit_prices)
def test_more_of_the_same_never_costs_less(a, b, price):
    small, large = sorted((a, b))
    assert line_amount_cents(thousandths(small), price) <= line_amount_cents(thousandths(large),
                                                                             price)


@given(st.lists(st.tuples(st.integers(1, 1_000_000), st.integers(1, 10**6)), min_size=1,
                max_size=20))
def test_the_total_is_the_sum_of_the_rounded_lines(sold):
    lines = [Line("Tomates", thousandths(q), price, "kg") for q, price in sold]
    assert order_total(lines) == sum((q * price + 500) // 1000 for q, price in sold)


@given(quantities_in_thousandths, st.sampled_from(sorted(UNITS)))
def test_a_stored_line_reads_back_the_same(q, unit):
    line = Line("Fromage", thousandths(q), 1234, unit)
    assert Line.stored(json.loads(json.dumps(line.to_stored()))) == line
    assert Decimal(str(quantity_json(line.quantity))) == line.quantity


def test_half_a_cent_goes_up_and_less_goes_down():
    assert line_amount_cents(Decimal("1.255"), 399) == 501      # 500,745 cents
    assert line_amount_cents(Decimal("0.5"), 1) == 1            # 0,5 cent
    assert line_amount_cents(Decimal("0.499"), 1) == 0          # 0,499 cent
    assert line_amount_cents(Decimal("0.25"), 2) == 1           # 0,5 cent: half up, not even
    assert line_amount_cents(Decimal("0.75"), 2) == 2           # 1,5 cents


def test_lines_stored_before_sales_by_weight_read_as_pieces():
    assert Line.stored({"label": "Panier", "quantity": 2, "unit_price_cents": 1000}) == Line(
        "Panier", Decimal(2), 1000, "piece")


@pytest.mark.parametrize("line", [Line("Tomates", Decimal("1.2345"), 400, "kg"),
                                  Line("Tomates", Decimal("100000.001"), 400, "kg"),
                                  Line("Tomates", Decimal("0.0001"), 400, "kg"),
                                  Line("Tomates", Decimal("NaN"), 400, "kg"),
                                  Line("Tomates", Decimal("1.5"), 400, "livre")])
def test_a_quantity_beyond_a_thousandth_or_an_unknown_unit_is_refused(line):
    with pytest.raises(Invalid) as refused:
        order_total([line])
    assert refused.value.field == "lines.0"


def test_a_float_quantity_is_refused_rather_than_rounded_silently():
    with pytest.raises(TypeError):
        Line("Tomates", 1.1, 400, "kg")


@pytest.mark.parametrize(("quantity", "unit", "text"), [
    ("1.25", "kg", "1,25 kg"), ("1.250", "kg", "1,25 kg"), ("3", "piece", "3"),
    ("0.5", "l", "0,5 l"), ("2", "bunch", "2 bottes"), ("1", "dozen", "1 douzaine"),
    ("100000", "g", "100000 g"), ("0.001", "kg", "0,001 kg")])
def test_quantities_read_as_french_decimals(quantity, unit, text):
    assert format_quantity(Decimal(quantity), unit) == text
