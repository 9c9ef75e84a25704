"""Bank transactions: kept once however often imported, applied or queued, and every change of
mind a counter-entry, so that no amount is ever created or lost."""

import uuid
from collections import Counter
from datetime import date

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ardoise.errors import Conflict
from payments.domain.bank_book import (
    APPLIED,
    IGNORED,
    LISTED,
    NEW,
    QUEUED,
    Application,
    Credit,
    Reversal,
    confirm,
    decide,
    ignore,
    import_lines,
    reassign,
    undo,
)
from payments.domain.bank_matching import Proposal
from payments.domain.statements.model import BankLine

IBAN = "FR7630006000011234567890189"
BASKET, EGGS = uuid.UUID(int=1), uuid.UUID(int=2)


def line(cents: int, label: str, bank_reference: str | None = None,
         day: int = 28) -> BankLine:
    return BankLine(IBAN, date(2026, 11, day), cents, label, bank_reference=bank_reference)


TRANSFER = line(2350, "VIR SEPA RECU /DE MARTIN CLAIRE /MOTIF ARD-7K2Q9P", "2026112800042")
SURE = Proposal("c-claire", BASKET, 100, ("référence ARD-7K2Q9P",))
UNSURE = Proposal("c-claire", None, 60, ("nom MARTIN CLAIRE",))


def new(bank_line: BankLine = TRANSFER):
    return import_lines(set(), [bank_line])[0][0]


def test_a_file_s_lines_become_new_transactions_once_and_duplicates_are_counted():
    fee = line(-450, "FRAIS TENUE DE COMPTE")
    fresh, duplicates = import_lines(set(), [TRANSFER, fee, TRANSFER])
    assert [t.key for t in fresh] == [TRANSFER.key, fee.key] and duplicates == 1
    assert all(t.status == NEW and t.applications == () for t in fresh)
    again, duplicates = import_lines({TRANSFER.key, fee.key}, [fee, TRANSFER, line(1, "X")])
    assert [t.line.label for t in again] == ["X"] and duplicates == 2


def test_a_sure_proposal_is_applied_at_once_as_one_credit():
    tx, effects = decide(new(), SURE)
    assert (tx.status, tx.customer_id, tx.order_id, tx.score) == (APPLIED, "c-claire", BASKET, 100)
    assert tx.applications == (Application("c-claire", BASKET, 2350),)
    assert effects == [Credit("c-claire", BASKET, 2350, TRANSFER.key, 0)]


def test_an_unsure_proposal_waits_in_the_queue_with_its_reasons():
    tx, effects = decide(new(), UNSURE)
    assert (tx.status, tx.customer_id, tx.score, tx.reasons) == (
        QUEUED, "c-claire", 60, ("nom MARTIN CLAIRE",))
    assert effects == [] and tx.applied_cents == 0


def test_a_line_matched_to_no_one_waits_unmatched_and_cannot_be_confirmed():
    tx, effects = decide(new(), None)
    assert (tx.status, tx.customer_id, effects) == (QUEUED, None, [])
    with pytest.raises(Conflict, match="reassign"):
        confirm(tx)


def test_debits_are_listed_never_applied_to_a_customer():
    tx, effects = decide(new(line(-8900, "PRLV SEPA EDF")), SURE)
    assert (tx.status, tx.customer_id, effects) == (LISTED, None, [])
    for action in (confirm, ignore, undo):
        with pytest.raises(Conflict):
            action(tx)


def test_confirming_a_queued_proposal_applies_it():
    tx, effects = confirm(decide(new(), UNSURE)[0])
    assert tx.status == APPLIED and tx.applied_cents == 2350
    assert effects == [Credit("c-claire", None, 2350, TRANSFER.key, 0)]


def test_reassigning_an_applied_transaction_reverses_it_then_applies_it_anew():
    applied, _ = decide(new(), SURE)
    tx, effects = reassign(applied, "c-paul", EGGS)
    assert effects == [Reversal("c-claire", BASKET, 2350, TRANSFER.key, 1),
                       Credit("c-paul", EGGS, 2350, TRANSFER.key, 2)]
    assert [a.amount_cents for a in tx.applications] == [2350, -2350, 2350]
    assert (tx.status, tx.customer_id, tx.order_id, tx.score) == (APPLIED, "c-paul", EGGS, None)
    assert sum(e.signed_cents for e in effects) == 0


def test_reassigning_a_queued_transaction_applies_it_and_the_same_match_again_does_nothing():
    tx, effects = reassign(decide(new(), None)[0], "c-paul", None)
    assert effects == [Credit("c-paul", None, 2350, TRANSFER.key, 0)]
    assert reassign(tx, "c-paul", None) == (tx, [])


def test_ignoring_a_queued_transaction_applies_nothing_and_an_applied_one_is_reversed():
    ignored, effects = ignore(decide(new(), UNSURE)[0])
    assert (ignored.status, effects) == (IGNORED, [])
    ignored, effects = ignore(decide(new(), SURE)[0])
    assert ignored.status == IGNORED and ignored.applied_cents == 0
    assert effects == [Reversal("c-claire", BASKET, 2350, TRANSFER.key, 1)]


def test_undoing_an_application_is_a_counter_entry_and_queues_the_same_match():
    tx, effects = undo(decide(new(), SURE)[0])
    assert (tx.status, tx.customer_id, tx.order_id, len(tx.applications)) == (
        QUEUED, "c-claire", BASKET, 2)
    assert effects == [Reversal("c-claire", BASKET, 2350, TRANSFER.key, 1)]
    again, effects = confirm(tx)
    assert again.applied_cents == 2350 and effects[0].entry == 2


def test_an_ignored_transaction_can_be_queued_again():
    tx, effects = undo(ignore(decide(new(), UNSURE)[0])[0])
    assert (tx.status, tx.customer_id, effects) == (QUEUED, "c-claire", [])


@pytest.mark.parametrize("status, action", [
    (APPLIED, confirm), (IGNORED, confirm), (IGNORED, ignore), (QUEUED, undo),
    (IGNORED, lambda tx: reassign(tx, "c-paul", None)), (APPLIED, lambda tx: decide(tx, SURE)),
    (NEW, confirm), (NEW, undo), (NEW, ignore)])
def test_an_action_that_does_not_apply_to_the_status_is_a_conflict(status, action):
    tx = {NEW: new(), APPLIED: decide(new(), SURE)[0], QUEUED: decide(new(), UNSURE)[0],
          IGNORED: ignore(decide(new(), UNSURE)[0])[0]}[status]
    with pytest.raises(Conflict, match=status):
        action(tx)


POOL = [TRANSFER, line(2350, "VIR SEPA RECU /DE MARTIN CLAIRE"), line(480, "VIR DE P LEFEVRE"),
        line(480, "VIR DE P LEFEVRE", day=29), line(-450, "FRAIS"), line(0, "INFO"),
        line(1200, "VIR INST", "E2E-1"), line(1300, "VIR INST autre libellé", "E2E-1"),
        line(99_999_00, "VIR GROS", "E2E-2")]
PEOPLE, ORDERS = ["c-claire", "c-paul", "c-jose"], [None, BASKET, EGGS]
proposals = st.none() | st.builds(Proposal, st.sampled_from(PEOPLE), st.sampled_from(ORDERS),
                                  st.integers(0, 100), st.just(("raison",)))
ACTIONS = ["confirm", "reassign", "ignore", "undo"]


class BankBook(RuleBasedStateMachine):
    """Files imported again and again, overlapping, and the producer changing its mind."""

    def __init__(self) -> None:
        super().__init__()
        self.book: dict = {}
        self.effects: list = []

    @rule(file=st.lists(st.sampled_from(POOL), max_size=6), data=st.data())
    def import_a_file(self, file, data):
        fresh, duplicates = import_lines(self.book.keys(), file)
        assert len(fresh) + duplicates == len(file)
        for tx in fresh:
            assert tx.key not in self.book
            self.book[tx.key], effects = decide(tx, data.draw(proposals))
            self.effects += effects

    @rule(data=st.data(), action=st.sampled_from(ACTIONS), customer=st.sampled_from(PEOPLE),
          order=st.sampled_from(ORDERS))
    def act(self, data, action, customer, order):
        if not self.book:
            return
        tx = self.book[data.draw(st.sampled_from(sorted(self.book)))]
        try:
            if action == "reassign":
                changed, effects = reassign(tx, customer, order)
            else:
                changed, effects = {"confirm": confirm, "ignore": ignore, "undo": undo}[action](tx)
        except Conflict:
            return
        assert changed.key == tx.key and changed.applications[:len(tx.applications)] == \
            tx.applications
        self.book[tx.key] = changed
        self.effects += effects

    @invariant()
    def no_amount_is_created_or_lost(self):
        carried = Counter()
        for effect in self.effects:
            carried[effect.customer_id] += effect.signed_cents
        held = Counter()
        for tx in self.book.values():
            if tx.status == APPLIED:
                held[tx.customer_id] += tx.line.amount_cents
        assert +carried == +held and all(v >= 0 for v in carried.values())

    @invariant()
    def each_transaction_is_applied_once_at_most_for_its_line_s_amount(self):
        assert len({(e.key, e.entry) for e in self.effects}) == len(self.effects)
        for tx in self.book.values():
            expected = tx.line.amount_cents if tx.status == APPLIED else 0
            assert tx.applied_cents == expected
            assert all(abs(a.amount_cents) == tx.line.amount_cents for a in tx.applications)
            if tx.status == APPLIED:
                last = tx.applications[-1]
                assert (last.customer_id, last.order_id) == (tx.customer_id, tx.order_id)
            if tx.line.amount_cents <= 0:
                assert tx.status == LISTED and not tx.applications


TestBankBook = BankBook.TestCase
TestBankBook.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)


def test_a_card_payout_is_set_aside_listed_never_queued_nor_applied():
    from datetime import date

    from payments.domain.bank_book import LISTED, Transaction, set_aside
    from payments.domain.statements.model import BankLine
    from payments.service_layer.bank import card_payout

    line = BankLine("FR7630006000011234567890189", date(2026, 12, 1), 1450,
                    "VIR SEPA SUMUP PID1449450 PAYOUT 011226", counterparty="SUMUP LIMITED")
    assert card_payout(line) and not card_payout(BankLine(line.account, line.booking_date, 1450,
                                                          "VIR MARTIN CLAIRE"))
    tx, effects = set_aside(Transaction(line.key, line), "versement SumUp")
    assert (tx.status, effects, tx.applied_cents) == (LISTED, [], 0)
