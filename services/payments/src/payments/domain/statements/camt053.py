"""CAMT.053 (ISO 20022 BankToCustomerStatement, any version) read into a Statement. No I/O.

Read with lxml, not pycamt (1.1.1, read before choosing), whose reading loses or invents money:
a batch entry whose TxDtls carry no amounts gives one line per TxDtls, each with the whole
entry's amount; every detail of a batch gets the entry's AcctSvcrRef (searched anywhere below
the entry), so their keys collide; NtryRef and Othr account ids are never read; paths follow the
root's namespace map, so a file whose elements carry a prefix (`<ns2:Stmt>`) has "no Stmt";
bad input raises lxml's or its own bare errors. Here the schema's paths are followed exactly,
in whatever namespace.

The sign is CdtDbtInd's: per the ISO usage rule for RvslInd, a reversal's CdtDbtInd is already
the direction of the reversing booking (a returned credit is a DBIT with RvslInd true), so
RvslInd only says which party was the payer.
"""

import functools
import re
from datetime import date
from decimal import Decimal

from lxml import etree

from payments.domain.statements.model import BankLine, NotAStatement, Statement

EXPECTED = "a CAMT.053 file (ISO 20022 BkToCstmrStmt) was expected"
AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{0,5})?")
NOT_PROVIDED = "NOTPROVIDED"
"""What the SEPA rulebook has a payer's bank put in EndToEndId when the payer gave none."""


def parse(data: bytes) -> Statement:
    """Every booked line of every statement in the file; NotAStatement if it is not one."""
    root = _parse_xml(data)
    statements = [stmt for message in root.iter(_path("BkToCstmrStmt"))
                  for stmt in message.findall(_path("Stmt"))]
    if not statements:
        raise NotAStatement(f"{EXPECTED}: no Stmt element found")
    lines: list[BankLine] = []
    accounts: list[str] = []
    for stmt in statements:
        account = _account(stmt)
        if account not in accounts:
            accounts.append(account)
        currency = _text(stmt, "Acct/Ccy") or "EUR"
        for entry in stmt.findall(_path("Ntry")):
            if _status(entry) == "BOOK":
                lines.extend(_entry_lines(entry, account, currency))
    return Statement(format="camt.053", lines=lines, accounts=accounts)


def _parse_xml(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        first_error = error
    try:                                 # a file that lies about its encoding: banks do
        return etree.fromstring(data, _parser(encoding="windows-1252"))
    except (etree.XMLSyntaxError, ValueError, LookupError):
        raise NotAStatement(f"{EXPECTED}: the file is not well-formed XML ({first_error})") \
            from None


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(encoding=encoding, resolve_entities=False, no_network=True,
                           load_dtd=False, remove_comments=True, remove_pis=True)


def _account(stmt: etree._Element) -> str:
    iban = _text(stmt, "Acct/Id/IBAN")
    if iban:
        return "".join(iban.split()).upper()
    other = _text(stmt, "Acct/Id/Othr/Id")
    if other:
        return other
    raise NotAStatement(f"{EXPECTED}: statement {_text(stmt, 'Id')!r} names no account "
                        "(Acct/Id/IBAN or Acct/Id/Othr/Id)")


def _status(entry: etree._Element) -> str | None:
    return (_text(entry, "Sts/Cd") or _text(entry, "Sts") or "").upper() or None


def _entry_lines(entry: etree._Element, account: str, currency: str) -> list[BankLine]:
    """One line, or one per TxDtls of a batch whose details carry amounts adding up to it."""
    entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    where = f"entry {entry_ref}" if entry_ref else "an entry"
    sign = _sign(_text(entry, "CdtDbtInd"), where)
    reversal = (_text(entry, "RvslInd") or "").lower() in ("true", "1")
    amount_cents = sign * _cents(_text(entry, "Amt"), where)
    booking_date = _date(entry, "BookgDt") or _date(entry, "ValDt")
    if booking_date is None:
        raise NotAStatement(f"{EXPECTED}: booked {where} has neither BookgDt nor ValDt")
    base = dict(account=account, booking_date=booking_date, value_date=_date(entry, "ValDt"),
                currency=entry.find(_path("Amt")).get("Ccy") or currency)
    details = entry.findall(_path("NtryDtls/TxDtls"))
    entry_info = _text(entry, "AddtlNtryInf") or ""
    if len(details) == 1:
        own_ref = entry_ref or _text(details[0], "Refs/AcctSvcrRef")
        return [_line(details[0], base, amount_cents, reversal, own_ref, entry_info)]
    detail_cents = [_detail_cents(d, sign, base["currency"], where) for d in details]
    if len(details) < 2 or None in detail_cents or sum(detail_cents) != amount_cents:
        return [BankLine(**base, amount_cents=amount_cents, label=entry_info,
                         bank_reference=entry_ref)]
    return [_line(detail, base, cents, reversal, _detail_ref(detail, entry_ref, number),
                  entry_info)
            for number, (detail, cents) in enumerate(zip(details, detail_cents), start=1)]


def _line(detail: etree._Element, base: dict, amount_cents: int, reversal: bool,
          bank_reference: str | None, entry_info: str) -> BankLine:
    paid_us = (amount_cents > 0) != reversal    # a reversed debit's payee is paying back
    party = "Dbtr" if paid_us else "Cdtr"
    counterparty = None
    for role in (party, f"Ultmt{party}"):        # v08 wraps the name in Pty, v02 does not
        counterparty = counterparty or _text(detail, f"RltdPties/{role}/Pty/Nm") \
            or _text(detail, f"RltdPties/{role}/Nm")
    reference = _text(detail, "RmtInf/Strd/CdtrRefInf/Ref") or _text(detail, "Refs/EndToEndId")
    label = _remittance(detail) or _text(detail, "AddtlTxInf") or entry_info
    return BankLine(**base, amount_cents=amount_cents, label=label, counterparty=counterparty,
                    reference=None if reference == NOT_PROVIDED else reference,
                    bank_reference=bank_reference)


def _detail_cents(detail: etree._Element, entry_sign: int, currency: str,
                  where: str) -> int | None:
    amount = detail.find(_path("Amt"))
    if amount is None:
        amount = detail.find(_path("AmtDtls/TxAmt/Amt"))
    if amount is None or (amount.get("Ccy") or currency) != currency:
        return None
    indicator = _text(detail, "CdtDbtInd")
    sign = _sign(indicator, f"a TxDtls of {where}") if indicator else entry_sign
    return sign * _cents(amount.text, f"a TxDtls of {where}")


def _detail_ref(detail: etree._Element, entry_ref: str | None, number: int) -> str | None:
    own = _text(detail, "Refs/AcctSvcrRef")
    if own and own != entry_ref:
        return own
    return f"{entry_ref}/{number}" if entry_ref else None


def _remittance(detail: etree._Element) -> str:
    parts = [_clean(u.text) for u in detail.findall(_path("RmtInf/Ustrd"))]
    if not any(parts):
        for strd in detail.findall(_path("RmtInf/Strd")):
            parts += [_text(strd, "CdtrRefInf/Ref")]
            parts += [_clean(a.text) for a in strd.findall(_path("AddtlRmtInf"))]
    return " ".join(p for p in parts if p)


def _sign(indicator: str | None, where: str) -> int:
    if indicator == "CRDT":
        return 1
    if indicator == "DBIT":
        return -1
    raise NotAStatement(f"{EXPECTED}: CdtDbtInd {indicator!r} of {where} "
                        "is neither CRDT nor DBIT")


def _cents(text: str | None, where: str) -> int:
    amount = (text or "").strip()
    if not AMOUNT.fullmatch(amount):
        raise NotAStatement(f"{EXPECTED}: amount {text!r} of {where} is not a decimal number")
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise NotAStatement(f"{EXPECTED}: amount {amount} of {where} has fractions of a cent")
    return int(cents)


def _date(entry: etree._Element, name: str) -> date | None:
    text = _text(entry, f"{name}/Dt") or _text(entry, f"{name}/DtTm")
    if text is None:
        return None
    try:                                 # a DtTm's date is the bank's own day: keep it
        return date.fromisoformat(text[:10])
    except ValueError:
        raise NotAStatement(f"{EXPECTED}: {name} {text!r} is not a date") from None


@functools.cache
def _path(path: str) -> str:
    """The path in any namespace: each version of camt.053 has its own, some banks a prefix."""
    return "/".join(f"{{*}}{step}" for step in path.split("/"))


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(_path(path))
    return _clean(found.text) if found is not None else None


def _clean(text: str | None) -> str | None:
    return (" ".join(text.split()) or None) if text else None
