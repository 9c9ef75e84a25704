"""What the customer's pages say, no I/O: an order's state and payment in the customer's words,
its pay link, the ETags passed on, the history's words, the transfer reference."""

import re

from ardoise.auth import Principal
from ardoise.payment_reference import payment_reference, references_in
from web.pages.common import euros

STATUS_NAMES = {"placed": "Enregistrée", "awaiting_payment": "En attente de paiement",
                "accepted": "Acceptée", "cancelled": "Annulée"}
MODE_NAMES = {"not_delivered": "Non livrée", "account": "Déduite de votre compte",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
KIND_NAMES = {"credit": "Crédit", "debit": "Débit", "order": "Commande", "payment": "Paiement"}
OPEN_STATUSES = ("placed", "awaiting_payment")
"""An order still in these may change (its payment link comes, its payment lands): its page
keeps itself up to date."""
ORDERS_LIMIT = 30
_ETAG = re.compile(r'^(W/)?"[A-Za-z0-9_-]{1,128}"$')


def valid_etag(text: str | None) -> str | None:
    """An ETag as the orders gateway writes them, else None (never a header passed blind)."""
    return text if text and _ETAG.match(text) else None


def is_paid_online(order: dict) -> bool:
    return (order.get("payment") or {}).get("status") == "PAID"


def pay_url(order: dict) -> str | None:
    """Where to pay the order on SumUp: while it awaits a payment whose checkout is open."""
    payment = order.get("payment") or {}
    url = payment.get("checkout_url")
    if order.get("status") == "awaiting_payment" and payment.get("status") == "PENDING" \
            and url and url.startswith(("https://", "http://")):
        return url
    return None


def settlement_text(order: dict, tracking: bool) -> str:
    """How the order is paid, in the customer's words; nothing when payments are not tracked."""
    if not tracking:
        return ""
    payment = order.get("payment") or {}
    settlement = order.get("settlement") or {}
    mode, paid_cents = settlement.get("mode"), settlement.get("amount_paid_cents") or 0
    if is_paid_online(order):
        return f"Payée en ligne : {euros(payment.get('amount_due_cents') or paid_cents)}"
    if payment.get("status") == "NOT_NEEDED":
        return "Payée avec votre solde"
    if order.get("status") == "awaiting_payment":
        if payment.get("status") == "FAILED":
            return "Le paiement en ligne a échoué"
        return f"À payer en ligne : {euros(payment.get('amount_due_cents'))}"
    if mode == "account":
        return MODE_NAMES["account"]
    if mode in ("cash", "cheque", "card", "transfer", "online") and paid_cents:
        return f"Payée : {euros(paid_cents)} ({MODE_NAMES[mode]})"
    return "Pas encore réglée"


def order_view(order: dict, tracking: bool) -> dict:
    payment = order.get("payment") or {}
    return {**order, "status_name": STATUS_NAMES.get(order.get("status"), order.get("status")),
            "settled": settlement_text(order, tracking), "paid": is_paid_online(order),
            "pay_url": pay_url(order), "open": order.get("status") in OPEN_STATUSES,
            "failed": order.get("status") == "awaiting_payment"
            and payment.get("status") == "FAILED",
            "balance_applied_cents": payment.get("balance_applied_cents") if tracking
            else None}


def transfer_reference(account: dict | None, principal: Principal) -> str | None:
    """What the customer writes in a transfer's label (`ARD-7K2Q9P`), shown with the account:
    the accounts gateway's, else derived as every service derives it."""
    if account is None or principal.customer_id is None:
        return None
    given = references_in(str(account.get("payment_reference") or ""))
    return given[0] if given else payment_reference(principal.producer_id, principal.customer_id)


def movement_view(movement: dict) -> dict:
    return {**movement, "kind_name": KIND_NAMES.get(movement.get("kind"), movement.get("kind")),
            "mode_name": MODE_NAMES.get(movement.get("mode") or "", "")}


def older_orders(orders: list[dict]) -> str | None:
    """The `before` of the next page of orders, when this one is full."""
    if len(orders) < ORDERS_LIMIT:
        return None
    return orders[-1].get("placed_at")
