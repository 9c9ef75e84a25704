"""The events of a batch to apply once their inbox rows are claimed."""

import uuid
from types import SimpleNamespace

from ardoise.inbox import first_deliveries


def test_each_claimed_event_once_in_the_order_given_and_only_those():
    a, b, c = (SimpleNamespace(event_id=uuid.uuid4(), name=n) for n in "abc")
    # b delivered twice in the batch; c seen before (its row not claimed now)
    batch = [b, a, c, b]
    assert [e.name for e in first_deliveries(batch, {a.event_id, b.event_id})] == ["b", "a"]


def test_the_claimed_set_is_left_as_it_was():
    a = SimpleNamespace(event_id=uuid.uuid4())
    claimed = {a.event_id}
    first_deliveries([a], claimed)
    assert claimed == {a.event_id}
