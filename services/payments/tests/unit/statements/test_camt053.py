"""CAMT.053: the corpus (versions 02, 04 and 08, each checked against its ISO 20022 schema when
written) read line by line, its keys, and refusals that say what was expected."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.domain.statements.camt053 import parse
from payments.domain.statements.model import NotAStatement, Statement

CORPUS = Path(__file__).parent / "corpus"
ACCOUNT_A = "FR7630004008280001074512991"
FILES = {  # name: (booked lines, their sum in cents, accounts); the sums match the balances
    "camt053-v02-ustrd.xml": (5, 10810, [ACCOUNT_A]),
    "camt053-v02-latin1-overlap.xml": (9, 5510, [ACCOUNT_A]),
    "camt053-v04-two-accounts.xml": (
        5, 9787, ["FR7630003036200005002345647", "FR7630003036200005002346035"]),
    "camt053-v08-batch-reversal.xml": (6, -18010, ["FR7613335000400800123456769"]),
    "camt053-v08-bom-prefixed.xml": (4, 4260, ["FR7610278060410002015760152"]),
}


def read(name: str) -> Statement:
    return parse((CORPUS / name).read_bytes())


def document(entries: str, account: str = f"<IBAN>{ACCOUNT_A}</IBAN>",
             version: str = "02") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:'
            f'tech:xsd:camt.053.001.{version}"><BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id>'
            f"{account}</Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>").encode()


def entry(amount: str, details: str = "", indicator: str = "CRDT", day: str = "2024-03-14",
          ref: str = "R1") -> str:
    return (f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
            f"<NtryDtls>{details}</NtryDtls><AddtlNtryInf>REMISE</AddtlNtryInf></Ntry>")


@pytest.mark.parametrize("name", FILES)
def test_each_corpus_file_gives_its_booked_lines_and_accounts(name):
    count, total_cents, accounts = FILES[name]
    statement = read(name)
    assert statement.format == "camt.053"
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
    first, second = read("camt053-v02-ustrd.xml"), read("camt053-v02-latin1-overlap.xml")
    again = {line.key: line for line in second.lines}
    assert all(again[line.key] == line for line in first.lines)
    fee = next(line for line in first.lines if line.bank_reference is None)
    assert fee.label == "FRAIS TENUE DE COMPTE - COTISATION ÉQUIPEMENT"   # UTF-8, then latin-1
    assert fee.key in again


def test_a_french_export_gives_the_payer_the_remittance_and_the_references():
    martin, dupont, orange, fee, glycines = read("camt053-v02-ustrd.xml").lines
    assert martin.account == ACCOUNT_A
    assert (martin.amount_cents, martin.booking_date, martin.value_date) == (
        4250, date(2024, 3, 14), date(2024, 3, 14))
    assert (martin.counterparty, martin.label) == ("MARTIN CLAIRE", "ARD-7K2Q9P")
    assert (martin.reference, martin.bank_reference) == ("ARD-7K2Q9P-0314", "2407400012345601")
    assert martin.key == f"{ACCOUNT_A}:2407400012345601"
    assert dupont.reference is None                      # EndToEndId NOTPROVIDED
    assert (orange.amount_cents, orange.counterparty) == (-1290, "ORANGE SA")
    assert (fee.amount_cents, fee.counterparty) == (-450, None)
    assert fee.key.startswith(f"{ACCOUNT_A}:h")          # no bank reference: a hash
    assert glycines.label == "FACTURE F2024-0031 LIVRAISONS FEVRIER ARD-9X2B7C"


def test_pending_and_information_entries_are_left_out_until_booked():
    booked = {line.bank_reference for line in read("camt053-v02-ustrd.xml").lines}
    assert "2407400012345604" not in booked              # PDNG on the 14th
    later = {line.bank_reference: line for line in read("camt053-v02-latin1-overlap.xml").lines}
    assert later["2407400012345604"].booking_date == date(2024, 3, 15)
    refs = {line.bank_reference for line in read("camt053-v08-bom-prefixed.xml").lines}
    assert refs.isdisjoint({"CM24093A0000774", "CM24093A0000775"})    # INFO, PDNG


def test_latin1_names_are_read_as_written():
    lines = {line.bank_reference: line for line in read("camt053-v02-latin1-overlap.xml").lines}
    assert lines["2407500012345606"].counterparty == "LEFÈVRE HÉLÈNE"
    assert lines["2407500012345607"].label == "FACTURE SEMENCES N° 2024-118"
    assert lines["2407500012345608"].counterparty == "FRANÇOIS GAËLLE"


def test_version_08_with_a_prefix_gives_ntryref_the_bank_s_day_and_the_structured_reference():
    rousseau, association, card, fee = read("camt053-v08-bom-prefixed.xml").lines
    assert rousseau.bank_reference == "N0402-0001"
    assert rousseau.booking_date == date(2024, 4, 2)     # DtTm 2024-04-02T09:14:05+02:00
    assert (rousseau.counterparty, rousseau.reference) == ("ROUSSEAU ÉMILIE", "RF59ARD9X2B7C")
    assert rousseau.label == "RF59ARD9X2B7C PANIER DU 28/03"
    assert association.counterparty == "ASSOCIATION LES JARDINS PARTAGÉS"
    assert (card.amount_cents, card.counterparty) == (-3620, "STATION TOTAL NANTES")
    assert card.label == "PAIEMENT CB 3103 NANTES STATION TOTAL"   # AddtlTxInf
    assert card.value_date == date(2024, 4, 1)
    assert (fee.label, fee.amount_cents) == ("COMMISSION VIREMENT INSTANTANE", -300)


def test_two_accounts_keep_their_own_lines():
    statement = read("camt053-v04-two-accounts.xml")
    current, savings = statement.accounts
    assert [line.amount_cents for line in statement.lines if line.account == current] == [
        4800, 4800, -25000]
    assert [line.amount_cents for line in statement.lines if line.account == savings] == [
        25000, 187]


def test_a_batch_whose_details_carry_amounts_gives_one_line_per_detail():
    moreau, girard, faure, *_ = read("camt053-v08-batch-reversal.xml").lines
    assert [line.amount_cents for line in (moreau, girard, faure)] == [4250, 5000, 4250]
    assert [line.counterparty for line in (moreau, girard, faure)] == [
        "MOREAU PAUL", "GIRARD SOPHIE", "FAURE ANTOINE"]
    assert [line.bank_reference for line in (moreau, girard, faure)] == [
        "CE0610B00001/1", "CE0610B00001/2", "CE0610B00001/3"]
    assert girard.label == "ARD-1Q2W3E COMMANDE 23"


def test_a_batch_whose_details_carry_no_amounts_gives_one_line():
    batch = read("camt053-v08-batch-reversal.xml").lines[3]
    assert (batch.amount_cents, batch.bank_reference) == (-31000, "CE0610B00002")
    assert (batch.label, batch.counterparty) == ("VIREMENTS SEPA EMIS GROUPES 2 OPERATIONS", None)


def test_a_reversal_keeps_the_sign_of_its_booking_and_names_the_original_party():
    returned, refunded = read("camt053-v08-batch-reversal.xml").lines[4:]
    assert (returned.amount_cents, returned.counterparty) == (-1800, "DUPONT JEAN-PIERRE")
    assert (refunded.amount_cents, refunded.counterparty) == (1290, "ORANGE SA")


def test_a_version_02_batch_reads_the_amounts_in_amtdtls():
    detail = ('<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">{}</Amt></TxAmt></AmtDtls><RltdPties>'
              "<Dbtr><Nm>{}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>{}</Ustrd></RmtInf></TxDtls>")
    lines = parse(document(entry("30.00", detail.format("10.00", "A", "X1")
                                 + detail.format("20.00", "B", "X2")))).lines
    assert [(line.amount_cents, line.counterparty, line.label) for line in lines] == [
        (1000, "A", "X1"), (2000, "B", "X2")]


def test_a_batch_whose_details_do_not_add_up_stays_one_line():
    detail = '<TxDtls><Amt Ccy="EUR">{}</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>'
    lines = parse(document(entry("60.00", detail.format("40.00") + detail.format("30.00")),
                           version="08")).lines
    assert [(line.amount_cents, line.label) for line in lines] == [(6000, "REMISE")]


def test_an_account_without_iban_is_the_bank_s_own_number():
    statement = parse(document(entry("1.00"), account="<Othr><Id>00012345678</Id></Othr>"))
    assert statement.accounts == ["00012345678"]


def test_a_file_that_lies_about_its_encoding_is_read_as_windows_1252():
    data = document(entry("1.00", "<TxDtls><RmtInf><Ustrd>CRÈME</Ustrd></RmtInf></TxDtls>"))
    assert parse(data.decode().encode("cp1252")).lines[0].label == "CRÈME"


@pytest.mark.parametrize(("data", "why"), [
    (b"", "not well-formed XML"),
    (b"Date;Libelle;Montant\n14/03/2024;VIR;42,50\n", "not well-formed XML"),
    (b"<html><body>Session expired</body></html>", "no Stmt element found"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt>'
     b"<Rpt/></BkToCstmrAcctRpt></Document>", "no Stmt element found"),
    ((CORPUS / "camt053-v02-ustrd.xml").read_bytes()[:3000], "not well-formed XML"),
    (document(entry("1.00"), account=""), "names no account"),
    (document(entry("12,50")), "'12,50' of entry R1 is not a decimal number"),
    (document(entry("1.234")), "fractions of a cent"),
    (document(entry("NaN")), "not a decimal number"),
    (document(entry("1.00", indicator="CR")), "neither CRDT nor DBIT"),
    (document(entry("1.00", day="14/03/2024")), "BookgDt '14/03/2024' is not a date"),
    (document(entry("1.00").replace("<BookgDt><Dt>2024-03-14</Dt></BookgDt>", "")),
     "booked entry R1 has neither BookgDt nor ValDt"),
])
def test_what_is_not_a_statement_is_refused_with_what_was_expected(data, why):
    with pytest.raises(NotAStatement) as refusal:
        parse(data)
    assert str(refusal.value).startswith("a CAMT.053 file (ISO 20022 BkToCstmrStmt) was expected")
    assert why in str(refusal.value)


def read_or_refuse(data: bytes) -> None:
    try:
        assert isinstance(parse(data), Statement)
    except NotAStatement:
        pass


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_statement_or_a_refusal(data):
    read_or_refuse(data)


@given(st.sampled_from(sorted(FILES)), st.integers(0, 9000), st.integers(0, 60), st.binary(
    max_size=12))
def test_a_damaged_corpus_file_gives_a_statement_or_a_refusal(name, at, cut, inserted):
    data = (CORPUS / name).read_bytes()
    read_or_refuse(data[:at] + inserted + data[at + cut:])


@given(st.text(alphabet="0123456789.,-+ eE", max_size=25), st.sampled_from(["CRDT", "DBIT"]))
def test_any_amount_text_gives_a_line_or_a_refusal(amount, indicator):
    read_or_refuse(document(entry(amount, indicator=indicator)))
