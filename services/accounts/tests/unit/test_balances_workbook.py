"""The XLSX of every balance at a date, read back with openpyxl: one row per customer, exact
euros, the local date of the last movement, the totals by sign; a name is never a formula."""

from datetime import UTC, datetime
from io import BytesIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from accounts.adapters.balances_workbook import (
    EURO_FORMAT,
    HEADINGS,
    SHEET,
    filename_for,
    write_balances,
)

PARIS = ZoneInfo("Europe/Paris")
AT_LOCAL = datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=PARIS)


def row(customer_id, name, balance_cents, last_at=None, email=None):
    return SimpleNamespace(customer_id=customer_id, name=name, email=email,
                           balance_cents=balance_cents, last_at=last_at)


def written(rows) -> tuple:
    out = BytesIO()
    totals = write_balances(rows, "ferme-des-saules", AT_LOCAL, "Europe/Paris", out)
    out.seek(0)
    return totals, load_workbook(out)[SHEET]


def test_each_customer_has_its_balance_in_exact_euros_and_its_last_movement_in_local_time():
    totals, sheet = written([
        row("c1", "Amélie Martin", -1250, datetime(2025, 12, 31, 22, 30, tzinfo=UTC),
            "amelie@example.org"),
        row("c2", "Bruno Petit", 5000, datetime(2025, 6, 1, 8, 0, tzinfo=UTC)),
        row("c3", "Claire Noël", 0),
    ])
    values = [tuple(cell.value for cell in line) for line in sheet.iter_rows()]
    assert values[0][0] == "Soldes des comptes clients au 31/12/2025 23:59:59"
    assert "Europe/Paris" in values[1][0]
    assert values[3] == HEADINGS
    assert values[4] == ("Amélie Martin", "c1", "amelie@example.org", -12.5,
                         datetime(2025, 12, 31, 23, 30))  # 22:30 UTC is 23:30 in Paris
    assert values[5] == ("Bruno Petit", "c2", None, 50, datetime(2025, 6, 1, 10, 0))
    assert values[6] == ("Claire Noël", "c3", None, 0, None)
    assert sheet.cell(5, 4).number_format == EURO_FORMAT
    assert (totals.customers, totals.owed_cents, totals.advanced_cents) == (3, -1250, 5000)
    bottom = [line for line in values[7:] if any(value is not None for value in line)]
    assert [(line[0], line[3]) for line in bottom] == [
        ("Total des soldes", 37.5), ("Dont soldes débiteurs (dus par les clients)", -12.5),
        ("Dont soldes créditeurs (avances des clients)", 50), ("Clients", 3)]


def test_amounts_are_the_exact_cents_whatever_their_size():
    amounts = [1, -1, 10, 99_999_999_999, -123_456_789_01, 7]
    _, sheet = written([row(f"c{i}", f"Client {i}", cents) for i, cents in enumerate(amounts)])
    read = [sheet.cell(5 + i, 4).value for i in range(len(amounts))]
    assert [round(value * 100) for value in read] == amounts
    assert [str(value) for value in read][:3] == ["0.01", "-0.01", "0.1"]


def test_a_name_or_address_that_looks_like_a_formula_stays_text():
    _, sheet = written([row("c1", '=HYPERLINK("http://evil.example","x")', -100,
                            email="=1+1@example.org")])
    assert sheet.cell(5, 1).data_type == "s"
    assert sheet.cell(5, 1).value == '=HYPERLINK("http://evil.example","x")'
    assert sheet.cell(5, 3).data_type == "s"


def test_no_customer_gives_the_headings_and_zero_totals():
    totals, sheet = written([])
    assert (totals.customers, totals.total_cents) == (0, 0)
    assert tuple(cell.value for cell in sheet[4]) == HEADINGS


def test_the_file_is_named_after_the_producer_and_the_local_date():
    assert filename_for("ferme-des-saules", AT_LOCAL) == (
        "soldes-clients_ferme-des-saules_2025-12-31.xlsx")
