"""What the debts pages say and send, no I/O: the reminder rule and the credit limits as forms
and as the accounts gateway's bodies, and what a reminder sent by hand did, in French."""

import re
from typing import Any

from web.gateways import Refused
from web.pages.common import (
    TRACKING_OFF_REASON,
    BadInput,
    euros,
    in_french,
    order_uuid,
    plain_euros,
)
from web.pages.customers_views import checked_email, one_line
from web.pages.payments_views import parse_euros

MAX_DAYS = 365
OVER_LIMIT = {"refuse": "Refuser la commande",
              "online_payment": "Accepter la commande, payée en ligne à la commande"}
"""What happens to an order that would take a customer below its limit (the producer's choice)."""
REFUSALS = (
    ("owes nothing", "Ce client ne doit rien : aucune relance à envoyer."),
    ("no e-mail address", "Ce client n'a pas d'adresse e-mail : ajoutez-la dans ses "
                          "coordonnées."),
    ("being sent", "Une relance part vers ce client en ce moment même : rien de plus n'est "
                   "envoyé."),
    TRACKING_OFF_REASON,
    ("no such customer", "Client introuvable."),
    ("Idempotency-Key already used", "Ce formulaire a déjà servi pour un autre client : "
     "rechargez la page."),
)


def limit_cents(text: str | None) -> int | None:
    """A limit typed in euros: empty for none, `0` for no debt at all, else `50` or `50,00`
    (down to −50,00 €; a minus sign typed before it is the same)."""
    return parse_euros(re.sub(r"^[\s\u00a0\u202f]*[-−]", "", text or ""))


def days(text: str | None, what: str, least: int) -> int:
    cleaned = (text or "").strip()
    if not cleaned.isdigit() or not least <= int(cleaned) <= MAX_DAYS:
        raise BadInput(f"{what} : un nombre de jours de {least} à {MAX_DAYS}.")
    return int(cleaned)


def rule_body(enabled: bool, threshold: str | None, for_days: str | None,
              every_days: str | None, farm_name: str | None, reply_to: str | None) -> dict:
    """The whole reminder rule for `PUT …/reminders/settings` (a PUT sets every field)."""
    debt_cents = limit_cents(threshold)
    if debt_cents is None:
        raise BadInput("Seuil : indiquez la dette à partir de laquelle relancer, par exemple "
                       "10,00 (0 : toute dette).")
    return {"enabled": enabled, "below_cents": -debt_cents,
            "for_days": days(for_days, "Depuis", 0),
            "every_days": days(every_days, "Au plus une relance tous les", 1),
            "farm_name": one_line(farm_name, "Signature", 200) or None,
            "reply_to": checked_email(reply_to)}


def limits_body(limit: str | None, over_limit: str | None) -> dict:
    """The producer's default limit for `PUT …/credit-limits` (a PUT sets both)."""
    if over_limit not in OVER_LIMIT:
        raise BadInput("Choisissez ce qui arrive à une commande qui dépasserait le plafond.")
    return {"credit_limit_cents": limit_cents(limit), "over_limit": over_limit}


def rule_form(rule: dict) -> dict[str, Any]:
    """The rule as its form shows it: the threshold as the debt in euros, `10,00`."""
    return {"enabled": bool(rule.get("enabled")),
            "threshold": plain_euros(-int(rule.get("below_cents") or 0)),
            "for_days": str(rule.get("for_days", "")),
            "every_days": str(rule.get("every_days", "")),
            "farm_name": rule.get("farm_name") or "", "reply_to": rule.get("reply_to") or ""}


def reminder_key(customer_id: str, after: str) -> dict[str, str]:
    """The reminder's Idempotency-Key: the customer and the last reminder the page showed
    (`aucune`: none). The same form sent again (a second click, again after a timeout) replays
    the reminder it sent; once the page shows that one, a new reminder is a new request. A form
    without it (drawn before it existed) sends without a key."""
    if not after:
        return {}
    if after != "aucune" and order_uuid(after) != after:  # a reminder's id, as written
        raise BadInput("Relance non envoyée : ce formulaire a expiré, rechargez la page.")
    return {"Idempotency-Key": f"web-remind-{customer_id}-after-{after}"}


def reminder_said(answer: dict, replayed: bool = False) -> str:
    """What sending a reminder by hand did (the reminder as the accounts service recorded it);
    `replayed`: the same form was sent before, and nothing more went out."""
    said = _reminder_outcome(answer)
    return f"Cette relance était déjà demandée : rien de plus n'est envoyé. {said}" if replayed \
        else said


def _reminder_outcome(answer: dict) -> str:
    status, email = answer.get("status"), answer.get("email") or "?"
    balance = euros(answer.get("balance_cents"))
    if status == "sending":
        return f"Relance vers {email} en cours d'envoi (solde {balance})."
    if status == "sent":
        return f"Relance envoyée à {email} (solde {balance})."
    if status == "cancelled":
        return "Relance annulée : la dette a été réglée pendant qu'elle s'écrivait."
    error = one_line_safe(answer.get("error"))
    if status == "refused":
        return f"Relance refusée par la messagerie pour {email} : {error}"
    return f"Relance non partie vers {email} : {error}. Rien n'est renvoyé tout seul."


def one_line_safe(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "sans réponse")).strip()[:300]


def reminder_refusal(error: Refused) -> str:
    """Why no reminder was sent, in French (the gateway's own words for anything else)."""
    return in_french(error.message, REFUSALS) or f"Relance refusée : {error.message}"


def refused_problem(error: Refused, what: str) -> str:
    """Why a rule or a limit was not saved: `what` (« Plafond non enregistré »), then the
    gateway's reason (in French when it is one people meet here)."""
    tracking_off = in_french(error.message, (TRACKING_OFF_REASON,))
    return f"{what}. {tracking_off}" if tracking_off else f"{what} : {error.message}"
