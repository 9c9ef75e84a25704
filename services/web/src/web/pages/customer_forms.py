"""The forms of one customer's page (`/clients/{id}`): a movement recorded (credit, recharge,
debit) and the customer's details (name, e-mail, address, professional identity)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web.gateways import Refused
from web.pages.common import BadInput, CheckedOperator, gateways, page
from web.pages.customers import CustomerId, customer_exists, customer_page
from web.pages.customers_views import customer_url, details_body, movement_body, refusal

router = APIRouter(tags=["customers"])


@router.post("/clients/{customer_id}/mouvements")
async def record_movement(request: Request, session: CheckedOperator, customer_id: CustomerId,
                          sorte: Annotated[str, Form(max_length=20)] = "",
                          cle: Annotated[str, Form(max_length=100)] = "",
                          montant: Annotated[str, Form(max_length=100)] = "",
                          libelle: Annotated[str, Form(max_length=1000)] = "",
                          mode: Annotated[str, Form(max_length=20)] = ""):
    principal, producer = session.principal, session.principal.producer_id
    entered = {"kind": sorte, "amount": montant, "label": libelle, "mode": mode}
    try:
        key = str(uuid.UUID(cle))
    except ValueError:
        return await customer_page(request, session, customer_id, status_code=422,
                                    entered=entered, problem="Ce formulaire a expiré : "
                                    "rechargez la page et recommencez.")
    try:
        body = movement_body(sorte, montant, libelle, mode)
    except BadInput as bad:
        return await customer_page(request, session, customer_id, status_code=422,
                                    entered=entered, problem=str(bad))
    try:
        await gateways(request).json(
            principal, "accounts", "POST",
            f"/v1/producers/{producer}/customers/{customer_id}/movements", json=body,
            headers={"Idempotency-Key": f"web-movement-{key}"})
    except Refused as error:
        return await customer_page(request, session, customer_id,
                                    status_code=409 if error.status == 409 else 422,
                                    entered=entered, problem=refusal(error))
    return RedirectResponse(customer_url(customer_id, fait=sorte, montant=body["amount_cents"]),
                            status_code=303)


@router.post("/clients/{customer_id}/coordonnees")
async def set_details(request: Request, session: CheckedOperator, customer_id: CustomerId,
                      name: Annotated[str, Form(max_length=1000)] = "",
                      email: Annotated[str, Form(max_length=1000)] = "",
                      adresse: Annotated[str, Form(max_length=2000)] = "",
                      professionnel: Annotated[str, Form(max_length=10)] = "",
                      siren: Annotated[str, Form(max_length=100)] = "",
                      tva: Annotated[str, Form(max_length=100)] = ""):
    principal, producer = session.principal, session.principal.producer_id
    details = {"name": name, "email": email, "address": adresse,
               "professional": professionnel == "on", "siren": siren, "vat_number": tva}
    try:
        body = details_body(**details)
    except BadInput as bad:
        return await customer_page(request, session, customer_id, status_code=422,
                                    problem=str(bad), details=details)
    path = f"/v1/producers/{producer}/customers/{customer_id}"
    # PUT creates a customer it does not know: these details are only for an existing one
    if not await customer_exists(request, principal, path):
        return page(request, "problem.html", session, status_code=404,
                    heading="Client introuvable",
                    problem=f"Aucun client « {customer_id} » dans votre ferme.")
    try:
        await gateways(request).json(principal, "accounts", "PUT", path, json=body)
    except Refused as error:
        return await customer_page(request, session, customer_id, status_code=422,
                                    problem=f"Refusé : {error.message}", details=details)
    return RedirectResponse(customer_url(customer_id, fait="coordonnees"), status_code=303)
