"""CFONB 120: the corpus read line by line, the signed amounts, the records' order and balances
checked, and files written from random statements read back as they were written."""

import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.domain.statements.cfonb120 import Record, amount, parse
from payments.domain.statements.model import BankLine, NotAStatement, Statement
from payments.domain.statements.rib import iban_of_rib

CORPUS = Path(__file__).parent / "corpus"
RIB_A, IBAN_A = ("30004", "00823", "00010123456"), "FR7630004008230001012345669"
RIB_B, IBAN_B = ("20041", "01005", "0500013M026"), "FR1420041010050500013M02606"
IBAN_C = "FR7610278060760002010170196"
"""The IBANs of the corpus' RIBs, as schwifty computes them."""


def overpunched(units: int) -> str:
    """An amount as banks write it: 13 digits, then its last digit and its sign in one letter."""
    last = ("{ABCDEFGHI" if units >= 0 else "}JKLMNOPQR")[abs(units) % 10]
    return f"{abs(units) // 10:013d}{last}"


def record(code: str, rib: tuple[str, str, str] = RIB_A, *, day: str = "030624", units: int = 0,
           decimals: str = "2", currency: str = "EUR", value_day: str = "", label: str = "",
           qualifier: str = "", information: str = "", reference: str = "") -> str:
    """A record of 120 characters, each zone at its place in the CFONB brochure (1-based)."""
    zones = {1: code, 3: rib[0], 12: rib[1], 17: currency, 20: decimals, 22: rib[2], 35: day}
    if code == "05":
        zones |= {46: qualifier, 49: information}
    else:
        zones |= {43: value_day, 49: label, 91: overpunched(units), 105: reference}
    text = [" "] * 120
    for position, zone in zones.items():
        text[position - 1:position - 1 + len(zone)] = zone
    assert len(text) == 120
    return "".join(text)


def cfonb(*records: str, separator: str = "\r\n", encoding: str = "latin-1") -> bytes:
    return separator.join(records).encode(encoding)


def read(name: str) -> Statement:
    return parse((CORPUS / name).read_bytes())


def test_two_accounts_with_their_complements_in_latin1_and_crlf():
    statement = read("cfonb-two-accounts-crlf-latin1.txt")
    june_3, june_4 = date(2024, 6, 3), date(2024, 6, 4)
    assert statement.format == "cfonb120"
    assert statement.accounts == [IBAN_A, IBAN_B]
    assert statement.lines == [
        BankLine(IBAN_A, june_3, 4250, "VIR SEPA RECU /DE LEFEVRE M Facture 2024-118", june_3,
                 counterparty="Mme Martine Lefèvre", reference="ARD-7KQ3"),
        BankLine(IBAN_A, june_3, -8731, "PRLV SEPA EDF", june_4, counterparty="EDF SA",
                 reference="PRLV-88231-EDF"),
        BankLine(IBAN_A, june_3, -490, "COMMISSION INTERVENTION", june_3),
        BankLine(IBAN_B, june_3, 12000, "VIREMENT DE M. OU MME DUBOIS Paniers de mai et de juin "
                 "2024 pour la famille Dubois, reference ARD-M2X9 merci", june_3,
                 counterparty="M. OU MME DUBOIS FRANÇOIS"),
        BankLine(IBAN_B, june_3, 6000, "VERSEMENT ESPECES", None, reference="BORD 0042"),
    ]


def test_every_overpunch_character_in_a_file_with_lf_and_its_trailing_spaces_cut():
    statement = read("cfonb-overpunch-lf-trimmed.txt")
    june_11 = date(2024, 6, 11)
    assert statement.accounts == [IBAN_A]
    assert statement.lines == [
        BankLine(IBAN_A, june_11, sign * (1000 * (digit + 1) + digit),
                 f"SIGNE {'+' if sign > 0 else '-'}{digit}", june_11)
        for digit in range(10) for sign in (1, -1)]


def test_a_file_without_line_ends_in_windows_1252_with_two_days_of_one_account():
    statement = read("cfonb-no-separator-cp1252.txt")
    june_12, june_13 = date(2024, 6, 12), date(2024, 6, 13)
    assert statement.accounts == [IBAN_C]
    assert statement.lines == [
        BankLine(IBAN_C, june_12, 2750, "VIR RECU L OEUF DE COEUR Commande n° 42 – œufs", june_12,
                 counterparty="SARL L’ŒUF DE CŒUR"),
        BankLine(IBAN_C, june_13, -1999, "CARTE 12/06 MARCHE BIO", june_13),
    ]


def test_a_file_in_utf8_with_a_bom():
    june_14 = date(2024, 6, 14)
    assert read("cfonb-utf8-bom.txt").lines == [
        BankLine(IBAN_A, june_14, 3300, "VIR SEPA RECU /DE COTE H", june_14,
                 counterparty="Hélène Côté")]


def test_a_statement_whose_balances_do_not_add_up_is_refused_by_name():
    with pytest.raises(NotAStatement) as refused:
        read("cfonb-unbalanced.txt")
    assert str(refused.value) == (
        f"CFONB 120: the statement of {IBAN_A} of 2024-06-18 opened line 4 does not add up: "
        "the opening balance 215.00 and the movements +25.00 make 240.00, but the closing "
        "balance (line 6) is 240.01 EUR")


CREDIT_LAST, DEBIT_LAST = "{ABCDEFGHI", "}JKLMNOPQR"
"""The table, from the brochure: the character that ends an amount, for + or - 0..9."""
POSITIVE = [(char, digit) for digit, char in enumerate(CREDIT_LAST)]
NEGATIVE = [(char, -digit) for digit, char in enumerate(DEBIT_LAST)]
OVERPUNCH = CREDIT_LAST + DEBIT_LAST


def amount_of(field: str, decimals: str = "2") -> Decimal:
    return amount(Record("line 1", record("04", decimals=decimals)[:90] + field + " " * 16))


@pytest.mark.parametrize(("char", "last_digit"), POSITIVE + NEGATIVE)
def test_the_last_character_of_an_amount_is_its_last_digit_and_its_sign(char, last_digit):
    sign = -1 if char in DEBIT_LAST else 1
    assert amount_of("0000000001234" + char) == Decimal(sign * 12340 + last_digit) / 100
    assert amount_of("0000000001234" + char, decimals="0") == sign * 12340 + last_digit


@pytest.mark.parametrize("char", sorted(set(map(chr, range(32, 256))) - set(OVERPUNCH)))
def test_any_other_last_character_is_refused(char):
    with pytest.raises(NotAStatement, match="is not 13 digits and a signed last character"):
        amount_of("0000000001234" + char)


@pytest.mark.parametrize("decimals", range(10))
def test_the_number_of_decimals_places_the_point(decimals):
    assert amount_of("1234567890123{", str(decimals)) == Decimal(12345678901230).scaleb(-decimals)


def test_the_iban_is_computed_from_the_rib_with_its_key():
    assert iban_of_rib("30006", "00001", "12345678901") == "FR7630006000011234567890189"
    assert iban_of_rib(*RIB_B) == IBAN_B


@given(st.text("0123456789", min_size=10, max_size=10),
       st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=11, max_size=11))
def test_every_iban_computed_passes_both_checks_mod_97(bank_and_branch, account):
    iban = iban_of_rib(bank_and_branch[:5], bank_and_branch[5:], account)
    assert int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1
    rib_digits = bank_and_branch + account.translate(str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")) + iban[-2:]
    assert int(rib_digits) % 97 == 0


def movement(units: int, label: str, *complements: tuple[str, str], **zones) -> list[str]:
    return [record("04", units=units, label=label, value_day="030624", **zones)] + [
        record("05", qualifier=qualifier, information=text) for qualifier, text in complements]


def one_block(*movements: list[str], opening: int = 0) -> bytes:
    records = [line for lines in movements for line in lines]
    moved = sum(int(amount(Record("", r)) * 100) for r in records if r.startswith("04"))
    return cfonb(record("01", day="020624", units=opening), *records,
                 record("07", units=opening + moved))


def only_line(data: bytes) -> BankLine:
    [line] = parse(data).lines
    return line


def test_the_payer_is_the_counterparty_of_a_credit_and_the_payee_of_a_debit():
    parties = (("NPY", "GAEC DU PRE"), ("NBE", "BIOCOOP"))
    assert only_line(one_block(movement(500, "VIR", *parties))).counterparty == "GAEC DU PRE"
    assert only_line(one_block(movement(-500, "PRLV", *parties))).counterparty == "BIOCOOP"
    assert only_line(one_block(movement(-500, "PRLV", parties[0]))).counterparty == "GAEC DU PRE"


def test_the_reference_is_the_rcn_then_the_ref_and_notprovided_is_none():
    rcn = ("RCN", "E2E-42".ljust(35) + "SUPP")
    assert only_line(one_block(movement(500, "VIR", rcn, ("REF", "R-9")))).reference == "E2E-42 R-9"
    assert only_line(one_block(movement(500, "VIR", ("RCN", "NOTPROVIDED")))).reference is None
    line = only_line(one_block(movement(500, "VIR", reference="CHQ 0001234")))
    assert line.reference == "CHQ 0001234"


def test_lib_and_blank_qualified_complements_follow_the_label_once():
    line = only_line(one_block(movement(
        500, "VIR  DUPONT", ("LIB", "Facture 12"), ("   ", "suite"), ("LCC", "Facture 12"))))
    assert line.label == "VIR DUPONT Facture 12 suite"


def test_two_identical_movements_are_two_lines():
    twice = movement(700, "CB BOULANGERIE")
    assert len(parse(one_block(twice, twice)).lines) == 2


def test_blank_currency_and_decimals_on_balances_mean_euro_cents():
    lcl = cfonb(record("01", currency="   ", decimals=" ", units=100),
                record("04", units=250, label="VIR"), record("07", currency="   ", decimals=" ",
                                                             units=350))
    assert [(line.amount_cents, line.currency) for line in parse(lcl).lines] == [(250, "EUR")]


def test_amounts_in_a_currency_without_decimals_are_counted_in_hundredths():
    xpf = dict(currency="XPF", decimals="0")
    data = cfonb(record("01", **xpf), record("04", units=1500, label="VIR", **xpf),
                 record("07", units=1500, **xpf))
    assert [(line.amount_cents, line.currency) for line in parse(data).lines] == [
        (150000, "XPF")]


BROKEN = {
    "a movement before any opening balance": (
        [record("04", label="VIR")], "line 1: a record 04 outside a statement"),
    "a complement before any movement": (
        [record("01"), record("05", qualifier="LIB"), record("07")],
        "line 2: a complement (05) before any movement (04)"),
    "an opening balance inside a statement": (
        [record("01"), record("01")], "line 2: an opening balance (01) while the statement"),
    "no closing balance": ([record("01")], "has no closing balance (07)"),
    "a record code unknown": ([record("01"), record("06"), record("07")],
                              "line 2: the record code '06' is none of 01, 04, 05, 07"),
    "a movement of another account": (
        [record("01"), record("04", RIB_B), record("07")], f"a movement (04) of {IBAN_B} inside"),
    "a closing balance of another account": (
        [record("01"), record("07", RIB_B)], f"the closing balance (07) of {IBAN_B} inside"),
    "a date that does not exist": ([record("01", day="310224")], "'310224' is not a date JJMMAA"),
    "a movement without booking date": ([record("01"), record("04", day="")], "booking date is"),
    "an account number of 10 characters": (
        [record("01", ("30004", "00823", "0001012345 "))], "is not a bank code"),
    "an amount of tenths of a cent": (
        [record("01", decimals="3"), record("04", units=1, decimals="3"),
         record("07", units=1, decimals="3")], "has more than 2 decimals"),
    "a currency that is no code": ([record("01", currency="E1R")], "is not an ISO 4217 code"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_is_refused_saying_where(case):
    records, message = BROKEN[case]
    with pytest.raises(NotAStatement, match="^CFONB 120") as refused:
        parse(cfonb(*records))
    assert message in str(refused.value)


def test_the_label_ends_at_position_79_before_the_entry_number():
    written = record("04", units=500, label="L" * 31)
    with_entry = written[:79] + "99" + "0004217" + written[88:]  # 80-81 reserved, 82-88 entry
    data = cfonb(record("01"), with_entry, record("07", units=500))
    assert only_line(data).label == "L" * 31


def test_a_file_without_line_ends_whose_last_spaces_are_cut_is_read():
    records = [record("01"), record("04", units=500, label="VIR"), record("07", units=500)]
    assert only_line(cfonb(*records, separator="").rstrip()).amount_cents == 500


def test_a_line_neither_120_characters_nor_records_end_to_end_is_refused():
    with pytest.raises(NotAStatement, match="line 2: 121 characters where a record has 120"):
        parse(cfonb(record("01"), record("04") + "X", record("07")))


def test_a_file_of_blank_lines_holds_no_record():
    with pytest.raises(NotAStatement, match="holds no record"):
        parse(b"\r\n  \r\n")


WORDS = st.text(string.ascii_letters + string.digits + "éèàçùâêîôûëïüÉÈÀÇÔ'/-.,",
                min_size=1, max_size=8)
"""Accented letters of 0xC0-0xFF only: their ISO-8859-1 bytes are never valid UTF-8."""


def words(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(WORDS, min_size=1, max_size=8).map(" ".join).filter(
        lambda text: len(text) <= max_size)


DAYS = st.dates(date(2000, 1, 1), date(2068, 12, 31))
RIBS = st.tuples(st.text("0123456789", min_size=5, max_size=5),
                 st.text("0123456789", min_size=5, max_size=5),
                 st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=11, max_size=11))


def in_units(cents: int, decimals: int) -> int:
    return cents * 10 ** decimals // 100


@st.composite
def statement_files(draw) -> tuple[list[str], Statement]:
    """Random statements written as records, and what they must be read as."""
    records, lines, accounts = [], [], []
    for _ in range(draw(st.integers(1, 4))):
        rib, currency = draw(RIBS), draw(st.sampled_from(["EUR", "USD", "XPF"]))
        accounts += [iban_of_rib(*rib)] if iban_of_rib(*rib) not in accounts else []
        decimals = draw(st.integers(0, 3))
        zones = dict(decimals=str(decimals), currency=currency)
        cents_step = 100 // 10 ** min(decimals, 2)  # what the decimals can say exactly
        balance = draw(st.integers(-10 ** 9, 10 ** 9)) * cents_step
        records.append(record("01", rib, day=draw(DAYS).strftime("%d%m%y"),
                              units=in_units(balance, decimals), **zones))
        for _ in range(draw(st.integers(0, 5))):
            cents = draw(st.integers(-10 ** 7, 10 ** 7)) * cents_step
            booked, valued = draw(DAYS), draw(st.none() | DAYS)
            label, lib = draw(words(31)), draw(st.none() | words(70))
            party, reference = draw(st.none() | words(70)), draw(st.none() | words(35))
            day = booked.strftime("%d%m%y")
            records.append(record("04", rib, day=day, units=in_units(cents, decimals), label=label,
                                  value_day=valued.strftime("%d%m%y") if valued else "", **zones))
            complements = [("LIB", lib), ("NPY" if cents > 0 else "NBE", party),
                           ("RCN", reference)]
            records += [record("05", rib, day=day, qualifier=q, information=text, **zones)
                        for q, text in draw(st.permutations(complements)) if text]
            balance += cents
            lines.append(BankLine(
                iban_of_rib(*rib), booked, cents,
                label if lib in (None, label) else f"{label} {lib}", valued,
                counterparty=party, reference=reference, currency=currency))
        records.append(record("07", rib, day=draw(DAYS).strftime("%d%m%y"),
                              units=in_units(balance, decimals), **zones))
    return records, Statement("cfonb120", lines, accounts)


@given(statement_files(), st.sampled_from(["\r\n", "\n", ""]),
       st.sampled_from(["latin-1", "cp1252", "utf-8", "utf-8-sig"]), st.booleans())
def test_written_statements_are_read_back_as_they_were_written(written, separator, encoding,
                                                                trimmed):
    records, statement = written
    if trimmed and separator:
        records = [line.rstrip() for line in records]
    assert parse(cfonb(*records, separator=separator, encoding=encoding)) == statement


@given(st.binary(max_size=2000))
def test_any_bytes_are_a_statement_or_refused(data):
    try:
        assert isinstance(parse(data), Statement)
    except NotAStatement:
        pass


@given(statement_files(), st.lists(st.tuples(st.integers(0, 10 ** 6), st.binary(min_size=1,
                                                                                 max_size=3)),
                                   min_size=1, max_size=4))
def test_a_written_statement_damaged_anywhere_is_a_statement_or_refused(written, damages):
    data = bytearray(cfonb(*written[0]))
    for at, garbage in damages:
        data[at % len(data):at % len(data) + len(garbage)] = garbage
    try:
        assert isinstance(parse(bytes(data)), Statement)
    except NotAStatement:
        pass
