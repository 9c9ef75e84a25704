"""Payments handlers: settings, settlements of orders (one or many), credit notes, read models."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from ardoise.changes import Change
from ardoise.errors import NotFound
from ardoise.events import (
    CustomerRegistered,
    MovementRecorded,
    OnlineRefundMade,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from payments.domain.credit_notes import revise_credit_note
from payments.domain.settlement import (
    KnownOrder,
    PaymentSettings,
    Settlement,
    check_settlement_by_hand,
    record_online_payment,
    refund_online,
    settle,
)
from payments.service_layer.ports import PaymentsUnitOfWork

FetchOrder = Callable[[str, uuid.UUID], Awaitable[KnownOrder | None]]
"""Asks the orders gateway for an order this service has not heard of: None if it does not exist."""


def settlement_view(order_id: uuid.UUID, value: Settlement) -> dict:
    return {"order_id": str(order_id), "mode": value.mode,
            "amount_paid_cents": value.amount_paid_cents, "received": dict(value.received),
            "paid_twice": value.paid_twice}


async def change_settings(producer_id: str, changes: dict, uow: PaymentsUnitOfWork,
                          seal: Callable[[str], str] | None = None,
                          change: Change | None = None) -> PaymentSettings:
    """The settings named in `changes` replaced, the others kept, and who changed them when
    (`change`); an event if anything changed. A `sumup_api_key` among them connects the
    producer's SumUp account: it is kept sealed."""
    changes = dict(changes)
    api_key = changes.pop("sumup_api_key", None)
    if api_key is not None:
        if seal is None:
            raise ValueError("a SumUp API key is only ever kept sealed")
        changes["sumup_connected"] = True
    async with uow:
        current = await uow.payments.settings_for_update(producer_id)
        value = current.changed(**changes)
        await uow.payments.save_settings(producer_id, value, change)
        if api_key is not None:
            await uow.payments.save_sumup_key(producer_id, seal(api_key))
        if value != current:
            uow.publish(PaymentSettingsChanged(
                producer_id=producer_id, payment_tracking=value.payment_tracking,
                accepted_modes=list(value.accepted_modes),
                online_payment_required=value.online_payment_required,
                time_zone=value.time_zone))
        await uow.commit()
    return value


async def settle_orders(producer_id: str, order_ids: list[uuid.UUID], mode: str,
                        amount_paid_cents: int | None, uow: PaymentsUnitOfWork,
                        fetch_order: FetchOrder, settings: PaymentSettings | None = None,
                        actor: str | None = None) -> list[dict]:
    """All or nothing: any refused order leaves every settlement as it was. Each settlement
    changed is recorded by `actor` (an operator's name), as its credit note and its event."""
    async with uow:
        answers = await settle_within(uow, producer_id, order_ids, mode, amount_paid_cents,
                                      fetch_order, settings, actor)
        await uow.commit()
    return answers


async def settle_within(uow: PaymentsUnitOfWork, producer_id: str, order_ids: list[uuid.UUID],
                        mode: str, amount_paid_cents: int | None, fetch_order: FetchOrder,
                        settings: PaymentSettings | None = None,
                        actor: str | None = None) -> list[dict]:
    """The settlements and their events, inside the caller's open unit of work."""
    order_ids = sorted(set(order_ids))
    settings = settings or await uow.payments.settings(producer_id)
    check_settlement_by_hand(mode, settings)
    orders = await orders_for_update(uow, producer_id, order_ids, fetch_order)
    current = await uow.payments.settlements(producer_id, order_ids)
    answers = []
    for order_id in order_ids:
        before = current.get(order_id, Settlement())
        after = settle(before, orders[order_id].total_cents, mode, amount_paid_cents, settings)
        if after is not None:
            await keep_settlement(uow, producer_id, orders[order_id], after, actor)
        answers.append(settlement_view(order_id, after or before))
    return answers


async def record_online_payment_within(uow: PaymentsUnitOfWork, producer_id: str,
                                       order_id: uuid.UUID, paid_cents: int,
                                       balance_applied_cents: int,
                                       fetch_order: FetchOrder) -> Settlement:
    """A payment SumUp confirmed, added to the order's settlement inside the caller's unit of
    work (the caller has claimed the checkout, so it is added once)."""
    orders = await orders_for_update(uow, producer_id, [order_id], fetch_order)
    before = (await uow.payments.settlements(producer_id, [order_id])).get(order_id, Settlement())
    after = record_online_payment(before, paid_cents, balance_applied_cents)
    await keep_settlement(uow, producer_id, orders[order_id], after)
    return after


async def refund_online_within(uow: PaymentsUnitOfWork, producer_id: str, refund: Any,
                               fetch_order: FetchOrder) -> Settlement:
    """A refund SumUp made (its row, just closed `refunded`: taken off once), taken off what its
    order received online inside the caller's unit of work, and told as money that went out on
    the day it was made (OnlineRefundMade); the change is recorded by who asked for it."""
    orders = await orders_for_update(uow, producer_id, [refund.order_id], fetch_order)
    order = orders[refund.order_id]
    before = (await uow.payments.settlements(producer_id, [order.order_id])).get(
        order.order_id, Settlement())
    after = refund_online(before, refund.amount_cents)
    await keep_settlement(uow, producer_id, order, after, refund.requested_by)
    uow.publish(OnlineRefundMade(
        producer_id=producer_id, order_id=order.order_id, customer_id=order.customer_id,
        refund_id=refund.refund_id, amount_cents=refund.amount_cents,
        delivery_date=order.delivery_date, refunded_at=refund.created_at,
        actor=refund.requested_by))
    return after


async def keep_settlement(uow: PaymentsUnitOfWork, producer_id: str, order: KnownOrder,
                          after: Settlement, actor: str | None = None) -> None:
    """Save a changed settlement with its credit note, and tell it; both recorded by `actor`
    (None: the system)."""
    credit_cents, number = await _revise_credit_note(uow, producer_id, order, after, actor)
    await uow.payments.save_settlement(producer_id, order.order_id, after, number, actor)
    uow.publish(SettlementChanged(
        producer_id=producer_id, order_id=order.order_id, customer_id=order.customer_id,
        version=after.version, total_cents=order.total_cents,
        delivery_date=order.delivery_date, mode=after.mode,
        amount_paid_cents=after.amount_paid_cents, received=dict(after.received),
        credit_note_cents=credit_cents, credit_note_number=number, actor=actor))


async def orders_for_update(uow: PaymentsUnitOfWork, producer_id: str, order_ids: list[uuid.UUID],
                             fetch_order: FetchOrder) -> dict[uuid.UUID, KnownOrder]:
    """Every order, locked; one not heard of yet is asked of the orders gateway (its OrderPlaced
    may still be on its way), remembered, then locked too. Unknown there: 404, nothing written."""
    found = await uow.payments.orders_for_update(producer_id, order_ids)
    missing = [order_id for order_id in order_ids if order_id not in found]
    for order_id in missing:
        order = await fetch_order(producer_id, order_id)
        if order is None:
            raise NotFound(f"no such order: {order_id}")
        await uow.payments.remember_order(producer_id, order)
    if missing:
        found.update(await uow.payments.orders_for_update(producer_id, missing))
    return found


async def _revise_credit_note(uow: PaymentsUnitOfWork, producer_id: str, order: KnownOrder,
                              after: Settlement, actor: str | None) -> tuple[int, int | None]:
    """The order's credit note after this change: its signed amount and its number, if any."""
    owed_cents = after.credit_note_for(order.total_cents)
    current = await uow.payments.credit_note_in_force(producer_id, order.order_id)
    revision = revise_credit_note(current, owed_cents)
    if revision.cancel:
        await uow.payments.cancel_credit_note(producer_id, revision.cancel.number)
    if revision.issue_cents:
        issued = await uow.payments.issue_credit_note(producer_id, order.order_id,
                                                      revision.issue_cents, actor)
        return issued.amount_cents, issued.number
    if revision.kept:
        return revision.kept.amount_cents, revision.kept.number
    return 0, None


async def remember_orders(events: list[OrderPlaced], uow: PaymentsUnitOfWork) -> None:
    """Orders placed, for their settlement and the week's page: one statement for the lot."""
    if events:
        await uow.payments.remember_orders([(event.producer_id, KnownOrder(
            event.order_id, event.customer_id, event.total_cents, event.delivery_date))
            for event in events])


async def remember_movement(event: MovementRecorded, uow: PaymentsUnitOfWork) -> None:
    """A top-up or debit with a mode, for the week's totals; one without a mode moved no money."""
    if event.mode is not None:
        await uow.payments.remember_movement(event.producer_id, event)


async def remember_customer(event: CustomerRegistered, uow: PaymentsUnitOfWork) -> None:
    """A customer's name, for the week's page."""
    await uow.payments.remember_customer(event.producer_id, event.customer_id, event.name)


async def reseal_sumup_keys(uow: PaymentsUnitOfWork, reseal: Callable[[str], str],
                            producer_id: str | None = None) -> tuple[int, list[str]]:
    """Every producer's SumUp API key (or one producer's) sealed again under the first
    configured key (rotation): how many were, and the producers whose key no configured key
    opens (left as they are: they must give their key again)."""
    resealed, unreadable = 0, []
    async with uow:
        for owner, value in await uow.payments.sealed_sumup_keys(producer_id):
            try:
                await uow.payments.save_sumup_key(owner, reseal(value))
                resealed += 1
            except ValueError:
                unreadable.append(owner)
        await uow.commit()
    return resealed, unreadable
