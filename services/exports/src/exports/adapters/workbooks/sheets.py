"""What every workbook is made of: a write-only workbook, its sheets with their titles, headings
and widths, styled cells, euros and the number formats, so that the files look and add up alike."""

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from exports.adapters.workbooks.streaming import _StreamingSheet

EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


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
