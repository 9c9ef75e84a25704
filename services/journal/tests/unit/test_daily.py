"""Daily totals of sales per VAT rate, from the journal's invoice and credit invoice entries."""

from collections import defaultdict
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from journal.domain.daily import daily_totals

MAY_4, MAY_5, MAY_6 = date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)


def sale(day, kind="invoice", *vat):
    """An invoice entry; `vat` as (rate, base_cents, vat_cents) triples."""
    lines = [{"rate": rate, "base_cents": base, "vat_cents": tax, "total_cents": base + tax}
             for rate, base, tax in vat]
    return {"kind": kind, "day": day,
            "content": {"total_cents": sum(line["total_cents"] for line in lines), "vat": lines}}


def test_each_day_counts_its_sales_and_credit_invoices_and_sums_each_rate():
    entries = [
        sale(MAY_4, "invoice", ("5.5", 1000, 55), ("20", 500, 100)),
        {"kind": "payment", "day": MAY_4, "content": {"amount_cents": 1655, "mode": "cash"}},
        sale(MAY_4, "invoice", ("5.5", 2000, 110)),
        sale(MAY_6, "credit_invoice", ("5.5", -1000, -55)),
        {"kind": "credit_note", "day": MAY_5, "content": {"amount_cents": 300}},
    ]
    assert daily_totals(entries) == [
        {"day": MAY_4, "sales": 2, "credit_invoices": 0, "total_cents": 3765,
         "by_vat_rate": {"5.5": {"base_cents": 3000, "vat_cents": 165, "total_cents": 3165},
                         "20": {"base_cents": 500, "vat_cents": 100, "total_cents": 600}}},
        {"day": MAY_6, "sales": 0, "credit_invoices": 1, "total_cents": -1055,
         "by_vat_rate": {"5.5": {"base_cents": -1000, "vat_cents": -55, "total_cents": -1055}}},
    ]


def test_days_come_in_order_and_rates_by_value():
    totals = daily_totals([sale(MAY_6, "invoice", ("20", 100, 20)),
                           sale(MAY_4, "invoice", ("20", 100, 20), ("10", 100, 10),
                                ("2.1", 100, 2), ("5.5", 100, 6))])
    assert [day["day"] for day in totals] == [MAY_4, MAY_6]
    assert list(totals[0]["by_vat_rate"]) == ["2.1", "5.5", "10", "20"]


def test_a_period_without_sales_has_no_day():
    assert daily_totals([{"kind": "payment", "day": MAY_4, "content": {"amount_cents": 10}}]) == []


def test_a_sale_without_vat_counts_with_its_total_and_no_rate():
    totals = daily_totals([{"kind": "invoice", "day": MAY_5,
                            "content": {"total_cents": 1234, "vat": []}}])
    assert totals == [{"day": MAY_5, "sales": 1, "credit_invoices": 0, "total_cents": 1234,
                       "by_vat_rate": {}}]


rates = st.sampled_from(["2.1", "5.5", "10", "20"])
vat_lines = st.lists(st.tuples(rates, st.integers(-10**7, 10**7), st.integers(-10**6, 10**6)),
                     max_size=4)
entries_strategy = st.lists(
    st.builds(lambda day, kind, lines: sale(day, kind, *lines),
              st.dates(date(2026, 5, 1), date(2026, 5, 31)),
              st.sampled_from(["invoice", "credit_invoice"]), vat_lines),
    max_size=40)


@given(entries_strategy)
def test_the_days_add_up_to_the_entries_for_every_rate(entries):
    expected = defaultdict(lambda: defaultdict(int))
    for entry in entries:
        for line in entry["content"]["vat"]:
            for amount in ("base_cents", "vat_cents", "total_cents"):
                expected[line["rate"]][amount] += line[amount]
    found = defaultdict(lambda: defaultdict(int))
    for day in daily_totals(entries):
        for rate, amounts in day["by_vat_rate"].items():
            for amount, cents in amounts.items():
                found[rate][amount] += cents
    assert found == expected
    totals = daily_totals(entries)
    assert sum(day["total_cents"] for day in totals) == sum(
        entry["content"]["total_cents"] for entry in entries)
    assert sum(day["sales"] + day["credit_invoices"] for day in totals) == len(entries)
    assert [day["day"] for day in totals] == sorted({entry["day"] for entry in entries})
