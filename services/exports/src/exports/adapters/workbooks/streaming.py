"""A write-only sheet that also takes rows already rendered as XML: openpyxl's own sheet and
sheet writer, with a file of ours in between so that the rendered rows go where lxml writes."""

from openpyxl import LXML, Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile


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
