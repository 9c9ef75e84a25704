"""Which format a bank statement file is in, read from its content, and its parser; for any other
file, a refusal that says what the file looks like. No I/O."""

import importlib
import re
from dataclasses import replace

from payments.domain.statements import cfonb120
from payments.domain.statements.model import NotAStatement, Statement, numbered

EXPECTED = "expected a bank statement: CAMT.053 (XML), OFX (1.x or 2.x) or CFONB 120"
BOM = b"\xef\xbb\xbf"
PARSERS = {"camt.053": "camt053", "ofx": "ofx", "cfonb120": "cfonb120"}
"""The module of payments.domain.statements that reads each format."""

_SIGNATURES = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document (e.g. an Excel .xls workbook)"),
    (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"{\\rtf", "an RTF document"),
]
SEPARATORS = {";": "semicolons", ",": "commas", "\t": "tabs", "|": "vertical bars"}
_ZIPPED = [(b"xl/", "an Excel workbook (.xlsx)"), (b"word/", "a Word document (.docx)"),
           (b"opendocument.spreadsheet", "an OpenDocument spreadsheet (.ods)"),
           (b"opendocument.text", "an OpenDocument text (.odt)")]


def parse_statement(data: bytes) -> Statement:
    """The statement a file holds, in whichever of the formats read; NotAStatement otherwise."""
    data = data.removeprefix(BOM)
    found = detect_format(data)
    if found is None:
        raise NotAStatement(f"{EXPECTED}; this file is {describe(data)}")
    # imported only when a file needs it: each parser loads its own library
    parser = importlib.import_module(f"payments.domain.statements.{PARSERS[found]}")
    statement = parser.parse(data)
    return replace(statement, lines=numbered(statement.lines))


def detect_format(data: bytes) -> str | None:
    """`camt.053`, `ofx` or `cfonb120` by the file's first bytes, else None."""
    head = data.removeprefix(BOM)[:65536]
    if re.match(rb"\s*OFXHEADER", head) or re.search(rb"<\?OFX\b|<OFX>", head, re.IGNORECASE):
        return "ofx"
    if head.lstrip().startswith(b"<") and re.search(
            rb"urn:iso:std:iso:20022:tech:xsd:camt\.053\.|<(\w+:)?BkToCstmrStmt\b", head):
        return "camt.053"
    if looks_like_cfonb120(head):
        return "cfonb120"
    return None


def looks_like_cfonb120(head: bytes) -> bool:
    """The first line is a record 01, 04, 05 or 07 with a bank code, 120 characters long (or
    less, its trailing spaces cut), or followed by another record where a file has no line end."""
    first = next((line for line in re.split(rb"\r\n|\r|\n", head) if line.strip()), b"")
    if not re.match(rb"0[1457][0-9]{5}", first):
        return False
    text = cfonb120.decode(first)
    return len(text.rstrip()) <= cfonb120.WIDTH or text[120:122] in cfonb120.CODES


def describe(data: bytes) -> str:
    """What a file that is no statement looks like, for the message that refuses it."""
    head = data[:4096]
    if not head.strip():
        return "empty"
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    if head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "an HEIC image (a phone's photo)"
    if head.startswith(b"PK\x03\x04"):
        return next((what for mark, what in _ZIPPED if mark in head), "a ZIP archive")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or is_utf16(head):
        return "text in UTF-16: save it as UTF-8 or ISO-8859-1"
    if b"\x00" in head or sum(byte < 32 and byte not in b"\t\n\r\f\x1a" for byte in head) > 8:
        return "binary data"
    text = cfonb120.decode(head).strip()
    return describe_text(text) if text else "empty"


def is_utf16(head: bytes) -> bool:
    """Text in UTF-16 without BOM: every other byte NUL (Latin letters), and only those."""
    even, odd = head[0::2], head[1::2]
    return len(head) >= 4 and any(
        half.count(0) >= 0.9 * len(half) and other.count(0) <= 0.1 * len(other)
        for half, other in ((even, odd), (odd, even)))


def describe_text(text: str) -> str:
    first = text.splitlines()[0]
    if re.match(r"(\{1:|:20:)", text):
        return "a SWIFT MT940 statement"
    if re.match(r"<!doctype html|<html", text, re.IGNORECASE):
        return "an HTML page (the bank's web page rather than the file it exports?)"
    if text.startswith("<"):
        camt = re.search(r"camt\.(\d{3})\.", text)
        if camt:
            return f"a camt.{camt[1]} message, not a camt.053 statement"
        root = re.search(r"<([A-Za-z_][\w.:-]*)", re.sub(r"<[?!][^>]*>", "", text))
        return f"XML whose root element is <{root[1] if root else '?'}>, not a camt.053 statement"
    if text.startswith(("{", "[")):
        return "JSON data"
    if text.startswith("!Type:") or text.startswith("!Account"):
        return "a QIF file (Quicken)"
    width = len(first.rstrip("\r\n"))
    if re.match(r"[0-9]{2}", first) and width in (160, 240):
        return (f"a CFONB file of {width}-character records (transfer or debit orders), "
                "not a CFONB 120 statement")
    separator = delimiter(text)
    if separator:
        return f"a CSV file (values separated by {SEPARATORS[separator]})"
    return f"text that begins {' '.join(first.split())[:40]!r}"


def delimiter(text: str) -> str | None:
    """The separator of delimited text: found as often (at least once) on each of its first
    lines, or at least twice on its only line."""
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    for separator in SEPARATORS:
        counts = {line.count(separator) for line in lines}
        if min(counts) >= (1 if len(lines) > 1 else 2) and len(counts) == 1:
            return separator
    return None
