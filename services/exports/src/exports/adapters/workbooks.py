"""XLSX workbooks of sales by mode and of received payments, in openpyxl write-only mode."""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.domain.reports import MODE_LABELS, ModeSummary, ModeTotals, MovementRow, PaymentRow

EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
COUNT_FORMAT = '0 "commande(s)"'
RECORDED_BY = "Saisi par"
"""Who recorded the settlement or the movement (an operator's name); empty: the system."""
ORDER_HEADINGS = ("Date", "Commande", "Client", "Total", "Mode", "Montant payé", "Avoir",
                  RECORDED_BY)
ORDER_WIDTHS = (12, 18, 30, 14, 18, 14, 12, 24)
SUMMARY_HEADINGS = ("Mode", "Commandes", "Total des ventes", "Reçu des commandes",
                    "Reçu hors commandes", "Total reçu", "Avoirs")
SUMMARY_WIDTHS = (20, 12, 18, 18, 18, 16, 14)
MOVEMENT_HEADINGS = ("Date", "Client", "Nature", "Mode", "Montant", "Libellé", RECORDED_BY)
MOVEMENT_WIDTHS = (18, 30, 12, 18, 14, 40, 24)
MOVEMENTS_SHEET = "Mouvements de compte"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
UNTRACKED_ORDER_HEADINGS = ORDER_HEADINGS[:4]
UNTRACKED_ORDER_WIDTHS = ORDER_WIDTHS[:4]
SALES_SHEET = "Ventes"
SALES_HEADINGS = ("", "Commandes", "Total des ventes")
SALES_WIDTHS = (20, 12, 18)
SALES_BY_MODE_SHEET = "Ventes par mode"
ORDERS_SHEET = "Commandes"
RECEIVED_PAYMENTS_SHEET = "Paiements reçus"
FILE_PREFIXES = {"sales-by-mode": "ventes-par-mode", "payments": "paiements-recus"}

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


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
    summary_sheet = workbook.create_sheet(SALES_BY_MODE_SHEET)
    orders_sheet = workbook.create_sheet(ORDERS_SHEET)
    _start_sheet(
        summary_sheet,
        (f"Ventes par mode de paiement — {producer_name}", period),
        SUMMARY_HEADINGS,
        SUMMARY_WIDTHS,
    )
    _start_sheet(
        orders_sheet, (f"Commandes — {producer_name}", period), ORDER_HEADINGS, ORDER_WIDTHS
    )
    movements_sheet = workbook.create_sheet(MOVEMENTS_SHEET)
    _start_sheet(movements_sheet, (f"Mouvements de compte — {producer_name}", period),
                 MOVEMENT_HEADINGS, MOVEMENT_WIDTHS)
    totals = _stream_orders(orders_sheet, rows)
    _write_movements(movements_sheet, movements, totals)
    for summary in totals.summaries():
        summary_sheet.append(_summary_row(summary_sheet, summary, bold=False))
    summary_sheet.append(_summary_row(summary_sheet, totals.total(), bold=True))
    workbook.save(out)


def _write_movements(sheet: WriteOnlyWorksheet, movements: Iterable[MovementRow],
                     totals: ModeTotals) -> None:
    for movement in movements:
        totals.add_movement(movement)
        sheet.append((
            _cell(sheet, movement.at.replace(tzinfo=None), DATETIME_FORMAT),
            movement.customer_name, movement.nature, MODE_LABELS[movement.mode],
            _cell(sheet, euros(movement.amount_cents), EURO_FORMAT), movement.label,
            movement.recorded_by))


def _write_untracked_sales(rows: Iterable[PaymentRow], period_from: date, period_to: date,
                           producer_name: str, out: BinaryIO) -> None:
    workbook = _new_workbook(f"Ventes — {producer_name}")
    period = f"Du {period_from:%d/%m/%Y} au {period_to:%d/%m/%Y}"
    summary_sheet = workbook.create_sheet(SALES_SHEET)
    orders_sheet = workbook.create_sheet(ORDERS_SHEET)
    _start_sheet(summary_sheet, (f"Ventes — {producer_name}", period), SALES_HEADINGS,
                 SALES_WIDTHS)
    _start_sheet(orders_sheet, (f"Commandes — {producer_name}", period),
                 UNTRACKED_ORDER_HEADINGS, UNTRACKED_ORDER_WIDTHS)
    count, total_cents = _stream_untracked_orders(orders_sheet, rows)
    summary_sheet.append((_cell(summary_sheet, "Total", font=_BOLD),
                          _cell(summary_sheet, count, font=_BOLD),
                          _cell(summary_sheet, euros(total_cents), EURO_FORMAT, _BOLD)))
    workbook.save(out)


def _stream_untracked_orders(sheet: WriteOnlyWorksheet,
                             rows: Iterable[PaymentRow]) -> tuple[int, int]:
    """The orders without anything of their payment: how many, and their total."""
    date_cell = _RefilledCell(sheet, DATE_FORMAT)
    total_cell = _RefilledCell(sheet, EURO_FORMAT)
    count = total_cents = 0
    for row in rows:
        count += 1
        total_cents += row.total_cents
        date_cell.value = row.delivery_date
        total_cell.value = row.total_cents / 100
        sheet.append((date_cell, row.order_id, row.customer_name, total_cell))
    return count, total_cents


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
        sheet = workbook.create_sheet(ORDERS_SHEET)
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
    sheet = workbook.create_sheet(RECEIVED_PAYMENTS_SHEET)
    _start_sheet(sheet, (f"Paiements reçus — {producer_name}",), ORDER_HEADINGS, ORDER_WIDTHS)
    totals = _stream_orders(sheet, rows)
    if movements:
        movements_sheet = workbook.create_sheet(MOVEMENTS_SHEET)
        _start_sheet(movements_sheet, (f"Mouvements de compte — {producer_name}",),
                     MOVEMENT_HEADINGS, MOVEMENT_WIDTHS)
        _write_movements(movements_sheet, movements, totals)
    sheet.append(())
    for summary in totals.summaries():
        sheet.append(_mode_total_row(sheet, summary, "Total", bold=False))
    sheet.append(_mode_total_row(sheet, totals.total(), "Total général", bold=True))
    workbook.save(out)


def filename_for(kind: str, producer_slug: str, period_from: date, period_to: date) -> str:
    """E.g. ``ventes-par-mode_ferme-des-saules_2026-11-16_2026-11-22.xlsx``; ASCII only."""
    try:
        prefix = FILE_PREFIXES[kind]
    except KeyError:
        raise ValueError(
            f"unknown export kind {kind!r}, expected one of {sorted(FILE_PREFIXES)}"
        ) from None
    slug = _ascii_slug(producer_slug)
    return f"{prefix}_{slug}_{period_from.isoformat()}_{period_to.isoformat()}.xlsx"


def euros(cents: int) -> float:
    """The euro amount of ``cents`` as the cell value.

    The quotient is the double nearest the exact amount and openpyxl writes numbers with 16
    significant digits, so the file holds the exact decimal text ("12.5") for any amount below
    10**13 euros: the same double Excel would hold had someone typed the amount.
    """
    return cents / 100


def _new_workbook(title: str) -> Workbook:
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "Ardoise"
    return workbook


def _cell(
    sheet: WriteOnlyWorksheet,
    value=None,
    number_format: str | None = None,
    font: Font | None = None,
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _start_sheet(
    sheet: WriteOnlyWorksheet, titles: Sequence[str], headings: Sequence[str], widths: Sequence[int]
) -> None:
    # write-only sheets emit their columns and panes with the first row: set them before it
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{len(titles) + 3}"
    for index, title in enumerate(titles):
        sheet.append((_cell(sheet, title, font=_TITLE if index == 0 else None),))
    sheet.append(())
    sheet.append(tuple(_cell(sheet, heading, font=_BOLD) for heading in headings))


class _RefilledCell(Cell):
    """A styled cell given a new value on every row, its style resolved once.

    openpyxl writes each cell of a row before it takes the next one, so one cell per column can
    carry every row; a new styled cell per value would cost more than writing it.
    """

    __slots__ = ("style_id",)
    has_style = True

    def __init__(self, sheet: WriteOnlyWorksheet, number_format: str) -> None:
        super().__init__(sheet)
        self.number_format = number_format
        # the base property hashes the whole style and looks it up again on every write
        self.style_id = Cell.style_id.fget(self)

    def __repr__(self) -> str:
        # append() formats an error message with the repr of each Cell before accepting it
        return "<refilled cell>"


def _stream_orders(sheet: WriteOnlyWorksheet, rows: Iterable[PaymentRow]) -> ModeTotals:
    totals = ModeTotals()
    date_cell = _RefilledCell(sheet, DATE_FORMAT)
    total_cell = _RefilledCell(sheet, EURO_FORMAT)
    paid_cell = _RefilledCell(sheet, EURO_FORMAT)
    credit_cell = _RefilledCell(sheet, EURO_FORMAT)
    append, add, labels = sheet.append, totals.add, MODE_LABELS
    for row in rows:
        received = row.received
        add(row)
        date_cell.value = row.delivery_date
        total_cell.value = row.total_cents / 100  # as euros(), without a call per cell
        paid_cell.value = row.received_cents / 100
        credit_cell.value = row.credit_note_cents / 100
        append(
            (
                date_cell,
                row.order_id,
                row.customer_name,
                total_cell,
                labels[row.mode] if received.keys() <= {row.mode} else row.mode_label,
                paid_cell,
                credit_cell,
                row.recorded_by,
            )
        )
    return totals


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


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "producteur"
