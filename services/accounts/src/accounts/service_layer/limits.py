"""Credit limits' handlers: the producer sets its default limit and choice, or a customer's own
limit; the orders service reads a customer's standing against its limit when an order is
placed. Setting a limit moves no money: nothing is published."""

from collections.abc import Callable
from typing import Protocol

from accounts.domain.exceptions import CustomerNotFound
from accounts.domain.limits import (
    CreditLimits,
    CreditStanding,
    SetCreditLimits,
    SetCustomerCreditLimit,
    check_limit_is_an_amount_or_none,
)
from ardoise.changes import Change
from ardoise.uow import UnitOfWorkPort


class LimitsRepository(Protocol):
    async def producer_limits(self, producer_id: str) -> CreditLimits: ...

    async def producer_limits_change(self, producer_id: str) -> Change: ...

    async def set_producer_limits(self, producer_id: str, limits: CreditLimits,
                                  change: Change | None = None) -> None: ...

    async def set_customer_limit(self, producer_id: str, customer_id: str,
                                 limit_cents: int | None, change: Change | None = None
                                 ) -> bool: ...

    async def standing(self, producer_id: str, customer_id: str) -> CreditStanding | None: ...

    async def tracking_is_on(self, producer_id: str) -> bool: ...


class LimitsUnitOfWork(UnitOfWorkPort, Protocol):
    limits: LimitsRepository


NewLimitsUnitOfWork = Callable[[], LimitsUnitOfWork]


def limits_view(limits: CreditLimits, payment_tracking: bool, change: Change) -> dict:
    return {"credit_limit_cents": limits.default_limit_cents, "over_limit": limits.over_limit,
            "payment_tracking": payment_tracking, **change.view()}


async def set_credit_limits(cmd: SetCreditLimits, uow: LimitsUnitOfWork) -> dict:
    """Both replaced: a PUT that leaves the limit out removes it; who set them is kept."""
    limits = CreditLimits.checked(cmd.default_limit_cents, cmd.over_limit)
    change = Change.now_by(cmd.changed_by)
    async with uow:
        await uow.limits.set_producer_limits(cmd.producer_id, limits, change)
        tracking = await uow.limits.tracking_is_on(cmd.producer_id)
        await uow.commit()
    return limits_view(limits, tracking, change)


async def credit_limits(producer_id: str, uow: LimitsUnitOfWork) -> dict:
    async with uow:
        limits = await uow.limits.producer_limits(producer_id)
        change = await uow.limits.producer_limits_change(producer_id)
        tracking = await uow.limits.tracking_is_on(producer_id)
    return limits_view(limits, tracking, change)


async def set_customer_credit_limit(cmd: SetCustomerCreditLimit, uow: LimitsUnitOfWork) -> dict:
    """The customer's own limit, and its standing with it; 404 for an unknown customer."""
    check_limit_is_an_amount_or_none(cmd.limit_cents)
    async with uow:
        if not await uow.limits.set_customer_limit(cmd.producer_id, cmd.customer_id,
                                                   cmd.limit_cents,
                                                   Change.now_by(cmd.changed_by)):
            raise CustomerNotFound("no such customer")
        standing = await uow.limits.standing(cmd.producer_id, cmd.customer_id)
        await uow.commit()
    assert standing is not None  # written just now, in the same transaction
    return standing.view()


async def credit_standing(producer_id: str, customer_id: str, uow: LimitsUnitOfWork) -> dict:
    """Balance, held, available, the limit in force (the customer's own, else the default),
    the producer's choice and whether it tracks payments: what an order is checked against."""
    async with uow:
        standing = await uow.limits.standing(producer_id, customer_id)
    if standing is None:
        raise CustomerNotFound("no such customer")
    return standing.view()
