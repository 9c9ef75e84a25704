"""The producer's payments of the week (`/paiements`) and its payments settings (`/reglages`)."""

import asyncio
import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

from fastapi import APIRouter, Form, Query, Request

from ardoise.money import MAX_AMOUNT_CENTS
from ardoise.weeks import week_of
from web import signin
from web.gateways import Refused
from web.pages.common import (
    TRACKING_OFF_REASON,
    BadInput,
    CheckedOperator,
    OperatorSession,
    euros,
    gateways,
    in_french,
    order_uuid,
    page,
    plain_euros,
    redirect_with,
    shown_with_flash,
    taken_flash,
)
from web.pages.common import producer_path as _base

router = APIRouter(tags=["payments"])

MODE_NAMES = {"not_delivered": "Non livré", "account": "Déduit du compte client",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
"""The names the invoices and receipts print (a copy of the orders service's own)."""
MANUAL_MODES = ("cash", "cheque", "card", "transfer")
PAYING_MODES = (*MANUAL_MODES, "online")
ACCEPTABLE_MODES = ("account", *MANUAL_MODES, "online")
KINDS = {"top_up": "Versement", "debit": "Débit"}
ZONES = ("Europe/Paris", "America/Cayenne", "America/Guadeloupe", "America/Martinique",
         "America/Miquelon", "Indian/Mayotte", "Indian/Reunion", "Pacific/Noumea",
         "Pacific/Tahiti", "Pacific/Wallis", "Europe/Brussels", "Europe/Zurich")
"""Offered first in the time zone field; any IANA name is accepted."""
NOTES_ONE_BY_ONE = 12
"""Up to this many customers, their credit notes are read customer by customer; beyond, all."""
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_AMOUNT = re.compile(r"^(\d+)(?:[.,](\d*))?$")
REASONS = (
    TRACKING_OFF_REASON,
    ("only when SumUp confirms", "Un paiement en ligne n'est enregistré que lorsque SumUp le "
                                 "confirme : choisissez le mode par lequel l'argent est venu."),
    ("does not accept", "Ce mode de paiement n'est pas accepté : cochez-le dans les Réglages."),
    ("nothing is paid with", "Avec ce mode, aucun montant n'est payé : laissez le montant vide."),
    ("no such order", "Commande introuvable."),
    ("turn payment tracking on first", "Le paiement en ligne tient compte du solde des clients : "
     "activez d'abord le suivi des paiements (ou n'acceptez plus le paiement en ligne pour le "
     "désactiver)."),
    ("needs the producer's own SumUp account", "Le paiement en ligne demande votre propre compte "
     "SumUp : indiquez le code marchand et la clé d'API."),
    ("cannot be required unless", "Le paiement en ligne ne peut être obligatoire que s'il est "
                                  "accepté."),
    ("unknown time zone", "Fuseau horaire inconnu : indiquez par exemple Europe/Paris."),
)
"""The gateway's reasons people meet here, in French; any other is shown as it came."""


# ---- pure helpers -------------------------------------------------------------------------

def parse_euros(text: str | None) -> int | None:
    """`12,50`, `12.50`, `12` or `12,5 €` → exact cents; blank → None; anything else refused."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text or "")
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise BadInput("Le montant ne peut pas être négatif.")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise BadInput(f"Montant illisible « {text.strip()} » : écrivez par exemple 12,50.")
    if len(match[2] or "") > 2:
        raise BadInput("Un montant a au plus deux chiffres après la virgule (les centimes).")
    try:
        cents = int(Decimal(f"{match[1]}.{match[2] or '0'}") * 100)
    except InvalidOperation as error:
        raise BadInput("Montant illisible : écrivez par exemple 12,50.") from error
    if cents > MAX_AMOUNT_CENTS:
        raise BadInput("Ce montant est trop grand.")
    return cents


def monday_of(week: str | None) -> date | None:
    """The Monday of an ISO week written `2026-W48`; None for anything else."""
    match = _WEEK.match(week or "")
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def shifted_week(week: str, weeks: int) -> str:
    return week_of(monday_of(week) + timedelta(weeks=weeks))


def current_week(now: datetime, time_zone: str) -> str:
    """The ISO week the producer is living in (its own time zone)."""
    return week_of(now.astimezone(ZoneInfo(time_zone)).date())


def week_title(week: str) -> str:
    monday = monday_of(week)
    sunday = monday + timedelta(days=6)
    return (f"Semaine {monday.isocalendar()[1]} de {monday.isocalendar()[0]}, "
            f"du {monday:%d/%m/%Y} au {sunday:%d/%m/%Y}")


def mode_name(mode: str | None) -> str:
    return MODE_NAMES.get(mode or "", mode or "—")


def totals_lines(totals: dict[str, int], total_cents: int) -> list[tuple[str, int]]:
    """Each mode's total in the order the pages list modes, then what came in overall."""
    order = list(MODE_NAMES)
    modes = sorted(totals, key=lambda m: (order.index(m) if m in order else len(order), m))
    return [*((mode_name(m), totals[m]) for m in modes), ("Total reçu", total_cents)]


def note_candidates(rows: list[dict]) -> set[str]:
    """The customers of the orders that may have a credit note in force: paid in a paying mode
    another amount than the total, or paid online (the balance applied makes a difference)."""
    return {r["customer_id"] for r in rows if r["mode"] in PAYING_MODES and (
        r["amount_paid_cents"] != r["total_cents"] or r.get("received", {}).get("online"))}


def notes_in_force(notes: list[dict]) -> dict[str, dict]:
    return {n["order_id"]: n for n in notes if n.get("status") == "issued"}


def settled_message(answer: dict, note: dict | None) -> str:
    """What one settlement did, with the credit note it issued if any."""
    mode = answer["mode"]
    said = f"Règlement enregistré : {mode_name(mode)}"
    if answer.get("amount_paid_cents") or mode in MANUAL_MODES:
        said += f", {euros(answer.get('amount_paid_cents', 0))} reçus"
    said += "."
    if note:
        owed = "dû au client" if note["amount_cents"] > 0 else "dû par le client"
        said += (f" Avoir n°{note['number']} de {euros(note['amount_cents'])} émis "
                 f"({owed}).")
    return said


def bulk_message(settlements: list[dict], mode: str) -> str:
    count = len(settlements)
    orders = "1 commande" if count == 1 else f"{count} commandes"
    said = f"{orders} : {mode_name(mode)}"
    if mode in MANUAL_MODES:
        received = sum(s.get("amount_paid_cents", 0) for s in settlements)
        said += f", chacune payée son total (soit {euros(received)} reçus)"
    return said + "."


def french_reason(error: Refused) -> str:
    return in_french(error.message, REASONS) or \
        f"Refusé par le service des paiements : {error.message}"


def week_url(week: str | None) -> str:
    """The payments page of `week` (a checked `2026-W48`), else of the current week."""
    return f"/paiements?semaine={week}" if week else "/paiements"


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def settings_changes(tracking: bool, modes: list[str], required: bool, time_zone: str,
                     merchant_code: str, api_key: str) -> dict:
    """The body of the settings PUT; a SumUp field left blank is left out (kept as it is)."""
    unknown = [m for m in modes if m not in ACCEPTABLE_MODES]
    if unknown:
        raise BadInput("Mode de paiement inconnu.")
    zone = time_zone.strip()
    if zone not in known_zones():
        raise BadInput(f"Fuseau horaire inconnu « {zone} » : indiquez par exemple Europe/Paris.")
    body = {"payment_tracking": tracking, "accepted_modes": list(dict.fromkeys(modes)),
            "online_payment_required": required, "time_zone": zone}
    code, key = merchant_code.strip(), api_key.strip()
    if code:
        if len(code) > 64:
            raise BadInput("Le code marchand SumUp a au plus 64 caractères.")
        body["sumup_merchant_code"] = code
    if key:
        if not 8 <= len(key) <= 500:
            raise BadInput("La clé d'API SumUp semble incomplète (au moins 8 caractères).")
        body["sumup_api_key"] = key
    return body


# ---- plumbing -----------------------------------------------------------------------------

async def _settings(request: Request, session: signin.Session) -> dict:
    return await gateways(request).json(session.principal, "payments", "GET",
                                        f"{_base(session)}/settings")


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
    settings = await _settings(request, session)
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
                movements=[{**m, "kind_name": KINDS.get(m["kind"], m["kind"]),
                            "mode_name": mode_name(m.get("mode"))} for m in data["movements"]],
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


def _settings_page(request: Request, session: signin.Session, settings: dict,
                   status_code: int = 200, problem: str | None = None,
                   message: str | None = None):
    return page(request, "settings.html", session, status_code=status_code, settings=settings,
                modes=[(m, mode_name(m)) for m in ACCEPTABLE_MODES], zones=ZONES,
                problem=problem, message=message)


@router.get("/reglages")
async def settings_page(request: Request, session: OperatorSession):
    settings = await _settings(request, session)
    return shown_with_flash(request, _settings_page(request, session, settings,
                                                    message=taken_flash(request)))


@router.post("/reglages")
async def change_settings(request: Request, session: CheckedOperator,
                          time_zone: Annotated[str, Form(max_length=64)] = "",
                          payment_tracking: Annotated[str, Form(max_length=10)] = "",
                          accepted_modes: Annotated[list[str], Form()] = [],  # noqa: B006
                          online_payment_required: Annotated[str, Form(max_length=10)] = "",
                          sumup_merchant_code: Annotated[str, Form(max_length=200)] = "",
                          sumup_api_key: Annotated[str, Form(max_length=1000)] = ""):
    try:
        body = settings_changes(bool(payment_tracking), accepted_modes,
                                bool(online_payment_required), time_zone, sumup_merchant_code,
                                sumup_api_key)
        problem, status = None, 200
        settings = await gateways(request).json(session.principal, "payments", "PUT",
                                                f"{_base(session)}/settings", json=body)
    except BadInput as bad:
        problem, status = str(bad), 422
    except Refused as refused:
        problem, status = french_reason(refused), refused.status
    if problem:
        current = await _settings(request, session)
        # what was typed is shown back to be corrected, never the API key
        shown = {**current, "payment_tracking": bool(payment_tracking),
                 "accepted_modes": accepted_modes, "time_zone": time_zone,
                 "online_payment_required": bool(online_payment_required)}
        return _settings_page(request, session, shown, status_code=status,
                              problem=f"Réglages non enregistrés. {problem}")
    said = "Réglages enregistrés."
    if "sumup_api_key" in body and settings.get("sumup_connected"):
        said += " Compte SumUp connecté."
    return redirect_with(request, "/reglages", said)
