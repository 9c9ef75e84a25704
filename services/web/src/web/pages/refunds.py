"""Online money given back from the week's payments page (`POST /paiements/remboursement`):
all or part of what a customer paid online for an order, through the producer's SumUp account
(payments `POST …/orders/{order}/refunds`).

The request's Idempotency-Key names the order, the version of its settlement the page showed and
the amount asked: the same form sent again (a second click, or again after a timeout, while
SumUp has not answered and the page still shows the same payment) replays the first request
instead of asking SumUp a second time. Once a refund is recorded the settlement's version moves,
and a new refund is a new request."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from web.gateways import Refused, Unavailable
from web.pages.common import (
    TRACKING_OFF_REASON,
    BadInput,
    CheckedOperator,
    euros,
    gateways,
    in_french,
    order_uuid,
    redirect_with,
)
from web.pages.common import producer_path as _base
from web.pages.payments import week_page
from web.pages.payments_views import monday_of, parse_euros, week_url

router = APIRouter(tags=["refunds"])
SUMUP_REFUSED = ("SumUp refused the refund", "SumUp a refusé le remboursement")
"""Said with SumUp's own words after it."""
REASONS = (
    ("nothing paid online for this order is left", "Rien de ce qui a été payé en ligne pour "
     "cette commande ne reste à rembourser."),
    ("can be refunded", "Ce montant dépasse ce qui reste payé en ligne pour cette commande."),
    ("one refund goes back through one SumUp payment", "Un remboursement passe par un seul "
     "paiement SumUp : remboursez en plusieurs fois, un paiement à la fois."),
    SUMUP_REFUSED,
    TRACKING_OFF_REASON,
    ("no such order", "Commande introuvable."),
    ("Idempotency-Key already used", "Ce formulaire a déjà servi pour un autre remboursement : "
     "rechargez la page."),
)


def refund_problem(error: Refused) -> str:
    """Why nothing was refunded, in French (SumUp's own words kept after its refusal)."""
    said = error.message
    french = in_french(said, REASONS)
    if french is None:
        return f"Rien n'a été remboursé : {said}"
    if french == SUMUP_REFUSED[1]:
        return f"Rien n'a été remboursé. {french} : {said.split(':', 1)[-1].strip()}."
    return f"Rien n'a été remboursé. {french}"


def refund_said(answer: dict, replayed: bool) -> str:
    """What the refund did, as the payments service recorded it."""
    amount = euros(answer.get("amount_cents"))
    if answer.get("status") == "failed":
        return f"Le remboursement de {amount} a échoué chez SumUp : rien n'a été rendu."
    if replayed:
        return f"Ce remboursement de {amount} était déjà fait : rien de plus n'est rendu."
    if answer.get("status") == "refunded":
        return (f"Remboursement en ligne de {amount} effectué par SumUp : il quitte le compte "
                "du client et le total en ligne de la semaine.")
    return (f"Remboursement de {amount} demandé à SumUp, qui n'a pas encore répondu : il sera "
            "constaté dans quelques minutes, une seule fois.")


@router.post("/paiements/remboursement")
async def refund(request: Request, session: CheckedOperator,
                 order_id: Annotated[str, Form(max_length=64)] = "",
                 semaine: Annotated[str, Form(max_length=20)] = "",
                 montant: Annotated[str, Form(max_length=40)] = "",
                 confirm: Annotated[str, Form(max_length=10)] = "",
                 version: Annotated[str, Form(max_length=12)] = ""):
    week = semaine if monday_of(semaine) else None
    try:
        order, amount_cents = order_uuid(order_id), parse_euros(montant)
        if order is None or not version.isdigit():
            raise BadInput("Ce formulaire a expiré : rechargez la page et recommencez.")
        if amount_cents == 0:
            raise BadInput("Un remboursement rend plus de 0,00 € : laissez le montant vide "
                           "pour rendre tout ce qui a été payé en ligne.")
        if confirm != "on":
            raise BadInput("Rien n'a été remboursé : cochez la case qui confirme le "
                           "remboursement, puis validez.")
    except BadInput as bad:
        return await week_page(request, session, week, status_code=422, problem=str(bad))
    idempotency = f"web-refund-{order}-v{version}-{amount_cents or 'all'}"
    try:
        answer = await gateways(request).call(
            session.principal, "payments", "POST", f"{_base(session)}/orders/{order}/refunds",
            json={} if amount_cents is None else {"amount_cents": amount_cents},
            headers={"Idempotency-Key": idempotency}, timeout=30)
    except Refused as refused:
        return await week_page(request, session, week, status_code=refused.status,
                               problem=refund_problem(refused))
    except Unavailable as down:
        return await week_page(request, session, week, status_code=503, problem=(
            f"{down.message} Le remboursement a pu partir : le demander à nouveau avec le même "
            "montant ne rend rien de plus."))
    return redirect_with(request, week_url(week),
                         refund_said(answer.json(), answer.status_code == 200))
