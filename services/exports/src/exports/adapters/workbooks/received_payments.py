"""The received-payments workbook of a selection: the orders with what came in for each, a
total per mode and in all, and the selected account movements; without payment tracking, the
orders and their total."""

from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.adapters.workbooks.orders import (
    MOVEMENT_HEADINGS,
    MOVEMENT_WIDTHS,
    MOVEMENTS_SHEET,
    ORDER_HEADINGS,
    ORDER_WIDTHS,
    ORDERS_SHEET,
    UNTRACKED_ORDER_HEADINGS,
    UNTRACKED_ORDER_WIDTHS,
    _stream_orders,
    _stream_untracked_orders,
    _write_movements,
)
from exports.adapters.workbooks.sheets import (
    _BOLD,
    EURO_FORMAT,
    _cell,
    _new_sheet,
    _new_workbook,
    _start_sheet,
    euros,
)
from exports.domain.reports import ModeSummary, MovementRow, PaymentRow

COUNT_FORMAT = '0 "commande(s)"'
RECEIVED_PAYMENTS_SHEET = "Paiements reçus"


def write_received_payments(rows: Iterable[PaymentRow], producer_name: str, out: BinaryIO,
                            tracking: bool = True,
                            movements: Sequence[MovementRow] = ()) -> None:
    """Sheet "Paiements reçus": one row per order (with who recorded its settlement, "Saisi
    par"), a blank row, totals per mode, a grand total; with selected top-ups and debits, sheet
    "Mouvements de compte" lists them (with who recorded each).

    The totals are accumulated while the rows stream, so any number of rows fits in constant
    memory. In the bottom block each figure sits under its column: count under "Commande",
    sales under "Total" (0 for not delivered orders), received under "Montant payé" (the
    orders' money and the selected movements': what came in by that mode).

    A producer that does not track payments (`tracking` False) gets the orders without any
    payment column (date, order, customer, total), and their count and total.
    """
    if not tracking:
        workbook = _new_workbook(f"Commandes — {producer_name}")
        sheet = _new_sheet(workbook, ORDERS_SHEET)
        _start_sheet(sheet, (f"Commandes — {producer_name}",), UNTRACKED_ORDER_HEADINGS,
                     UNTRACKED_ORDER_WIDTHS)
        count, total_cents = _stream_untracked_orders(sheet, rows)
        sheet.append(())
        sheet.append((_cell(sheet, "Total général", font=_BOLD),
                      _cell(sheet, count, COUNT_FORMAT, _BOLD), None,
                      _cell(sheet, euros(total_cents), EURO_FORMAT, _BOLD)))
        workbook.save(out)
        return
    workbook = _new_workbook(f"Paiements reçus — {producer_name}")
    sheet = _new_sheet(workbook, RECEIVED_PAYMENTS_SHEET)
    _start_sheet(sheet, (f"Paiements reçus — {producer_name}",), ORDER_HEADINGS, ORDER_WIDTHS)
    totals = _stream_orders(sheet, rows)
    if movements:
        movements_sheet = _new_sheet(workbook, MOVEMENTS_SHEET)
        _start_sheet(movements_sheet, (f"Mouvements de compte — {producer_name}",),
                     MOVEMENT_HEADINGS, MOVEMENT_WIDTHS)
        _write_movements(movements_sheet, movements, totals)
    sheet.append(())
    for summary in totals.summaries():
        sheet.append(_mode_total_row(sheet, summary, "Total", bold=False))
    sheet.append(_mode_total_row(sheet, totals.total(), "Total général", bold=True))
    workbook.save(out)


def _mode_total_row(
    sheet: WriteOnlyWorksheet, summary: ModeSummary, label: str, bold: bool
) -> tuple:
    font = _BOLD if bold else None
    mode_label = None if bold else summary.label
    return (
        _cell(sheet, label, font=font),
        _cell(sheet, summary.orders, COUNT_FORMAT, font),
        None,
        _cell(sheet, euros(summary.sales_cents), EURO_FORMAT, font),
        _cell(sheet, mode_label, font=font),
        _cell(sheet, euros(summary.total_received_cents), EURO_FORMAT, font),
        _cell(sheet, euros(summary.credit_note_cents), EURO_FORMAT, font),
    )
