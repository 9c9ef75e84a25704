"""The producer's payments of the week (`/paiements`): each order's settlement, the movements
and the totals by mode; one order or a selection settled from it."""

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request

from web import signin
from web.gateways import Refused
from web.pages.common import (
    BadInput,
    CheckedOperator,
    OperatorSession,
    gateways,
    order_uuid,
    page,
    plain_euros,
    redirect_with,
    shown_with_flash,
    taken_flash,
)
from web.pages.common import producer_path as _base
from web.pages.payment_settings import current_settings
from web.pages.payments_views import (
    MANUAL_MODES,
    MODE_NAMES,
    PAYING_MODES,
    bulk_message,
    current_week,
    french_reason,
    mode_name,
    monday_of,
    note_candidates,
    notes_in_force,
    parse_euros,
    settled_message,
    shifted_week,
    totals_lines,
    week_movements,
    week_title,
    week_url,
)

router = APIRouter(tags=["payments"])

NOTES_ONE_BY_ONE = 12
"""Up to this many customers, their credit notes are read customer by customer; beyond, all."""


# ---- plumbing -----------------------------------------------------------------------------

async def _credit_notes(request: Request, session: signin.Session,
                        rows: list[dict]) -> dict[str, dict]:
    customers = note_candidates(rows)
    if not customers:
        return {}
    path, gw = f"{_base(session)}/credit-notes", gateways(request)
    if len(customers) > NOTES_ONE_BY_ONE:
        found = await gw.json(session.principal, "payments", "GET", path)
        return notes_in_force(found["credit_notes"])
    answers = await asyncio.gather(*(
        gw.json(session.principal, "payments", "GET", path, params={"customer_id": c})
        for c in sorted(customers)))
    return notes_in_force([n for a in answers for n in a["credit_notes"]])


def _row_view(row: dict, notes: dict[str, dict], modes: list[str]) -> dict:
    received = row.get("received") or {}
    return {**row, "mode_name": mode_name(row["mode"]), "note": notes.get(row["order_id"]),
            "received_lines": [(mode_name(m), c) for m, c in received.items()]
            if len(received) > 1 else [],
            "chosen": row["mode"] if row["mode"] in modes and row["mode"] != "not_delivered"
            else next((m for m in modes if m in MANUAL_MODES), modes[0]),
            "total_typed": plain_euros(row["total_cents"]), "key": str(uuid.uuid4()),
            "online_cents": received.get("online", 0)}


async def week_page(request: Request, session: signin.Session, week: str | None,
                    status_code: int = 200, problem: str | None = None,
                    message: str | None = None):
    settings = await current_settings(request, session)
    zone = settings.get("time_zone") or "Europe/Paris"
    week = week if monday_of(week) else current_week(request.app.state.clock(), zone)
    common = {"week": week, "title": week_title(week), "previous_week": shifted_week(week, -1),
              "next_week": shifted_week(week, 1), "zone": zone, "problem": problem,
              "message": message}
    try:
        data = await gateways(request).json(session.principal, "payments", "GET",
                                             f"{_base(session)}/payments", params={"week": week})
    except Refused as refused:
        if refused.status != 409:
            raise
        return page(request, "payments.html", session, status_code=409, tracking_off=True,
                    **common)
    modes = [m for m in ("not_delivered", *settings.get("accepted_modes", [])) if m != "online"]
    notes = await _credit_notes(request, session, data["rows"])
    return page(request, "payments.html", session, status_code=status_code, tracking_off=False,
                rows=[_row_view(r, notes, modes) for r in data["rows"]],
                sumup_connected=bool(settings.get("sumup_connected")),
                movements=week_movements(data),
                totals=totals_lines(data["totals"], data["total_cents"]),
                modes=[(m, mode_name(m)) for m in modes], key=str(uuid.uuid4()),
                bulk_chosen=next((m for m in modes if m in MANUAL_MODES), modes[0]), **common)


def _order_id(text: str) -> str:
    found = order_uuid(text)
    if found is None:
        raise BadInput("Commande inconnue.")
    return found


def _mode(text: str) -> str:
    if text not in MODE_NAMES or text == "online":
        raise BadInput("Choisissez un mode de règlement de la liste.")
    return text


# ---- routes -------------------------------------------------------------------------------

@router.get("/paiements")
async def payments_of_the_week(request: Request, session: OperatorSession,
                               semaine: Annotated[str | None, Query(max_length=20)] = None):
    if semaine and not monday_of(semaine):
        return page(request, "problem.html", session, status_code=422,
                    heading="Semaine inconnue",
                    problem="Une semaine s'écrit comme 2026-W48 (année, puis numéro de semaine).")
    return shown_with_flash(request, await week_page(request, session, semaine,
                                                     message=taken_flash(request)))


@router.post("/paiements/reglement")
async def settle_one(request: Request, session: CheckedOperator,
                     order_id: Annotated[str, Form(max_length=64)],
                     mode: Annotated[str, Form(max_length=20)],
                     semaine: Annotated[str, Form(max_length=20)] = "",
                     customer_id: Annotated[str, Form(max_length=100)] = "",
                     montant: Annotated[str, Form(max_length=40)] = "",
                     key: Annotated[str, Form(max_length=100)] = ""):
    week = semaine if monday_of(semaine) else None
    try:
        order, mode, cents = _order_id(order_id), _mode(mode), parse_euros(montant)
        if mode not in MANUAL_MODES and cents:
            raise BadInput(f"Avec « {mode_name(mode)} », aucun montant n'est payé : laissez le "
                           "montant vide.")
    except BadInput as bad:
        return await week_page(request, session, week, status_code=422, problem=str(bad))
    body = {"mode": mode} if cents is None else {"mode": mode, "amount_paid_cents": cents}
    gw = gateways(request)
    try:
        answer = await gw.json(session.principal, "payments", "PUT",
                               f"{_base(session)}/orders/{order}/settlement", json=body,
                               headers={"Idempotency-Key": key or str(uuid.uuid4())})
    except Refused as refused:
        return await week_page(request, session, week, status_code=refused.status,
                               problem=french_reason(refused))
    note = None
    if answer["mode"] in PAYING_MODES and customer_id:
        found = await gw.json(session.principal, "payments", "GET",
                              f"{_base(session)}/credit-notes", params={"customer_id": customer_id})
        note = notes_in_force(found["credit_notes"]).get(order)
    return redirect_with(request, week_url(week),
                         settled_message(answer, note))


@router.post("/paiements/selection")
async def settle_many(request: Request, session: CheckedOperator,
                      mode: Annotated[str, Form(max_length=20)],
                      semaine: Annotated[str, Form(max_length=20)] = "",
                      order_ids: Annotated[list[str], Form()] = [],  # noqa: B006
                      key: Annotated[str, Form(max_length=100)] = ""):
    week = semaine if monday_of(semaine) else None
    try:
        orders, mode = [_order_id(o) for o in order_ids], _mode(mode)
        if not orders:
            raise BadInput("Cochez au moins une commande à régler.")
        if len(orders) > 1000:
            raise BadInput("Au plus 1000 commandes à la fois.")
    except BadInput as bad:
        return await week_page(request, session, week, status_code=422, problem=str(bad))
    try:
        answer = await gateways(request).json(
            session.principal, "payments", "POST", f"{_base(session)}/settlements",
            json={"order_ids": orders, "mode": mode},
            headers={"Idempotency-Key": key or str(uuid.uuid4())})
    except Refused as refused:
        return await week_page(request, session, week, status_code=refused.status,
                               problem=french_reason(refused))
    return redirect_with(request, week_url(week),
                         bulk_message(answer["settlements"], mode))
