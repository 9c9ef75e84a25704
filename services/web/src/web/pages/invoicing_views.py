"""What the invoice pages say and send, no I/O: invoice numbers, why an invoice was not issued,
PDF file names, and the producer's identity (`/facturation`) as a form and as the gateway's body."""

import re
from collections.abc import Mapping
from typing import Any

from ardoise.text import EMAIL_PATTERN
from web.gateways import Refused

REGIMES = {"vat": "Assujetti à la TVA",
           "franchise": "Franchise en base (art. 293 B du CGI)",
           "flat_rate_agricultural": "Remboursement forfaitaire agricole"}
RATES = {"0": "0 %", "2.1": "2,1 %", "5.5": "5,5 %", "10": "10 %", "20": "20 %"}
TEXTS = ("legal_name", "address", "siret", "vat_number", "legal_form", "registration", "email",
         "phone", "payment_terms")
SWITCHES = ("invoice_on_delivery", "receipt_shows_available")
CHOICES = ("vat_regime", "default_vat_rate")
DEFAULT_PAYMENT_TERMS = "Paiement à réception"
"""The orders service's own default: what an emptied field goes back to (it cannot be cleared)."""

PROBLEMS = {
    "legal_name": "Raison sociale : une ligne de 200 caractères au plus.",
    "address": "Adresse : 5 lignes au plus, 400 caractères en tout, sans caractère spécial.",
    "siret": "SIRET invalide : 14 chiffres (le SIREN puis 5 chiffres), par exemple "
             "732 829 320 00074.",
    "vat_number": "N° de TVA invalide : le code du pays puis le numéro, par exemple "
                  "FR44732829320.",
    "vat_regime": "Choisissez un des trois régimes de TVA.",
    "default_vat_rate": "Choisissez un taux : 0 %, 2,1 %, 5,5 %, 10 % ou 20 %.",
    "legal_form": "Forme juridique : une ligne de 60 caractères au plus (EARL, GAEC, SAS…).",
    "registration": "Immatriculation : une ligne de 120 caractères au plus, par exemple "
                    "RCS Angers 732 829 320.",
    "email": "Adresse e-mail invalide : écrivez par exemple ferme@example.org.",
    "phone": "Téléphone : de 3 à 30 caractères, sur une ligne.",
    "payment_terms": "Conditions de paiement : une ligne de 300 caractères au plus.",
    "invoice_on_delivery": "Cochez la case, ou laissez-la vide.",
    "receipt_shows_available": "Cochez la case, ou laissez-la vide.",
}
"""What each field must be, said when the orders gateway refuses it (its `loc` names it)."""
_EMAIL = re.compile(EMAIL_PATTERN)
MISSING = {"invoicing.legal_name": "la raison sociale", "invoicing.address": "l'adresse",
           "invoicing.siret": "le SIRET", "invoicing.vat_number": "le numéro de TVA",
           "customer.address": "l'adresse du client"}
"""What the orders gateway names (`loc`) when an invoice lacks a mention, said in French."""
_NUMBER = re.compile(r"^FA?[0-9]{6,12}$")
_DISPOSITION = re.compile(r'^(inline|attachment); filename="[A-Za-z0-9._-]{1,100}"$')


class FormProblems(ValueError):
    """Fields refused before anything is asked of the gateway: {field: French message}."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def address_lines(text: str) -> str:
    """An address as typed in a text area: its lines stripped, blank ones dropped."""
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n")
                     if line.strip())


def invoicing_body(form: Mapping[str, Any]) -> dict:
    """The gateway's body from the form. Every field the form shows is sent, so a field
    emptied is cleared (`null`); the payment terms, which cannot be cleared, go back to the
    default; a box left unticked is `false`."""
    body: dict[str, Any] = {}
    for name in TEXTS:
        value = str(form.get(name) or "").strip()
        body[name] = (address_lines(value) if name == "address" else value) or None
    body["payment_terms"] = body["payment_terms"] or DEFAULT_PAYMENT_TERMS
    for name in CHOICES:
        value = str(form.get(name) or "").strip()
        if value:  # left out, the saved choice stays
            body[name] = value.replace(",", ".") if name == "default_vat_rate" else value
    for name in SWITCHES:
        body[name] = form.get(name) == "on"
    if body["email"] is not None and not _EMAIL.match(body["email"]):
        raise FormProblems({"email": PROBLEMS["email"]})
    return body


def typed_values(form: Mapping[str, Any]) -> dict:
    """The form as typed, shown back with its problems to be corrected."""
    return {**{name: str(form.get(name) or "") for name in (*TEXTS, *CHOICES)},
            **{name: form.get(name) == "on" for name in SWITCHES}}


def field_problems(detail: Any) -> dict[str, str]:
    """The gateway's 422 by field: ours in French for a field of the form (the last part of
    `loc` names it), the gateway's own words under `""` for anything else."""
    problems: dict[str, str] = {}
    errors = detail if isinstance(detail, list) else [{"msg": str(detail)}]
    for error in errors:
        if not isinstance(error, dict):
            continue
        loc = error.get("loc") or []
        field = str(loc[-1]) if loc else ""
        if field in PROBLEMS:
            problems.setdefault(field, PROBLEMS[field])
        else:
            said = str(error.get("msg") or "refusé")
            problems[""] = f"{problems['']} ; {said}" if "" in problems else said
    return problems


def invoice_number(text: str | None) -> str | None:
    """An invoice or facture d'avoir number as the orders service writes them, else None."""
    return text if text and _NUMBER.match(text) else None


def issued_documents(listed: Any) -> list[dict[str, str]]:
    """The order's invoices and factures d'avoir as the orders service lists them (`number`,
    `kind`), keeping only well-formed entries, in their order of issue."""
    if not isinstance(listed, list):
        return []
    return [{"number": item["number"], "kind": item.get("kind")} for item in listed
            if isinstance(item, dict) and invoice_number(item.get("number"))
            and item.get("kind") in ("invoice", "credit_invoice")]


def stale_cancel_problem(asked: str, in_force: str | None) -> str:
    """Why the invoice the page showed was not cancelled: it is no longer the one in force."""
    if in_force is None:
        return (f"Facture non annulée : la facture {asked} est déjà annulée, et la commande "
                "n'a pas d'autre facture en vigueur.")
    return (f"Facture non annulée : la facture en vigueur de cette commande est maintenant "
            f"{in_force}, pas {asked}. Rechargez la page avant d'annuler.")


def missing_field(detail: Any) -> str | None:
    """The field a 422 names first (`loc`'s last part), e.g. `invoicing.siret`."""
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        loc = detail[0].get("loc") or []
        return str(loc[-1]) if loc else None
    return None


def issue_problem(detail: Any) -> str:
    """Why the invoice was not issued, in French: what is missing, where to complete it."""
    field = missing_field(detail)
    if field == "customer.address":
        return (f"Facture non émise : il manque {MISSING[field]}. Une facture à un "
                "professionnel porte son adresse : complétez ses coordonnées.")
    if field in MISSING:
        return (f"Facture non émise : il manque {MISSING[field]}. Complétez l'identité de "
                "facturation de la ferme, puis émettez à nouveau.")
    said = Refused("orders", 422, detail).message
    return f"Facture non émise : {said or 'demande refusée'}."


def pdf_headers(answer_headers, fallback_name: str) -> dict[str, str]:
    """The gateway's file name when it is a plain one, else ours: never a header passed blind."""
    disposition = answer_headers.get("content-disposition", "")
    if not _DISPOSITION.match(disposition):
        disposition = f'inline; filename="{fallback_name}"'
    return {"Content-Disposition": disposition}
