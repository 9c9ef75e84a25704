"""The period workbook, opened again with openpyxl and checked figure by figure."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from journal.adapters.period_workbook import (
    CLOSING_SHEET,
    DAILY_SHEET,
    DATE_FORMAT,
    ENTRIES_SHEET,
    ENTRY_HEADINGS,
    EURO_FORMAT,
    write_period_workbook,
)
from journal.domain.daily import daily_totals

MAY_4, MAY_5 = date(2026, 5, 4), date(2026, 5, 5)


def entry(seq, kind, day, content, hour=9):
    return {"producer_id": "ferme-des-saules", "seq": seq, "kind": kind, "day": day,
            "occurred_at": datetime(day.year, day.month, day.day, hour, 15, tzinfo=UTC),
            "recorded_at": datetime(day.year, day.month, day.day, hour, 16, tzinfo=UTC),
            "source": f"evt-{seq}", "content": content, "previous_hash": f"{seq - 1:064x}",
            "hash": f"{seq:064x}"}


def invoice(number, total_cents, vat, kind="invoice", modes=("cash",)):
    return {"number": number, "order_id": f"ord-{number}", "customer_id": "c-1",
            "customer_name": "Élise Martin", "total_cents": total_cents,
            "vat": [{"rate": rate, "base_cents": base, "vat_cents": tax,
                     "total_cents": base + tax} for rate, base, tax in vat],
            "payment_modes": list(modes)}


ENTRIES = [
    entry(41, "invoice", MAY_4, invoice("F000012", 1655, [("5.5", 1000, 55), ("20", 500, 100)])),
    entry(42, "payment", MAY_4, {"order_id": "ord-F000012", "customer_id": "c-1",
                                 "mode": "cash", "amount_cents": 1655, "settlement_version": 1}),
    entry(43, "settlement", MAY_4, {"order_id": "ord-F000012", "customer_id": "c-1",
                                    "version": 1, "total_cents": 1655, "mode": "cash"}),
    entry(44, "credit_invoice", MAY_5, invoice("F000013", -1055, [("5.5", -1000, -55)],
                                               "credit_invoice", ())),
    entry(45, "credit_note", MAY_5, {"number": 7, "order_id": "ord-9", "customer_id": "c-2",
                                     "amount_cents": -3, "cancels": False}),
    entry(46, "movement", MAY_5, {"movement_id": "m-1", "customer_id": "c-2", "at": "x",
                                  "amount_cents": 2000, "mode": "cheque",
                                  "label": "Recharge"}),
]
CLOSING = {
    "producer_id": "ferme-des-saules", "seq": 5, "period": "month", "start": date(2026, 5, 1),
    "end": date(2026, 5, 31), "closed_at": datetime(2026, 6, 1, 0, 5, tzinfo=UTC),
    "previous_hash": "e" * 64, "hash": "f" * 64,
    "content": {
        "entries": {"first_seq": 41, "last_seq": 46, "last_hash": f"{46:064x}", "count": 6},
        "sales": {"count": 1, "credit_invoices": 1, "total_cents": 600, "ht_cents": 500,
                  "vat_cents": 100},
        "by_vat_rate": {"20": {"base_cents": 500, "vat_cents": 100, "total_cents": 600},
                        "5.5": {"base_cents": 0, "vat_cents": 0, "total_cents": 0}},
        "by_mode": {"cash": 1655, "cheque": 2000},
        "credit_notes_cents": -3,
        "fiscal_year": {"start": "2026-01-01", "end": "2026-12-31"},
        "fiscal_year_total_cents": 123456789, "grand_total_cents": 987654321}}


def workbook(closing=CLOSING, entries=ENTRIES):
    out = BytesIO()
    write_period_workbook(out, "Ferme des Saules", "Mai 2026", iter(entries), closing,
                          daily_totals(entries))
    return load_workbook(BytesIO(out.getvalue()))


def values(sheet, row_number):
    """The row's values, without the empty cells the sheet's width pads it with."""
    found = [cell.value for cell in sheet[row_number]]
    while found and found[-1] is None:
        found.pop()
    return found


def cents(cell) -> int:
    """The exact amount in cents of a euro cell, which must be a number in euro format."""
    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), cell
    assert cell.number_format == EURO_FORMAT, cell
    amount = Decimal(repr(cell.value)) * 100
    assert amount == amount.to_integral_value(), cell.value
    return int(amount)


def row_by_label(sheet, label):
    return next(row for row in sheet.iter_rows() if row[0].value == label)


def test_the_sheets_come_in_order():
    assert workbook().sheetnames == [ENTRIES_SHEET, DAILY_SHEET, CLOSING_SHEET]


def test_each_entry_is_a_row_with_its_amount_in_euros():
    sheet = workbook()[ENTRIES_SHEET]
    assert values(sheet, 1) == ["Journal des écritures — Ferme des Saules"]
    assert values(sheet, 2) == ["Mai 2026"]
    assert values(sheet, 4) == list(ENTRY_HEADINGS)
    assert "UTC" in ENTRY_HEADINGS[3]
    rows = list(sheet.iter_rows(min_row=5))
    assert [row[0].value for row in rows] == [41, 42, 43, 44, 45, 46]
    first = rows[0]
    assert [first[1].value, first[3].value, first[4].value, first[5].value, first[6].value,
            first[8].value] == ["Facture", "2026-05-04T09:15:00+00:00", "Élise Martin",
                                "F000012", "Espèces", f"{41:064x}"]
    assert first[2].value.date() == MAY_4 and first[2].number_format == DATE_FORMAT
    assert [row[1].value for row in rows] == [
        "Facture", "Paiement", "Règlement de commande", "Facture d'avoir", "Avoir sur compte",
        "Mouvement de compte"]
    assert [cents(rows[i][7]) for i in (0, 1, 3, 4, 5)] == [1655, 1655, -1055, -3, 2000]
    assert rows[2][7].value is None  # a settlement moves no money of its own
    assert [rows[1][5].value, rows[4][5].value, rows[5][6].value] == ["ord-F000012", "7",
                                                                      "Chèque"]


def test_the_daily_totals_have_columns_for_the_rates_present_and_a_total_row():
    sheet = workbook()[DAILY_SHEET]
    assert values(sheet, 4) == [
        "Journée", "Ventes", "Factures d'avoir", "Base HT 5,5 %", "TVA 5,5 %", "TTC 5,5 %",
        "Base HT 20 %", "TVA 20 %", "TTC 20 %", "Total TTC"]
    may_4, may_5, total = list(sheet.iter_rows(min_row=5))
    assert may_4[0].value.date() == MAY_4 and may_5[0].value.date() == MAY_5
    assert [may_4[1].value, may_4[2].value, *map(cents, may_4[3:])] == [
        1, 0, 1000, 55, 1055, 500, 100, 600, 1655]
    assert [may_5[1].value, may_5[2].value, *map(cents, may_5[3:])] == [
        0, 1, -1000, -55, -1055, 0, 0, 0, -1055]
    assert [total[0].value, total[1].value, total[2].value, *map(cents, total[3:])] == [
        "Total", 1, 1, 0, 0, 0, 500, 100, 600, 600]


def test_the_closing_sheet_shows_its_figures():
    sheet = workbook()[CLOSING_SHEET]
    assert row_by_label(sheet, "Période")[1].value == "Mois du 01/05/2026 au 31/05/2026"
    assert row_by_label(sheet, "Écritures")[1].value == "n° 41 à 46"
    assert cents(row_by_label(sheet, "Ventes TTC")[1]) == 600
    assert [cents(cell) for cell in row_by_label(sheet, "5,5 %")[1:4]] == [0, 0, 0]
    assert [cents(cell) for cell in row_by_label(sheet, "20 %")[1:4]] == [500, 100, 600]
    rates = [row[0].value for row in sheet.iter_rows() if str(row[0].value).endswith("%")]
    assert rates == ["5,5 %", "20 %"]
    assert cents(row_by_label(sheet, "Espèces")[1]) == 1655
    assert cents(row_by_label(sheet, "Chèque")[1]) == 2000
    assert cents(row_by_label(sheet, "Avoirs sur compte")[1]) == -3
    assert cents(row_by_label(
        sheet, "Total de l'exercice (du 01/01/2026 au 31/12/2026)")[1]) == 123456789
    assert cents(row_by_label(sheet, "Total perpétuel des ventes")[1]) == 987654321
    assert row_by_label(sheet, "Empreinte de la dernière écriture")[1].value == f"{46:064x}"
    assert row_by_label(sheet, "Empreinte de la clôture")[1].value == "f" * 64


def test_a_period_not_yet_closed_says_so():
    sheet = workbook(closing=None)[CLOSING_SHEET]
    assert values(sheet, 4) == ["Cette période n'est pas encore clôturée."]


def test_amounts_are_written_as_their_exact_decimal_text():
    out = BytesIO()
    entries = [entry(1, "payment", MAY_4, {"order_id": "o", "customer_id": "c", "mode": "card",
                                           "amount_cents": amount, "settlement_version": 1})
               for amount in (1, 10, 1005, 123456789012, -7)]
    write_period_workbook(out, "Ferme", "Mai 2026", entries, None, [])
    sheet = load_workbook(BytesIO(out.getvalue()))[ENTRIES_SHEET]
    assert [cents(row[7]) for row in sheet.iter_rows(min_row=5)] == [
        1, 10, 1005, 123456789012, -7]


def test_days_and_times_given_as_text_are_accepted():
    text_entry = {**ENTRIES[1], "day": "2026-05-04", "occurred_at": "2026-05-04T09:15:00+00:00"}
    daily = [{"day": "2026-05-04", "sales": 1, "credit_invoices": 0, "total_cents": 100,
              "by_vat_rate": {"5.5": {"base_cents": 95, "vat_cents": 5, "total_cents": 100}}}]
    out = BytesIO()
    write_period_workbook(out, "Ferme", "Mai 2026", [text_entry], None, daily)
    book = load_workbook(BytesIO(out.getvalue()))
    assert book[ENTRIES_SHEET]["C5"].value.date() == MAY_4
    assert book[DAILY_SHEET]["A5"].value.date() == MAY_4
