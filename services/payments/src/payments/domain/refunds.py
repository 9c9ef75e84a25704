"""Refunds of online payments: how much may go back, and through which SumUp transaction. No I/O."""

import uuid
from dataclasses import dataclass

from ardoise.errors import Conflict

REQUESTED, REFUNDED, FAILED = "requested", "refunded", "failed"


@dataclass(frozen=True)
class PaidCheckout:
    """A checkout SumUp confirmed paid for the order, and what was refunded or asked back of it."""

    checkout_id: str
    transaction_id: str
    paid_cents: int
    refunded_cents: int

    @property
    def refundable_cents(self) -> int:
        return self.paid_cents - self.refunded_cents


@dataclass(frozen=True)
class Refund:
    """Money asked back of one SumUp transaction; `status` REQUESTED until SumUp's answer is known."""

    refund_id: uuid.UUID
    order_id: uuid.UUID
    checkout_id: str
    transaction_id: str
    amount_cents: int
    status: str = REQUESTED
    requested_by: str | None = None
    """Who asked for it (an operator's name): the settlement change it makes is theirs."""


def plan_refund(order_id: uuid.UUID, online_cents: int, pending_cents: int,
                paid: list[PaidCheckout], amount_cents: int | None,
                requested_by: str | None = None) -> Refund:
    """The refund `requested_by` asks for: `amount_cents` (by default all that was paid online
    and is not already being refunded), from the latest paid checkout that still holds it."""
    available = online_cents - pending_cents
    wanted = available if amount_cents is None else amount_cents
    if available <= 0:
        raise Conflict("nothing paid online for this order is left to refund")
    if not 0 < wanted <= available:
        raise Conflict(f"at most {available} cents paid online for this order can be refunded")
    for checkout in reversed(paid):
        if checkout.refundable_cents >= wanted:
            return Refund(uuid.uuid4(), order_id, checkout.checkout_id, checkout.transaction_id,
                          wanted, requested_by=requested_by)
    largest = max((c.refundable_cents for c in paid), default=0)
    raise Conflict(f"one refund goes back through one SumUp payment: at most {largest} cents "
                   "at once")
