"""Online top-ups: a customer pays its debt, or adds credit, on the producer's own SumUp account.
SumUp is believed only when read back; a paid top-up is told once (OnlineTopUpPaid, claimed in
the transaction that closes it), and the accounts credit it once. (docs/checkout-saga.md,
"Paying a debt or topping up online".)"""

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from ardoise.errors import Conflict, NotFound, Unavailable
from ardoise.events import OnlineTopUpPaid
from ardoise.events.vocabulary import CheckoutStatus
from ardoise.uow import UnitOfWorkPort
from payments.adapters.sumup_accounts import GatewayFor
from payments.adapters.sumup_errors import SumUpError, SumUpUnavailable
from payments.domain import top_ups as rules
from payments.domain.top_ups import TopUp
from payments.service_layer.checkouts import final_checkout, sync_checkout
from payments.service_layer.handlers import FetchOrder
from payments.service_layer.ports import PaymentsRepository

log = logging.getLogger(__name__)
PAID = CheckoutStatus.PAID
DESCRIPTION = "Recharge du compte client"


class TopUpsRepository(Protocol):
    async def customer_is_known(self, producer_id: str, customer_id: str) -> bool: ...

    async def add(self, top_up: TopUp, key: str | None, fingerprint: str | None) -> bool: ...

    async def by_key(self, producer_id: str, customer_id: str,
                     key: str) -> tuple[TopUp, str | None] | None: ...

    async def get(self, producer_id: str, customer_id: str,
                  top_up_id: uuid.UUID) -> TopUp | None: ...

    async def of_customer(self, producer_id: str, customer_id: str,
                          limit: int) -> list[TopUp]: ...

    async def by_checkout(self, checkout_id: str) -> tuple[TopUp, datetime] | None: ...

    async def close(self, checkout_id: str, status: str, transaction_id: str | None) -> bool: ...

    async def take_due(self, limit: int) -> list[str]: ...


class TopUpsUnitOfWork(UnitOfWorkPort, Protocol):
    payments: PaymentsRepository
    top_ups: TopUpsRepository


NewTopUpsUnitOfWork = Callable[[], TopUpsUnitOfWork]


def top_up_view(top_up: TopUp) -> dict:
    return {"top_up_id": str(top_up.top_up_id), "customer_id": top_up.customer_id,
            "amount_cents": top_up.amount_cents, "currency": top_up.currency,
            "status": top_up.status, "checkout_id": top_up.checkout_id,
            "checkout_url": top_up.checkout_url, "valid_until": top_up.valid_until.isoformat(),
            "created_at": top_up.created_at.isoformat() if top_up.created_at else None}


async def open_top_up(producer_id: str, customer_id: str, amount_cents: int,
                      redirect_url: str | None, key: str | None, fingerprint: str,
                      new_uow: NewTopUpsUnitOfWork, gateways: GatewayFor, return_url: str,
                      currency: str = "EUR", now: datetime | None = None) -> tuple[dict, bool]:
    """A SumUp checkout of `amount_cents` for the customer's account; returns the top-up, and
    whether it replays an earlier request with the same key (then nothing new is asked)."""
    async with new_uow() as uow:
        if key is not None and (earlier := await _replay(uow, producer_id, customer_id, key,
                                                         fingerprint)):
            return earlier, True
        rules.check_online_top_ups_are_offered(await uow.payments.settings(producer_id))
        if not await uow.top_ups.customer_is_known(producer_id, customer_id):
            raise NotFound("no such customer")
    gateway = await gateways(producer_id)
    if gateway is None:
        raise Conflict("the producer has no SumUp account")
    top_up_id = rules.top_up_id_for(producer_id, customer_id, key)
    valid_until = (now or datetime.now(UTC)) + rules.VALIDITY
    try:
        # created before the transaction: asked again, SumUp finds it by its reference
        checkout = await gateway.create_checkout(
            rules.reference(top_up_id), amount_cents, currency, DESCRIPTION, return_url,
            rules.redirect_for(redirect_url, top_up_id), valid_until=valid_until)
    except SumUpUnavailable as error:
        raise Unavailable("SumUp did not answer; nothing was asked, try again") from error
    except SumUpError as error:
        raise Conflict(f"SumUp refused the checkout: {error.message}") from error
    top_up = TopUp(producer_id, top_up_id, customer_id, amount_cents, currency, checkout.status,
                   checkout.id, checkout.hosted_checkout_url, checkout.valid_until or valid_until)
    async with new_uow() as uow:
        if not await uow.top_ups.add(top_up, key, fingerprint if key else None):
            # the same key's request, racing this one, was recorded first
            earlier = key and await _replay(uow, producer_id, customer_id, key, fingerprint)
            if not earlier:
                raise Conflict("this top-up was already asked")
            return earlier, True
        added = await uow.top_ups.get(producer_id, customer_id, top_up_id)
        await uow.commit()
    return top_up_view(added or top_up), False


async def _replay(uow: TopUpsUnitOfWork, producer_id: str, customer_id: str, key: str,
                  fingerprint: str) -> dict | None:
    found = await uow.top_ups.by_key(producer_id, customer_id, key)
    if found is None:
        return None
    earlier, remembered = found
    if remembered != fingerprint:
        raise Conflict("Idempotency-Key already used with another request")
    return top_up_view(earlier)


async def sync_top_up(checkout_id: str, new_uow: NewTopUpsUnitOfWork, gateways: GatewayFor,
                      now: datetime | None = None) -> str:
    """Read the top-up's checkout back from its producer's SumUp account and record what it says,
    once: paid, OnlineTopUpPaid is told in the transaction that closes it. A checkout still
    unpaid past its validity is deactivated first (it ends EXPIRED). Returns what happened."""
    async with new_uow() as uow:
        found = await uow.top_ups.by_checkout(checkout_id)
    if found is None:
        return "unknown checkout"
    top_up, db_now = found
    if top_up.is_final:
        return "already recorded"
    checkout = await final_checkout(checkout_id, top_up, top_up.amount_cents, gateways,
                                    now or db_now, "top-up checkout")
    if isinstance(checkout, str):
        return checkout
    async with new_uow() as uow:
        if not await uow.top_ups.close(checkout_id, checkout.status, checkout.transaction_id):
            return "already recorded"
        if checkout.status == PAID:
            uow.publish(OnlineTopUpPaid(
                producer_id=top_up.producer_id, customer_id=top_up.customer_id,
                top_up_id=top_up.top_up_id, amount_cents=top_up.amount_cents,
                checkout_id=checkout_id, transaction_id=checkout.transaction_id))
        await uow.commit()
    return checkout.status.lower()


async def sync_notified_checkout(checkout_id: str, new_uow: NewTopUpsUnitOfWork,
                                 gateways: GatewayFor, fetch_order: FetchOrder) -> str:
    """What SumUp's notification names is read back: an order's checkout, else a top-up's."""
    outcome = await sync_checkout(checkout_id, new_uow, gateways, fetch_order)
    if outcome != "unknown checkout":
        return outcome
    return await sync_top_up(checkout_id, new_uow, gateways)


async def sync_due_top_ups(new_uow: NewTopUpsUnitOfWork, gateways: GatewayFor,
                           limit: int = 100) -> dict[str, str]:
    """Read back every pending top-up whose turn came (webhooks can be lost); one SumUp could
    not answer for waits for its next turn without holding up the others."""
    async with new_uow() as uow:
        taken = await uow.top_ups.take_due(limit)
        await uow.commit()
    outcomes = {}
    for checkout_id in taken:
        try:
            outcomes[checkout_id] = await sync_top_up(checkout_id, new_uow, gateways)
        except Exception as error:  # noqa: BLE001 - its next turn comes anyway
            log.warning("reading top-up checkout %s back from SumUp: %s", checkout_id, error)
            outcomes[checkout_id] = "not read"
    return outcomes


async def read_top_up(producer_id: str, customer_id: str, top_up_id: uuid.UUID,
                      new_uow: NewTopUpsUnitOfWork) -> dict:
    async with new_uow() as uow:
        found = await uow.top_ups.get(producer_id, customer_id, top_up_id)
    if found is None:
        raise NotFound("no such top-up")
    return top_up_view(found)


async def list_top_ups(producer_id: str, customer_id: str, new_uow: NewTopUpsUnitOfWork,
                       limit: int = 50) -> list[dict]:
    async with new_uow() as uow:
        return [top_up_view(t) for t in await uow.top_ups.of_customer(producer_id, customer_id,
                                                                        limit)]
