"""What the payments pages say and check, no I/O: weeks, amounts typed in euros, payment modes,
totals, what a settlement did, the gateway's reasons in French, the settings asked."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from ardoise.money import MAX_AMOUNT_CENTS
from ardoise.weeks import week_of
from web.gateways import Refused
from web.pages.common import TRACKING_OFF_REASON, BadInput, euros, in_french

MODE_NAMES = {"not_delivered": "Non livré", "account": "Déduit du compte client",
              "cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
"""The names the invoices and receipts print (a copy of the orders service's own)."""
MANUAL_MODES = ("cash", "cheque", "card", "transfer")
PAYING_MODES = (*MANUAL_MODES, "online")
ACCEPTABLE_MODES = ("account", *MANUAL_MODES, "online")
KINDS = {"top_up": "Versement", "debit": "Débit", "refund": "Remboursement"}
ZONES = ("Europe/Paris", "America/Cayenne", "America/Guadeloupe", "America/Martinique",
         "America/Miquelon", "Indian/Mayotte", "Indian/Reunion", "Pacific/Noumea",
         "Pacific/Tahiti", "Pacific/Wallis", "Europe/Brussels", "Europe/Zurich")
"""Offered first in the time zone field; any IANA name is accepted."""
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


def week_movements(page: dict) -> list[dict]:
    """The money that moved during the week apart from the orders' own, oldest first: the
    top-ups and debits recorded with a mode, and the online refunds SumUp made (each named by
    its order's delivery day; selectable for the export by its refund's id)."""
    refunds = [{**r, "movement_id": r["refund_id"], "kind": "refund",
                "label": f"Commande du {date.fromisoformat(r['delivery_date']):%d/%m/%Y}",
                "recorded_by": r.get("requested_by")} for r in page.get("refunds", [])]
    moved = sorted([*page["movements"], *refunds], key=lambda m: datetime.fromisoformat(m["at"]))
    return [{**m, "kind_name": KINDS.get(m["kind"], m["kind"]),
             "mode_name": mode_name(m.get("mode"))} for m in moved]
