"""What the Clients pages say and check, no I/O: euros typed by people, the search and its pages,
links to a customer, what a form did, a customer's details and movements as the gateway's bodies."""

import re
from typing import Any
from urllib.parse import quote, urlencode

from ardoise.companies import (
    address_of,
    french_vat_number,
    siren_in_vat_number,
    siren_of,
    vat_number_of,
)
from ardoise.money import MAX_AMOUNT_CENTS
from ardoise.text import CONTROL_CHARACTERS, EMAIL_PATTERN
from web.gateways import Refused
from web.pages.common import BadInput, euros, plain_euros

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
_EMAIL = re.compile(EMAIL_PATTERN)
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_AMOUNT = re.compile(r"(\d+)(?:[.,](\d+))?")


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
