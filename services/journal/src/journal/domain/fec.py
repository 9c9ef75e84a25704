"""The FEC (fichier des écritures comptables, art. A47 A-1 LPF) of a fiscal year, written from
the journal's entries. No I/O.

Each entry that moves money or a debt becomes one balanced accounting entry (écriture): a sale
or a facture d'avoir in the sales journal VE, money in or out in the cash (CA) or bank (BQ)
journal, an adjustment of a customer's account in OD. A settlement moves nothing of its own
(its payments do) and writes no line; nor does a credit note: it states the difference between
what an order's customer paid and its invoice, a difference the invoice (411 debited the total)
and the payments (411 credited what came in) already leave on the customer's account. Booked
once more (709 against 411), an order of 20 € paid 25 € would leave 10 € of credit instead of
5 €, and the sales 5 € short.

The form, from the text of A47 A-1 (in force since the arrêté of 29 July 2013 and its later
amendments) and BOI-CF-IOR-60-40-20:
- a flat file whose first record names the fields (VII 4°, VIII 9°), the 18 of VII 1° in order,
  or the 21 of VIII 5° (DateRglt, ModeRglt, NatOp added) for a farm on cash-basis accounting
  (bénéfices agricoles, comptabilité de trésorerie);
- fields separated by a tabulation, one of the two separators VI 1° c allows ("une tabulation
  ou le caractère |"): no text of ours holds one once cleaned, and a spreadsheet opens it as is;
- records ended by CR LF: VI 1° a allows "Retour chariot et/ou Fin de ligne", and the pair
  reads as one end of record in either reading, in the administration's validator (Test Compta
  Demat, a Windows program) as in a spreadsheet;
- UTF-8 without a byte order mark: XII 1° allows ASCII, ISO 8859-15 or "unicode, norme
  ISO/CEI 10646, de type UTF-8"; customers' names are free text that ISO 8859-15 cannot always
  hold (Ł, ř, ễ...), and a mark would come before the field names of the first record;
- dates AAAAMMJJ without separator (XII 4°); amounts with a comma before two decimals and no
  thousands separator (XII 2°), never signed: a negative amount goes, positive, to the other
  side; both Debit and Credit are written, 0,00 on the side not moved (BOI § 210);
- EcritureNum a continuous sequence 1..N in the order of EcritureDate, then of the journal's own
  order (VII 1° "classées par ordre chronologique de validation", BOI § 40 "sans rupture ni
  inversion"); ValidDate the entry's day: a journal entry cannot be altered once recorded;
- file named SirenFECAAAAMMJJ (IX), AAAAMMJJ the fiscal year's closing day.
Lettering: the customer lines (411) of one order are given one letter when they sum to zero
(the order is settled in full), DateLet the last of their dates.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from journal.domain.accounts import Account, Chart, rate_key

STANDARD, CASH_BASIS = "standard", "cash_basis"
VARIANTS = (STANDARD, CASH_BASIS)
COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
           "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit",
           "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise")
CASH_BASIS_COLUMNS = (*COLUMNS, "DateRglt", "ModeRglt", "NatOp")
SEPARATOR = "\t"
LINE_END = "\r\n"
ENCODING = "utf-8"

JOURNALS = {"VE": "Ventes", "CA": "Caisse", "BQ": "Banque", "OD": "Opérations diverses"}
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


def fec_filename(siren: str, fiscal_year_end: date) -> str:
    """`<SIREN>FEC<AAAAMMJJ>.txt`, the fiscal year's closing day (A47 A-1 IX)."""
    return f"{''.join(siren.split())}FEC{fiscal_year_end:%Y%m%d}.txt"


def write_fec(entries: Iterable[Mapping], chart: Chart, customers: Mapping[str, str],
              variant: str, fiscal_year_start: date, fiscal_year_end: date) -> bytes:
    """The FEC file of the entries recorded into the fiscal year, encoded (UTF-8)."""
    return fec_text(entries, chart, customers, variant, fiscal_year_start,
                    fiscal_year_end).encode(ENCODING)


def fec_text(entries: Iterable[Mapping], chart: Chart, customers: Mapping[str, str],
             variant: str, fiscal_year_start: date, fiscal_year_end: date) -> str:
    columns = CASH_BASIS_COLUMNS if variant == CASH_BASIS else COLUMNS
    lines = fec_lines(entries, chart, customers, variant, fiscal_year_start, fiscal_year_end)
    return "".join(SEPARATOR.join(record) + LINE_END
                   for record in [columns, *([line[name] for name in columns] for line in lines)])


def fec_lines(entries: Iterable[Mapping], chart: Chart, customers: Mapping[str, str],
              variant: str, fiscal_year_start: date, fiscal_year_end: date) -> list[dict]:
    """The FEC's lines in file order, each a dict of column → text."""
    if variant not in VARIANTS:
        raise ValueError(f"a FEC is {' or '.join(VARIANTS)}, not {variant!r}")
    kept = [entry for entry in entries
            if fiscal_year_start <= _day(entry["day"]) <= fiscal_year_end]
    names = _customer_names(kept, customers)
    bookings = [booking for index, entry in enumerate(kept)
                if (booking := to_booking(entry, chart, index)) is not None]
    bookings.sort(key=lambda booking: (booking.day, booking.seq))
    letters = _lettering(bookings)
    lines = []
    for number, booking in enumerate(bookings, start=1):
        for index, posting in enumerate(booking.postings):
            lines.append(_line(number, booking, posting, names, letters.get((number, index)),
                               variant))
    return lines


def to_booking(entry: Mapping, chart: Chart, index: int = 0) -> Booking | None:
    """The accounting entry one journal entry writes; None when it moves nothing (a
    settlement, an amount of zero)."""
    if entry["kind"] in _NO_LINES:
        return None
    if entry["kind"] not in _WRITERS:
        # a kind the FEC does not know would leave the file short: refuse rather than omit
        raise ValueError(f"no accounting entry is known for a {entry['kind']!r} entry")
    booking = _WRITERS[entry["kind"]](entry["content"], chart, _day(entry["day"]), entry.get("seq", index))
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
    said = _text(content.get("label") or "")
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


def _lettering(bookings: list[Booking]) -> dict[tuple[int, int], tuple[str, date]]:
    """(EcritureNum, line index) → (letter, DateLet) of the customer lines of every order whose
    lines in the file sum to zero; letters A, B, ... Z, AA, AB... per customer, in the order of
    each order's first line."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for number, booking in enumerate(bookings, start=1):
        if booking.order_id is None:
            continue
        for index, posting in enumerate(booking.postings):
            if posting.customer_id is not None:
                groups[(posting.customer_id, booking.order_id)].append(
                    ((number, index), posting.cents, booking.day))
    letters: dict[tuple[int, int], tuple[str, date]] = {}
    used: dict[str, int] = defaultdict(int)
    for (customer_id, _order), members in sorted(groups.items(), key=lambda item: item[1][0][0]):
        if sum(cents for _key, cents, _day in members):
            continue
        used[customer_id] += 1
        letter, last_day = _letter(used[customer_id]), max(day for _key, _cents, day in members)
        for key, _cents, _day in members:
            letters[key] = (letter, last_day)
    return letters


def _letter(count: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 28 → AB..."""
    text = ""
    while count:
        count, rest = divmod(count - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _line(number: int, booking: Booking, posting: Posting, names: Mapping[str, str],
          letter: tuple[str, date] | None, variant: str) -> dict:
    customer = posting.customer_id
    line = {
        "JournalCode": booking.journal, "JournalLib": JOURNALS[booking.journal],
        "EcritureNum": str(number), "EcritureDate": _date(booking.day),
        "CompteNum": posting.account.number, "CompteLib": _text(posting.account.label),
        "CompAuxNum": _text(customer) if customer else "",
        "CompAuxLib": names[customer] if customer else "",
        "PieceRef": _text(booking.piece_ref), "PieceDate": _date(booking.piece_date),
        "EcritureLib": _text(posting.label),
        "Debit": _amount(max(posting.cents, 0)), "Credit": _amount(max(-posting.cents, 0)),
        "EcritureLet": letter[0] if letter else "", "DateLet": _date(letter[1]) if letter else "",
        "ValidDate": _date(booking.day), "Montantdevise": "", "Idevise": "",
    }
    if variant == CASH_BASIS:
        line["DateRglt"] = _date(booking.day) if booking.mode else ""
        line["ModeRglt"] = MODES[booking.mode] if booking.mode else ""
        line["NatOp"] = booking.nature
    return line


def _customer_names(entries: list[Mapping], customers: Mapping[str, str]) -> dict[str, str]:
    """Each customer's name, one per customer for the whole file: the one the journal knows,
    else the one its last invoice printed, else its id."""
    printed: dict[str, str] = {}
    ids: set[str] = set()
    for entry in entries:
        content = entry["content"]
        if content.get("customer_id"):
            ids.add(content["customer_id"])
            if content.get("customer_name"):
                printed[content["customer_id"]] = content["customer_name"]
    return {customer_id: _text(customers.get(customer_id) or "")
            or _text(printed.get(customer_id, "")) or _text(customer_id)
            for customer_id in ids}


def _text(value: str) -> str:
    """One line of text without the separators nor control characters, at most MAX_TEXT long."""
    return _SPACES.sub(" ", _NOT_IN_A_FIELD.sub(" ", str(value))).strip()[:MAX_TEXT].rstrip()


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _date(day: date) -> str:
    return f"{day:%Y%m%d}"


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
