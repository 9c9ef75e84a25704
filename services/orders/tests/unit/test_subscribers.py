"""The orders worker's subscriber on FastStream's in-memory broker, with a fake unit of work."""

import uuid
from datetime import date
from functools import partial

from faststream.kafka import TestKafkaBroker

from ardoise import topics
from ardoise.events import PaymentSettingsChanged, SettlementChanged, encode_event
from ardoise.kafka import make_broker
from orders.bootstrap import subscribe_with
from orders.config import Settings

from .fakes import FakeUnitOfWork, Store


async def test_settlements_and_payment_settings_reach_the_order_pages_read_model():
    store = Store()
    broker = make_broker("127.0.0.1:1", client_id="unit")
    settings = Settings(database_url="postgresql+asyncpg://unused/x", jwt_secret="s")
    assert subscribe_with(broker, settings, partial(FakeUnitOfWork, store)) == [topics.PAYMENTS]
    changed = SettlementChanged(producer_id="ferme-a", order_id=uuid.uuid4(), customer_id="c1",
                                version=1, total_cents=2000, delivery_date=date(2026, 11, 25),
                                mode="cash", amount_paid_cents=2500, credit_note_cents=500,
                                credit_note_number=1)
    off = PaymentSettingsChanged(producer_id="ferme-a", payment_tracking=False,
                                 accepted_modes=["cash"], online_payment_required=False)
    async with TestKafkaBroker(broker) as test_broker:
        for event in (changed, off, changed):
            await test_broker.publish(encode_event(event), topics.PAYMENTS, key=event.key.encode())
    assert store.settlements[("ferme-a", changed.order_id)] == changed
    assert store.tracking["ferme-a"] is False and len(store.inbox) == 2
