"""What the journal records of settlements: payments and credit notes as differences between
versions, so that their sums are always the last version's figures."""

import uuid
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from ardoise.events import PAYING_MODES, InvoiceIssued, MovementRecorded, SettlementChanged
from ardoise.events.orders import VatAmounts
from journal.domain.entries import (
    invoice_entry,
    movement_entry,
    recording_day,
    settlement_entries,
)

ORDER = uuid.UUID(int=7)
modes = st.sampled_from(sorted(PAYING_MODES))
versions = st.lists(st.tuples(st.dictionaries(modes, st.integers(0, 50_000), max_size=3),
                              st.one_of(st.none(), st.integers(1, 40)),
                              st.integers(-5000, 5000)), min_size=1, max_size=12)


def settlement(version: int, received: dict, note: int | None, note_cents: int):
    return SettlementChanged(
        producer_id="p-1", order_id=ORDER, customer_id="c-1", version=version, total_cents=3000,
        delivery_date=date(2026, 3, 1), mode="cash", amount_paid_cents=sum(received.values()),
        received=received, credit_note_cents=note_cents if note else 0, credit_note_number=note,
        occurred_at=datetime(2026, 3, 1, 10, version % 60, tzinfo=UTC))


@given(versions, st.randoms())
def test_payments_and_credit_notes_add_up_to_the_last_version(changes, random):
    events = [settlement(i, *change) for i, change in enumerate(changes, start=1)]
    redelivered = events + random.sample(events, k=min(3, len(events)))  # old versions again
    state, recorded, sources = None, [], set()
    for event in redelivered:
        found, new_state = settlement_entries(event, state)
        state = new_state or state
        recorded += found
        sources |= {entry.source for entry in found}
    assert len(sources) == len(recorded)  # each entry has its own source: never twice
    last = events[-1]
    paid = {}
    for entry in recorded:
        if entry.kind == "payment":
            paid[entry.content["mode"]] = paid.get(entry.content["mode"], 0) + \
                entry.content["amount_cents"]
    assert {m: c for m, c in paid.items() if c} == {m: c for m, c in last.received.items() if c}
    notes = sum(e.content["amount_cents"] for e in recorded if e.kind == "credit_note")
    assert notes == (last.credit_note_cents if last.credit_note_number else 0)
    assert sum(e.kind == "settlement" for e in recorded) == len(events)


def test_a_day_already_closed_gives_way_to_the_first_open_one():
    assert recording_day(date(2026, 3, 1), None) == date(2026, 3, 1)
    assert recording_day(date(2026, 3, 1), date(2026, 2, 28)) == date(2026, 3, 1)
    assert recording_day(date(2026, 3, 1), date(2026, 3, 1)) == date(2026, 3, 2)
    assert recording_day(date(2026, 2, 1), date(2026, 3, 4)) == date(2026, 3, 5)


def test_every_entry_names_who_made_what_it_records_and_none_for_the_system():
    by_marie = settlement(1, {"cash": 2000}, 3, 500).model_copy(update={"actor": "Marie Dupont"})
    found, _ = settlement_entries(by_marie, None)
    assert {entry.kind for entry in found} == {"settlement", "payment", "credit_note"}
    assert {entry.content["actor"] for entry in found} == {"Marie Dupont"}
    by_system, _ = settlement_entries(settlement(1, {"online": 2000}, None, 0), None)
    assert [entry.content["actor"] for entry in by_system] == [None, None]

    movement = MovementRecorded(
        producer_id="p-1", customer_id="c-1", movement_id=uuid.UUID(int=1),
        at=datetime(2026, 3, 1, 9, tzinfo=UTC), amount_cents=5000, mode="transfer",
        label="Avance", actor="Paul Martin")
    assert movement_entry(movement).content["actor"] == "Paul Martin"

    invoice = InvoiceIssued(
        producer_id="p-1", order_id=ORDER, customer_id="c-1", number="FA000001",
        kind="credit_invoice", issued_at=datetime(2026, 3, 2, 8, tzinfo=UTC),
        issue_date=date(2026, 3, 2), corrects="F000001", customer_name="Claire",
        total_ht_cents=-1896, total_vat_cents=-104, total_cents=-2000,
        vat=[VatAmounts(rate="5.5", base_cents=-1896, vat_cents=-104, total_cents=-2000)],
        actor="Marie Dupont")
    assert invoice_entry(invoice, 1, False, ["cash"]).content["actor"] == "Marie Dupont"
    earlier = InvoiceIssued.model_validate(invoice.model_dump(exclude={"actor"}))
    assert invoice_entry(earlier, 1, False, []).content["actor"] is None
