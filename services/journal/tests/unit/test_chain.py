"""The chain's arithmetic: canonical text, hashes over every column, breaks named."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.domain.chain import GENESIS, canonical, record_hash, verify


def chain_of(contents: list[dict]) -> list[dict]:
    records, previous = [], GENESIS
    for seq, content in enumerate(contents, start=1):
        record = {"producer_id": "p-1", "seq": seq, "kind": "movement",
                  "occurred_at": datetime(2026, 3, 1, tzinfo=UTC), "day": date(2026, 3, 1),
                  "content": content, "previous_hash": previous}
        record["hash"] = previous = record_hash(previous, record)
        records.append(record)
    return records


def test_the_canonical_text_does_not_depend_on_key_order_or_time_zone():
    paris = timezone(timedelta(hours=1))
    one = {"b": 1, "a": {"y": "é", "x": [1, 2]},
           "at": datetime(2026, 3, 1, 11, tzinfo=paris), "id": uuid.UUID(int=1)}
    other = {"at": datetime(2026, 3, 1, 10, tzinfo=UTC), "id": uuid.UUID(int=1),
             "a": {"x": [1, 2], "y": "é"}, "b": 1}
    assert canonical(one) == canonical(other)
    assert '"y":"é"' in canonical(one)


def test_naive_times_and_unknown_types_have_no_place_in_the_journal():
    with pytest.raises(ValueError):
        canonical({"at": datetime(2026, 3, 1)})
    with pytest.raises(TypeError):
        canonical({"what": object()})


def test_an_amount_rewritten_as_a_float_no_longer_hashes_as_recorded():
    record = chain_of([{"amount_cents": 150}])[0]
    assert not verify([{**record, "content": {"amount_cents": 150.0}}]).valid


@given(st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=30), st.data())
def test_any_change_of_any_record_is_named_at_that_record(amounts, data):
    records = chain_of([{"amount_cents": a} for a in amounts])
    assert verify(records, (len(records), records[-1]["hash"])).valid
    index = data.draw(st.integers(0, len(records) - 1))
    field = data.draw(st.sampled_from(["content", "day", "kind", "producer_id", "occurred_at"]))
    altered = [dict(r) for r in records]
    altered[index][field] = {
        "content": {"amount_cents": amounts[index] + 1}, "day": date(2026, 3, 2),
        "kind": "payment", "producer_id": "p-2",
        "occurred_at": datetime(2026, 3, 1, 0, 0, 1, tzinfo=UTC)}[field]
    found = verify(altered)
    assert not found.valid and found.broken.seq == index + 1


@given(st.integers(2, 20), st.data())
def test_a_removed_or_repeated_record_is_named(count, data):
    records = chain_of([{"amount_cents": i} for i in range(count)])
    gone = data.draw(st.integers(0, count - 2))
    found = verify(records[:gone] + records[gone + 1:])
    assert not found.valid and found.broken.seq == gone + 1
    repeated = verify(records[:gone + 1] + [records[gone]] + records[gone + 1:])
    assert not repeated.valid and repeated.broken.seq == gone + 1


def test_a_record_removed_from_the_end_is_named_by_the_head():
    records = chain_of([{"amount_cents": i} for i in range(5)])
    assert verify(records[:4]).valid  # alone, a shorter chain looks whole...
    found = verify(records[:4], (5, records[-1]["hash"]))  # ...not against its head
    assert not found.valid and found.broken.seq == 5
