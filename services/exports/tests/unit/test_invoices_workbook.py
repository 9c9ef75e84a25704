"""The invoices workbook, opened again with openpyxl and checked cell by cell."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from ardoise.errors import Invalid
from exports.adapters.invoices_workbook import invoices_filename, write_invoices
from exports.adapters.workbooks.sheets import DATE_FORMAT, EURO_FORMAT
from exports.domain.invoices import InvoiceRow, RateAmounts
from exports.domain.periods import check_invoices_period

DECEMBER = date(2026, 12, 1), date(2026, 12, 31)
ORDER_1, ORDER_2 = "0b4e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "9f8e7d6c-5b4a-4321-8765-43210fedcba9"
BASKET = {"5.5": RateAmounts(1896, 104, 2000), "20": RateAmounts(1000, 200, 1200)}
INVOICE = InvoiceRow("F000001", "invoice", date(2026, 12, 1), "Élise Martin", ORDER_1, None,
                     2896, 304, 3200, BASKET, "Léa Martin")
EGGS = InvoiceRow("F000002", "invoice", date(2026, 12, 3), "Paul Roux", ORDER_2, None,
                  1000, 55, 1055, {"5.5": RateAmounts(1000, 55, 1055)})
AVOIR = InvoiceRow("FA000001", "credit_invoice", date(2026, 12, 5), "Élise Martin", ORDER_1,
                   "F000001", -2896, -304, -3200,
                   {"5.5": RateAmounts(-1896, -104, -2000), "20": RateAmounts(-1000, -200, -1200)})
HEADINGS = ["Numéro", "Type", "Date", "Client", "Commande", "Facture annulée",
            "Base HT 5,5 %", "TVA 5,5 %", "Base HT 20 %", "TVA 20 %", "Total HT", "TVA", "TTC",
            "Émis par"]


def workbook(rows=(INVOICE, EGGS, AVOIR)):
    out = BytesIO()
    write_invoices(list(rows), *DECEMBER, "Ferme des Saules", out)
    return load_workbook(BytesIO(out.getvalue()))


def values(sheet, row_number):
    return [cell.value for cell in sheet[row_number]]


def cents(cell) -> int | None:
    """The exact amount in cents of a euro cell (a number in euro format); None if empty."""
    if cell.value is None:
        return None
    assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool), cell
    assert cell.number_format == EURO_FORMAT, cell
    amount = Decimal(repr(cell.value)) * 100
    assert amount == amount.to_integral_value(), cell.value
    return int(amount)


def test_the_workbook_has_the_documents_then_the_vat_per_rate():
    assert workbook().sheetnames == ["Factures", "TVA"]


def test_the_documents_sheet_names_the_producer_and_the_period_above_a_bold_frozen_header():
    sheet = workbook()["Factures"]
    assert sheet["A1"].value == "Factures — Ferme des Saules" and sheet["A1"].font.b
    assert sheet["A2"].value == "Du 01/12/2026 au 31/12/2026"
    assert values(sheet, 4) == HEADINGS and all(cell.font.b for cell in sheet[4])
    assert sheet.freeze_panes == "A5"


def test_each_document_is_a_row_with_its_type_date_order_and_amounts_per_rate():
    sheet = workbook()["Factures"]
    rows = [values(sheet, n)[:6] for n in (5, 6, 7)]
    assert [row[:2] for row in rows] == [["F000001", "Facture"], ["F000002", "Facture"],
                                         ["FA000001", "Facture d'avoir"]]
    assert [row[2].date() for row in rows] == [date(2026, 12, 1), date(2026, 12, 3),
                                               date(2026, 12, 5)]
    assert sheet["C5"].number_format == DATE_FORMAT and isinstance(sheet["C5"].value, datetime)
    assert [row[3:] for row in rows] == [["Élise Martin", "0b4e7f6a", None],
                                         ["Paul Roux", "9f8e7d6c", None],
                                         ["Élise Martin", "0b4e7f6a", "F000001"]]
    assert [cents(cell) for cell in sheet[5][6:-1]] == [1896, 104, 1000, 200, 2896, 304, 3200]
    # nothing at 20 %: empty cells, not zeros
    assert [cents(cell) for cell in sheet[6][6:-1]] == [1000, 55, None, None, 1000, 55, 1055]
    # who issued each: a person, or nobody named (the system, or issued before it was told)
    assert [sheet[n][-1].value for n in (5, 6, 7)] == ["Léa Martin", None, None]


def test_a_facture_d_avoir_has_negative_amounts_that_cancel_its_invoice_in_the_totals():
    sheet = workbook((INVOICE, AVOIR))["Factures"]
    assert [cents(cell) for cell in sheet[6][6:-1]] == [-1896, -104, -1000, -200, -2896, -304,
                                                        -3200]
    assert sheet["A7"].value is None  # a blank row before the total
    total = sheet[8]
    assert [total[0].value, total[1].value] == ["Total", 2] and total[0].font.b
    assert [cents(cell) for cell in total[6:-1]] == [0, 0, 0, 0, 0, 0, 0]


def test_the_total_row_adds_up_every_money_column_exactly():
    sheet = workbook()["Factures"]
    total = sheet[9]
    assert total[0].value == "Total" and total[1].value == 3
    assert total[1].number_format == '0 "document(s)"'
    assert [cents(cell) for cell in total[6:-1]] == [1000, 55, 0, 0, 1000, 55, 1055]
    assert all(cell.font.b for cell in total[6:-1])


def test_only_the_rates_the_documents_use_get_columns_lowest_first():
    only_eggs = workbook((EGGS,))["Factures"]
    assert values(only_eggs, 4)[6:] == ["Base HT 5,5 %", "TVA 5,5 %", "Total HT", "TVA", "TTC",
                                        "Émis par"]
    bread = InvoiceRow("F000003", "invoice", date(2026, 12, 9), "Zoé Petit", ORDER_2, None,
                       1000, 100, 1100, {"10": RateAmounts(1000, 100, 1100)})
    wine = InvoiceRow("F000004", "invoice", date(2026, 12, 9), "Zoé Petit", ORDER_2, None,
                      100, 2, 102, {"2.1": RateAmounts(100, 2, 102)})
    mixed = workbook((bread, INVOICE, wine))["Factures"]
    assert values(mixed, 4)[6:12] == ["Base HT 2,1 %", "TVA 2,1 %", "Base HT 5,5 %",
                                      "TVA 5,5 %", "Base HT 10 %", "TVA 10 %"]


def test_the_vat_sheet_gives_per_rate_the_periods_base_vat_and_ttc_and_their_total():
    sheet = workbook()["TVA"]
    assert sheet["A1"].value == "TVA par taux — Ferme des Saules"
    assert values(sheet, 4) == ["Taux", "Base HT", "TVA", "TTC"]
    figures = [(row[0].value, *(cents(cell) for cell in row[1:]))
               for row in sheet.iter_rows(min_row=5)]
    assert figures == [("5,5 %", 1000, 55, 1055), ("20 %", 0, 0, 0), ("Total", 1000, 55, 1055)]


def test_a_period_without_documents_has_no_rate_column_and_zero_totals():
    book = workbook(())
    assert values(book["Factures"], 4)[6:] == ["Total HT", "TVA", "TTC", "Émis par"]
    assert values(book["Factures"], 6) == ["Total", 0, None, None, None, None, 0, 0, 0, None]
    assert [[cell.value for cell in row] for row in book["TVA"].iter_rows(min_row=5)] == [
        ["Total", 0, 0, 0]]


def test_the_file_is_named_after_the_period():
    assert invoices_filename(*DECEMBER) == "factures-2026-12-01-2026-12-31.xlsx"


def test_a_period_covers_a_whole_leap_year_at_most_and_never_ends_before_it_starts():
    check_invoices_period(date(2028, 1, 1), date(2028, 12, 31))
    check_invoices_period(date(2026, 12, 5), date(2026, 12, 5))
    with pytest.raises(Invalid, match="366 days"):
        check_invoices_period(date(2026, 1, 1), date(2027, 1, 2))
    with pytest.raises(Invalid, match="after"):
        check_invoices_period(date(2026, 12, 2), date(2026, 12, 1))


amounts = st.integers(-10**9, 10**9)
documents = st.lists(st.builds(
    lambda rate, base, vat: InvoiceRow("F1", "invoice", date(2026, 12, 1), "Client", ORDER_1,
                                       None, base, vat, base + vat,
                                       {rate: RateAmounts(base, vat, base + vat)}),
    st.sampled_from(["0", "2.1", "5.5", "10", "20"]), amounts, amounts), max_size=30)


@given(documents)
def test_every_total_is_the_exact_sum_of_its_column(rows):
    sheet = workbook(rows)["Factures"]
    money = [[cents(cell) or 0 for cell in sheet[5 + index][6:-1]]
             for index in range(len(rows))]
    total = [cents(cell) for cell in sheet[6 + len(rows)][6:-1]]
    assert total == [sum(column) for column in zip(*money, strict=True)] or not rows
