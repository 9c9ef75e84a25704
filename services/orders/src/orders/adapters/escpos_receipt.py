"""The till receipt as ESC/POS bytes for a 58 mm or 80 mm thermal printer (python-escpos).

Code page: Windows-1252, which ESC/POS selects with `ESC t 16` ("WPC1252"). It holds "€" and
every letter French needs: é è ê ë à â ç î ï ô ù û ü ÿ, their capitals, and œ/Œ ("Œufs"), « »
and ’, which PC858 (`ESC t 19`, the other code page with "€") lacks. Slot 16 is WPC1252 in
python-escpos's "default" profile, in the Epson TM-T20II, TM-T88IV and TM-T88V profiles, and on
the common 58 mm clones of its database (ZJ-5870, POS-5890, NT-5890K); the ZJ-5870 has no
PC858 at all. The profile used is "default": it knows that slot, the two fonts and a partial
cut. The code page is forced once after `ESC @` rather than left to python-escpos's magic
encoding, which would pick the lowest slot that has each character (PC437 for "é", then switch
to another page for "€"), a switch per character on the line that not every printer honours.

A receipt row stays one printed line of the same columns: each character maps to exactly one
byte, a character Windows-1252 lacks to its unaccented letter when it has one ("ō" → "o"),
else to "?"; control characters become "?" too, so that text can never send a command.
"""

import unicodedata

from orders.domain.printouts import BODY, HEADER, TITLE, TOTAL, Printout, receipt_rows

COLUMNS = {58: 32, 80: 48}
"""Paper width in millimetres → characters per line in font A."""
CODE_PAGE = "CP1252"
ENCODING = "cp1252"
PROFILE = "default"


def escpos_receipt(p: Printout, paper_mm: int) -> bytes:
    """The receipt for a printer loaded with `paper_mm` (58 or 80) paper: the rows of
    `receipt_text(p, 32 or 48)` in font A, the header centred with the seller's name in bold,
    TOTAL bold in double height, then a feed and a partial cut. ValueError for other paper."""
    if paper_mm not in COLUMNS or isinstance(paper_mm, bool):
        raise ValueError(f"paper is 58 or 80 mm wide, not {paper_mm!r}")
    # Imported here: importing python-escpos configures the root logger and writes a pickle
    # to a temporary directory, which a service must not do at import time.
    from escpos.printer import Dummy

    printer = Dummy(profile=PROFILE)
    printer.hw("INIT")
    printer.charcode(CODE_PAGE)
    printer.set(font="a")
    style = BODY
    for row in receipt_rows(p, COLUMNS[paper_mm]):
        if row.style != style:
            _restyle(printer, style, row.style)
            style = row.style
        centred = row.style in (TITLE, HEADER)
        printer.textln(printable(row.text.strip() if centred else row.text))
    _restyle(printer, style, BODY)
    printer.cut(mode="PART")
    return printer.output


def _restyle(printer, before: str, after: str) -> None:
    """From rows styled `before` to rows styled `after`. The header is centred by the printer
    (its rows are sent without the text receipt's leading spaces); the total's double height
    keeps the columns of font A."""
    printer.set(align="center" if after in (TITLE, HEADER) else "left",
                bold=after in (TITLE, TOTAL), double_height=after == TOTAL,
                normal_textsize=before == TOTAL and after != TOTAL)


def printable(text: str) -> str:
    """`text` with one Windows-1252 character per character (see the module's docstring)."""
    return "".join(map(_printable_char, text))


def _printable_char(char: str) -> str:
    if unicodedata.category(char) == "Cc":
        return "?"
    if _encodable(char):
        return char
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if len(bare) == 1 and bare.isprintable() and _encodable(bare) else "?"


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True
