"""Names as the customers page searches them."""

import pytest

from accounts.domain.search import searchable


@pytest.mark.parametrize(("name", "searched"), [
    ("Élise  MARTIN", "elise martin"), ("Zoë Œuvre", "zoe oeuvre"), ("Strauß", "strauss"),
    ("  Ça   va ", "ca va"), ("ÆLFRIC", "aelfric"), ("c-0042", "c-0042")])
def test_a_name_is_searched_without_accents_case_or_extra_spaces(name, searched):
    assert searchable(name) == searched
