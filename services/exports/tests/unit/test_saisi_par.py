"""Who recorded each settlement and each movement ("Saisi par", issue #23), in the payments
workbook and in the sales-by-mode workbook's sheets; empty where the system recorded it."""

from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook

from exports.adapters.workbooks.received_payments import write_received_payments
from exports.adapters.workbooks.sales_by_mode import write_sales_by_mode
from exports.domain.reports import MovementRow, PaymentRow

LEA = "Léa Martin"
ROWS = [
    PaymentRow("ord-1", date(2026, 11, 16), "c-1", "Élise Martin", 1250, "cash", 1300, 50,
               recorded_by=LEA),
    PaymentRow("ord-2", date(2026, 11, 17), "c-2", "Paul Roux", 1005, "online", 1005, 0),
]
MOVEMENTS = [MovementRow(datetime(2026, 11, 17, 9, 30), "c-2", "Paul Roux", "cash", 2000,
                         "Recharge (espèces)", recorded_by=LEA)]


def opened(write) -> object:
    out = BytesIO()
    write(out)
    return load_workbook(BytesIO(out.getvalue()))


def column(sheet, heading_row: int, heading: str, rows: int) -> list:
    headings = [cell.value for cell in sheet[heading_row]]
    index = headings.index(heading)
    return [row[index].value for row in sheet.iter_rows(min_row=heading_row + 1,
                                                       max_row=heading_row + rows)]


def test_the_payments_workbook_says_who_recorded_each_settlement_and_movement():
    book = opened(lambda out: write_received_payments(iter(ROWS), "Ferme des Saules", out,
                                                      movements=MOVEMENTS))
    assert column(book["Paiements reçus"], 3, "Saisi par", 2) == [LEA, None]
    assert column(book["Mouvements de compte"], 3, "Saisi par", 1) == [LEA]


def test_the_sales_workbook_lists_who_recorded_each_order_and_movement_too():
    book = opened(lambda out: write_sales_by_mode(iter(ROWS), date(2026, 11, 16),
                                                  date(2026, 11, 22), "Ferme des Saules", out,
                                                  MOVEMENTS))
    assert column(book["Commandes"], 4, "Saisi par", 2) == [LEA, None]
    assert column(book["Mouvements de compte"], 4, "Saisi par", 1) == [LEA]


def test_without_payment_tracking_no_one_is_named_as_no_settlement_is_shown():
    book = opened(lambda out: write_received_payments(iter(ROWS), "Ferme des Saules", out,
                                                      tracking=False))
    assert "Saisi par" not in [cell.value for cell in book["Commandes"][3]]
