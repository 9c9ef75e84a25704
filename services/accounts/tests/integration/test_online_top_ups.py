"""A top-up paid online (payments' OnlineTopUpPaid) on the real PostgreSQL: delivered many
times at once, to several workers, it is one credit by `online`."""

import asyncio
import uuid

from sqlalchemy import select

from accounts.adapters.orm import movements
from accounts.domain.commands import RegisterCustomer
from accounts.service_layer import handlers, messagebus
from ardoise.events import OnlineTopUpPaid


async def test_a_top_up_paid_delivered_again_and_again_at_once_is_credited_once(
        new_uow, producer_id):
    await handlers.register_customer(RegisterCustomer(producer_id, "c1", "Claire", None),
                                     new_uow())
    paid = OnlineTopUpPaid(producer_id=producer_id, customer_id="c1", top_up_id=uuid.uuid4(),
                           amount_cents=2000, checkout_id="co-1", transaction_id="tx-1")
    await asyncio.gather(*(messagebus.handle_batch([paid], new_uow, "accounts.payments-events")
                           for _ in range(8)))
    async with new_uow() as uow:
        rows = (await uow.session.execute(select(movements).where(
            movements.c.producer_id == producer_id))).all()
        account = await uow.accounts.get_for_update(producer_id, "c1")
    assert [(r.kind, r.amount_cents, r.mode) for r in rows] == [("credit", 2000, "online")]
    assert account.balance_cents == 2000
