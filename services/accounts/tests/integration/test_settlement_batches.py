"""Settlement changes applied in batches on the real PostgreSQL: exact, whatever the batch holds."""

import uuid

from accounts.domain.commands import ApplySettlement
from accounts.service_layer import handlers

from .test_concurrency import stored_and_summed


def change(producer_id, customer_id, order_id, version, mode, paid, event_id=None):
    return ApplySettlement(event_id=event_id or uuid.uuid4(), producer_id=producer_id,
                           customer_id=customer_id, order_id=order_id, version=version,
                           total_cents=2000, mode=mode,
                           received={mode: paid} if paid else {})


async def test_a_batch_with_repeats_stale_versions_and_several_orders_ends_exact(new_uow, producer_id):
    first, second = uuid.uuid4(), uuid.uuid4()
    repeated = change(producer_id, "c1", first, 1, "cash", 2500)
    other = change(producer_id, "c2", uuid.uuid4(), 1, "cash", 2500)
    batch = [
        repeated, repeated,
        change(producer_id, "c1", second, 2, "account", 0),
        change(producer_id, "c1", second, 1, "card", 9900),
        other,
        change(producer_id, "c1", first, 2, "cheque", 2000),
    ]
    await handlers.apply_settlements(batch, new_uow(), "test")
    await handlers.apply_settlements(batch, new_uow(), "test")  # the whole batch redelivered
    balance, summed, _ = await stored_and_summed(new_uow, producer_id, "c1")
    assert balance == summed == -2000  # first: cheque 20 for 20 → 0; second: account → −20
    assert (await stored_and_summed(new_uow, producer_id, "c2"))[:2] == (500, 500)
