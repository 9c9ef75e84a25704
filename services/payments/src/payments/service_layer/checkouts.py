"""The checkout saga's payments side: open a SumUp checkout for what is due on the producer's own
SumUp account, believe only SumUp, give up on a checkout left unpaid past its validity."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert

from ardoise.events import BalanceHeld, CheckoutClosed, CheckoutOpened
from payments.adapters.orm import checkouts
from payments.adapters.sumup_accounts import GatewayFor
from payments.adapters.sumup_client import EXPIRED, FAILED, PAID, PENDING, Checkout
from payments.domain.settlement import MODES, PaymentSettings
from payments.service_layer.handlers import (
    FetchOrder,
    record_online_payment_within,
    settle_within,
)

log = logging.getLogger(__name__)
FINAL = {PAID, FAILED, EXPIRED, "NOT_NEEDED"}
SAGA_SETTINGS = PaymentSettings(accepted_modes=tuple(m for m in MODES if m != "not_delivered"),
                                sumup_merchant_code="saga", sumup_connected=True)
"""The saga settles an order from the account whatever the producer offers at its counter."""
VALID_BEFORE_HOLD_ENDS = timedelta(minutes=5)
"""A checkout is valid until 5 minutes before its hold expires (SumUp's hosted page lives about
30 minutes; the hold 35): paid late, it still finds the balance it was promised."""
NEXT_TURN = literal_column(
    "least(now() + least(greatest((now() - created_at) / 2, interval '30 seconds'), "
    "interval '5 minutes'), greatest(coalesce(valid_until, 'infinity'::timestamptz) "
    "+ interval '5 seconds', now() + interval '30 seconds'))")
"""A pending checkout is read back 30 s after it opened (the table's default), then again after
half its age, within 30 s and 5 min: at about 30 s, 1 min, 1.5 min, 2.25 min... then every 5 min;
and soon after its validity ends, to deactivate it if it is still unpaid."""


def reference(event: BalanceHeld) -> str:
    """One SumUp checkout per payment attempt: the reference is SumUp's idempotency key."""
    return f"{event.order_id}.{event.attempt}"


async def open_checkout(event: BalanceHeld, new_uow, gateways: GatewayFor, return_url: str,
                        fetch_order: FetchOrder, consumer: str, currency: str = "EUR") -> None:
    """Ask the producer's SumUp for total − applied; when the balance covers the order, settle it
    from the account. A producer without a SumUp account: the attempt fails at once."""
    amount_due_cents = event.total_cents - event.applied_cents
    valid_until = event.expires_at - VALID_BEFORE_HOLD_ENDS
    checkout = None
    gateway = await gateways(event.producer_id) if amount_due_cents > 0 else None
    if gateway is not None:
        # created before the transaction: a redelivery finds the same checkout by reference
        checkout = await gateway.create_checkout(
            reference(event), amount_due_cents, currency, f"Commande {str(event.order_id)[:8]}",
            return_url, valid_until=valid_until)
    async with new_uow() as uow:
        if not await uow.claim(consumer, event.event_id):
            return
        status = checkout.status if checkout else "NOT_NEEDED" if amount_due_cents <= 0 else FAILED
        await uow.session.execute(insert(checkouts).values(
            producer_id=event.producer_id, order_id=event.order_id, attempt=event.attempt,
            checkout_id=checkout.id if checkout else None, customer_id=event.customer_id,
            total_cents=event.total_cents, applied_cents=event.applied_cents,
            amount_due_cents=amount_due_cents, currency=currency,
            checkout_url=checkout.hosted_checkout_url if checkout else None, status=status,
            valid_until=valid_until if checkout else None,
        ).on_conflict_do_nothing())
        if status == FAILED:
            log.error("order %s of %s: no SumUp account to ask %s cents of; attempt failed",
                      event.order_id, event.producer_id, amount_due_cents)
            uow.publish(_closed(event.producer_id, event.order_id, event.customer_id,
                                event.attempt, "", FAILED))
            await uow.commit()
            return
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


def _closed(producer_id: str, order_id, customer_id: str, attempt: int, checkout_id: str,
            status: str) -> CheckoutClosed:
    return CheckoutClosed(producer_id=producer_id, order_id=order_id, customer_id=customer_id,
                          attempt=attempt, checkout_id=checkout_id, status=status)


async def sync_checkout(checkout_id: str, new_uow, gateways: GatewayFor,
                        fetch_order: FetchOrder, now: datetime | None = None) -> str:
    """Read the checkout back from its producer's SumUp account and record what it says, once;
    a checkout still unpaid past its validity is deactivated first (it ends EXPIRED, its hold is
    released). Returns what happened."""
    async with new_uow() as uow:
        row = (await uow.session.execute(
            select(checkouts, func.now().label("now"))
            .where(checkouts.c.checkout_id == checkout_id))).first()
    if row is None:
        return "unknown checkout"
    if row.status in FINAL:
        return "already recorded"
    gateway = await gateways(row.producer_id)
    if gateway is None:
        return "no SumUp account"
    checkout = await gateway.get_checkout(checkout_id)
    if checkout.merchant_code not in (None, gateway.merchant_code):
        log.error("checkout %s belongs to merchant %s, not %s's: not recorded", checkout_id,
                  checkout.merchant_code, row.producer_id)
        return "another merchant"
    if checkout.status == PENDING and row.valid_until and (now or row.now) >= row.valid_until:
        checkout = await gateway.deactivate(checkout_id)  # a paid one comes back as it is
    if checkout.status == PAID:
        if _paid_cents(checkout) != row.amount_due_cents or checkout.currency != row.currency:
            log.error("checkout %s paid %s %s, expected %s %s: not recorded", checkout_id,
                      _paid_cents(checkout), checkout.currency, row.amount_due_cents,
                      row.currency)
            return "amount differs"
    elif checkout.status not in (FAILED, EXPIRED):
        return "still pending"
    async with new_uow() as uow:
        claimed = await uow.session.execute(
            update(checkouts).where(checkouts.c.checkout_id == checkout_id,
                                    checkouts.c.status.notin_(FINAL))
            .values(status=checkout.status, transaction_id=checkout.transaction_id)
            .returning(checkouts.c.checkout_id))
        if claimed.first() is None:
            return "already recorded"
        uow.publish(_closed(row.producer_id, row.order_id, row.customer_id, row.attempt,
                            checkout_id, checkout.status))
        if checkout.status == PAID:
            await record_online_payment_within(uow, row.producer_id, row.order_id,
                                               row.amount_due_cents, row.applied_cents,
                                               fetch_order)
        await uow.commit()
    return checkout.status.lower()


def _paid_cents(checkout: Checkout) -> int:
    return checkout.paid_amount_cents or checkout.amount_cents


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


async def sync_due_checkouts(new_uow, gateways: GatewayFor, fetch_order: FetchOrder,
                             limit: int = 100) -> dict[str, str]:
    """Read back every checkout whose turn came; one SumUp could not answer for waits for its
    next turn without holding up the others. Returns what happened to each."""
    outcomes = {}
    for checkout_id in await due_checkouts(new_uow, limit):
        try:
            outcomes[checkout_id] = await sync_checkout(checkout_id, new_uow, gateways,
                                                        fetch_order)
        except Exception as error:  # noqa: BLE001 - its next turn comes anyway
            log.warning("reading checkout %s back from SumUp: %s", checkout_id, error)
            outcomes[checkout_id] = "not read"
    return outcomes
