"""What the journal records of settlements: payments and credit notes as differences between
versions, so that their sums are always the last version's figures."""

import uuid
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from ardoise.events import PAYING_MODES, SettlementChanged
from journal.domain.entries import recording_day, settlement_entries

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
