"""A statement file's format found from its content, and every other file refused with a message
that says what was expected and what the file looks like."""

import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.domain.statements import cfonb120
from payments.domain.statements.detect import EXPECTED, detect_format, parse_statement
from payments.domain.statements.model import NotAStatement, Statement

CORPUS = Path(__file__).parent / "corpus"
CFONB = sorted(CORPUS.glob("cfonb-*.txt"))
BOM = b"\xef\xbb\xbf"

CAMT = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns='
        b'"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr/>')
CAMT_PREFIXED = b"<?xml version='1.0'?><doc:Document xmlns:doc='urn:x'><doc:BkToCstmrStmt>"
OFX_SGML = b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX><SIGNONMSGSRSV1>"
OFX_XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220" '
           b'SECURITY="NONE"?>\n<OFX><SIGNONMSGSRSV1>')
OFX_BARE = b"\r\n<ofx>\r\n<BANKMSGSRSV1>"


class Fake:
    """A parser of another format: what it was given, and a statement of its format."""

    def __init__(self, name: str):
        self.name, self.given = name, []

    def parse(self, data: bytes) -> Statement:
        self.given.append(data)
        return Statement(self.name)


@pytest.fixture
def parsers(monkeypatch) -> dict[str, Fake]:
    fakes = {"camt053": Fake("camt.053"), "ofx": Fake("ofx")}
    for module, fake in fakes.items():
        monkeypatch.setitem(sys.modules, f"payments.domain.statements.{module}",
                            SimpleNamespace(parse=fake.parse))
    return fakes


@pytest.mark.parametrize(("data", "module"), [
    (CAMT, "camt053"), (BOM + CAMT, "camt053"), (CAMT_PREFIXED, "camt053"),
    (OFX_SGML, "ofx"), (OFX_XML, "ofx"), (OFX_BARE, "ofx"), (BOM + OFX_XML, "ofx")])
def test_camt053_and_ofx_go_to_their_parser_without_the_bom(parsers, data, module):
    statement = parse_statement(data)
    assert statement.format == parsers[module].name
    assert parsers[module].given == [data.removeprefix(BOM)]


@pytest.mark.parametrize("path", CFONB, ids=[path.name for path in CFONB])
def test_each_cfonb_file_of_the_corpus_is_read_as_cfonb120(path):
    data = path.read_bytes()
    assert detect_format(data) == "cfonb120"
    if "unbalanced" in path.name:
        with pytest.raises(NotAStatement, match="^CFONB 120: the statement of .* does not add up"):
            parse_statement(data)
    else:
        assert parse_statement(data) == cfonb120.parse(data)


OPENING = b"0130004    00823EUR2 00010123456  030624" + b" " * 50
"""A record 01 up to its balance."""


def test_a_record_01_with_its_trailing_spaces_cut_is_cfonb120():
    assert detect_format(OPENING + b"0000000012500{") == "cfonb120"


def test_a_broken_cfonb_file_is_refused_by_the_cfonb_parser_saying_where():
    with pytest.raises(NotAStatement, match="^CFONB 120, line 1: the amount"):
        parse_statement(OPENING + b"00000000125000")


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
REFUSED = [
    (b"", "empty"), (b" \r\n\t\n", "empty"), (BOM, "empty"), (BOM + b"\r\n", "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
    (PNG, "a PNG image"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    (b"GIF89a\x01\x00", "a GIF image"), (b"II*\x00\x08\x00", "a TIFF image"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a WebP image"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "an HEIC image (a phone's photo)"),
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml xl/workbook.xml", "an Excel workbook (.xlsx)"),
    (b"PK\x03\x04\x14\x00word/document.xml", "a Word document (.docx)"),
    (b"PK\x03\x04\x14\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
     "an OpenDocument spreadsheet (.ods)"),
    (b"PK\x03\x04\x14\x00releve.txt", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "an old Microsoft Office document"),
    (b"\x1f\x8b\x08\x00", "a gzip archive"),
    (b"<!DOCTYPE html>\n<html lang=fr><title>Ma banque</title>", "an HTML page"),
    (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
     b"<BkToCstmrDbtCdtNtfctn>", "a camt.054 message, not a camt.053 statement"),
    (b'<?xml version="1.0"?>\n<!-- export -->\n<Invoice id="1"/>',
     "XML whose root element is <Invoice>, not a camt.053 statement"),
    (b'{"transactions": []}', "JSON data"),
    (b"!Type:Bank\nD03/06/2024\nT42.50\n^", "a QIF file (Quicken)"),
    (b"{1:F01BNPAFRPPXXX0000000000}{4:\r\n:20:STMT", "a SWIFT MT940 statement"),
    (b":20:STMT240603\r\n:25:30004/00010123456\r\n:28C:1", "a SWIFT MT940 statement"),
    (b"Date;Libell\xe9;Montant\r\n03/06/2024;VIR LEFEVRE;42,50\r\n",
     "a CSV file (values separated by semicolons)"),
    (b"date,label,amount\n2024-06-03,VIR,42.50\n", "a CSV file (values separated by commas)"),
    (b"date\tlabel\tamount\n2024-06-03\tVIR\t42.50\n", "a CSV file (values separated by tabs)"),
    ("Date;Montant\n03/06/2024;42,50\n".encode("utf-16"), "text in UTF-16"),
    ("Date;Montant\n03/06/2024;42,50\n".encode("utf-16-le"), "text in UTF-16"),
    (b"\x00\x01\x02\x03\x04\x05", "binary data"), (bytes(range(1, 32)) * 3, "binary data"),
    (b"0302" + b"0" * 236 + b"\r\n", "a CFONB file of 240-character records"),
    (b"0302" + b"0" * 156 + b"\r\n", "a CFONB file of 160-character records"),
    (b"Relev\xe9 de compte du 3 juin 2024\n", "text that begins 'Relevé de compte du 3 juin 2024'"),
    (b"01/06/2024 VIR LEFEVRE 42,50\n", "text that begins '01/06/2024 VIR LEFEVRE 42,50'"),
]


@pytest.mark.parametrize(("data", "looks_like"), REFUSED, ids=[what for _, what in REFUSED])
def test_any_other_file_is_refused_saying_what_it_looks_like(parsers, data, looks_like):
    assert detect_format(data) is None
    with pytest.raises(NotAStatement) as refused:
        parse_statement(data)
    assert str(refused.value).startswith(f"{EXPECTED}; this file is {looks_like}")
    assert all(fake.given == [] for fake in parsers.values())


def test_the_refusal_says_which_formats_are_read():
    assert EXPECTED == ("expected a bank statement: CAMT.053 (XML), OFX (1.x or 2.x) "
                        "or CFONB 120")


class Refusing:
    """A parser of another format that finds nothing in the file."""

    @staticmethod
    def parse(data: bytes) -> Statement:
        raise NotAStatement("not this one either")


@given(st.binary(max_size=3000) | st.sampled_from([CAMT, OFX_SGML, OFX_XML]).flatmap(
    lambda head: st.binary(max_size=200).map(lambda tail: head + tail)))
def test_any_bytes_give_a_statement_or_a_refusal(data):
    others = {f"payments.domain.statements.{module}": Refusing for module in ("camt053", "ofx")}
    with mock.patch.dict(sys.modules, others):
        try:
            assert isinstance(parse_statement(data), Statement)
        except NotAStatement as refused:
            assert str(refused)


def test_two_identical_payments_on_one_day_are_two_lines_and_keep_their_keys():
    from datetime import date

    from payments.domain.statements.model import BankLine, numbered

    same = BankLine("FR7630006000011234567890189", date(2026, 12, 1), 1500, "VIR MARTIN")
    first, second = numbered([same, same])
    assert first.key != second.key
    assert [line.key for line in numbered([same, same])] == [first.key, second.key]
    referenced = BankLine(same.account, same.booking_date, 1500, "VIR", bank_reference="R1")
    assert numbered([referenced, referenced])[1].key == referenced.key  # the bank's own: once
