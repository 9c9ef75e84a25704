"""Money display and bounds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.money import format_cents


def test_cents_are_shown_the_french_way():
    assert format_cents(1250) == "12,50 €"
    assert format_cents(-2000) == "-20,00 €"
    assert format_cents(5) == "0,05 €"
    assert format_cents(123456789) == "1 234 567,89 €"


def test_floats_are_refused_rather_than_rounded():
    with pytest.raises(TypeError):
        format_cents(12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_cents(True)


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_the_display_reads_back_to_the_same_cents(amount_cents):
    shown = format_cents(amount_cents)
    digits = shown.removesuffix(" €").replace(" ", "").replace(",", "")
    assert int(digits) == amount_cents
