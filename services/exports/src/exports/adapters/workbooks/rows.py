"""The long sheets' rows, one per order or document, written fast: with lxml, a `_RowWriter`
renders them as the XML openpyxl itself would write, byte for byte, and hands them to the sheet
in batches, several times faster than openpyxl's per-cell path; any value it cannot render
exactly (a formula-like text, a control character...) goes through openpyxl as before."""

import re
from collections.abc import Sequence
from datetime import date

from openpyxl.cell import Cell
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet


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
