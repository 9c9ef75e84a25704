"""What the bank page says and sends, no I/O: an import's counts, a file refused said in French,
the transactions as the page lists them, the orders a transfer may be given to, and the forms
checked before the payments gateway is asked."""

import re
import uuid
from datetime import date, timedelta
from typing import Any

from ardoise.ids import CUSTOMER_ID_PATTERN
from web.pages.common import BadInput, day, euros

COUNTS = (("lines", "Lignes"), ("new", "Nouvelles"), ("duplicates", "Déjà importées"),
          ("applied", "Appliquées"), ("queued", "En attente"), ("listed", "Listées (débits)"))
"""An import's counts, in the order the page shows them."""
FORMATS = {"camt.053": "CAMT.053", "ofx": "OFX", "cfonb120": "CFONB 120"}
SURE = 90
"""The matcher's score from which a match is applied unasked (payments' bank_matching.SURE)."""
ORDER_STATUSES = {"placed": "Passée", "awaiting_payment": "En attente de paiement",
                  "accepted": "Acceptée"}
EXPECTED = ("Ce fichier n'est pas un relevé bancaire : Ardoise lit les relevés au format "
            "CAMT.053 (XML), OFX (1.x ou 2.x) et CFONB 120, tels que l'espace en ligne de la "
            "banque les télécharge.")
NOTHING_KEPT = "Rien n'a été importé."
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)
_FLASH_COUNTS = re.compile(r"^(camt\.053|ofx|cfonb120)((?::\d{1,9}){6})$")
_THIS_FILE = re.compile(r"^expected a bank statement: .*?; this file is (.+)$", re.S)
_BROKEN = (
    (re.compile(r"^a CAMT\.053 file \(ISO 20022 BkToCstmrStmt\) was expected: (.+)$", re.S),
     "CAMT.053"),
    (re.compile(r"^an OFX file \(.*?\) was expected: (.+)$", re.S), "OFX"),
    (re.compile(r"^CFONB 120[,:] (.+)$", re.S), "CFONB 120"),
)
SEPARATORS = {"semicolons": "des points-virgules", "commas": "des virgules",
              "tabs": "des tabulations", "vertical bars": "des barres verticales"}
WHAT = (
    (r"empty", "vide"),
    (r"a PDF document", "un document PDF : c'est le relevé à lire, pas le fichier à importer"),
    (r"an? (PNG|JPEG|GIF|TIFF|WebP) image", "une image {0}"),
    (r"an HEIC image \(a phone's photo\)", "une image HEIC (une photo de téléphone)"),
    (r"an old Microsoft Office document.*", "un ancien document Microsoft Office (un classeur "
                                            "Excel .xls, par exemple)"),
    (r"an? (gzip|7-Zip|RAR|ZIP) archive", "une archive {0} : décompressez-la d'abord"),
    (r"an RTF document", "un document RTF"),
    (r"an Excel workbook \(\.xlsx\)", "un classeur Excel (.xlsx)"),
    (r"a Word document \(\.docx\)", "un document Word (.docx)"),
    (r"an OpenDocument spreadsheet \(\.ods\)", "un classeur OpenDocument (.ods)"),
    (r"an OpenDocument text \(\.odt\)", "un texte OpenDocument (.odt)"),
    (r"text in UTF-16.*", "du texte en UTF-16 : enregistrez-le en UTF-8 ou en ISO-8859-1"),
    (r"binary data", "un fichier binaire"),
    (r"a SWIFT MT940 statement", "un relevé SWIFT MT940, un format qu'Ardoise ne lit pas"),
    (r"an HTML page.*", "une page HTML (la page web de la banque, plutôt que le fichier "
                        "qu'elle propose de télécharger ?)"),
    (r"a camt\.(\d{3}) message, not a camt\.053 statement",
     "un message camt.{0}, pas un relevé camt.053"),
    (r"XML whose root element is <(.*)>, not a camt\.053 statement",
     "du XML dont l'élément racine est <{0}>, pas un relevé camt.053"),
    (r"JSON data", "des données JSON"),
    (r"a QIF file \(Quicken\)", "un fichier QIF (Quicken), un format qu'Ardoise ne lit pas"),
    (r"a CFONB file of (\d+)-character records.*",
     "un fichier CFONB aux lignes de {0} caractères (des ordres de virement ou de "
     "prélèvement), pas un relevé CFONB 120"),
    (r"a CSV file \(values separated by (.+)\)", "un fichier CSV (valeurs séparées par {0})"),
    (r"text that begins '(.*)'", "un texte qui commence par « {0} »"),
    (r'text that begins "(.*)"', "un texte qui commence par « {0} »"),
)
"""What the payments gateway says a file is, said in French."""
BROKEN = (
    (r"the file is not (?:well-formed )?XML.*", "son XML est mal formé"),
    (r"no Stmt element found", "il ne contient aucun relevé (élément Stmt)"),
    (r"no STMTRS or CCSTMTRS statement found(.*)", "il ne contient aucun relevé (STMTRS ou "
                                                  "CCSTMTRS){0}"),
    (r"no <OFX> element found", "il n'a pas d'élément <OFX>"),
    (r"the file ends before </OFX>.*", "il s'arrête avant </OFX> : téléchargé en partie ?"),
    (r"line (\d+): (\d+) characters where a record has 120",
     "la ligne {0} a {1} caractères au lieu de 120"),
    (r"line (\d+)(?:, record (\d+))?: the amount '(.*)' is not 13 digits.*",
     "à la ligne {0}, le montant « {2} » n'est pas écrit sur 13 chiffres et un signe"),
    (r"line (\d+)(?:, record (\d+))?: the currency '(.*)' is not an ISO 4217 code",
     "à la ligne {0}, la devise « {2} » est inconnue"),
    (r".* does not add up: .*", "le solde de départ et les opérations ne donnent pas le solde "
                                "final : le fichier est incomplet ou altéré"),
    (r".* has no closing balance \(07\)", "un relevé n'a pas de solde final (07) : le fichier "
                                         "est incomplet"),
    (r"the file holds no record", "il ne contient aucun enregistrement"),
)
"""Why a file of a known format is unreadable, for the reasons people meet; the others are
shown as the gateway wrote them."""


# ---- an import ----------------------------------------------------------------------------

def import_flash(answer: dict) -> str:
    """An import's answer as the redirect carries it to the page: `camt.053:5:5:0:2:2:1`."""
    numbers = ":".join(str(int(answer.get(name) or 0)) for name, _ in COUNTS)
    return f"{answer.get('format')}:{numbers}"


def import_view(flash: str | None) -> dict | None:
    """The counts an import's redirect carried, for the page; None for anything else."""
    match = _FLASH_COUNTS.match(flash or "")
    if not match:
        return None
    numbers = [int(n) for n in match[2][1:].split(":")]
    counts = dict(zip((name for name, _ in COUNTS), numbers, strict=True))
    return {"format": FORMATS[match[1]], "counts": counts,
            "rows": [(said, counts[name]) for name, said in COUNTS]}


def _message_of(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(str(e.get("msg", "")) for e in detail if isinstance(e, dict)).strip()
    return str(detail or "").strip()


def _said(table, text: str) -> str | None:
    for pattern, french in table:
        if match := re.fullmatch(pattern, text, re.S):
            return french.format(*(SEPARATORS.get(g, g) for g in match.groups()))
    return None


def statement_problem(detail: Any) -> str:
    """The payments gateway refusing a file (422), in French: what it is and what was
    expected, or why a statement of a known format cannot be read."""
    message = _message_of(detail)
    if match := _THIS_FILE.match(message):
        what = _said(WHAT, match[1].strip())
        seen = f" Celui-ci est {what}." if what else f" (Détail : {match[1].strip()}.)"
        return f"{EXPECTED}{seen} {NOTHING_KEPT}"
    for pattern, name in _BROKEN:
        if match := pattern.match(message):
            why = _said(BROKEN, match[1].strip())
            said = f" : {why}." if why else f". (Détail : {match[1].strip()}.)"
            return f"Ce fichier est un relevé {name}, mais il ne se lit pas{said} {NOTHING_KEPT}"
    return f"{EXPECTED} (Détail : {message or 'fichier refusé'}.) {NOTHING_KEPT}"


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
    message = _message_of(detail)
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
