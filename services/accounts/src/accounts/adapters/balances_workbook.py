"""The XLSX of every customer's balance at a date (openpyxl write-only, constant memory): what
an accountant asks for at the end of a year."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SHEET = "Soldes"
HEADINGS = ("Client", "Identifiant", "E-mail", "Solde", "Dernier mouvement")
WIDTHS = (32, 18, 32, 14, 18)
EURO_FORMAT = '#,##0.00 "€"'
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
TITLE_ROWS = 2
_BOLD, _TITLE = Font(bold=True), Font(bold=True, size=14)


@dataclass
class BalanceTotals:
    """What the bottom of the sheet states: customers, and the balances summed by sign."""

    customers: int = 0
    owed_cents: int = 0
    """The sum of the negative balances: what customers owed (a negative number)."""
    advanced_cents: int = 0
    """The sum of the positive balances: money customers had left on account."""

    @property
    def total_cents(self) -> int:
        return self.owed_cents + self.advanced_cents


def write_balances(rows: Iterable, producer_id: str, at_local: datetime, time_zone: str,
                   out: BinaryIO) -> BalanceTotals:
    """Sheet "Soldes": one row per customer (name, id, e-mail, balance at `at_local`, the
    local date of its last movement by then), by name, then the totals. `rows` carry
    `customer_id, name, email, balance_cents, last_at` (last_at aware, or None)."""
    workbook = Workbook(write_only=True)
    title = f"Soldes des comptes clients au {at_local:%d/%m/%Y %H:%M:%S}"
    workbook.properties.title, workbook.properties.creator = title, "Ardoise"
    sheet = workbook.create_sheet(SHEET)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{TITLE_ROWS + 3}"
    sheet.append((_cell(sheet, title, font=_TITLE),))
    sheet.append((f"Producteur {producer_id}, heure de {time_zone} : chaque solde est la somme "
                  "des mouvements du compte jusqu'à cet instant.",))
    sheet.append(())
    sheet.append(tuple(_cell(sheet, heading, font=_BOLD) for heading in HEADINGS))
    totals = BalanceTotals()
    balance_cell = _RefilledCell(sheet, EURO_FORMAT)
    date_cell = _RefilledCell(sheet, DATETIME_FORMAT)
    zone = at_local.tzinfo
    for row in rows:
        totals.customers += 1
        if row.balance_cents < 0:
            totals.owed_cents += row.balance_cents
        else:
            totals.advanced_cents += row.balance_cents
        balance_cell.value = row.balance_cents / 100  # exact text up to 10**13 €
        date_cell.value = (None if row.last_at is None
                           else row.last_at.astimezone(zone).replace(tzinfo=None))
        sheet.append((_text(sheet, row.name), row.customer_id, _text(sheet, row.email),
                      balance_cell, date_cell))
    sheet.append(())
    for label, cents in (("Total des soldes", totals.total_cents),
                         ("Dont soldes débiteurs (dus par les clients)", totals.owed_cents),
                         ("Dont soldes créditeurs (avances des clients)", totals.advanced_cents)):
        sheet.append((_cell(sheet, label, font=_BOLD), None, None,
                      _cell(sheet, cents / 100, EURO_FORMAT, _BOLD)))
    sheet.append((_cell(sheet, "Clients", font=_BOLD), None, None,
                  _cell(sheet, totals.customers, font=_BOLD)))
    workbook.save(out)
    return totals


def filename_for(producer_id: str, at_local: datetime) -> str:
    """E.g. ``soldes-clients_ferme-des-saules_2025-12-31.xlsx`` (producer ids are ASCII)."""
    return f"soldes-clients_{producer_id}_{at_local:%Y-%m-%d}.xlsx"


def _text(sheet: WriteOnlyWorksheet, value: str | None):
    """Text as text: a name starting with `=` is not a formula to run when the file opens."""
    if not value or value[0] != "=":
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    return cell


def _cell(sheet: WriteOnlyWorksheet, value, number_format: str | None = None,
          font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


class _RefilledCell(Cell):
    """A styled cell given a new value on every row, its style resolved once: openpyxl writes
    each row's cells before taking the next row, so one cell per column can carry them all
    (a new styled cell per value costs more than writing it)."""

    __slots__ = ("style_id",)
    has_style = True

    def __init__(self, sheet: WriteOnlyWorksheet, number_format: str) -> None:
        super().__init__(sheet)
        self.number_format = number_format
        self.style_id = Cell.style_id.fget(self)

    def __repr__(self) -> str:
        return "<refilled cell>"
