"""Payment references: stable, distinct, found again in a bank's text however it was written."""

from hypothesis import given
from hypothesis import strategies as st

from ardoise.payment_reference import payment_reference, references_in

ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)


def test_a_reference_is_the_same_every_time_and_differs_per_producer_and_customer():
    one = payment_reference("ferme-des-saules", "c-0042")
    assert one == payment_reference("ferme-des-saules", "c-0042")
    assert one != payment_reference("ferme-des-saules", "c-0043")
    assert one != payment_reference("ferme-des-tilleuls", "c-0042")
    assert one.startswith("ARD-") and len(one) == 10


@given(ids, ids, st.sampled_from(["{}", "{}".lower(), "/MOTIF {} /REF X", "VIR {} MARTIN"]),
       st.sampled_from(["-", "", " ", "--"]))
def test_a_reference_is_found_in_any_spelling(producer, customer, frame, dash):
    reference = payment_reference(producer, customer)
    written = reference.replace("-", dash)
    text = frame.format(written)
    assert reference in references_in(text) or reference in references_in(text.upper())


def test_letters_easily_misread_are_read_as_the_digits_they_stand_for():
    reference = payment_reference("p", "c")
    code = reference[4:]
    misread = code.replace("0", "O").replace("1", "I")
    assert references_in(f"virement ard {misread.lower()}") == [reference]


def test_a_longer_word_is_not_a_reference():
    assert references_in("ARDENNES BOIS") == []
    assert references_in("ARD-7K2Q9PX") == []


def test_a_thousand_customers_have_a_thousand_references():
    assert len({payment_reference("p", f"c-{n}") for n in range(1000)}) == 1000


def test_ard_inside_a_word_is_not_a_reference():
    code = payment_reference("p", "c")[4:]
    assert references_in(f"BARD{code}") == []
