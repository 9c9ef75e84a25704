"""Payments handlers: settings, settlements of orders (one or many), credit notes, read models."""

import uuid
from collections.abc import Awaitable, Callable

from ardoise.errors import NotFound
from ardoise.events import (
    CustomerRegistered,
    Event,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from payments.adapters import repository as repo
from payments.adapters.repository import KnownOrder
from payments.domain.settlement import PaymentSettings, Settlement, settle

FetchOrder = Callable[[str, uuid.UUID], Awaitable[KnownOrder | None]]


def settlement_view(order_id: uuid.UUID, value: Settlement) -> dict:
    return {"order_id": str(order_id), "mode": value.mode,
            "amount_paid_cents": value.amount_paid_cents}


async def put_settings(producer_id: str, value: PaymentSettings, uow) -> PaymentSettings:
    async with uow:
        await repo.save_settings(uow.session, producer_id, value)
        uow.publish(PaymentSettingsChanged(
            producer_id=producer_id, payment_tracking=value.payment_tracking,
            accepted_modes=list(value.accepted_modes),
            online_payment_required=value.online_payment_required))
        await uow.commit()
    return value


async def _orders(uow, producer_id: str, order_ids: list[uuid.UUID],
                  fetch_order: FetchOrder) -> dict[uuid.UUID, KnownOrder]:
    """From the read model, else asked of the orders gateway (its event may still be on its way)."""
    found = await repo.known_orders(uow.session, producer_id, order_ids)
    for order_id in order_ids:
        if order_id not in found:
            order = await fetch_order(producer_id, order_id)
            if order is None:
                raise NotFound(f"no such order: {order_id}")
            await repo.remember_order(uow.session, producer_id, order)
            found[order_id] = order
    return found


async def settle_orders(producer_id: str, order_ids: list[uuid.UUID], mode: str,
                        amount_paid_cents: int | None, uow, fetch_order: FetchOrder,
                        settings: PaymentSettings | None = None) -> list[dict]:
    """All or nothing: any refused order leaves every settlement as it was."""
    async with uow:
        answers = await settle_within(uow, producer_id, order_ids, mode, amount_paid_cents,
                                      fetch_order, settings)
        await uow.commit()
    return answers


async def settle_within(uow, producer_id: str, order_ids: list[uuid.UUID], mode: str,
                        amount_paid_cents: int | None, fetch_order: FetchOrder,
                        settings: PaymentSettings | None = None) -> list[dict]:
    """The settlements and their events, inside the caller's open unit of work."""
    order_ids = sorted(set(order_ids))
    settings = settings or await repo.load_settings(uow.session, producer_id)
    orders = await _orders(uow, producer_id, order_ids, fetch_order)
    current = await repo.settlements_for_update(uow.session, producer_id, order_ids)
    answers = []
    for order_id in order_ids:
        order, before = orders[order_id], current.get(order_id, Settlement())
        after = settle(before, order.total_cents, mode, amount_paid_cents, settings)
        if after is None:
            answers.append(settlement_view(order_id, before))
            continue
        credit_cents, number = await _credit_note(uow, producer_id, order, after)
        await repo.save_settlement(uow.session, producer_id, order_id, after, number)
        uow.publish(SettlementChanged(
            producer_id=producer_id, order_id=order_id, customer_id=order.customer_id,
            version=after.version, total_cents=order.total_cents,
            delivery_date=order.delivery_date, mode=after.mode,
            amount_paid_cents=after.amount_paid_cents, credit_note_cents=credit_cents,
            credit_note_number=number))
        answers.append(settlement_view(order_id, after))
    return answers


async def _credit_note(uow, producer_id: str, order: KnownOrder,
                       after: Settlement) -> tuple[int, int | None]:
    """The order's current credit note: kept if the difference is the same, else replaced."""
    owed_cents = after.credit_note_for(order.total_cents)
    existing = await repo.current_credit_note(uow.session, producer_id, order.order_id)
    if existing and existing[1] == owed_cents:
        return owed_cents, existing[0]
    if existing:
        await repo.cancel_credit_note(uow.session, producer_id, existing[0])
    if owed_cents == 0:
        return 0, None
    return owed_cents, await repo.issue_credit_note(uow.session, producer_id, order.order_id,
                                                    owed_cents)


async def apply_event(event: Event, uow, consumer: str) -> None:
    """The read models of orders and customers' names, each event once."""
    if not isinstance(event, OrderPlaced | CustomerRegistered):
        return
    async with uow:
        if await uow.claim(consumer, event.event_id):
            if isinstance(event, OrderPlaced):
                await repo.remember_order(uow.session, event.producer_id, KnownOrder(
                    event.order_id, event.customer_id, event.total_cents, event.delivery_date))
            else:
                await repo.remember_customer(uow.session, event.producer_id, event.customer_id,
                                             event.name)
        await uow.commit()
