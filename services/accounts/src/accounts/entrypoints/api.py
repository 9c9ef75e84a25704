"""The accounts HTTP gateway: customers, the customers page, accounts and manual movements."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from accounts import views
from accounts.adapters.repository import AccountRepository
from accounts.domain.commands import RecordMovement, RegisterCustomer
from accounts.entrypoints import balances_api
from accounts.entrypoints.balances_schemas import AccountAtOut, CustomersAtOut
from accounts.entrypoints.schemas import (
    AccountOut,
    CustomerIn,
    CustomerOut,
    CustomersOut,
    MovementIn,
    MovementOut,
)
from accounts.service_layer import handlers
from ardoise.auth import Principal
from ardoise.changes import actor_of
from ardoise.errors import Conflict, Forbidden, NotFound
from ardoise.gateway import CurrentPrincipal, check_operator_of, request_fingerprint
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.text import ONE_LINE_PATTERN

router = APIRouter(prefix="/v1", tags=["accounts"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
Customer = Annotated[str, Path(pattern=CUSTOMER_ID_PATTERN)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def check_operator_of_customer(principal: Principal, producer_id: str, customer_id: str,
                               service_scope: str | None = None) -> None:
    """Another customer does not exist for a customer (404); its own account it reads at
    `/v1/me/account`, the producer's pages being the operator's (403). A service passes where
    the route names a scope it was given."""
    if service_scope is not None and principal.may(service_scope):
        return
    if not principal.can_reach_customer(producer_id, customer_id):
        raise NotFound("no such customer")
    check_operator_of(principal, producer_id)


READ_SCOPE = "accounts:read"
"""The scope of services that read accounts (orders, web)."""


def _uow(request: Request):
    return request.app.state.uow_factory()


@router.put("/producers/{producer}/customers/{customer}", response_model=CustomerOut)
async def put_customer(
    producer: Producer, customer: Customer, body: CustomerIn, principal: CurrentPrincipal,
    request: Request,
) -> dict:
    """Register the customer or replace its details, all of them: a detail left out is none
    after it. 422 naming the field for an invalid SIREN or VAT number, a professional customer
    without SIREN, a consumer with one, or a French VAT number that is not the SIREN's."""
    check_operator_of(principal, producer)
    command = RegisterCustomer(producer, customer, body.name.strip(), body.email, body.address,
                               body.professional, body.siren, body.vat_number)
    return await handlers.register_customer(command, _uow(request))


@router.get("/producers/{producer}/customers", response_model=CustomersOut | CustomersAtOut)
async def list_customers(
    producer: Producer, principal: CurrentPrincipal, request: Request,
    sort: views.Sort = "balance",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    q: Annotated[str | None, Query(max_length=100, pattern=ONE_LINE_PATTERN,
                                   description="words of the name, accents and case aside")
                 ] = None,
    in_debt: Annotated[bool, Query(description="only the customers who owe")] = False,
    count: Annotated[bool, Query(description="count them all (`total`); false: total is null, "
                                             "a little faster on large farms")] = True,
    email: Annotated[str | None, Query(max_length=254, pattern=ONE_LINE_PATTERN,
                                       description="only the customer(s) at this address, "
                                                   "case aside")] = None,
    at: balances_api.At = None,
) -> dict:
    """The customers page: balances, held and available amounts and e-mail addresses, sorted
    (`balance`: most negative first), searched by name (`q`), those in debt only (`in_debt`),
    those at one address (`email`), and `total`: how many match in all. With `at`, as it was
    then (held and available null; with `in_debt`, those who owed then). The web service
    reads it too (who an address is, at sign-in: scope `accounts:read`)."""
    check_operator_of(principal, producer, READ_SCOPE)
    if at is not None:
        return await balances_api.customers_at(request, producer, at, sort, limit, offset, q,
                                               in_debt, count, email)
    async with request.app.state.sessionmaker() as session:
        return await views.customers_page(session, producer, sort, limit, offset, q, in_debt,
                                          count, email)


async def _account(request: Request, producer: str, customer: str, limit: int,
                   before: uuid.UUID | None) -> dict:
    async with request.app.state.sessionmaker() as session:
        page = await views.account_page(session, producer, customer, limit, before)
    if page is None:
        raise NotFound("no such customer")
    return page


@router.get("/producers/{producer}/customers/{customer}/account",
            response_model=AccountOut | AccountAtOut)
async def get_account(
    producer: Producer, customer: Customer, principal: CurrentPrincipal, request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, before: uuid.UUID | None = None,
    at: balances_api.At = None,
) -> dict:
    """With `at`: the balance then and the movements up to then. The orders service reads it
    too (the buyer's name on an invoice: scope `accounts:read`)."""
    check_operator_of_customer(principal, producer, customer, READ_SCOPE)
    if at is not None:
        return await balances_api.account_at(request, producer, customer, at, limit, before)
    return await _account(request, producer, customer, limit, before)


@router.get("/me/account", response_model=AccountOut | AccountAtOut, responses={409: {
    "description": "the producer does not track payments: no balance is shown"}})
async def get_my_account(
    principal: CurrentPrincipal, request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, before: uuid.UUID | None = None,
    at: balances_api.At = None,
) -> dict:
    if principal.role != "customer" or principal.customer_id is None:
        raise Forbidden("this route is for customers")
    async with request.app.state.sessionmaker() as session:
        if not await AccountRepository(session).tracking_is_on(principal.producer_id):
            raise Conflict(handlers.TRACKING_OFF)
    if at is not None:
        return await balances_api.account_at(request, principal.producer_id,
                                             principal.customer_id, at, limit, before)
    return await _account(request, principal.producer_id, principal.customer_id, limit, before)


@router.post(
    "/producers/{producer}/customers/{customer}/movements",
    response_model=MovementOut, status_code=201,
    responses={200: {"description": "replay of an earlier request with the same Idempotency-Key"},
               409: {"description": "Idempotency-Key reused with another body, or payment "
                                    "tracking off for the producer"}},
)
async def post_movement(
    producer: Producer, customer: Customer, body: MovementIn, principal: CurrentPrincipal,
    request: Request, idempotency_key: IdempotencyKey = None,
):
    """A credit (a top-up, with a mode) or a debit recorded by hand; the movement keeps who
    recorded it (`recorded_by`: the operator's name, as the history shows it)."""
    check_operator_of(principal, producer)
    command = RecordMovement(producer, customer, body.direction, body.amount_cents, body.label,
                             body.mode, actor_of(principal))
    fingerprint = request_fingerprint({"customer": customer, **body.model_dump()})
    movement, replayed = await handlers.record_movement_once(
        command, lambda: _uow(request), idempotency_key, fingerprint
    )
    if replayed:
        return JSONResponse(movement, status_code=200)
    return movement
