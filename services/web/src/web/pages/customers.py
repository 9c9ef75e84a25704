"""The producer's Clients pages: customers by balance (`/clients`), a customer added, and one
customer's page (`/clients/{id}`): its account, orders, credit notes and credit limit."""

import asyncio
import re
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse

from ardoise.auth import Principal
from ardoise.ids import CUSTOMER_ID_PATTERN
from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import (
    BadInput,
    CheckedOperator,
    OperatorSession,
    gateways,
    page,
    shown_with_flash,
    taken_flash,
)
from web.pages.customers_views import (
    KINDS,
    MANUAL_MODES,
    MOVEMENTS,
    NOTE_STATUSES,
    ORDER_STATUSES,
    REMINDER_STATUSES,
    SETTLEMENT_MODES,
    TRACKING_OFF,
    checked_email,
    clean_search,
    customer_url,
    done_message,
    list_url,
    neighbours,
    one_line,
    own_limit,
    page_count,
)

router = APIRouter(tags=["customers"])

PAGE_SIZE = 50
"""Customers per page: one gateway call reads one page, however many customers there are."""
HISTORY_SIZE = 50
"""Movements and orders shown at once on a customer's page; older ones a link away."""
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)
CustomerId = Annotated[str, Path(pattern=CUSTOMER_ID_PATTERN)]


def _producer(session: signin.Session) -> tuple[Principal, str]:
    principal = session.principal
    return principal, principal.producer_id


async def customer_exists(request: Request, principal: Principal, path: str) -> bool:
    """Whether the accounts gateway knows the customer at `path`."""
    try:
        await gateways(request).json(principal, "accounts", "GET", f"{path}/account",
                                     params={"limit": 1})
    except Refused as error:
        if error.status == 404:
            return False
        raise
    return True


async def _customers_page(request: Request, session: signin.Session, q: str, in_debt: bool,
                          page_number: int, status_code: int = 200, **context: Any):
    principal, producer = _producer(session)
    params: dict[str, Any] = {"sort": "balance", "limit": PAGE_SIZE,
                              "offset": (page_number - 1) * PAGE_SIZE}
    if q:
        params["q"] = q
    if in_debt:
        params["in_debt"] = "true"
    found = await gateways(request).json(principal, "accounts", "GET",
                                         f"/v1/producers/{producer}/customers", params=params)
    customers, total = found["customers"], found.get("total")
    previous, following = neighbours(page_number, PAGE_SIZE, len(customers), total)
    return page(
        request, "customers.html", session, status_code=status_code,
        customers=customers, total=total, q=q, in_debt=in_debt, page_number=page_number,
        pages=page_count(PAGE_SIZE, total), tracking=found.get("payment_tracking", True),
        previous_url=previous and list_url(q, in_debt, previous),
        next_url=following and list_url(q, in_debt, following),
        all_url=list_url(q, False), debts_url=list_url(q, True),
        tracking_off=TRACKING_OFF, **context)


@router.get("/clients")
async def customers(request: Request, session: OperatorSession,
                    q: Annotated[str | None, Query(max_length=300)] = None,
                    dette: Annotated[str | None, Query(max_length=10)] = None,
                    page_number: Annotated[int, Query(alias="page", ge=1, le=200_000)] = 1):
    return await _customers_page(request, session, clean_search(q), dette in ("1", "true", "on"),
                                 page_number)


@router.post("/clients")
async def add_customer(request: Request, session: CheckedOperator,
                       customer_id: Annotated[str, Form(max_length=200)] = "",
                       name: Annotated[str, Form(max_length=1000)] = "",
                       email: Annotated[str, Form(max_length=1000)] = ""):
    principal, producer = _producer(session)
    wanted = customer_id.strip()
    entered = {"customer_id": wanted, "name": name, "email": email}
    try:
        if not _CUSTOMER_ID.fullmatch(wanted):
            raise BadInput("Numéro de client : des lettres sans accent, des chiffres, « . », "
                           "« - » ou « _ », 64 caractères au plus (par exemple c-0042).")
        body = {"name": one_line(name, "Nom")}
        if not body["name"]:
            raise BadInput("Indiquez le nom du client.")
        if address := checked_email(email):
            body["email"] = address
    except BadInput as bad:
        return await _customers_page(request, session, "", False, 1, status_code=422,
                                     problem=str(bad), entered=entered)
    path = f"/v1/producers/{producer}/customers/{wanted}"
    # PUT would rename a customer it knows: adding never does
    if await customer_exists(request, principal, path):
        return await _customers_page(
            request, session, "", False, 1, status_code=409, entered=entered,
            problem=f"Le numéro de client « {wanted} » est déjà pris : choisissez-en un "
                    "autre.")
    try:
        await gateways(request).json(principal, "accounts", "PUT", path, json=body)
    except Refused as error:
        return await _customers_page(request, session, "", False, 1, status_code=422,
                                     problem=f"Refusé : {error.message}", entered=entered)
    return RedirectResponse(customer_url(wanted, fait="ajoute"), status_code=303)


async def _optional(call) -> tuple[Any, str | None]:
    """A part of the page that may be missing: its answer, or what to say instead (its
    service down, or refusing that part)."""
    try:
        return await call, None
    except Unavailable as down:
        return None, down.message
    except Refused as refused:
        return None, f"Indisponible pour le moment : {refused.message}"


async def customer_page(request: Request, session: signin.Session, customer_id: str,
                         before: str | None = None, orders_before: str | None = None,
                         status_code: int = 200, **context: Any):
    principal, producer = _producer(session)
    calls = gateways(request)
    base = f"/v1/producers/{producer}"
    history: dict[str, Any] = {"limit": HISTORY_SIZE}
    if before:
        history["before"] = before
    listed: dict[str, Any] = {"customer_id": customer_id, "limit": HISTORY_SIZE}
    if orders_before:
        listed["before"] = orders_before
    try:
        account, (orders, orders_down), (notes, notes_down), (settings, _), (standing, _) = \
            await asyncio.gather(
                calls.json(principal, "accounts", "GET",
                           f"{base}/customers/{customer_id}/account", params=history),
                _optional(calls.json(principal, "orders", "GET", f"{base}/orders",
                                     params=listed)),
                _optional(calls.json(principal, "payments", "GET", f"{base}/credit-notes",
                                     params={"customer_id": customer_id})),
                _optional(calls.json(principal, "payments", "GET", f"{base}/settings")),
                _optional(calls.json(principal, "accounts", "GET",
                                     f"{base}/customers/{customer_id}/credit-limit")))
    except Refused as error:
        if error.status != 404:
            raise
        return page(request, "problem.html", session, status_code=404,
                    heading="Client introuvable",
                    problem=f"Aucun client « {customer_id} » dans votre ferme.")
    settings = settings or {}
    # the payments settings say whether tracking is on; unknown (down), the forms stay and the
    # accounts gateway itself refuses a movement while tracking is off
    tracking = settings.get("payment_tracking", True)
    movements = account["movements"]
    order_rows = (orders or {}).get("orders", [])
    return page(
        request, "customer.html", session, status_code=status_code,
        customer=account, customer_id=customer_id, movements=movements,
        orders=order_rows, orders_down=orders_down,
        notes=(notes or {}).get("credit_notes", []), notes_down=notes_down,
        zone=settings.get("time_zone") or "Europe/Paris", tracking=tracking,
        tracking_off=TRACKING_OFF,
        keys={kind: uuid.uuid4() for kind in MOVEMENTS},
        older_movements=(customer_url(customer_id, avant=movements[-1]["movement_id"],
                                      commandes_avant=orders_before)
                         if len(movements) == HISTORY_SIZE else None),
        older_orders=(customer_url(customer_id, avant=before,
                                   commandes_avant=order_rows[-1].get("placed_at"))
                      if len(order_rows) == HISTORY_SIZE else None),
        newest=customer_url(customer_id) if before or orders_before else None,
        modes=MANUAL_MODES, settlement_modes=SETTLEMENT_MODES, statuses=ORDER_STATUSES,
        note_statuses=NOTE_STATUSES, kinds=KINDS, standing=standing,
        own_limit=own_limit(standing), reminder_statuses=REMINDER_STATUSES, **context)


@router.get("/clients/{customer_id}")
async def customer(request: Request, session: OperatorSession, customer_id: CustomerId,
                   avant: uuid.UUID | None = None, commandes_avant: datetime | None = None,
                   fait: Annotated[str | None, Query(max_length=20)] = None,
                   montant: Annotated[str | None, Query(max_length=20)] = None):
    return shown_with_flash(request, await customer_page(
        request, session, customer_id, before=avant and str(avant),
        orders_before=commandes_avant and commandes_avant.isoformat(),
        message=done_message(fait, montant) or taken_flash(request)))
