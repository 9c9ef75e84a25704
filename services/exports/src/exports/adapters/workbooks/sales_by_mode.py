"""The sales-by-mode workbook of a period: per mode, the orders, the sales, what came in and the
credit notes, then the orders and the account movements; without payment tracking, the sales."""

from collections.abc import Iterable, Sequence
from datetime import date
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

SUMMARY_HEADINGS = ("Mode", "Commandes", "Total des ventes", "Reçu des commandes",
                    "Reçu hors commandes", "Total reçu", "Avoirs")
SUMMARY_WIDTHS = (20, 12, 18, 18, 18, 16, 14)
SALES_SHEET = "Ventes"
SALES_HEADINGS = ("", "Commandes", "Total des ventes")
SALES_WIDTHS = (20, 12, 18)
SALES_BY_MODE_SHEET = "Ventes par mode"


def write_sales_by_mode(
    rows: Iterable[PaymentRow],
    period_from: date,
    period_to: date,
    producer_name: str,
    out: BinaryIO,
    movements: Sequence[MovementRow] = (),
    tracking: bool = True,
) -> None:
    """Sheet "Ventes par mode" (one row per mode and a total: orders, sales, what came in for
    the orders, what came in or went out otherwise, in all, and the credit notes), sheet
    "Commandes" (the orders), sheet "Mouvements de compte" (the top-ups and debits recorded by
    hand with a mode).

    One pass, constant memory: the summary sheet is created first so that it is the first tab,
    but filled last. The orders sheet is streamed while the totals accumulate; the summary
    sheet's own stream stays open meanwhile and then receives its few rows.

    A producer that does not track payments (`tracking` False) gets no payment column: sheet
    "Ventes" (the orders and their total) and sheet "Commandes" (date, order, customer, total).
    """
    if period_from > period_to:
        raise ValueError(f"period starts after it ends: {period_from} > {period_to}")
    if not tracking:
        _write_untracked_sales(rows, period_from, period_to, producer_name, out)
        return
    workbook = _new_workbook(f"Ventes par mode de paiement — {producer_name}")
    period = f"Du {period_from:%d/%m/%Y} au {period_to:%d/%m/%Y}"
    summary_sheet = _new_sheet(workbook, SALES_BY_MODE_SHEET)
    orders_sheet = _new_sheet(workbook, ORDERS_SHEET)
    _start_sheet(
        summary_sheet,
        (f"Ventes par mode de paiement — {producer_name}", period),
        SUMMARY_HEADINGS,
        SUMMARY_WIDTHS,
    )
    _start_sheet(
        orders_sheet, (f"Commandes — {producer_name}", period), ORDER_HEADINGS, ORDER_WIDTHS
    )
    movements_sheet = _new_sheet(workbook, MOVEMENTS_SHEET)
    _start_sheet(movements_sheet, (f"Mouvements de compte — {producer_name}", period),
                 MOVEMENT_HEADINGS, MOVEMENT_WIDTHS)
    totals = _stream_orders(orders_sheet, rows)
    _write_movements(movements_sheet, movements, totals)
    for summary in totals.summaries():
        summary_sheet.append(_summary_row(summary_sheet, summary, bold=False))
    summary_sheet.append(_summary_row(summary_sheet, totals.total(), bold=True))
    workbook.save(out)


def _write_untracked_sales(rows: Iterable[PaymentRow], period_from: date, period_to: date,
                           producer_name: str, out: BinaryIO) -> None:
    workbook = _new_workbook(f"Ventes — {producer_name}")
    period = f"Du {period_from:%d/%m/%Y} au {period_to:%d/%m/%Y}"
    summary_sheet = _new_sheet(workbook, SALES_SHEET)
    orders_sheet = _new_sheet(workbook, ORDERS_SHEET)
    _start_sheet(summary_sheet, (f"Ventes — {producer_name}", period), SALES_HEADINGS,
                 SALES_WIDTHS)
    _start_sheet(orders_sheet, (f"Commandes — {producer_name}", period),
                 UNTRACKED_ORDER_HEADINGS, UNTRACKED_ORDER_WIDTHS)
    count, total_cents = _stream_untracked_orders(orders_sheet, rows)
    summary_sheet.append((_cell(summary_sheet, "Total", font=_BOLD),
                          _cell(summary_sheet, count, font=_BOLD),
                          _cell(summary_sheet, euros(total_cents), EURO_FORMAT, _BOLD)))
    workbook.save(out)


def _summary_row(sheet: WriteOnlyWorksheet, summary: ModeSummary, bold: bool) -> tuple:
    font = _BOLD if bold else None
    return (
        _cell(sheet, summary.label, font=font),
        _cell(sheet, summary.orders, font=font),
        _cell(sheet, euros(summary.sales_cents), EURO_FORMAT, font),
        _cell(sheet, euros(summary.received_cents), EURO_FORMAT, font),
        _cell(sheet, euros(summary.moved_cents), EURO_FORMAT, font),
        _cell(sheet, euros(summary.total_received_cents), EURO_FORMAT, font),
        _cell(sheet, euros(summary.credit_note_cents), EURO_FORMAT, font),
    )
