"""An order's lines and total: what makes a valid order, and what is refused naming the line."""

from datetime import date

import pytest

from ardoise.errors import Invalid
from ardoise.money import MAX_AMOUNT_CENTS
from orders.domain.order import Line, new_order, order_total


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
