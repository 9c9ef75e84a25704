"""The XLSX workbook of a period's invoices and factures d'avoir, with their VAT per rate."""

from collections.abc import Sequence
from datetime import date
from typing import BinaryIO

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# the money, date and sheet helpers of the other workbooks: the files look and add up alike
from exports.adapters.workbooks.rows import _RowWriter
from exports.adapters.workbooks.sheets import (
    _BOLD,
    DATE_FORMAT,
    EURO_FORMAT,
    _cell,
    _new_sheet,
    _new_workbook,
    _start_sheet,
    euros,
)
from exports.domain.invoices import InvoiceRow, InvoiceTotals, rate_text, rates_of

INVOICES_SHEET = "Factures"
VAT_SHEET = "TVA"
DOCUMENT_HEADINGS = ("Numéro", "Type", "Date", "Client", "Commande", "Facture annulée")
DOCUMENT_WIDTHS = (12, 16, 12, 30, 11, 16)
TOTAL_HEADINGS = ("Total HT", "TVA", "TTC")
ISSUED_BY = "Émis par"
ISSUED_BY_WIDTH = 24
MONEY_WIDTH = 14
VAT_HEADINGS = ("Taux", "Base HT", "TVA", "TTC")
VAT_WIDTHS = (12, MONEY_WIDTH, MONEY_WIDTH, MONEY_WIDTH)
DOCUMENTS_FORMAT = '0 "document(s)"'


def invoices_filename(period_from: date, period_to: date) -> str:
    return f"factures-{period_from.isoformat()}-{period_to.isoformat()}.xlsx"


def write_invoices(rows: Sequence[InvoiceRow], period_from: date, period_to: date,
                   producer_name: str, out: BinaryIO) -> None:
    """Sheet "Factures": one row per document in the order given, with a base and a VAT column
    for each rate the documents use (none for the others), then a total row; sheet "TVA": per
    rate, the period's base, VAT and TTC, and their total.

    Every total is a sum of cents, written in euros once: a facture d'avoir's negative amounts
    cancel its invoice's exactly.
    """
    if period_from > period_to:
        raise ValueError(f"period starts after it ends: {period_from} > {period_to}")
    rates = rates_of(rows)
    period = f"Du {period_from:%d/%m/%Y} au {period_to:%d/%m/%Y}"
    workbook = _new_workbook(f"Factures — {producer_name}")
    sheet = _new_sheet(workbook, INVOICES_SHEET)
    headings = [*DOCUMENT_HEADINGS]
    for rate in rates:
        headings += [f"Base HT {rate_text(rate)}", f"TVA {rate_text(rate)}"]
    headings += TOTAL_HEADINGS
    widths = (*DOCUMENT_WIDTHS, *[MONEY_WIDTH] * (len(headings) - len(DOCUMENT_WIDTHS)),
              ISSUED_BY_WIDTH)
    headings.append(ISSUED_BY)
    _start_sheet(sheet, (f"Factures — {producer_name}", period), headings, widths)
    totals = _write_documents(sheet, rows, rates)
    sheet.append(())
    sheet.append(_total_row(sheet, totals, rates))
    vat_sheet = _new_sheet(workbook, VAT_SHEET)
    _start_sheet(vat_sheet, (f"TVA par taux — {producer_name}", period), VAT_HEADINGS,
                 VAT_WIDTHS)
    for rate, amounts in totals.rates():
        vat_sheet.append((rate_text(rate), *_money(vat_sheet, amounts.base_cents,
                                                   amounts.vat_cents, amounts.total_cents)))
    vat_sheet.append((_cell(vat_sheet, "Total", font=_BOLD),
                      *_money(vat_sheet, totals.total_ht_cents, totals.total_vat_cents,
                              totals.total_cents, bold=True)))
    workbook.save(out)


def _write_documents(sheet: WriteOnlyWorksheet, rows: Sequence[InvoiceRow],
                     rates: list[str]) -> InvoiceTotals:
    totals = InvoiceTotals()
    writer = _RowWriter(sheet, (None, None, DATE_FORMAT, None, None, None,
                                *[EURO_FORMAT] * (2 * len(rates) + len(TOTAL_HEADINGS)), None))
    for row in rows:
        totals.add(row)
        per_rate = []
        for rate in rates:
            amounts = row.vat.get(rate)
            if amounts is None:  # an empty cell: the document has nothing at that rate
                per_rate += [None, None]
            else:
                per_rate += [euros(amounts.base_cents), euros(amounts.vat_cents)]
        writer.append((row.number, row.kind_label, row.issue_date, row.customer_name,
                       row.order_reference, row.corrects, *per_rate, euros(row.total_ht_cents),
                       euros(row.total_vat_cents), euros(row.total_cents), row.issued_by))
    writer.flush()
    return totals


def _total_row(sheet: WriteOnlyWorksheet, totals: InvoiceTotals, rates: list[str]) -> tuple:
    per_rate = []
    for rate in rates:
        amounts = totals.per_rate[rate]
        per_rate += _money(sheet, amounts.base_cents, amounts.vat_cents, bold=True)
    return (_cell(sheet, "Total", font=_BOLD),
            _cell(sheet, totals.count, DOCUMENTS_FORMAT, _BOLD), None, None, None, None,
            *per_rate,
            *_money(sheet, totals.total_ht_cents, totals.total_vat_cents, totals.total_cents,
                    bold=True))


def _money(sheet: WriteOnlyWorksheet, *amounts_cents: int, bold: bool = False) -> list:
    font = _BOLD if bold else None
    return [_cell(sheet, euros(cents), EURO_FORMAT, font) for cents in amounts_cents]
