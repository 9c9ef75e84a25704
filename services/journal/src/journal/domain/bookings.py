"""What each journal entry writes in the FEC (`journal.domain.fec`): one balanced accounting
entry (écriture), its lines on the producer's chart of accounts. No I/O.

A sale or a facture d'avoir goes in the sales journal VE, money in or out in the cash (CA) or
bank (BQ) journal, an adjustment of a customer's account in OD. A settlement moves nothing of
its own (its payments do) and writes no line; nor does a credit note: it states the difference
between what an order's customer paid and its invoice, a difference the invoice (411 debited
the total) and the payments (411 credited what came in) already leave on the customer's
account. Booked once more (709 against 411), an order of 20 € paid 25 € would leave 10 € of
credit instead of 5 €, and the sales 5 € short.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from journal.domain.accounts import Account, Chart, rate_key

MODES = {"cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
         "transfer": "Virement", "online": "Paiement en ligne"}
"""ModeRglt, per mode money comes in by."""
_NOT_IN_A_FIELD = re.compile(r"[\x00-\x1f\x7f-\x9f|\u2028\u2029]+")
_SPACES = re.compile(r" {2,}")
MAX_TEXT = 100


@dataclass(frozen=True)
class Posting:
    """One line of an accounting entry: its account, the customer's for a 411 line, its amount
    (> 0 debit, < 0 credit) and its label."""

    account: Account
    cents: int
    label: str
    customer_id: str | None = None


@dataclass(frozen=True)
class Booking:
    """What one journal entry writes in the FEC: a balanced accounting entry."""

    seq: int
    day: date
    journal: str
    piece_ref: str
    piece_date: date
    postings: tuple[Posting, ...]
    order_id: str | None
    nature: str
    mode: str | None = None
    """The mode money moved by (payments, movements with a mode): DateRglt and ModeRglt."""


def to_booking(entry: Mapping, chart: Chart, index: int = 0) -> Booking | None:
    """The accounting entry one journal entry writes; None when it moves nothing (a
    settlement, an amount of zero)."""
    if entry["kind"] in _NO_LINES:
        return None
    if entry["kind"] not in _WRITERS:
        # a kind the FEC does not know would leave the file short: refuse rather than omit
        raise ValueError(f"no accounting entry is known for a {entry['kind']!r} entry")
    booking = _WRITERS[entry["kind"]](entry["content"], chart, to_date(entry["day"]),
                                      entry.get("seq", index))
    postings = tuple(posting for posting in booking.postings if posting.cents)
    return replace(booking, postings=postings) if postings else None


def _invoice(content: Mapping, chart: Chart, day: date, seq: int) -> Booking:
    return _sale(content, chart, day, seq, f"Facture {content['number']}", "Vente")


def _credit_invoice(content: Mapping, chart: Chart, day: date, seq: int) -> Booking:
    corrects = f" sur {content['corrects']}" if content.get("corrects") else ""
    return _sale(content, chart, day, seq, f"Facture d'avoir {content['number']}{corrects}",
                 "Avoir")


def _sale(content: Mapping, chart: Chart, day: date, seq: int, label: str,
          nature: str) -> Booking:
    """Debit the customer the total, credit each rate's sales its base and VAT its tax (the
    negative amounts of a facture d'avoir land on the other side)."""
    number, customer_id = content["number"], content["customer_id"]
    total_cents = content["total_cents"]
    postings = [Posting(chart.account("customers"), total_cents, label, customer_id)]
    rest_cents = total_cents
    for row in content.get("vat") or ():
        rate = rate_key(row["rate"])
        rate_label = f"{label}, TVA {rate.replace('.', ',')} %"
        postings.append(Posting(chart.account("sales", rate), -row["base_cents"], rate_label))
        postings.append(Posting(chart.account("vat", rate), -row["vat_cents"], rate_label))
        rest_cents -= row["base_cents"] + row["vat_cents"]
    if rest_cents:
        # a document whose rates do not add up to its total (none is issued so) still balances
        postings.append(Posting(chart.account("sales"), -rest_cents, label))
    issued = content.get("issue_date")
    return Booking(seq, day, "VE", str(number), date.fromisoformat(issued) if issued else day,
                   tuple(postings), content.get("order_id"), nature)


def _payment(content: Mapping, chart: Chart, day: date, seq: int) -> Booking:
    mode, amount_cents, order = content["mode"], content["amount_cents"], content["order_id"]
    account, way = _mode_account(chart, mode), _way(amount_cents)
    label = f"{way} {MODES[mode].lower()} commande {order[:8]}"
    return Booking(seq, day, _money_journal(mode), order[:8], day, (
        Posting(account, amount_cents, label),
        Posting(chart.account("customers"), -amount_cents, label, content["customer_id"]),
    ), order, way, mode)


def _movement(content: Mapping, chart: Chart, day: date, seq: int) -> Booking:
    """Money by its mode (in > 0, out < 0), or without one an adjustment of the balance: a
    credit given (> 0) or a debit charged (< 0) to the customer."""
    mode, amount_cents = content.get("mode") or None, content["amount_cents"]
    if mode:
        account, journal = _mode_account(chart, mode), _money_journal(mode)
        nature = _way(amount_cents)
        label = f"{nature} {MODES[mode].lower()} compte client"
    else:
        credit = amount_cents > 0
        account = chart.account("adjustments_credit" if credit else "adjustments_debit")
        nature, journal = "Ajustement", "OD"
        label = "Crédit compte client" if credit else "Débit compte client"
    said = field_text(content.get("label") or "")
    label += f" : {said}" if said else ""
    return Booking(seq, day, journal, str(content["movement_id"])[:8], day, (
        Posting(account, amount_cents, label),
        Posting(chart.account("customers"), -amount_cents, label, content["customer_id"]),
    ), None, nature, mode)


_WRITERS = {"invoice": _invoice, "credit_invoice": _credit_invoice, "payment": _payment,
            "movement": _movement}
_NO_LINES = frozenset({"settlement", "credit_note"})


def _way(amount_cents: int) -> str:
    return "Encaissement" if amount_cents > 0 else "Remboursement"


def _money_journal(mode: str) -> str:
    return "CA" if mode == "cash" else "BQ"


def _mode_account(chart: Chart, mode: str) -> Account:
    if mode not in MODES:
        raise ValueError(f"money moves by one of {', '.join(MODES)}, not {mode!r}")
    return chart.account(mode)


def field_text(value: str) -> str:
    """One line of text without the FEC's separators nor control characters, at most MAX_TEXT
    long: a label, an account's or a customer's name as a FEC field holds it."""
    return _SPACES.sub(" ", _NOT_IN_A_FIELD.sub(" ", str(value))).strip()[:MAX_TEXT].rstrip()


def to_date(value) -> date:
    """An entry's day, as a date whether it was read as one or as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value
