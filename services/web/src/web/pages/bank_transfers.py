"""What is done with one transfer of the bank page (`/banque/virements/{id}/…`): its proposed
match confirmed, the transfer ignored, what was done undone by a counter-entry, or the transfer
given to a customer (and one of its orders) chosen on its own page."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from web import signin
from web.gateways import Refused, Unavailable
from web.pages.bank import (
    CUSTOMERS_LIMIT,
    QUEUE_LIMIT,
    bank_path,
    bank_redirect,
    customer_name,
    customers_by_name,
)
from web.pages.bank_views import (
    action_problem,
    customer_names,
    done_message,
    order_choices,
    reassignment_body,
    transaction_row,
)
from web.pages.common import BadInput, CheckedOperator, OperatorSession, gateways, page
from web.pages.common import producer_path as _base

router = APIRouter(tags=["bank"])

ORDERS_LIMIT = 50


async def _act(request: Request, session: signin.Session, transaction_id: uuid.UUID,
               action: str) -> RedirectResponse:
    """Confirm the proposed match, ignore the transfer, or undo what was done with it."""
    try:
        tx = await gateways(request).json(
            session.principal, "payments", "POST",
            f"{bank_path(session)}/transactions/{transaction_id}/{action}")
    except Refused as refused:
        if refused.status not in (404, 409, 422):
            raise
        return bank_redirect(request, "!" + action_problem(refused.status, refused.detail))
    name = await customer_name(request, session, tx.get("customer_id"))
    return bank_redirect(request, done_message(action, tx, name))


@router.post("/banque/virements/{transaction_id}/confirmer")
async def confirm(request: Request, session: CheckedOperator, transaction_id: uuid.UUID):
    return await _act(request, session, transaction_id, "confirm")


@router.post("/banque/virements/{transaction_id}/ignorer")
async def ignore(request: Request, session: CheckedOperator, transaction_id: uuid.UUID):
    return await _act(request, session, transaction_id, "ignore")


@router.post("/banque/virements/{transaction_id}/annuler")
async def undo(request: Request, session: CheckedOperator, transaction_id: uuid.UUID):
    """Undo an application (a counter-entry) or an ignore: the transfer waits again."""
    return await _act(request, session, transaction_id, "undo")


async def _transaction(request: Request, session: signin.Session,
                       transaction_id: uuid.UUID) -> dict | None:
    """A transfer that may be given to a customer: waiting, or applied."""
    wanted = str(transaction_id)
    for status in ("queued", "applied"):
        found = await gateways(request).json(
            session.principal, "payments", "GET", f"{bank_path(session)}/transactions",
            params={"status": status, "limit": QUEUE_LIMIT})
        for tx in found["transactions"]:
            if tx["transaction_id"] == wanted:
                return tx
    return None


async def assign_page(request: Request, session: signin.Session, transaction_id: uuid.UUID,
                      client: str | None, q: str = "", status_code: int = 200,
                      problem: str | None = None, chosen_order: str | None = None):
    tx = await _transaction(request, session, transaction_id)
    if tx is None:
        return page(request, "problem.html", session, status_code=404,
                    heading="Virement introuvable",
                    problem="Ce virement n'attend plus d'être attribué : revenez à la page "
                            "Banque.")
    customers, customers_down = await customers_by_name(request, session, q)
    client = client or tx.get("customer_id")
    names = customer_names(customers)
    if client and client not in names:
        names[client] = await customer_name(request, session, client) or client
    orders, orders_down = [], None
    if client:
        try:
            found = await gateways(request).json(
                session.principal, "orders", "GET", f"{_base(session)}/orders",
                params={"customer_id": client, "limit": ORDERS_LIMIT})
            orders = found.get("orders", [])
        except Unavailable as down:
            orders_down = down.message
        except Refused as refused:
            if refused.status not in (404, 422):
                raise
    if chosen_order is None and client == tx.get("customer_id"):
        chosen_order = tx.get("order_id")
    return page(request, "bank_assign.html", session, status_code=status_code, problem=problem,
                tx=transaction_row(tx, names), customers=customers,
                customers_down=customers_down, q=q, client=client,
                client_name=names.get(client) if client else None,
                orders=order_choices(orders, chosen_order), orders_down=orders_down,
                customers_full=len(customers) >= CUSTOMERS_LIMIT)


@router.get("/banque/virements/{transaction_id}/attribuer")
async def assign(request: Request, session: OperatorSession, transaction_id: uuid.UUID,
                 client: Annotated[str | None, Query(max_length=64)] = None,
                 q: Annotated[str | None, Query(max_length=100)] = None):
    """Choose the customer (and one of its orders) a transfer pays."""
    q = " ".join((q or "").split())
    return await assign_page(request, session, transaction_id, (client or "").strip() or None,
                             q)


@router.post("/banque/virements/{transaction_id}/attribuer")
async def reassign(request: Request, session: CheckedOperator, transaction_id: uuid.UUID,
                   customer_id: Annotated[str, Form(max_length=64)] = "",
                   order_id: Annotated[str, Form(max_length=64)] = ""):
    try:
        body = reassignment_body(customer_id, order_id)
        tx = await gateways(request).json(
            session.principal, "payments", "POST",
            f"{bank_path(session)}/transactions/{transaction_id}/reassign", json=body)
    except BadInput as bad:
        return await assign_page(request, session, transaction_id, customer_id.strip() or None,
                                 status_code=422, problem=str(bad))
    except Refused as refused:
        if refused.status == 422:
            return await assign_page(request, session, transaction_id,
                                     customer_id.strip() or None, status_code=422,
                                     problem=action_problem(422, refused.detail))
        if refused.status not in (404, 409):
            raise
        return bank_redirect(request, "!" + action_problem(refused.status, refused.detail))
    name = await customer_name(request, session, tx.get("customer_id"))
    return bank_redirect(request, done_message("reassign", tx, name))
