"""The XLSX workbooks of a period's orders, in openpyxl write-only mode: sales by mode
(`sales_by_mode`), received payments (`received_payments`), their orders and movements sheets
(`orders`) and file names (`filenames`); the sheets and cells every workbook is made of
(`sheets`), and the long sheets' rows rendered fast (`rows`, `streaming`)."""

from exports.adapters.workbooks.filenames import filename_for
from exports.adapters.workbooks.orders import ORDER_HEADINGS, ORDER_WIDTHS
from exports.adapters.workbooks.received_payments import (
    COUNT_FORMAT,
    RECEIVED_PAYMENTS_SHEET,
    write_received_payments,
)
from exports.adapters.workbooks.sales_by_mode import write_sales_by_mode
from exports.adapters.workbooks.sheets import DATE_FORMAT, EURO_FORMAT, euros

__all__ = [
    "COUNT_FORMAT",
    "DATE_FORMAT",
    "EURO_FORMAT",
    "ORDER_HEADINGS",
    "ORDER_WIDTHS",
    "RECEIVED_PAYMENTS_SHEET",
    "euros",
    "filename_for",
    "write_received_payments",
    "write_sales_by_mode",
]
