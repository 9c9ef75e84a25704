"""The producer's Clients pages: customers by balance (`/clients`) and one customer's account."""

import asyncio
import re
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse

from ardoise.auth import Principal
from ardoise.companies import (
    address_of,
    french_vat_number,
    siren_in_vat_number,
    siren_of,
    vat_number_of,
)
from ardoise.ids import CUSTOMER_ID_PATTERN
from ardoise.money import MAX_AMOUNT_CENTS
from ardoise.text import CONTROL_CHARACTERS, EMAIL_PATTERN
from web import signin
from web.gateways import Refused, Unavailable
from web.pages.common import (
    BadInput,
    CheckedOperator,
    OperatorSession,
    euros,
    gateways,
    page,
    plain_euros,
    shown_with_flash,
    taken_flash,
)

router = APIRouter(tags=["customers"])

PAGE_SIZE = 50
"""Customers per page: one gateway call reads one page, however many customers there are."""
HISTORY_SIZE = 50
"""Movements and orders shown at once on a customer's page; older ones a link away."""
MANUAL_MODES = {"cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
                "transfer": "Virement"}
SETTLEMENT_MODES = {**MANUAL_MODES, "online": "En ligne", "account": "Sur le compte",
                    "not_delivered": "Non livrée"}
ORDER_STATUSES = {"placed": "Passée", "awaiting_payment": "En attente de paiement",
                  "accepted": "Acceptée", "cancelled": "Annulée"}
NOTE_STATUSES = {"issued": "En vigueur", "cancelled": "Annulé"}
REMINDER_STATUSES = {"sent": "Envoyée", "refused": "Refusée par la messagerie",
                     "failed": "Non partie", "cancelled": "Annulée (payé entre-temps)",
                     "sending": "En cours d'envoi"}
KINDS = {"credit": "Crédit", "debit": "Débit", "order": "Commande", "payment": "Paiement"}
MOVEMENTS = {
    # form → (direction, whether a mode is required, allowed, what the page says when done)
    "credit": ("credit", False, False, "Crédit de {} enregistré."),
    "recharge": ("credit", True, True, "Recharge de {} enregistrée."),
    "debit": ("debit", False, True, "Débit de {} enregistré."),
}
DONE = {"ajoute": "Client ajouté.", "coordonnees": "Coordonnées enregistrées."}
TRACKING_OFF = "Le suivi des paiements est désactivé : activez-le dans Réglages."
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_AMOUNT = re.compile(r"(\d+)(?:[.,](\d+))?")
CustomerId = Annotated[str, Path(pattern=CUSTOMER_ID_PATTERN)]


# ---- pure helpers (no I/O) ----------------------------------------------------------------

def parse_euros(text: str | None) -> int:
    """`12,50`, `12.50`, `12`, `1 234,5 €` → exact integer cents; anything else, a zero or a
    third decimal refused with a French message."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "").removesuffix("€")
    if not cleaned:
        raise BadInput("Indiquez un montant en euros, par exemple 12,50.")
    if cleaned.startswith("-"):
        raise BadInput("Le montant doit être supérieur à zéro.")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise BadInput(f"Montant illisible « {(text or '').strip()[:30]} » : écrivez-le en "
                       "euros, par exemple 12,50.")
    units, decimals = match[1], match[2] or ""
    if len(decimals) > 2:
        raise BadInput("Un montant a au plus deux chiffres après la virgule (les centimes).")
    if len(units) > 12:
        raise BadInput("Ce montant est trop élevé.")
    cents = int(units) * 100 + int(decimals.ljust(2, "0"))
    if cents <= 0:
        raise BadInput("Le montant doit être supérieur à zéro.")
    if cents > MAX_AMOUNT_CENTS:
        raise BadInput("Ce montant est trop élevé.")
    return cents


def clean_search(q: str | None) -> str:
    """What the search box holds, on one line, single-spaced, at most 100 characters (the
    gateway's limit), so no typing sends the page to an error."""
    return " ".join(_CONTROL.sub(" ", q or "").split())[:100]


def list_url(q: str = "", in_debt: bool = False, page_number: int = 1) -> str:
    """The customers page with this search, filter and page (defaults left out of the link)."""
    params: dict[str, str] = {}
    if q:
        params["q"] = q
    if in_debt:
        params["dette"] = "1"
    if page_number > 1:
        params["page"] = str(page_number)
    return "/clients" + (f"?{urlencode(params)}" if params else "")


def neighbours(page_number: int, page_size: int, shown: int, total: int | None
               ) -> tuple[int | None, int | None]:
    """The previous and next page numbers, None where there is none."""
    previous = page_number - 1 if page_number > 1 else None
    more = shown == page_size if total is None else page_number * page_size < total
    return previous, (page_number + 1 if more else None)


def page_count(page_size: int, total: int | None) -> int | None:
    return None if total is None else max(1, -(-total // page_size))


def customer_url(customer_id: str, **params: Any) -> str:
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"/clients/{quote(customer_id, safe='')}" + (f"?{urlencode(kept)}" if kept else "")


def own_limit(standing: dict | None) -> str:
    """The customer's own credit limit as its field shows it (`50,00`); empty for none."""
    cents = (standing or {}).get("customer_credit_limit_cents")
    return "" if cents is None else plain_euros(cents)


def done_message(done: str | None, amount: str | None) -> str | None:
    """What the last form did, from the fixed codes its redirect carries (never free text from
    the address bar, so no link can make the page say something else)."""
    if done in DONE:
        return DONE[done]
    if done in MOVEMENTS and amount and amount.isdigit() and 0 < int(amount) <= MAX_AMOUNT_CENTS:
        return MOVEMENTS[done][3].format(euros(int(amount)))
    return None


def one_line(text: str | None, field: str, max_length: int = 200) -> str:
    value = (text or "").strip()
    if _CONTROL.search(value):
        raise BadInput(f"{field} : une seule ligne, sans caractère spécial.")
    if len(value) > max_length:
        raise BadInput(f"{field} : au plus {max_length} caractères.")
    return value


def checked_email(text: str | None) -> str | None:
    """An address, or None for none; one that does not look like an address refused."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise BadInput(f"Adresse e-mail invalide « {value[:60]} » : par exemple "
                       "nom@exemple.fr.")
    return value


def details_body(name: str | None, email: str | None, address: str | None, professional: bool,
                 siren: str | None, vat_number: str | None) -> dict:
    """The gateway's body from the Coordonnées form: every detail, since a PUT replaces them
    all (one left out would be erased), or BadInput in French."""
    body: dict[str, Any] = {"name": one_line(name, "Nom")}
    if not body["name"]:
        raise BadInput("Indiquez le nom du client.")
    body["email"] = checked_email(email)
    body["address"] = None
    if (address or "").strip():
        try:
            body["address"] = address_of(address or "")
        except ValueError:
            raise BadInput("Adresse postale : 5 lignes et 300 caractères au plus, sans "
                           "caractère spécial.") from None
    typed_siren, typed_vat = (siren or "").strip(), (vat_number or "").strip()
    body.update(professional=professional, siren=None, vat_number=None)
    if not professional:
        if typed_siren or typed_vat:
            raise BadInput("SIREN et n° de TVA sont ceux d'un client professionnel : cochez "
                           "« Professionnel », ou videz ces champs.")
        return body
    if not typed_siren:
        raise BadInput("Un client professionnel a un SIREN : indiquez ses 9 chiffres.")
    try:
        body["siren"] = siren_of(typed_siren)
    except ValueError:
        raise BadInput(f"SIREN invalide « {typed_siren[:30]} » : 9 chiffres, par exemple "
                       "732 829 320.") from None
    if typed_vat:
        try:
            body["vat_number"] = vat_number_of(typed_vat)
        except ValueError:
            raise BadInput(f"N° de TVA invalide « {typed_vat[:30]} » : le code du pays puis le "
                           "numéro, par exemple FR44732829320.") from None
        built_on = siren_in_vat_number(body["vat_number"])
        if built_on is not None and built_on != body["siren"]:
            raise BadInput(f"Ce n° de TVA n'est pas celui du SIREN {body['siren']} (le sien : "
                           f"{french_vat_number(body['siren'])}).")
    return body


def movement_body(kind: str, amount: str | None, label: str | None, mode: str | None) -> dict:
    """The gateway's movement body for one of the three forms, or BadInput."""
    if kind not in MOVEMENTS:
        raise BadInput("Formulaire inconnu : rechargez la page.")
    direction, mode_required, mode_allowed, _ = MOVEMENTS[kind]
    body: dict[str, Any] = {"direction": direction, "amount_cents": parse_euros(amount)}
    wording = one_line(label, "Libellé")
    if wording:
        body["label"] = wording
    if mode and mode_allowed:
        if mode not in MANUAL_MODES:
            raise BadInput("Mode de paiement inconnu.")
        body["mode"] = mode
    elif mode_required:
        raise BadInput("Indiquez comment l'argent a été reçu (espèces, chèque, carte, "
                       "virement).")
    return body


def refusal(error: Refused) -> str:
    """The gateway's refusal of a movement, in French."""
    detail = error.message
    if "payment tracking is off" in detail:
        return TRACKING_OFF
    if "Idempotency-Key" in detail:
        return "Ce formulaire a déjà été envoyé avec d'autres valeurs : rechargez la page."
    if error.status == 404:
        return "Client introuvable."
    return f"Refusé : {detail}"


# ---- the pages ----------------------------------------------------------------------------

def _producer(session: signin.Session) -> tuple[Principal, str]:
    principal = session.principal
    return principal, principal.producer_id


async def _exists(request: Request, principal: Principal, path: str) -> bool:
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
    if await _exists(request, principal, path):  # PUT would rename it: adding never does
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


@router.post("/clients/{customer_id}/mouvements")
async def record_movement(request: Request, session: CheckedOperator, customer_id: CustomerId,
                          sorte: Annotated[str, Form(max_length=20)] = "",
                          cle: Annotated[str, Form(max_length=100)] = "",
                          montant: Annotated[str, Form(max_length=100)] = "",
                          libelle: Annotated[str, Form(max_length=1000)] = "",
                          mode: Annotated[str, Form(max_length=20)] = ""):
    principal, producer = _producer(session)
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
    principal, producer = _producer(session)
    details = {"name": name, "email": email, "address": adresse,
               "professional": professionnel == "on", "siren": siren, "vat_number": tva}
    try:
        body = details_body(**details)
    except BadInput as bad:
        return await customer_page(request, session, customer_id, status_code=422,
                                    problem=str(bad), details=details)
    path = f"/v1/producers/{producer}/customers/{customer_id}"
    # PUT creates a customer it does not know: these details are only for an existing one
    if not await _exists(request, principal, path):
        return page(request, "problem.html", session, status_code=404,
                    heading="Client introuvable",
                    problem=f"Aucun client « {customer_id} » dans votre ferme.")
    try:
        await gateways(request).json(principal, "accounts", "PUT", path, json=body)
    except Refused as error:
        return await customer_page(request, session, customer_id, status_code=422,
                                    problem=f"Refusé : {error.message}", details=details)
    return RedirectResponse(customer_url(customer_id, fait="coordonnees"), status_code=303)
