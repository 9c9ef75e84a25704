"""Events encode with their type and decode to the same event."""

import logging
import uuid
from datetime import date

from ardoise.events import OrderPlaced, SettlementChanged, decode_event, encode_event, event_types
from ardoise.worker import read_event


def test_an_event_survives_the_round_trip_through_json():
    event = SettlementChanged(
        producer_id="ferme-a", order_id=uuid.uuid4(), customer_id="c1", version=3,
        total_cents=2000, delivery_date=date(2026, 11, 27), mode="cash", amount_paid_cents=2500,
        credit_note_cents=500, credit_note_number=1,
    )
    body = encode_event(event)
    assert body["event_type"] == "SettlementChanged" and body["schema_version"] == 1
    assert decode_event(body) == event


def test_an_unknown_event_type_decodes_to_nothing_rather_than_failing():
    assert decode_event({"event_type": "SomethingNewer", "producer_id": "ferme-a"}) is None


def test_a_worker_skipping_an_event_it_does_not_know_says_so_as_a_warning(caplog):
    """Skipped for good: an operator must see that a publisher was upgraded before it."""
    with caplog.at_level(logging.WARNING, logger="ardoise.worker"):
        assert read_event({"event_type": "SomethingNewer", "producer_id": "ferme-a"}) is None
    [said] = caplog.records
    assert said.levelno == logging.WARNING and "SomethingNewer" in said.getMessage()


def test_events_of_one_order_share_a_key_so_they_stay_in_order():
    order_id = uuid.uuid4()
    placed = OrderPlaced(producer_id="ferme-a", order_id=order_id, customer_id="c1",
                         total_cents=2000, delivery_date=date(2026, 11, 27))
    assert placed.key == str(order_id)


def test_every_event_of_the_contract_is_documented():
    assert {"OrderPlaced", "SettlementChanged", "BalanceChanged", "BalanceHeld"} <= set(event_types())
    for name, cls in event_types().items():
        assert cls.__doc__ and cls.__doc__.strip(), name
