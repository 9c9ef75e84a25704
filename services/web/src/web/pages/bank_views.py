"""What the bank page says and sends of its transfers, no I/O: the transactions as the page lists
them, the orders a transfer may be given to, the form checked before the payments gateway is
asked, and what an action did or why it was refused. A statement's import is said in
bank_statement_views.py."""

import re
import uuid
from datetime import date, timedelta
from typing import Any

from ardoise.ids import CUSTOMER_ID_PATTERN
from web.pages.common import BadInput, day, euros

SURE = 90
"""The matcher's score from which a match is applied unasked (payments' bank_matching.SURE)."""
ORDER_STATUSES = {"placed": "Passée", "awaiting_payment": "En attente de paiement",
                  "accepted": "Acceptée"}
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)


def message_of(detail: Any) -> str:
    """The words of a refusal's detail (a text, or FastAPI's list of errors)."""
    if isinstance(detail, list):
        return " ".join(str(e.get("msg", "")) for e in detail if isinstance(e, dict)).strip()
    return str(detail or "").strip()


# ---- the transactions ---------------------------------------------------------------------

def short_order(order_id: str | None) -> str | None:
    """The order's short number, as payers copy it: the first 8 characters of its id."""
    return str(order_id).replace("-", "")[:8].lower() if order_id else None


def confidence(score: int | None) -> str:
    if score is None:
        return "choisi par vous"
    if score >= SURE:
        return "sûr"
    return "probable" if score >= 60 else "incertain"


def transaction_row(tx: dict, names: dict[str, str]) -> dict:
    """A transaction as the page lists it: its line, and its match named."""
    customer_id = tx.get("customer_id")
    return {"transaction_id": tx["transaction_id"], "status": tx.get("status"),
            "date": day(tx.get("booking_date")), "amount_cents": tx.get("amount_cents"),
            "amount": euros(tx.get("amount_cents")),
            "payer": tx.get("counterparty") or "—", "label": tx.get("label") or "",
            "reference": tx.get("reference") or "", "account": tx.get("account") or "",
            "customer_id": customer_id,
            "customer": names.get(customer_id, customer_id) if customer_id else None,
            "order_id": tx.get("order_id"), "order": short_order(tx.get("order_id")),
            "score": tx.get("score"), "confidence": confidence(tx.get("score")),
            "sure": (tx.get("score") or 0) >= SURE, "reasons": list(tx.get("reasons") or [])}


def older_before(rows: list[dict], limit: int) -> str | None:
    """The `before` (a booking date) of the next page of a full list. The gateway pages by date
    only: the day after the oldest shown, so that the rest of that day comes again rather than
    being skipped, unless the whole page is of one day."""
    if len(rows) < limit or not rows:
        return None
    dates = [r["booking_date"] for r in rows if r.get("booking_date")]
    if not dates:
        return None
    oldest = date.fromisoformat(min(dates))
    if oldest == date.fromisoformat(max(dates)):
        return oldest.isoformat()
    return (oldest + timedelta(days=1)).isoformat()


def page_before(text: str | None) -> str | None:
    """`avant` from the address bar, when it is a date."""
    try:
        return date.fromisoformat((text or "").strip()).isoformat()
    except ValueError:
        return None


def customer_names(customers: list[dict]) -> dict[str, str]:
    return {c["customer_id"]: c.get("name") or c["customer_id"] for c in customers}


def order_choices(orders: list[dict], chosen: str | None) -> list[dict]:
    """A customer's orders a transfer may pay, newest first: all but cancelled ones, each with
    what is left to pay; `chosen` checked."""
    choices = []
    for order in orders:
        if order.get("status") == "cancelled":
            continue
        settlement = order.get("settlement") or {}
        paid_cents = settlement.get("amount_paid_cents") or 0
        total_cents = order.get("total_cents") or 0
        left = "payée" if paid_cents >= total_cents else \
            f"reste {euros(total_cents - paid_cents)}" if paid_cents else "non réglée"
        choices.append({
            "order_id": order["order_id"], "short": short_order(order["order_id"]),
            "title": f"Livraison du {day(order.get('delivery_date'))} — "
                     f"{euros(total_cents)} ({left})",
            "status": ORDER_STATUSES.get(order.get("status"), order.get("status") or ""),
            "chosen": order["order_id"] == chosen})
    return choices


def reassignment_body(customer_id: str, order_id: str) -> dict:
    """The payments gateway's body for "Attribuer à…", or BadInput in French."""
    customer_id, order_id = customer_id.strip(), order_id.strip()
    if not customer_id:
        raise BadInput("Choisissez le client à qui attribuer ce virement.")
    if not _CUSTOMER_ID.fullmatch(customer_id):
        raise BadInput("Client inconnu : choisissez-le dans la liste.")
    body: dict[str, Any] = {"customer_id": customer_id}
    if order_id:
        try:
            body["order_id"] = str(uuid.UUID(order_id))
        except ValueError as error:
            raise BadInput("Commande inconnue : choisissez-la dans la liste.") from error
    return body


# ---- what an action did -------------------------------------------------------------------

def done_message(action: str, tx: dict, name: str | None) -> str:
    """What confirming, reassigning, ignoring or undoing did, in French."""
    what = f"Le virement de {euros(tx.get('amount_cents'))} du {day(tx.get('booking_date'))}"
    order = short_order(tx.get("order_id"))
    to = f"{name or tx.get('customer_id')}" + (f", commande n° {order}" if order else
                                                ", crédité sur son compte")
    if action in ("confirm", "reassign"):
        return f"{what} est appliqué : {to}."
    if action == "ignore":
        return f"{what} est ignoré : il ne compte pour aucun client."
    return f"{what} est annulé par une contre-écriture : il attend de nouveau dans « À vérifier »."


def action_problem(status: int, detail: Any) -> str:
    """The payments gateway refusing an action, in French."""
    message = message_of(detail)
    if status == 404:
        return "Virement introuvable : rechargez la page."
    if status == 409 and "nothing was proposed" in message:
        return "Aucun client n'est proposé pour ce virement : attribuez-le avec « Attribuer à… »."
    if status == 409:
        return "Ce virement a changé entre-temps : la page est rechargée, recommencez."
    if "no such order" in message:
        return "Cette commande n'est pas celle de ce client : choisissez-en une dans la liste."
    if "no such customer" in message:
        return "Client inconnu du service des paiements : choisissez-le dans la liste."
    return f"Refusé : {message or 'demande invalide'}."
