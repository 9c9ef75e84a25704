"""SIREN, SIRET, VAT numbers and postal addresses as ardoise.companies checks and keeps them."""

import re

import pytest
from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.fr import tva

from ardoise.companies import (
    ADDRESS_PATTERN,
    address_of,
    french_vat_number,
    siren_in_vat_number,
    siren_of,
    siret_of,
    vat_number_of,
)
from ardoise.text import CONTROL_CHARACTERS


def with_luhn_digit(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


@pytest.mark.parametrize("typed", ["732829320", "732 829 320", " 732\u00a0829\u202f320 ",
                                   with_luhn_digit("44306184")])
def test_a_siren_is_nine_digits_with_a_luhn_check_digit_spaces_aside(typed):
    assert siren_of(typed) == typed.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")


@pytest.mark.parametrize("typed", ["732829321", "73282932", "7328293200", "732.829.320",
                                   "", "abcdefghi", "７３２８２９３２０", None, 732829320])
def test_anything_else_is_not_a_siren(typed):
    with pytest.raises(ValueError):
        siren_of(typed)


def test_a_siret_is_the_siren_and_five_digits_with_a_luhn_check_digit():
    assert siret_of("732 829 320 00074") == "73282932000074"
    made = with_luhn_digit("732829320" + "0012")
    assert siret_of(made) == made
    for wrong in ("73282932000075", "7328293200007", "732829320", "73282932000074x"):
        with pytest.raises(ValueError):
            siret_of(wrong)
    # the check digit of the whole may hold while the SIREN's does not
    with pytest.raises(ValueError):
        siret_of(with_luhn_digit("732829321" + "0001"))


def test_a_french_vat_number_is_fr_a_key_and_the_siren_kept_compact():
    assert vat_number_of("FR44732829320") == "FR44732829320"
    assert vat_number_of("fr 44 732.829.320") == "FR44732829320"
    assert tva.is_valid(french_vat_number("732829320"))
    assert french_vat_number("732 829 320") == "FR44732829320"
    assert siren_in_vat_number("FR 44 732829320") == "732829320"
    for wrong in ("FR45732829320", "44732829320", "FR44732829321", "FR4473282932", "FR",
                  "732829320"):
        with pytest.raises(ValueError):
            vat_number_of(wrong)


def test_another_member_states_vat_number_is_checked_by_its_own_rule():
    assert vat_number_of("DE 136 695 976") == "DE136695976"
    assert vat_number_of("BE 0203.201.340") == "BE0203201340"
    assert eu_vat.is_valid("EL094259216") and vat_number_of("EL094259216") == "EL094259216"
    assert siren_in_vat_number("DE136695976") is None
    for wrong in ("DE136695977", "GR094259216", "GB925721700", "CHE116281710", "US123456789"):
        with pytest.raises(ValueError):
            vat_number_of(wrong)


def test_an_address_is_one_to_five_stripped_lines_of_at_most_300_characters():
    assert address_of("  12 chemin des Saules \r\n\n 49000 Angers\n") == \
        "12 chemin des Saules\n49000 Angers"
    assert address_of("\n".join(["ligne"] * 5)).count("\n") == 4
    for wrong in ("\n".join(["ligne"] * 6), " \n ", "x" * 301, "a\tb", "a\x00b", "a\u2028b",
                  "a\u202eb", None):
        with pytest.raises(ValueError):
            address_of(wrong)


def test_the_address_pattern_refuses_what_one_line_text_refuses_but_the_line_feed():
    assert re.match(ADDRESS_PATTERN, "12 chemin des Saules\n49000 Angers")
    for wrong in ("a\rb", "a\tb", "a\x0bb", "a\x85b", "a\u2029b", "a\u2066b"):
        assert not re.match(ADDRESS_PATTERN, wrong)
        assert not re.match(f"^[^{CONTROL_CHARACTERS}]*$", wrong)
