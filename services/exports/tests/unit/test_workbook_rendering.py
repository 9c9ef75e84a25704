"""The long sheets' rows rendered as XML (adapters.workbooks.rows._RowWriter): the files must be
byte for byte those openpyxl writes on its own, cell by cell, whatever the texts hold."""

import zipfile
from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.adapters.invoices_workbook import write_invoices
from exports.adapters.workbooks.received_payments import write_received_payments
from exports.adapters.workbooks.rows import _RowWriter
from exports.adapters.workbooks.sales_by_mode import write_sales_by_mode
from exports.adapters.workbooks.streaming import _StreamingSheet
from exports.domain.invoices import InvoiceRow, RateAmounts
from exports.domain.reports import MODES, PAYING_MODES, MovementRow, PaymentRow

ODD_TEXTS = ["", " ", "  padded ", "\xa0nbsp", "=1+2", "=", "#N/A", "#1", "a & b <c> d", "]]>",
             "tab\there", "line\nbreak", "cr\rhere", "quote\"'", "Zoé", "😀 emoji", "del\x7f",
             "\u2028", "a" * 33000, None]
MOVEMENTS = [MovementRow(datetime(2026, 3, 4, 12, 30), "c-1", "Ann & Co", "cash", 500, "top-up"),
             MovementRow(datetime(2026, 3, 5, 8), "c-2", "Bob", "card", -250, "débit",
                         recorded_by="Léa")]


def payment_rows(count: int, texts=ODD_TEXTS) -> list[PaymentRow]:
    rows = []
    for index in range(count):
        mode = MODES[index % len(MODES)]
        odd = texts[index % len(texts)] if index % 7 == 3 else None
        total = 100 + index * 37 % 30_000
        paid = total if mode != "not_delivered" else 0
        received = ({"cash": paid - 100, "card": 100}
                    if index % 11 == 5 and mode in PAYING_MODES else None)
        rows.append(PaymentRow(
            order_id=odd or f"ord-{index:07d}",
            delivery_date=date(2026, 1, 1 + index % 28) if index % 97 else date(1900, 2, 1),
            customer_id=f"c-{index % 50}",
            customer_name=odd if odd is not None else f"Client {index % 50}",
            total_cents=total,
            mode=mode,
            amount_paid_cents=paid,
            credit_note_cents=0 if mode in ("account", "not_delivered") else paid - total,
            received=received,
            recorded_by=odd if index % 2 else None,
        ))
    return rows


def invoice_rows(count: int) -> list[InvoiceRow]:
    rows = []
    for index in range(count):
        vat = {}
        for position, rate in enumerate(("5.5", "10", "20")):
            if (index + position) % 3:
                base = (index * 131 + position) % 9000 - 3000
                vat[rate] = RateAmounts(base, base // 10, base + base // 10)
        ht = sum(amounts.base_cents for amounts in vat.values())
        tva = sum(amounts.vat_cents for amounts in vat.values())
        name = ODD_TEXTS[index % len(ODD_TEXTS)] if index % 9 == 4 else f"Client {index % 40}"
        rows.append(InvoiceRow(f"F{index:06d}", ("invoice", "credit_invoice")[index % 2],
                               date(2026, 12, 1 + index % 31), name or "x",
                               "0b4e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                               f"F{index - 1:06d}" if index % 2 else None, ht, tva, ht + tva, vat))
    return rows


WRITERS = {
    "received payments": lambda rows, out: write_received_payments(
        iter(rows), "Ferme & Saules", out, movements=MOVEMENTS),
    "received payments, untracked": lambda rows, out: write_received_payments(
        iter(rows), "Ferme", out, tracking=False),
    "sales by mode": lambda rows, out: write_sales_by_mode(
        iter(rows), date(2026, 1, 1), date(2026, 12, 31), "Ferme", out, movements=MOVEMENTS),
    "sales, untracked": lambda rows, out: write_sales_by_mode(
        iter(rows), date(2026, 1, 1), date(2026, 12, 31), "Ferme", out, tracking=False),
}


def members(write, rows) -> dict[str, bytes]:
    out = BytesIO()
    write(rows, out)
    with zipfile.ZipFile(BytesIO(out.getvalue())) as archive:
        # core.xml holds the time of writing
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}


def openpyxl_alone(write, rows, monkeypatch) -> dict[str, bytes]:
    with monkeypatch.context() as patch:
        patch.setattr(_StreamingSheet, "takes_xml", False)
        return members(write, rows)


def test_lxml_is_installed_so_the_rows_are_rendered():
    # without lxml everything still works, through openpyxl's per-cell path: several times
    # slower, which is what the service's dependency on lxml is for
    assert openpyxl.LXML and _StreamingSheet.takes_xml


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_rendered_rows_make_the_file_openpyxl_writes_alone(kind, monkeypatch):
    rows = payment_rows(1500)
    assert members(WRITERS[kind], rows) == openpyxl_alone(WRITERS[kind], rows, monkeypatch)


def test_the_invoices_workbook_is_the_one_openpyxl_writes_alone(monkeypatch):
    def write(rows, out):
        write_invoices(rows, date(2026, 12, 1), date(2026, 12, 31), "Ferme", out)

    rows = invoice_rows(1200)
    assert members(write, rows) == openpyxl_alone(write, rows, monkeypatch)


def test_the_orders_go_in_rendered_batches(monkeypatch):
    batches = []
    append_xml = _StreamingSheet.append_xml

    def spy(sheet, xml, count):
        batches.append(count)
        append_xml(sheet, xml, count)

    monkeypatch.setattr(_StreamingSheet, "append_xml", spy)
    members(WRITERS["received payments"], payment_rows(1200, texts=[None]))
    assert batches == [_RowWriter.BATCH] * 2 + [1200 - 2 * _RowWriter.BATCH]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=6))
def test_any_text_is_written_as_openpyxl_writes_it_or_refused_alike(texts, monkeypatch):
    rows = payment_rows(40, texts=texts)
    write = WRITERS["received payments"]
    try:
        expected = openpyxl_alone(write, rows, monkeypatch)
    except Exception as error:  # a control character: openpyxl refuses it
        with pytest.raises(type(error)):
            members(write, rows)
        return
    assert members(write, rows) == expected
