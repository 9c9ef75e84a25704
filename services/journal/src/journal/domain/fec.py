"""The FEC (fichier des écritures comptables, art. A47 A-1 LPF) of a fiscal year, written from
the journal's entries. No I/O.

Each entry that moves money or a debt becomes one balanced accounting entry (écriture), as
`journal.domain.bookings` writes it; a settlement and a credit note write no line.

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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from journal.domain.accounts import Chart
from journal.domain.bookings import MODES, Booking, Posting, field_text, to_booking, to_date

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
            if fiscal_year_start <= to_date(entry["day"]) <= fiscal_year_end]
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
        "CompteNum": posting.account.number, "CompteLib": field_text(posting.account.label),
        "CompAuxNum": field_text(customer) if customer else "",
        "CompAuxLib": names[customer] if customer else "",
        "PieceRef": field_text(booking.piece_ref), "PieceDate": _date(booking.piece_date),
        "EcritureLib": field_text(posting.label),
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
    return {customer_id: field_text(customers.get(customer_id) or "")
            or field_text(printed.get(customer_id, "")) or field_text(customer_id)
            for customer_id in ids}


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _date(day: date) -> str:
    return f"{day:%Y%m%d}"
