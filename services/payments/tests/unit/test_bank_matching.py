"""Matching transfers received to customers and orders: by payment reference, else by name and
amount, each proposal scored and explained to the producer."""

import uuid
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ardoise.payment_reference import payment_reference
from payments.domain.bank_matching import (
    SURE,
    Customer,
    Matcher,
    OpenOrder,
    name_words,
    propose,
)
from payments.domain.statements.model import BankLine

PRODUCER = "ferme-des-saules"


def customer(customer_id: str, name: str) -> Customer:
    return Customer(customer_id, name, payment_reference(PRODUCER, customer_id))


CLAIRE = customer("c-claire", "Claire Martin")
PAUL = customer("c-paul", "M. Paul Lefèvre")
JOSE = customer("c-jose", "José-Maria de la Fuente")
CUSTOMERS = [CLAIRE, PAUL, JOSE]
BASKET = OpenOrder(uuid.UUID("3f2a9c1b-0000-4000-8000-000000000001"), "c-claire", 2350,
                   date(2026, 11, 27))
EGGS = OpenOrder(uuid.UUID("b7e01d44-0000-4000-8000-000000000002"), "c-claire", 480,
                 date(2026, 12, 4))
PAUL_BASKET = OpenOrder(uuid.uuid4(), "c-paul", 2350, date(2026, 11, 27))
ORDERS = [BASKET, EGGS, PAUL_BASKET]


def credit(cents: int, label: str, counterparty: str | None = None,
           reference: str | None = None) -> BankLine:
    return BankLine("FR7630006000011234567890189", date(2026, 11, 28), cents, label,
                    counterparty=counterparty, reference=reference)


def test_names_lose_accents_case_punctuation_civilities_and_particles():
    assert name_words("M. Jean-Noël d'Hervé") == ("JEAN", "NOEL", "HERVE")
    assert set(name_words("MME MARTIN CLAIRE")) == set(name_words("Claire Martin"))
    assert name_words("M OU MME Œillet") == ("OEILLET",)


def test_the_customer_s_reference_in_the_label_is_sure_and_pays_the_order_of_that_amount():
    line = credit(2350, f"VIR SEPA RECU /DE MARTIN C. /MOTIF {CLAIRE.reference} PANIER")
    proposal = propose(line, CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.order_id, proposal.score) == ("c-claire",
                                                                         BASKET.order_id, 100)
    assert proposal.sure
    assert proposal.reasons == (f"référence {CLAIRE.reference}",
                                "montant d'une commande du 2026-11-27")


def test_a_reference_however_spelled_in_the_remittance_reference_is_found():
    spelled = CLAIRE.reference.lower().replace("-", " ")
    proposal = propose(credit(1000, "VIREMENT INSTANTANE", "SCI LES TILLEULS", spelled),
                       CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.score) == ("c-claire", 100)


def test_a_reference_without_an_order_of_that_amount_tops_up_the_account():
    proposal = propose(credit(5000, f"PROVISION {CLAIRE.reference}"), CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.order_id, proposal.score) == ("c-claire", None, 100)
    assert proposal.reasons[-1] == "sans commande : crédit au compte"


def test_two_orders_of_the_amount_name_none_unless_the_payer_gave_the_order_s_number():
    twin = OpenOrder(uuid.UUID("c0ffee00-0000-4000-8000-000000000003"), "c-claire", 2350,
                     date(2026, 12, 11))
    orders = [BASKET, twin]
    plain = propose(credit(2350, f"VIR {CLAIRE.reference}"), CUSTOMERS, orders)
    assert plain.order_id is None and plain.score == 100
    numbered = propose(credit(2350, f"VIR {CLAIRE.reference} CDE C0FFEE00"), CUSTOMERS, orders)
    assert numbered.order_id == twin.order_id
    assert "n° de commande c0ffee00" in numbered.reasons


def test_the_order_s_number_names_it_even_for_another_amount():
    proposal = propose(credit(2000, f"{CLAIRE.reference} commande 3f2a9c1b acompte"),
                       CUSTOMERS, ORDERS)
    assert proposal.order_id == BASKET.order_id


def test_another_customer_s_name_does_not_outweigh_the_reference():
    line = credit(2350, f"VIR {CLAIRE.reference}", counterparty="M. PAUL LEFEVRE")
    assert propose(line, CUSTOMERS, ORDERS).customer_id == "c-claire"


def test_references_of_two_customers_are_never_sure_and_name_both():
    line = credit(2830, f"{CLAIRE.reference} ET {PAUL.reference}")
    proposal = propose(line, CUSTOMERS, ORDERS)
    assert proposal.score == 40 and proposal.order_id is None and not proposal.sure
    assert "Claire Martin" in proposal.reasons[0] and "Paul Lefèvre" in proposal.reasons[0]


def test_an_unknown_reference_falls_back_to_the_name():
    line = credit(480, "VIR ARD-000000", counterparty="MARTIN CLAIRE")
    proposal = propose(line, CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.order_id, proposal.score) == ("c-claire",
                                                                         EGGS.order_id, 90)


def test_the_full_name_in_any_order_with_one_order_of_that_amount_is_sure():
    proposal = propose(credit(480, "VIR SEPA RECU", "MME MARTIN CLAIRE"), CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.order_id, proposal.score) == ("c-claire",
                                                                         EGGS.order_id, SURE)
    assert proposal.reasons == ("nom MARTIN CLAIRE", "montant d'une commande du 2026-12-04")


def test_the_full_name_without_an_order_of_that_amount_waits_for_the_producer():
    proposal = propose(credit(1234, "VIR SEPA RECU", "Claire MARTIN"), CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.order_id, proposal.score) == ("c-claire", None, 60)
    assert not proposal.sure


def test_without_a_counterparty_the_label_is_read_for_the_name():
    line = credit(2350, "VIR SEPA DE M JOSE MARIA DE LA FUENTE MOTIF LEGUMES")
    proposal = propose(line, CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.score) == ("c-jose", 60)


def test_the_surname_alone_is_a_partial_match():
    proposal = propose(credit(999, "VIR", "M OU MME MARTIN"), CUSTOMERS, ORDERS)
    assert (proposal.customer_id, proposal.order_id, proposal.score) == ("c-claire", None, 40)
    assert proposal.reasons == ("nom partiel MARTIN",)
    with_order = propose(credit(480, "VIR", "M OU MME MARTIN"), CUSTOMERS, ORDERS)
    assert (with_order.order_id, with_order.score) == (EGGS.order_id, 70)


def test_an_initial_alone_matches_no_one():
    assert propose(credit(480, "VIR", "C. DUPONT"), CUSTOMERS, ORDERS) is None


def test_namesakes_are_never_sure_and_are_all_named():
    other = customer("c-claire-2", "MARTIN Claire")
    proposal = propose(credit(2350, "VIR", "CLAIRE MARTIN"), [*CUSTOMERS, other], ORDERS)
    assert proposal.score == 40 and proposal.order_id is None
    assert proposal.customer_id == "c-claire"  # the only one with an order of that amount
    assert CLAIRE.reference in proposal.reasons[0] and other.reference in proposal.reasons[0]


def test_the_fuller_name_wins_over_a_shorter_one_it_contains():
    martin = customer("c-martin", "Martin")
    proposal = propose(credit(480, "VIR", "MARTIN CLAIRE"), [martin, *CUSTOMERS], ORDERS)
    assert (proposal.customer_id, proposal.score) == ("c-claire", 90)


def test_debits_and_strangers_get_no_proposal():
    assert propose(credit(-2350, f"PRLV {CLAIRE.reference}", "MARTIN CLAIRE"),
                   CUSTOMERS, ORDERS) is None
    assert propose(credit(2350, "VIR SEPA RECU", "SARL BOULANGERIE DUVAL"),
                   CUSTOMERS, ORDERS) is None


def test_a_matcher_built_once_answers_for_many_lines():
    matcher = Matcher(CUSTOMERS, ORDERS)
    assert matcher.propose(credit(480, "VIR", "MARTIN CLAIRE")).order_id == EGGS.order_id
    assert matcher.propose(credit(2350, "VIR", "PAUL LEFEVRE")).order_id == PAUL_BASKET.order_id


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
words = st.sampled_from(["MARTIN", "Claire", "M.", "de", "ARD-", "3f2a9c1b", "Lefèvre", "-",
                         "ARD 7K2Q9P", "ß", "Œ"])
texts = st.one_of(names, st.lists(words, max_size=6).map(" ".join))


@settings(max_examples=300)
@given(st.lists(st.tuples(st.text("abc123", min_size=1, max_size=4), texts,
                          st.booleans()), max_size=8),
       st.lists(st.tuples(st.integers(0, 10), st.integers(-500, 3000)), max_size=8),
       st.integers(-10**6, 10**6), texts, st.none() | texts, st.none() | texts)
def test_propose_never_raises_and_names_only_known_customers_and_their_orders(
        people, debts, cents, label, counterparty, reference):
    customers = [Customer(cid, name, payment_reference(PRODUCER, cid) if real else name)
                 for cid, name, real in people]
    orders = [OpenOrder(uuid.uuid4(), customers[i % len(customers)].customer_id, due,
                        date(2026, 11, 27)) for i, due in debts if customers]
    texts_of = [c.reference for c in customers] + [c.name for c in customers]
    line = credit(cents, " ".join([label, *texts_of[:3]]), counterparty, reference)
    proposal = propose(line, customers, orders)
    if proposal is None:
        return
    assert cents > 0
    assert proposal.customer_id in {c.customer_id for c in customers}
    assert 0 <= proposal.score <= 100 and proposal.reasons
    if proposal.order_id is not None:
        assert any(o.order_id == proposal.order_id and o.customer_id == proposal.customer_id
                   for o in orders)


VOCABULARY = ["Claire", "Martin", "Paul", "Lefèvre", "José", "Maria", "Fuente", "Lê", "Ng"]


@given(st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3), min_size=1,
                max_size=12), st.data())
def test_a_customer_s_full_name_however_written_finds_that_name(names, data):
    customers = [customer(f"c{i}", " ".join(n)) for i, n in enumerate(names)]
    written = data.draw(st.permutations(names[0])).copy()
    payer = "MME " + " ".join(written).upper()
    proposal = propose(credit(1000, "VIR SEPA RECU", payer), customers, [])
    found = next(c for c in customers if c.customer_id == proposal.customer_id)
    as_read = [set(name_words(c.name)) for c in customers]
    assert set(name_words(found.name)) == as_read[0]
    assert proposal.score == (60 if as_read.count(as_read[0]) == 1 else 40)
