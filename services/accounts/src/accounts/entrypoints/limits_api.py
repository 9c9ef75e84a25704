"""The accounts gateway's credit limits: the producer's default limit and its choice for orders
over a limit, each customer's own limit, and a customer's standing against it (what the orders
service asks when an order is placed)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from accounts.adapters.limits_repository import SqlLimitsUnitOfWork
from accounts.domain.limits import (
    OVER_LIMIT_CHOICES,
    REFUSE,
    SetCreditLimits,
    SetCustomerCreditLimit,
)
from accounts.entrypoints.api import READ_SCOPE, check_operator_of_customer
from accounts.service_layer import limits
from ardoise.changes import ChangeOut, actor_of
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.money import NonNegativeCents

router = APIRouter(prefix="/v1/producers/{producer}", tags=["credit limits"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
Customer = Annotated[str, Path(pattern=CUSTOMER_ID_PATTERN)]
OverLimit = Literal[OVER_LIMIT_CHOICES]  # type: ignore[valid-type]
LIMIT = ("How far below zero the available balance (balance − held) may go, in cents: 5000 "
         "lets it go down to −50,00 €; 0 allows no debt; null: ")
OVER_LIMIT = ("What an order that would take the available balance below the limit gets: "
              "`refuse` (409 naming the limit and the balance) or `online_payment` (accepted, "
              "to be paid online at once, the debt collected with it, as when the producer "
              "requires online payment).")


class CreditLimitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credit_limit_cents: NonNegativeCents | None = Field(None, description=(
        LIMIT + "no limit. Left out: null (a PUT sets both)."))
    over_limit: OverLimit = Field(REFUSE, description=OVER_LIMIT + " Left out: `refuse`.")


class CreditLimitsOut(ChangeOut):
    credit_limit_cents: int | None
    """The default limit (null: none), for every customer without a limit of its own."""
    over_limit: OverLimit
    payment_tracking: bool
    """Limits apply while the producer tracks payments (off: balances are not counted)."""


class CustomerCreditLimitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credit_limit_cents: NonNegativeCents | None = Field(None, description=(
        LIMIT + "the producer's default. Left out: null."))


class CreditStandingOut(ChangeOut):
    """The customer's standing; `changed_by`, `changed_at`: who last set its own limit."""

    customer_id: str
    balance_cents: int
    held_cents: int
    available_cents: int
    credit_limit_cents: int | None
    """The limit in force: the customer's own, else the producer's default (null: none)."""
    customer_credit_limit_cents: int | None
    """The customer's own limit (null: the default applies)."""
    default_credit_limit_cents: int | None
    over_limit: OverLimit
    available_until_limit_cents: int | None
    """available + limit: what may still be ordered before the limit (null: no limit)."""
    payment_tracking: bool


def _uow(request: Request) -> SqlLimitsUnitOfWork:
    return SqlLimitsUnitOfWork(request.app.state.sessionmaker)


@router.put("/credit-limits", response_model=CreditLimitsOut,
            summary="Set the default credit limit and the choice for orders over a limit")
async def put_credit_limits(producer: Producer, body: CreditLimitsIn,
                            principal: CurrentPrincipal, request: Request) -> dict:
    """The producer's default limit, for every customer without one of its own, and what an
    order over a limit gets. Checked when an order is placed: later orders only. Who set them,
    and when, is kept (`changed_by`, `changed_at`)."""
    check_operator_of(principal, producer)
    command = SetCreditLimits(producer, body.credit_limit_cents, body.over_limit,
                              actor_of(principal))
    return await limits.set_credit_limits(command, _uow(request))


@router.get("/credit-limits", response_model=CreditLimitsOut,
            summary="The default credit limit and the choice for orders over a limit")
async def get_credit_limits(producer: Producer, principal: CurrentPrincipal,
                            request: Request) -> dict:
    """No limit and `refuse` until the producer sets them."""
    check_operator_of(principal, producer, READ_SCOPE)
    return await limits.credit_limits(producer, _uow(request))


@router.put("/customers/{customer}/credit-limit", response_model=CreditStandingOut,
            summary="Set a customer's own credit limit")
async def put_customer_credit_limit(producer: Producer, customer: Customer,
                                    body: CustomerCreditLimitIn, principal: CurrentPrincipal,
                                    request: Request) -> dict:
    """The customer's own limit, overriding the producer's default (null: the default again);
    answers the customer's standing with it, and who set the limit (`changed_by`,
    `changed_at`). 404 for a customer not registered."""
    check_operator_of_customer(principal, producer, customer)
    command = SetCustomerCreditLimit(producer, customer, body.credit_limit_cents,
                                     actor_of(principal))
    return await limits.set_customer_credit_limit(command, _uow(request))


@router.get("/customers/{customer}/credit-limit", response_model=CreditStandingOut,
            summary="A customer's standing against its credit limit")
async def get_customer_credit_limit(producer: Producer, customer: Customer,
                                    principal: CurrentPrincipal, request: Request) -> dict:
    """Balance, held, available, the limit in force and the producer's choice, read together:
    what the orders service checks an order against when it is placed. 404 for a customer not
    registered."""
    check_operator_of_customer(principal, producer, customer, READ_SCOPE)
    return await limits.credit_standing(producer, customer, _uow(request))
