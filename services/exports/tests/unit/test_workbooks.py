"""The XLSX workbooks, opened again with openpyxl and checked cell by cell."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from exports.adapters.workbooks.filenames import filename_for
from exports.adapters.workbooks.received_payments import write_received_payments
from exports.adapters.workbooks.sales_by_mode import write_sales_by_mode
from exports.adapters.workbooks.sheets import DATE_FORMAT, EURO_FORMAT
from exports.domain.reports import MODE_LABELS, MODES, PAYING_MODES, MovementRow, PaymentRow

WEEK_START, WEEK_END = date(2026, 11, 16), date(2026, 11, 22)
ORDER_HEADINGS = ["Date", "Commande", "Client", "Total", "Mode", "Montant payé", "Avoir",
                  "Saisi par", "Remboursé en ligne"]
ROWS = [
    PaymentRow("ord-1", date(2026, 11, 16), "c-1", "Élise Martin", 1250, "cash", 1300, 50),
    PaymentRow("ord-2", date(2026, 11, 17), "c-2", "Paul Roux", 2000, "account", 2000, 0),
    PaymentRow("ord-3", date(2026, 11, 18), "c-3", "Zoé Petit", 990, "not_delivered", 0, 0),
    PaymentRow("ord-4", date(2026, 11, 19), "c-1", "Élise Martin", 3410, "cash", 3000, -410),
    PaymentRow("ord-5", date(2026, 11, 20), "c-4", "Luc Blanc", 1005, "online", 1005, 0),
]


def sales_by_mode(rows=ROWS):
    out = BytesIO()
    write_sales_by_mode(iter(rows), WEEK_START, WEEK_END, "Ferme des Saules", out)
    return load_workbook(BytesIO(out.getvalue()))


def received_payments(rows=ROWS):
    out = BytesIO()
    write_received_payments(iter(rows), "Ferme des Saules", out)
    return load_workbook(BytesIO(out.getvalue()))


def values(sheet, row_number):
    return [cell.value for cell in sheet[row_number]]


def cents(cell) -> int:
    """The exact amount in cents of a euro cell, which must be a number in euro format."""
    assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool), cell
    assert cell.number_format == EURO_FORMAT, cell
    amount = Decimal(repr(cell.value)) * 100
    assert amount == amount.to_integral_value(), cell.value
    return int(amount)


def assert_order_row(cells, row: PaymentRow) -> None:
    assert isinstance(cells[0].value, datetime) and cells[0].value.date() == row.delivery_date
    assert cells[0].number_format == DATE_FORMAT
    assert [cells[1].value, cells[2].value, cells[4].value] == [
        row.order_id,
        row.customer_name,
        MODE_LABELS[row.mode],
    ]
    received = row.amount_paid_cents if row.mode in PAYING_MODES else 0
    assert [cents(cells[3]), cents(cells[5]), cents(cells[6])] == [
        row.total_cents,
        received,
        row.credit_note_cents,
    ]


def test_the_sales_workbook_has_the_summary_first_then_the_orders():
    assert sales_by_mode().sheetnames == ["Ventes par mode", "Commandes", "Mouvements de compte"]


def test_the_sales_summary_names_the_producer_and_the_period_above_a_bold_frozen_header():
    sheet = sales_by_mode()["Ventes par mode"]
    assert sheet["A1"].value == "Ventes par mode de paiement — Ferme des Saules"
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "Du 16/11/2026 au 22/11/2026"
    assert values(sheet, 4) == ["Mode", "Commandes", "Total des ventes", "Reçu des commandes",
                                "Reçu hors commandes", "Total reçu", "Avoirs"]
    assert all(cell.font.b for cell in sheet[4])
    assert sheet.freeze_panes == "A5"
    assert [sheet.column_dimensions[c].width for c in "ABCDEFG"] == [20, 12, 18, 18, 18, 16, 14]


def test_the_sales_summary_has_one_row_per_mode_present_and_a_bold_total():
    sheet = sales_by_mode()["Ventes par mode"]
    figures = [
        (row[0].value, row[1].value, cents(row[2]), cents(row[3]))
        for row in sheet.iter_rows(min_row=5)
    ]
    assert figures == [
        ("Non livré", 1, 0, 0),
        ("Compte client", 1, 2000, 0),
        ("Espèces", 2, 4660, 4300),
        ("En ligne (SumUp)", 1, 1005, 1005),
        ("Total", 5, 7665, 5305),
    ]
    assert all(isinstance(row[1].value, int) for row in sheet.iter_rows(min_row=5))
    assert all(cell.font.b for cell in sheet[9])
    assert not any(cell.font.b for cell in sheet[8])


def test_the_orders_sheet_lists_the_orders_behind_the_figures():
    sheet = sales_by_mode()["Commandes"]
    assert sheet["A1"].value == "Commandes — Ferme des Saules"
    assert sheet["A2"].value == "Du 16/11/2026 au 22/11/2026"
    assert values(sheet, 4) == ORDER_HEADINGS and all(cell.font.b for cell in sheet[4])
    assert sheet.freeze_panes == "A5"
    order_rows = list(sheet.iter_rows(min_row=5))
    assert len(order_rows) == len(ROWS)
    for cells, row in zip(order_rows, ROWS, strict=True):
        assert_order_row(cells, row)


def test_a_sales_workbook_without_orders_has_only_a_zero_total():
    sheet = sales_by_mode([])["Ventes par mode"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)] == [
        ["Total", 0, 0, 0, 0, 0, 0]
    ]


MOVEMENTS = [
    MovementRow(datetime(2026, 11, 17, 9, 30), "c-2", "Paul Roux", "transfer", 5000,
                "Virement reçu"),
    MovementRow(datetime(2026, 11, 19, 18, 5), "c-1", "Élise Martin", "cash", 2000, "Recharge"),
    MovementRow(datetime(2026, 11, 21, 11, 0), "c-1", "Élise Martin", "cash", -700,
                "Rendu en espèces"),
]


def test_top_ups_and_debits_by_mode_count_apart_then_in_the_total_received():
    out = BytesIO()
    write_sales_by_mode(iter(ROWS), WEEK_START, WEEK_END, "Ferme des Saules", out, MOVEMENTS)
    book = load_workbook(BytesIO(out.getvalue()))
    figures = [
        (row[0].value, row[1].value, *(cents(cell) for cell in row[2:]))
        for row in book["Ventes par mode"].iter_rows(min_row=5)
    ]
    assert figures == [
        ("Non livré", 1, 0, 0, 0, 0, 0),
        ("Compte client", 1, 2000, 0, 0, 0, 0),
        ("Espèces", 2, 4660, 4300, 1300, 5600, -360),
        ("Virement", 0, 0, 0, 5000, 5000, 0),
        ("En ligne (SumUp)", 1, 1005, 1005, 0, 1005, 0),
        ("Total", 5, 7665, 5305, 6300, 11605, -360),
    ]
    sheet = book["Mouvements de compte"]
    assert values(sheet, 4) == ["Date", "Client", "Nature", "Mode", "Montant", "Libellé",
                                "Saisi par"]
    listed = [(row[0].value, row[1].value, row[2].value, row[3].value, cents(row[4]),
               row[5].value) for row in sheet.iter_rows(min_row=5)]
    assert listed == [
        (datetime(2026, 11, 17, 9, 30), "Paul Roux", "Recharge", "Virement", 5000,
         "Virement reçu"),
        (datetime(2026, 11, 19, 18, 5), "Élise Martin", "Recharge", "Espèces", 2000, "Recharge"),
        (datetime(2026, 11, 21, 11, 0), "Élise Martin", "Débit", "Espèces", -700,
         "Rendu en espèces"),
    ]


def test_an_order_refunded_since_counts_what_came_in_and_its_refund_on_its_own_day():
    """Paid 25,00 € online, 10,00 € refunded on the 21st: the row keeps what its settlement
    says (15,00 € paid, 10,00 € owed) and says what was refunded; the period counts 25,00 €
    in for the order and the refund out, 15,00 € in all."""
    paid = PaymentRow("ord-9", date(2026, 11, 18), "c-1", "Élise Martin", 2500, "online", 1500,
                      -1000, {"online": 1500}, None, 1000)
    refund = MovementRow(datetime(2026, 11, 21, 10, 0), "c-1", "Élise Martin", "online", -1000,
                         "Remboursement en ligne, commande du 18/11/2026",
                         order_id=uuid.uuid4())
    out = BytesIO()
    write_sales_by_mode(iter([paid]), WEEK_START, WEEK_END, "Ferme des Saules", out, [refund])
    book = load_workbook(BytesIO(out.getvalue()))
    [cells] = book["Commandes"].iter_rows(min_row=5)
    assert [cents(cells[5]), cents(cells[6]), cents(cells[8])] == [1500, -1000, 1000]
    figures = [(row[0].value, *(cents(cell) for cell in row[2:]))
               for row in book["Ventes par mode"].iter_rows(min_row=5)]
    # sales, received for orders, received outside orders, total received, credit notes
    assert figures[0] == ("En ligne (SumUp)", 2500, 2500, -1000, 1500, -1000)
    [moved] = book["Mouvements de compte"].iter_rows(min_row=5, values_only=True)
    assert moved[2:5] == ("Remboursement", "En ligne (SumUp)", -10)
    unrefunded = PaymentRow("ord-8", date(2026, 11, 18), "c-1", "Élise Martin", 2500, "online",
                            2500, 0)
    [cells] = received_payments([unrefunded])["Paiements reçus"].iter_rows(min_row=4, max_row=4)
    assert cells[8].value is None  # nothing refunded: the cell is left empty


def test_a_movement_by_a_mode_that_moves_no_money_is_refused():
    with pytest.raises(ValueError):
        MovementRow(datetime(2026, 11, 17), "c-2", "Paul Roux", "account", 5000, "")


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        write_sales_by_mode([], WEEK_END, WEEK_START, "Ferme des Saules", BytesIO())


def test_the_received_payments_sheet_has_a_title_and_a_bold_frozen_header():
    workbook = received_payments()
    assert workbook.sheetnames == ["Paiements reçus"]
    sheet = workbook["Paiements reçus"]
    assert sheet["A1"].value == "Paiements reçus — Ferme des Saules" and sheet["A1"].font.b
    assert values(sheet, 3) == ORDER_HEADINGS and all(cell.font.b for cell in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert [sheet.column_dimensions[c].width for c in "ABCDEFG"] == [12, 18, 30, 14, 18, 14, 12]


def test_the_received_payments_list_one_row_per_order_with_real_dates_and_amounts():
    sheet = received_payments()["Paiements reçus"]
    for cells, row in zip(sheet.iter_rows(min_row=4, max_row=3 + len(ROWS)), ROWS, strict=True):
        assert_order_row(cells, row)


def test_the_received_payments_end_with_totals_per_mode_after_a_blank_row():
    sheet = received_payments()["Paiements reçus"]
    blank = 4 + len(ROWS)
    assert all(value is None for value in values(sheet, blank))
    bottom = [
        (row[0].value, row[1].value, cents(row[3]), row[4].value, cents(row[5]), cents(row[6]))
        for row in sheet.iter_rows(min_row=blank + 1)
    ]
    assert bottom == [
        ("Total", 1, 0, "Non livré", 0, 0),
        ("Total", 1, 2000, "Compte client", 0, 0),
        ("Total", 2, 4660, "Espèces", 4300, -360),
        ("Total", 1, 1005, "En ligne (SumUp)", 1005, 0),
        ("Total général", 5, 7665, None, 5305, -360),
    ]
    assert all(cell.font.b for cell in sheet[sheet.max_row] if cell.value is not None)
    assert not any(cell.font.b for cell in sheet[blank + 1])


def test_selected_top_ups_and_debits_are_listed_and_counted_in_the_received_payments():
    out = BytesIO()
    write_received_payments(iter(ROWS), "Ferme des Saules", out, movements=MOVEMENTS)
    book = load_workbook(BytesIO(out.getvalue()))
    assert book.sheetnames == ["Paiements reçus", "Mouvements de compte"]
    listed = [(row[1].value, row[2].value, row[3].value, cents(row[4]))
              for row in book["Mouvements de compte"].iter_rows(min_row=4)]
    assert listed == [("Paul Roux", "Recharge", "Virement", 5000),
                      ("Élise Martin", "Recharge", "Espèces", 2000),
                      ("Élise Martin", "Débit", "Espèces", -700)]
    sheet = book["Paiements reçus"]
    bottom = [(row[4].value, row[1].value, cents(row[3]), cents(row[5]))
              for row in sheet.iter_rows(min_row=5 + len(ROWS))]
    assert bottom == [("Non livré", 1, 0, 0), ("Compte client", 1, 2000, 0),
                      ("Espèces", 2, 4660, 4300 + 1300), ("Virement", 0, 0, 5000),
                      ("En ligne (SumUp)", 1, 1005, 1005), (None, 5, 7665, 5305 + 6300)]


def test_the_file_name_names_the_export_the_producer_and_the_period_in_ascii():
    assert filename_for("sales-by-mode", "ferme-des-saules", WEEK_START, WEEK_END) == (
        "ventes-par-mode_ferme-des-saules_2026-11-16_2026-11-22.xlsx"
    )
    assert filename_for("payments", "Ferme de l'Étang", WEEK_START, WEEK_END) == (
        "paiements-recus_ferme-de-l-etang_2026-11-16_2026-11-22.xlsx"
    )
    with pytest.raises(ValueError):
        filename_for("invoices", "ferme", WEEK_START, WEEK_END)


payment_rows = st.lists(
    st.builds(
        PaymentRow,
        order_id=st.text(alphabet="abcdef0123456789-", min_size=1, max_size=12),
        delivery_date=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
        customer_id=st.just("c-1"),
        customer_name=st.text(alphabet="abcdeéèàç ABC'-", min_size=1, max_size=20),
        total_cents=st.integers(0, 10**9),
        mode=st.sampled_from(MODES),
        amount_paid_cents=st.integers(0, 10**9),
        credit_note_cents=st.integers(-(10**9), 10**9),
    ),
    max_size=30,
)


def expected_by_label(rows):
    """Per-mode figures computed here, independently of the domain module."""
    expected = {}
    for row in rows:
        figures = expected.setdefault(MODE_LABELS[row.mode], [0, 0, 0, 0])
        figures[0] += 1
        figures[1] += 0 if row.mode == "not_delivered" else row.total_cents
        figures[2] += row.amount_paid_cents if row.mode in PAYING_MODES else 0
        figures[3] += row.credit_note_cents
    return expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payment_rows)
def test_received_payment_totals_equal_the_sums_of_the_rows(rows):
    sheet = received_payments(rows)["Paiements reçus"]
    bottom = list(sheet.iter_rows(min_row=5 + len(rows)))
    per_mode = {
        row[4].value: [row[1].value, cents(row[3]), cents(row[5]), cents(row[6])]
        for row in bottom[:-1]
    }
    assert per_mode == expected_by_label(rows)
    grand = bottom[-1]
    assert grand[0].value == "Total général"
    assert [grand[1].value, cents(grand[3]), cents(grand[5]), cents(grand[6])] == [
        sum(figures[index] for figures in per_mode.values()) for index in range(4)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payment_rows)
def test_sales_by_mode_totals_equal_the_sums_of_the_rows(rows):
    workbook = sales_by_mode(rows)
    summary = list(workbook["Ventes par mode"].iter_rows(min_row=5))
    per_mode = {row[0].value: [row[1].value, cents(row[2]), cents(row[3])] for row in summary[:-1]}
    assert per_mode == {label: figures[:3] for label, figures in expected_by_label(rows).items()}
    assert list(per_mode) == [MODE_LABELS[mode] for mode in MODES if MODE_LABELS[mode] in per_mode]
    total = summary[-1]
    assert [total[0].value, total[1].value, cents(total[2]), cents(total[3])] == [
        "Total",
        *(sum(figures[index] for figures in per_mode.values()) for index in range(3)),
    ]
    orders = list(workbook["Commandes"].iter_rows(min_row=5))
    assert len(orders) == len(rows)
    for cells, row in zip(orders, rows, strict=True):
        assert_order_row(cells, row)


def test_without_payment_tracking_the_workbooks_have_no_payment_column():
    out = BytesIO()
    write_sales_by_mode(iter(ROWS), WEEK_START, WEEK_END, "Ferme des Saules", out, MOVEMENTS,
                        tracking=False)
    book = load_workbook(BytesIO(out.getvalue()))
    assert book.sheetnames == ["Ventes", "Commandes"]
    assert values(book["Commandes"], 4) == ["Date", "Commande", "Client", "Total"]
    listed = [(row[1].value, cents(row[3])) for row in book["Commandes"].iter_rows(min_row=5)]
    assert listed == [(row.order_id, row.total_cents) for row in ROWS]
    [total] = list(book["Ventes"].iter_rows(min_row=5))
    assert (total[0].value, total[1].value, cents(total[2])) == (
        "Total", len(ROWS), sum(row.total_cents for row in ROWS))
    out = BytesIO()
    write_received_payments(iter(ROWS), "Ferme des Saules", out, tracking=False)
    sheet = load_workbook(BytesIO(out.getvalue()))["Commandes"]
    assert values(sheet, 3) == ["Date", "Commande", "Client", "Total"]
    assert max(len(row) for row in sheet.iter_rows(min_row=4)) == 4
    assert not any(cell.value in MODE_LABELS.values()
                   for row in sheet.iter_rows() for cell in row)
