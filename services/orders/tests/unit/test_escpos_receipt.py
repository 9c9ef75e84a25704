"""ESC/POS till receipts, read back by a small printer emulator: the text receipt's rows."""

from dataclasses import dataclass, field, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders.adapters.escpos_receipt import escpos_receipt, printable
from orders.domain.order import Line
from orders.domain.printouts import receipt_rows, receipt_text

from .test_printouts import INVOICED, PRINTED, lines_of

ESC, GS, LF = 0x1B, 0x1D, 0x0A
CODE_PAGES = {0: "cp437", 16: "cp1252", 19: "cp858"}
"""`ESC t n` → the code page, for the few this emulator knows."""
CP1252 = b"\x1bt\x10"
PARTIAL_CUT = b"\x1dV\x01"


@dataclass
class Printed:
    text: str
    centred: bool
    bold: bool
    double_height: bool


@dataclass
class Paper:
    """What a printer of `columns` puts on paper: lines, and the commands it was sent."""

    columns: int
    lines: list[Printed] = field(default_factory=list)
    commands: list[bytes] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    def line(self, start: str) -> Printed:
        return next(line for line in self.lines if line.text.startswith(start))


def read(data: bytes, columns: int) -> Paper:
    """Emulate the commands `escpos_receipt` sends; anything else fails the test, as do control
    bytes in the text and text left unprinted before the cut."""
    paper, pending = Paper(columns), ""
    align = bold = height = 0
    code_page = None
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in (ESC, GS):
            name, n = bytes([byte, data[i + 1]]), data[i + 2] if i + 2 < len(data) else None
            size = 2 if name == b"\x1b@" else 4 if name == b"\x1dV" and n in (65, 66) else 3
            paper.commands.append(data[i:i + size])
            if name == b"\x1b@":
                align = bold = height = 0
            elif name == b"\x1bt":
                code_page = CODE_PAGES[n]
            elif name == b"\x1ba":
                align = n
            elif name == b"\x1bE":
                bold = n & 1
            elif name == b"\x1b!":
                bold, height = n & 0x08, n & 0x10
            elif name == b"\x1d!":
                height = n & 0x0F
            else:
                assert name in (b"\x1bM", b"\x1bd", b"\x1dV"), f"unexpected command {name!r}"
            i += size
        elif byte == LF:
            text = pending.center(columns).rstrip() if align == 1 else pending
            paper.lines.append(Printed(text, align == 1, bool(bold), bool(height)))
            pending, i = "", i + 1
        else:
            assert byte >= 0x20 and byte != 0x7F, f"control byte {byte:#x} in the text"
            assert code_page, "text before a code page was selected"
            pending += bytes([byte]).decode(code_page)
            i += 1
    assert pending == "", "text left unprinted"
    return paper


@pytest.mark.parametrize("paper_mm, columns", [(58, 32), (80, 48)])
def test_the_printer_prints_the_text_receipt_of_its_paper_width(paper_mm, columns):
    paper = read(escpos_receipt(INVOICED, paper_mm), columns)
    assert paper.texts == lines_of(receipt_text(INVOICED, columns))
    assert max(len(text) for text in paper.texts) == columns


def test_the_receipt_states_invoice_total_balance_and_available_credit():
    paper = read(escpos_receipt(INVOICED, 58), 32)
    for label, value in [("Facture", "F000042"), ("TOTAL", "20,00 €"),
                         ("Solde du compte", "5,00 €"), ("Disponible", "15,00 €"),
                         ("5,5 %", "HT 18,96 €  TVA 1,04 €")]:
        assert paper.line(label).text.endswith(value)


def test_the_header_is_centred_the_seller_in_bold_and_the_total_in_double_height():
    paper = read(escpos_receipt(INVOICED, 80), 48)
    title, address = paper.line(" " * 10), paper.lines[1]
    assert title.text.strip() == "EARL Ferme des Saules" and title.centred and title.bold
    assert address.text.strip() == "12 chemin des Saules" and address.centred
    assert not address.bold
    total = paper.line("TOTAL")
    assert total.double_height and total.bold and not total.centred
    after = paper.line("5,5 %")
    assert not (after.double_height or after.bold or after.centred)


def test_the_bytes_initialise_the_printer_and_end_with_a_feed_and_a_partial_cut():
    data = escpos_receipt(INVOICED, 58)
    assert data.startswith(b"\x1b@" + CP1252)
    assert data.endswith(PARTIAL_CUT)
    assert read(data, 32).commands[-2][:2] == b"\x1bd"


def test_euro_and_accents_are_bytes_of_windows_1252_selected_once():
    data = escpos_receipt(INVOICED, 80)
    assert data.count(b"\x1bt") == 1
    assert "20,00 €".encode("cp1252") in data and b"20,00 \x80" in data
    assert "Élise".encode("cp1252") in data and "légumes".encode("cp1252") == b"l\xe9gumes"
    assert b"l\xe9gumes" in data and "é".encode() not in data


def test_letters_windows_1252_lacks_print_unaccented_or_as_a_question_mark():
    foreign = replace(PRINTED, customer_name="Ōsaka 日本", lines=[Line("Œufs frais", 6, 50)],
                      total_cents=300)
    paper = read(escpos_receipt(foreign, 58), 32)
    assert paper.line("Client").text.endswith("Osaka ??")
    assert "Œufs frais" in paper.texts


def test_control_characters_in_what_people_typed_never_reach_the_printer_as_commands():
    hostile = replace(PRINTED, customer_name="Jo\x1bi\x1dV\x00", seller_name="Ferme\x1b@")
    data = escpos_receipt(hostile, 80)
    paper = read(data, 48)
    assert paper.line("Client").text.endswith("Jo?i?V?")
    assert paper.lines[0].text.strip() == "Ferme?@"
    assert data.count(b"\x1b@") == 1 and data.count(b"\x1dV") == 1


@pytest.mark.parametrize("paper_mm", [57, 76, 110, 0, "58", True])
def test_only_58_and_80_mm_paper_is_known(paper_mm):
    with pytest.raises(ValueError):
        escpos_receipt(PRINTED, paper_mm)


FRENCH = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ" "ABCÉÈÊÀÇÔŒ" "0123456789 '’-«»"
french = st.text(st.sampled_from(FRENCH), min_size=1, max_size=120).filter(str.strip)
anything = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@given(labels=st.lists(french, min_size=1, max_size=4), name=french, seller=french,
       address=french, paper_mm=st.sampled_from([58, 80]))
def test_french_text_prints_as_the_text_receipt_within_the_columns(labels, name, seller,
                                                                    address, paper_mm):
    lines = [Line(label, 1, 1234) for label in labels]
    printout = replace(INVOICED, lines=lines, total_cents=1234 * len(lines), customer_name=name,
                       seller_name=seller, seller_address=address)
    columns = {58: 32, 80: 48}[paper_mm]
    paper = read(escpos_receipt(printout, paper_mm), columns)
    assert paper.texts == lines_of(receipt_text(printout, columns))
    assert max(len(text) for text in paper.texts) <= columns


@given(label=anything, name=anything, paper_mm=st.sampled_from([58, 80]))
def test_no_printed_line_is_wider_than_the_paper_whatever_was_typed(label, name, paper_mm):
    printout = replace(INVOICED, lines=[Line(label, 1, 100)], total_cents=100,
                       customer_name=name)
    columns = {58: 32, 80: 48}[paper_mm]
    paper = read(escpos_receipt(printout, paper_mm), columns)
    assert max(len(text) for text in paper.texts) <= columns
    assert len(paper.texts) == len(receipt_rows(printout, columns))


def test_printable_keeps_one_character_for_each():
    assert printable("Crème brûlée 5,00 € — ½ ﬁ\t") == "Crème brûlée 5,00 € — ½ ??"
