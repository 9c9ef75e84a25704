"""The orders and the account movements, as the sales-by-mode and received-payments workbooks
both list them: their headings and widths, and their rows streamed while the totals per mode
accumulate (or, without payment tracking, the orders' count and total)."""

from collections.abc import Iterable

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.adapters.workbooks.rows import _RowWriter
from exports.adapters.workbooks.sheets import DATE_FORMAT, EURO_FORMAT, _cell, euros
from exports.domain.reports import MODE_LABELS, ModeTotals, MovementRow, PaymentRow

RECORDED_BY = "Saisi par"
"""Who recorded the settlement or the movement (an operator's name); empty: the system."""
REFUNDED = "Remboursé en ligne"
"""What SumUp gave back of the order's online money since (its refunds, each on the movements
sheet on its day): with "Montant payé", what came in for the order."""
ORDER_HEADINGS = ("Date", "Commande", "Client", "Total", "Mode", "Montant payé", "Avoir",
                  RECORDED_BY, REFUNDED)
ORDER_WIDTHS = (12, 18, 30, 14, 18, 14, 12, 24, 18)
MOVEMENT_HEADINGS = ("Date", "Client", "Nature", "Mode", "Montant", "Libellé", RECORDED_BY)
MOVEMENT_WIDTHS = (18, 30, 12, 18, 14, 40, 24)
MOVEMENTS_SHEET = "Mouvements de compte"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
UNTRACKED_ORDER_HEADINGS = ORDER_HEADINGS[:4]
UNTRACKED_ORDER_WIDTHS = ORDER_WIDTHS[:4]
ORDERS_SHEET = "Commandes"


def _stream_orders(sheet: WriteOnlyWorksheet, rows: Iterable[PaymentRow]) -> ModeTotals:
    totals = ModeTotals()
    writer = _RowWriter(
        sheet, (DATE_FORMAT, None, None, EURO_FORMAT, None, EURO_FORMAT, EURO_FORMAT, None,
                EURO_FORMAT)
    )
    append, add, labels = writer.append, totals.add, MODE_LABELS
    for row in rows:
        received = row.received
        add(row)
        append(
            (
                row.delivery_date,
                row.order_id,
                row.customer_name,
                row.total_cents / 100,  # as euros(), without a call per cell
                labels[row.mode] if received.keys() <= {row.mode} else row.mode_label,
                row.received_cents / 100,
                row.credit_note_cents / 100,
                row.recorded_by,
                row.refunded_cents / 100 if row.refunded_cents else None,
            )
        )
    writer.flush()
    return totals


def _stream_untracked_orders(sheet: WriteOnlyWorksheet,
                             rows: Iterable[PaymentRow]) -> tuple[int, int]:
    """The orders without anything of their payment: how many, and their total."""
    writer = _RowWriter(sheet, (DATE_FORMAT, None, None, EURO_FORMAT))
    append = writer.append
    count = total_cents = 0
    for row in rows:
        count += 1
        total_cents += row.total_cents
        append((row.delivery_date, row.order_id, row.customer_name, row.total_cents / 100))
    writer.flush()
    return count, total_cents


def _write_movements(sheet: WriteOnlyWorksheet, movements: Iterable[MovementRow],
                     totals: ModeTotals) -> None:
    for movement in movements:
        totals.add_movement(movement)
        sheet.append((
            _cell(sheet, movement.at.replace(tzinfo=None), DATETIME_FORMAT),
            movement.customer_name, movement.nature, MODE_LABELS[movement.mode],
            _cell(sheet, euros(movement.amount_cents), EURO_FORMAT), movement.label,
            movement.recorded_by))
