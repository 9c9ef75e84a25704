"""The checkout saga's payments side: open a SumUp checkout for what is due on the producer's own
SumUp account, believe only SumUp, give up on a checkout left unpaid past its validity.
(The saga step by step, with its failure paths: docs/checkout-saga.md.)"""

import logging
from datetime import datetime
from typing import Protocol

from ardoise.events import BalanceHeld, CheckoutClosed, CheckoutOpened
from ardoise.events.vocabulary import MODES, CheckoutStatus
from payments.adapters.sumup_accounts import GatewayFor
from payments.adapters.sumup_checkouts import Checkout
from payments.domain import checkouts as saga
from payments.domain.checkouts import CheckoutRecord
from payments.domain.settlement import PaymentSettings
from payments.service_layer.handlers import (
    FetchOrder,
    record_online_payment_within,
    settle_within,
)
from payments.service_layer.ports import NewPaymentsUnitOfWork

log = logging.getLogger(__name__)
PAID, FAILED, EXPIRED, PENDING = (CheckoutStatus.PAID, CheckoutStatus.FAILED,
                                  CheckoutStatus.EXPIRED, CheckoutStatus.PENDING)
SAGA_SETTINGS = PaymentSettings(payment_tracking=True,
                                accepted_modes=tuple(m for m in MODES if m != "not_delivered"),
                                sumup_merchant_code="saga", sumup_connected=True)
"""The saga settles an order from the account whatever the producer offers at its counter, and
records money SumUp took even if the producer turned tracking off meanwhile: it was received."""


def reference(event: BalanceHeld) -> str:
    return saga.reference(event.order_id, event.attempt)


async def open_checkout(event: BalanceHeld, new_uow: NewPaymentsUnitOfWork, gateways: GatewayFor,
                        return_url: str, fetch_order: FetchOrder, consumer: str,
                        currency: str = "EUR") -> None:
    """Ask the producer's SumUp for total − applied; when the balance covers the order, settle it
    from the account. A producer without a SumUp account: the attempt fails at once."""
    due_cents = saga.amount_due(event.total_cents, event.applied_cents)
    valid_until = saga.valid_until(event.expires_at)
    gateway = await gateways(event.producer_id) if due_cents > 0 else None
    checkout = None
    if gateway is not None:
        # created before the transaction: a redelivery finds the same checkout by reference
        checkout = await gateway.create_checkout(
            reference(event), due_cents, currency, f"Commande {str(event.order_id)[:8]}",
            return_url, valid_until=valid_until)
    status = checkout.status if checkout else saga.NOT_NEEDED if due_cents <= 0 else FAILED
    record = CheckoutRecord(
        event.producer_id, event.order_id, event.attempt, event.customer_id, event.total_cents,
        event.applied_cents, due_cents, currency, status,
        checkout.id if checkout else None, checkout.hosted_checkout_url if checkout else None,
        valid_until if checkout else None)
    async with new_uow() as uow:
        if not await uow.claim(consumer, event.event_id):
            return
        await uow.payments.add_checkout(record)
        if status == FAILED:
            log.error("order %s of %s: no SumUp account to ask %s cents of; attempt failed",
                      event.order_id, event.producer_id, due_cents)
            uow.publish(_closed(record, FAILED))
        else:
            uow.publish(CheckoutOpened(
                producer_id=event.producer_id, order_id=event.order_id,
                customer_id=event.customer_id, attempt=event.attempt,
                checkout_id=record.checkout_id, checkout_url=record.checkout_url,
                balance_applied_cents=event.applied_cents, amount_due_cents=due_cents))
        if status == saga.NOT_NEEDED:
            await settle_within(uow, event.producer_id, [event.order_id], "account", None,
                                fetch_order, SAGA_SETTINGS)
        await uow.commit()


def _closed(record: CheckoutRecord, status: str) -> CheckoutClosed:
    return CheckoutClosed(producer_id=record.producer_id, order_id=record.order_id,
                          customer_id=record.customer_id, attempt=record.attempt,
                          checkout_id=record.checkout_id or "", status=status)


class ReadBack(Protocol):
    """What a checkout read back from SumUp is checked against: an order's or a top-up's."""

    producer_id: str
    currency: str

    def is_abandoned(self, now: datetime) -> bool: ...

    def paid_as_asked(self, paid_cents: int, currency: str) -> bool: ...


async def final_checkout(checkout_id: str, record: ReadBack, asked_cents: int,
                         gateways: GatewayFor, now: datetime, what: str) -> Checkout | str:
    """The checkout as its producer's SumUp account ends it (paid as asked, failed or expired),
    deactivated first when it is still unpaid past its validity; else why nothing is recorded.
    `what` names it in the log: `checkout`, `top-up checkout`."""
    gateway = await gateways(record.producer_id)
    if gateway is None:
        return "no SumUp account"
    checkout = await gateway.get_checkout(checkout_id)
    if checkout.merchant_code not in (None, gateway.merchant_code):
        log.error("%s %s belongs to merchant %s, not %s's: not recorded", what, checkout_id,
                  checkout.merchant_code, record.producer_id)
        return "another merchant"
    if checkout.status == PENDING and record.is_abandoned(now):
        checkout = await gateway.deactivate(checkout_id)  # a paid one comes back as it is
    if checkout.status == PAID:
        paid_cents = checkout.paid_amount_cents or checkout.amount_cents
        if not record.paid_as_asked(paid_cents, checkout.currency):
            log.error("%s %s paid %s %s, expected %s %s: not recorded", what, checkout_id,
                      paid_cents, checkout.currency, asked_cents, record.currency)
            return "amount differs"
    elif checkout.status not in (FAILED, EXPIRED):
        return "still pending"
    return checkout


async def sync_checkout(checkout_id: str, new_uow: NewPaymentsUnitOfWork, gateways: GatewayFor,
                        fetch_order: FetchOrder, now: datetime | None = None) -> str:
    """Read the checkout back from its producer's SumUp account and record what it says, once;
    a checkout still unpaid past its validity is deactivated first (it ends EXPIRED, its hold is
    released). Returns what happened."""
    async with new_uow() as uow:
        found = await uow.payments.checkout(checkout_id)
    if found is None:
        return "unknown checkout"
    record, db_now = found
    if record.is_final:
        return "already recorded"
    checkout = await final_checkout(checkout_id, record, record.amount_due_cents, gateways,
                                    now or db_now, "checkout")
    if isinstance(checkout, str):
        return checkout
    async with new_uow() as uow:
        if not await uow.payments.close_checkout(checkout_id, checkout.status,
                                                 checkout.transaction_id):
            return "already recorded"
        uow.publish(_closed(record, checkout.status))
        if checkout.status == PAID:
            await record_online_payment_within(uow, record.producer_id, record.order_id,
                                               record.amount_due_cents, record.applied_cents,
                                               fetch_order)
        await uow.commit()
    return checkout.status.lower()


async def due_checkouts(new_uow: NewPaymentsUnitOfWork, limit: int = 100) -> list[str]:
    """Pending checkouts whose turn to be read back from SumUp has come (when more than `limit`
    are due, those waiting longest); each gets its next turn as it is taken."""
    async with new_uow() as uow:
        taken = await uow.payments.take_due_checkouts(limit)
        await uow.commit()
    return taken


async def sync_due_checkouts(new_uow: NewPaymentsUnitOfWork, gateways: GatewayFor,
                             fetch_order: FetchOrder, limit: int = 100) -> dict[str, str]:
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
