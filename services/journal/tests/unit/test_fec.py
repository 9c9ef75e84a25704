"""The FEC of a fiscal year written from the journal's entries, held to the rules the
administration's validator applies (fec_rules), and the chart of accounts it is written with."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ardoise.errors import Invalid
from journal.domain.accounts import DEFAULT_CHART, Chart, check_chart
from journal.domain.fec import (
    CASH_BASIS_COLUMNS,
    COLUMNS,
    fec_filename,
    fec_lines,
    fec_text,
    write_fec,
)

from .fec_rules import RULES, check_fec, check_filename

FY_START, FY_END = date(2026, 1, 1), date(2026, 12, 31)
MAY_4, MAY_5, MAY_6, MAY_7 = (date(2026, 5, day) for day in (4, 5, 6, 7))
ELISE, PAUL = "c-elise", "c-paul"
NAMES = {ELISE: "Élise Martin", PAUL: "Paul Girard"}
ORDER_A = "1a2b3c4d-0000-4000-8000-00000000000a"
ORDER_B = "2b3c4d5e-0000-4000-8000-00000000000b"
ORDER_C = "3c4d5e6f-0000-4000-8000-00000000000c"


def entry(seq: int, kind: str, day: date, **content) -> dict:
    return {"seq": seq, "kind": kind, "day": day, "source": f"{kind}:{seq}", "content": content}


def sale(seq, day, number, order, customer, *vat, kind="invoice", corrects=None):
    """An invoice (or, `kind` credit_invoice, its facture d'avoir); `vat` as (rate, base_cents,
    vat_cents)."""
    rows = [{"rate": rate, "base_cents": base, "vat_cents": tax, "total_cents": base + tax}
            for rate, base, tax in vat]
    return entry(seq, kind, day, number=number, order_id=order, customer_id=customer,
                 customer_name=NAMES.get(customer, ""), issued_at=f"{day}T09:00:00+00:00",
                 issue_date=day.isoformat(), channel="order", corrects=corrects,
                 corrects_seq=None, total_ht_cents=sum(row["base_cents"] for row in rows),
                 total_vat_cents=sum(row["vat_cents"] for row in rows),
                 total_cents=sum(row["total_cents"] for row in rows), vat=rows, lines=[],
                 payment_modes=[])


def payment(seq, day, order, customer, mode, cents):
    return entry(seq, "payment", day, order_id=order, customer_id=customer, mode=mode,
                 amount_cents=cents, settlement_version=seq)


def credit_note(seq, day, number, order, customer, cents, cancels=False):
    return entry(seq, "credit_note", day, number=number, order_id=order, customer_id=customer,
                 amount_cents=cents, cancels=cancels)


def settlement(seq, day, order, customer, total_cents, mode, paid_cents):
    return entry(seq, "settlement", day, order_id=order, customer_id=customer, version=seq,
                 total_cents=total_cents, delivery_date=day.isoformat(), mode=mode,
                 amount_paid_cents=paid_cents, received={mode: paid_cents},
                 credit_note_cents=paid_cents - total_cents, credit_note_number=None)


def movement(seq, day, movement_id, customer, cents, mode=None, label=""):
    return entry(seq, "movement", day, movement_id=movement_id, customer_id=customer,
                 at=f"{day}T10:00:00+00:00", amount_cents=cents, mode=mode, label=label)


def the_farms_may() -> list[dict]:
    """Élise's order A (two rates) paid cash; Paul's order B paid online too much, corrected by
    a facture d'avoir, its credit note replaced, the rest refunded online; Élise's order C
    half paid by cheque; movements by hand with and without a mode."""
    return [
        sale(1, MAY_4, "F000012", ORDER_A, ELISE, ("5.5", 1000, 55), ("20", 500, 100)),
        settlement(2, MAY_4, ORDER_A, ELISE, 1655, "cash", 1655),
        payment(3, MAY_4, ORDER_A, ELISE, "cash", 1655),
        sale(4, MAY_5, "F000013", ORDER_B, PAUL, ("5.5", 2000, 110)),
        payment(5, MAY_5, ORDER_B, PAUL, "online", 2500),
        credit_note(6, MAY_5, 1, ORDER_B, PAUL, 390),
        sale(7, MAY_6, "F000014", ORDER_B, PAUL, ("5.5", -400, -22), kind="credit_invoice",
             corrects="F000013"),
        credit_note(8, MAY_6, 1, ORDER_B, PAUL, -390, cancels=True),
        credit_note(9, MAY_6, 2, ORDER_B, PAUL, 812),
        payment(10, MAY_6, ORDER_B, PAUL, "online", -812),
        sale(11, MAY_6, "F000015", ORDER_C, ELISE, ("5.5", 1000, 55)),
        payment(12, MAY_6, ORDER_C, ELISE, "cheque", 500),
        movement(13, MAY_7, "9f8e7d6c-aaaa", ELISE, 5000, "transfer", "Acompte de juin"),
        movement(14, MAY_7, "8e7d6c5b-bbbb", PAUL, -300, "cash", "Solde rendu"),
        movement(15, MAY_7, "7d6c5b4a-cccc", ELISE, 200, None, "Geste commercial"),
        movement(16, MAY_7, "6c5b4a39-dddd", PAUL, -150, None, "Frais de livraison"),
    ]


def fec(entries=None, variant="standard", chart=None, names=NAMES) -> str:
    return fec_text(the_farms_may() if entries is None else entries, chart or Chart.of({}),
                    names, variant, FY_START, FY_END)


def rows(text: str) -> list[dict]:
    header, *records = text.removesuffix("\r\n").split("\r\n")
    return [dict(zip(header.split("\t"), record.split("\t"), strict=True)) for record in records]


def entry_rows(text: str, number: int) -> list[tuple]:
    """(JournalCode, CompteNum, CompAuxNum, Debit, Credit) of one EcritureNum's lines."""
    return [(row["JournalCode"], row["CompteNum"], row["CompAuxNum"], row["Debit"], row["Credit"])
            for row in rows(text) if row["EcritureNum"] == str(number)]


def rules_broken(problems: list[str]) -> set[str]:
    return {problem.split(":", 1)[0] for problem in problems}


# -- the story --------------------------------------------------------------------------------

def test_the_farms_month_makes_a_fec_the_administrations_rules_accept():
    for variant in ("standard", "cash_basis"):
        assert check_fec(fec(variant=variant), variant, FY_START, FY_END) == []


def test_an_invoice_debits_the_customer_its_total_and_credits_each_rates_sales_and_vat():
    assert entry_rows(fec(), 1) == [
        ("VE", "411000", ELISE, "16,55", "0,00"),
        ("VE", "701000", "", "0,00", "10,00"),
        ("VE", "445710", "", "0,00", "0,55"),
        ("VE", "701000", "", "0,00", "5,00"),
        ("VE", "445710", "", "0,00", "1,00"),
    ]
    first = rows(fec())[0]
    assert (first["JournalLib"], first["EcritureDate"], first["PieceRef"], first["PieceDate"],
            first["EcritureLib"], first["CompteLib"], first["CompAuxLib"], first["ValidDate"]) == (
        "Ventes", "20260504", "F000012", "20260504", "Facture F000012", "Clients",
        "Élise Martin", "20260504")
    assert rows(fec())[1]["EcritureLib"] == "Facture F000012, TVA 5,5 %"


def test_a_facture_davoir_writes_its_negative_amounts_positive_on_the_other_side():
    lines = [row for row in rows(fec()) if row["PieceRef"] == "F000014"]
    assert [(row["CompteNum"], row["Debit"], row["Credit"]) for row in lines] == [
        ("411000", "0,00", "4,22"), ("701000", "4,00", "0,00"), ("445710", "0,22", "0,00")]
    assert lines[0]["EcritureLib"] == "Facture d'avoir F000014 sur F000013"
    assert not any(row["Debit"].startswith("-") or row["Credit"].startswith("-")
                   for row in rows(fec()))


def test_cash_goes_to_the_cash_journal_and_the_other_modes_to_the_bank():
    by_piece = {(row["PieceRef"], row["CompteNum"]): row for row in rows(fec())}
    cash = by_piece[("1a2b3c4d", "530000")]
    assert (cash["JournalCode"], cash["JournalLib"], cash["Debit"]) == ("CA", "Caisse", "16,55")
    assert cash["EcritureLib"] == "Encaissement espèces commande 1a2b3c4d"
    cheque = by_piece[("3c4d5e6f", "511200")]
    assert (cheque["JournalCode"], cheque["JournalLib"], cheque["Debit"]) == ("BQ", "Banque",
                                                                              "5,00")
    online = [row for row in rows(fec()) if row["CompteNum"] == "511000"]
    assert [(row["JournalCode"], row["Debit"], row["Credit"]) for row in online] == [
        ("BQ", "25,00", "0,00"), ("BQ", "0,00", "8,12")]


def test_a_refund_credits_the_modes_account_and_debits_the_customer():
    refund = [row for row in rows(fec()) if row["EcritureLib"].startswith("Remboursement paie")]
    assert [(row["CompteNum"], row["Debit"], row["Credit"]) for row in refund] == [
        ("511000", "0,00", "8,12"), ("411000", "8,12", "0,00")]
    assert refund[0]["EcritureLib"] == "Remboursement paiement en ligne commande 2b3c4d5e"


def test_a_credit_note_and_its_cancellation_write_no_line_the_payments_carry_the_difference():
    # order B: 21,10 invoiced, 25,00 paid, 4,22 taken back by the facture d'avoir, 8,12
    # refunded: the customer's 411 lines of the order come to zero without the credit notes
    text = fec()
    assert not any(row["PieceRef"].startswith("AV") for row in rows(text))
    order_b = [row for row in rows(text) if row["CompAuxNum"] == PAUL
               and row["PieceRef"] in ("F000013", "F000014", "2b3c4d5e")]
    assert sum(_cents(row["Debit"]) - _cents(row["Credit"]) for row in order_b) == 0
    without_notes = [e for e in the_farms_may() if e["kind"] != "credit_note"]
    assert fec(without_notes) == text


def test_movements_by_a_mode_move_money_and_the_others_adjust_the_customers_balance():
    by_piece = defaultdict(list)
    for row in rows(fec()):
        by_piece[row["PieceRef"]].append((row["JournalCode"], row["CompteNum"], row["CompAuxNum"],
                                          row["Debit"], row["Credit"]))
    assert by_piece["9f8e7d6c"] == [("BQ", "512000", "", "50,00", "0,00"),
                                    ("BQ", "411000", ELISE, "0,00", "50,00")]
    assert by_piece["8e7d6c5b"] == [("CA", "530000", "", "0,00", "3,00"),
                                    ("CA", "411000", PAUL, "3,00", "0,00")]
    assert by_piece["7d6c5b4a"] == [("OD", "709000", "", "2,00", "0,00"),
                                    ("OD", "411000", ELISE, "0,00", "2,00")]
    assert by_piece["6c5b4a39"] == [("OD", "708000", "", "0,00", "1,50"),
                                    ("OD", "411000", PAUL, "1,50", "0,00")]
    labels = {row["PieceRef"]: row["EcritureLib"] for row in rows(fec())}
    assert labels["9f8e7d6c"] == "Encaissement virement compte client : Acompte de juin"
    assert labels["6c5b4a39"] == "Débit compte client : Frais de livraison"


def test_a_settlement_and_a_zero_amount_write_nothing_and_leave_no_gap_in_the_numbers():
    entries = [sale(1, MAY_4, "F000012", ORDER_A, ELISE, ("5.5", 1000, 55)),
               settlement(2, MAY_4, ORDER_A, ELISE, 1055, "cash", 1055),
               payment(3, MAY_4, ORDER_A, ELISE, "cash", 0),
               payment(4, MAY_4, ORDER_A, ELISE, "cash", 1055),
               sale(5, MAY_5, "F000013", ORDER_B, PAUL, ("0", 500, 0))]
    text = fec(entries)
    assert [row["EcritureNum"] for row in rows(text)] == ["1", "1", "1", "2", "2", "3", "3"]
    assert ("VE", "445710", "", "0,00", "0,00") not in entry_rows(text, 3)
    assert check_fec(text, "standard", FY_START, FY_END) == []


def test_entries_are_numbered_by_their_day_then_their_order_in_the_journal():
    # seq 3 was recorded last, into 4 May still open: it comes before 5 May's entries
    entries = [sale(1, MAY_4, "F000012", ORDER_A, ELISE, ("5.5", 1000, 55)),
               sale(2, MAY_5, "F000013", ORDER_B, PAUL, ("5.5", 2000, 110)),
               payment(3, MAY_4, ORDER_A, ELISE, "cash", 1055)]
    numbered = dict.fromkeys((row["EcritureNum"], row["PieceRef"], row["EcritureDate"])
                             for row in rows(fec(entries)))
    assert list(numbered) == [("1", "F000012", "20260504"), ("2", "1a2b3c4d", "20260504"),
                             ("3", "F000013", "20260505")]


def test_only_the_entries_recorded_into_the_fiscal_year_are_written():
    entries = [sale(1, date(2025, 12, 31), "F000011", ORDER_C, ELISE, ("5.5", 1000, 55)),
               *the_farms_may(),
               payment(17, date(2027, 1, 1), ORDER_C, ELISE, "cash", 555)]
    assert fec(entries) == fec()


def test_a_fully_paid_order_is_lettered_and_a_partly_paid_one_is_not():
    text = fec()
    customer_lines = [row for row in rows(text) if row["CompteNum"] == "411000"]
    letters = {(row["PieceRef"], row["EcritureLet"], row["DateLet"]) for row in customer_lines}
    assert {("F000012", "A", "20260504"), ("1a2b3c4d", "A", "20260504")} <= letters
    assert {("F000013", "A", "20260506"), ("2b3c4d5e", "A", "20260506"),
            ("F000014", "A", "20260506")} <= letters
    assert {("F000015", "", ""), ("3c4d5e6f", "", "")} <= letters
    # movements belong to no order and stay open; other accounts are never lettered
    assert all(row["EcritureLet"] == "" for row in rows(text)
               if row["CompteNum"] != "411000" or row["PieceRef"] in ("9f8e7d6c", "7d6c5b4a"))


def test_letters_run_a_to_z_then_aa_ab_for_each_customer():
    entries = []
    for count in range(28):
        order = f"{count:08d}-order"
        entries += [sale(2 * count + 1, MAY_4, f"F{count:06d}", order, ELISE, ("20", 100, 20)),
                    payment(2 * count + 2, MAY_5, order, ELISE, "card", 120)]
    entries.append(sale(57, MAY_6, "F000099", ORDER_B, PAUL, ("20", 100, 20)))
    entries.append(payment(58, MAY_6, ORDER_B, PAUL, "card", 120))
    text = fec(entries)
    elise = [row["EcritureLet"] for row in rows(text)
             if row["CompAuxNum"] == ELISE and row["JournalCode"] == "VE"]
    assert elise[:3] == ["A", "B", "C"] and elise[25:] == ["Z", "AA", "AB"]
    assert {row["EcritureLet"] for row in rows(text) if row["CompAuxNum"] == PAUL} == {"A"}
    assert check_fec(text, "standard", FY_START, FY_END) == []


def test_the_file_is_tab_separated_crlf_ended_utf8_without_a_mark_with_the_field_names_first():
    body = write_fec(the_farms_may(), Chart.of({}), NAMES, "standard", FY_START, FY_END)
    assert body.startswith("\t".join(COLUMNS).encode() + b"\r\n")
    assert body.endswith(b"\r\n") and b"\r\n\r\n" not in body
    assert body.count(b"\n") == body.count(b"\r\n") == len(rows(fec())) + 1
    assert "Élise Martin".encode() in body and body.decode("utf-8") == fec()


def test_the_file_is_named_by_the_siren_and_the_fiscal_years_closing_day():
    assert fec_filename("123456789", date(2026, 6, 30)) == "123456789FEC20260630.txt"
    assert fec_filename("123 456 789", FY_END) == "123456789FEC20261231.txt"
    assert check_filename(fec_filename("123456789", FY_END)) == []
    assert check_filename("FEC20261231.txt") != []


def test_the_cash_basis_variant_adds_the_payments_date_and_mode_and_each_lines_nature():
    text = fec(variant="cash_basis")
    assert text.split("\r\n")[0].split("\t") == list(CASH_BASIS_COLUMNS)
    assert len(CASH_BASIS_COLUMNS) == 21
    found = {(row["PieceRef"], row["DateRglt"], row["ModeRglt"], row["NatOp"])
             for row in rows(text)}
    assert found == {
        ("F000012", "", "", "Vente"), ("1a2b3c4d", "20260504", "Espèces", "Encaissement"),
        ("F000013", "", "", "Vente"), ("2b3c4d5e", "20260505", "Paiement en ligne",
                                       "Encaissement"),
        ("F000014", "", "", "Avoir"), ("2b3c4d5e", "20260506", "Paiement en ligne",
                                       "Remboursement"),
        ("F000015", "", "", "Vente"), ("3c4d5e6f", "20260506", "Chèque", "Encaissement"),
        ("9f8e7d6c", "20260507", "Virement", "Encaissement"),
        ("8e7d6c5b", "20260507", "Espèces", "Remboursement"),
        ("7d6c5b4a", "", "", "Ajustement"), ("6c5b4a39", "", "", "Ajustement")}


def test_text_fields_lose_tabs_and_line_breaks_and_a_customer_keeps_one_name():
    names = {ELISE: "Élise\tMartin\r\n| GAEC", PAUL: ""}
    text = fec(names=names)
    assert {row["CompAuxLib"] for row in rows(text) if row["CompAuxNum"] == ELISE} == {
        "Élise Martin GAEC"}
    # no name known to the journal: the one its invoices printed, else its id
    assert {row["CompAuxLib"] for row in rows(text) if row["CompAuxNum"] == PAUL} == {
        "Paul Girard"}
    stranger = fec([movement(1, MAY_4, "5b4a3928", "c-x", 100, "cash")], names={})
    assert {row["CompAuxLib"] for row in rows(stranger) if row["CompAuxNum"]} == {"c-x"}
    assert check_fec(text, "standard", FY_START, FY_END) == []


def test_an_account_per_vat_rate_takes_that_rates_sales_and_vat():
    chart = Chart.of({"sales:20": {"number": "701200", "label": "Ventes à 20 %"},
                      "vat:20": {"number": "445712", "label": "TVA collectée 20 %"},
                      "cash": {"number": "531000", "label": "Caisse marché"}})
    found = entry_rows(fec(chart=chart), 1) + entry_rows(fec(chart=chart), 2)
    assert [account for _journal, account, *_ in found] == [
        "411000", "701000", "445710", "701200", "445712", "531000", "411000"]


def test_fec_lines_refuse_a_variant_they_do_not_know():
    with pytest.raises(ValueError):
        fec_lines([], Chart.of({}), {}, "simplified", FY_START, FY_END)


@pytest.mark.parametrize("unknown", [
    entry(1, "voucher", MAY_4, customer_id=ELISE, amount_cents=100),
    payment(1, MAY_4, ORDER_A, ELISE, "barter", 100),
])
def test_an_entry_the_fec_cannot_book_is_refused_rather_than_left_out(unknown):
    with pytest.raises(ValueError):
        fec([unknown])


# -- the chart of accounts ------------------------------------------------------------------

def test_the_chart_is_the_farm_defaults_merged_with_the_producers_accounts():
    chart = Chart.of({"cash": {"number": "531000", "label": "Caisse marché"}})
    assert chart.account("cash") == ("531000", "Caisse marché")
    assert chart.account("customers") == ("411000", "Clients")
    assert chart.account("sales", "5.5") == ("701000", "Ventes de produits finis")
    assert Chart.of({}).as_dict() == DEFAULT_CHART
    rated = Chart.of({"sales:5.5": {"number": "701100", "label": "Ventes 5,5 %"}})
    assert rated.account("sales", "5.50") == ("701100", "Ventes 5,5 %")
    assert rated.account("sales", "20") == ("701000", "Ventes de produits finis")


def test_a_chart_with_known_roles_and_plan_comptable_numbers_is_accepted():
    check_chart({"cash": {"number": "531000", "label": "Caisse marché"},
                 "sales:5.5": {"number": "701100", "label": "Ventes 5,5 %"},
                 "vat:20": {"number": "445712", "label": "TVA collectée 20 %"},
                 "adjustments_credit": {"number": "658000", "label": "Charges diverses"}})


@pytest.mark.parametrize(("overrides", "loc"), [
    ({"till": {"number": "530000", "label": "Caisse"}}, "chart.till"),
    ({"cash:5.5": {"number": "530000", "label": "Caisse"}}, "chart.cash:5.5"),
    ({"sales:7": {"number": "701000", "label": "Ventes"}}, "chart.sales:7"),
    ({"cash": {"number": "53", "label": "Caisse"}}, "chart.cash"),
    ({"cash": {"number": "5300A0", "label": "Caisse"}}, "chart.cash"),
    ({"cash": {"number": "930000", "label": "Caisse"}}, "chart.cash"),
    ({"cash": {"number": "0" * 21, "label": "Caisse"}}, "chart.cash"),
    ({"cash": {"number": "701000", "label": "Caisse"}}, "chart.cash"),
    ({"customers": {"number": "401000", "label": "Clients"}}, "chart.customers"),
    ({"vat": {"number": "446000", "label": "TVA"}}, "chart.vat"),
    ({"sales": {"number": "601000", "label": "Ventes"}}, "chart.sales"),
    ({"cash": {"number": "530000", "label": "  "}}, "chart.cash"),
    ({"cash": {"number": "530000"}}, "chart.cash"),
    ({"credit_notes": {"number": "709000", "label": "RRR accordés"}}, "chart.credit_notes"),
])
def test_a_chart_is_refused_with_the_role_it_gets_wrong(overrides, loc):
    with pytest.raises(Invalid) as refused:
        check_chart(overrides)
    assert refused.value.field == loc


# -- the rules catch a broken file ----------------------------------------------------------

def edit(text: str, index: int, **fields) -> str:
    """The file with line `index` (0: the first after the header) changed."""
    header, *records = text.removesuffix("\r\n").split("\r\n")
    columns = header.split("\t")
    values = dict(zip(columns, records[index].split("\t"), strict=True))
    values.update(fields)
    records[index] = "\t".join(values[name] for name in columns)
    return "\r\n".join([header, *records]) + "\r\n"


def edits(text: str, indexes, **fields) -> str:
    for index in indexes:
        text = edit(text, index, **fields)
    return text


def moved(text: str, index: int, before: int) -> str:
    """The file with line `index` moved before line `before` (0: the first after the header)."""
    header, *records = text.removesuffix("\r\n").split("\r\n")
    records.insert(before, records.pop(index))
    return "\r\n".join([header, *records]) + "\r\n"


def line_of(text: str, **match) -> int:
    return next(index for index, row in enumerate(rows(text))
                if all(row[name] == value for name, value in match.items()))


GOOD = fec()
CASH = fec(variant="cash_basis")
LAST = len(rows(GOOD)) - 1
FIRST_LETTERED = line_of(GOOD, EcritureLet="A")
CASH_PAYMENT = line_of(CASH, ModeRglt="Espèces")

BROKEN = {
    "record-end": [GOOD.removesuffix("\r\n"), GOOD.replace("\r\n", "\n", 3)],
    "empty-line": [GOOD.replace("\r\n", "\r\n\r\n", 2)],
    "byte-order-mark": ["\ufeff" + GOOD],
    "separator": [GOOD.replace("\t", ";"), GOOD.replace("\t", "|", 1)],
    "header": [GOOD.replace("Debit\tCredit", "Credit\tDebit", 1),
               GOOD.replace("Montantdevise", "MontantDevise", 1),
               GOOD.split("\r\n", 1)[1]],
    "field-count": [edit(GOOD, 2, Idevise="EUR\t")],
    "mandatory": [edit(GOOD, 0, PieceRef=""), edit(GOOD, 1, CompteLib=""),
                  edit(GOOD, 3, EcritureLib=" "), edit(GOOD, 4, ValidDate="")],
    "date-format": [edit(GOOD, 0, PieceDate="2026-05-04"), edit(GOOD, 0, PieceDate="20260231"),
                    edit(GOOD, FIRST_LETTERED, DateLet="04/05/2026")],
    "amount-format": [edit(GOOD, 1, Credit="10.00"), edit(GOOD, 1, Credit="1 000,00"),
                      edit(GOOD, 1, Credit="-10,00"), edit(GOOD, 1, Credit="10")],
    "debit-credit": [edit(GOOD, 1, Debit="0,01"), edit(GOOD, 1, Credit="0,00")],
    "account-number": [edit(GOOD, 1, CompteNum="VT701")],
    "entry-balanced": [edit(GOOD, 1, Credit="10,01")],
    "file-balanced": [edit(GOOD, LAST, Debit="1,49")],
    "entry-consistent": [edit(GOOD, 1, PieceRef="F000099"), edit(GOOD, 1, JournalCode="OD"),
                         edit(GOOD, 1, PieceDate="20260503")],
    "numbering": [moved(GOOD, 5, 2), GOOD.replace("\t2\t2026", "\t9\t2026")],
    "chronology": [edits(GOOD, range(5), EcritureDate="20260505", ValidDate="20260505")],
    "auxiliary": [edit(GOOD, 0, CompAuxLib=""), edit(GOOD, 1, CompAuxNum="c-elise")],
    "labels": [edit(GOOD, 3, CompteLib="Ventes 20 %"), edit(GOOD, 5, JournalLib="Espèces")],
    "lettering": [edit(GOOD, FIRST_LETTERED, DateLet=""),
                  edit(GOOD, line_of(GOOD, PieceRef="F000015"), EcritureLet="Z",
                       DateLet="20260506"),
                  edit(GOOD, FIRST_LETTERED, DateLet="20260503")],
    "currency": [edit(GOOD, 1, Montantdevise="10,00")],
}


@pytest.mark.parametrize(("rule", "text"), [(rule, text) for rule, texts in BROKEN.items()
                                            for text in texts])
def test_a_broken_file_is_caught_by_its_rule(rule, text):
    assert rule in RULES
    assert rule in rules_broken(check_fec(text, "standard", FY_START, FY_END))


def test_every_rule_has_a_broken_file_that_it_catches():
    assert set(BROKEN) | {"fiscal-year", "cash-basis"} == set(RULES)


def test_an_entry_dated_outside_the_fiscal_year_is_caught():
    assert check_fec(GOOD, "standard", FY_START, FY_END) == []
    problems = check_fec(GOOD, "standard", date(2025, 6, 1), date(2026, 5, 5))
    assert rules_broken(problems) == {"fiscal-year"}


@pytest.mark.parametrize(("fields", "rule"), [
    ({"ModeRglt": ""}, "cash-basis"), ({"DateRglt": ""}, "cash-basis"),
    ({"DateRglt": "2026-05-04"}, "date-format")])
def test_a_broken_cash_basis_file_is_caught(fields, rule):
    assert rule in rules_broken(check_fec(edit(CASH, CASH_PAYMENT, **fields), "cash_basis"))


def test_the_standard_file_is_not_a_cash_basis_one_nor_the_reverse():
    assert "header" in rules_broken(check_fec(GOOD, "cash_basis"))
    assert "header" in rules_broken(check_fec(CASH, "standard"))


# -- any sequence of entries ----------------------------------------------------------------

CUSTOMERS = ("c-1", "c-2", "c-3")
ORDERS = {f"{index:08d}-{customer}": customer
          for index, customer in enumerate(("c-1", "c-1", "c-2", "c-3", "c-3"))}
RATE_VALUES = {"0": 0, "2.1": 21, "5.5": 55, "10": 100, "20": 200}
days = st.dates(FY_START - timedelta(days=5), FY_END + timedelta(days=5))
cents = st.integers(-30_000, 30_000)
orders = st.sampled_from(sorted(ORDERS))
modes = st.sampled_from(["cash", "cheque", "card", "transfer", "online"])


def _sale_of(day, order, rated, credit):
    vat = [(rate, base, base * RATE_VALUES[rate] // 1000) for rate, base in rated]
    if credit:
        vat = [(rate, -base, -tax) for rate, base, tax in vat]
    return sale(0, day, "F", order, ORDERS[order], *vat,
                kind="credit_invoice" if credit else "invoice")


any_entry = st.one_of(
    st.builds(_sale_of, days, orders,
              st.lists(st.tuples(st.sampled_from(sorted(RATE_VALUES)), st.integers(0, 50_000)),
                       max_size=3, unique_by=lambda pair: pair[0]), st.booleans()),
    st.builds(lambda day, order, mode, amount: payment(0, day, order, ORDERS[order], mode,
                                                       amount), days, orders, modes, cents),
    st.builds(lambda day, order, amount, cancels: credit_note(0, day, 1, order, ORDERS[order],
                                                              amount, cancels),
              days, orders, cents, st.booleans()),
    st.builds(lambda day, order, amount: settlement(0, day, order, ORDERS[order], amount,
                                                    "cash", amount), days, orders, cents),
    st.builds(lambda day, customer, amount, mode, label: movement(0, day, "m0", customer,
                                                                  amount, mode, label),
              days, st.sampled_from(CUSTOMERS), cents, st.none() | modes,
              st.text(max_size=12)),
)


def owed_by_customer(entries: list[dict]) -> dict[str, int]:
    """What the entries of the fiscal year say each customer owes: the sales' totals less the
    money received and the movements on the account (a credit note restates the difference)."""
    owed = defaultdict(int)
    for item in entries:
        if not FY_START <= item["day"] <= FY_END:
            continue
        content = item["content"]
        if item["kind"] in ("invoice", "credit_invoice"):
            owed[content["customer_id"]] += content["total_cents"]
        elif item["kind"] in ("payment", "movement"):
            owed[content["customer_id"]] -= content["amount_cents"]
    return {customer: cents for customer, cents in owed.items() if cents}


@settings(max_examples=150, deadline=None)
@given(st.lists(any_entry, max_size=30), st.sampled_from(["standard", "cash_basis"]))
def test_any_entries_make_a_valid_balanced_fec_whose_customers_owe_what_the_entries_say(
        generated, variant):
    entries = []
    for seq, item in enumerate(generated, start=1):
        content = dict(item["content"])
        if item["kind"] in ("invoice", "credit_invoice"):
            content["number"] = f"F{seq:06d}"
        if item["kind"] == "movement":
            content["movement_id"] = f"{seq:08d}-movement"
        entries.append({**item, "seq": seq, "content": content})
    text = fec(entries, variant, names={"c-1": "Élise Martin"})
    assert check_fec(text, variant, FY_START, FY_END) == []
    balances = defaultdict(int)
    for row in rows(text):
        if row["CompteNum"] == "411000":
            balances[row["CompAuxNum"]] += _cents(row["Debit"]) - _cents(row["Credit"])
    assert {customer: cents for customer, cents in balances.items() if cents} == \
        owed_by_customer(entries)


def _cents(amount: str) -> int:
    units, decimals = amount.split(",")
    return int(units) * 100 + int(decimals)
