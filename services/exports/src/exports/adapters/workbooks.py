"""XLSX workbooks of sales by mode and of received payments, in openpyxl write-only mode.

The long sheets (one row per order) are written by a `_RowWriter`: with lxml, it renders their
rows as the XML openpyxl itself would write, byte for byte, and hands them to the sheet in
batches, which is several times faster than openpyxl's per-cell path; any value it cannot render
exactly (a formula-like text, a control character...) goes through openpyxl as before.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import BinaryIO

from openpyxl import LXML, Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

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


def _new_sheet(workbook: Workbook, title: str) -> "_StreamingSheet":
    """As ``workbook.create_sheet(title)`` in write-only mode, a sheet that also takes rows
    rendered by a `_RowWriter`."""
    sheet = _StreamingSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet


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
    writer = _RowWriter(
        sheet, (DATE_FORMAT, None, None, EURO_FORMAT, None, EURO_FORMAT, EURO_FORMAT, None)
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
            )
        )
    writer.flush()
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


class _RawWorksheetWriter(WorksheetWriter):
    """openpyxl's sheet writer on a file of ours, so that rendered rows can go between what
    lxml writes: `xf.flush()` hands lxml's pending output to the file, then the rows follow."""

    file = None

    def get_stream(self):
        # WorksheetWriter.get_stream, but lxml writes to our file rather than to the path
        with open(self.out, "wb") as self.file, xmlfile(self.file) as xf:
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is None:
                            continue
                        else:
                            xf.write(el)
                except GeneratorExit:
                    pass


class _StreamingSheet(WriteOnlyWorksheet):
    """A write-only sheet that also takes rows already rendered as XML (`append_xml`): it
    numbers rows itself (``next_row``) rather than in its row stream's local variable."""

    takes_xml = LXML
    """Whether rendered rows can go in: lxml's `xmlfile` can be flushed into our own file."""

    def __init__(self, parent: Workbook, title: str) -> None:
        super().__init__(parent, title)
        self.next_row = 1
        self._xf = None

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = (_RawWorksheetWriter if self.takes_xml else WorksheetWriter)(self)
            self._writer.write_top()

    def _write_rows(self):
        # WriteOnlyWorksheet._write_rows, the row number kept on the sheet
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        self._xf = xf
        with xf.element("sheetData"):
            try:
                while True:
                    row = yield
                    row_idx = self.next_row
                    self._writer.write_row(xf, self._values_to_row(row, row_idx), row_idx)
                    self.next_row = row_idx + 1
            except GeneratorExit:
                pass
        self._xf = None
        self._writer.xf.send(None)

    def append_xml(self, xml: bytes, count: int) -> None:
        """``count`` rows rendered as openpyxl would write them, numbered from ``next_row``."""
        if self.closed:
            self._already_saved()
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._xf.flush()
        self._writer.file.write(xml)
        self.next_row += count


_NEEDS_CARE = re.compile("[&<>\r\000-\010\013\014\016-\037\ud800-\udfff]")
"""What a text cannot hold as it is: what XML escapes, what a worksheet refuses."""
_REFUSED = re.compile("[\000-\010\013\014\016-\037\ud800-\udfff]")
"""The control characters openpyxl refuses (IllegalCharacterError), and lone surrogates."""
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_MAX_TEXT = 32767
"""openpyxl truncates longer texts: left to it."""


def _inline_text(value: str) -> str | None:
    """The ``<is>`` element openpyxl writes for a text cell; None when openpyxl would do
    something else with it (a formula, an error code, an empty or refused text, truncation)."""
    if not value or len(value) > _MAX_TEXT or value[0] in "=#":
        return None
    text = value
    if _NEEDS_CARE.search(value):
        if _REFUSED.search(value):
            return None
        text = value.translate(_ESCAPES)
    if value != value.strip():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


class _RowWriter:
    """Writes a sheet's rows of plain values, one number format (or None) per column: a value
    that is None leaves its cell out, a number or a date takes its column's format.

    With lxml, each row is rendered as the XML openpyxl writes for it (the same attributes,
    escapes and number text) and the rows go to the sheet in batches; a row holding anything
    else (a formula-like text, a date in a column without a date format...) is flushed through
    openpyxl's own cells, so the file is what openpyxl alone would have written. Call `flush`
    before appending anything else to the sheet.
    """

    BATCH = 512

    def __init__(self, sheet: WriteOnlyWorksheet, number_formats: Sequence[str | None]) -> None:
        self._sheet = sheet
        # the styles registered as the per-column cells always registered them: same ids
        self._cells = [None if fmt is None else _RefilledCell(sheet, fmt)
                       for fmt in number_formats]
        self._pending: list[str] = []
        self._dates: dict[date, str] = {}
        workbook = sheet.parent
        self._epoch = workbook.epoch
        self._rendering = (getattr(sheet, "takes_xml", False) and not workbook.iso_dates
                           and not sheet.row_dimensions)
        self._columns = [
            (
                get_column_letter(index),
                "" if cell is None else f' s="{cell.style_id}"',
                cell is not None and is_date_format(cell.number_format),
            )
            for index, cell in enumerate(self._cells, 1)
        ]

    def append(self, values: Sequence) -> None:
        if self._rendering:
            xml = self._render(values, self._sheet.next_row + len(self._pending))
            if xml is not None:
                self._pending.append(xml)
                if len(self._pending) >= self.BATCH:
                    self.flush()
                return
            self.flush()
        cells = []
        for cell, value in zip(self._cells, values, strict=True):
            if cell is None or value is None:
                cells.append(value)
            else:
                cell.value = value
                cells.append(cell)
        self._sheet.append(cells)

    def flush(self) -> None:
        """Hand the rendered rows to the sheet."""
        if self._pending:
            # lxml's own output: ASCII, anything else as a decimal character reference
            xml = "".join(self._pending).encode("ascii", "xmlcharrefreplace")
            self._sheet.append_xml(xml, len(self._pending))
            self._pending.clear()

    def _render(self, values: Sequence, row_idx: int) -> str | None:
        number = str(row_idx)
        parts = [f'<row r="{number}">']
        for (letter, style, dated), value in zip(self._columns, values, strict=True):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                text = _inline_text(value)
                if text is None:
                    return None
                parts.append(f'<c r="{letter}{number}"{style} t="inlineStr">{text}</c>')
            elif kind is float or kind is int:
                if value != value or value in (_INFINITY, -_INFINITY):
                    return None  # openpyxl writes an empty <v>: left to it
                parts.append(f'<c r="{letter}{number}"{style} t="n"><v>{"%.16g" % value}</v></c>')
            elif kind is date and dated:
                serial = self._dates.get(value)
                if serial is None:
                    if len(self._dates) >= 4096:
                        self._dates.clear()
                    serial = self._dates[value] = "%.16g" % to_excel(value, self._epoch)
                parts.append(f'<c r="{letter}{number}"{style} t="n"><v>{serial}</v></c>')
            else:  # a datetime, a bool, a date in a column of another format...: openpyxl
                return None
        parts.append("</row>")
        return "".join(parts)


_INFINITY = float("inf")


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "producteur"
