"""OFX: the corpus (1.02 and 1.6 SGML, 2.2 XML, a QFX card statement) read line by line, its
keys, the SGML end tags a bank leaves out, and refusals that say what was expected."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.domain.statements.model import NotAStatement, Statement
from payments.domain.statements.ofx import parse

CORPUS = Path(__file__).parent / "corpus"
IBAN_RIB = "FR7630006000011234567890189"
"""The IBAN of the RIB 30006 00001 12345678901 89 that the 1.02 files give."""
FILES = {  # name: (lines, their sum in cents, accounts)
    "ofx-102-sgml-cp1252.ofx": (5, 1950, [IBAN_RIB]),
    "ofx-102-overlap.ofx": (5, 1850, [IBAN_RIB]),
    "ofx-160-two-accounts.ofx": (
        5, 3075, ["FR4120041010050512345X02082", "FR4120041010050512345Y02089"]),
    "ofx-220-xml-bom.ofx": (4, 4260, ["FR7610278060410002015760152"]),
    "ofx-cc-statement.qfx": (4, -7615, ["4974XXXXXXXX1234"]),
}


def read(name: str) -> Statement:
    return parse((CORPUS / name).read_bytes())


def sgml(transactions: str, account: str = "<BANKID>30006<BRANCHID>00001<ACCTID>12345678901"
         "<ACCTTYPE>CHECKING<ACCTKEY>89") -> bytes:
    return ("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX><BANKMSGSRSV1><STMTTRNRS>"
            f"<STMTRS><CURDEF>EUR<BANKACCTFROM>{account}</BANKACCTFROM><BANKTRANLIST>"
            f"{transactions}</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>").encode()


def transaction(amount: str = "10.00", posted: str = "20240304", fitid: str = "F1") -> str:
    return (f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>{fitid}"
            "<NAME>VIR SEPA RECU<MEMO>/MOTIF ARD-7K2Q9P</STMTTRN>")


@pytest.mark.parametrize("name", FILES)
def test_each_corpus_file_gives_its_lines_and_accounts(name):
    count, total_cents, accounts = FILES[name]
    statement = read(name)
    assert statement.format == "ofx"
    assert len(statement.lines) == count
    assert sum(line.amount_cents for line in statement.lines) == total_cents
    assert statement.accounts == accounts
    assert all(line.currency == "EUR" for line in statement.lines)


@pytest.mark.parametrize("name", FILES)
def test_keys_are_unique_within_a_file_and_the_same_at_each_reading(name):
    keys = [line.key for line in read(name).lines]
    assert len(set(keys)) == len(keys)
    assert keys == [line.key for line in read(name).lines]


def test_a_transaction_in_two_overlapping_files_keeps_its_key():
    first, second = read("ofx-102-sgml-cp1252.ofx"), read("ofx-102-overlap.ofx")
    again = {line.key: line for line in second.lines}
    shared = [line for line in first.lines if line.key in again]
    assert [line.bank_reference for line in shared] == ["24068000004", "24071000005"]
    assert all(again[line.key] == line for line in shared)


def test_a_windows_1252_sgml_file_gives_accents_the_euro_sign_and_comma_amounts():
    martin, energies, bakery, durand, fee = read("ofx-102-sgml-cp1252.ofx").lines
    assert (martin.account, martin.amount_cents, martin.booking_date) == (
        IBAN_RIB, 4250, date(2024, 3, 4))
    assert martin.label == "VIR SEPA RECU /DE MARTIN CLAIRE /MOTIF ARD-7K2Q9P /REF ARD-7K2Q9P-0304"
    assert (martin.bank_reference, martin.key) == ("24064000001", f"{IBAN_RIB}:24064000001")
    assert energies.amount_cents == -1290                # TRNAMT -12,90
    assert energies.label == "PRLV SEPA ÉNERGIES DU LITTORAL ÉCHÉANCE MARS 2024 /RUM EDL-55120"
    assert bakery.booking_date == date(2024, 3, 6)       # DTPOSTED, not DTUSER
    assert durand.label == "VIR SEPA RECU /DE DURAND & FILS /MOTIF ARD-3H8M4T"
    assert fee.label == "FRAIS TENUE DE COMPTE COTISATION FORFAIT PRO 4,50€ MARS"


def test_a_posting_time_with_its_zone_keeps_the_bank_s_day():
    first = read("ofx-160-two-accounts.ofx").lines[0]    # 20240402000000.000[+2:CEST]
    assert first.booking_date == date(2024, 4, 2)


def test_two_accounts_keep_their_own_lines():
    statement = read("ofx-160-two-accounts.ofx")
    current, savings = statement.accounts
    assert [line.amount_cents for line in statement.lines if line.account == current] == [
        3600, -840, -10000]
    assert [line.amount_cents for line in statement.lines if line.account == savings] == [
        10000, 315]


def test_an_empty_element_left_open_does_not_swallow_what_follows():
    data = (CORPUS / "ofx-160-two-accounts.ofx").read_bytes()
    damaged = parse(data.replace(b"<MEMO>REF: ARD-2D4F6H", b"<MEMO>"))
    assert [(line.account, line.amount_cents) for line in damaged.lines] == [
        (line.account, line.amount_cents) for line in parse(data).lines]
    assert damaged.lines[0].label == "VIREMENT DE MME ROUSSEAU ÉMILIE"
    card = read("ofx-cc-statement.qfx").lines           # its first MEMO is empty and open
    assert [line.bank_reference for line in card] == [
        "CB240405A1", "CB240412A2", "CB240415A3", "CB240422A4"]
    assert card[0].label == "L'EPI D'OR ST NAZAIRE"


def test_ofx_documents_put_one_after_another_are_all_read():
    first, second = "ofx-102-sgml-cp1252.ofx", "ofx-160-two-accounts.ofx"
    statement = parse((CORPUS / first).read_bytes() + (CORPUS / second).read_bytes())
    assert statement.accounts == FILES[first][2] + FILES[second][2]
    assert statement.lines == read(first).lines + read(second).lines


def test_an_ofx_2_file_gives_the_payee_the_value_date_and_leaves_pending_lines_out():
    rousseau, association, shop, fee = read("ofx-220-xml-bom.ofx").lines
    assert rousseau.label == "VIR INST RE ROUSSEAU ÉMILIE RF59ARD9X2B7C PANIER DU 28/03"
    assert association.counterparty == "ASSOCIATION LES JARDINS PARTAGÉS"
    assert (association.label, association.value_date) == (
        "COMMANDE 14 ARD-5R6W2N", date(2024, 4, 2))
    assert shop.label == "CB LEROY & FILS NANTES"
    assert fee.label == "COMMISSION VIREMENT INSTANTANE"   # MEMO repeating NAME, said once


def test_the_account_is_the_iban_when_given_else_as_the_bank_gives_it():
    assert parse(sgml(transaction(), "<BANKID>X<ACCTID>FR76 3000 6000 0112 3456 7890 189")
                 ).accounts == [IBAN_RIB]
    assert parse(sgml(transaction(), "<BANKID>30006<BRANCHID>00001<ACCTID>1234567890189")
                 ).accounts == [IBAN_RIB]               # the RIB's key after the number
    wrong_key = "<BANKID>30006<BRANCHID>00001<ACCTID>12345678901<ACCTKEY>12"
    assert parse(sgml(transaction(), wrong_key)).accounts == ["30006 00001 12345678901"]
    assert parse(sgml(transaction(), "<BANKID>121000248<ACCTID>12-3456")).accounts == [
        "121000248 12-3456"]


def test_a_utf8_file_labelled_windows_1252_is_read_as_utf8():
    data = (CORPUS / "ofx-102-sgml-cp1252.ofx").read_bytes()
    assert parse(data.decode("cp1252").encode()).lines == read("ofx-102-sgml-cp1252.ofx").lines


@pytest.mark.parametrize(("data", "why"), [
    (b"", "no <OFX> element found"),
    (b"Date;Libelle;Montant\n04/03/2024;VIR;42,50\n", "no <OFX> element found"),
    ((CORPUS / "camt053-v02-ustrd.xml").read_bytes(), "no <OFX> element found"),
    ((CORPUS / "ofx-102-sgml-cp1252.ofx").read_bytes()[:1500], "ends before </OFX>"),
    (b"<OFX>" + b"<STMTRS>" * 50, "nested more than 40 deep"),
    (b"OFXHEADER:100\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500<SEVERITY>ERROR"
     b"<MESSAGE>Identifiants invalides</STATUS></SONRS></SIGNONMSGSRSV1></OFX>",
     "no STMTRS or CCSTMTRS statement found (the bank answered 15500: Identifiants invalides)"),
    (sgml(transaction(), "<BANKID>30006"), "names no account"),
    (sgml(transaction(amount="12.5.0")), "TRNAMT '12.5.0' of transaction F1 is not an amount"),
    (sgml(transaction(amount="0.001")), "fractions of a cent"),
    (sgml(transaction(posted="04/03/2024")), "DTPOSTED '04/03/2024' of transaction F1"),
    (sgml(transaction(posted="20241304")), "is not a date"),
])
def test_what_is_not_a_statement_is_refused_with_what_was_expected(data, why):
    with pytest.raises(NotAStatement) as refusal:
        parse(data)
    assert str(refusal.value).startswith("an OFX file (an OFX 1.x SGML or 2.x XML bank")
    assert why in str(refusal.value)


def read_or_refuse(data: bytes) -> None:
    try:
        assert isinstance(parse(data), Statement)
    except NotAStatement:
        pass


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_statement_or_a_refusal(data):
    read_or_refuse(data)


@given(st.lists(st.sampled_from(["<OFX>", "</OFX>", "<STMTRS>", "</STMTRS>", "<BANKACCTFROM>",
                                 "</BANKACCTFROM>", "<ACCTID>", "<BANKTRANLIST>", "<STMTTRN>",
                                 "</STMTTRN>", "<TRNAMT>", "<DTPOSTED>", "<MEMO/>", "</X>",
                                 "<![CDATA[a<b]]>", "&amp;", "1.5", "20240304", "x"]),
                max_size=40))
def test_any_soup_of_ofx_tags_gives_a_statement_or_a_refusal(tokens):
    read_or_refuse("".join(tokens).encode())


@given(st.sampled_from(sorted(FILES)), st.integers(0, 4000), st.integers(0, 60), st.binary(
    max_size=12))
def test_a_damaged_corpus_file_gives_a_statement_or_a_refusal(name, at, cut, inserted):
    data = (CORPUS / name).read_bytes()
    read_or_refuse(data[:at] + inserted + data[at + cut:])
