"""Per-mode sales and received figures computed from payment rows."""

from datetime import date

import pytest

from exports.domain.reports import (
    MODE_LABELS,
    MODES,
    TOTAL,
    ModeSummary,
    ModeTotals,
    PaymentRow,
    UnknownMode,
    summarise_by_mode,
    total_of,
)


def row(
    mode: str, total_cents: int, paid_cents: int = 0, credit_cents: int = 0, order_id: str = "o-1"
) -> PaymentRow:
    return PaymentRow(
        order_id,
        date(2026, 11, 16),
        "c-1",
        "Élise Martin",
        total_cents,
        mode,
        paid_cents,
        credit_cents,
    )


def test_modes_are_listed_in_display_order_with_french_labels():
    assert MODES == ("not_delivered", "account", "cash", "cheque", "card", "transfer", "online")
    assert [MODE_LABELS[mode] for mode in MODES] == [
        "Non livré",
        "Compte client",
        "Espèces",
        "Chèque",
        "Carte bancaire",
        "Virement",
        "En ligne (SumUp)",
    ]


def test_a_paying_mode_counts_the_total_as_sales_and_the_amount_paid_as_received():
    assert summarise_by_mode([row("cash", 2000, 2500, 500)]) == [
        ModeSummary("cash", 1, 2000, 2500, 500)
    ]


def test_an_order_settled_from_the_account_is_a_sale_with_nothing_received():
    assert summarise_by_mode([row("account", 2000, 2000)]) == [
        ModeSummary("account", 1, 2000, 0, 0)
    ]


def test_a_not_delivered_order_is_listed_with_no_sales_and_nothing_received():
    assert summarise_by_mode([row("not_delivered", 2000, 2000)]) == [
        ModeSummary("not_delivered", 1, 0, 0, 0)
    ]


def test_an_underpayment_is_received_as_paid_and_its_credit_note_is_negative():
    summary = summarise_by_mode([row("cheque", 2000, 1500, -500)])
    assert summary == [ModeSummary("cheque", 1, 2000, 1500, -500)]


def test_summaries_follow_mode_order_and_only_list_modes_present():
    rows = [
        row("online", 1000, 1000),
        row("cash", 500, 500),
        row("account", 700),
        row("cash", 300, 400, 100),
    ]
    assert summarise_by_mode(rows) == [
        ModeSummary("account", 1, 700, 0, 0),
        ModeSummary("cash", 2, 800, 900, 100),
        ModeSummary("online", 1, 1000, 1000, 0),
    ]


def test_the_total_adds_up_every_mode():
    rows = [row("not_delivered", 900), row("account", 700), row("card", 1000, 1200, 200)]
    assert total_of(summarise_by_mode(rows)) == ModeSummary(TOTAL, 3, 1700, 1200, 200)


def test_no_rows_give_no_summaries_and_a_zero_total():
    assert summarise_by_mode([]) == []
    assert total_of([]) == ModeSummary(TOTAL, 0, 0, 0, 0)
    assert total_of([]).label == "Total"


def test_running_totals_fed_row_by_row_match_the_summary_of_all_rows():
    rows = [row(mode, 100 * index, 90 * index, -10 * index) for index, mode in enumerate(MODES * 3)]
    totals = ModeTotals()
    for each in rows:
        totals.add(each)
    assert totals.summaries() == summarise_by_mode(rows)
    assert totals.total() == total_of(summarise_by_mode(rows))


def test_summaries_consume_a_one_shot_iterator():
    assert summarise_by_mode(iter([row("cash", 100, 100)])) == [ModeSummary("cash", 1, 100, 100, 0)]


def test_a_row_with_an_unknown_mode_is_refused():
    with pytest.raises(UnknownMode):
        row("bitcoin", 100)


def test_a_payment_row_cannot_be_changed_once_built():
    with pytest.raises(AttributeError):
        row("cash", 100).total_cents = 200  # type: ignore[misc]


def test_money_received_counts_in_the_mode_it_came_in_by_whatever_the_settlement_says_now():
    paid_twice = PaymentRow("o-1", date(2026, 11, 16), "c-1", "Élise", 4000, "cash", 8000, 4000,
                            {"cash": 4000, "online": 4000})
    not_delivered = PaymentRow("o-2", date(2026, 11, 16), "c-1", "Élise", 2500,
                               "not_delivered", 2500, 0, {"online": 2500})
    summaries = {s.mode: s for s in summarise_by_mode([paid_twice, not_delivered])}
    assert (summaries["cash"].orders, summaries["cash"].sales_cents,
            summaries["cash"].received_cents) == (1, 4000, 4000)
    assert (summaries["online"].orders, summaries["online"].sales_cents,
            summaries["online"].received_cents) == (0, 0, 6500)
    assert (summaries["not_delivered"].orders, summaries["not_delivered"].received_cents) == (1, 0)
    assert total_of(summaries.values()).received_cents == 10500
    assert paid_twice.mode_label == "Espèces + En ligne (SumUp)"
    assert not_delivered.mode_label == "Non livré + En ligne (SumUp)"


def test_a_row_without_money_received_per_mode_received_its_amount_in_its_mode():
    assert row("cheque", 2000, 1500).received == {"cheque": 1500}
    assert row("account", 2000, 0).received == {}
    with pytest.raises(UnknownMode):
        PaymentRow("o-1", date(2026, 11, 16), "c-1", "Élise", 100, "cash", 100, 0,
                   {"account": 100})


def test_a_name_is_cleaned_of_exactly_the_characters_a_worksheet_refuses():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from exports.domain.reports import printable

    every = "".join(chr(c) for c in range(0x100))
    assert printable(every) == ILLEGAL_CHARACTERS_RE.sub("", every)
    assert printable("Claire\x02 Martin") == "Claire Martin"
