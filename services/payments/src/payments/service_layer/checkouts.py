"""The checkout saga's payments side: open a SumUp checkout for what is due, believe only SumUp."""

import logging

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert

from ardoise.events import BalanceHeld, CheckoutClosed, CheckoutOpened
from payments.adapters.orm import checkouts
from payments.adapters.sumup_client import EXPIRED, FAILED, PAID, PENDING, PaymentGateway
from payments.domain.settlement import MODES, PaymentSettings
from payments.service_layer.handlers import (
    FetchOrder,
    record_online_payment_within,
    settle_within,
)

log = logging.getLogger(__name__)
FINAL = {PAID, FAILED, EXPIRED, "NOT_NEEDED"}
SAGA_SETTINGS = PaymentSettings(accepted_modes=tuple(m for m in MODES if m != "not_delivered"))
"""The saga settles an order from the account whatever the producer offers at its counter."""
NEXT_TURN = literal_column(
    "now() + least(greatest((now() - created_at) / 2, interval '30 seconds'), interval '5 minutes')")
"""A pending checkout is read back 30 s after it opened (the table's default), then again after
half its age, within 30 s and 5 min: at about 30 s, 1 min, 1.5 min, 2.25 min... then every 5 min."""


def reference(event: BalanceHeld) -> str:
    """One SumUp checkout per payment attempt: the reference is SumUp's idempotency key."""
    return f"{event.order_id}.{event.attempt}"


async def open_checkout(event: BalanceHeld, new_uow, gateway: PaymentGateway, return_url: str,
                        fetch_order: FetchOrder, consumer: str, currency: str = "EUR") -> None:
    """Ask SumUp for total − applied; when the balance covers the order, settle it from the account."""
    amount_due_cents = event.total_cents - event.applied_cents
    checkout = None
    if amount_due_cents > 0:
        # created before the transaction: a redelivery finds the same checkout by reference
        checkout = await gateway.create_checkout(
            reference(event), amount_due_cents, currency, f"Commande {str(event.order_id)[:8]}",
            return_url)
    async with new_uow() as uow:
        if not await uow.claim(consumer, event.event_id):
            return
        await uow.session.execute(insert(checkouts).values(
            producer_id=event.producer_id, order_id=event.order_id, attempt=event.attempt,
            checkout_id=checkout.id if checkout else None, customer_id=event.customer_id,
            total_cents=event.total_cents, applied_cents=event.applied_cents,
            amount_due_cents=amount_due_cents, currency=currency,
            checkout_url=checkout.hosted_checkout_url if checkout else None,
            status=checkout.status if checkout else "NOT_NEEDED",
        ).on_conflict_do_nothing())
        uow.publish(CheckoutOpened(
            producer_id=event.producer_id, order_id=event.order_id,
            customer_id=event.customer_id, attempt=event.attempt,
            checkout_id=checkout.id if checkout else None,
            checkout_url=checkout.hosted_checkout_url if checkout else None,
            balance_applied_cents=event.applied_cents, amount_due_cents=amount_due_cents))
        if checkout is None:
            await settle_within(uow, event.producer_id, [event.order_id], "account", None,
                                fetch_order, SAGA_SETTINGS)
        await uow.commit()


async def sync_checkout(checkout_id: str, new_uow, gateway: PaymentGateway,
                        fetch_order: FetchOrder) -> str:
    """Read the checkout back from SumUp and record what it says, once. Returns what happened."""
    async with new_uow() as uow:
        row = (await uow.session.execute(
            select(checkouts).where(checkouts.c.checkout_id == checkout_id))).first()
    if row is None:
        return "unknown checkout"
    if row.status in FINAL:
        return "already recorded"
    checkout = await gateway.get_checkout(checkout_id)
    if checkout.status == PAID:
        paid_cents = checkout.paid_amount_cents or checkout.amount_cents
        if (paid_cents, checkout.currency) != (row.amount_due_cents, row.currency):
            log.error("checkout %s paid %s %s, expected %s %s: not recorded", checkout_id,
                      paid_cents, checkout.currency, row.amount_due_cents, row.currency)
            return "amount differs"
    elif checkout.status not in (FAILED, EXPIRED):
        return "still pending"
    async with new_uow() as uow:
        claimed = await uow.session.execute(
            update(checkouts).where(checkouts.c.checkout_id == checkout_id,
                                    checkouts.c.status.notin_(FINAL))
            .values(status=checkout.status).returning(checkouts.c.checkout_id))
        if claimed.first() is None:
            return "already recorded"
        uow.publish(CheckoutClosed(
            producer_id=row.producer_id, order_id=row.order_id, customer_id=row.customer_id,
            attempt=row.attempt, checkout_id=checkout_id, status=checkout.status))
        if checkout.status == PAID:
            await record_online_payment_within(uow, row.producer_id, row.order_id,
                                               row.amount_due_cents, row.applied_cents,
                                               fetch_order)
        await uow.commit()
    return checkout.status.lower()


async def due_checkouts(new_uow, limit: int = 100) -> list[str]:
    """Pending checkouts whose turn to be read back from SumUp has come (when more than `limit`
    are due, those waiting longest).

    Each one's next turn is set as it is taken, so the next round takes others and none waits
    forever behind the rest; two pollers take different ones.
    """
    due = (select(checkouts.c.checkout_id)
           .where(checkouts.c.status == PENDING, checkouts.c.next_check_at <= func.now())
           .order_by(checkouts.c.next_check_at).limit(limit)
           .with_for_update(skip_locked=True))
    async with new_uow() as uow:
        taken = (await uow.session.execute(
            update(checkouts).where(checkouts.c.checkout_id.in_(due))
            .values(next_check_at=NEXT_TURN).returning(checkouts.c.checkout_id))).scalars().all()
        await uow.commit()
    return list(taken)


async def sync_due_checkouts(new_uow, gateway: PaymentGateway, fetch_order: FetchOrder,
                             limit: int = 100) -> dict[str, str]:
    """Read back every checkout whose turn came; one SumUp could not answer for waits for its
    next turn without holding up the others. Returns what happened to each."""
    outcomes = {}
    for checkout_id in await due_checkouts(new_uow, limit):
        try:
            outcomes[checkout_id] = await sync_checkout(checkout_id, new_uow, gateway, fetch_order)
        except Exception as error:  # noqa: BLE001 - its next turn comes anyway
            log.warning("reading checkout %s back from SumUp: %s", checkout_id, error)
            outcomes[checkout_id] = "not read"
    return outcomes
