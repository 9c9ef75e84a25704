"""Refunds of online payments through the producer's own SumUp account: asked once, recorded
once. SumUp has no idempotency key for refunds, so a refund is written down before it is asked
for, never asked twice, and one whose answer was lost is settled by reading the transaction back."""

import logging
import uuid

from ardoise.errors import Conflict, NotFound
from payments.adapters.sumup_accounts import GatewayFor
from payments.adapters.sumup_errors import SumUpError, SumUpUnavailable
from payments.domain.refunds import FAILED, REFUNDED, plan_refund
from payments.domain.settlement import ONLINE, Settlement
from payments.service_layer.handlers import FetchOrder, refund_online_within
from payments.service_layer.ports import NewPaymentsUnitOfWork

log = logging.getLogger(__name__)
ANSWER_LOST_AFTER_S = 60.0
"""A refund still `requested` this long after it was asked for lost its answer (a call to SumUp
gives up well before): its transaction is read back to learn whether SumUp made it."""


def refund_view(row) -> dict:
    return {"refund_id": str(row.refund_id), "order_id": str(row.order_id),
            "amount_cents": row.amount_cents, "status": row.status,
            "requested_by": row.requested_by}


async def refund_order(producer_id: str, order_id: uuid.UUID, amount_cents: int | None,
                       key: str | None, new_uow: NewPaymentsUnitOfWork, gateways: GatewayFor,
                       fetch_order: FetchOrder, actor: str | None = None) -> tuple[dict, bool]:
    """Give back `amount_cents` (by default all that was paid online) of an order's online
    payment through SumUp, asked by `actor`; returns the refund, and whether it replays an
    earlier request with the same key. Its status is `refunded` once SumUp took it,
    `requested` while SumUp did not answer (it is then settled by reading the transaction
    back). The settlement change a refund makes is recorded by who asked for it."""
    async with new_uow() as uow:
        if key is not None and (earlier := await uow.payments.refund_by_key(producer_id, key)):
            if earlier.order_id != order_id or amount_cents not in (None, earlier.amount_cents):
                raise Conflict("Idempotency-Key already used with another request")
            return refund_view(earlier), True
        (await uow.payments.settings(producer_id)).check_tracking_is_on()
        if not await uow.payments.orders_for_update(producer_id, [order_id]):
            raise NotFound("no such order")
        current = (await uow.payments.settlements(producer_id, [order_id])).get(
            order_id, Settlement())
        refund = plan_refund(order_id, current.received.get(ONLINE, 0),
                             await uow.payments.pending_refund_cents(producer_id, order_id),
                             await uow.payments.paid_checkouts(producer_id, order_id),
                             amount_cents, actor)
        await uow.payments.add_refund(producer_id, refund, key)
        await uow.commit()
    gateway = await gateways(producer_id)
    try:
        if gateway is None:
            raise SumUpError(None, None, "the producer has no SumUp account any more")
        await gateway.refund(refund.transaction_id, refund.amount_cents)
    except SumUpUnavailable as error:
        log.warning("refund %s of order %s: SumUp did not answer (%s); read back later",
                    refund.refund_id, order_id, error)
        return refund_view(refund), False
    except SumUpError as error:
        await _close(producer_id, refund.refund_id, FAILED, new_uow, fetch_order, str(error))
        raise Conflict(f"SumUp refused the refund: {error.message}") from error
    closed = await _close(producer_id, refund.refund_id, REFUNDED, new_uow, fetch_order)
    return refund_view(closed or refund), False


async def _close(producer_id: str, refund_id: uuid.UUID, status: str,
                 new_uow: NewPaymentsUnitOfWork, fetch_order: FetchOrder, error: str | None = None):
    """Record SumUp's answer, once: a refund made takes its amount off the order's online money
    (a SettlementChanged: the account and the week's totals follow). None if already closed."""
    async with new_uow() as uow:
        row = await uow.payments.close_refund(producer_id, refund_id, status,
                                              error[:500] if error else None)
        if row is not None and status == REFUNDED:
            await refund_online_within(uow, producer_id, row, fetch_order)
        await uow.commit()
    return row


async def settle_lost_refunds(new_uow: NewPaymentsUnitOfWork, gateways: GatewayFor,
                              fetch_order: FetchOrder, older_than_s: float = ANSWER_LOST_AFTER_S,
                              limit: int = 50) -> dict[uuid.UUID, str]:
    """Each refund whose answer was lost: made if SumUp's transaction shows more refunded than
    the refunds recorded on it, else failed (never asked again: the producer may ask anew)."""
    async with new_uow() as uow:
        lost = await uow.payments.requested_refunds(older_than_s, limit)
    outcomes = {}
    for row in lost:
        gateway = await gateways(row.producer_id)
        if gateway is None:
            continue
        try:
            transaction = await gateway.get_transaction(row.transaction_id)
        except SumUpError as error:
            log.warning("refund %s: transaction not read back (%s)", row.refund_id, error)
            continue
        async with new_uow() as uow:
            recorded = await uow.payments.refunded_of_transaction(row.producer_id,
                                                                  row.transaction_id)
        made = transaction.refunded_cents - recorded >= row.amount_cents
        status = REFUNDED if made else FAILED
        await _close(row.producer_id, row.refund_id, status, new_uow, fetch_order,
                     None if made else "SumUp shows no such refund")
        outcomes[row.refund_id] = status
    return outcomes
