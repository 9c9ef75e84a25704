"""OFX bank and credit card statements (1.x SGML, 2.x XML) read into a Statement. No I/O.

Read with a small tag reader of our own, not ofxtools (1.1.1, read and run before choosing):
its SGML builder nests everything after an empty unclosed element (`<MEMO>` then `</STMTTRN>`)
inside that element without a word, so a second account's lines can land in the first; a
stray end tag raises IndexError and text that is not OFX an AttributeError; the body is decoded
strictly by the header's CHARSET (a UTF-8 file labelled 1252 or the reverse fails) and a 2.x
file with a BOM is taken for 1.x; its models move DTPOSTED to UTC, so `20240402000000[+2:CEST]`
is booked on 1 April; and they refuse a whole file for a spec detail we do not use.

Here the SGML rule is applied as SGML means it: an end tag closes every element still open
inside it, and an element left open without a value was empty. Text is UTF-8 when it decodes
as such, else Windows-1252 (a superset of ISO-8859-1 for text), whatever the header claims.
"""

import html
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from payments.domain.statements.model import BankLine, NotAStatement, Statement
from payments.domain.statements.rib import iban_of_rib, is_iban, rib_key

EXPECTED = "an OFX file (an OFX 1.x SGML or 2.x XML bank or credit card statement) was expected"
OFX_START = re.compile(r"<\s*OFX\s*>", re.I)
TOKEN = re.compile(  # a comment never closed runs to the end: read once, not once per "<!--"
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)|<[?!][^>]*(?:>|\Z)"
    r"|<(?P<close>/)?\s*(?P<tag>[A-Za-z][A-Za-z0-9._]*)\s*(?P<empty>/)?>", re.S)
AMOUNT = re.compile(r"[+-]?(?=[.,]?[0-9])[0-9]{0,15}(?:[.,][0-9]{0,5})?")
MAX_DEPTH = 40
"""Far deeper than any statement goes (about 10): deeper is no statement, only slower."""


def parse(data: bytes) -> Statement:
    """Every posted line of every bank or card statement in the file (in each of its OFX
    documents, when a bank puts one after another); NotAStatement if it has none."""
    roots = _documents(_decode(data))
    lines: list[BankLine] = []
    accounts: list[str] = []
    for stmt in (element for root in roots for element in root.iter()):
        if stmt.tag not in ("STMTRS", "CCSTMTRS"):
            continue
        account = _account(stmt)
        if account not in accounts:
            accounts.append(account)
        currency = _text(stmt, "CURDEF") or "EUR"
        lines += [_line(trn, account, currency) for trn in stmt.findall("BANKTRANLIST/STMTTRN")]
    if not accounts:
        errors = [s for root in roots for s in root.iter("STATUS")
                  if _text(s, "CODE") not in (None, "0")]
        answer = "".join(f" (the bank answered {_text(s, 'CODE')}: {_text(s, 'MESSAGE')})"
                         for s in errors[:1])
        raise NotAStatement(f"{EXPECTED}: no STMTRS or CCSTMTRS statement found{answer}")
    return Statement(format="ofx", lines=lines, accounts=accounts)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _documents(text: str) -> list[ET.Element]:
    roots: list[ET.Element] = []
    position = 0
    while start := OFX_START.search(text, position):
        root, position = _tree(text, start.end())
        roots.append(root)
    if not roots:
        raise NotAStatement(f"{EXPECTED}: no <OFX> element found")
    return roots


def _tree(text: str, position: int) -> tuple[ET.Element, int]:
    """The <OFX> element whose content starts at `position`, with the end tags that SGML lets
    a bank leave out put back, and where it ends."""
    root = ET.Element("OFX")
    stack, valued = [root], set()      # valued: the ids of elements holding a value
    for token in TOKEN.finditer(text, position):
        value = text[position:token.start()]
        position = token.end()
        if token["cdata"] is not None:
            value += token["cdata"]
        if value.strip() and not len(stack[-1]) and id(stack[-1]) not in valued:
            stack[-1].text = html.unescape(value).strip()
            valued.add(id(stack[-1]))
        if not token["tag"]:
            continue
        tag = token["tag"].upper()
        if token["close"]:
            if tag in (e.tag for e in stack):
                _close(stack, tag, valued)
                if not stack:
                    return root, position
            continue
        if len(stack) > 1 and id(stack[-1]) in valued:   # a value ends its element
            stack.pop()
        element = ET.SubElement(stack[-1], tag)
        if not token["empty"]:
            stack.append(element)
        if len(stack) > MAX_DEPTH:
            raise NotAStatement(f"{EXPECTED}: elements nested more than {MAX_DEPTH} deep")
    raise NotAStatement(f"{EXPECTED}: the file ends before </OFX> (cut short?)")


def _close(stack: list[ET.Element], tag: str, valued: set[int]) -> None:
    while True:
        element = stack.pop()
        if element.tag == tag:
            return
        if id(element) not in valued and len(element):   # an empty element left open
            parent = stack[-1]
            children = list(element)
            del element[:]
            parent.extend(children)


def _account(stmt: ET.Element) -> str:
    bank = stmt.find("BANKACCTFROM")
    account = bank if bank is not None else stmt.find("CCACCTFROM")
    acctid = _text(account, "ACCTID") if account is not None else None
    if not acctid:
        raise NotAStatement(f"{EXPECTED}: a statement names no account (BANKACCTFROM or "
                            "CCACCTFROM with an ACCTID)")
    compact = "".join(acctid.split()).upper()
    if is_iban(compact):
        return compact
    if bank is None:
        return acctid
    bank_id, branch_id = _text(bank, "BANKID") or "", _text(bank, "BRANCHID") or ""
    iban = _french_iban(bank_id, branch_id, compact, _text(bank, "ACCTKEY"))
    return iban or " ".join(part for part in (bank_id, branch_id, acctid) if part)


def _french_iban(bank_id: str, branch_id: str, acctid: str, key: str | None) -> str | None:
    """The IBAN of a French RIB (bank 5 digits, branch 5, account 11, key 2), if it is one."""
    if len(acctid) == 13 and key is None:
        acctid, key = acctid[:11], acctid[11:]
    if not (re.fullmatch(r"[0-9]{5}", bank_id) and re.fullmatch(r"[0-9]{5}", branch_id)
            and re.fullmatch(r"[0-9A-Z]{11}", acctid)):
        return None
    if key is not None and key != f"{rib_key(bank_id, branch_id, acctid):02d}":
        return None
    return iban_of_rib(bank_id, branch_id, acctid)


def _line(trn: ET.Element, account: str, currency: str) -> BankLine:
    fitid = _text(trn, "FITID")
    where = f"transaction {fitid}" if fitid else "a transaction without FITID"
    name, memo = _text(trn, "NAME"), _text(trn, "MEMO")
    parts = (memo,) if name and memo and memo.startswith(name) else (name, memo)
    return BankLine(
        account=account, booking_date=_date(trn, "DTPOSTED", where),
        amount_cents=_cents(_text(trn, "TRNAMT"), where),
        label=" ".join(part for part in parts if part),
        value_date=_date(trn, "DTAVAIL", where) if _text(trn, "DTAVAIL") else None,
        counterparty=_text(trn, "PAYEE/NAME"), bank_reference=fitid,
        currency=_text(trn, "CURRENCY/CURSYM") or currency)


def _cents(text: str | None, where: str) -> int:
    amount = (text or "").replace(" ", "")
    if not AMOUNT.fullmatch(amount):
        raise NotAStatement(f"{EXPECTED}: TRNAMT {text!r} of {where} is not an amount")
    cents = Decimal(amount.replace(",", ".")) * 100
    if cents != cents.to_integral_value():
        raise NotAStatement(f"{EXPECTED}: TRNAMT {text} of {where} has fractions of a cent")
    return int(cents)


def _date(trn: ET.Element, name: str, where: str) -> date:
    text = _text(trn, name) or ""
    try:                                 # the bank's own day, whatever time zone follows
        if re.match(r"[0-9]{8}", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        pass
    raise NotAStatement(f"{EXPECTED}: {name} {text!r} of {where} is not a date")


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or not found.text:
        return None
    return " ".join(found.text.split()) or None
